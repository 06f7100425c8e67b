#!/usr/bin/env bash
# `sesctl records --check` against real `dig` output: serves zones made from
# `sesctl records --format zone` with BIND's `named` on a loopback port, asks it with
# `dig @127.0.0.1 -p PORT +noall +answer` for every required record, and checks that
#   published: the records exactly as sesctl renders them        -> ok, exit 0
#   edited:    the same meaning written differently (DMARC `v = DMARC1`, merged and split
#              SPF, upper-case names, unrelated TXT with escapes, dig's `+cmd` comments)
#                                                                 -> ok, exit 0
#   broken:    DMARC p=none, SPF over 10 lookups, a DKIM CNAME gone, a DKIM target made
#              relative, a second MX                              -> exit 1, each named
# Installs bind9 and bind9-dnsutils when `named` or `dig` is missing. Touches nothing but
# 127.0.0.1: named listens there only, with recursion off.
#
#   bash .ci/check-dig.sh                  run the checks
#   bash .ci/check-dig.sh --capture DIR    also write the dig answers to DIR/dig-*.txt
#                                          (the test data of tests/dns.rs)
set -euo pipefail

cd "$(dirname "$0")/.."
capture=""
if [ "${1:-}" = "--capture" ]; then
    capture="${2:?--capture needs a directory}"
fi

if ! command -v named >/dev/null 2>&1 || ! command -v dig >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bind9 bind9-dnsutils >/dev/null
fi
named_bin="$(command -v named || echo /usr/sbin/named)"

cargo build --quiet --example sesctl
sesctl=target/debug/examples/sesctl

dir="$(mktemp -d)"
named_pid=""
cleanup() {
    if [ -n "$named_pid" ]; then kill "$named_pid" 2>/dev/null || true; wait "$named_pid" 2>/dev/null || true; fi
    rm -rf "$dir"
}
trap cleanup EXIT
chmod 755 "$dir"

# The inputs, shared with tests/dns.rs (dig_answers_*): the DMARC record is long enough
# to be split into two character-strings.
params='{"admin_email": "admin@agency.gov", "domain": "agency.gov", "mail_from_subdomain": "mail",
 "dmarc_report_aggregate_recipients": ["dmarc-aggregate-reports+ses@agency.gov", "security-operations-center@agency.gov", "email-security-team@agency.gov"],
 "dmarc_report_failure_recipients": ["dmarc-failure-reports@agency.gov", "incident-response-team@agency.gov"]}'
flags=(--instance-id i-1 --default-zone appmail.cloud.gov --region us-gov-west-1
       --dkim-tokens abcdefghijklmnopqrstuvwxyz234567,bcdefghijklmnopqrstuvwxyz2345678,cdefghijklmnopqrstuvwxyz23456789)
records() { printf '%s' "$params" | "$sesctl" records "${flags[@]}" "$@"; }

records --format zone >"$dir/records.zone"
records --format json >"$dir/records.json"

# The zone variants: each is the SOA and NS of agency.gov. plus record lines.
python3 - "$dir" <<'PY'
import json, pathlib, sys

d = pathlib.Path(sys.argv[1])
lines = (d / "records.zone").read_text().splitlines()
records = json.loads((d / "records.json").read_text())
head = """$TTL 600
@ IN SOA ns.agency.gov. hostmaster.agency.gov. 1 3600 600 86400 600
@ IN NS ns.agency.gov.
ns IN A 127.0.0.1
"""

def quoted(value, size):
    parts = [value[i:i + size] for i in range(0, len(value), size)] or [""]
    return " ".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in parts)

def name_of(key):
    return records[key]["name"] + "."

def value_of(key):
    return records[key]["records"][0]

dmarc, spf, mx = "dmarc_verification_record", "spf_verification_record", "mx_verification_record"
dkim = ["dkim_record_0", "dkim_record_1", "dkim_record_2"]

(d / "published.zone").write_text(head + "\n".join(lines) + "\n")

edited = [
    f"{name_of(dmarc)} 600 IN TXT {quoted(value_of(dmarc).replace('v=DMARC1;', 'v = DMARC1 ;', 1), 100)}",
    f'{name_of(dmarc)} 600 IN TXT "a note; with \\"quotes\\", a tab\\009and caf\\195\\169"',
    f'{name_of(spf)} 600 IN TXT "v=spf1 ip4:192.0.2.0/24 " "a/24//64 include:amazonses.com ~all"',
    f'{name_of(spf)} 600 IN TXT "google-site-verification=abc123"',
]
for key in dkim:
    edited.append(f"{name_of(key).upper()} 600 IN CNAME {value_of(key).upper()}.")
edited.append(f"{name_of(mx)} 600 IN MX {value_of(mx)}.")
(d / "edited.zone").write_text(head + "\n".join(edited) + "\n")

lookups = " ".join(f"a:h{n}.example" for n in range(10))
broken = [
    f"{name_of(dmarc)} 600 IN TXT {quoted(value_of(dmarc).replace('p=reject', 'p=none'), 255)}",
    f'{name_of(spf)} 600 IN TXT {quoted("v=spf1 " + lookups + " include:amazonses.com -all", 255)}',
    f"{name_of(dkim[0])} 600 IN CNAME {value_of(dkim[0])}.",
    # dkim_record_1 is not published; dkim_record_2 is written relative, so the zone's
    # origin is appended to it.
    f"{name_of(dkim[2])} 600 IN CNAME {value_of(dkim[2])}",
    f"{name_of(mx)} 600 IN MX {value_of(mx)}.",
    f"{name_of(mx)} 600 IN MX 20 mx.other.example.",
]
(d / "broken.zone").write_text("$ORIGIN agency.gov.\n" + head + "\n".join(broken) + "\n")

# The queries: every required record, by name and type.
(d / "queries.txt").write_text(
    "".join(f"{r['name']}. {r['type']}\n" for r in records.values())
)
PY

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

serve() { # serve ZONEFILE: (re)start named on 127.0.0.1:$port with agency.gov from ZONEFILE
    if [ -n "$named_pid" ]; then kill "$named_pid"; wait "$named_pid" 2>/dev/null || true; named_pid=""; fi
    named-checkzone -q agency.gov "$1"
    cp "$1" "$dir/agency.gov.zone"
    cat >"$dir/named.conf" <<EOF
options {
    directory "$dir";
    pid-file "$dir/named.pid";
    session-keyfile "$dir/session.key";
    listen-on port $port { 127.0.0.1; };
    listen-on-v6 { none; };
    recursion no;
    dnssec-validation no;
    notify no;
    allow-query { 127.0.0.1; };
};
controls { };
zone "agency.gov" { type primary; file "$dir/agency.gov.zone"; };
EOF
    "$named_bin" -f -c "$dir/named.conf" -p "$port" -4 >"$dir/named.log" 2>&1 &
    named_pid=$!
    for _ in $(seq 50); do
        if dig -r @127.0.0.1 -p "$port" +time=1 +tries=1 +noall +answer agency.gov. SOA 2>/dev/null | grep -q SOA; then
            return 0
        fi
        sleep 0.2
    done
    echo "check-dig: named did not answer on 127.0.0.1:$port" >&2
    cat "$dir/named.log" >&2
    exit 1
}

ask() { # ask [DIG_OPTIONS...]: every query's answers, concatenated
    while read -r name type; do
        dig -r @127.0.0.1 -p "$port" +time=2 +tries=1 +norecurse +noall +answer "$@" "$name" "$type"
    done <"$dir/queries.txt"
}

failures=0
run_case() { # run_case NAME WANT_EXIT WANT_STATUSES [DIG_OPTIONS...]
    local case="$1" want_exit="$2" want="$3"
    shift 3
    serve "$dir/$case.zone"
    ask "$@" >"$dir/dig-$case.txt"
    if [ -n "$capture" ]; then
        mkdir -p "$capture"
        cp "$dir/dig-$case.txt" "$capture/dig-$case.txt"
    fi
    set +e
    records --check "$dir/dig-$case.txt" >"$dir/report-$case.json" 2>"$dir/stderr-$case.txt"
    local got_exit=$?
    set -e
    local got
    got="$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
print(" ".join([str(r["ok"]).lower()] + [x["key"] + "=" + x["status"] for x in r["records"]] + ["conflict=" + c["kind"] for c in r["conflicts"]]))
' "$dir/report-$case.json")"
    if [ "$got_exit" -ne "$want_exit" ] || [ "$got" != "$want" ]; then
        echo "check-dig: FAIL $case: exit $got_exit (want $want_exit)" >&2
        echo "    got:  $got" >&2
        echo "    want: $want" >&2
        cat "$dir/dig-$case.txt" "$dir/report-$case.json" "$dir/stderr-$case.txt" >&2
        failures=$((failures + 1))
        return
    fi
    echo "check-dig: ok   $case ($(grep -c . "$dir/dig-$case.txt") answer lines; exit $got_exit)"
}

run_case published 0 "true dmarc_verification_record=present spf_verification_record=present dkim_record_0=present dkim_record_1=present dkim_record_2=present mx_verification_record=present"
run_case edited 0 "true dmarc_verification_record=present spf_verification_record=present dkim_record_0=present dkim_record_1=present dkim_record_2=present mx_verification_record=present" +cmd
run_case broken 1 "false dmarc_verification_record=wrong spf_verification_record=wrong dkim_record_0=present dkim_record_1=missing dkim_record_2=wrong mx_verification_record=wrong conflict=multiple_mail_from_mx"

# The reasons name what is wrong.
for want in "differs from the required one" "needs 11 dns lookups" "no CNAME record at bcdefghijklmnopqrstuvwxyz2345678._domainkey.agency.gov" "ses needs exactly one"; do
    grep -qF "$want" "$dir/report-broken.json" || { echo "check-dig: FAIL broken: no \"$want\" in the report" >&2; failures=$((failures + 1)); }
done

# An unreadable or unparseable answer file is exit 2, with the line number.
set +e
records --check "$dir/no-such-file.txt" >/dev/null 2>&1; missing_exit=$?
printf 'agency.gov. 600 IN TXT "v=spf1\n' >"$dir/bad.txt"
records --check "$dir/bad.txt" >/dev/null 2>"$dir/bad.err"; bad_exit=$?
set -e
if [ "$missing_exit" -ne 2 ] || [ "$bad_exit" -ne 2 ] || ! grep -qF "bad.txt:1: " "$dir/bad.err"; then
    echo "check-dig: FAIL unreadable files: exits $missing_exit $bad_exit (want 2 2)" >&2
    cat "$dir/bad.err" >&2
    failures=$((failures + 1))
fi

if [ "$failures" -ne 0 ]; then
    echo "check-dig: $failures checks failed" >&2
    exit 1
fi
echo "check-dig: sesctl records --check reads dig's answers right ($(dig -v 2>&1 | head -1))"
