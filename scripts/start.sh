#!/usr/bin/env bash
# `npm start`: installs the dependencies on a fresh checkout, builds, and runs every role on the
# embedded defaults (or on whatever the environment configures). Extra arguments go to `paraphe start`.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-fund --no-audit
fi
npm run --silent build
exec node bin/paraphe.js start "$@"
