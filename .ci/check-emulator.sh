#!/usr/bin/env bash
# Checks the broker's AWS side against moto, an emulator of the AWS APIs: starts moto's
# server on a free loopback port and runs broker/tests/emulator/, which starts
# `ses-broker-server --aws sdk --aws-endpoint http://127.0.0.1:PORT` (dummy credentials),
# drives the whole OSBAPI lifecycle and, after every step, compares everything in the
# emulator with the core's desired state; then, for every k, kills a provision, a bind and
# a deprovision right after their k-th AWS call (--crash-after-aws-calls k), restarts the
# broker on the same state and compares again. It prints how many resources and settings it
# compared, what moto could not check, and one line per crash.
#
# Run from the repository root. Needs cargo and python3 (with venv); pip installs moto's
# server and boto3 (pinned below) into target/moto-venv. Fails if either cannot be
# installed or moto does not start: this check never skips.
set -euo pipefail

ROOT="$(pwd)"
VENV="$ROOT/target/moto-venv"
WORK="$ROOT/target/emulator-check"
# The versions the test was written against (../shared/reference/aws-emulator.md lists what
# moto 5.2.5 serves); move them together with the test.
MOTO_VERSION="5.2.5"
BOTO3_VERSION="1.44.8"
MOTO_PID=""

mkdir -p "$WORK"
stop_moto() {
    if [[ -n "$MOTO_PID" ]] && kill -0 "$MOTO_PID" 2>/dev/null; then
        kill "$MOTO_PID" 2>/dev/null || true
        wait "$MOTO_PID" 2>/dev/null || true
    fi
}
trap stop_moto EXIT

echo "== installing moto[server] $MOTO_VERSION and boto3 $BOTO3_VERSION into $VENV"
if ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(not (m.version('moto') == '$MOTO_VERSION' and m.version('boto3') == '$BOTO3_VERSION'))" 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check \
        "moto[server]==$MOTO_VERSION" "boto3==$BOTO3_VERSION"
fi

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
URL="http://127.0.0.1:$PORT"
"$VENV/bin/moto_server" -H 127.0.0.1 -p "$PORT" >"$WORK/moto.log" 2>&1 &
MOTO_PID=$!
python3 - "$URL" <<'PY' || { echo "check-emulator: moto did not start" >&2; cat "$WORK/moto.log" >&2; exit 1; }
import sys, time, urllib.request, urllib.error
for _ in range(150):
    try:
        urllib.request.urlopen(sys.argv[1] + "/moto-api/", timeout=1)
        sys.exit(0)
    except urllib.error.HTTPError:
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
PY
echo "check-emulator: moto $MOTO_VERSION at $URL, pid $MOTO_PID, log $WORK/moto.log"

# The brokers' log lines (each prefixed with the process's name) go to $WORK/test.log; the
# tallies and the crash tests' table (one line per crash) to the console.
set +e
SES_BROKER_EMULATOR="$URL" SES_BROKER_EMULATOR_PYTHON="$VENV/bin/python" \
    cargo test --quiet -p ses-broker-server --test emulator -- --ignored --nocapture \
    >"$WORK/test.log" 2>&1
status=$?
set -e
grep -E '^moto|^test result' "$WORK/test.log" || true
if [[ $status -ne 0 ]]; then
    echo "check-emulator: FAILED (full log: $WORK/test.log)" >&2
    grep -v '^[a-z0-9-]*| ' "$WORK/test.log" | tail -40 >&2
    exit 1
fi
echo "check-emulator: the lifecycle against moto matches the core's desired state"
