#!/usr/bin/env bash
# Regenerates every file in this directory except README.md and src/: a fresh throwaway RSA
# key and self-signed certificate, the authentic messages signed with `openssl dgst`, their
# strings-to-sign, and the forgeries derived from them. The strings-to-sign are built here
# with jq, independently of the crate, so the tests compare two implementations.
# Needs bash, openssl and jq. The private keys live in a temporary directory and are deleted.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# A self-signed certificate with fixed validity dates (2020 to 2100), so freshness tests at
# the messages' 2026 timestamps also pass the certificate's validity check. `openssl req
# -x509` would start the validity now; `openssl ca -selfsign` takes -startdate.
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/key.pem" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/other-key.pem" 2>/dev/null
openssl req -new -key "$tmp/key.pem" -out "$tmp/req.csr" \
  -subj '/O=ses-broker tests/CN=sns.amazonaws.com test signer (not trusted anywhere)'
touch "$tmp/index.txt"
echo 01 >"$tmp/serial"
cat >"$tmp/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
database = $tmp/index.txt
new_certs_dir = $tmp
serial = $tmp/serial
default_md = sha256
policy = any
[any]
commonName = supplied
CNF
openssl ca -batch -selfsign -notext -config "$tmp/ca.cnf" -keyfile "$tmp/key.pem" \
  -in "$tmp/req.csr" -startdate 20200101000000Z -enddate 21000101000000Z -out cert.pem 2>/dev/null

topic='arn:aws-us-gov:sns:us-gov-west-1:111122223333:platform-email-notifications'
cert_url='https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef0123456789abcdef.pem'

# The string-to-sign of the message on stdin: for each key of the type's list that is
# present and not null, the key, LF, the value, LF.
string_to_sign() {
  jq -j '. as $m
    | (if .Type == "Notification"
       then ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
       else ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
       end)
    | map(select($m[.] != null) | "\(.)\n\($m[.])\n") | join("")'
}

# sign NAME KEY: reads the unsigned message on stdin, writes NAME.json (signed) and
# NAME.sts (its string-to-sign), with the digest its SignatureVersion calls for.
sign() {
  local name=$1 key=$2 unsigned digest
  unsigned=$(cat)
  case $(jq -r .SignatureVersion <<<"$unsigned") in
    1) digest=-sha1 ;;
    *) digest=-sha256 ;;
  esac
  string_to_sign <<<"$unsigned" >"$name.sts"
  sig=$(openssl dgst "$digest" -sign "$key" "$name.sts" | base64 -w0)
  jq --arg sig "$sig" '.Signature = $sig' <<<"$unsigned" >"$name.json"
}

alarm=$(jq -c . src/alarm.json)
bounce=$(jq -c . ../events/bounce-event.json)

jq -n --arg topic "$topic" --arg cert "$cert_url" --arg msg "$alarm" '{
  Type: "Notification",
  MessageId: "5b0e6a52-8c1f-5d7e-9a43-2f6d1c0b7e11",
  TopicArn: $topic,
  Subject: "ALARM: \"csb-aws-ses-4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f-BounceRate-Critical\" in AWS GovCl...",
  Message: $msg,
  Timestamp: "2026-11-30T05:40:12.402Z",
  SignatureVersion: "1",
  Signature: "",
  SigningCertURL: $cert,
  UnsubscribeURL: "https://sns.us-gov-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws-us-gov:sns:us-gov-west-1:111122223333:platform-email-notifications:0d4c9b1e-7f2a-4e3b-9c5d-6a7b8c9d0e1f"
}' | sign notification-alarm-v1 "$tmp/key.pem"

jq -n --arg topic "$topic" --arg cert "$cert_url" --arg msg "$bounce" '{
  Type: "Notification",
  MessageId: "8d2f4b61-3a5c-5e7f-8b9d-0c1e2f3a4b5c",
  TopicArn: $topic,
  Message: $msg,
  Timestamp: "2026-11-30T05:31:03.118Z",
  SignatureVersion: "2",
  Signature: "",
  SigningCertURL: $cert,
  UnsubscribeURL: "https://sns.us-gov-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws-us-gov:sns:us-gov-west-1:111122223333:platform-email-notifications:0d4c9b1e-7f2a-4e3b-9c5d-6a7b8c9d0e1f"
}' | sign notification-bounce-v2 "$tmp/key.pem"

# The Lambda record spellings, a null Subject, attributes, and a message with escapes.
jq -n --arg topic "$topic" --arg cert "$cert_url" '{
  Type: "Notification",
  MessageId: "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
  TopicArn: $topic,
  Subject: null,
  Message: "caf\u00e9 \"quoted\"\ttab\nsecond line \u2603",
  Timestamp: "2026-11-30T06:01:00.000Z",
  SignatureVersion: "1",
  Signature: "",
  SigningCertUrl: $cert,
  UnsubscribeUrl: "https://sns.us-gov-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=x",
  MessageAttributes: {}
}' | sign notification-lambda-v1 "$tmp/key.pem"
# jq writes non-ASCII as is; escape it as a JSON producer may, to exercise decoding.
sed -i 's/\xc3\xa9/\\u00e9/; s/\xe2\x98\x83/\\u2603/' notification-lambda-v1.json

token=2336412f37fb687f5d51e6e2425c464de12884f3d5b2e0a1c7d9e8f6a5b4c3d2
jq -n --arg topic "$topic" --arg cert "$cert_url" --arg token "$token" '{
  Type: "SubscriptionConfirmation",
  MessageId: "0f6a3c1e-2b4d-4e8f-9a1b-3c5d7e9f1a2b",
  Token: $token,
  TopicArn: $topic,
  Message: "You have chosen to subscribe to the topic \($topic).\nTo confirm the subscription, visit the SubscribeURL included in this message.",
  SubscribeURL: "https://sns.us-gov-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=\($topic)&Token=\($token)",
  Timestamp: "2026-11-30T05:00:04.751Z",
  SignatureVersion: "1",
  Signature: "",
  SigningCertURL: $cert
}' | sign subscription-confirmation-v1 "$tmp/key.pem"

jq -n --arg topic "$topic" --arg cert "$cert_url" --arg token "$token" '{
  Type: "UnsubscribeConfirmation",
  MessageId: "47138184-6831-46b8-8f7c-afc488602d7d",
  Token: $token,
  TopicArn: $topic,
  Message: "You have chosen to deactivate subscription \($topic):0d4c9b1e-7f2a-4e3b-9c5d-6a7b8c9d0e1f.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.",
  SubscribeURL: "https://sns.us-gov-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=\($topic)&Token=\($token)",
  Timestamp: "2026-11-30T07:12:40.004Z",
  SignatureVersion: "2",
  Signature: "",
  SigningCertURL: $cert
}' | sign unsubscribe-confirmation-v2 "$tmp/key.pem"

# An UnsubscribeConfirmation without SubscribeURL (as in a Lambda fixture).
jq 'del(.SubscribeURL) | .SignatureVersion = "1"' unsubscribe-confirmation-v2.json \
  | sign unsubscribe-confirmation-no-url-v1 "$tmp/key.pem"

# Forgeries: each must be refused.
a=notification-alarm-v1.json
jq '.Message |= sub("\"NewStateValue\":\"ALARM\""; "\"NewStateValue\":\"ALARN\"")' $a >forged-changed-message.json
jq '.Subject = "OK: all clear"' $a >forged-changed-subject.json
jq '.TopicArn = "arn:aws-us-gov:sns:us-gov-west-1:444455556666:platform-email-notifications"' $a >forged-changed-topic.json
jq '.Timestamp = "2026-11-30T05:59:59.999Z"' $a >forged-changed-timestamp.json
jq '.SigningCertURL |= sub("amazonaws.com/"; "amazonaws.com.attacker.example/")' $a >forged-cert-host.json
jq '.SigningCertURL |= sub("sns.us-gov-west-1"; "sns.us-east-1")' $a >forged-cert-region.json
jq '.SigningCertURL |= sub("^https:"; "http:")' $a >forged-cert-http.json
jq '.SignatureVersion = "3"' $a >forged-signature-version-3.json
jq '.SignatureVersion = "2"' $a >forged-v1-relabelled-v2.json
jq '.Type = "UnsubscribeConfirmation"' subscription-confirmation-v1.json >forged-changed-type.json
jq '.SubscribeURL |= sub("sns.us-gov-west-1.amazonaws.com"; "sns-confirm.attacker.example")' \
  subscription-confirmation-v1.json >forged-subscribe-host.json
# Signed correctly, but with the attacker's own key: the certificate from cert.pem refuses it.
jq '.Message |= sub("\"NewStateValue\":\"ALARM\""; "\"NewStateValue\":\"OK\"")' $a \
  | sign forged-other-key "$tmp/other-key.pem"
rm forged-other-key.sts
