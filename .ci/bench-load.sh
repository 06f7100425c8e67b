#!/usr/bin/env bash
# The broker under load, as a smoke: broker/benches/load.rs in the debug build (the one
# `cargo test -p ses-broker-server` already built, so no release build of the AWS SDK),
# 50 provision -> bind -> unbind -> deprovision cycles from 16 clients over HTTP on
# loopback against the stand-in and SQLite. Fails when a request fails or a cycle leaves
# anything behind in the stand-in or the database. The figures it prints are a debug
# build's; the README's come from `cargo bench -p ses-broker-server --bench load` (1,000
# cycles, release). LOAD_CYCLES and LOAD_CLIENTS override the counts.
set -euo pipefail
cd "$(dirname "$0")/.."
LOAD_CYCLES="${LOAD_CYCLES:-50}" LOAD_CLIENTS="${LOAD_CLIENTS:-16}" \
  cargo test --quiet -p ses-broker-server --bench load
