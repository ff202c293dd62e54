#!/usr/bin/env node
// The `understudy` command: runs the platform package's binary as a child process (never in its place,
// and never with spawnSync), forwards SIGINT, SIGTERM and SIGHUP to it, and ends as it ends (same exit
// code, or the same signal), so stopping `npx understudy` stops the server and frees its ports. It also stops
// the server when its own parent goes away (see the orphan watch below).
import { spawn } from "node:child_process";
import { constants } from "node:os";
import { findBinary } from "../lib/binary.js";

/** @type {string} */
let binary;
try {
  binary = findBinary();
} catch (error) {
  console.error(`understudy: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

const child = spawn(binary, process.argv.slice(2), { stdio: "inherit" });
/** @type {NodeJS.Signals[]} */
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"];
/** @param {NodeJS.Signals} signal */
const forward = (signal) => {
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
};
for (const signal of SIGNALS) process.on(signal, forward);

// `npx understudy` runs this file through `sh -c`, and npm forwards a SIGTERM to that shell only: the shell
// dies and this process is orphaned without a signal. So a change of parent stops the server too.
const parent = process.ppid;
const orphanWatch = setInterval(() => {
  if (process.ppid !== parent) {
    clearInterval(orphanWatch);
    forward("SIGTERM");
  }
}, 100);
orphanWatch.unref();

child.on("error", (error) => {
  console.error(`understudy: could not run ${binary}: ${error.message}`);
  process.exit(1);
});
child.on("exit", (code, signal) => {
  clearInterval(orphanWatch);
  for (const s of SIGNALS) process.off(s, forward);
  if (signal) {
    // End by the same signal, as a shell expects; should it be ignored here, exit as a shell would report it.
    process.kill(process.pid, signal);
    setTimeout(() => process.exit(128 + (constants.signals[signal] ?? 0)), 200).unref();
    return;
  }
  process.exit(code ?? 1);
});
