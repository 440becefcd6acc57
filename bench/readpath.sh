#!/usr/bin/env bash
# The read path against the static limit (issue 19): khabar and nginx
# serving the very same bytes, loaded alternately with the same client.
#
# Builds the workspace in release mode, starts a demo server on a fresh data
# directory (on PostgreSQL: a fresh schema `khabar_bench`) so the demo is
# seeded, stops it, gives one English edition BENCH_SMALL (50) comments and
# another BENCH_LARGE (5,000) with target/release/readpath_seed (straight
# into the store, while no server holds SQLite's writer), and starts the
# server again. Then, for each page below, it saves the page's exact bytes
# (curl, no compression asked for) into an nginx document root, serves
# them from Debian's nginx (its own process, generated config, a free
# loopback port, the Content-Type khabar sent), and runs
# `wrk -t2 -c64 -d10s --latency` against khabar, nginx, khabar, nginx,
# khabar, nginx, printing the medians of the rounds as a table.
#
# Pages: the article with 50 comments, the article with 5,000 (its first
# page), /en/ home, a section page, /en/feed.atom, the comment list API
# of the 50-comment edition, and the 50-comment article as a signed-in
# reader sees it (a reader made with `khabar admin create --role reader`,
# signed in through POST /api/v1/auth/signin; both servers get the session
# cookie, and nginx answers a request carrying it with the signed-in bytes).
#
#   bench/readpath.sh            # SQLite (or PostgreSQL with BENCH_POSTGRES=1)
#   bench/readpath.sh postgres   # PostgreSQL on 127.0.0.1:5432, db `test`
#   bench/readpath.sh both       # SQLite, then PostgreSQL
#
# Knobs: BENCH_DURATION (10s, each wrk run, at most 300s), BENCH_CONNECTIONS
# (64), BENCH_THREADS (2), BENCH_ROUNDS (3), BENCH_SMALL (50), BENCH_LARGE
# (5000), BENCH_SKIP_BUILD=1 (use the binaries as built).
#
# At exit (also on error or Ctrl-C) nginx and the server are stopped by the
# PIDs this script started, and the data directory, nginx's directory and
# the schema are removed.
set -euo pipefail

self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
cd "$(dirname "$0")/.."
name=readpath.sh

case ${1:-} in
"") ;;
sqlite) export BENCH_POSTGRES=0 ;;
postgres) export BENCH_POSTGRES=1 ;;
both)
    BENCH_POSTGRES=0 "$self" sqlite
    BENCH_SKIP_BUILD=1 BENCH_POSTGRES=1 exec "$self" postgres
    ;;
*)
    echo "usage: bench/readpath.sh [sqlite|postgres|both]" >&2
    exit 2
    ;;
esac

export BENCH_DURATION=${BENCH_DURATION:-10s}
export BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-64}
threads=${BENCH_THREADS:-2}
rounds=${BENCH_ROUNDS:-3}
small=${BENCH_SMALL:-50}
large=${BENCH_LARGE:-5000}
# shellcheck source=bench/lib.sh
source bench/lib.sh

# Bounded runs only: at most 300 s a wrk run and nine rounds.
if ! [[ $duration =~ ^([1-9][0-9]{0,2})s?$ ]] || ((BASH_REMATCH[1] > 300)); then
    bench_fail "BENCH_DURATION must be 1s…300s (seconds), not '$duration'"
fi
duration=${BASH_REMATCH[1]}s
if ! [[ $connections =~ ^[1-9][0-9]{0,3}$ && $threads =~ ^[1-9][0-9]?$ && $rounds =~ ^[1-9]$ ]] ||
    ((connections > 1024 || threads > connections)); then
    bench_fail "BENCH_CONNECTIONS (1…1024), BENCH_THREADS (1…connections) and BENCH_ROUNDS (1…9) must be integers"
fi
if ! [[ $small =~ ^[0-9]{1,5}$ && $large =~ ^[0-9]{1,5}$ ]]; then
    bench_fail "BENCH_SMALL and BENCH_LARGE must be 0…99999"
fi
for tool in wrk nginx curl; do
    command -v "$tool" >/dev/null || bench_fail "$tool is missing (Debian: apt-get install -y wrk nginx curl)"
done

# The demo's stories carrying the threads, and the section page measured.
small_slug=marsa-nour-municipal-vote
large_slug=new-fish-auction-hall-opens
section=politics

# 12345.6 → 12,346
thousands() {
    LC_ALL=C printf '%.0f' "$1" | sed -E ':a;s/^([0-9]+)([0-9]{3})/\1,\2/;ta'
}

nginx_pid=
nginx_dir=

stop_nginx() {
    if [[ -n $nginx_pid ]] && kill -0 "$nginx_pid" 2>/dev/null; then
        # QUIT lets the workers finish; TERM, then KILL, if they do not.
        kill -QUIT "$nginx_pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$nginx_pid" 2>/dev/null || break
            sleep 0.2
        done
        kill -0 "$nginx_pid" 2>/dev/null && kill -KILL "$nginx_pid" 2>/dev/null
        wait "$nginx_pid" 2>/dev/null || true
    fi
    nginx_pid=
    if [[ -n $nginx_dir && -d $nginx_dir ]]; then
        rm -rf -- "$nginx_dir"
    fi
}

# nginx first, then what lib.sh cleans (server, data, schema), keeping
# the script's exit status.
readpath_cleanup() {
    local status=$?
    # With errexit on, the subshell below that hands bench_cleanup the
    # status would end the script before bench_cleanup ran.
    set +e
    stop_nginx
    (exit "$status")
    bench_cleanup
}

bench_prepare
trap readpath_cleanup EXIT

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ $commit != unknown ]] && git status --porcelain --untracked-files=no 2>/dev/null | grep -q .; then
    commit="$commit (+ uncommitted changes in the working tree)"
fi

# A reader who can sign in, made before the server starts.
printf '%s\n' "$passphrase" | "${khabar[@]}" admin create --role reader --username readpath \
    --email readpath@bench.example --password-stdin >/dev/null

# First start: the demo is seeded. Then the threads, with no server running.
bench_start_server
bench_stop_server
if [[ $backend == postgres ]]; then
    db_url=$pg_url
else
    db_url="sqlite://$data_dir/khabar.db"
fi
echo "== seeding $small and $large comments"
seeded=$(target/release/readpath_seed --database "$db_url" \
    --edition "en/$small_slug=$small" --edition "en/$large_slug=$large")
small_id=$(awk -v e="en/$small_slug" '$1 == e { print $2 }' <<<"$seeded")
[[ $small_id =~ ^[0-9]+$ ]] || bench_fail "readpath_seed did not name the edition of en/$small_slug"

# wrk's connections all come from 127.0.0.1, as do the script's own curls.
bench_start_server KHABAR_LIMITS__CONNECTIONS_PER_ADDRESS=$((connections + 64))

session=$(curl -fsS --max-time 10 -o /dev/null -D - -H 'Content-Type: application/json' \
    --data "{\"login\": \"readpath\", \"password\": \"$passphrase\"}" "$base/api/v1/auth/signin" |
    sed -n 's/^[Ss]et-[Cc]ookie: \(khabar_session=[^;]*\).*/\1/p' | head -n1)
[[ -n $session ]] || bench_fail "the reader could not sign in"

# name|path|signed-in (1 sends the session cookie)
pages=(
    "article, $small comments|/en/story/$small_slug|0"
    "article, $large comments|/en/story/$large_slug|0"
    "home|/en/|0"
    "section|/en/section/$section|0"
    "feed|/en/feed.atom|0"
    "comment list API|/api/v1/editions/$small_id/comments|0"
    "article, signed in|/en/story/$small_slug|1"
)

nginx_dir=$(mktemp -d -t khabar-readpath-nginx.XXXXXX)
# nginx's workers run as `nobody` when started by root: they must read it.
chmod 755 "$nginx_dir"
mkdir -p "$nginx_dir/root/anon" "$nginx_dir/root/signed" "$nginx_dir/tmp"

# Saves each page's bytes, and writes a location for each distinct path.
declare -A file_of=() type_of=() size_of=() xcache_of=()
locations=
n=0
for page in "${pages[@]}"; do
    IFS='|' read -r label path signed <<<"$page"
    variant=anon
    cookie=()
    if [[ $signed == 1 ]]; then
        variant=signed
        cookie=(-H "Cookie: $session")
    fi
    if [[ -z ${file_of[$path]:-} ]]; then
        n=$((n + 1))
        file_of[$path]=f$n
    fi
    file=$nginx_dir/root/$variant/${file_of[$path]}
    read -r status ctype < <(curl -sS --max-time 30 "${cookie[@]}" -o "$file" \
        -w '%{http_code} %{content_type}\n' "$base$path")
    [[ $status == 200 ]] || bench_fail "$label: GET $path answered $status"
    chmod 644 "$file"
    # A second fetch: the bytes must not change between requests, and it
    # says whether the page cache answered (x-cache: hit).
    xcache=$(curl -sS --max-time 30 "${cookie[@]}" -o "$nginx_dir/again" -D - "$base$path" |
        sed -n 's/^[Xx]-[Cc]ache: *\([a-z]*\).*/\1/p' | tr -d '\r')
    if ! cmp -s "$file" "$nginx_dir/again"; then
        echo "$name: warning: $label: a second GET $path gave other bytes ($(stat -c %s "$nginx_dir/again") vs $(stat -c %s "$file"))" >&2
    fi
    key="$path|$signed"
    size_of[$key]=$(stat -c %s "$file")
    xcache_of[$key]=${xcache:--}
    if [[ -z ${type_of[$path]:-} ]]; then
        type_of[$path]=$ctype
        locations+="        location = $path { default_type \"${ctype//\"/}\"; try_files /${file_of[$path]} =404; }"$'\n'
    fi
done

# The server must count the seeded comments: the article's heading says
# "⁨5,000⁩ comments" (the number in bidi isolates, dropped here).
for count in "$small" "$large"; do
    if ! sed 's/\xe2\x81\xa8//g; s/\xe2\x81\xa9//g' "$nginx_dir"/root/anon/* |
        grep -E "(^|[^0-9,])($count|$(thousands "$count")) comments" >/dev/null; then
        echo "$name: warning: no page saved says \"$(thousands "$count") comments\"" >&2
    fi
done

nginx_port=$(bench_free_port)
nginx_base="http://127.0.0.1:$nginx_port"
cat >"$nginx_dir/nginx.conf" <<EOF
worker_processes 2;
daemon off;
pid $nginx_dir/nginx.pid;
error_log $nginx_dir/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    # wrk keeps its connections: let nginx keep them as long as khabar does.
    keepalive_requests 1000000;
    keepalive_timeout 60s;
    client_body_temp_path $nginx_dir/tmp/body;
    proxy_temp_path $nginx_dir/tmp/proxy;
    fastcgi_temp_path $nginx_dir/tmp/fastcgi;
    uwsgi_temp_path $nginx_dir/tmp/uwsgi;
    scgi_temp_path $nginx_dir/tmp/scgi;
    types { }
    # A request with khabar's session cookie gets the signed-in bytes.
    map \$http_cookie \$variant {
        default anon;
        "~khabar_session=" signed;
    }
    server {
        listen 127.0.0.1:$nginx_port;
        root $nginx_dir/root/\$variant;
$locations        location / { return 404; }
    }
}
EOF
nginx -t -q -e "$nginx_dir/error.log" -p "$nginx_dir" -c "$nginx_dir/nginx.conf"
nginx -e "$nginx_dir/error.log" -p "$nginx_dir" -c "$nginx_dir/nginx.conf" &
nginx_pid=$!
for _ in $(seq 50); do
    curl -fsS --max-time 2 -o /dev/null "$nginx_base/en/" 2>/dev/null && break
    kill -0 "$nginx_pid" 2>/dev/null || { cat "$nginx_dir/error.log" >&2; bench_fail "nginx exited"; }
    sleep 0.1
done
echo "== nginx $nginx_pid at $nginx_base ($(nginx -v 2>&1 | sed 's/^nginx version: //'))"

# nginx must answer each page with the same bytes and Content-Type.
for page in "${pages[@]}"; do
    IFS='|' read -r label path signed <<<"$page"
    cookie=()
    [[ $signed == 1 ]] && cookie=(-H "Cookie: $session")
    variant=anon
    [[ $signed == 1 ]] && variant=signed
    read -r status ctype < <(curl -sS --max-time 10 "${cookie[@]}" -o "$nginx_dir/again" \
        -w '%{http_code} %{content_type}\n' "$nginx_base$path")
    [[ $status == 200 ]] || bench_fail "nginx: $label: GET $path answered $status"
    cmp -s "$nginx_dir/again" "$nginx_dir/root/$variant/${file_of[$path]}" ||
        bench_fail "nginx: $label: other bytes than khabar's"
    [[ $ctype == "${type_of[$path]}" ]] ||
        bench_fail "nginx: $label: Content-Type '$ctype', khabar sent '${type_of[$path]}'"
done

# Milliseconds from wrk's 1.23ms / 850.00us / 1.02s / 1.50m.
to_ms() {
    awk -v v="$1" 'BEGIN {
        if (v ~ /us$/) { sub(/us$/, "", v); print v / 1000 }
        else if (v ~ /ms$/) { sub(/ms$/, "", v); print v + 0 }
        else if (v ~ /m$/) { sub(/m$/, "", v); print v * 60000 }
        else if (v ~ /s$/) { sub(/s$/, "", v); print v * 1000 }
        else { print "nan" }
    }'
}

# One wrk run: prints "req/s p50_ms p99_ms non2xx socket_errors".
run_wrk() {
    local url=$1 signed=$2 out rps p50 p99 non2xx errors
    local args=(-t"$threads" -c"$connections" -d"$duration" --latency)
    [[ $signed == 1 ]] && args+=(-H "Cookie: $session")
    out=$(wrk "${args[@]}" "$url")
    rps=$(awk '/^Requests\/sec:/ { print $2 }' <<<"$out")
    p50=$(to_ms "$(awk '$1 == "50%" { print $2 }' <<<"$out")")
    p99=$(to_ms "$(awk '$1 == "99%" { print $2 }' <<<"$out")")
    non2xx=$(awk '/Non-2xx or 3xx responses:/ { print $NF }' <<<"$out")
    errors=$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' <<<"$out")
    [[ -n $rps ]] || { echo "$out" >&2; bench_fail "could not read wrk's output"; }
    echo "$rps $p50 $p99 ${non2xx:-0} ${errors:-0}"
}

median() {
    sort -g | awk '{ v[NR] = $1 } END {
        if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo
echo "== $rounds rounds of wrk -t$threads -c$connections -d$duration --latency per page and server," \
    "alternately (khabar, nginx, …); load average $(cut -d" " -f1-3 /proc/loadavg)"
rows=()
odd=()
for page in "${pages[@]}"; do
    IFS='|' read -r label path signed <<<"$page"
    declare -A got=()
    for round in $(seq "$rounds"); do
        for server in khabar nginx; do
            if [[ $server == khabar ]]; then url=$base$path; else url=$nginx_base$path; fi
            result=$(run_wrk "$url" "$signed")
            read -r rps p50 p99 non2xx errors <<<"$result"
            echo "   $label, $server, round $round: $rps req/s, p50 $p50 ms, p99 $p99 ms" \
                "(non-2xx $non2xx, socket errors $errors)"
            got[$server-rps]+="$rps "
            got[$server-p50]+="$p50 "
            got[$server-p99]+="$p99 "
            if ((non2xx > 0 || errors > 0)); then
                odd+=("$label, $server, round $round: $non2xx non-2xx answers, $errors socket errors")
            fi
        done
    done
    for k in "${!got[@]}"; do
        got[$k]=$(tr ' ' '\n' <<<"${got[$k]}" | grep . | median)
    done
    ratio=$(awk -v k="${got[khabar-rps]}" -v n="${got[nginx-rps]}" 'BEGIN { printf "%.1f %%", 100 * k / n }')
    key="$path|$signed"
    rows+=("$(printf '| %s (`%s`) | %s | %s | %s | %.2f / %.2f ms | %.2f / %.2f ms | %s | %s |' \
        "$label" "$path" \
        "$(thousands "${got[khabar-rps]}")" "$(thousands "${got[nginx-rps]}")" "$ratio" \
        "${got[khabar-p50]}" "${got[khabar-p99]}" "${got[nginx-p50]}" "${got[nginx-p99]}" \
        "$(thousands "${size_of[$key]}")" "${xcache_of[$key]}")")
    unset got
done

echo
echo "== read path against nginx: $backend, commit $commit"
echo "== wrk -t$threads -c$connections -d$duration --latency, medians of $rounds rounds;" \
    "$small and $large comments; load average after $(cut -d" " -f1-3 /proc/loadavg)"
echo
echo "| page | khabar req/s | nginx req/s | khabar/nginx | khabar p50 / p99 | nginx p50 / p99 | bytes | x-cache |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"
printf '%s\n' "${rows[@]}"
echo
if ((${#odd[@]} > 0)); then
    echo "== odd answers:"
    printf '   %s\n' "${odd[@]}"
else
    echo "== every answer was 2xx, no socket errors"
fi
