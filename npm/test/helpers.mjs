// Helpers shared by the tests: reading a process's first stdout line, and whether a port is free.
import net from "node:net";
import { createInterface } from "node:readline";

/**
 * Resolves with the first line `child` writes to stdout (and keeps reading the rest, so the pipe never fills).
 * @param {import("node:child_process").ChildProcess} child
 * @param {number} timeoutMs
 * @returns {Promise<string>}
 */
export function firstLine(child, timeoutMs = 60_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no stdout line within ${timeoutMs} ms`)), timeoutMs);
    const lines = createInterface({ input: /** @type {import("node:stream").Readable} */ (child.stdout) });
    let done = false;
    lines.on("line", (line) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(line);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (!done) reject(new Error(`exited (${signal ?? code}) before writing a line`));
    });
  });
}

/**
 * The ports of the base URLs in a startup line's object.
 * @param {Record<string, string>} urls
 */
export function portsOf(urls) {
  return Object.values(urls).map((url) => Number(new URL(url).port));
}

/**
 * True when nothing accepts a connection on 127.0.0.1:`port` and a listener can be bound there.
 * @param {number} port
 * @returns {Promise<boolean>}
 */
export async function portIsFree(port) {
  const accepted = await new Promise((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
  if (accepted) return false;
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen({ host: "127.0.0.1", port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Milliseconds from now until every port is free, or throws after `limitMs`.
 * @param {number[]} ports
 * @param {number} limitMs
 * @param {number} [since]
 */
export async function waitPortsFree(ports, limitMs, since = Date.now()) {
  for (;;) {
    const free = await Promise.all(ports.map(portIsFree));
    const elapsed = Date.now() - since;
    if (free.every(Boolean)) return elapsed;
    if (elapsed > limitMs) {
      const busy = ports.filter((_, i) => !free[i]);
      throw new Error(`ports still in use ${elapsed} ms after the signal: ${busy.join(", ")}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Resolves with the exit code and signal of `child` once it has exited.
 * @param {import("node:child_process").ChildProcess} child
 * @returns {Promise<{code: number | null, signal: NodeJS.Signals | null}>}
 */
export function exitOf(child) {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
}
