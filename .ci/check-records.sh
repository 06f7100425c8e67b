#!/usr/bin/env bash
# Runs .ci/check-records.py (checkdmarc + pyspf) over the DNS matrix of
# examples/zone_matrix.rs, in a virtualenv under target/ with pinned versions.
set -euo pipefail

cd "$(dirname "$0")/.."
venv=target/ci-venv-dns
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet checkdmarc==6.0.4 pyspf==2.0.14
fi

dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT
cargo run --quiet --example zone_matrix -- "$dir" >/dev/null
"$venv/bin/python" .ci/check-records.py "$dir"
