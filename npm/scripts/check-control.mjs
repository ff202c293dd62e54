// Fails when src/control.ts differs from what openapi-typescript generates from the committed control
// document (specs/understudy-control.openapi.json). With --write (`npm run gen:control`) it regenerates it.
// --default-non-nullable=false: a field with a default is optional, so a request body may leave it out.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const NPM_DIR = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const FLAGS = ["--default-non-nullable=false"];
const target = path.join(NPM_DIR, "src", "control.ts");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "understudy-control-"));
try {
  const fresh = path.join(tmp, "control.ts");
  execFileSync(
    path.join(NPM_DIR, "node_modules", ".bin", "openapi-typescript"),
    [path.join(NPM_DIR, "..", "specs", "understudy-control.openapi.json"), ...FLAGS, "-o", fresh],
    { cwd: NPM_DIR, stdio: ["ignore", "ignore", "inherit"] },
  );
  if (process.argv.includes("--write")) {
    fs.copyFileSync(fresh, target);
    console.log("wrote npm/src/control.ts");
    process.exit(0);
  }
  const committed = fs.readFileSync(target, "utf8");
  if (fs.readFileSync(fresh, "utf8") !== committed) {
    try {
      execFileSync("diff", ["-u", target, fresh], { stdio: "inherit" });
    } catch {}
    console.error("npm/src/control.ts is not what specs/understudy-control.openapi.json gives: run `npm run gen:control --prefix npm`");
    process.exit(1);
  }
  console.log("npm/src/control.ts matches specs/understudy-control.openapi.json");
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
