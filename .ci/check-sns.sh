#!/usr/bin/env bash
# Signs fresh SNS messages with OpenSSL (an outside tool) under a throwaway key, then asks
# `sesctl sns verify` about them: the authentic ones must pass and print their type, the
# forged ones must fail with exit 1. Needs openssl (Debian package `openssl`) and cargo.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v openssl >/dev/null || { echo "check-sns: openssl is missing (apt-get install openssl)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -subj '/CN=check-sns throwaway' \
  -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null

topic='arn:aws-us-gov:sns:us-gov-west-1:111122223333:check-sns-topic'
cert_url='https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-check.pem'
now=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
id="check-$(date +%s)-$$"
message='{"AlarmName":"csb-aws-ses-x-BounceRate-Critical","NewStateValue":"ALARM"}'
escaped=${message//\"/\\\"}

# make NAME VERSION DIGEST: a signed Notification in $tmp/NAME.json.
make() {
  local name=$1 version=$2 digest=$3
  printf 'Message\n%s\nMessageId\n%s\nSubject\n%s\nTimestamp\n%s\nTopicArn\n%s\nType\n%s\n' \
    "$message" "$id" "check $name" "$now" "$topic" Notification >"$tmp/$name.sts"
  local sig
  sig=$(openssl dgst "$digest" -sign "$tmp/key.pem" "$tmp/$name.sts" | base64 | tr -d '\n')
  cat >"$tmp/$name.json" <<JSON
{"Type":"Notification","MessageId":"$id","TopicArn":"$topic","Subject":"check $name",
 "Message":"$escaped","Timestamp":"$now","SignatureVersion":"$version",
 "Signature":"$sig","SigningCertURL":"$cert_url"}
JSON
}

verify() { # verify FILE TOPIC [extra args]: runs sesctl, leaves stdout/stderr in $tmp/out, $tmp/err
  local file=$1 want_topic=$2
  shift 2
  set +e
  cargo run --quiet --example sesctl -- sns verify \
    --cert "$tmp/cert.pem" --topic "$want_topic" "$@" <"$file" >"$tmp/out" 2>"$tmp/err"
  status=$?
  set -e
}

fail() { echo "check-sns: FAIL: $*" >&2; echo "stderr was:" >&2; cat "$tmp/err" >&2; exit 1; }
passed=0
pass() { passed=$((passed + 1)); echo "check-sns: ok: $*"; }

make v1 1 -sha1
make v2 2 -sha256

for v in v1 v2; do
  verify "$tmp/$v.json" "$topic" --type Notification --max-age 600
  [ "$status" -eq 0 ] || fail "authentic $v message exited $status"
  [ "$(cat "$tmp/out")" = Notification ] || fail "authentic $v printed '$(cat "$tmp/out")'"
  pass "authentic $v message verifies and prints Notification"
done

# One byte of Message changed after signing.
sed 's/"ALARM\\"/"ALARN\\"/' "$tmp/v2.json" >"$tmp/changed.json"
cmp -s "$tmp/v2.json" "$tmp/changed.json" && fail "the forgery did not change the message"
verify "$tmp/changed.json" "$topic"
[ "$status" -eq 1 ] || fail "changed message exited $status, expected 1"
grep -q '^Signature: ' "$tmp/err" || fail "changed message: no signature reason on stderr"
pass "changed message refused (exit 1): $(cat "$tmp/err")"

verify "$tmp/v1.json" "${topic}-other"
[ "$status" -eq 1 ] || fail "wrong topic exited $status, expected 1"
grep -q '^TopicArn: ' "$tmp/err" || fail "wrong topic: no topic reason on stderr"
pass "wrong topic refused (exit 1): $(cat "$tmp/err")"

sed 's#https://sns#http://sns#' "$tmp/v1.json" >"$tmp/http.json"
verify "$tmp/http.json" "$topic"
[ "$status" -eq 1 ] || fail "http certificate URL exited $status, expected 1"
pass "http certificate URL refused (exit 1): $(cat "$tmp/err")"

verify "$tmp/v1.json" "$topic" --type SubscriptionConfirmation
[ "$status" -eq 1 ] || fail "header/body mismatch exited $status, expected 1"
pass "header/body type mismatch refused (exit 1)"

verify "$tmp/v1.json" "$topic" --no-such-flag
[ "$status" -eq 2 ] || fail "usage error exited $status, expected 2"
pass "usage error exits 2"

# --now: the message and the certificate judged at a given time, not this machine's clock.
later=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)
expired=$(date -u -d '+3 days' +%Y-%m-%dT%H:%M:%SZ)
before=$(date -u -d '-1 day' +%Y-%m-%dT%H:%M:%SZ)

verify "$tmp/v2.json" "$topic" --max-age 600 --now "$now"
[ "$status" -eq 0 ] || fail "message checked as of its own time exited $status"
pass "an archived message verifies as of its own Timestamp (--now)"

verify "$tmp/v2.json" "$topic" --max-age 600 --now "$later"
[ "$status" -eq 1 ] || fail "a day-old message with --max-age 600 exited $status, expected 1"
grep -q '^Timestamp: ' "$tmp/err" || fail "day-old message: no age reason on stderr"
pass "the same message a day later is too old (exit 1): $(cat "$tmp/err")"

verify "$tmp/v1.json" "$topic" --now "$expired"
[ "$status" -eq 1 ] || fail "verified after the certificate expired: exited $status, expected 1"
grep -q '^certificate: is valid from ' "$tmp/err" || fail "expired certificate: no validity reason"
pass "certificate expired at --now refused (exit 1): $(cat "$tmp/err")"

verify "$tmp/v1.json" "$topic" --now "$before"
[ "$status" -eq 1 ] || fail "verified before the certificate was valid: exited $status, expected 1"
grep -q '^certificate: is valid from ' "$tmp/err" || fail "not-yet-valid certificate: no validity reason"
pass "certificate not yet valid at --now refused (exit 1)"

verify "$tmp/v1.json" "$topic" --now yesterday
[ "$status" -eq 2 ] || fail "--now yesterday exited $status, expected 2"
pass "--now that is not RFC 3339 exits 2"

echo "check-sns: $passed passed, 0 failed"
