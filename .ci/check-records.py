#!/usr/bin/env python3
"""Checks the DMARC and SPF values of every `<case>.json` in a directory written by
examples/zone_matrix.rs with independent implementations:

- checkdmarc (parse_dmarc_record): syntax per RFC 7489/9989; DNS-dependent checks are
  answered by a stub (every report destination authorised, every domain has an MX), so
  the run is offline;
- pyspf (full RFC 7208 evaluation) against a canned DNS table: an SES address must pass,
  any other must fail.

Usage: check-records.py DIR   (needs: pip install checkdmarc==6.0.4 pyspf==2.0.14)
"""
import json
import pathlib
import sys

import checkdmarc.dmarc as dmarc
import spf

CISA = "reports@dmarc.cyber.dhs.gov"
# Allowed warning: RFC 7489 reporters need only send to two URIs; the broker lists CISA
# plus every customer recipient by design (reference/dns.md §3).
ALLOWED_WARNINGS = ("might not send to more than two",)
SES_IP = "199.255.192.10"
OTHER_IP = "192.0.2.1"

dmarc.query_dns = lambda *a, **k: ["v=DMARC1"]
dmarc.get_mx_records = lambda *a, **k: [
    {"preference": 10, "hostname": "mx.example", "addresses": []}
]


def split255(value: str):
    data = value.encode()
    return [data[i : i + 255] for i in range(0, len(data), 255)] or [b""]


def check_case(path: pathlib.Path) -> list[str]:
    problems = []
    records = json.loads(path.read_text())
    domain = records["dkim_record_0"]["name"].split("._domainkey.", 1)[1]

    d = records["dmarc_verification_record"]
    value = d["records"][0]
    try:
        parsed = dmarc.parse_dmarc_record(value, domain, timeout=0.1, retries=0)
    except Exception as e:  # noqa: BLE001 - any refusal is a failure
        return [f"checkdmarc refused {value!r}: {type(e).__name__}: {e}"]
    tags = parsed["tags"]
    if tags["p"]["value"] != "reject":
        problems.append(f"p is {tags['p']['value']}")
    rua = [u["address"] for u in tags["rua"]["value"]]
    if not rua or rua[0] != CISA:
        problems.append(f"rua does not start with {CISA}: {rua[:2]}")
    if not tags.get("ruf", {}).get("value"):
        problems.append("no ruf")
    for w in parsed["warnings"]:
        if not any(a in w for a in ALLOWED_WARNINGS):
            problems.append(f"checkdmarc warning: {w}")

    s = records["spf_verification_record"]
    spf_name, spf_value = s["name"], s["records"][0]
    table = {
        (spf_name, "TXT"): split255(spf_value),
        ("amazonses.com", "TXT"): split255("v=spf1 ip4:199.255.192.0/22 -all"),
    }

    def lookup(name, qtype, *_args, **_kw):
        key = (str(name).rstrip(".").lower(), qtype)
        return [((name, qtype), tuple(table[key]))] if key in table else []

    spf.DNSLookup = lookup
    for ip, want in ((SES_IP, "pass"), (OTHER_IP, "fail")):
        got = spf.query(i=ip, s=f"bounce@{spf_name}", h=f"host.{spf_name}").check()[0]
        if got != want:
            problems.append(f"pyspf gave {got} for {ip} at {spf_name}, expected {want}")
    return problems


def main() -> int:
    cases = sorted(pathlib.Path(sys.argv[1]).glob("*.json"))
    if not cases:
        print("check-records: no cases found", file=sys.stderr)
        return 1
    failed = 0
    for case in cases:
        problems = check_case(case)
        status = "ok  " if not problems else "FAIL"
        print(f"check-records: {status} {case.name}")
        for p in problems:
            print(f"    {p}", file=sys.stderr)
        failed += bool(problems)
    print(f"check-records: {len(cases) - failed} of {len(cases)} cases pass")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
