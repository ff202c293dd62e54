// A Vitest globalSetup that starts one Understudy for the run and provides its URLs to every test file:
//   vitest.config: test: { globalSetup: ["understudy/vitest"] }
//   in a test:     import { inject } from "vitest"; const urls = inject("understudy");
// UNDERSTUDY_URLS (the JSON startup line) is set too, for code that reads the environment.
import type {} from "vitest";
import { start, type StartOptions } from "./index.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** Each API's base URL by name, and `control`'s: Understudy's startup line. */
    understudy: Record<string, string>;
  }
}

/** What Vitest gives a globalSetup (its TestProject has more; this is the part used). */
export interface GlobalSetupContext {
  provide(key: "understudy", value: Record<string, string>): void;
}

/** A globalSetup with options of your own: `export default understudyGlobalSetup({ mode: "spec" })`. */
export function understudyGlobalSetup(options: StartOptions = {}) {
  return async function setup(project: GlobalSetupContext): Promise<() => Promise<void>> {
    const understudy = await start({ output: "ignore", ...options });
    project.provide("understudy", understudy.urls);
    process.env.UNDERSTUDY_URLS = JSON.stringify(understudy.urls);
    return () => understudy.stop();
  };
}

export default understudyGlobalSetup();
