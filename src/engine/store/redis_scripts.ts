/**
 * The Lua scripts of the Redis store. Each runs atomically inside Redis, so a write that needs a check
 * (the lease that fences a session's log, the seq that must continue it) is never half-applied, and a
 * stale writer can never interleave with the current one.
 *
 * @module
 */

/** Error prefixes the scripts return; the store turns them into errors that explain themselves. */
export const NOT_OWNER = "VS_NOT_OWNER";
/** The append does not continue the stored head. */
export const SEQ_MISMATCH = "VS_SEQ";

/**
 * Appends a batch of logged events to a session's stream, fenced by its lease, and publishes it.
 * KEYS: stream, head, lease. ARGV: lease token ("" = no lease may exist), retain, channel, first seq,
 * then one serialized event per entry. Stream ids are `<seq>-0`, which Redis requires to increase.
 */
export const APPEND_EVENTS = `
local lease = redis.call('GET', KEYS[3])
if ARGV[1] == '' then
  if lease then return redis.error_reply('${NOT_OWNER} held by ' .. lease) end
elseif lease ~= ARGV[1] then
  return redis.error_reply('${NOT_OWNER} held by ' .. tostring(lease))
end
local head = tonumber(redis.call('GET', KEYS[2]) or '0')
local first = tonumber(ARGV[4])
if first ~= head + 1 then
  return redis.error_reply('${SEQ_MISMATCH} expected seq ' .. (head + 1) .. ', got ' .. first)
end
local count = #ARGV - 4
for i = 1, count do
  redis.call('XADD', KEYS[1], (first + i - 1) .. '-0', 'e', ARGV[4 + i])
end
redis.call('SET', KEYS[2], first + count - 1)
local retain = tonumber(ARGV[2])
if retain == 0 then
  redis.call('DEL', KEYS[1])
else
  redis.call('XTRIM', KEYS[1], 'MAXLEN', retain)
end
local payload = {ARGV[4]}
for i = 1, count do payload[i + 1] = ARGV[4 + i] end
redis.call('PUBLISH', ARGV[3], table.concat(payload, '\\n'))
return count
`;

/**
 * Reads a session's retained events after a cursor. KEYS: stream, head. ARGV: first stream id to read.
 * Returns { head, oldest retained id or false, flat [id, fields] entries }.
 */
export const READ_EVENTS = `
local head = redis.call('GET', KEYS[2]) or '0'
local first = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
local oldest = false
if first[1] then oldest = first[1][1] end
return {head, oldest, redis.call('XRANGE', KEYS[1], ARGV[1], '+')}
`;

/**
 * Inserts or replaces a session record and keeps the indexes in step. KEYS: record hash, counts hash,
 * idle index, the agent's session set. ARGV: record JSON, state, id, idle score (ms), last activity
 * (RFC 3339, or "" for none: a replace is whole).
 */
export const PUT_SESSION = `
local old = redis.call('HGET', KEYS[1], 'state')
if old then redis.call('HINCRBY', KEYS[2], old, -1) end
redis.call('HINCRBY', KEYS[2], ARGV[2], 1)
redis.call('HSET', KEYS[1], 'rec', ARGV[1], 'state', ARGV[2])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'active', ARGV[5]) else redis.call('HDEL', KEYS[1], 'active') end
if ARGV[2] == 'active' then
  redis.call('ZADD', KEYS[3], 'GT', ARGV[4], ARGV[3])
else
  redis.call('ZREM', KEYS[3], ARGV[3])
end
redis.call('SADD', KEYS[4], ARGV[3])
return 1
`;

/** Records activity of an active session. KEYS: record hash, idle index. ARGV: id, RFC 3339 time, ms. */
export const TOUCH_SESSION = `
if redis.call('HGET', KEYS[1], 'state') ~= 'active' then return 0 end
redis.call('HSET', KEYS[1], 'active', ARGV[2])
redis.call('ZADD', KEYS[2], 'GT', ARGV[3], ARGV[1])
return 1
`;

/** Inserts or replaces an item of an ordered collection. KEYS: item hash, order list. ARGV: id, JSON. */
export const PUT_ORDERED = `
if redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) == 1 then redis.call('RPUSH', KEYS[2], ARGV[1]) end
return 1
`;

/** Deletes an item of an ordered collection. KEYS: item hash, order list. ARGV: id. */
export const DELETE_ORDERED = `
if redis.call('HDEL', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('LREM', KEYS[2], 1, ARGV[1])
return 1
`;

/** Takes a lease if it is free. KEYS: lease. ARGV: token, ms. Returns the holder's token. */
export const ACQUIRE_LEASE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return ARGV[1] end
return redis.call('GET', KEYS[1])
`;

/**
 * Extends the leases this node still holds. KEYS: leases. ARGV: ms, then one token per key. Returns
 * 1 per lease kept and 0 per lease lost.
 */
export const RENEW_LEASES = `
local kept = {}
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[i + 1] then
    redis.call('PEXPIRE', KEYS[i], ARGV[1])
    kept[i] = 1
  else
    kept[i] = 0
  end
end
return kept
`;

/** Gives a lease back if this node still holds it. KEYS: lease. ARGV: token. */
export const RELEASE_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
