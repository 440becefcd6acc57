#!/usr/bin/env bash
# Comment benchmarks: builds khabar and khabar-bench in release mode, makes a
# fresh data directory with BENCH_POSTERS poster accounts (administrators,
# made with the CLI) and a read+comment API token for each, starts a demo
# server on a free loopback port with the posting limits lifted, then
#
#   1. posts comments to edition BENCH_EDITION (1: the first demo story's
#      first edition) over BENCH_CONNECTIONS connections, every connection
#      with its own tokens, and
#   2. loads that edition's article page, which now carries the thousands of
#      comments step 1 made (at least 500, or the script stops).
#
# The server is stopped by its PID and the data removed at exit.
#
#   bench/comments.sh                     # SQLite (default)
#   BENCH_POSTGRES=1 bench/comments.sh    # PostgreSQL on 127.0.0.1:5432,
#                                         # database `test`, schema `khabar_bench`
#
# Knobs: BENCH_POSTERS (256), BENCH_EDITION (1), BENCH_DURATION (20s),
# BENCH_WARMUP (2s), BENCH_CONNECTIONS (32), BENCH_JSON_DIR (if set, JSON
# reports are written there instead of tables).
#
# Why 256 posters and not 32: besides the per-minute limits (lifted here with
# KHABAR_SITE__COMMENTS_PER_MINUTE) the server allows one reader at most 200
# comments a day, which is not configurable; 32 posters could post only
# 6,400 comments, fewer than a 22 s run sends at ~900 comments/s.
set -euo pipefail

cd "$(dirname "$0")/.."

duration=${BENCH_DURATION:-20s}
warmup=${BENCH_WARMUP:-2s}
connections=${BENCH_CONNECTIONS:-32}
posters=${BENCH_POSTERS:-256}
edition=${BENCH_EDITION:-1}
pg_url='postgres://postgres@127.0.0.1:5432/test?options=-c%20search_path%3Dkhabar_bench'
passphrase='a long enough passphrase'

if ! [[ $posters =~ ^[1-9][0-9]{0,4}$ && $edition =~ ^[1-9][0-9]{0,9}$ ]]; then
    echo "comments.sh: BENCH_POSTERS and BENCH_EDITION must be positive integers" >&2
    exit 2
fi

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
            echo "comments.sh: server $server_pid did not stop on TERM; killing it" >&2
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
    backend=postgres
else
    unset KHABAR_DATABASE_URL
    backend=sqlite
fi
unset KHABAR_CONFIG

data_dir=$(mktemp -d -t khabar-bench.XXXXXX)
khabar=(target/release/khabar --data "$data_dir")

# Poster accounts and their tokens, before the server starts. The tokens go
# to a file only this user can read, inside the data directory.
echo "== creating $posters poster accounts and tokens"
tokens=$data_dir/tokens
(umask 077 && : >"$tokens")
for i in $(seq "$posters"); do
    printf '%s\n' "$passphrase" | "${khabar[@]}" admin create --username "poster$i" \
        --email "poster$i@bench.example" --password-stdin >/dev/null
    "${khabar[@]}" token create --user "poster$i" --scope read --scope comment \
        --name bench 2>/dev/null >>"$tokens"
done
if [[ $(grep -c . "$tokens") -ne $posters ]]; then
    echo "comments.sh: expected $posters tokens in $tokens" >&2
    exit 1
fi

port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()')
base="http://127.0.0.1:$port"

echo "== load average before the run: $(cut -d" " -f1-3 /proc/loadavg)"
# 1,000,000 a minute lifts the per-reader (this) and per-address (4 × this)
# posting limits, which are otherwise 5 and 20 a minute.
KHABAR_SITE__COMMENTS_PER_MINUTE=1000000 \
    target/release/khabar serve --demo --data "$data_dir" --listen "127.0.0.1:$port" \
    >"$data_dir/server.log" 2>&1 &
server_pid=$!

ready=
for _ in $(seq 300); do
    if ! kill -0 "$server_pid" 2>/dev/null; then
        echo "comments.sh: the server exited before it was ready:" >&2
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
    echo "comments.sh: $base/readyz did not answer 200 within 60 s" >&2
    tail -n 30 "$data_dir/server.log" >&2
    exit 1
fi
echo "== server $server_pid at $base: $ready"

comments_api="$base/api/v1/editions/$edition/comments"
status=$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 "$comments_api")
if [[ $status != 200 ]]; then
    echo "comments.sh: GET $comments_api answers $status, not 200" >&2
    exit 1
fi

# One marked comment, to find the article page of the edition: the story
# page (of the links on /ar/ and /en/) that shows the marker.
marker="bench marker $RANDOM$RANDOM$RANDOM"
status=$(head -n1 "$tokens" | sed 's/^/Authorization: Bearer /' |
    curl -sS -o "$data_dir/marker.json" -w '%{http_code}' --max-time 10 -H @- \
        -H 'Content-Type: application/json' --data "{\"body\": \"$marker\"}" "$comments_api")
if [[ $status != 201 ]]; then
    echo "comments.sh: posting a comment to $comments_api answered $status:" >&2
    head -c 500 "$data_dir/marker.json" >&2
    echo >&2
    exit 1
fi
article=
for lang in ar en; do
    for path in $(curl -fsS --max-time 10 "$base/$lang/" |
        grep -o "href=\"/$lang/story/[^\"]*\"" | sed 's/^href="//;s/"$//' | awk '!seen[$0]++'); do
        if curl -fsS --max-time 10 "$base$path" | grep -qF "$marker"; then
            article=$path
            break 2
        fi
    done
done
if [[ -z $article ]]; then
    echo "comments.sh: no story page on /ar/ or /en/ shows the comment posted to edition $edition" >&2
    exit 1
fi
echo "== edition $edition is $article"

bench() {
    local name=$1
    shift
    echo
    echo "== $name"
    if [[ -n ${BENCH_JSON_DIR:-} ]]; then
        mkdir -p "$BENCH_JSON_DIR"
        target/release/khabar-bench --url "$base" --connections "$connections" \
            --duration "$duration" --warmup "$warmup" --json "$@" \
            | tee "$BENCH_JSON_DIR/$backend-$name.json"
    else
        target/release/khabar-bench --url "$base" --connections "$connections" \
            --duration "$duration" --warmup "$warmup" "$@"
    fi
}

# The comments the edition has, counted in the database through the
# server: the API pages its list, so count by walking the pages.
count_comments() {
    local page=1 total=0 answer n more
    while :; do
        answer=$(curl -fsS --max-time 30 "$comments_api?page=$page")
        read -r n more < <(python3 -c 'import json, sys
d = json.load(sys.stdin)
top = d["comments"]
print(len(top) + sum(len(c.get("replies", [])) for c in top), str(d.get("has_more", False)).lower())' <<<"$answer")
        total=$((total + n))
        [[ $more == true ]] || break
        page=$((page + 1))
    done
    echo "$total"
}

bench post-comments --post-comments "$edition" --tokens "$tokens"

count=$(count_comments)
echo
echo "== edition $edition now lists $count comments (top-level and replies, all pages)"
if ((count < 500)); then
    echo "comments.sh: fewer than 500 comments; the page benchmark would not mean much" >&2
    exit 1
fi
page=$(curl -fsS --max-time 30 "$base$article")
shown=$(grep -o 'bench comment [0-9]*-[0-9]* [0-9a-f]*' <<<"$page" | sort -u | wc -l)
echo "== $article: $(wc -c <<<"$page") bytes, shows $shown of the bench comments"
if ((shown == 0)); then
    echo "comments.sh: the article page shows none of the comments" >&2
    exit 1
fi

bench article-with-comments --path "$article"
