#!/usr/bin/env bash
# Runs broker/tests/postgres.rs: two ses-broker-server processes on one PostgreSQL database
# and many clients (one operation at a time per instance, no lost update, take-over of a
# killed process's operation). Installs PostgreSQL from the distribution's packages when it
# is missing, starts a throw-away server (initdb in a temporary directory, a free loopback
# port; as the postgres user when run as root, since PostgreSQL refuses root), creates a role
# and a database, runs the test against them and stops the server.
#
# Run from the repository root. Fails if PostgreSQL cannot be installed or started: this
# check never skips. The test's and both brokers' output goes to
# target/postgres-check/test.log; the tally to the console.
set -euo pipefail

ROOT="$(pwd)"
WORK="$ROOT/target/postgres-check"
mkdir -p "$WORK"
started=$SECONDS

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }
if [[ -z "$(bindir)" ]]; then
    echo "== installing PostgreSQL (Debian package postgresql)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
BIN="$(bindir)"
[[ -x "$BIN/initdb" ]] || { echo "check-postgres: no initdb under /usr/lib/postgresql" >&2; exit 1; }

as_owner() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
DATA="$(mktemp -d /tmp/ses-broker-postgres.XXXXXX)"
[[ $(id -u) -eq 0 ]] && chown postgres "$DATA"
stop() {
    as_owner "$BIN/pg_ctl" -D "$DATA/data" -m immediate stop >/dev/null 2>&1 || true
    cp "$DATA/server.log" "$WORK/server.log" 2>/dev/null || true
    rm -rf "$DATA"
}
trap stop EXIT

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
# Local (socket) connections for the set-up below are trusted; the brokers connect over TCP
# with a password, as they would to a real server.
as_owner "$BIN/initdb" -D "$DATA/data" -U postgres --auth-local=trust \
    --auth-host=scram-sha-256 >"$WORK/initdb.log"
as_owner "$BIN/pg_ctl" -D "$DATA/data" -l "$DATA/server.log" -w \
    -o "-p $PORT -k $DATA -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null \
    || { echo "check-postgres: PostgreSQL did not start" >&2; cat "$DATA/server.log" >&2; exit 1; }
PASSWORD="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# Each test makes a database of its own (CREATEDB).
"$BIN/psql" -h "$DATA" -p "$PORT" -U postgres -v ON_ERROR_STOP=1 -q \
    -c "CREATE ROLE broker LOGIN CREATEDB PASSWORD '$PASSWORD'" \
    -c "CREATE DATABASE broker OWNER broker"
echo "check-postgres: $("$BIN/postgres" --version) on 127.0.0.1:$PORT, data in $DATA ($((SECONDS - started)) s to set up)"

set +e
SES_BROKER_TEST_POSTGRES="postgres://broker:$PASSWORD@127.0.0.1:$PORT/broker" \
    cargo test --quiet -p ses-broker-server --test postgres -- --ignored --nocapture \
    >"$WORK/test.log" 2>&1
status=$?
set -e
grep -E '^postgres|^test result' "$WORK/test.log" || true
if [[ $status -ne 0 ]]; then
    echo "check-postgres: FAILED after $((SECONDS - started)) s (full log: $WORK/test.log)" >&2
    grep -v '^[A-Z]| ' "$WORK/test.log" | grep -v '^ *[0-9]*: \|^ *at \|^note: ' | tail -60 >&2
    exit 1
fi
echo "check-postgres: two broker processes on one PostgreSQL database behaved ($((SECONDS - started)) s)"
