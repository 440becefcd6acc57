#!/usr/bin/env bash
# Comment benchmarks: builds khabar and khabar-bench in release mode, makes a
# fresh data directory with BENCH_POSTERS poster accounts (readers, made
# with the CLI) and a read+comment API token for each, starts a demo
# server on a free loopback port with the posting limits lifted, then
#
#   1. posts comments to edition BENCH_EDITION (1: the first demo story's
#      first edition) over BENCH_CONNECTIONS connections, every connection
#      with its own tokens, and
#   2. loads that edition's article page, which now carries the thousands of
#      comments step 1 made (at least 500, or the script stops), and
#   3. stops the server and copies the instance into the other backend with
#      `khabar migrate-data`, timed.
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
# KHABAR_SITE__COMMENTS_PER_MINUTE) the server allows one reader 200 comments
# a day (site.comments_per_day, left at its default here); 32 posters could
# post only 6,400 comments, fewer than a 22 s run sends at ~900 comments/s.
set -euo pipefail

cd "$(dirname "$0")/.."
name=comments.sh
# shellcheck source=bench/lib.sh
source bench/lib.sh

posters=${BENCH_POSTERS:-256}
edition=${BENCH_EDITION:-1}

if ! [[ $posters =~ ^[1-9][0-9]{0,4}$ && $edition =~ ^[1-9][0-9]{0,9}$ ]]; then
    echo "comments.sh: BENCH_POSTERS and BENCH_EDITION must be positive integers" >&2
    exit 2
fi

bench_prepare

bench_make_posters "$posters"

# 1,000,000 a minute lifts the per-reader (this) and per-address (4 × this)
# posting limits, which are otherwise 5 and 20 a minute.
bench_start_server KHABAR_SITE__COMMENTS_PER_MINUTE=1000000

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

bench_migrate_data
