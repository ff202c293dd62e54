// The Playwright fixture: each test gets a namespace of its own on one Understudy shared by every worker.
//
//   import { test, expect } from "understudy/playwright";
//   test("a failing revoke shows an error", async ({ page, understudy }) => {
//     await understudy.failNext("paragraph", 503);       // the next Paragraph call answers 503
//     await page.goto("/");                             // the page's calls carry the test's namespace
//     …
//     expect(await understudy.journal({ vendor: "paragraph" })).toHaveLength(1);
//   });
//
// Which Understudy: the worker option `understudyUrls` (in the config's `use`), else the environment's
// UNDERSTUDY_URLS (the startup line's JSON, or only the control URL), else one started for each worker.
// A config that runs the app under test beside Understudy starts both as `webServer`s and names only the control
// URL; the other URLs are read from its `GET /apis`:
//
//   webServer: [{ command: "npx understudy", url: "http://127.0.0.1:4000/apis" }, { command: "npm run dev", … }],
//   use: { understudyUrls: "http://127.0.0.1:4000" },
//
// Tests that hand the URLs to the page themselves can instead start one on ephemeral ports for the whole run with
// `globalSetup: "understudy/playwright"` (this module's default export), which sets UNDERSTUDY_URLS for the workers.
//
// Per test: `understudy.namespace` is unique (worker, test, retry and a random part); the test's browser context
// sends it in `x-understudy-namespace` on every request (`context.setExtraHTTPHeaders`, merged with the
// `extraHTTPHeaders` option), so every call the page makes to a vendor is journaled, forced and stateful in that
// namespace alone; the namespace is reset (`POST /reset`: data, journal, scenarios, clock) after the test. The
// `request` fixture and contexts a test makes itself with `browser.newContext()` do not get the header: give them
// `understudy.headers`.
import { randomUUID } from "node:crypto";
import {
  test as base,
  type Fixtures,
  type PlaywrightTestArgs,
  type PlaywrightTestOptions,
  type PlaywrightWorkerArgs,
  type PlaywrightWorkerOptions,
  type TestType,
} from "@playwright/test";
import type { components, paths } from "./control.js";
import { NAMESPACE_HEADER } from "./header.js";
import { connect, start, type Connection, type ControlClient, type StartOptions } from "./index.js";

export { expect } from "@playwright/test";

export type JournalEntry = components["schemas"]["EntryView"];
export type JournalFilter = NonNullable<paths["/journal"]["get"]["parameters"]["query"]>;
export type Scenario = components["schemas"]["Scenario"];
export type ScenarioSpec = components["schemas"]["ScenarioSpec"];
export type Clock = components["schemas"]["ClockView"];
/** The vendors whose sessions the control API creates. */
export type SessionVendor = "moonkey" | "dynamic" | "paragraph" | "nango";
/** What `POST /{vendor}/sessions` takes for `V`. */
export type SessionSpecOf<V extends SessionVendor> = paths[`/${V}/sessions`]["post"]["requestBody"]["content"]["application/json"];
/** What it answers for `V`. */
export type SessionOf<V extends SessionVendor> = paths[`/${V}/sessions`]["post"]["responses"][201]["content"]["application/json"];

/** A test's namespace on the shared Understudy, and the control calls tests make most. Each throws on an error answer. */
export interface UnderstudyNamespace {
  /** The namespace's name (unique to this test). */
  namespace: string;
  /** Each API's base URL by name, and `control`'s. */
  urls: Record<string, string>;
  /** The typed control client, in this namespace. */
  control: ControlClient;
  /** `{ "x-understudy-namespace": namespace }`, for calls made outside the test's browser context. */
  headers: Record<string, string>;
  /** The next `times` (default 1) calls to `vendor` (to `operation` alone, when given) answer `status` in the vendor's shape. */
  failNext(vendor: string, status: number, options?: { times?: number; operation?: string }): Promise<Scenario>;
  /** Adds any scenario: a status, a delay, a dropped connection (`POST /scenarios`). */
  scenario(spec: ScenarioSpec): Promise<Scenario>;
  /** The namespace's journal entries matching `filter`, oldest first. */
  journal(filter?: JournalFilter): Promise<JournalEntry[]>;
  /** Moves the namespace's clock forward (every expiry follows it); resolves with the new time. */
  advanceClock(seconds: number, milliseconds?: number): Promise<Clock>;
  /** Creates a session in `vendor`'s data (in the app of `credential`, else the example credential's). */
  createSession<V extends SessionVendor>(vendor: V, spec?: SessionSpecOf<V>, credential?: string): Promise<SessionOf<V>>;
  /** Resets the namespace now (the fixture does it after the test as well). */
  reset(): Promise<void>;
}

export interface UnderstudyWorkerOptions {
  /** The Understudy to use: its startup line's object, or its control URL alone. Default: UNDERSTUDY_URLS, else one per worker. */
  understudyUrls: Record<string, string> | string | undefined;
  /** How to start the Understudy of each worker, when none is given. */
  understudyStart: StartOptions;
}

export interface UnderstudyWorkerFixtures extends UnderstudyWorkerOptions {
  /** The worker's Understudy. */
  understudyServer: Connection;
}

export interface UnderstudyTestFixtures {
  /** The test's namespace and its control helpers. */
  understudy: UnderstudyNamespace;
}

/** The fixtures themselves, for `base.extend(understudyFixtures)` on a test type of your own. */
export const understudyFixtures: Fixtures<
  UnderstudyTestFixtures,
  UnderstudyWorkerFixtures,
  PlaywrightTestArgs & PlaywrightTestOptions,
  PlaywrightWorkerArgs & PlaywrightWorkerOptions
> = {
  understudyUrls: [undefined, { scope: "worker", option: true }],
  understudyStart: [{}, { scope: "worker", option: true }],
  understudyServer: [
    async ({ understudyUrls, understudyStart }, use) => {
      const given = understudyUrls ?? (process.env.UNDERSTUDY_URLS || undefined);
      if (given !== undefined) {
        await use(await connect(given));
        return;
      }
      const understudy = await start({ output: "ignore", ...understudyStart });
      try {
        await use(understudy);
      } finally {
        await understudy.stop();
      }
    },
    { scope: "worker" },
  ],
  understudy: async ({ understudyServer }, use, testInfo) => {
    const namespace = `pw-${testInfo.parallelIndex}-${testInfo.testId}-${testInfo.retry}-${randomUUID().slice(0, 8)}`;
    const fixture = namespaceFixture(understudyServer, namespace);
    await use(fixture);
    await fixture.reset();
  },
  context: async ({ context, extraHTTPHeaders, understudy }, use) => {
    await context.setExtraHTTPHeaders({ ...extraHTTPHeaders, ...understudy.headers });
    await use(context);
  },
};

/** Playwright's `test` with the `understudy` fixture. */
export const test: TestType<
  PlaywrightTestArgs & PlaywrightTestOptions & UnderstudyTestFixtures,
  PlaywrightWorkerArgs & PlaywrightWorkerOptions & UnderstudyWorkerFixtures
> = base.extend<UnderstudyTestFixtures, UnderstudyWorkerFixtures>(understudyFixtures);

/** The helpers of `namespace` on `server` (what the `understudy` fixture gives a test). */
export function namespaceFixture(server: Connection, namespace: string): UnderstudyNamespace {
  const control = server.controlFor(namespace);
  const scenario = async (spec: ScenarioSpec) => answer(await control.POST("/scenarios", { body: spec }), "POST /scenarios");
  return {
    namespace,
    urls: server.urls,
    control,
    headers: { [NAMESPACE_HEADER]: namespace },
    scenario,
    failNext: (vendor, status, options = {}) =>
      scenario({ vendor, status, times: options.times ?? 1, ...(options.operation ? { operation: options.operation } : {}) }),
    journal: async (filter = {}) => answer(await control.GET("/journal", { params: { query: filter } }), "GET /journal"),
    advanceClock: async (seconds, milliseconds = 0) =>
      answer(await control.POST("/clock/advance", { body: { seconds, milliseconds } }), "POST /clock/advance"),
    createSession: async <V extends SessionVendor>(vendor: V, spec?: SessionSpecOf<V>, credential?: string) => {
      // One call for every vendor: the path's type depends on V, which openapi-fetch cannot follow.
      const post = control.POST as unknown as (
        path: string,
        init: { params: { query: { credential?: string } }; body: unknown },
      ) => Promise<{ data?: SessionOf<V>; error?: unknown; response: Response }>;
      const query = credential === undefined ? {} : { credential };
      return answer(await post(`/${vendor}/sessions`, { params: { query }, body: spec ?? {} }), `POST /${vendor}/sessions`);
    },
    reset: async () => {
      answer(await control.POST("/reset"), "POST /reset");
    },
  };
}

/** The data of a control call's answer; throws with the error's message when it is not a success. */
function answer<T>(result: { data?: T; error?: unknown; response: Response }, call: string): T {
  if (!result.response.ok || result.error !== undefined)
    throw new Error(`understudy: ${call} answered ${result.response.status}: ${JSON.stringify(result.error)}`);
  return result.data as T;
}

/**
 * A Playwright globalSetup that starts one Understudy for the run on ephemeral ports and sets UNDERSTUDY_URLS
 * (which the workers inherit and the fixture reads); its teardown stops it.
 * `globalSetup: "understudy/playwright"`, or a file of your own: `export default understudyGlobalSetup({ mode: "spec" })`.
 */
export function understudyGlobalSetup(options: StartOptions = {}) {
  return async function globalSetup(): Promise<() => Promise<void>> {
    const understudy = await start({ output: "ignore", ...options });
    process.env.UNDERSTUDY_URLS = JSON.stringify(understudy.urls);
    return () => understudy.stop();
  };
}

export default understudyGlobalSetup();
