-- Test script: answers the number of keys and the first argument.
return {#KEYS, ARGV[1]}
