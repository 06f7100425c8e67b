#!/usr/bin/env bash
# Checks the OSBAPI broker (broker/: ses-broker-server with the in-memory stand-in)
# against the OSBAPI v2.17 contract:
#
# 1. a scripted lifecycle (.ci/broker_lifecycle.py, Python stdlib only) on a fresh broker:
#    catalog -> provision -> get -> update -> bind -> get binding -> unbind -> deprovision,
#    with bad parameters, a changed domain and an unknown plan along the way;
# 2. schemathesis against ../shared/reference/osbapi-v2.17-openapi.yaml on another fresh
#    broker (empty store), bounded by --max-examples and a time limit.
#
# Run from the repository root (the shared folder is at ../shared). Needs cargo and
# python3 (with venv); pip installs schemathesis into target/broker-venv. Every broker it
# starts listens on 127.0.0.1 only and is stopped on exit. Exits non-zero on any mismatch.
#
# Environment: ST_MAX_EXAMPLES (default 25) and ST_SEED (default 1) tune schemathesis.
set -euo pipefail

ROOT="$(pwd)"
# OSBAPI_SPEC overrides where the OpenAPI document is (a worktree sits deeper than a clone).
SPEC="${OSBAPI_SPEC:-$ROOT/../shared/reference/osbapi-v2.17-openapi.yaml}"
VENV="$ROOT/target/broker-venv"
WORK="$ROOT/target/broker-check"
SCHEMATHESIS_VERSION="4.32.5"
USERNAME="broker-user"
PASSWORD="broker-check-$$-$RANDOM"
BROKER_PID=""

[[ -f "$SPEC" ]] || { echo "check-broker: $SPEC not found (run from the repository root)" >&2; exit 1; }
mkdir -p "$WORK"

stop_broker() {
    if [[ -n "$BROKER_PID" ]] && kill -0 "$BROKER_PID" 2>/dev/null; then
        kill "$BROKER_PID" 2>/dev/null || true
        wait "$BROKER_PID" 2>/dev/null || true
    fi
    BROKER_PID=""
}
trap stop_broker EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Starts a fresh broker on a free loopback port; sets BROKER_URL.
start_broker() {
    local port log
    port="$(free_port)"
    log="$WORK/broker-$1.log"
    rm -f "$WORK/state-$1.db" "$WORK/state-$1.db-"*
    "$ROOT/target/debug/ses-broker-server" --listen "127.0.0.1:$port" \
        --username "$USERNAME" --password "$PASSWORD" --state "$WORK/state-$1.db" 2>"$log" &
    BROKER_PID=$!
    BROKER_URL="http://127.0.0.1:$port"
    # Wait until it answers (any HTTP status counts: 401 without credentials).
    python3 - "$BROKER_URL" <<'EOF' || { echo "check-broker: the broker did not answer" >&2; cat "$log" >&2; exit 1; }
import sys, time, urllib.request, urllib.error
for _ in range(100):
    try:
        urllib.request.urlopen(sys.argv[1] + "/v2/catalog", timeout=1)
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
EOF
    echo "check-broker: broker ($1) at $BROKER_URL, pid $BROKER_PID, log $log"
}

echo "== building the broker (ses-broker-server)"
cargo build --quiet -p ses-broker-server

echo "== installing schemathesis $SCHEMATHESIS_VERSION into $VENV"
if ! "$VENV/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
"$VENV/bin/st" --version

echo "== scripted lifecycle"
start_broker lifecycle
python3 "$ROOT/.ci/broker_lifecycle.py" "$BROKER_URL" "$USERNAME" "$PASSWORD"
stop_broker

echo "== schemathesis against the OSBAPI v2.17 OpenAPI document"
start_broker schemathesis
# Checks: all of schemathesis's, less two the yaml cannot support (see .ci/schemathesis.toml):
# - status_code_conformance: the yaml lists fewer statuses than the spec prescribes (401 on
#   the catalog, 412 everywhere, 404 for an unknown instance on PATCH and bind);
# - positive_data_acceptance: service_id / plan_id are free strings in the yaml, while the
#   spec requires 400 for ids not in the catalog, so generated "valid" requests are refused.
# Kept, among others: not_a_server_error (no 5xx on any input), response_schema_conformance
# and content_type_conformance (every documented answer has the documented shape),
# negative_data_rejection (schema-violating requests get a 4xx), missing_required_header
# (no X-Broker-API-Version: 412, allowed in .ci/schemathesis.toml), ignored_auth (no or
# wrong credentials: 401), unsupported_method (405 with Allow), use_after_free.
# From an empty store most instance and binding look-ups answer 404: the lifecycle above
# covers the paths with data.
(
    cd "$WORK"
    timeout 600 "$VENV/bin/st" --config-file "$ROOT/.ci/schemathesis.toml" run "$SPEC" \
        --url "$BROKER_URL" \
        --auth "$USERNAME:$PASSWORD" \
        --header "X-Broker-API-Version: 2.17" \
        --checks all \
        --exclude-checks status_code_conformance,positive_data_acceptance \
        --max-examples "${ST_MAX_EXAMPLES:-25}" \
        --seed "${ST_SEED:-1}" \
        --request-timeout 10 \
        --workers 2 \
        --no-color
)
stop_broker
echo "check-broker: lifecycle and schemathesis passed"
