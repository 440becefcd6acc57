#!/usr/bin/env bash
# The write path (issue 20): comments posted through the API by 64
# connections for 256 readers, alone and while anonymous readers load
# article pages, on a fresh instance per store.
#
# Builds the workspace in release mode, makes a fresh data directory (on
# PostgreSQL also a fresh schema `khabar_bench`) with BENCH_POSTERS (256)
# reader accounts and a read+comment token each (bench_make_posters),
# and starts `khabar serve --demo` with the posting limits lifted
# (KHABAR_SITE__COMMENTS_PER_MINUTE=1000000, KHABAR_SITE__COMMENTS_PER_DAY=
# 100000000; every other limit and the moderation pipeline still run).
# Comments go to the English edition of $story. Each round has three runs,
# each BENCH_WARMUP (2s) + BENCH_DURATION (10s), with target/release/khabar-bench
# (a closed loop, as wrk: each connection sends its next request when the
# last answer has been read):
#
#   posting   BENCH_CONNECTIONS (64) connections POST distinct comments,
#             each connection with its own readers' tokens; only 201 is
#             success; every other answer is counted by status.
#   reads     anonymous GETs of the article page of the edition being
#             commented on and of another story's article page ($other),
#             BENCH_READERS (8) connections each, one khabar-bench process
#             per page (so a slow page does not slow the other's loop):
#             the baseline of the next run.
#   mixed     both at once: the posting run and the two reading runs
#             started together, three khabar-bench processes.
#
# After BENCH_ROUNDS (3) rounds it prints the medians as a table (store,
# run, rate, p50, p99, other answers) and checks, cheaply, that nothing
# acknowledged went missing or was stored twice: every 201 of the whole run
# (warm-ups and the posts in flight at each deadline included, which
# khabar-bench tallies) against (a) the growth of the edition's comment
# count on its article page (the API's view; held comments are not shown)
# and (b) the bench comments the store holds, all statuses, and their
# distinct bodies (sqlite3 or psql, skipped if the client is missing). A
# mismatch is printed loudly and the script exits 1.
#
#   bench/writepath.sh            # SQLite (or PostgreSQL with BENCH_POSTGRES=1)
#   bench/writepath.sh postgres   # PostgreSQL on 127.0.0.1:5432, db `test`
#   bench/writepath.sh both       # SQLite, then PostgreSQL, and one table
#
# Knobs: BENCH_DURATION (10s, each run, at most 300s), BENCH_WARMUP (2s),
# BENCH_ROUNDS (3), BENCH_CONNECTIONS (64 posting connections), BENCH_READERS
# (8 reading connections per page), BENCH_POSTERS (256), BENCH_SKIP_BUILD=1 (use the
# binaries as built), BENCH_JSON_DIR (keep khabar-bench's JSON reports).
#
# At exit (also on error or Ctrl-C) the load generators and the server are
# stopped by the PIDs this script started, and the data directory and the
# schema are removed (lib.sh).
set -euo pipefail

self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$0")/.."
name=writepath.sh

case ${1:-} in
"") ;;
sqlite) export BENCH_POSTGRES=0 ;;
postgres) export BENCH_POSTGRES=1 ;;
both)
    # Each store in its own process (lib.sh's state and traps are per
    # store); the children add their rows to one table printed here.
    summary=$(mktemp -t khabar-writepath.XXXXXX)
    trap 'rm -f -- "$summary"' EXIT
    status=0
    WRITEPATH_SUMMARY=$summary BENCH_POSTGRES=0 "$self" sqlite || status=$?
    WRITEPATH_SUMMARY=$summary BENCH_SKIP_BUILD=1 BENCH_POSTGRES=1 "$self" postgres || status=$?
    echo
    echo "== write path, both stores (medians of ${BENCH_ROUNDS:-3} rounds)"
    echo
    echo "| store | run | rate | p50 | p99 | other answers |"
    echo "| --- | --- | ---: | ---: | ---: | --- |"
    cat "$summary"
    ((status == 0)) || echo "$name: a store's run failed or found a mismatch (exit $status); see above" >&2
    exit "$status"
    ;;
*)
    echo "usage: bench/writepath.sh [sqlite|postgres|both]" >&2
    exit 2
    ;;
esac

export BENCH_DURATION=${BENCH_DURATION:-10s}
export BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-64}
readers=${BENCH_READERS:-8}
rounds=${BENCH_ROUNDS:-3}
posters=${BENCH_POSTERS:-256}
# shellcheck source=bench/lib.sh
source bench/lib.sh

# Bounded runs only: at most 300 s a run and nine rounds.
if ! [[ $duration =~ ^([1-9][0-9]{0,2})s?$ ]] || ((BASH_REMATCH[1] > 300)); then
    bench_fail "BENCH_DURATION must be 1s…300s (seconds), not '$duration'"
fi
duration=${BASH_REMATCH[1]}s
if ! [[ $warmup =~ ^([0-9]{1,2})s?$ ]] || ((BASH_REMATCH[1] > 60)); then
    bench_fail "BENCH_WARMUP must be 0s…60s (seconds), not '$warmup'"
fi
warmup=${BASH_REMATCH[1]}s
if ! [[ $connections =~ ^[1-9][0-9]{0,2}$ && $readers =~ ^[1-9][0-9]{0,2}$ && $rounds =~ ^[1-9]$ &&
    $posters =~ ^[1-9][0-9]{0,4}$ ]] || ((connections > 256 || readers > 256)); then
    bench_fail "BENCH_CONNECTIONS and BENCH_READERS (1…256), BENCH_ROUNDS (1…9) and BENCH_POSTERS must be integers"
fi
for tool in curl python3; do
    command -v "$tool" >/dev/null || bench_fail "$tool is missing"
done

# The story whose English edition is commented on, and another one.
story=marsa-nour-municipal-vote
other=new-fish-auction-hall-opens
commented_path=/en/story/$story
other_path=/en/story/$other

# The load generators running in the background.
bench_pids=()

# Those load generators first, then what lib.sh cleans (server, data,
# schema), keeping the script's exit status. Without errexit: `(exit 1)`
# would otherwise end the script here, before the cleanup.
writepath_cleanup() {
    local status=$? pid
    set +e
    for pid in "${bench_pids[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    (exit "$status")
    bench_cleanup
}

bench_prepare
trap writepath_cleanup EXIT

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ $commit != unknown ]] && git status --porcelain --untracked-files=no 2>/dev/null | grep -q .; then
    commit="$commit (+ uncommitted changes in the working tree)"
fi

bench_make_posters "$posters"

# The posting connections, the readers' and the script's curls all come
# from 127.0.0.1 (64 connections an address by default).
bench_start_server KHABAR_SITE__COMMENTS_PER_MINUTE=1000000 KHABAR_SITE__COMMENTS_PER_DAY=100000000 \
    KHABAR_LIMITS__CONNECTIONS_PER_ADDRESS=$((connections + 2 * readers + 64))
# An unknown KHABAR_* variable is only a warning in the log: here it would
# mean a limit was not lifted.
if grep -F 'ignoring the environment variable' "$data_dir/server.log" >&2; then
    bench_fail "the server ignored a setting above; the limits may not be lifted"
fi

runs=$data_dir/runs
mkdir -p "$runs"

# Prints "EDITION_ID COUNT" for an article page: the edition its thread
# belongs to (data-edition) and the comments its heading counts.
article_facts() {
    curl -fsS --max-time 30 "$base$1" | python3 -c '
import re, sys
page = sys.stdin.read()
edition = re.search(r"data-edition=\"([0-9]+)\"", page)
heading = re.search(r"<h2 id=\"comments-heading\">(.*?)</h2>", page, re.S)
if not edition or not heading:
    sys.exit("no comment thread on the page")
print(edition.group(1), re.sub(r"[^0-9]", "", heading.group(1)) or 0)'
}

# Prints "TOTAL DISTINCT status:count…" of the bench comments (khabar-bench's
# bodies start with "bench comment ") the store holds on the edition, or
# nothing when the store's client is missing.
store_counts() {
    local where="FROM comments WHERE edition_id = $edition AND body LIKE 'bench comment %'"
    local total="SELECT count(*), count(DISTINCT body) $where"
    local statuses="SELECT status || ':' || count(*) $where GROUP BY status ORDER BY status"
    local out
    if [[ $backend == postgres ]]; then
        command -v psql >/dev/null || return 0
        out=$(psql -X -q -At -F ' ' -h 127.0.0.1 -U postgres test -v ON_ERROR_STOP=1 \
            -c "SET search_path TO khabar_bench" -c "$total" -c "$statuses")
    else
        command -v sqlite3 >/dev/null || return 0
        out=$(sqlite3 -readonly -cmd '.timeout 10000' -separator ' ' "$data_dir/khabar.db" "$total; $statuses;")
    fi
    tr '\n' ' ' <<<"$out" | sed 's/ $//'
    echo
}

read -r edition count_before < <(article_facts "$commented_path") ||
    bench_fail "could not read the edition and comment count of $commented_path"
read -r other_edition _ < <(article_facts "$other_path") ||
    bench_fail "could not read $other_path"
[[ $edition != "$other_edition" ]] || bench_fail "$commented_path and $other_path show the same edition"
store_before=$(store_counts)
echo "== commenting on edition $edition ($commented_path, $count_before comments);" \
    "reads of it and of $other_path (edition $other_edition)"

# The summaries of khabar-bench's JSON reports.
report_py='
import json, statistics, sys

def load(path):
    with open(path) as f:
        return json.load(f)

def others(stats):
    parts = [f"{s}×{n}" for s, n in sorted(stats["non_2xx_by_status"].items())]
    parts += [f"{k}×{n}" for k, n in sorted(stats["errors_by_kind"].items())]
    return ", ".join(parts)

def figures(report, stats):
    # Only successful answers (201 when posting) count in the rate.
    rate = (stats["answers"] - stats["non_2xx"]) / report["duration_s"]
    return rate, stats["latency_ms"]["p50"], stats["latency_ms"]["p99"]

def line(path):
    r = load(path)
    if r["mode"] == "post-comments":
        rate, p50, p99 = figures(r, r["total"])
        text = f"{rate:,.0f} comments/s accepted, p50 {p50:.2f} ms, p99 {p99:.2f} ms"
        o = others(r["total"])
        return text + (f"; other answers: {o}" if o else "; every answer 201")
    parts = []
    for stats in r["paths"]:
        rate, p50, p99 = figures(r, stats)
        o = others(stats)
        path = stats["path"]
        parts.append(f"{path} {rate:,.0f} req/s, p50 {p50:.2f} ms, p99 {p99:.2f} ms" + (f" ({o})" if o else ""))
    return "; ".join(parts)

def tally(paths):
    created = unsettled = 0
    for path in paths:
        r = load(path)
        created += r["created"]
        unsettled += r["unsettled"]
    print(created, unsettled)

def table(store, rounds, runs, out):
    rows = [
        ("posting alone", "post", None, "comments/s"),
        ("reads alone: commented article", "reads-commented", 0, "req/s"),
        ("reads alone: other article", "reads-other", 0, "req/s"),
        ("posting with reads: posting", "mixed-post", None, "comments/s"),
        ("posting with reads: commented article", "mixed-reads-commented", 0, "req/s"),
        ("posting with reads: other article", "mixed-reads-other", 0, "req/s"),
    ]
    p99 = {}
    lines = []
    for label, kind, index, unit in rows:
        got = []
        counted = {}
        for n in range(1, rounds + 1):
            r = load(f"{runs}/{n}-{kind}.json")
            stats = r["total"] if index is None else r["paths"][index]
            got.append(figures(r, stats))
            for s, c in stats["non_2xx_by_status"].items():
                counted[s] = counted.get(s, 0) + c
            for k, c in stats["errors_by_kind"].items():
                counted[k] = counted.get(k, 0) + c
        rate, p50, p99_ = (statistics.median(x) for x in zip(*got))
        p99[(kind, index)] = p99_
        o = ", ".join(f"{k}×{c}" for k, c in sorted(counted.items())) or "none"
        lines.append(f"| {store} | {label} | {rate:,.0f} {unit} | {p50:.2f} ms | {p99_:.2f} ms | {o} |")
    notes = []
    for kind, page in (("commented", "commented article"), ("other", "other article")):
        alone, mixed = p99[("reads-" + kind, 0)], p99[("mixed-reads-" + kind, 0)]
        change = f"{mixed / alone:.1f}×" if alone > 0 else "n/a"
        notes.append(f"{page} {alone:.2f} → {mixed:.2f} ms ({change})")
    with open(out, "a") as f:
        for l in lines:
            print(l)
            f.write(l + "\n")
    print()
    print(f"reads p99 while comments poured in ({store}): " + "; ".join(notes))

mode = sys.argv[1]
if mode == "line":
    print(line(sys.argv[2]))
elif mode == "tally":
    tally(sys.argv[2:])
elif mode == "table":
    table(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
'

# A khabar-bench run in the background, its JSON report in FILE.
start() {
    local file=$1
    shift
    target/release/khabar-bench --url "$base" --duration "$duration" --warmup "$warmup" --json "$@" >"$file" &
    bench_pids+=($!)
}

# Waits for the runs started, and says which failed.
finish() {
    local pid failed=0
    for pid in "${bench_pids[@]}"; do
        wait "$pid" || failed=1
    done
    bench_pids=()
    ((failed == 0)) || bench_fail "khabar-bench failed (see above)"
}

summary() {
    python3 -c "$report_py" line "$1"
}

posting=(--connections "$connections" --post-comments "$edition" --tokens "$tokens")
reading=(--connections "$readers")

echo
echo "== $rounds rounds of: posting ($connections connections); reads ($readers connections a page);" \
    "posting with reads; each $warmup warm-up + $duration; load average $(cut -d" " -f1-3 /proc/loadavg)"
for round in $(seq "$rounds"); do
    start "$runs/$round-post.json" "${posting[@]}"
    finish
    echo "   round $round, posting: $(summary "$runs/$round-post.json")"
    start "$runs/$round-reads-commented.json" "${reading[@]}" --path "$commented_path"
    start "$runs/$round-reads-other.json" "${reading[@]}" --path "$other_path"
    finish
    echo "   round $round, reads: $(summary "$runs/$round-reads-commented.json"); $(summary "$runs/$round-reads-other.json")"
    start "$runs/$round-mixed-post.json" "${posting[@]}"
    start "$runs/$round-mixed-reads-commented.json" "${reading[@]}" --path "$commented_path"
    start "$runs/$round-mixed-reads-other.json" "${reading[@]}" --path "$other_path"
    finish
    echo "   round $round, posting with reads: $(summary "$runs/$round-mixed-post.json")"
    echo "   round $round, reads with posting: $(summary "$runs/$round-mixed-reads-commented.json");" \
        "$(summary "$runs/$round-mixed-reads-other.json")"
done
if [[ -n ${BENCH_JSON_DIR:-} ]]; then
    mkdir -p "$BENCH_JSON_DIR"
    for file in "$runs"/*.json; do
        cp -- "$file" "$BENCH_JSON_DIR/$backend-$(basename "$file")"
    done
fi

# Nothing acknowledged lost, nothing stored twice.
read -r created unsettled < <(python3 -c "$report_py" tally "$runs"/*-post.json)
read -r _ count_after < <(article_facts "$commented_path") ||
    bench_fail "could not read the comment count of $commented_path after the runs"
shown=$((count_after - count_before))
store_after=$(store_counts)
cache=$(curl -fsS --max-time 10 "$base/readyz" | python3 -c 'import json, sys
c = json.load(sys.stdin).get("page_cache") or {}
print(", ".join(f"{k} {c[k]}" for k in ("hits", "misses", "pages") if k in c) or "not reported")') || cache="unknown"
mismatch=()
echo
echo "== check: $created posts answered 201 in all runs (warm-ups included), $unsettled with no answer"
echo "   $commented_path counts $count_after comments, $shown more than before the runs"
echo "   (the page cache since the server started: $cache)"
# A post with no answer may or may not have been stored: then only a range.
if ((unsettled > 0)); then
    echo "   $unsettled posts got no answer: each may or may not be stored, so the counts may exceed $created by as much"
fi
if ((shown < created || shown > created + unsettled)); then
    mismatch+=("the article page shows $shown new comments, but $created posts were answered 201 ($unsettled unanswered; held comments are not shown: see the store's statuses)")
fi
if [[ -n $store_after ]]; then
    read -r stored distinct statuses <<<"$store_after"
    read -r stored_before _ <<<"$store_before"
    stored=$((stored - stored_before))
    echo "   the store holds $stored bench comments on edition $edition ($distinct distinct bodies; by status: ${statuses:-none})"
    if ((stored < created || stored > created + unsettled)); then
        mismatch+=("the store holds $stored bench comments, but $created posts were answered 201 ($unsettled unanswered)")
    fi
    if ((distinct != stored + stored_before)); then
        mismatch+=("$((stored + stored_before - distinct)) bench comments are stored more than once")
    fi
else
    echo "   (no $([[ $backend == postgres ]] && echo psql || echo sqlite3) here: the store's own count is skipped)"
fi

echo
echo "== write path: $backend, commit $commit; $posters posters, $connections posting connections," \
    "$readers reading connections a page, $warmup warm-up + $duration a run, medians of $rounds rounds;" \
    "load average after $(cut -d" " -f1-3 /proc/loadavg)"
echo
echo "| store | run | rate | p50 | p99 | other answers |"
echo "| --- | --- | ---: | ---: | ---: | --- |"
python3 -c "$report_py" table "$backend" "$rounds" "$runs" "${WRITEPATH_SUMMARY:-/dev/null}"

if ((${#mismatch[@]} > 0)); then
    echo
    echo "!! MISMATCH ($backend):" >&2
    printf '!!   %s\n' "${mismatch[@]}" >&2
    [[ -n ${WRITEPATH_SUMMARY:-} ]] && printf '| %s | **MISMATCH** | %s | | | |\n' "$backend" "${mismatch[*]}" >>"$WRITEPATH_SUMMARY"
    exit 1
fi
echo
echo "== every 201 is in the store once and on the page"
