// @octokit/rest through rlproxy, as a user would run it: the base URL is the proxy's /github
// prefix and the client holds no token (the proxy injects the pool's). Prints one JSON line.
import { Octokit } from "@octokit/rest";

const proxy = process.argv[2];
const octokit = new Octokit({ baseUrl: `${proxy}/github`, request: { retries: 0 } });

const pagesSeen = [];
octokit.hook.after("request", (response) => { pagesSeen.push(response.url); });

// Every page after the first comes from the Link header: it must lead back through the proxy.
const issues = await octokit.paginate("GET /repos/{owner}/{repo}/issues", {
  owner: "acme", repo: "widgets", per_page: 40,
});
// A moved repository answers 301; fetch follows the Location, which must point through the proxy.
const moved = await octokit.request("GET /moved/repos/{owner}/{repo}", { owner: "acme", repo: "widgets" });

console.log(JSON.stringify({
  items: issues.length,
  firstId: issues[0]?.id,
  lastId: issues[issues.length - 1]?.id,
  pages: pagesSeen.slice(0, -1),
  redirectStatus: moved.status,
  redirectedTo: moved.url,
}));
