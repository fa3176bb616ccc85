import type { Lease } from '../../lib/adapter/lease';
import type { RedisClient } from './client';
import { LuaScript } from './lua-script';

// KEYS: lease; ARGV: holder, ttlMs. Check and set in one step, so two processes can never both see "free".
const ACQUIRE = new LuaScript(`
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if current then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`);

// Deleting only our own value: a holder that overran its TTL must not release its successor's lease.
const RELEASE = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** Lease on Redis: one string key per lease holding the holder's id, expiring after the TTL. */
export class RedisLease implements Lease {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
  ) {}

  async tryAcquire(name: string, holder: string, ttlMs: number): Promise<boolean> {
    return (await ACQUIRE.run(this.client, [this.key(name)], [holder, ttlMs])) === 1;
  }

  async release(name: string, holder: string): Promise<boolean> {
    return (await RELEASE.run(this.client, [this.key(name)], [holder])) === 1;
  }

  private key(name: string): string {
    return `${this.prefix}lease:${name}`;
  }
}
