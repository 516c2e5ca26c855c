// @discordjs/rest through rlproxy: the API base is the proxy's /discord prefix. The client's own
// token is a placeholder: the proxy replaces it with the pool's. Prints one JSON line.
import { REST } from "@discordjs/rest";

const proxy = process.argv[2];
const count = Number(process.argv[3] ?? 40);
const rest = new REST({ api: `${proxy}/discord`, version: "10", retries: 0, timeout: 30_000 })
  .setToken("placeholder-not-a-real-token");

const channels = ["1", "2", "3", "4"];
const results = await Promise.allSettled(
  Array.from({ length: count }, (_, i) => rest.get(`/channels/${channels[i % channels.length]}/messages`)));
const failures = results.filter((r) => r.status === "rejected").map((r) => String(r.reason?.message ?? r.reason));
console.log(JSON.stringify({ ok: results.length - failures.length, failures: failures.slice(0, 5) }));
