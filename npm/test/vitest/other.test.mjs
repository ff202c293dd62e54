import { expect, inject, test } from "vitest";
import { controlClient } from "../../lib/index.js";
import { sessionLifecycle } from "./shared.mjs";

test("another file, another namespace: the same session is there again", async () => {
  const urls = inject("understudy");
  await sessionLifecycle(urls, "vitest-b");
  const journal = await controlClient(/** @type {string} */ (urls.control), "vitest-b").GET("/journal/count");
  expect(journal.data?.count).toBe(2);
});
