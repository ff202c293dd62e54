// Builds Understudy's npm packages under dist/ (see ../build for the usage).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const NPM_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const REPO = path.dirname(NPM_DIR);

/** Each target npm can tell apart: its package's `os`, `cpu` and `libc`, and the Rust triple it is built for. */
export const TARGETS = {
  "linux-x64-gnu": { os: "linux", cpu: "x64", libc: "glibc", triple: "x86_64-unknown-linux-gnu" },
  "linux-x64-musl": { os: "linux", cpu: "x64", libc: "musl", triple: "x86_64-unknown-linux-musl" },
  "linux-arm64-gnu": { os: "linux", cpu: "arm64", libc: "glibc", triple: "aarch64-unknown-linux-gnu" },
  "linux-arm64-musl": { os: "linux", cpu: "arm64", libc: "musl", triple: "aarch64-unknown-linux-musl" },
  "darwin-x64": { os: "darwin", cpu: "x64", libc: undefined, triple: "x86_64-apple-darwin" },
  "darwin-arm64": { os: "darwin", cpu: "arm64", libc: undefined, triple: "aarch64-apple-darwin" },
  "win32-x64": { os: "win32", cpu: "x64", libc: undefined, triple: "x86_64-pc-windows-msvc" },
};

const USAGE = `usage: npm/build [--out DIR] [--targets T1,T2,…] [--pack] (--binary PATH | --binary TARGET=PATH)…

Writes one package per target (@understudy/cli-TARGET: os/cpu/libc set, the binary in bin/, no install
script) and the main package \`understudy\` (the launcher, the TypeScript companion, the platform packages as
optionalDependencies), all at the crate's version, under DIR (default npm/dist/). --targets defaults to
linux-x64-gnu; every target needs its binary: --binary TARGET=PATH, or --binary PATH when there is one
target. --pack also runs \`npm pack\` on each package into DIR. Targets: ${Object.keys(TARGETS).join(", ")}.`;

/** @param {string[]} argv */
function parseArgs(argv) {
  /** @type {{out: string, targets: string[], pack: boolean, binaries: Record<string, string>, bare: string[]}} */
  const options = { out: path.join(NPM_DIR, "dist"), targets: ["linux-x64-gnu"], pack: false, binaries: {}, bare: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) fail(`${arg} needs a value`);
      return /** @type {string} */ (v);
    };
    if (arg === "--out") options.out = path.resolve(value());
    else if (arg === "--targets") options.targets = value().split(",").map((t) => t.trim()).filter(Boolean);
    else if (arg === "--pack") options.pack = true;
    else if (arg === "--binary") {
      const v = value();
      const eq = v.indexOf("=");
      if (eq > 0 && v.slice(0, eq) in TARGETS) options.binaries[v.slice(0, eq)] = path.resolve(v.slice(eq + 1));
      else options.bare.push(path.resolve(v));
    } else if (arg === "-h" || arg === "--help") {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown argument ${arg}`);
  }
  for (const target of options.targets) if (!(target in TARGETS)) fail(`unknown target ${target}`);
  if (options.bare.length > 1 || (options.bare.length === 1 && options.targets.length !== 1))
    fail("--binary PATH without TARGET= is only for a single target");
  if (options.bare.length === 1) options.binaries[/** @type {string} */ (options.targets[0])] = /** @type {string} */ (options.bare[0]);
  for (const target of options.targets) {
    const binary = options.binaries[target];
    if (!binary) fail(`no binary for ${target}: give --binary ${target}=PATH (e.g. target/${TARGETS[/** @type {keyof TARGETS} */ (target)].triple}/…/understudy)`);
    if (!fs.statSync(binary, { throwIfNoEntry: false })?.isFile()) fail(`${binary} is not a file`);
  }
  return options;
}

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`npm/build: ${message}\n\n${USAGE}`);
  process.exit(2);
}

/** The `[package]` version and license in Cargo.toml. */
export function crateInfo() {
  const toml = fs.readFileSync(path.join(REPO, "Cargo.toml"), "utf8");
  const section = toml.split(/^\[/m).find((s) => s.startsWith("package]")) ?? "";
  const field = (/** @type {string} */ name) => section.match(new RegExp(`^${name}\\s*=\\s*"([^"]*)"`, "m"))?.[1];
  const version = field("version");
  if (!version) throw new Error("no [package] version in Cargo.toml");
  return { version, license: field("license") ?? "UNLICENSED", description: field("description") ?? "" };
}

/** @param {string} file @param {unknown} value */
function writeJson(file, value) {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** @param {string} dir */
function pack(dir, /** @type {string} */ out) {
  const json = execFileSync("npm", ["pack", "--json", "--pack-destination", out], { cwd: dir, encoding: "utf8" });
  const [info] = JSON.parse(json);
  return path.join(out, info.filename);
}

function main() {
  const options = parseArgs(process.argv.slice(2));
  const { version, license, description } = crateInfo();
  const out = options.out;
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  /** @type {string[]} */
  const dirs = [];

  // The platform packages.
  /** @type {Record<string, string>} */
  const optionalDependencies = {};
  for (const target of options.targets) {
    const t = TARGETS[/** @type {keyof TARGETS} */ (target)];
    const name = `@understudy/cli-${target}`;
    const dir = path.join(out, `cli-${target}`);
    fs.mkdirSync(path.join(dir, "bin"), { recursive: true });
    const exe = t.os === "win32" ? "understudy.exe" : "understudy";
    fs.copyFileSync(/** @type {string} */ (options.binaries[target]), path.join(dir, "bin", exe));
    fs.chmodSync(path.join(dir, "bin", exe), 0o755);
    writeJson(path.join(dir, "package.json"), {
      name,
      version,
      description: `The Understudy binary for ${target}. Install \`understudy\`, which depends on it on this platform.`,
      license,
      os: [t.os],
      cpu: [t.cpu],
      ...(t.libc ? { libc: [t.libc] } : {}),
      files: ["bin"],
      preferUnplugged: true,
    });
    fs.writeFileSync(path.join(dir, "README.md"), `# ${name}\n\nThe Understudy binary for ${target}; \`understudy\` runs it.\n`);
    optionalDependencies[name] = version;
    dirs.push(dir);
  }

  // The main package: the launcher and the companion, compiled here.
  execFileSync(path.join(NPM_DIR, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.build.json"], { cwd: NPM_DIR, stdio: "inherit" });
  const main = path.join(out, "understudy");
  fs.mkdirSync(path.join(main, "bin"), { recursive: true });
  fs.copyFileSync(path.join(NPM_DIR, "bin", "understudy.js"), path.join(main, "bin", "understudy.js"));
  fs.chmodSync(path.join(main, "bin", "understudy.js"), 0o755);
  fs.cpSync(path.join(NPM_DIR, "lib"), path.join(main, "lib"), { recursive: true });
  fs.copyFileSync(path.join(REPO, "specs", "understudy-control.openapi.json"), path.join(main, "control.openapi.json"));
  // openapi-fetch (and the types it refers to) go inside the package, so installing needs no registry.
  const tooling = JSON.parse(fs.readFileSync(path.join(NPM_DIR, "package.json"), "utf8"));
  const bundled = ["openapi-fetch", "openapi-typescript-helpers"];
  for (const dep of bundled)
    fs.cpSync(path.join(NPM_DIR, "node_modules", dep), path.join(main, "node_modules", dep), { recursive: true });
  const helpers = JSON.parse(fs.readFileSync(path.join(NPM_DIR, "node_modules", "openapi-typescript-helpers", "package.json"), "utf8"));
  writeJson(path.join(main, "package.json"), {
    name: "understudy",
    version,
    description,
    license,
    type: "module",
    bin: { understudy: "bin/understudy.js" },
    main: "./lib/index.js",
    types: "./lib/index.d.ts",
    exports: {
      ".": { types: "./lib/index.d.ts", default: "./lib/index.js" },
      "./vitest": { types: "./lib/vitest.d.ts", default: "./lib/vitest.js" },
      "./playwright": { types: "./lib/playwright.d.ts", default: "./lib/playwright.js" },
      "./msw": { types: "./lib/msw.d.ts", default: "./lib/msw.js" },
      "./control.openapi.json": "./control.openapi.json",
      "./package.json": "./package.json",
    },
    files: ["bin", "lib", "control.openapi.json"],
    engines: { node: ">=20" },
    dependencies: {
      "openapi-fetch": tooling.dependencies["openapi-fetch"],
      "openapi-typescript-helpers": helpers.version,
    },
    bundleDependencies: bundled,
    // Each for its subpath alone (understudy/vitest, understudy/playwright, understudy/msw), so optional. The tests
    // run the versions pinned in npm/package.json; the ranges are the APIs' (Playwright's fixtures with worker
    // options and parallelIndex, MSW 2's http and bypass).
    peerDependencies: {
      vitest: tooling.devDependencies.vitest.replace(/^(\d+).*/, ">=$1"),
      "@playwright/test": ">=1.40.0",
      msw: "^2.0.0",
    },
    peerDependenciesMeta: { vitest: { optional: true }, "@playwright/test": { optional: true }, msw: { optional: true } },
    optionalDependencies,
  });
  fs.writeFileSync(
    path.join(main, "README.md"),
    `# understudy\n\n${description}\n\n\`npx understudy\` runs it (the binary comes from the platform package npm installs ` +
      `beside this one, or from UNDERSTUDY_BINARY). From TypeScript: \`import { start } from "understudy"\`; ` +
      `\`await start()\` gives \`{ urls, control, stop() }\`. ` +
      `Test runners: \`understudy/vitest\` (a globalSetup), \`understudy/playwright\` (a fixture giving each test a ` +
      `namespace of its own), \`understudy/msw\` (MSW handlers that send the vendors' production hosts to Understudy).\n`,
  );
  dirs.push(main);

  for (const dir of dirs) console.log(`built ${path.relative(process.cwd(), dir) || dir}`);
  if (options.pack) for (const dir of dirs) console.log(`packed ${pack(dir, out)}`);
}

main();
