// A page on another origin drives the control API with fetch (a dev page, a Storybook decorator): allowed by
// default from localhost, 127.0.0.1 and *.localhost origins, refused from others unless
// --control-cors-origin names them (or is `*`).
import { start } from "../../lib/index.js";
import { expect, test } from "./fixtures.mjs";

/**
 * @typedef {{ status?: number, body?: any, error?: string }} Exchange
 * @typedef {Record<"reset" | "scenario" | "invalid" | "vendor" | "journal", Exchange>} FlowResults
 */

/**
 * Runs the page's control flow (pages/control.html) in the page, from its origin.
 * @param {import("@playwright/test").Page} page @param {Record<string, string>} urls @param {string} namespace
 * @returns {Promise<FlowResults>}
 */
function controlFlow(page, urls, namespace) {
  return page.evaluate((args) => /** @type {any} */ (window).controlFlow(args), {
    control: urls.control,
    paragraph: urls.paragraph,
    namespace,
  });
}

/**
 * What the page read when the control API allows its origin: every answer, the error answer too (a response
 * without Access-Control-Allow-Origin would have been a TypeError in the page instead).
 * @param {FlowResults} results @param {string} namespace
 */
function expectAllowed(results, namespace) {
  expect(results.reset).toEqual({ status: 204, body: null });
  expect(results.scenario).toMatchObject({ status: 201, body: { vendor: "paragraph", status: 503, namespace } });
  expect(results.invalid).toMatchObject({ status: 400, body: { message: expect.stringContaining("vendor") } });
  expect(results.vendor).toMatchObject({ status: 503 });
  expect(results.journal.status).toBe(200);
  expect(results.journal.body.map((/** @type {any} */ e) => [e.namespace, e.status, e.forced])).toEqual([[namespace, 503, true]]);
}

for (const host of ["localhost", "127.0.0.1", "app.localhost"]) {
  test(`a page on http://${host}:PORT resets, forces an error and reads the journal through the control API`, async ({
    page,
    pageServer,
    understudy,
  }) => {
    const origin = pageServer.origin(host);
    await page.goto(`${origin}/control.html`);
    expect(await page.evaluate(() => location.origin)).toBe(origin);
    expect(origin).not.toBe(new URL(/** @type {string} */ (understudy.urls.control)).origin);
    const results = await controlFlow(page, understudy.urls, understudy.namespace);
    expectAllowed(results, understudy.namespace);
    // The control API agrees with what the page read: the scenario was used up by the page's Paragraph call.
    expect(await understudy.control.GET("/scenarios").then((r) => r.data)).toEqual([]);
    expect((await understudy.journal()).map((e) => [e.status, e.forced])).toEqual([[503, true]]);
  });
}

test("a page on another origin is refused by default, and allowed by --control-cors-origin (the origin, or *)", async ({
  page,
  pageServer,
  understudy,
}) => {
  const origin = pageServer.origin("app.example.test");
  await page.goto(`${origin}/control.html`);
  expect(await page.evaluate(() => location.origin)).toBe(origin);

  const refused = await controlFlow(page, understudy.urls, understudy.namespace);
  for (const step of /** @type {const} */ (["reset", "scenario", "invalid", "journal"]))
    expect(refused[step], step).toEqual({ error: "TypeError: Failed to fetch" });
  // The vendors answer any origin; the scenario's POST never got past its preflight, so nothing was forced.
  expect(refused.vendor).toMatchObject({ status: 200 });
  expect(await understudy.control.GET("/scenarios").then((r) => r.data)).toEqual([]);
  expect((await understudy.journal()).map((e) => [e.status, e.forced])).toEqual([[200, false]]);

  for (const allowed of [origin, "*"]) {
    const other = await start({ output: "ignore", args: ["--control-cors-origin", allowed] });
    try {
      const results = await controlFlow(page, other.urls, understudy.namespace);
      expectAllowed(results, understudy.namespace);
    } finally {
      await other.stop();
    }
  }
});
