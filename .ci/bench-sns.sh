#!/usr/bin/env bash
# Per-message SNS signature verification (benches/sns.rs: parse the body, check it, verify
# RSA-2048 with a certificate parsed once) beside OpenSSL's RSA-2048 verify
# (`openssl speed -seconds 1 rsa2048`), both measured here, in the same run. Prints both
# figures and their ratio; the target is within 2x. Exits 1 above it, 2 when a figure
# cannot be read. Needs openssl, cargo and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v openssl >/dev/null || { echo "bench-sns: openssl is missing (apt-get install openssl)" >&2; exit 2; }

bench=$(cargo bench --quiet --bench sns -- 'sns_verify/notification' 2>&1)
speed=$(openssl speed -mr -seconds 1 rsa2048 2>/dev/null)

python3 - "$bench" "$speed" <<'PY'
import re
import sys

bench, speed = sys.argv[1], sys.argv[2]


def unreadable(why):
    print("bench-sns: " + why, file=sys.stderr)
    sys.exit(2)


to_us = {"ps": 1e-6, "ns": 1e-3, "µs": 1.0, "us": 1.0, "ms": 1e3, "s": 1e6}

# Criterion: "sns_verify/NAME  time: [low unit estimate unit high unit]", the name on
# the same line or the one before.
ours = {}
for m in re.finditer(
    r"(sns_verify/\S+)\s+time:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]", bench
):
    ours[m.group(1)] = float(m.group(2)) * to_us[m.group(3)]
if not ours:
    unreadable("no sns_verify figures in the bench output:\n" + bench)

# OpenSSL's machine-readable line: +F2:<index>:<bits>:<sign/s>:<verify/s>[:...]
line = next((l for l in speed.splitlines() if l.startswith("+F2:")), None)
if line is None:
    unreadable("no +F2 line in openssl speed -mr output:\n" + speed)
fields = line.split(":")
if fields[2] != "2048":
    unreadable("openssl speed reported " + line)
openssl_us = 1e6 / float(fields[4])

print(f"openssl speed rsa2048 verify:        {openssl_us:8.2f} us ({float(fields[4]):.0f}/s)")
worst = 0.0
for name, us in sorted(ours.items()):
    ratio = us / openssl_us
    worst = max(worst, ratio)
    print(f"{name + ':':<36} {us:8.2f} us  = {ratio:.2f}x openssl")
if worst > 2.0:
    print(f"bench-sns: {worst:.2f}x is above the 2x target")
    sys.exit(1)
print(f"bench-sns: within the 2x target (worst {worst:.2f}x)")
PY
