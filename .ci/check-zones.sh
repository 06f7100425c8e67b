#!/usr/bin/env bash
# Loads the zone files of the DNS matrix (examples/zone_matrix.rs) with BIND's
# named-checkzone and fails on any error. Needs `named-checkzone` (Debian: bind9-utils).
#   -k fail   : host-name checks (check-names) are fatal
#   -i local  : integrity checks on in-zone names only (no network lookups)
#   -n fail   : NS records must not point at non-host names
set -euo pipefail

cd "$(dirname "$0")/.."
command -v named-checkzone >/dev/null || { echo "check-zones: named-checkzone not installed (apt-get install -y bind9-utils)" >&2; exit 1; }

dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT

cargo run --quiet --example zone_matrix -- "$dir" >/dev/null

failures=0
count=0
while read -r origin file want_txt; do
    count=$((count + 1))
    if ! out="$(named-checkzone -k fail -n fail -i local "$origin" "$file" 2>&1)"; then
        echo "check-zones: FAIL $(basename "$file") ($origin)" >&2
        echo "$out" >&2
        failures=$((failures + 1))
        continue
    fi
    # BIND's canonical dump must hold every TXT record exactly as written: nothing cut at
    # a ';', no string split or merged differently.
    named-checkzone -q -D -o "$dir/canonical.txt" "$origin" "$file"
    txt() { sed -n 's/^\([^ \t]*\)[ \t].*[ \t]IN[ \t][ \t]*TXT[ \t][ \t]*\(.*\)$/\1 \2/p' "$1" | sort; }
    if [ "$(txt "$dir/canonical.txt" | wc -l)" -ne "$want_txt" ]; then
        echo "check-zones: FAIL $(basename "$file"): expected $want_txt TXT records after loading" >&2
        failures=$((failures + 1))
        continue
    fi
    if ! diff <(txt "$file") <(txt "$dir/canonical.txt") >&2; then
        echo "check-zones: FAIL $(basename "$file"): TXT records differ after loading" >&2
        failures=$((failures + 1))
        continue
    fi
    echo "check-zones: ok   $(basename "$file") ($origin)"
done < "$dir/manifest.txt"

if [ "$count" -eq 0 ]; then
    echo "check-zones: no zones generated" >&2
    exit 1
fi
if [ "$failures" -ne 0 ]; then
    echo "check-zones: $failures of $count zones failed" >&2
    exit 1
fi
echo "check-zones: all $count zones load"
