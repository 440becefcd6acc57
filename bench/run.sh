#!/usr/bin/env bash
# Page benchmarks: builds khabar and khabar-bench in release mode, starts a
# demo server on a free loopback port with a fresh data directory, and loads
# (1) the English and Arabic article pages, round-robin, (2) the English
# home page, (3) the articles again as browsers ask for them, compressed
# with br and with gzip, and (4) a conditional GET answered 304. The server is stopped by its PID and the data removed at exit.
#
#   bench/run.sh                     # SQLite (default)
#   BENCH_POSTGRES=1 bench/run.sh    # PostgreSQL on 127.0.0.1:5432, database
#                                    # `test`, fresh schema `khabar_bench`
#
# Knobs: BENCH_DURATION (20s), BENCH_WARMUP (2s), BENCH_CONNECTIONS (32),
# BENCH_JSON_DIR (if set, JSON reports are written there instead of tables).
set -euo pipefail

cd "$(dirname "$0")/.."
name=run.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh

bench_prepare
bench_start_server

# The first story link on a language's home page.
first_story() {
    local lang=$1 page path
    page=$(curl -fsS --max-time 10 "$base/$lang/")
    path=$(grep -o "href=\"/$lang/story/[^\"]*\"" <<<"$page" | sed -n '1{s/^href="//;s/"$//;p}')
    if [[ -z $path ]]; then
        bench_fail "no /$lang/story/ link on $base/$lang/"
    fi
    printf '%s\n' "$path"
}
en_story=$(first_story en)
ar_story=$(first_story ar)

bench articles --path "$en_story" --path "$ar_story"
bench home --path /en/
bench articles-br --path "$en_story" --path "$ar_story" --header "Accept-Encoding: br"
bench articles-gzip --path "$en_story" --path "$ar_story" --header "Accept-Encoding: gzip"
etag=$(curl -fsS --max-time 10 -o /dev/null -D - "$base$en_story" | sed -n 's/^etag: *//Ip' | tr -d '\r')
bench article-304 --path "$en_story" --header "If-None-Match: $etag"
