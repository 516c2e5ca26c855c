-- Adds usage deltas and answers the totals, all keys at once (one hash slot: they share a hash tag).
-- KEYS[i]: a usage total; ARGV[2i-1]: what to add (0 reads); ARGV[2i]: epoch ms after which it may go.
local totals = {}
for i, key in ipairs(KEYS) do
  local total = redis.call('INCRBY', key, ARGV[2 * i - 1])
  redis.call('PEXPIREAT', key, ARGV[2 * i])
  totals[i] = total
end
return totals
