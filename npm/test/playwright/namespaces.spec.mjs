// Two workers share one Understudy; each test's page calls a vendor with no namespace header of its own (the
// fixture's browser context adds it), and the journal of the test's namespace holds exactly that test's calls.
import { randomUUID } from "node:crypto";
import { NAMESPACE_HEADER } from "../../lib/index.js";
import { expect, test } from "./fixtures.mjs";

const PENDING = "3f6c2a9e-8b1d-4e57-a0c4-7d2e9f1b6a35";

/**
 * `method url` from the page, as its own code would call: no namespace header.
 * @param {import("@playwright/test").Page} page @param {string} url @param {string} method
 */
function pageFetch(page, url, method) {
  return page.evaluate(([u, m]) => /** @type {any} */ (window).plainFetch(u, m), [url, method]);
}

/**
 * Leaves a mark in `rendezvous-<this worker>` and waits until the other worker has left one: the two workers'
 * tests are in flight together, so each journal read below happens while the other worker's calls are made too.
 * @param {import("../../lib/index.js").Connection} server
 */
async function rendezvous(server) {
  const me = test.info().parallelIndex;
  const mark = await fetch(`${server.urls.paragraph}/v1/api/auth/sessions/${randomUUID()}`, {
    method: "DELETE",
    headers: { [NAMESPACE_HEADER]: `rendezvous-${me}` },
  });
  expect(mark.status).toBe(404);
  await mark.arrayBuffer();
  await expect
    .poll(async () => (await server.controlFor(`rendezvous-${1 - me}`).GET("/journal/count")).data?.count, {
      message: "the other worker never made a call: this suite needs its two workers at once",
      timeout: 20_000,
    })
    .toBeGreaterThan(0);
}

for (const n of [1, 2, 3, 4]) {
  test(`isolation ${n}: the journal of the test's namespace holds its page's calls and nobody else's`, async ({
    page,
    pageServer,
    understudy,
    understudyServer,
  }) => {
    expect(understudy.namespace).toMatch(/^pw-[01]-/);
    await page.goto(pageServer.url("localhost", "control.html"));
    const url = `${understudy.urls.paragraph}/v1/api/auth/sessions/${PENDING}`;
    const statuses = [await pageFetch(page, url, "DELETE"), await pageFetch(page, url, "DELETE")];
    await understudy.failNext("paragraph", 503);
    statuses.push(await pageFetch(page, url, "DELETE"));
    // Stateful in its namespace: the pending session is there once, whatever the other tests deleted.
    expect(statuses).toEqual([200, 404, 503]);

    await rendezvous(understudyServer);

    const journal = await understudy.journal();
    expect(journal.map((e) => [e.namespace, e.vendor, e.method, e.status, e.forced])).toEqual([
      [understudy.namespace, "paragraph", "DELETE", 200, false],
      [understudy.namespace, "paragraph", "DELETE", 404, false],
      [understudy.namespace, "paragraph", "DELETE", 503, true],
    ]);
    expect(await understudy.journal({ status: 404 })).toHaveLength(1);
    // No call of any test went without its namespace.
    expect((await understudyServer.controlFor("default").GET("/journal/count")).data?.count).toBe(0);
  });
}

test("the helpers: createSession, advanceClock and the journal in the test's namespace", async ({ page, pageServer, understudy }) => {
  await page.goto(pageServer.url("localhost", "control.html"));
  const soon = await understudy.createSession("paragraph", { expires_in_seconds: 60 });
  const lasting = await understudy.createSession("paragraph", { never_expires: true });
  expect(soon.status).toBe("pending");
  const before = Date.now();
  const clock = await understudy.advanceClock(120);
  expect(clock.namespace).toBe(understudy.namespace);
  expect(Date.parse(clock.now)).toBeGreaterThanOrEqual(before + 120_000);
  const base = `${understudy.urls.paragraph}/v1/api/auth/sessions`;
  // Two minutes on, the 60-second session has expired (Paragraph's 404); the other is still pending.
  expect(await pageFetch(page, `${base}/${soon.session_id}`, "DELETE")).toBe(404);
  expect(await pageFetch(page, `${base}/${lasting.session_id}`, "DELETE")).toBe(200);
  const journal = await understudy.journal({ vendor: "paragraph" });
  expect(journal.map((e) => [e.path.split("/").pop(), e.status])).toEqual([
    [soon.session_id, 404],
    [lasting.session_id, 200],
  ]);
  await expect(understudy.failNext("nope", 503)).rejects.toThrow(/POST \/scenarios answered 400: .*unknown API/);
});

test.describe.serial("after a test", () => {
  /** @type {{ namespace: string, session: string } | undefined} */
  let left;

  test("a test leaves a session, a scenario, a moved clock and journal entries behind", async ({ understudy }) => {
    const session = await understudy.createSession("paragraph", { never_expires: true });
    await understudy.failNext("moonkey", 500, { times: 3 });
    await understudy.advanceClock(86_400);
    const call = await fetch(`${understudy.urls.paragraph}/v1/api/auth/sessions/${randomUUID()}`, {
      method: "DELETE",
      headers: understudy.headers,
    });
    expect(call.status).toBe(404);
    await call.arrayBuffer();
    expect(await understudy.journal()).toHaveLength(1);
    left = { namespace: understudy.namespace, session: session.session_id };
  });

  test("the fixture reset that namespace once the test ended", async ({ understudyServer }) => {
    expect(left).toBeDefined();
    const control = understudyServer.controlFor(/** @type {{namespace: string}} */ (left).namespace);
    expect((await control.GET("/journal/count")).data?.count).toBe(0);
    expect((await control.GET("/scenarios")).data).toEqual([]);
    const clock = await control.GET("/clock");
    expect(Math.abs(Date.parse(clock.data?.now ?? "") - Date.now())).toBeLessThan(60_000);
    const session = await control.GET("/paragraph/sessions/{id}", {
      params: { path: { id: /** @type {{session: string}} */ (left).session } },
    });
    expect(session.response.status).toBe(404);
  });
});

test.describe("with extraHTTPHeaders of the test's own", () => {
  test.use({ extraHTTPHeaders: { "x-app-test": "kept" } });

  test("the context sends both those headers and the namespace", async ({ page, pageServer, understudy }) => {
    await page.goto(pageServer.url("localhost", "control.html"));
    const sent = page.waitForRequest((r) => r.url().includes("/v1/api/auth/sessions/"));
    const url = `${understudy.urls.paragraph}/v1/api/auth/sessions/${PENDING}`;
    expect(await pageFetch(page, url, "DELETE")).toBe(200);
    const headers = await (await sent).allHeaders();
    expect([headers["x-app-test"], headers["x-understudy-namespace"]]).toEqual(["kept", understudy.namespace]);
    expect(await understudy.journal()).toHaveLength(1);
  });
});
