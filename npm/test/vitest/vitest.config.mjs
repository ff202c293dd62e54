// The Vitest suite that uses the companion's globalSetup (run by npm/test.sh).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ["*.test.mjs"],
    globalSetup: ["../../lib/vitest.js"],
  },
});
