import { randomFillSync } from 'node:crypto';
import { v7 as uuidv7, validate, version } from 'uuid';

// uuid draws 16 bytes from the system for every id; a purchase makes several ids, so entropy is drawn
// in blocks here (as crypto.randomUUID does) and handed to uuid's v7 with the ordering state below.
const POOL_BYTES = 16 * 512;
let pool = Buffer.alloc(0);
let offset = 0;
const order = { msecs: -Infinity, seq: 0 };

function random16(): Uint8Array {
  if (offset + 16 > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_BYTES));
    offset = 0;
  }
  offset += 16;
  return pool.subarray(offset - 16, offset);
}

/**
 * Ids are UUIDv7: time-ordered, so keyset pagination by id follows creation order and B-tree inserts stay
 * local. Monotonic within a millisecond (uuid's own rule: a random 31-bit counter, incremented), which
 * keeps a 50,000-seat batch in the given order.
 */
export function newId(): string {
  const random = random16();
  const now = Date.now();
  if (now > order.msecs) {
    order.msecs = now;
    order.seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
  } else {
    order.seq = (order.seq + 1) | 0;
    if (order.seq === 0) order.msecs++;
  }
  return uuidv7({ random, msecs: order.msecs, seq: order.seq });
}

export function isUuid(value: string): boolean {
  return validate(value) && version(value) >= 1;
}
