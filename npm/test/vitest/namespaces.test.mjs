// Two test files share the one Understudy of the globalSetup and keep apart by namespace.
import { expect, inject, test } from "vitest";
import { controlClient } from "../../lib/index.js";
import { sessionLifecycle } from "./shared.mjs";

test("the globalSetup provides the URLs, and a namespace of our own starts fresh", async () => {
  const urls = inject("understudy");
  expect(Object.keys(urls).sort()).toEqual(["control", "dynamic", "moonkey", "nango", "paragraph"]);
  expect(JSON.parse(process.env.UNDERSTUDY_URLS ?? "{}")).toEqual(urls);
  await sessionLifecycle(urls, "vitest-a");
  const journal = await controlClient(/** @type {string} */ (urls.control), "vitest-a").GET("/journal/count");
  expect(journal.data?.count).toBe(2);
});
