import { expect } from "vitest";
import { NAMESPACE_HEADER } from "../../lib/index.js";

/** Deletes Paragraph's pending session twice in `namespace`: 200, then 404. @param {Record<string, string>} urls @param {string} namespace */
export async function sessionLifecycle(urls, namespace) {
  const url = `${urls.paragraph}/v1/api/auth/sessions/3f6c2a9e-8b1d-4e57-a0c4-7d2e9f1b6a35`;
  const statuses = [];
  for (let i = 0; i < 2; i++) {
    const response = await fetch(url, { method: "DELETE", headers: { [NAMESPACE_HEADER]: namespace } });
    await response.arrayBuffer();
    statuses.push(response.status);
  }
  expect(statuses).toEqual([200, 404]);
}
