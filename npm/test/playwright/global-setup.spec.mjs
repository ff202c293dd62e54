// Project "global-setup": no understudyUrls in the config, so the fixture takes the Understudy that the
// module's default export (the config's globalSetup) started and named in UNDERSTUDY_URLS.
import { expect, test } from "./fixtures.mjs";

test("globalSetup: 'understudy/playwright' starts an Understudy for the run and the fixture finds it", async ({
  page,
  pageServer,
  understudy,
  understudyServer,
}) => {
  const fromEnv = JSON.parse(process.env.UNDERSTUDY_URLS ?? "{}");
  expect(Object.keys(fromEnv).sort()).toEqual(["control", "dynamic", "moonkey", "nango", "paragraph"]);
  expect(understudyServer.urls).toEqual(fromEnv);
  // Not the webServer's: a second Understudy.
  expect(fromEnv.control).not.toBe(`http://127.0.0.1:${process.env.UNDERSTUDY_PW_CONTROL_PORT}`);
  await page.goto(pageServer.url("localhost", "control.html"));
  const status = await page.evaluate(
    (url) => /** @type {any} */ (window).plainFetch(url, "DELETE"),
    `${understudy.urls.paragraph}/v1/api/auth/sessions/3f6c2a9e-8b1d-4e57-a0c4-7d2e9f1b6a35`,
  );
  expect(status).toBe(200);
  expect((await understudy.journal()).map((e) => [e.namespace, e.status])).toEqual([[understudy.namespace, 200]]);
});
