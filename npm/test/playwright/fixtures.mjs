// The suite's own fixture on top of the companion's: a static page server on 127.0.0.1 (one per worker), which
// the browser reaches as http://localhost:PORT, http://127.0.0.1:PORT, http://app.localhost:PORT or (through
// the config's host-resolver rule) http://app.example.test:PORT: one server, several origins.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { test as base } from "../../lib/playwright.js";

export { expect } from "../../lib/playwright.js";

const PAGES = path.join(import.meta.dirname, "pages");

/**
 * @typedef {{ port: number, origin(host: string): string, url(host: string, file: string): string }} PageServer
 */

export const test = base.extend(
  /** @type {import("@playwright/test").Fixtures<{}, { pageServer: PageServer }>} */ ({
    pageServer: [
      async ({}, use) => {
        const server = http.createServer((request, response) => {
          const name = path.basename(new URL(request.url ?? "/", "http://page").pathname);
          const file = path.join(PAGES, name);
          if (!name.endsWith(".html") || !fs.existsSync(file)) {
            response.writeHead(404).end();
            return;
          }
          response.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(fs.readFileSync(file));
        });
        await new Promise((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, () => resolve(undefined)));
        const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
        const origin = (/** @type {string} */ host) => `http://${host}:${port}`;
        await use({ port, origin, url: (host, file) => `${origin(host)}/${file}` });
        server.closeAllConnections();
        await new Promise((resolve) => server.close(() => resolve(undefined)));
      },
      { scope: "worker" },
    ],
  }),
);
