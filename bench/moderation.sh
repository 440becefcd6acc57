#!/usr/bin/env bash
# Moderation benchmarks: builds khabar, khabar-bench and pipeline in release
# mode, then
#
#   1. pipeline: verdicts per second of the moderation pipeline with 5,000
#      word-list entries (BENCH_ENTRIES), on one core, no IO;
#   2. starts a demo server with every thread pre-moderated, fills the
#      pending queue with at least BENCH_PENDING (10,000) comments posted by
#      BENCH_POSTERS readers through the API, and loads the queue as a
#      moderator sees it: the JSON API, the first HTML page, and a deep page.
#
# The server is stopped by its PID and the data removed at exit.
#
#   bench/moderation.sh                     # SQLite (default)
#   BENCH_POSTGRES=1 bench/moderation.sh    # PostgreSQL on 127.0.0.1:5432,
#                                           # database `test`, schema `khabar_bench`
#
# Knobs: BENCH_ENTRIES (5000), BENCH_PENDING (10000), BENCH_POSTERS (64: a
# reader may post 200 comments a day), BENCH_DURATION (20s), BENCH_WARMUP
# (2s), BENCH_CONNECTIONS (32), BENCH_JSON_DIR.
set -euo pipefail

cd "$(dirname "$0")/.."
name=moderation.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh

entries=${BENCH_ENTRIES:-5000}
pending_target=${BENCH_PENDING:-10000}
posters=${BENCH_POSTERS:-64}
if ! [[ $entries =~ ^[1-9][0-9]{0,5}$ && $pending_target =~ ^[1-9][0-9]{0,6}$ && $posters =~ ^[1-9][0-9]{0,4}$ ]]; then
    echo "moderation.sh: BENCH_ENTRIES, BENCH_PENDING and BENCH_POSTERS must be positive integers" >&2
    exit 2
fi
if ((posters * 200 < pending_target)); then
    bench_fail "$posters posters can post at most $((posters * 200)) comments a day; raise BENCH_POSTERS"
fi

bench_prepare

echo
echo "== pipeline with $entries word-list entries"
target/release/pipeline --entries "$entries" --seconds 10

bench_make_posters "$posters"
printf '%s\n' "$passphrase" | "${khabar[@]}" admin create --role moderator --username desk \
    --email desk@bench.example --password-stdin >/dev/null
moderator_token=$("${khabar[@]}" token create --user desk --scope read --scope moderate --name bench 2>/dev/null)

bench_start_server KHABAR_SITE__COMMENTS_PER_MINUTE=1000000

api() {
    local method=$1 path=$2
    shift 2
    printf 'Authorization: Bearer %s\n' "$moderator_token" |
        curl -fsS --max-time 30 -X "$method" -H @- -H 'Content-Type: application/json' "$@" "$base/api/v1$path"
}

# Every thread pre-moderated: each comment posted waits in the queue.
api PUT '/moderation/settings?scope=site' --data '{"settings": {"pre_moderated": true}}' >/dev/null

pending() {
    api GET '/moderation/queue?queue=pending&per_page=1' |
        python3 -c 'import json, sys; print(json.load(sys.stdin)["counts"]["pending"])'
}

echo "== filling the pending queue to $pending_target"
for round in $(seq 20); do
    count=$(pending)
    ((count >= pending_target)) && break
    target/release/khabar-bench --url "$base" --connections "$connections" --duration 10s --warmup 0s \
        --post-comments 1 --tokens "$tokens" --json >/dev/null
    echo "   round $round: $(pending) pending"
done
count=$(pending)
((count >= pending_target)) || bench_fail "only $count comments pending after 20 rounds"
echo "== $count comments pending"

# The moderator's session cookie, for the HTML queue.
session=$(curl -fsS --max-time 10 -o /dev/null -D - -H 'Content-Type: application/json' \
    --data "{\"login\": \"desk\", \"password\": \"$passphrase\"}" "$base/api/v1/auth/signin" |
    sed -n 's/^[Ss]et-[Cc]ookie: \(khabar_session=[^;]*\).*/\1/p' | head -n1)
[[ -n $session ]] || bench_fail "the moderator could not sign in"
deep_page=$((count / 50 / 2))

bench queue-api --path '/api/v1/moderation/queue?queue=pending&per_page=50' \
    --header "Authorization: Bearer $moderator_token"
bench queue-page --path '/en/moderate?queue=pending' --header "Cookie: $session"
bench queue-page-deep --path "/ar/moderate?queue=pending&order=newest&page=$deep_page" \
    --header "Cookie: $session"
