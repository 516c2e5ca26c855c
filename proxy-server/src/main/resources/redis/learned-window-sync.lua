-- One replica's sync of one learned bucket (see docs/shared-state.md, "Learned windows"): takes its
-- returned credits back, records what it now holds, applies the upstream's reports and leases it up
-- to `want` units. The same accounting as InMemoryLearnedWindowStore; time is Redis TIME.
--
-- KEYS[1] the bucket's hash. ARGV: replica, want, outstanding, returned, retryAfterMs, assumedLimit,
-- assumedPeriodMs, resetMarginMs, maxResetWaitMs, staleReplicaMs, idleTtlMs, reportCount, then per
-- report: name, limit, remaining, resetEpochMs (-1 unknown); last the upstream's bucket id the route
-- of this key belongs to ('' unknown).
-- Hash fields: w = window names ("\n"-separated); per window n: a|n avail, l|n limit, r|n reset
-- (0 unknown), d|n window length (0 unknown), x|n last reported reset; per replica: o:id held, t:id
-- last seen; b = blocked until (Retry-After); id = the bucket id the route belongs to, once learned
-- (the route key then grants nothing: its requests go to that bucket's key, where they are counted).
local key = KEYS[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rid = ARGV[1]
local want = tonumber(ARGV[2])
local outstanding = tonumber(ARGV[3])
local returned = tonumber(ARGV[4])
local retryAfter = tonumber(ARGV[5])
local assumedLimit = tonumber(ARGV[6])
local assumedPeriod = tonumber(ARGV[7])
local margin = tonumber(ARGV[8])
local maxWait = tonumber(ARGV[9])
local stale = tonumber(ARGV[10])
local idleTtl = tonumber(ARGV[11])
local reportCount = tonumber(ARGV[12])
local boundTo = ARGV[13 + 4 * reportCount] or ''
local JITTER = 10
local ASSUMED = '~assumed'

local h = {}
local flat = redis.call('HGETALL', key)
for i = 1, #flat, 2 do
  h[flat[i]] = flat[i + 1]
end

-- Replicas silent for longer than `stale` died: what they held is forgotten.
local before, held, dead = 0, 0, {}
for f, v in pairs(h) do
  if string.sub(f, 1, 2) == 't:' then
    local r = string.sub(f, 3)
    if now - tonumber(v) > stale then
      table.insert(dead, f)
      table.insert(dead, 'o:' .. r)
    else
      local units = tonumber(h['o:' .. r] or '0')
      before = before + units
      if r == rid then
        held = units
      end
    end
  end
end
if #dead > 0 then
  redis.call('HDEL', key, unpack(dead))
end

local order, W, removed = {}, {}, {}
if h['w'] and h['w'] ~= '' then
  for n in string.gmatch(h['w'], '[^\n]+') do
    table.insert(order, n)
    W[n] = { a = tonumber(h['a|' .. n]), l = tonumber(h['l|' .. n]), r = tonumber(h['r|' .. n]),
             d = tonumber(h['d|' .. n]), x = tonumber(h['x|' .. n]) }
  end
end
local function add(n, w)
  if not W[n] then
    table.insert(order, n)
  end
  W[n] = w
end
local function remove(n)
  W[n] = nil
  removed[n] = true
  for i, m in ipairs(order) do
    if m == n then
      table.remove(order, i)
      break
    end
  end
end

if #order == 0 and assumedLimit > 0 then
  add(ASSUMED, { a = math.max(0, assumedLimit - before), l = assumedLimit, r = now + assumedPeriod,
                 d = assumedPeriod, x = 0 })
end
-- A passed reset restores the window (limit minus what is held); an unknown limit probes again.
local names = {}
for i, n in ipairs(order) do
  names[i] = n
end
for _, n in ipairs(names) do
  local w = W[n]
  if w.r > 0 and now >= w.r + margin then
    if w.l <= 0 then
      remove(n)
    else
      w.a = math.max(0, w.l - before)
      if w.d > 0 then
        w.r = w.r + (math.floor((now - w.r) / w.d) + 1) * w.d
      else
        w.r = 0
      end
    end
  end
end

-- Returned credits come back; units held beyond what was leased (admitted while Redis was away)
-- come off, so recovery brings no burst.
local excess = outstanding - (held - returned)
local out = before - held + outstanding
for _, n in ipairs(order) do
  local w = W[n]
  w.a = w.a + returned
  if excess > 0 then
    w.a = math.max(0, w.a - excess)
  end
end

-- Reports: a reset later than the last reported one is a new window, taken as said (an extrapolated
-- reset is only a guess); otherwise a report can only lower what is left.
local tolerance = math.max(margin, JITTER)
local credible = false
local i = 13
for _ = 1, reportCount do
  local n, l, rem, reset = ARGV[i], tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3])
  i = i + 4
  if reset >= 0 then
    reset = math.min(reset, now + maxWait)
  end
  if reset < 0 or reset + margin > now then
    credible = true
    local w = W[n]
    if not w then
      w = { a = 0, l = -1, r = 0, d = 0, x = 0 }
      add(n, w)
    end
    if l > 0 then
      w.l = l
    end
    local fromReport = math.max(0, rem - out)
    if reset < 0 then
      if w.r > 0 then
        w.a = math.min(w.a, fromReport)
      else
        w.a = fromReport
      end
    else
      local previous = w.x
      local apart = math.abs(reset - previous)
      if previous > 0 and apart > tolerance then
        if w.d > 0 then
          w.d = math.min(w.d, apart) -- resets lie whole windows apart
        else
          w.d = apart
        end
      end
      w.x = reset
      if w.r <= 0 or reset > previous + tolerance then
        w.a = fromReport
        w.r = reset
      else
        w.a = math.min(w.a, fromReport)
        if reset > w.r then
          w.r = reset
        end
      end
    end
  end
end
if credible and W[ASSUMED] then
  remove(ASSUMED)
end

local b = tonumber(h['b'] or '0')
if retryAfter >= 0 then
  b = math.max(b, now + math.min(retryAfter, maxWait) + margin)
end

-- The lease: slices shrink as the window nears empty, so every replica gets a share of the last units.
local granted, retryIn = 0, 0
local heard = #order > 0 and 1 or 0
if boundTo == '' then
  boundTo = h['id'] or ''
end
if boundTo ~= '' then
  retryIn = -1
elseif b > now then
  retryIn = b - now
elseif #order == 0 then
  if want > 0 and out == 0 then
    granted = 1 -- never heard from: one probe cluster-wide, only while nothing else is out
  end
  retryIn = -1
else
  local least = nil
  for _, n in ipairs(order) do
    if least == nil or W[n].a < least then
      least = W[n].a
    end
  end
  granted = math.min(want, least, math.max(1, math.floor(least / 2)))
  if granted > 0 then
    for _, n in ipairs(order) do
      W[n].a = W[n].a - granted
    end
  else
    granted = 0
    for _, n in ipairs(order) do
      local w = W[n]
      if w.a <= 0 then
        if w.r <= 0 then
          retryIn = -1
          break
        end
        retryIn = math.max(retryIn, w.r + margin - now)
      end
    end
    if retryIn ~= -1 then
      retryIn = math.max(1, retryIn)
    end
  end
end

local gone = {}
for n, _ in pairs(removed) do
  if not W[n] then
    for _, p in ipairs({ 'a|', 'l|', 'r|', 'd|', 'x|' }) do
      table.insert(gone, p .. n)
    end
  end
end
if #gone > 0 then
  redis.call('HDEL', key, unpack(gone))
end
local fields = { 'o:' .. rid, outstanding + granted, 't:' .. rid, now, 'w', table.concat(order, '\n'), 'b', b }
if boundTo ~= '' then
  table.insert(fields, 'id')
  table.insert(fields, boundTo)
end
local ttl = math.max(idleTtl, b - now + idleTtl)
for _, n in ipairs(order) do
  local w = W[n]
  for _, v in ipairs({ 'a|' .. n, w.a, 'l|' .. n, w.l, 'r|' .. n, w.r, 'd|' .. n, w.d, 'x|' .. n, w.x }) do
    table.insert(fields, v)
  end
  if w.r > 0 then
    ttl = math.max(ttl, w.r + margin - now + idleTtl)
  end
end
redis.call('HSET', key, unpack(fields))
redis.call('PEXPIRE', key, ttl)
return { granted, retryIn, heard, boundTo }
