// The Playwright suite of the companion's fixture (npm/test.sh runs it): Debian's Chromium (never a downloaded
// browser), two workers, every test in parallel.
//
// Project "webserver" is the set-up a frontend project uses: Understudy runs as a `webServer` on a control port
// the config names (chosen free here, as 4000 would be in a project) and every other port ephemeral; the fixture
// is given only the control URL and reads the rest from `GET /apis`. Project "global-setup" checks the other way:
// the module's default export as `globalSetup` starts a second Understudy and sets UNDERSTUDY_URLS, which the
// fixture reads when the config names none.
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { findBinary } from "../../lib/index.js";

/** A port nothing listens on now, on 127.0.0.1. @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0 }, () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

// The config is loaded by the runner and again by each worker; the workers inherit the runner's environment,
// so they read the port the runner chose.
const port = (process.env.UNDERSTUDY_PW_CONTROL_PORT ||= String(await freePort()));
const control = `http://127.0.0.1:${port}`;

/** @type {import("../../lib/playwright.js").UnderstudyWorkerOptions["understudyUrls"]} */
const understudyUrls = control;

export default defineConfig({
  testDir: import.meta.dirname,
  testMatch: /.*\.spec\.mjs/,
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [["list"]],
  timeout: 30_000,
  outputDir: path.join(os.tmpdir(), "understudy-playwright-results"),
  globalSetup: "../../lib/playwright.js",
  webServer: {
    command: `'${findBinary().replaceAll("'", "'\\''")}' --ephemeral-ports --port control=${port}`,
    url: `${control}/apis`,
    reuseExistingServer: false,
    timeout: 30_000,
  },
  use: {
    browserName: "chromium",
    launchOptions: {
      executablePath: process.env.UNDERSTUDY_CHROMIUM || "/usr/bin/chromium",
      // app.example.test is the origin Understudy's control API does not allow by default (cross-origin.spec.mjs).
      args: ["--host-resolver-rules=MAP app.example.test 127.0.0.1"],
    },
  },
  projects: [
    { name: "webserver", testIgnore: /global-setup\.spec\.mjs/, use: { understudyUrls } },
    { name: "global-setup", testMatch: /global-setup\.spec\.mjs/ },
  ],
});
