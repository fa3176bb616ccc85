import { v7 as uuidv7, validate, version } from 'uuid';

/**
 * Ids are UUIDv7: time-ordered, so keyset pagination by id follows creation order and B-tree inserts stay
 * local. uuid's v7 is monotonic within a millisecond, which keeps a 50,000-seat batch in the given order.
 */
export function newId(): string {
  return uuidv7();
}

export function isUuid(value: string): boolean {
  return validate(value) && version(value) >= 1;
}
