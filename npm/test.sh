#!/usr/bin/env bash
# The npm side's tests: the type checks, the packaging test and the companion's tests (node:test, Vitest,
# Playwright on Debian's Chromium, MSW with Paragraph's SDK). Prints how long each step took.
#   npm/test.sh [BINARY]     BINARY: the Understudy binary to package and run (default target/debug/understudy)
# Needs Chromium at /usr/bin/chromium (or UNDERSTUDY_CHROMIUM) and the SDKs of examples/ (installed here when
# missing: npm ci --prefix examples).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
binary="$(realpath "${1:-$here/../target/debug/understudy}")"
[ -x "$binary" ] || { echo "npm/test.sh: $binary is not an executable binary (cargo build --bin understudy)" >&2; exit 2; }
chromium="${UNDERSTUDY_CHROMIUM:-/usr/bin/chromium}"
[ -x "$chromium" ] || { echo "npm/test.sh: no Chromium at $chromium (apt-get install chromium, or set UNDERSTUDY_CHROMIUM)" >&2; exit 2; }
cd "$here"

timings=""
# step NAME COMMAND…: runs the command under a heading and records how long it took.
step() {
  local name="$1" start end
  shift
  echo "== $name"
  start=$(date +%s%N)
  "$@"
  end=$(date +%s%N)
  local seconds
  seconds=$(awk -v ns=$((end - start)) 'BEGIN { printf "%.1f", ns / 1e9 }')
  echo "-- $name: ${seconds} s"
  timings+="$(printf '%7s s  %s' "$seconds" "$name")"$'\n'
}

# Playwright's browsers are never downloaded: the suite drives Debian's Chromium.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
step "npm ci (npm/, the pinned tooling)" npm ci --no-audit --no-fund --loglevel=error
if [ ! -d ../examples/node_modules/@paragraph-com/sdk ]; then
  step "npm ci --prefix examples (the vendors' SDKs, for the MSW test)" npm ci --prefix ../examples --no-audit --no-fund --loglevel=error
fi
step "the control API's types match specs/understudy-control.openapi.json" npm run -s check:control
step "tsc: compile the companion, then --noEmit over it, the launcher and the tests" npm run -s typecheck
step "the packaging test (build, pack, offline install, npx) with $binary" \
  env UNDERSTUDY_PACKAGE_BINARY="$binary" node --test --test-reporter=spec test/package.test.mjs
step "the companion's tests (start/stop, connect, the typed control client, the fixture's parts)" \
  env UNDERSTUDY_BINARY="$binary" node --test --test-reporter=spec test/start.test.mjs test/playwright-fixture.test.mjs
step "the Vitest suite on the companion's globalSetup" \
  env UNDERSTUDY_BINARY="$binary" npx vitest run --config test/vitest/vitest.config.mjs
step "the Playwright suite (two workers on $chromium): namespaces, cross-origin control calls" \
  env UNDERSTUDY_BINARY="$binary" UNDERSTUDY_CHROMIUM="$chromium" npx playwright test -c test/playwright/playwright.config.mjs
step "the MSW helper with Paragraph's own SDK" \
  env UNDERSTUDY_BINARY="$binary" node --test --test-reporter=spec test/msw.test.mjs
echo "== npm/test.sh: how long each step took"
printf '%s' "$timings"
