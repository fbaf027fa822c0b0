#!/usr/bin/env bash
# Starts a throw-away Postgres server for the test suite: initdb in a temporary folder, a free
# loopback port, no systemd. Prints the admin URL on stdout. Stop it with `pg-server.sh stop DIR`.
set -euo pipefail
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
if [ "${1:-}" = stop ]; then
  dir=$2
  runuser -u postgres -- "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  exit 0
fi
dir=$(mktemp -d /tmp/paraphe-pg.XXXXXX)
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
run=(runuser -u postgres --)
[ "$(id -u)" = 0 ] || run=()
[ "$(id -u)" = 0 ] && chown postgres "$dir"
"${run[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync -E UTF8 >"$dir/initdb.log" 2>&1
"${run[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c fsync=off -c max_connections=200" \
  start >/dev/null
echo "$dir postgres://postgres@127.0.0.1:$port/postgres"
