-- Makes a pool's tokens exactly the fingerprints given: present ones keep their state, new ones
-- start untouched, others are deleted. KEYS[1] the pool's hash (field: fingerprint, value: JSON
-- state; never a token value). ARGV: idleTtlMs, then the fingerprints.
local key = KEYS[1]
local wanted = {}
for i = 2, #ARGV do
  wanted[ARGV[i]] = true
end
local gone = {}
for _, fp in ipairs(redis.call('HKEYS', key)) do
  if not wanted[fp] then
    table.insert(gone, fp)
  end
  wanted[fp] = nil
end
if #gone > 0 then
  redis.call('HDEL', key, unpack(gone))
end
for fp, _ in pairs(wanted) do
  redis.call('HSET', key, fp, '{}')
end
if redis.call('EXISTS', key) == 1 then
  redis.call('PEXPIRE', key, tonumber(ARGV[1]))
end
return #gone
