#!/usr/bin/env bash
# SNS signature verification per message (benches/sns.rs, a certificate parsed once) beside
# OpenSSL's RSA-2048 verify (`openssl speed -seconds 1 rsa2048`), both measured here, in
# the same run, both in wall-clock time (`-elapsed`: by default `openssl speed` divides by
# CPU time, which on a busy machine flatters it against criterion's wall clock). OpenSSL
# runs before and after the bench and the mean is used. Prints every figure and the ratios,
# and whether `sns_verify` (checks, hash and RSA of a parsed message) meets the target of
# 2x; `sns_parse_and_verify` (the body parsed too) is printed beside it. A report, not a
# gate: on a shared machine both figures move by a third between runs. Exits 2 when a
# figure cannot be read. Needs openssl, cargo and python3.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v openssl >/dev/null || { echo "bench-sns: openssl is missing (apt-get install openssl)" >&2; exit 2; }

speed() { openssl speed -elapsed -mr -seconds 1 rsa2048 2>/dev/null; }

before=$(speed)
bench=$(cargo bench --quiet --bench sns -- --warm-up-time 1 --measurement-time 3 \
  'sns_(verify|parse_and_verify)/notification' 2>&1)
after=$(speed)

python3 - "$bench" "$before" "$after" <<'PY'
import re
import sys

bench, speeds = sys.argv[1], sys.argv[2:]
to_us = {"ps": 1e-6, "ns": 1e-3, "µs": 1.0, "us": 1.0, "ms": 1e3, "s": 1e6}


def unreadable(why):
    print("bench-sns: " + why, file=sys.stderr)
    sys.exit(2)


# Criterion: "GROUP/NAME  time: [low unit estimate unit high unit]", the name on the same
# line or the one before.
ours = {}
for m in re.finditer(r"(sns_\w+/\S+)\s+time:\s+\[\S+ \S+ (\S+) (\S+) \S+ \S+\]", bench):
    ours[m.group(1)] = float(m.group(2)) * to_us[m.group(3)]
if not any(name.startswith("sns_verify/") for name in ours):
    unreadable("no sns_verify figures in the bench output:\n" + bench)

# OpenSSL's machine-readable line: +F2:<index>:<bits>:<sign/s>:<verify/s>[:...]
verify_us = []
for speed in speeds:
    line = next((l for l in speed.splitlines() if l.startswith("+F2:")), None)
    if line is None:
        unreadable("no +F2 line in openssl speed -mr output:\n" + speed)
    fields = line.split(":")
    if fields[2] != "2048":
        unreadable("openssl speed reported " + line)
    verify_us.append(1e6 / float(fields[4]))
openssl_us = sum(verify_us) / len(verify_us)

print(
    f"{'openssl speed rsa2048 verify:':<44} {openssl_us:8.2f} us"
    f" (before the bench {verify_us[0]:.2f}, after {verify_us[1]:.2f})"
)
worst = 0.0
for name, us in sorted(ours.items(), key=lambda kv: (not kv[0].startswith("sns_verify/"), kv[0])):
    ratio = us / openssl_us
    if name.startswith("sns_verify/"):
        worst = max(worst, ratio)
    print(f"{name + ':':<44} {us:8.2f} us = {ratio:.2f}x openssl")
if worst > 2.0:
    print(f"bench-sns: sns_verify is {worst:.2f}x openssl: ABOVE the 2x target")
else:
    print(f"bench-sns: sns_verify is {worst:.2f}x openssl: within the 2x target")
PY
