#!/usr/bin/env bash
# The npm side's tests: the type checks, the packaging test and the companion's tests.
#   npm/test.sh [BINARY]     BINARY: the Understudy binary to package and run (default target/debug/understudy)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
binary="$(realpath "${1:-$here/../target/debug/understudy}")"
[ -x "$binary" ] || { echo "npm/test.sh: $binary is not an executable binary (cargo build --bin understudy)" >&2; exit 2; }
cd "$here"
echo "== npm ci (npm/, the pinned tooling)"
npm ci --no-audit --no-fund --loglevel=error
echo "== the control API's types match specs/understudy-control.openapi.json"
npm run -s check:control
echo "== tsc --noEmit over the companion, the launcher and the tests"
npm run -s typecheck
echo "== the packaging test (build, pack, offline install, npx) with $binary"
UNDERSTUDY_PACKAGE_BINARY="$binary" node --test --test-reporter=spec test/package.test.mjs
echo "== the companion's tests (start/stop, the typed control client) with $binary"
UNDERSTUDY_BINARY="$binary" node --test --test-reporter=spec test/start.test.mjs
echo "== the Vitest suite on the companion's globalSetup with $binary"
UNDERSTUDY_BINARY="$binary" npx vitest run --config test/vitest/vitest.config.mjs
