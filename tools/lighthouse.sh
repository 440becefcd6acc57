#!/usr/bin/env bash
# Lighthouse (issue 21): a demo instance on SQLite, audited for
# accessibility, best practices and SEO on home, an article, search,
# sign-up and a 404, in Arabic and English, as a phone and as a desktop;
# every score must be 100, with no console errors. The pages are the same
# on both stores, so one is enough. Reports: target/lighthouse/*.html.
#
#   tools/lighthouse.sh
#
# Needs target/debug/khabar (`cargo build --workspace`; KHABAR_BINARY
# names another build), Chromium (CHROME_PATH, default /usr/bin/chromium)
# and `npm ci --no-audit --no-fund` in tools/browser.
set -euo pipefail
cd "$(dirname "$0")/.."

binary=${KHABAR_BINARY:-target/debug/khabar}
[[ -x $binary ]] || { echo "lighthouse: $binary is missing; run cargo build --workspace" >&2; exit 1; }
[[ -d tools/browser/node_modules/lighthouse ]] \
    || { echo "lighthouse: run npm ci --no-audit --no-fund in tools/browser" >&2; exit 1; }

server_pid=
data_dir=$(mktemp -d -t khabar-lighthouse.XXXXXX)
cleanup() {
    local status=$?
    if [[ -n $server_pid ]]; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf -- "$data_dir"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

unset KHABAR_CONFIG KHABAR_DATABASE_URL
port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
"$binary" --data "$data_dir" serve --demo --listen "127.0.0.1:$port" >"$data_dir/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 150); do
    curl -fsS --max-time 2 "$base/readyz" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { tail -n 30 "$data_dir/server.log" >&2; echo "lighthouse: the server died" >&2; exit 1; }
    sleep 0.2
done
rm -rf target/lighthouse
CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium} node tools/browser/lighthouse.mjs "$base" target/lighthouse
