#!/usr/bin/env bash
# The whole test suite, as CI runs it: tools, lint, types, tests on embedded PGlite, the database
# tests again on a real Postgres server started here, and the robustness runs over ../shared/corpus.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-tools.sh || exit 1
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-fund --no-audit || exit 1
fi

export TEST_SUMMARY_FILE=$(mktemp)
failed_steps=()
step() {
  local name=$1; shift
  echo; echo "=== $name"
  if ! "$@"; then failed_steps+=("$name"); fi
}

step "client bundle" node scripts/build-client.mjs
step lint npx biome check .
step licences node scripts/check-licenses.mjs
step typecheck npx tsc -p tsconfig.json
step "tests (PGlite)" node scripts/run-tests.mjs src test

read -r pg_dir pg_url < <(bash scripts/pg-server.sh) || { echo "could not start Postgres"; failed_steps+=(postgres); }
if [ -n "${pg_url:-}" ]; then
  trap 'bash scripts/pg-server.sh stop "$pg_dir"' EXIT
  step "database tests (Postgres server)" env PARAPHE_TEST_DATABASE_URL="$pg_url" node scripts/run-tests.mjs --db-only src test
fi

step "corpus (mail)" npm run --silent corpus:mail
step "corpus (pdf)" npm run --silent corpus:pdf

# Some tests start the shared checker's local TSA/OCSP servers; stop them so nothing outlives us.
if [ -x ../shared/tools/pdf-validate/servers/stop-services.sh ]; then
  (cd ../shared/tools/pdf-validate/pki && ../servers/stop-services.sh >/dev/null 2>&1 || true)
fi

pass=0; fail=0; skipped=0
while read -r line; do
  pass=$((pass + $(node -pe "JSON.parse(process.argv[1]).pass" "$line")))
  fail=$((fail + $(node -pe "JSON.parse(process.argv[1]).fail" "$line")))
  skipped=$((skipped + $(node -pe "JSON.parse(process.argv[1]).skipped" "$line")))
done < "$TEST_SUMMARY_FILE"
rm -f "$TEST_SUMMARY_FILE"

echo
if [ ${#failed_steps[@]} -gt 0 ]; then
  echo "FAILED steps: ${failed_steps[*]}"
  [ "$fail" -gt 0 ] || fail=1
fi
echo "$pass passed, $fail failed, $skipped skipped"
[ ${#failed_steps[@]} -eq 0 ]
