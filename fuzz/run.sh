#!/usr/bin/env bash
# Schema-driven API fuzzing (issue 18): Schemathesis generates requests from
# the OpenAPI document a real `khabar serve` serves, sends them as an
# administrator (a bearer token with every scope), and fails on any 5xx
# and on any answer the document does not describe (status, content type,
# headers, body schema). Once on SQLite, then on PostgreSQL.
#
#   fuzz/run.sh                 # both stores; SQLite only when no PostgreSQL
#   fuzz/run.sh sqlite|postgres # one store (postgres: fails without one)
#
# Needs target/debug/khabar (`cargo build --workspace`) and python3; makes a
# virtualenv with fuzz/requirements.txt in target/fuzz-venv. Knobs:
# FUZZ_MAX_EXAMPLES (25 cases per operation and phase), FUZZ_MAX_TIME (150
# seconds per store), FUZZ_SEED (a fixed seed, for a run to repeat),
# FUZZ_CHECKS, FUZZ_REPORT_DIR (junit reports; default a temporary dir).
# Under CI=true a missing PostgreSQL fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."

stores=${1:-both}
binary=target/debug/khabar
venv=target/fuzz-venv
max_examples=${FUZZ_MAX_EXAMPLES:-25}
max_time=${FUZZ_MAX_TIME:-150}
checks=${FUZZ_CHECKS:-not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance}
pg_server=${KHABAR_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
schema=khabar_fuzz_$$

[[ -x $binary ]] || { echo "fuzz: $binary is missing; run cargo build --workspace" >&2; exit 1; }

# The pinned Schemathesis, reinstalled only when the requirements change.
if ! cmp -s fuzz/requirements.txt "$venv/requirements.txt" 2>/dev/null; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r fuzz/requirements.txt
    cp fuzz/requirements.txt "$venv/requirements.txt"
fi

server_pid=
data_dir=
report_dir=${FUZZ_REPORT_DIR:-}
cleanup() {
    local status=$?
    if [[ -n $server_pid ]]; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    [[ -n $data_dir ]] && rm -rf -- "$data_dir"
    psql -q -h 127.0.0.1 -U postgres test -c "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# fuzz_store sqlite|postgres: a demo instance with an administrator, fuzzed.
fuzz_store() {
    local store=$1 port token base
    data_dir=$(mktemp -d -t khabar-fuzz.XXXXXX)
    unset KHABAR_CONFIG KHABAR_DATABASE_URL
    if [[ $store == postgres ]]; then
        PGOPTIONS='--client-min-messages=warning' psql -q -h 127.0.0.1 -U postgres test -v ON_ERROR_STOP=1 \
            -c "DROP SCHEMA IF EXISTS $schema CASCADE; CREATE SCHEMA $schema"
        local separator='?'
        [[ $pg_server == *\?* ]] && separator='&'
        export KHABAR_DATABASE_URL="$pg_server${separator}options=-c%20search_path%3D$schema"
    fi
    local khabar=("$binary" --data "$data_dir")
    # The administrator's name is not one a fuzzer would guess, so that a
    # generated role change or ban does not lock the run out.
    printf '%s\n' 'a long enough passphrase for fuzzing' | "${khabar[@]}" admin create --role admin \
        --username fuzzwarden --email fuzzwarden@fuzz.example --password-stdin >/dev/null
    token=$("${khabar[@]}" token create --user fuzzwarden --name fuzz \
        --scope read --scope comment --scope moderate --scope edit --scope admin 2>/dev/null)
    port=$(python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')
    base="http://127.0.0.1:$port"
    # One address sends everything: lift the posting limits for it.
    KHABAR_SITE__COMMENTS_PER_MINUTE=1000000 "${khabar[@]}" serve --demo --listen "127.0.0.1:$port" \
        >"$data_dir/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 150); do
        curl -fsS --max-time 2 "$base/readyz" >/dev/null 2>&1 && break
        kill -0 "$server_pid" 2>/dev/null || { tail -n 30 "$data_dir/server.log" >&2; echo "fuzz: the server died" >&2; return 1; }
        sleep 0.2
    done
    echo "== fuzz: $store at $base, $max_examples cases per operation, at most ${max_time}s"
    local reports=${report_dir:-$data_dir}
    mkdir -p "$reports"
    local status=0
    # streamComments is a live stream that never ends by itself; signOut
    # ends the caller's credential, this run's token, and every operation
    # after it would only test the refusal.
    "$venv/bin/schemathesis" run "$base/api/v1/openapi.json" \
        --url "$base/api/v1" \
        --header "Authorization: Bearer $token" \
        --checks "$checks" \
        --exclude-operation-id streamComments \
        --exclude-operation-id signOut \
        --phases examples,coverage,fuzzing \
        --max-examples "$max_examples" \
        --max-time "$max_time" \
        --workers 2 \
        --request-timeout 20 \
        --suppress-health-check all \
        --no-color \
        ${FUZZ_SEED:+--seed "$FUZZ_SEED"} \
        --report junit --report-junit-path "$reports/$store.xml" || status=$?
    # The administrator's token still works: the run tested as one.
    if ! curl -fsS --max-time 10 -o /dev/null -H "Authorization: Bearer $token" "$base/api/v1/me"; then
        echo "fuzz: the administrator's token stopped working during the run" >&2
        status=1
    fi
    if grep -qE 'panicked|ERROR' "$data_dir/server.log"; then
        echo "fuzz: the server logged errors:" >&2
        grep -E 'panicked|ERROR' "$data_dir/server.log" | head -n 20 >&2
        status=1
    fi
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=
    rm -rf -- "$data_dir"
    data_dir=
    return "$status"
}

failed=0
case $stores in
    sqlite) fuzz_store sqlite || failed=1 ;;
    postgres) fuzz_store postgres || failed=1 ;;
    both)
        fuzz_store sqlite || failed=1
        if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
            fuzz_store postgres || failed=1
        elif [[ ${CI:-} == true ]]; then
            echo "fuzz: CI=true but PostgreSQL is not running" >&2
            failed=1
        else
            echo "== fuzz: SKIPPED on PostgreSQL: nothing on 127.0.0.1:5432"
        fi
        ;;
    *) echo "usage: fuzz/run.sh [sqlite|postgres|both]" >&2; exit 2 ;;
esac
exit "$failed"
