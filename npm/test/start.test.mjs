// The companion's tests: start() runs the binary named by UNDERSTUDY_BINARY (npm/test.sh sets it), the typed
// control client drives it, and stop() frees its ports.
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { NAMESPACE_HEADER, connect, controlClient, start, startArgs } from "../lib/index.js";
import { portIsFree, portsOf } from "./helpers.mjs";

const REPO = path.dirname(path.dirname(path.dirname(fileURLToPath(import.meta.url))));
const MOONKEY_KEY = "Bearer sk_test_pRqweh3wvWmJAAVYv7Z0T5iPLzFM4ql0muoyQcjOxGeN3p1r";
const MOONKEY_TOKEN = "50ulk0Tqgq3LlelxW3jNjj92yrIpyfPC3qkbXqGMTYkS45OhPtFlG4468lvtqyvs";

/** Deletes MoonKey's default session in `namespace`; resolves with the status. @param {string} base @param {string} [namespace] */
async function deleteMoonkeySession(base, namespace = "default") {
  const response = await fetch(`${base}/v1/auth/sessions/delete`, {
    method: "DELETE",
    headers: { authorization: MOONKEY_KEY, "content-type": "application/json", [NAMESPACE_HEADER]: namespace },
    body: JSON.stringify({ session_token: MOONKEY_TOKEN }),
  });
  await response.arrayBuffer();
  return response.status;
}

test("startArgs maps the options to flags", () => {
  assert.deepEqual(
    startArgs({ mode: "spec", fixtures: "f.json", specs: { pets: "pets.yaml" }, vendors: false, seed: 7, args: ["--x"] }),
    ["--ephemeral-ports", "--mode", "spec", "--fixtures", "f.json", "--spec", "pets=pets.yaml", "--no-vendors", "--seed", "7", "--x"],
  );
  assert.deepEqual(startArgs({ specs: ["a.yaml", "b=b.yaml"] }), ["--ephemeral-ports", "--spec", "a.yaml", "--spec", "b=b.yaml"]);
});

test("start serves the vendors; the typed control client reads the journal, sets a scenario, advances the clock, resets; stop frees the ports", async () => {
  const t0 = Date.now();
  const understudy = await start({ output: "ignore" });
  console.log(`# start: ${Date.now() - t0} ms`);
  try {
    const { urls, control } = understudy;
    assert.deepEqual(Object.keys(urls).sort(), ["control", "dynamic", "moonkey", "nango", "paragraph"]);

    // The vendor keeps state: the second delete is MoonKey's 404.
    assert.equal(await deleteMoonkeySession(/** @type {string} */ (urls.moonkey)), 200);
    assert.equal(await deleteMoonkeySession(/** @type {string} */ (urls.moonkey)), 404);

    // The journal, per namespace.
    const count = await control.GET("/journal/count", { params: { query: { vendor: "moonkey" } } });
    assert.equal(count.response.status, 200);
    assert.equal(count.data?.count, 2);
    const other = await understudy.controlFor("other").GET("/journal/count");
    assert.equal(other.data?.count, 0);

    // Fail the next call with a status.
    const scenario = await control.POST("/scenarios", { body: { vendor: "moonkey", status: 503, times: 1 } });
    assert.equal(scenario.response.status, 201, JSON.stringify(scenario.error));
    assert.equal(await deleteMoonkeySession(/** @type {string} */ (urls.moonkey)), 503);

    // The clock.
    const before = await control.GET("/clock");
    const advanced = await control.POST("/clock/advance", { body: { seconds: 3600 } });
    assert.ok(advanced.response.ok, JSON.stringify(advanced.error));
    const after = await control.GET("/clock");
    assert.ok(before.data && after.data);

    // Reset: the session is back.
    const reset = await control.POST("/reset");
    assert.ok(reset.response.ok, JSON.stringify(reset.error));
    assert.equal(await deleteMoonkeySession(/** @type {string} */ (urls.moonkey)), 200);

    // A client made from a URL alone works the same.
    const bare = controlClient(/** @type {string} */ (urls.control));
    assert.equal((await bare.GET("/journal/count")).data?.count, 1);
  } finally {
    const t1 = Date.now();
    await understudy.stop();
    console.log(`# stop: ${Date.now() - t1} ms`);
  }
  const free = await Promise.all(portsOf(understudy.urls).map(portIsFree));
  assert.deepEqual(free, free.map(() => true), "every port is free once stop() resolves");
  await understudy.stop(); // a second stop is harmless
});

test("start passes specs and flags: --spec NAME=FILE serves a document beside the vendors", async () => {
  const understudy = await start({
    output: "ignore",
    specs: { pets: path.join(REPO, "tests", "documents", "pets-crud-3.0.yaml") },
    seed: 1,
    namespace: "mine",
  });
  try {
    assert.match(understudy.urls.pets ?? "", /^http:\/\/127\.0\.0\.1:\d+/);
    const apis = await understudy.control.GET("/apis");
    assert.equal(apis.response.status, 200);
    assert.ok(JSON.stringify(apis.data).includes("pets"));
  } finally {
    await understudy.stop();
  }
});

test("start rejects when the binary fails before its startup line", async () => {
  await assert.rejects(start({ output: "ignore", args: ["--no-such-flag"] }), /exited before its startup line/);
  await assert.rejects(start({ output: "ignore", binary: "/nonexistent/understudy" }), /could not start|exited before/);
});

test("connect finds a running Understudy's URLs from its control URL alone (GET /apis), or takes its startup line", async () => {
  const understudy = await start({ output: "ignore" });
  try {
    const { urls } = understudy;
    for (const target of [urls.control, `${urls.control}/`, { control: urls.control }, JSON.stringify(urls), urls])
      assert.deepEqual((await connect(/** @type {string} */ (target))).urls, urls, JSON.stringify(target));
    // Its control clients act in their namespaces.
    const connection = await connect(/** @type {string} */ (urls.control), "connected");
    assert.equal(await deleteMoonkeySession(/** @type {string} */ (urls.moonkey), "connected"), 200);
    assert.equal((await connection.control.GET("/journal/count")).data?.count, 1);
    assert.equal((await connection.controlFor("default").GET("/journal/count")).data?.count, 0);
  } finally {
    await understudy.stop();
  }
  await assert.rejects(connect(/** @type {string} */ (understudy.urls.control)), /nothing answers at http:\/\/127\.0\.0\.1:\d+/);
  await assert.rejects(connect({ moonkey: "http://127.0.0.1:1" }), /no control URL/);
});
