// The packaging test: builds the npm packages from a binary (UNDERSTUDY_PACKAGE_BINARY, set by npm/test.sh),
// packs them, installs the tarballs offline with --ignore-scripts into a scratch project with its own empty
// npm cache, and runs `npx understudy` there. A dummy darwin-arm64 package (no binary, only os/cpu) is an
// optional dependency too: npm must skip it on this machine without failing.
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { exitOf, firstLine, portsOf, waitPortsFree } from "./helpers.mjs";

const NPM_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const VERSION = /** @type {string} */ (
  fs.readFileSync(path.join(NPM_DIR, "..", "Cargo.toml"), "utf8").match(/^\[package\][^[]*?^version\s*=\s*"([^"]+)"/ms)?.[1]
);
const BINARY = process.env.UNDERSTUDY_PACKAGE_BINARY;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "understudy-npm-"));
const dist = path.join(tmp, "dist");
const project = path.join(tmp, "project");
// The environment of every npm call: a cache of its own (empty: so nothing can come from an earlier
// download), offline, and without UNDERSTUDY_BINARY, so the launcher must find the platform package.
/** @type {NodeJS.ProcessEnv} */
const env = { ...process.env, npm_config_cache: path.join(tmp, "cache"), npm_config_offline: "true" };
delete env.UNDERSTUDY_BINARY;
for (const key of Object.keys(env)) if (/^npm_(package|lifecycle|config_(prefix|global))/i.test(key)) delete env[key];

/** @type {Record<string, string>} */
const tarballs = {};

before(() => {
  assert.ok(BINARY, "UNDERSTUDY_PACKAGE_BINARY names the binary to package (npm/test.sh sets it)");
  const dummy = path.join(tmp, "understudy-darwin-arm64");
  fs.writeFileSync(dummy, "a stand-in: this test never runs it\n");
  const t0 = Date.now();
  const output = execFileSync(
    path.join(NPM_DIR, "build"),
    ["--out", dist, "--targets", "linux-x64-gnu,darwin-arm64", "--binary", `linux-x64-gnu=${BINARY}`, "--binary", `darwin-arm64=${dummy}`, "--pack"],
    { encoding: "utf8", env },
  );
  for (const line of output.split("\n")) {
    const packed = line.match(/^packed (.*)$/)?.[1];
    if (packed) tarballs[path.basename(packed)] = packed;
  }
  for (const [name, file] of Object.entries(tarballs))
    console.log(`# ${name}: ${(fs.statSync(file).size / 1e6).toFixed(2)} MB packed`);
  console.log(`# built and packed in ${Date.now() - t0} ms`);
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** @param {string} name */
const tarball = (name) => {
  const file = tarballs[`${name}-${VERSION}.tgz`];
  assert.ok(file, `${name}-${VERSION}.tgz was packed (have: ${Object.keys(tarballs).join(", ")})`);
  return `file:${file}`;
};

test("the tarballs install offline with --ignore-scripts; npm skips the darwin-arm64 package", () => {
  fs.mkdirSync(project);
  // As a user's project sees them once they are published: understudy, and its platform packages as
  // optional dependencies (here named directly, since they come from files, not a registry).
  fs.writeFileSync(
    path.join(project, "package.json"),
    JSON.stringify({
      name: "scratch",
      private: true,
      dependencies: { understudy: tarball("understudy") },
      optionalDependencies: {
        "@understudy/cli-linux-x64-gnu": tarball("understudy-cli-linux-x64-gnu"),
        "@understudy/cli-darwin-arm64": tarball("understudy-cli-darwin-arm64"),
      },
    }),
  );
  const t0 = Date.now();
  execFileSync("npm", ["install", "--offline", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: project, env, stdio: "inherit" });
  console.log(`# npm install: ${Date.now() - t0} ms`);

  const modules = path.join(project, "node_modules");
  const main = JSON.parse(fs.readFileSync(path.join(modules, "understudy", "package.json"), "utf8"));
  assert.equal(main.version, VERSION);
  assert.deepEqual(main.optionalDependencies, {
    "@understudy/cli-linux-x64-gnu": VERSION,
    "@understudy/cli-darwin-arm64": VERSION,
  });
  assert.equal(main.scripts, undefined, "the main package has no scripts");
  // The test runners' subpaths, each with its optional peer (not installed: the install is offline).
  for (const file of ["vitest", "playwright", "msw"]) {
    assert.deepEqual(main.exports[`./${file}`], { types: `./lib/${file}.d.ts`, default: `./lib/${file}.js` }, file);
    for (const ext of [".js", ".d.ts"]) fs.accessSync(path.join(modules, "understudy", "lib", `${file}${ext}`));
  }
  assert.deepEqual(Object.keys(main.peerDependencies).sort(), ["@playwright/test", "msw", "vitest"]);
  for (const peer of Object.keys(main.peerDependencies)) {
    assert.deepEqual(main.peerDependenciesMeta[peer], { optional: true }, peer);
    assert.ok(!fs.existsSync(path.join(modules, peer)), `${peer} (an optional peer) is not installed`);
  }
  const linux = JSON.parse(fs.readFileSync(path.join(modules, "@understudy", "cli-linux-x64-gnu", "package.json"), "utf8"));
  assert.deepEqual([linux.os, linux.cpu, linux.libc, linux.scripts], [["linux"], ["x64"], ["glibc"], undefined]);
  fs.accessSync(path.join(modules, "@understudy", "cli-linux-x64-gnu", "bin", "understudy"), fs.constants.X_OK);
  fs.accessSync(path.join(modules, ".bin", "understudy"), fs.constants.X_OK);
  assert.ok(!fs.existsSync(path.join(modules, "@understudy", "cli-darwin-arm64")), "the darwin-arm64 package is skipped");
  // The lockfile still records it, for its platform, as optional: installs there will take it.
  const lock = JSON.parse(fs.readFileSync(path.join(project, "package-lock.json"), "utf8"));
  const darwin = lock.packages["node_modules/@understudy/cli-darwin-arm64"];
  assert.deepEqual([darwin.os, darwin.cpu, darwin.optional], [["darwin"], ["arm64"], true]);
});

test("npm refuses the darwin-arm64 package on linux when it is not optional (its os/cpu are set)", () => {
  const other = path.join(tmp, "other");
  fs.mkdirSync(other);
  fs.writeFileSync(path.join(other, "package.json"), JSON.stringify({ name: "other", private: true }));
  const result = spawnSync("npm", ["install", "--offline", "--ignore-scripts", "--no-audit", "--no-fund", tarball("understudy-cli-darwin-arm64")], {
    cwd: other,
    env,
    encoding: "utf8",
  });
  assert.notEqual(result.status, 0);
  assert.match(result.stderr, /EBADPLATFORM|notsup/);
});

test("npx understudy --version prints the crate's version", () => {
  const t0 = Date.now();
  const out = execFileSync("npx", ["--offline", "understudy", "--version"], { cwd: project, env, encoding: "utf8" });
  console.log(`# npx understudy --version: ${Date.now() - t0} ms`);
  assert.equal(out.trim(), `understudy ${VERSION}`);
});

test("npx understudy exits with the binary's exit code", () => {
  const result = spawnSync("npx", ["--offline", "understudy", "--no-such-flag"], { cwd: project, env, encoding: "utf8" });
  assert.equal(result.status, 2, result.stderr);
});

/**
 * Starts `command args` in the project, checks its startup line, sends `signal` to it and checks that every
 * port is free within 2 s.
 * @param {string} command @param {string[]} args @param {NodeJS.Signals} signal
 */
async function startAndStop(command, args, signal) {
  const child = spawn(command, args, { cwd: project, env, stdio: ["ignore", "pipe", "inherit"] });
  try {
    const line = await firstLine(child);
    const urls = JSON.parse(line);
    for (const name of ["control", "moonkey", "dynamic", "paragraph", "nango"]) assert.match(urls[name], /^http:\/\/127\.0\.0\.1:\d+/);
    const health = await fetch(`${urls.control}/apis`);
    assert.equal(health.status, 200);
    await health.arrayBuffer();
    const t0 = Date.now();
    child.kill(signal);
    const elapsed = await waitPortsFree(portsOf(urls), 2_000, t0);
    console.log(`# ${path.basename(command)} ${signal}: ${Object.keys(urls).length} ports free after ${elapsed} ms`);
    return await exitOf(child);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}

test("npx understudy --ephemeral-ports prints the startup line; SIGTERM to npx frees every port within 2 s", async () => {
  const exit = await startAndStop("npx", ["--offline", "understudy", "--ephemeral-ports"], "SIGTERM");
  assert.ok(exit.signal === "SIGTERM" || exit.code === 143 || exit.code === 0, JSON.stringify(exit));
});

// The binary stops cleanly on SIGINT and SIGTERM (exit code 0) and dies of SIGHUP: the launcher ends the same way.
test("the launcher forwards SIGINT and exits with the binary's code", async () => {
  const exit = await startAndStop(path.join(project, "node_modules", ".bin", "understudy"), ["--ephemeral-ports"], "SIGINT");
  assert.deepEqual(exit, { code: 0, signal: null });
});

test("the launcher forwards SIGHUP and dies of it as the binary does", async () => {
  const exit = await startAndStop(path.join(project, "node_modules", ".bin", "understudy"), ["--ephemeral-ports"], "SIGHUP");
  assert.equal(exit.signal, "SIGHUP");
});

test("the installed companion (openapi-fetch bundled) starts the platform package's binary and drives it", () => {
  const script = `
    import { start, findBinary } from "understudy";
    const u = await start({ output: "ignore" });
    const count = await u.control.GET("/journal/count");
    await u.stop();
    console.log(JSON.stringify({ binary: findBinary(), status: count.response.status, count: count.data?.count }));`;
  const out = execFileSync("node", ["--input-type=module", "-e", script], { cwd: project, env, encoding: "utf8" });
  const result = JSON.parse(out.trim().split("\n").pop() ?? "{}");
  assert.deepEqual(result, {
    binary: fs.realpathSync(path.join(project, "node_modules", "@understudy", "cli-linux-x64-gnu", "bin", "understudy")),
    status: 200,
    count: 0,
  });
});
