// The Playwright fixture's parts outside a Playwright run (the suite under test/playwright/ runs it whole): the
// worker fixture starts an Understudy of its own when none is given and stops it after, and the helpers throw
// on an error answer.
import assert from "node:assert/strict";
import { test } from "node:test";
import { namespaceFixture, understudyFixtures } from "../lib/playwright.js";
import { portIsFree, portsOf } from "./helpers.mjs";

/**
 * Runs the worker fixture `understudyServer` as Playwright would, with `options`; resolves with what `use` saw.
 * @param {{ understudyUrls?: string | Record<string, string>, understudyStart?: object }} options
 * @param {(server: import("../lib/index.js").Connection) => Promise<void>} body
 */
async function withServer(options, body) {
  const [fixture] = /** @type {[Function, unknown]} */ (/** @type {unknown} */ (understudyFixtures.understudyServer));
  await fixture({ understudyUrls: undefined, understudyStart: {}, ...options }, body, {});
}

test("with no understudyUrls and no UNDERSTUDY_URLS, each worker starts an Understudy and stops it after", async () => {
  const saved = process.env.UNDERSTUDY_URLS;
  delete process.env.UNDERSTUDY_URLS;
  try {
    /** @type {Record<string, string>} */
    let urls = {};
    await withServer({ understudyStart: { namespace: "ignored" } }, async (server) => {
      urls = server.urls;
      assert.deepEqual(Object.keys(urls).sort(), ["control", "dynamic", "moonkey", "nango", "paragraph"]);
      assert.equal((await server.controlFor("w").GET("/journal/count")).response.status, 200);
    });
    const free = await Promise.all(portsOf(urls).map(portIsFree));
    assert.deepEqual(free, free.map(() => true), "the worker's Understudy is stopped after the worker");

    // Given URLs (here a control URL in UNDERSTUDY_URLS), nothing is started, and nothing answers there now.
    process.env.UNDERSTUDY_URLS = /** @type {string} */ (urls.control);
    await assert.rejects(withServer({}, async () => assert.fail("no Understudy should have been found")), /nothing answers at/);
  } finally {
    if (saved === undefined) delete process.env.UNDERSTUDY_URLS;
    else process.env.UNDERSTUDY_URLS = saved;
  }
});

test("the namespace helpers throw with the control API's message on an error answer", async () => {
  await withServer({}, async (server) => {
    const ns = namespaceFixture(server, "helpers");
    assert.deepEqual(ns.headers, { "x-understudy-namespace": "helpers" });
    await assert.rejects(ns.failNext("nope", 503), /POST \/scenarios answered 400: .*unknown API \\"nope\\"/);
    await assert.rejects(ns.advanceClock(-1), /POST \/clock\/advance answered 400/);
    const scenario = await ns.failNext("nango", 429, { times: 2, operation: "delete_connect_session" });
    assert.deepEqual([scenario.namespace, scenario.vendor, scenario.status, scenario.remaining, scenario.operation], ["helpers", "nango", 429, 2, "delete_connect_session"]);
    await ns.reset();
    assert.deepEqual((await ns.control.GET("/scenarios")).data, []);
  });
});
