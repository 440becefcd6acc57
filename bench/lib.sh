# Shared by the benchmark scripts: build, a fresh data directory (and a
# fresh PostgreSQL schema with BENCH_POSTGRES=1), a demo server on a free
# loopback port, khabar-bench runs, and a cleanup at exit that stops the
# server by its PID and removes what the run made.
#
# A script sets `name` (for messages), sources this file, calls
# `bench_prepare`, creates accounts with "${khabar[@]}" if it needs them,
# then `bench_start_server [ENV=VALUE…]`, and runs `bench NAME ARGS…`.

duration=${BENCH_DURATION:-20s}
warmup=${BENCH_WARMUP:-2s}
connections=${BENCH_CONNECTIONS:-32}
pg_url='postgres://postgres@127.0.0.1:5432/test?options=-c%20search_path%3Dkhabar_bench'
backend=sqlite
[[ ${BENCH_POSTGRES:-0} == 1 ]] && backend=postgres

server_pid=
data_dir=
copied_to_postgres=0
base=
khabar=()

bench_fail() {
    echo "$name: $*" >&2
    exit 1
}

# Stops the server started by bench_start_server: TERM, then KILL after 10 s.
bench_stop_server() {
    if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$server_pid" 2>/dev/null; then
            echo "$name: server $server_pid did not stop on TERM; killing it" >&2
            kill -KILL "$server_pid" 2>/dev/null || true
        fi
        wait "$server_pid" 2>/dev/null || true
    fi
    server_pid=
}

bench_cleanup() {
    local status=$?
    bench_stop_server
    if [[ -n $data_dir && -d $data_dir ]]; then
        rm -rf -- "$data_dir"
    fi
    # The instance's schema, and the one bench_migrate_data copies into.
    if [[ $backend == postgres || $copied_to_postgres == 1 ]]; then
        psql -q -h 127.0.0.1 -U postgres test \
            -c 'DROP SCHEMA IF EXISTS khabar_bench CASCADE; DROP SCHEMA IF EXISTS khabar_bench_copy CASCADE' \
            >/dev/null 2>&1 || true
    fi
    exit "$status"
}

# Builds, and makes the fresh database and data directory.
bench_prepare() {
    trap bench_cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    echo "== machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -n1)"
    # The whole workspace, so the features match every other build of the
    # shared target directory; BENCH_SKIP_BUILD=1 uses the binaries as built.
    [[ ${BENCH_SKIP_BUILD:-0} == 1 ]] || cargo build --release --workspace
    if [[ $backend == postgres ]]; then
        PGOPTIONS='--client-min-messages=warning' psql -q -h 127.0.0.1 -U postgres test -v ON_ERROR_STOP=1 \
            -c 'DROP SCHEMA IF EXISTS khabar_bench CASCADE; CREATE SCHEMA khabar_bench'
        export KHABAR_DATABASE_URL=$pg_url
    else
        unset KHABAR_DATABASE_URL
    fi
    unset KHABAR_CONFIG
    data_dir=$(mktemp -d -t khabar-bench.XXXXXX)
    khabar=(target/release/khabar --data "$data_dir")
}

passphrase='a long enough passphrase'

# Makes N reader accounts (poster1…) and a read+comment API token for each,
# before the server starts. The tokens go to $tokens, a file only this user
# can read, inside the data directory.
bench_make_posters() {
    local count=$1
    echo "== creating $count poster accounts and tokens"
    tokens=$data_dir/tokens
    (umask 077 && : >"$tokens")
    for i in $(seq "$count"); do
        printf '%s\n' "$passphrase" | "${khabar[@]}" admin create --role reader --username "poster$i" \
            --email "poster$i@bench.example" --password-stdin >/dev/null
        "${khabar[@]}" token create --user "poster$i" --scope read --scope comment \
            --name bench 2>/dev/null >>"$tokens"
    done
    if [[ $(grep -c . "$tokens") -ne $count ]]; then
        bench_fail "expected $count tokens in $tokens"
    fi
}

# Starts `khabar serve --demo` with the environment given, and waits until
# /readyz answers.
bench_start_server() {
    local port ready=
    port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()')
    base="http://127.0.0.1:$port"
    echo "== load average before the run: $(cut -d" " -f1-3 /proc/loadavg)"
    env "$@" target/release/khabar serve --demo --data "$data_dir" --listen "127.0.0.1:$port" \
        >"$data_dir/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 300); do
        if ! kill -0 "$server_pid" 2>/dev/null; then
            tail -n 30 "$data_dir/server.log" >&2
            bench_fail "the server exited before it was ready"
        fi
        if ready=$(curl -fsS --max-time 2 "$base/readyz" 2>/dev/null); then
            break
        fi
        ready=
        sleep 0.2
    done
    if [[ -z $ready ]]; then
        tail -n 30 "$data_dir/server.log" >&2
        bench_fail "$base/readyz did not answer 200 within 60 s"
    fi
    echo "== server $server_pid at $base: $ready"
}

# One khabar-bench run against the server, as a table or (BENCH_JSON_DIR)
# a JSON file per run.
bench() {
    local label=$1
    shift
    echo
    echo "== $label"
    if [[ -n ${BENCH_JSON_DIR:-} ]]; then
        mkdir -p "$BENCH_JSON_DIR"
        target/release/khabar-bench --url "$base" --connections "$connections" \
            --duration "$duration" --warmup "$warmup" --json "$@" \
            | tee "$BENCH_JSON_DIR/$backend-$label.json"
    else
        target/release/khabar-bench --url "$base" --connections "$connections" \
            --duration "$duration" --warmup "$warmup" "$@"
    fi
}

# Stops the server and times `khabar migrate-data` copying the instance into
# the other backend: a fresh PostgreSQL schema `khabar_bench_copy` from
# SQLite (skipped, with a note, when no PostgreSQL answers), a fresh SQLite
# file from PostgreSQL.
bench_migrate_data() {
    local from to
    bench_stop_server
    if [[ $backend == postgres ]]; then
        from=$pg_url
        to="sqlite://$data_dir/copy.db"
    else
        if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
            echo
            echo "== migrate-data skipped: no PostgreSQL on 127.0.0.1:5432 to copy into"
            return 0
        fi
        copied_to_postgres=1
        from="sqlite://$data_dir/khabar.db"
        PGOPTIONS='--client-min-messages=warning' psql -q -h 127.0.0.1 -U postgres test -v ON_ERROR_STOP=1 \
            -c 'DROP SCHEMA IF EXISTS khabar_bench_copy CASCADE; CREATE SCHEMA khabar_bench_copy'
        to=${pg_url/khabar_bench/khabar_bench_copy}
    fi
    echo
    echo "== migrate-data from $backend ($(cut -d" " -f1-3 /proc/loadavg) load)"
    RUST_LOG=warn "${khabar[@]}" migrate-data --from "$from" --to "$to" |
        grep -E "^(table|users|comments|events|notifications|moderation_log|copied) "
}

# A free TCP port on 127.0.0.1 (for a second server beside khabar's).
bench_free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()'
}
