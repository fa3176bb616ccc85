import { LuaScript } from './lua-script';

/**
 * The Lua scripts of RedisHoldStore, one per operation. A script runs atomically on the server, so every
 * check-and-set below is one indivisible step however many API processes race. Every key a script touches
 * is passed in KEYS and carries the event's hash tag `{<event_id>}`, so on Redis Cluster each call lands on
 * one node. Time is Redis's own clock (TIME), so API processes with skewed clocks still agree on expiry.
 * Key layout and reply shapes: docs/holds.md.
 */
// A token is never below the current time in ms, so it keeps increasing when the counter expires: an earlier
// token could only be ahead of the clock by the holds issued faster than one per ms, and the counter outlives
// the longest hold (15 min) by far more than any such burst. A failover or flush that loses the counter
// during a rush can repeat tokens for as long as it ran ahead (docs/holds.md); purchases compare a token
// only with its own hold's record.
export const FENCE_TTL_MS = 3600 * 1000;
// While holds come faster than one per ms the counter runs ahead of the clock and INCR alone issues the
// tokens, leaving its TTL as it was. Renewing it every this many tokens, it can only expire an hour after
// fewer than this many holds: by then the clock has passed every token it gave, as above.
export const FENCE_RENEW_EVERY = 100;
// Unclaimed lapsed places are only news for a while; nobody watching means nobody to tell.
const LAPSED_TTL_MS = 24 * 3600 * 1000;
// A container whose TTL must grow gets this much more than it needs, so the holds after it find it long
// enough with a PTTL alone instead of PTTL + PEXPIRE each. Per-user ZSETs are many (one per buyer and
// event): theirs outlive their last hold only briefly.
const EVENT_SLACK_MS = 3600 * 1000;
const USER_SLACK_MS = 60 * 1000;

const PRELUDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
-- Containers (ZSETs, totals) live at least as long as their longest-lived member: only ever lengthen their
-- TTL, then to ttl + slack.
local function keep(key, ttl, slack)
  if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, ttl + slack) end
end
-- Standing holds' members are '<quantity>:<hold id>', so the running total is kept without reading records.
local function qty(member) return tonumber(string.match(member, '^(%d+):')) end
-- A user's ZSET has one member per place held, '<hold id>:<k>' for k = 1..q, scored by the hold's expiry, so
-- what a user holds is one ZCOUNT of the members still ahead of the clock, with nothing to read back and parse
-- (reading and summing the members cost more than the rest of a refused hold). Lapsed members are only
-- counted out, and removed by the next hold that succeeds, so a refused hold costs this ZSET no write.
local function userHeld(key)
  return redis.call('ZCOUNT', key, '(' .. now, '+inf')
end
local function userPlaces(holdId, q, expires)
  local args = {}
  for k = 1, q do
    args[2 * k - 1] = expires
    args[2 * k] = holdId .. ':' .. k
  end
  return args
end
local function addUserHold(key, held, expires, holdId, q, ttl)
  -- More members than live ones: some lapsed. None at all: the ZSET does not exist yet, so it has no TTL.
  local members = redis.call('ZCARD', key)
  if members > held then redis.call('ZREMRANGEBYSCORE', key, '-inf', now) end
  redis.call('ZADD', key, unpack(userPlaces(holdId, q, expires)))
  if members == 0 then redis.call('PEXPIRE', key, ttl + ${USER_SLACK_MS}) else keep(key, ttl, ${USER_SLACK_MS}) end
end
-- Expired standing holds leave the running total before anything is counted, so capacity can never be
-- exceeded by holds whose TTL passed but whose entries are still there. What lapsed is added to a counter
-- that takeExpired drains: the store's own expiry signal for live availability.
local function purgePlaces(places, placed, lapsed)
  local gone = redis.call('ZRANGEBYSCORE', places, '-inf', now)
  if #gone == 0 then return end
  local sum = 0
  for _, m in ipairs(gone) do sum = sum + qty(m) end
  redis.call('ZREMRANGEBYSCORE', places, '-inf', now)
  if redis.call('DECRBY', placed, sum) <= 0 then redis.call('DEL', placed) end
  redis.call('INCRBY', lapsed, sum)
  redis.call('PEXPIRE', lapsed, ${LAPSED_TTL_MS})
end
-- max(last token + 1, now) in one INCR while the counter is ahead of the clock, as in a rush; behind it
-- (or gone), SET to the clock, which also renews the TTL.
local function nextToken(fence)
  local token = redis.call('INCR', fence)
  if token < now then
    redis.call('SET', fence, now, 'PX', ${FENCE_TTL_MS})
    return now
  end
  if token % ${FENCE_RENEW_EVERY} == 0 then redis.call('PEXPIRE', fence, ${FENCE_TTL_MS}) end
  return token
end
`;

// KEYS: record, user, seats, fence, seat...   ARGV: holdId, userId, ttlMs, maxPerUser, eventId, seatIdsCsv, seatId...
const HOLD_SEATS = `
local holdId, userId, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
local n = #KEYS - 4
local held = userHeld(KEYS[2])
if held + n > tonumber(ARGV[4]) then return {'user_limit', held} end
local conflicts = {'seats_taken'}
for i = 5, #KEYS do
  local left = redis.call('PTTL', KEYS[i])
  if left == -1 or left > 0 then
    conflicts[#conflicts + 1] = ARGV[i + 2]
    conflicts[#conflicts + 1] = now + math.max(left, 0)
  end
end
if #conflicts > 1 then return conflicts end
local token = nextToken(KEYS[4])
local expires = now + ttl
local lock = holdId .. ':' .. userId
-- Expired members stay in the seats ZSET (one per seat at most) until takeExpired reports them, so the
-- ZSET outlives its last hold by a grace period.
for i = 5, #KEYS do
  -- At the very instant the record says, so a seat's expiry reads back exactly as the hold's.
  redis.call('SET', KEYS[i], lock, 'PXAT', expires)
  redis.call('ZADD', KEYS[3], expires, ARGV[i + 2])
end
keep(KEYS[3], ttl + ${LAPSED_TTL_MS}, ${EVENT_SLACK_MS})
redis.call('HSET', KEYS[1], 'e', ARGV[5], 'u', userId, 's', ARGV[6], 'q', n, 'f', token, 'c', now, 'x', expires)
redis.call('PEXPIRE', KEYS[1], ttl)
addUserHold(KEYS[2], held, expires, holdId, n, ttl)
return {'ok', token, now}
`;

// KEYS: record, user, places, placed, fence, lapsed   ARGV: holdId, userId, ttlMs, maxPerUser, eventId, quantity, capacity
const HOLD_QUANTITY = `
local holdId, userId, ttl, q, capacity = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[6]), tonumber(ARGV[7])
local held = userHeld(KEYS[2])
if held + q > tonumber(ARGV[4]) then return {'user_limit', held} end
purgePlaces(KEYS[3], KEYS[4], KEYS[6])
local taken = tonumber(redis.call('GET', KEYS[4]) or '0')
if taken + q > capacity then return {'capacity_exhausted', math.max(0, capacity - taken)} end
local token = nextToken(KEYS[5])
local expires = now + ttl
local member = q .. ':' .. holdId
redis.call('ZADD', KEYS[3], expires, member)
redis.call('INCRBY', KEYS[4], q)
-- Lapsed places stay in the ZSET until takeExpired reports them, so the pair outlives its last hold by the
-- same grace period as the seats ZSET: an event's last lapsed places are news too.
keep(KEYS[3], ttl + ${LAPSED_TTL_MS}, ${EVENT_SLACK_MS})
keep(KEYS[4], ttl + ${LAPSED_TTL_MS}, ${EVENT_SLACK_MS})
redis.call('HSET', KEYS[1], 'e', ARGV[5], 'u', userId, 's', '', 'q', q, 'f', token, 'c', now, 'x', expires)
redis.call('PEXPIRE', KEYS[1], ttl)
addUserHold(KEYS[2], held, expires, holdId, q, ttl)
return {'ok', token, now}
`;

const RECORD_FIELDS = `redis.call('HMGET', KEYS[1], 'e', 'u', 's', 'q', 'f', 'c', 'x')`;

// KEYS: record, user, seats, places, placed, seat...   ARGV: holdId, seatId...
// A lock is freed only if it is still this hold's: after an expiry the seat may belong to someone else.
const RELEASE = `
local r = ${RECORD_FIELDS}
if not r[1] then return false end
local member = r[4] .. ':' .. ARGV[1]
redis.call('DEL', KEYS[1])
local mine = {}
for k = 1, tonumber(r[4]) do mine[k] = ARGV[1] .. ':' .. k end
redis.call('ZREM', KEYS[2], unpack(mine))
if r[3] == '' then
  if redis.call('ZREM', KEYS[4], member) == 1 then
    if redis.call('DECRBY', KEYS[5], r[4]) <= 0 then redis.call('DEL', KEYS[5]) end
  end
else
  local lock = ARGV[1] .. ':' .. r[2]
  for i = 6, #KEYS do
    if redis.call('GET', KEYS[i]) == lock then
      redis.call('DEL', KEYS[i])
      redis.call('ZREM', KEYS[3], ARGV[i - 4])
    end
  end
end
return r
`;

// KEYS: record, user, seats, places, placed, seat...   ARGV: holdId, expiresAtMs, seatId...
const EXTEND = `
local r = ${RECORD_FIELDS}
if not r[1] then return false end
local expires = tonumber(ARGV[2])
local ttl = expires - now
-- Only a skewed caller clock can ask for a moment already past; leave the hold as it is.
if ttl <= 0 then return r end
redis.call('HSET', KEYS[1], 'x', expires)
redis.call('PEXPIRE', KEYS[1], ttl)
local member = r[4] .. ':' .. ARGV[1]
redis.call('ZADD', KEYS[2], 'XX', unpack(userPlaces(ARGV[1], tonumber(r[4]), expires)))
keep(KEYS[2], ttl, ${USER_SLACK_MS})
if r[3] == '' then
  redis.call('ZADD', KEYS[4], 'XX', expires, member)
  keep(KEYS[4], ttl, 0)
  keep(KEYS[5], ttl, 0)
else
  local lock = ARGV[1] .. ':' .. r[2]
  for i = 6, #KEYS do
    if redis.call('GET', KEYS[i]) == lock then
      redis.call('PEXPIREAT', KEYS[i], expires)
      redis.call('ZADD', KEYS[3], 'XX', expires, ARGV[i - 3])
    end
  end
  keep(KEYS[3], ttl, 0)
end
r[7] = expires
return r
`;

// KEYS: seat...   Reply: per seat its lock value ('' when free) and its expiry in Unix ms (PEXPIRETIME).
const SEAT_HOLDS = `
local out = {}
for i = 1, #KEYS do
  local lock = redis.call('GET', KEYS[i])
  out[#out + 1] = lock or ''
  out[#out + 1] = lock and redis.call('PEXPIRETIME', KEYS[i]) or -2
end
return out
`;

// KEYS: seats, places, placed, lapsed
const HELD_COUNT = `
purgePlaces(KEYS[2], KEYS[3], KEYS[4])
return redis.call('ZCOUNT', KEYS[1], '(' .. now, '+inf') + tonumber(redis.call('GET', KEYS[3]) or '0')
`;

// KEYS: seats, places, placed, lapsed   ARGV: limit. Reply: lapsed places, then the seats whose hold lapsed.
// Claiming removes what it reports, so each expiry is reported to exactly one caller across processes.
// A seat held again since carries the new hold's later score and is not reported.
const TAKE_EXPIRED = `
purgePlaces(KEYS[2], KEYS[3], KEYS[4])
local seats = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, tonumber(ARGV[1]))
if #seats > 0 then redis.call('ZREM', KEYS[1], unpack(seats)) end
local places = tonumber(redis.call('GET', KEYS[4]) or '0')
if places > 0 then redis.call('DEL', KEYS[4]) end
table.insert(seats, 1, places)
return seats
`;

function script(name: string, body: string): LuaScript {
  return new LuaScript(`-- onsale hold: ${name}\n${PRELUDE}\n${body}`);
}

export const HOLD_SCRIPTS = {
  holdSeats: script('holdSeats', HOLD_SEATS),
  holdQuantity: script('holdQuantity', HOLD_QUANTITY),
  release: script('release', RELEASE),
  extend: script('extend', EXTEND),
  seatHolds: script('seatHolds', SEAT_HOLDS),
  heldCount: script('heldCount', HELD_COUNT),
  takeExpired: script('takeExpired', TAKE_EXPIRED),
} as const;
