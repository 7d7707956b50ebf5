#!/usr/bin/env bash
# Installs what the tests need on a fresh Debian machine and runs every test:
# style check, xUnit (unit, conversation, Redis, HTTP integration), and Node end-to-end tests
# (botframework-directlinejs, and the real Web Chat page in headless Chromium).
# Ends with one line: "N passed, N failed".
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CONFIGURATION="${CONFIGURATION:-Release}"
RESULTS="$ROOT/artifacts/test-results"
mkdir -p "$RESULTS"
passed=0
failed=0

step() { printf '\n==> %s\n' "$*"; }

# 1. Machine packages: Redis for state tests, Chromium for the browser test, Node/npm for the web chat bundle and e2e tests.
need=()
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
if [ ${#need[@]} -gt 0 ]; then
  step "Installing ${need[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null \
    || { echo "Could not install ${need[*]} with apt-get." >&2; echo "0 passed, 1 failed"; exit 1; }
fi

step "Installing the end-to-end test packages (npm ci)"
(cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error) || { echo "npm ci failed in tests/e2e" >&2; echo "0 passed, 1 failed"; exit 1; }

step "Building ($CONFIGURATION)"
if ! dotnet build SupportBot.sln -c "$CONFIGURATION" -nologo -v minimal; then
  echo "0 passed, 1 failed"; exit 1
fi

step "Checking code style (.editorconfig, dotnet format --verify-no-changes)"
if dotnet format SupportBot.sln --verify-no-changes --no-restore -v quiet; then
  passed=$((passed + 1))
else
  echo "Code style check failed: run 'dotnet format SupportBot.sln' and commit the result." >&2
  failed=$((failed + 1))
fi

step "xUnit tests"
dotnet test SupportBot.sln -c "$CONFIGURATION" --no-build -nologo \
  --logger "trx;LogFilePrefix=xunit" --results-directory "$RESULTS" 2>&1 | tee "$RESULTS/xunit.log"
# One summary line per test project: add them all up.
summaries=$(grep -E '(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+' "$RESULTS/xunit.log")
if [ -n "$summaries" ]; then
  while read -r line; do
    passed=$((passed + $(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"$line")))
    failed=$((failed + $(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"$line")))
  done <<<"$summaries"
  expected=$(dotnet sln SupportBot.sln list | grep -cE '^tests/.*Tests\.csproj$')
  found=$(wc -l <<<"$summaries")
  if [ "$found" -lt "$expected" ]; then
    echo "Only $found of $expected test projects reported a summary." >&2
    failed=$((failed + 1))
  fi
else
  echo "The xUnit run ended without a summary." >&2
  failed=$((failed + 1))
fi

step "End-to-end tests (Direct Line client, Web Chat in Chromium)"
(cd tests/e2e && SUPPORTBOT_CONFIGURATION="$CONFIGURATION" npm test --silent) 2>&1 | tee "$RESULTS/e2e.log"
e2e_pass=$(grep -E '^# pass [0-9]+' "$RESULTS/e2e.log" | tail -1 | awk '{print $3}')
e2e_fail=$(grep -E '^# fail [0-9]+' "$RESULTS/e2e.log" | tail -1 | awk '{print $3}')
if [ -n "$e2e_pass" ] && [ -n "$e2e_fail" ]; then
  passed=$((passed + e2e_pass)); failed=$((failed + e2e_fail))
else
  echo "The end-to-end run ended without a summary." >&2
  failed=$((failed + 1))
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
