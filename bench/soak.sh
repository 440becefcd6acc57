#!/usr/bin/env bash
# Soak benchmark (issue 18): builds khabar and the `soak` load generator in
# release mode, makes SOAK_POSTERS reader accounts with a read+comment token
# each, starts a demo server with the posting limits lifted, then for
# SOAK_DURATION (10m) keeps SOAK_CONNECTIONS (500) connections reading the
# home page, an English and an Arabic article and edition 1's comment list
# API, while SOAK_POSTERS_CONNECTIONS (32) connections post SOAK_POST_RATE
# (20) comments a second to edition 1. Every SOAK_INTERVAL (60s) it prints
# the server's resident memory, open descriptors and that interval's p99.
#
#   bench/soak.sh                     # SQLite (default)
#   BENCH_POSTGRES=1 bench/soak.sh    # PostgreSQL, schema khabar_bench
#
# SOAK_SERVER_ENV: more VAR=value words for the server's environment.
# SOAK_JSON: also write the rows as JSON to this file.
#
# All load comes from 127.0.0.1, one address: the server's per-address
# connection cap is raised for the run, or it would (rightly) refuse most
# of the 500 connections. Four per reader, because a client that sends its
# next request the moment a body ends sometimes opens a second connection
# before the first is back in its pool: at 500 readers the server saw ~720.
set -euo pipefail

cd "$(dirname "$0")/.."
name=soak.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh

posters=${SOAK_POSTERS:-128}
soak_duration=${SOAK_DURATION:-10m}
soak_connections=${SOAK_CONNECTIONS:-500}

bench_prepare
bench_make_posters "$posters"

# shellcheck disable=SC2086 # SOAK_SERVER_ENV is a list of words
bench_start_server KHABAR_SITE__COMMENTS_PER_MINUTE=1000000 \
    KHABAR_LIMITS__CONNECTIONS_PER_ADDRESS=$((soak_connections * 4)) ${SOAK_SERVER_ENV:-}

# The first story linked from /LANG/ (awk reads to the end: no SIGPIPE
# under pipefail).
first_story() {
    local page
    page=$(curl -fsS --max-time 10 "$base/$1/")
    grep -o "href=\"/$1/story/[^\"]*\"" <<<"$page" | awk 'NR == 1 { print substr($0, 7, length($0) - 7) }'
}
en_story=$(first_story en)
ar_story=$(first_story ar)
[[ -n $en_story && -n $ar_story ]] || bench_fail "no story links on /en/ and /ar/"
echo "== reading /en/, $en_story, $ar_story and /api/v1/editions/1/comments"

json_args=()
[[ -n ${SOAK_JSON:-} ]] && json_args=(--json "$SOAK_JSON")
target/release/soak --url "$base" --pid "$server_pid" \
    --path /en/ --path "$en_story" --path "$ar_story" --path /api/v1/editions/1/comments \
    --post-comments 1 --tokens "$tokens" \
    --connections "$soak_connections" --posters "${SOAK_POSTERS_CONNECTIONS:-32}" \
    --post-rate "${SOAK_POST_RATE:-20}" --duration "$soak_duration" \
    --interval "${SOAK_INTERVAL:-60s}" "${json_args[@]}"
