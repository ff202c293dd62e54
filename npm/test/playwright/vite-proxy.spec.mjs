// The README's Vite recipe: the app calls a same-origin prefix and Vite's `server.proxy` sends it to Understudy
// (no CORS at all); the namespace header the fixture's context adds goes through the proxy.
import os from "node:os";
import path from "node:path";
import { createServer } from "vite";
import { expect, test } from "./fixtures.mjs";

const PENDING = "3f6c2a9e-8b1d-4e57-a0c4-7d2e9f1b6a35";

/** The README's helper: a proxy entry whose first path segment becomes the API's base path on Understudy's port. */
const toUnderstudy = (/** @type {number} */ port, base = "") => ({
  target: `http://127.0.0.1:${port}`,
  changeOrigin: true,
  rewrite: (/** @type {string} */ path) => path.replace(/^\/[^/]+/, base),
});

test("a page served by Vite calls /paragraph-api; server.proxy sends it to Understudy, in the test's namespace", async ({ page, understudy }) => {
  const paragraph = new URL(/** @type {string} */ (understudy.urls.paragraph));
  const vite = await createServer({
    configFile: false,
    root: path.join(import.meta.dirname, "pages"),
    cacheDir: path.join(os.tmpdir(), "understudy-vite-cache"),
    logLevel: "silent",
    server: {
      host: "127.0.0.1",
      port: 0,
      // The README's recipe, with this Understudy's port: /paragraph-api/… → http://127.0.0.1:PORT/api/…
      proxy: { "/paragraph-api": toUnderstudy(Number(paragraph.port), "/api") },
    },
  });
  try {
    await vite.listen();
    const origin = /** @type {string} */ (vite.resolvedUrls?.local[0]).replace(/\/$/, "");
    await page.goto(`${origin}/control.html`);
    const statuses = [];
    for (let i = 0; i < 2; i++)
      statuses.push(
        await page.evaluate((url) => /** @type {any} */ (window).plainFetch(url, "DELETE"), `/paragraph-api/v1/api/auth/sessions/${PENDING}`),
      );
    expect(statuses).toEqual([200, 404]);
    expect((await understudy.journal()).map((e) => [e.namespace, e.path, e.status])).toEqual([
      [understudy.namespace, `/api/v1/api/auth/sessions/${PENDING}`, 200],
      [understudy.namespace, `/api/v1/api/auth/sessions/${PENDING}`, 404],
    ]);
  } finally {
    await vite.close();
  }
});
