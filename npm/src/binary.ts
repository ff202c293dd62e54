// Where the Understudy binary is: UNDERSTUDY_BINARY, else the platform package npm installed beside this
// one (`@understudy/cli-<target>`, an optional dependency that npm installs only on its own platform).
import { createRequire } from "node:module";
import path from "node:path";

/** The target name of this machine, as the platform packages are named: `linux-x64-gnu`, `darwin-arm64`, … */
export function platformTarget(): string {
  const { platform, arch } = process;
  if (platform === "linux") return `linux-${arch}-${isMusl() ? "musl" : "gnu"}`;
  return `${platform}-${arch}`;
}

function isMusl(): boolean {
  // glibc's runtime version is in the report's header; musl has none.
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return !report?.header?.glibcVersionRuntime;
}

/** The platform package's name for this machine. */
export function platformPackage(): string {
  return `@understudy/cli-${platformTarget()}`;
}

/** The path of the Understudy binary to run; throws with a readable message when there is none. */
export function findBinary(): string {
  const fromEnv = process.env.UNDERSTUDY_BINARY;
  if (fromEnv) return fromEnv;
  const name = platformPackage();
  const require = createRequire(import.meta.url);
  let dir: string;
  try {
    dir = path.dirname(require.resolve(`${name}/package.json`));
  } catch {
    throw new Error(
      `no Understudy binary for this platform (${platformTarget()}): the optional dependency ${name} is not ` +
        `installed. Reinstall without --omit=optional, or set UNDERSTUDY_BINARY to a binary's path.`,
    );
  }
  return path.join(dir, "bin", process.platform === "win32" ? "understudy.exe" : "understudy");
}
