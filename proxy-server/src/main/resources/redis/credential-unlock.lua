-- Releases a credential's refresh lock only if the caller still holds it (a lock that expired
-- and was taken by another replica stays theirs).
-- KEYS[1] the lock; ARGV[1] the caller's owner id. Answers 1 if released, 0 if not held.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
