import { LuaScript } from './lua-script';

/**
 * The Lua scripts of RedisWaitingRoom. Each runs atomically, so joining, admitting, refreshing and leaving
 * are single indivisible steps however many API processes race. Every script takes the same six keys of
 * one event, all tagged `{<event_id>}` so they share a cluster slot:
 *   KEYS[1] waiting  ZSET session id -> line score (lottery draw in [0,1), else per-event sequence >= 1)
 *   KEYS[2] active   ZSET session id -> expiry (ms)
 *   KEYS[3] users    HASH user id -> session id of the user's live (waiting or active) entry
 *   KEYS[4] sessions HASH session id -> JSON record {u: user, s: state, j: joined ms, x: expiry ms or '0'}
 *   KEYS[5] seq      STRING first-come counter (INCR: no ties, no clock involved)
 *   KEYS[6] salt     STRING per-event lottery salt
 * ARGV[1] is always the caller's clock in ms. Replies for one entry: {sid, user, status, joined, expires,
 * position[, created]}.
 */
const PRELUDE = `
local now = tonumber(ARGV[1])
local K = {waiting = KEYS[1], active = KEYS[2], users = KEYS[3], sessions = KEYS[4], seq = KEYS[5], salt = KEYS[6]}
-- Milliseconds are kept as strings: cjson prints numbers with 14 significant digits and would round them.
local function load(sid)
  local raw = redis.call('HGET', K.sessions, sid)
  if raw then return cjson.decode(raw) end
  return nil
end
local function save(sid, rec) redis.call('HSET', K.sessions, sid, cjson.encode(rec)) end
-- An active session past its expiry is expired from that instant, whether or not it was purged yet.
local function statusOf(rec)
  if rec.s == 'active' and tonumber(rec.x) <= now then return 'expired' end
  return rec.s
end
local function finish(sid, rec, state)
  rec.s = state
  if state == 'left' then rec.x = '0' end
  save(sid, rec)
  redis.call('ZREM', K.waiting, sid)
  redis.call('ZREM', K.active, sid)
  if redis.call('HGET', K.users, rec.u) == sid then redis.call('HDEL', K.users, rec.u) end
end
-- Bounded per call so one script never runs long; counting uses ZCOUNT above now, so a lapsed session
-- that is not purged yet still never counts toward the maximum.
local function purge()
  for _, sid in ipairs(redis.call('ZRANGEBYSCORE', K.active, '-inf', now, 'LIMIT', 0, 500)) do
    local rec = load(sid)
    if rec then finish(sid, rec, 'expired') else redis.call('ZREM', K.active, sid) end
  end
end
local function reply(sid, rec)
  local state = statusOf(rec)
  local position = 0
  if state == 'waiting' then
    local rank = redis.call('ZRANK', K.waiting, sid)
    if rank then position = rank + 1 end
  end
  return {sid, rec.u, state, rec.j, rec.x, position}
end
`;

const script = (body: string) => new LuaScript(PRELUDE + body);

// ARGV: now, userId, sessionId, lottery ('1'/'0'), salt candidate, retainUntil ms
export const JOIN = script(`
purge()
local user = ARGV[2]
local current = redis.call('HGET', K.users, user)
if current then
  local rec = load(current)
  if rec then
    local state = statusOf(rec)
    if state == 'waiting' or state == 'active' then
      local r = reply(current, rec)
      r[7] = 0
      return r
    end
    finish(current, rec, state)
  else
    redis.call('HDEL', K.users, user)
  end
end
local score
if ARGV[4] == '1' then
  -- sha1(salt .. user): random across users, the same draw for the same user, so rejoining rerolls nothing.
  redis.call('SET', K.salt, ARGV[5], 'NX')
  local draw = string.sub(redis.sha1hex(redis.call('GET', K.salt) .. user), 1, 12)
  score = string.format('%.17g', tonumber(draw, 16) / 281474976710656)
else
  score = redis.call('INCR', K.seq)
end
local sid = ARGV[3]
local rec = {u = user, s = 'waiting', j = ARGV[1], x = '0'}
redis.call('ZADD', K.waiting, score, sid)
redis.call('HSET', K.users, user, sid)
save(sid, rec)
for i = 1, 6 do redis.call('PEXPIREAT', KEYS[i], ARGV[6]) end
local r = reply(sid, rec)
r[7] = 1
return r
`);

// ARGV: now, count, maxActive, ttlMs. The maximum is checked here, inside the one atomic step that
// admits, so no number of concurrent admitters (jobs, admins, processes) can exceed it.
export const ADMIT = script(`
purge()
local live = redis.call('ZCOUNT', K.active, '(' .. ARGV[1], '+inf')
local n = math.min(tonumber(ARGV[2]), tonumber(ARGV[3]) - live)
if n <= 0 then return 0 end
local ttl = redis.call('PTTL', K.waiting)
local popped = redis.call('ZPOPMIN', K.waiting, n)
local expires = string.format('%.0f', now + tonumber(ARGV[4]))
local admitted = 0
for i = 1, #popped, 2 do
  local sid = popped[i]
  local rec = load(sid)
  if rec then
    rec.s = 'active'
    rec.x = expires
    save(sid, rec)
    redis.call('ZADD', K.active, expires, sid)
    admitted = admitted + 1
  end
end
-- The active set may be created here, after the last join set expiries: give it the line's retention.
if ttl > 0 and redis.call('PTTL', K.active) < ttl then redis.call('PEXPIRE', K.active, ttl) end
return admitted
`);

// ARGV: now, sessionId, ttlMs
export const REFRESH = script(`
local sid = ARGV[2]
local rec = load(sid)
if not rec then return false end
local state = statusOf(rec)
if state == 'active' then
  rec.x = string.format('%.0f', now + tonumber(ARGV[3]))
  save(sid, rec)
  redis.call('ZADD', K.active, rec.x, sid)
elseif state ~= rec.s then
  finish(sid, rec, state)
end
return reply(sid, rec)
`);

// ARGV: now, sessionId
export const LEAVE = script(`
local sid = ARGV[2]
local rec = load(sid)
if not rec then return false end
local state = statusOf(rec)
if state == 'waiting' or state == 'active' then
  finish(sid, rec, 'left')
elseif state ~= rec.s then
  finish(sid, rec, state)
end
return reply(sid, rec)
`);

// ARGV: now, sessionId
export const SESSION = script(`
local rec = load(ARGV[2])
if not rec then return false end
return reply(ARGV[2], rec)
`);

// ARGV: now, userId
export const LIVE_ENTRY = script(`
local sid = redis.call('HGET', K.users, ARGV[2])
if not sid then return false end
local rec = load(sid)
if not rec then return false end
local state = statusOf(rec)
if state ~= 'waiting' and state ~= 'active' then return false end
return reply(sid, rec)
`);

// ARGV: now. One script so the two counts are one snapshot (a buyer admitted between two separate reads
// would be counted twice or not at all).
export const COUNTS = script(`
return {redis.call('ZCARD', K.waiting), redis.call('ZCOUNT', K.active, '(' .. ARGV[1], '+inf')}
`);
