// The TypeScript companion: start an Understudy for a test run and drive its control API.
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import createClient, { type Client } from "openapi-fetch";
import type { paths } from "./control.js";
import { findBinary } from "./binary.js";
import { NAMESPACE_HEADER } from "./header.js";

export type { paths as ControlPaths, components as ControlComponents, operations as ControlOperations } from "./control.js";
export { findBinary, platformPackage, platformTarget } from "./binary.js";

/** A client for the control API, typed from specs/understudy-control.openapi.json. */
export type ControlClient = Client<paths>;

export { NAMESPACE_HEADER } from "./header.js";

export interface StartOptions {
  /** `--mode live|spec`. */
  mode?: "live" | "spec";
  /** `--fixtures FILE`. */
  fixtures?: string;
  /** `--spec NAME=FILE` for each entry (an object), or `--spec ENTRY` for each string (`FILE` or `NAME=FILE`). */
  specs?: Record<string, string> | string[];
  /** `--no-vendors` when false. */
  vendors?: boolean;
  /** `--seed N`. */
  seed?: number;
  /** Further flags, passed as they are after the others. */
  args?: string[];
  /** Added to (and overriding) this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** The binary; default: UNDERSTUDY_BINARY, else the platform package. */
  binary?: string;
  /** The namespace `control` acts in (default `default`). */
  namespace?: string;
  /** Where Understudy's log (stderr) and human lines go: inherited (default) or dropped. */
  output?: "inherit" | "ignore";
  /** How long to wait for the startup line, in ms (default 30 000). */
  timeoutMs?: number;
}

/** An Understudy's URLs and control clients: what `start` and `connect` give. */
export interface Connection {
  /** Each API's base URL by name (`moonkey`, `dynamic`, `paragraph`, `nango`, your specs') and `control`'s. */
  urls: Record<string, string>;
  /** The control API, in the namespace of `options.namespace` (`default` when not given). */
  control: ControlClient;
  /** A control client for another namespace. */
  controlFor(namespace: string): ControlClient;
}

export interface Understudy extends Connection {
  /** The process id of the binary. */
  pid: number;
  /** Stops Understudy (SIGTERM, SIGKILL after 5 s); resolves once the process is gone and its ports are closed. */
  stop(): Promise<void>;
}

/** The command-line arguments `start` gives the binary for `options`. */
export function startArgs(options: StartOptions = {}): string[] {
  const args = ["--ephemeral-ports"];
  if (options.mode) args.push("--mode", options.mode);
  if (options.fixtures) args.push("--fixtures", options.fixtures);
  const specs = options.specs ?? [];
  const entries = Array.isArray(specs) ? specs : Object.entries(specs).map(([name, file]) => `${name}=${file}`);
  for (const entry of entries) args.push("--spec", entry);
  if (options.vendors === false) args.push("--no-vendors");
  if (options.seed !== undefined) args.push("--seed", String(options.seed));
  args.push(...(options.args ?? []));
  return args;
}

/** A control client for the control API at `baseUrl`, acting in `namespace`. */
export function controlClient(baseUrl: string, namespace = "default"): ControlClient {
  return createClient<paths>({ baseUrl, headers: { [NAMESPACE_HEADER]: namespace } });
}

/**
 * Connects to an Understudy that is already running (`npx understudy`, a Playwright webServer, a globalSetup):
 * `target` is its startup line's object, that object as JSON, or only its control URL
 * (`http://127.0.0.1:4000`), in which case the other URLs are read from the control API's `GET /apis`.
 */
export async function connect(target: string | Record<string, string>, namespace = "default"): Promise<Connection> {
  let urls: Record<string, string>;
  if (typeof target === "string") {
    const text = target.trim();
    urls = text.startsWith("{") ? (JSON.parse(text) as Record<string, string>) : { control: text };
  } else urls = { ...target };
  const control = urls.control?.replace(/\/+$/, "");
  if (!control) throw new Error(`understudy: no control URL in ${JSON.stringify(target)}`);
  urls.control = control;
  if (Object.keys(urls).length === 1) {
    const apis = await controlClient(control, namespace)
      .GET("/apis")
      .catch((error: unknown) => {
        throw new Error(`understudy: nothing answers at ${control} (is Understudy running? npx understudy) (${String(error)})`);
      });
    if (!apis.data) throw new Error(`understudy: GET ${control}/apis answered ${apis.response.status}`);
    for (const api of apis.data) urls[api.name] = api.url;
  }
  return {
    urls,
    control: controlClient(control, namespace),
    controlFor: (ns) => controlClient(control, ns),
  };
}

/** Starts Understudy on ephemeral ports and resolves once it serves (its startup line is read). */
export async function start(options: StartOptions = {}): Promise<Understudy> {
  const binary = options.binary ?? findBinary();
  const output = options.output ?? "inherit";
  const child = spawn(binary, startArgs(options), {
    stdio: ["ignore", "pipe", output],
    env: { ...process.env, ...options.env },
  });
  // Gone: exited, or never started (a spawn error emits no "exit").
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", () => {
      if (child.pid === undefined) resolve();
    });
  });
  const urls = await readStartupLine(child, options.timeoutMs ?? 30_000, output === "inherit").catch(async (error) => {
    child.kill("SIGKILL");
    await exited;
    throw error;
  });
  // Should this process end without stop(), the server ends with it.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  void exited.then(() => process.off("exit", killOnExit));
  const namespace = options.namespace ?? "default";
  let stopping: Promise<void> | undefined;
  return {
    urls,
    control: controlClient(urls.control!, namespace),
    controlFor: (ns) => controlClient(urls.control!, ns),
    pid: child.pid!,
    stop() {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
          await exited;
          clearTimeout(timer);
        }
      })();
      return stopping;
    },
  };
}

function readStartupLine(child: ChildProcess, timeoutMs: number, echo: boolean): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    let first = true;
    const fail = (message: string) => {
      clearTimeout(timer);
      reject(new Error(`understudy: ${message}`));
    };
    const timer = setTimeout(() => fail(`no startup line within ${timeoutMs} ms`), timeoutMs);
    child.once("error", (error) => fail(`could not start: ${error.message}`));
    // "close" (not "exit"): stdout is read to its end first, so a startup line written just before is seen.
    child.once("close", (code, signal) => {
      if (first) fail(`exited before its startup line (${signal ?? `code ${code}`})`);
    });
    lines.on("line", (line) => {
      if (!first) {
        // The human lines after the startup line: shown like the log, and read always so the pipe never fills.
        if (echo) process.stderr.write(`${line}\n`);
        return;
      }
      first = false;
      clearTimeout(timer);
      try {
        const urls = JSON.parse(line) as Record<string, string>;
        if (typeof urls.control !== "string") throw new Error("no control URL");
        resolve(urls);
      } catch (error) {
        reject(new Error(`understudy: the startup line is not the expected JSON object (${String(error)}): ${line}`));
      }
    });
  });
}
