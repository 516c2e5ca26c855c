-- One round trip of a replica for one configured bucket (docs/shared-state.md): closes its previous
-- lease, carries that lease's unsent reservations into a new one, and grants fresh slots so that no
-- interval of length `per` holds more than `limit` sends across all replicas. Times are this
-- server's clock (TIME, microseconds), never a replica's.
--
-- KEYS: 1 open leases (hash id -> "grantedAt:count:expiresAt"), 2 used slots of closed leases
--       (sorted set, score = when, member "lease:chunk:count"), 3 lease id sequence, 4 retry
--       times promised to replicas (sorted set, score = when, member = the id of the answer they
--       got: their lease's, or with nothing granted the promise's own).
-- ARGV: 1 limit, 2 per (us), 3 validity (us), 4 grace (us), 5 wanted, 6 carried, 7 previous lease
--       id or promise of an empty answer (0: none), then pairs: offset from the previous lease's
--       grant (us), sends in that chunk.
-- Returns {id (0: neither a lease nor a retry promise; with nothing granted, the promise's, to be
-- passed back as the previous lease id so the replica withdraws it), granted (carried + fresh),
-- fresh, retry after (us)}.

local function int(x)
  return string.format('%.0f', x)
end

local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local limit = tonumber(ARGV[1])
local per = tonumber(ARGV[2])
local validity = tonumber(ARGV[3])
local grace = tonumber(ARGV[4])
local wanted = tonumber(ARGV[5])
local carried = tonumber(ARGV[6])
local previous = ARGV[7]
local horizon = now - per

-- Close the previous lease: from now on it counts only the slots it used, each at the latest send
-- of its chunk measured from the grant (never earlier than the send). A lease this server no longer
-- knows (restarted, or expired long ago) has its sends counted from now.
if previous ~= '0' then
  local base = now
  local record = redis.call('HGET', KEYS[1], previous)
  if record then
    base = tonumber(string.match(record, '^(%d+):'))
    redis.call('HDEL', KEYS[1], previous)
  end
  redis.call('ZREM', KEYS[4], previous) -- its replica is back: no longer waited for
  for i = 8, #ARGV - 1, 2 do
    local at = base + tonumber(ARGV[i])
    if at > horizon then
      redis.call('ZADD', KEYS[2], int(at), previous .. ':' .. i .. ':' .. ARGV[i + 1])
    end
  end
end

-- What the window ending now holds: every lease open at some moment of it (all its slots: it may
-- send any of them until it expires) and the used slots of closed ones.
local held = 0
local openLeases = 0
local open = redis.call('HGETALL', KEYS[1])
for i = 1, #open, 2 do
  local count, expires = string.match(open[i + 1], '^%d+:(%d+):(%d+)$')
  if tonumber(expires) <= horizon then
    redis.call('HDEL', KEYS[1], open[i])
  else
    held = held + tonumber(count)
    openLeases = openLeases + 1
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', int(horizon))
local used = redis.call('ZRANGE', KEYS[2], 0, -1, 'WITHSCORES')
for i = 1, #used, 2 do
  held = held + tonumber(string.match(used[i], ':(%d+)$'))
end

-- LeaseSizing.fresh: what is wanted, at most half of what is left, at least an eighth of the limit,
-- and all that is left rather than a rest smaller than that eighth.
local left = limit - held - carried
local minUseful = math.max(1, math.min(wanted, math.floor((limit + 7) / 8)))
local fresh = 0
if wanted > 0 and left > 0 then
  local share = math.max(math.floor((left + 1) / 2), minUseful)
  if left - share < minUseful then
    share = left
  end
  fresh = math.min(wanted, left, share)
end

-- Less than a useful share left (nothing fresh, or the last slots): when enough used slots will
-- have left the window to be worth asking again, behind the replicas already told to come back
-- (half a useful share more for each, so they do not all come back for the same slots; a whole
-- share each would leave slots unclaimed for longer). A grant's hint is at most one validity and
-- one window: its lease, exhausted and held open until then, costs no capacity.
local retry = 0
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', int(now))
if wanted > 0 and left - fresh < minUseful then
  local need = minUseful + math.floor(minUseful * redis.call('ZCARD', KEYS[4]) / 2)
  local free = left - fresh
  retry = -1
  for i = 1, #used, 2 do
    free = free + tonumber(string.match(used[i], ':(%d+)$'))
    if free >= need then
      retry = tonumber(used[i + 1]) + per - now
      break
    end
  end
  if fresh > 0 then
    if retry < 0 or retry > math.min(validity, per) then
      retry = math.min(validity, per)
    end
  elseif retry < 0 or (openLeases > 0 and retry > validity) then
    retry = validity -- open leases usually close within their validity
  end
  retry = math.max(1, retry)
end

local granted = carried + fresh
local id = 0
if granted > 0 or retry > 0 then
  id = redis.call('INCR', KEYS[3])
end
if granted > 0 then
  redis.call('HSET', KEYS[1], id, int(now) .. ':' .. granted .. ':' .. int(now + validity + grace))
end
if retry > 0 then
  redis.call('ZADD', KEYS[4], int(now + retry), id)
end
local ttl = int(math.ceil((per + validity + grace) / 1000) + 1000)
for k = 1, 4 do
  redis.call('PEXPIRE', KEYS[k], ttl)
end
return {id, granted, fresh, retry}
