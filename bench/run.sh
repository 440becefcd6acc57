#!/usr/bin/env bash
# Page benchmarks: builds khabar and khabar-bench in release mode, starts a
# demo server on a free loopback port with a fresh data directory, and loads
# (1) the English and Arabic article pages, round-robin, and (2) the English
# home page. The server is stopped by its PID and the data removed at exit.
#
#   bench/run.sh                     # SQLite (default)
#   BENCH_POSTGRES=1 bench/run.sh    # PostgreSQL on 127.0.0.1:5432, database
#                                    # `test`, fresh schema `khabar_bench`
#
# Knobs: BENCH_DURATION (20s), BENCH_WARMUP (2s), BENCH_CONNECTIONS (32),
# BENCH_JSON_DIR (if set, JSON reports are written there instead of tables).
set -euo pipefail

cd "$(dirname "$0")/.."

duration=${BENCH_DURATION:-20s}
warmup=${BENCH_WARMUP:-2s}
connections=${BENCH_CONNECTIONS:-32}
pg_url='postgres://postgres@127.0.0.1:5432/test?options=-c%20search_path%3Dkhabar_bench'

server_pid=
data_dir=
cleanup() {
    local status=$?
    if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$server_pid" 2>/dev/null; then
            echo "run.sh: server $server_pid did not stop on TERM; killing it" >&2
            kill -KILL "$server_pid" 2>/dev/null || true
        fi
        wait "$server_pid" 2>/dev/null || true
    fi
    if [[ -n $data_dir && -d $data_dir ]]; then
        rm -rf -- "$data_dir"
    fi
    if [[ ${BENCH_POSTGRES:-0} == 1 ]]; then
        psql -q -h 127.0.0.1 -U postgres test \
            -c 'DROP SCHEMA IF EXISTS khabar_bench CASCADE' >/dev/null 2>&1 || true
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "== machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n1)"

cargo build --release -p khabar -p khabar-bench

if [[ ${BENCH_POSTGRES:-0} == 1 ]]; then
    PGOPTIONS='--client-min-messages=warning' psql -q -h 127.0.0.1 -U postgres test -v ON_ERROR_STOP=1 \
        -c 'DROP SCHEMA IF EXISTS khabar_bench CASCADE; CREATE SCHEMA khabar_bench'
    export KHABAR_DATABASE_URL=$pg_url
else
    unset KHABAR_DATABASE_URL
fi
unset KHABAR_CONFIG

echo "== load average before the run: $(cut -d" " -f1-3 /proc/loadavg)"
data_dir=$(mktemp -d -t khabar-bench.XXXXXX)
port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()')
base="http://127.0.0.1:$port"

target/release/khabar serve --demo --data "$data_dir" --listen "127.0.0.1:$port" \
    >"$data_dir/server.log" 2>&1 &
server_pid=$!

ready=
for _ in $(seq 300); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "run.sh: the server exited before it was ready:" >&2
        tail -n 30 "$data_dir/server.log" >&2
        exit 1
    fi
    if ready=$(curl -fsS --max-time 2 "$base/readyz" 2>/dev/null); then
        break
    fi
    ready=
    sleep 0.2
done
if [[ -z $ready ]]; then
    echo "run.sh: $base/readyz did not answer 200 within 60 s" >&2
    tail -n 30 "$data_dir/server.log" >&2
    exit 1
fi
echo "== server $server_pid at $base: $ready"

# The first story link on a language's home page.
first_story() {
    local lang=$1 page path
    page=$(curl -fsS --max-time 10 "$base/$lang/")
    path=$(grep -o "href=\"/$lang/story/[^\"]*\"" <<<"$page" | sed -n '1{s/^href="//;s/"$//;p}')
    if [[ -z $path ]]; then
        echo "run.sh: no /$lang/story/ link on $base/$lang/" >&2
        return 1
    fi
    printf '%s\n' "$path"
}
en_story=$(first_story en)
ar_story=$(first_story ar)

bench() {
    local name=$1
    shift
    echo
    echo "== $name"
    if [[ -n ${BENCH_JSON_DIR:-} ]]; then
        mkdir -p "$BENCH_JSON_DIR"
        local backend=sqlite
        [[ ${BENCH_POSTGRES:-0} == 1 ]] && backend=postgres
        target/release/khabar-bench --url "$base" --connections "$connections" \
            --duration "$duration" --warmup "$warmup" --json "$@" \
            | tee "$BENCH_JSON_DIR/$backend-$name.json"
    else
        target/release/khabar-bench --url "$base" --connections "$connections" \
            --duration "$duration" --warmup "$warmup" "$@"
    fi
}

bench articles --path "$en_story" --path "$ar_story"
bench home --path /en/
