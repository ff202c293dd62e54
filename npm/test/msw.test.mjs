// understudyHandlers (understudy/msw) with MSW 2's setupServer: code that only knows a vendor's production URL
// reaches Understudy. Paragraph's own SDK (@paragraph-com/sdk 1.6.0, from examples/node_modules: `npm ci
// --prefix examples`) has no base-URL option; fetch calls to MoonKey, Dynamic (both hosts) and a document of
// our own (an `extra` mapping) check that the method, headers, query and body arrive.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { setupServer } from "msw/node";
import { start } from "../lib/index.js";
import { PRODUCTION_URLS, understudyHandlers } from "../lib/msw.js";

const REPO = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));
const PENDING = "3f6c2a9e-8b1d-4e57-a0c4-7d2e9f1b6a35";
const MOONKEY_KEY = "Bearer sk_test_pRqweh3wvWmJAAVYv7Z0T5iPLzFM4ql0muoyQcjOxGeN3p1r";
const MOONKEY_TOKEN = "50ulk0Tqgq3LlelxW3jNjj92yrIpyfPC3qkbXqGMTYkS45OhPtFlG4468lvtqyvs";
const DYNAMIC_TOKEN = "Bearer dyn_aGLjTe3TUN40vSE75sTtgUx9AjIe0q4n3LFC";
const DYNAMIC_SESSIONS = ["95b11417-f18f-457f-8804-68e361f9164f", "0c7a3e52-4f1b-4c2e-9a8d-2b6f1e9d7c40"];
const NAMESPACE = `msw-${randomUUID().slice(0, 8)}`;

/** @type {import("../lib/index.js").Understudy} */
let understudy;
/** @type {ReturnType<typeof setupServer>} */
let server;

before(async () => {
  understudy = await start({ output: "ignore", specs: { pets: path.join(REPO, "tests", "documents", "pets-crud-3.0.yaml") } });
  const handlers = understudyHandlers(understudy.urls, {
    extra: { "https://api.example.com/v2": /** @type {string} */ (understudy.urls.pets) },
    namespace: NAMESPACE,
  });
  server = setupServer(...handlers);
  // Anything no handler takes fails: nothing may go to the network unseen (the control calls below pass
  // through, by the handlers for Understudy's own origins).
  server.listen({ onUnhandledRequest: "error" });
});

after(async () => {
  server?.close();
  await understudy?.stop();
});

/**
 * The journal of the test's namespace: vendor, method, path, status of each entry, and whether the request kept
 * to the vendor's spec (forwarding must not spoil a request that did).
 */
async function journal() {
  const { data } = await understudy.controlFor(NAMESPACE).GET("/journal");
  return (data ?? []).map((e) => [e.vendor, e.method, e.path, e.status, e.request_conforms]);
}

async function clearJournal() {
  await understudy.controlFor(NAMESPACE).DELETE("/journal");
}

test("Paragraph's SDK, loaded as it is (production base URL), reaches Understudy: 200, then its 404", async () => {
  await clearJournal();
  const requireFromExamples = createRequire(path.join(REPO, "examples", "package.json"));
  let sdk;
  try {
    sdk = requireFromExamples("@paragraph-com/sdk");
  } catch (error) {
    assert.fail(`@paragraph-com/sdk is not installed in examples/ (npm ci --prefix examples): ${error}`);
  }
  const api = new sdk.ParagraphAPI();
  assert.deepEqual(await api.auth.deleteSession(PENDING), { success: true });
  await assert.rejects(api.auth.deleteSession(PENDING), (/** @type {any} */ error) => {
    assert.equal(error.response?.status, 404);
    assert.deepEqual(error.response?.data, { msg: "Session not found", success: false });
    return true;
  });
  assert.deepEqual(await journal(), [
    ["paragraph", "DELETE", `/api/v1/api/auth/sessions/${PENDING}`, 200, true],
    ["paragraph", "DELETE", `/api/v1/api/auth/sessions/${PENDING}`, 404, true],
  ]);
  // The namespace option was sent: nothing landed in the default namespace.
  assert.equal((await understudy.control.GET("/journal/count")).data?.count, 0);
});

test("fetch to MoonKey's production URL: the method, the Authorization header and the JSON body are forwarded", async () => {
  await clearJournal();
  /** @param {Record<string, string>} headers */
  const revoke = async (headers) => {
    const response = await fetch("https://api.moonkey.fun/v1/auth/sessions/delete", {
      method: "DELETE",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ session_token: MOONKEY_TOKEN }),
    });
    return [response.status, await response.json()];
  };
  const [first, body] = await revoke({ authorization: MOONKEY_KEY });
  assert.equal(first, 200, JSON.stringify(body));
  assert.equal((await revoke({ authorization: MOONKEY_KEY }))[0], 404);
  assert.equal((await revoke({}))[0], 401);
  assert.deepEqual(
    (await journal()).map(([, method, , status, conforms]) => [method, status, conforms]),
    [["DELETE", 200, true], ["DELETE", 404, true], ["DELETE", 401, false]],
  );
});

test("both of Dynamic's production hosts go to Understudy's Dynamic", async () => {
  await clearJournal();
  const statuses = [];
  for (const [i, base] of (PRODUCTION_URLS.dynamic ?? []).entries()) {
    const response = await fetch(`${base}/sessions/${DYNAMIC_SESSIONS[i]}/revoke`, { method: "PUT", headers: { authorization: DYNAMIC_TOKEN } });
    await response.arrayBuffer();
    statuses.push(response.status);
  }
  assert.deepEqual(statuses, [200, 200]);
  assert.deepEqual(
    (await journal()).map(([vendor, , p, , conforms]) => [vendor, p, conforms]),
    DYNAMIC_SESSIONS.map((id) => ["dynamic", `/api/v0/sessions/${id}/revoke`, true]),
  );
});

test("an extra mapping sends a document of our own to its Understudy URL; the query and the body arrive", async () => {
  await clearJournal();
  const headers = { "x-api-key": "any", "content-type": "application/json" };
  const valid = await fetch("https://api.example.com/v2/pets", { method: "POST", headers, body: JSON.stringify({ name: "Rex", species: "dog" }) });
  assert.equal(valid.status, 201);
  assert.equal((await valid.json()).species, "dog");
  const invalid = await fetch("https://api.example.com/v2/pets", { method: "POST", headers, body: JSON.stringify({ name: "Rex", species: "dinosaur" }) });
  assert.equal(invalid.status, 422);
  assert.match(JSON.stringify(await invalid.json()), /dinosaur/);
  const listed = await fetch("https://api.example.com/v2/pets?status=available", { headers });
  assert.equal(listed.status, 200);
  await listed.arrayBuffer();
  const badQuery = await fetch("https://api.example.com/v2/pets?status=extinct", { headers });
  assert.equal(badQuery.status, 400);
  assert.match(JSON.stringify(await badQuery.json()), /extinct/);
  assert.deepEqual(
    (await journal()).map(([vendor, method, , status, conforms]) => [vendor, method, status, conforms]),
    [["pets", "POST", 201, true], ["pets", "POST", 422, false], ["pets", "GET", 200, true], ["pets", "GET", 400, false]],
  );
});

test("only the base URLs are taken: another path on a production host is left to MSW (an error here)", async () => {
  await assert.rejects(fetch("https://app.dynamicauth.com/elsewhere"), /onUnhandledRequest/);
});

test("understudyHandlers: one handler per production base URL of each vendor in urls and per extra, one per Understudy origin", () => {
  // 5 production base URLs; 6 origins (control, the 4 vendors, pets).
  assert.equal(understudyHandlers(understudy.urls).length, 5 + 6);
  assert.equal(understudyHandlers({ paragraph: "http://127.0.0.1:1/api" }).length, 1 + 1);
  assert.equal(understudyHandlers({}, { extra: { "https://a.example/v1": "http://127.0.0.1:1/v1" } }).length, 1 + 1);
  assert.throws(() => understudyHandlers({}, { extra: { "https://a.example/v1": "" } }), /no Understudy URL/);
});
