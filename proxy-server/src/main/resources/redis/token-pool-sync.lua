-- One replica's sync of a token pool (the merging of InMemoryTokenPoolStore): applies its reports
-- and its requests in flight, then answers every token's state as that replica should see it.
-- KEYS[1] the pool's hash (field: fingerprint, value: JSON {l, r, z, s, i = {replica = {n, seen}}}).
-- ARGV: replica, graceMs, staleReplicaMs, idleTtlMs, reportCount, then per report: fingerprint,
-- limit, remaining, resetMs, spentUntilMs (-1 unknown); then inFlightCount, then per token:
-- fingerprint, requests. Answers a flat list: fingerprint, limit, remaining, resetMs, spentUntilMs,
-- inFlightElsewhere per token.
local key = KEYS[1]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local rid = ARGV[1]
local grace = tonumber(ARGV[2])
local stale = tonumber(ARGV[3])
local idleTtl = tonumber(ARGV[4])
local SAME = 1000

local tokens = {}
local flat = redis.call('HGETALL', key)
for i = 1, #flat, 2 do
  local s = cjson.decode(flat[i + 1])
  s.l = s.l or -1
  s.r = s.r or -1
  s.z = s.z or -1
  s.s = s.s or -1
  if type(s.i) ~= 'table' then
    s.i = {}
  end
  tokens[flat[i]] = s
end

local i = 6
for _ = 1, tonumber(ARGV[5]) do
  local s = tokens[ARGV[i]]
  local l, r, z, sp = tonumber(ARGV[i + 1]), tonumber(ARGV[i + 2]), tonumber(ARGV[i + 3]), tonumber(ARGV[i + 4])
  i = i + 5
  if s then
    if r >= 0 then
      local newWindow = z >= 0 and (s.z < 0 or z - s.z > SAME)
      local newLimit = l > 0 and l ~= s.l
      if newWindow or newLimit or s.r < 0 then
        s.r = r
      else
        s.r = math.min(s.r, r)
      end
      if z >= 0 and (newWindow or s.z < 0) then
        s.z = z
      end
    end
    if l > 0 then
      s.l = l
    end
    s.s = math.max(s.s, sp)
  end
end

local mine = {}
local count = tonumber(ARGV[i])
i = i + 1
for _ = 1, count do
  mine[ARGV[i]] = tonumber(ARGV[i + 1])
  i = i + 2
end

local answer, fields = {}, {}
for fp, s in pairs(tokens) do
  local inFlight = {}
  for r, v in pairs(s.i) do
    if now - v[2] <= stale then
      inFlight[r] = v
    end
  end
  inFlight[rid] = { mine[fp] or 0, now }
  s.i = inFlight
  if s.z >= 0 and now >= s.z + grace then
    s.r = s.l
    s.z = -1
  end
  if s.s >= 0 and now >= s.s then
    s.s = -1
  end
  local elsewhere = 0
  for r, v in pairs(inFlight) do
    if r ~= rid then
      elsewhere = elsewhere + v[1]
    end
  end
  for _, v in ipairs({ fp, s.l, s.r, s.z, s.s, elsewhere }) do
    table.insert(answer, v)
  end
  table.insert(fields, fp)
  table.insert(fields, cjson.encode(s))
end
if #fields > 0 then
  redis.call('HSET', key, unpack(fields))
  redis.call('PEXPIRE', key, idleTtl)
end
return answer
