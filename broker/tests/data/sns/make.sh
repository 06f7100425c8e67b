#!/usr/bin/env bash
# Regenerates every file in this directory except README.md: a throwaway RSA key (deleted at
# the end), two self-signed certificates for it (one valid 2020 to 2100, one that expired in
# 2021), the pre-seeded certificate directories, and the SNS messages carrying CloudWatch
# alarms and confirmations, signed with `openssl dgst` (SHA1withRSA for SignatureVersion 1,
# SHA256withRSA for 2). Forgeries are not stored: the tests derive them from these messages.
# Needs bash, openssl and jq.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/key.pem" 2>/dev/null
openssl req -new -key "$tmp/key.pem" -out "$tmp/req.csr" \
  -subj '/O=ses-broker broker tests/CN=sns.amazonaws.com test signer (not trusted anywhere)'
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
unique_subject = no
[any]
commonName = supplied
CNF
# `openssl ca -selfsign` takes fixed dates; `openssl req -x509` would start at today.
certificate() { # certificate OUT START END
  openssl ca -batch -selfsign -notext -config "$tmp/ca.cnf" -keyfile "$tmp/key.pem" \
    -in "$tmp/req.csr" -startdate "$2" -enddate "$3" -out "$1" 2>/dev/null
}
certificate cert.pem 20200101000000Z 21000101000000Z
certificate expired-cert.pem 20200101000000Z 20210101000000Z

pem=SimpleNotificationService-7e1c0b3a9d5f4e2a8c6b1d0f3e5a7c9b.pem
cert_url="https://sns.us-gov-west-1.amazonaws.com/$pem"
rm -rf certificates expired-certificates
mkdir certificates expired-certificates
cp cert.pem "certificates/$pem"
cp expired-cert.pem "expired-certificates/$pem"

account=111122223333
email="arn:aws-us-gov:sns:us-gov-west-1:$account:platform-email"
chat="arn:aws-us-gov:sns:us-gov-west-1:$account:platform-chat"
other="arn:aws-us-gov:sns:us-gov-west-1:$account:someone-elses-topic"
set_name=csb-aws-ses-4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f

# sign NAME: reads the unsigned message on stdin and writes NAME.json, signed over the
# string-to-sign (for each key of the type's list that is present and not null: the key,
# LF, the value, LF) with the digest its SignatureVersion calls for.
sign() {
  local unsigned digest
  unsigned=$(cat)
  case $(jq -r .SignatureVersion <<<"$unsigned") in
    1) digest=-sha1 ;;
    *) digest=-sha256 ;;
  esac
  jq -j '. as $m
    | (if .Type == "Notification"
       then ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
       else ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"]
       end)
    | map(select($m[.] != null) | "\(.)\n\($m[.])\n") | join("")' <<<"$unsigned" >"$tmp/sts"
  sig=$(openssl dgst "$digest" -sign "$tmp/key.pem" "$tmp/sts" | base64 -w0)
  jq --arg sig "$sig" '.Signature = $sig' <<<"$unsigned" >"$1.json"
}

# alarm NAME STATE OLD ACCOUNT REGION SHAPE: a CloudWatch alarm notification's Message, the
# single-metric shape the broker's alarms have or the metric-math shape of earlier ones.
alarm() {
  jq -cn --arg name "$1" --arg state "$2" --arg old "$3" --arg account "$4" --arg region "$5" \
    --arg shape "$6" --arg set "$set_name" --arg topic "$email" '{
    AlarmName: $name,
    AlarmDescription: "Reputation alarm of the SES broker",
    AWSAccountId: $account,
    AlarmConfigurationUpdatedTimestamp: "2026-11-02T14:00:03.120+0000",
    NewStateValue: $state,
    NewStateReason: "Threshold Crossed: 1 out of the last 1 datapoints [0.05 (30/11/26 05:35:00)] was greater than or equal to the threshold (0.04) (minimum 1 datapoint for OK -> ALARM transition).",
    StateChangeTime: "2026-11-30T05:40:12.345+0000",
    Region: "AWS GovCloud (US-West)",
    AlarmArn: "arn:aws-us-gov:cloudwatch:\($region):\($account):alarm:\($name)",
    OldStateValue: $old,
    OKActions: [$topic],
    AlarmActions: [$topic],
    InsufficientDataActions: [],
    Trigger: (if $shape == "single" then {
      MetricName: "Reputation.BounceRate", Namespace: "AWS/SES", StatisticType: "Statistic",
      Statistic: "AVERAGE", Unit: null,
      Dimensions: [{value: $set, name: "ses:configuration-set"}],
      Period: 300, EvaluationPeriods: 1, DatapointsToAlarm: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold", Threshold: 0.04,
      TreatMissingData: "ignore", EvaluateLowSampleCountPercentile: ""
    } else {
      Period: 300, EvaluationPeriods: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold", Threshold: 1.0,
      TreatMissingData: "missing", EvaluateLowSampleCountPercentile: "",
      Metrics: [
        {Expression: "IF(m1 >= 0.04, 1, 0)", Id: "critical_e1", Label: "BounceRateCritical", ReturnData: true},
        {Id: "m1", ReturnData: false, MetricStat: {Period: 300, Stat: "Average", Metric: {
          Dimensions: [{value: $set, name: "ConfigurationSetName"}],
          MetricName: "BounceRate", Namespace: "AWS/SES"}}}
      ]
    } end)
  }'
}

# notification NAME ID TOPIC VERSION MESSAGE: a signed Notification.
notification() {
  jq -n --arg id "$2" --arg topic "$3" --arg version "$4" --arg msg "$5" --arg cert "$cert_url" '{
    Type: "Notification",
    MessageId: $id,
    TopicArn: $topic,
    Subject: "ALARM: reputation alarm in AWS GovCloud (US-West)",
    Message: $msg,
    Timestamp: "2026-11-30T05:40:12.402Z",
    SignatureVersion: $version,
    Signature: "",
    SigningCertURL: $cert,
    UnsubscribeURL: "https://sns.us-gov-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=\($topic):0d4c9b1e-7f2a-4e3b-9c5d-6a7b8c9d0e1f"
  }' | sign "$1"
}

# confirmation NAME ID TOPIC TYPE VERSION: a signed SubscriptionConfirmation or
# UnsubscribeConfirmation.
confirmation() {
  local token=2336412f37fb687f5d51e6e2425c464de12884f3d5b2e0a1c7d9e8f6a5b4c3d2
  jq -n --arg id "$2" --arg topic "$3" --arg type "$4" --arg version "$5" --arg token "$token" \
    --arg cert "$cert_url" '{
    Type: $type,
    MessageId: $id,
    Token: $token,
    TopicArn: $topic,
    Message: "You have chosen to subscribe to the topic \($topic).\nTo confirm the subscription, visit the SubscribeURL included in this message.",
    SubscribeURL: "https://sns.us-gov-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=\($topic)&Token=\($token)",
    Timestamp: "2026-11-30T05:00:04.751Z",
    SignatureVersion: $version,
    Signature: "",
    SigningCertURL: $cert
  }' | sign "$1"
}

critical="$set_name-BounceRate-Critical"
warning="$set_name-BounceRate-Warning"
id() { printf '5b0e6a52-8c1f-4d7e-9a43-%012d' "$1"; }

notification bounce-critical-alarm-v1 "$(id 1)" "$email" 1 \
  "$(alarm "$critical" ALARM OK $account us-gov-west-1 single)"
notification bounce-critical-alarm-math-v2 "$(id 2)" "$email" 2 \
  "$(alarm "$critical" ALARM OK $account us-gov-west-1 math)"
notification bounce-critical-ok-v1 "$(id 3)" "$email" 1 \
  "$(alarm "$critical" OK ALARM $account us-gov-west-1 single)"
notification bounce-critical-insufficient-data-v2 "$(id 4)" "$email" 2 \
  "$(alarm "$critical" INSUFFICIENT_DATA OK $account us-gov-west-1 single)"
notification bounce-warning-alarm-v1 "$(id 5)" "$email" 1 \
  "$(alarm "$warning" ALARM OK $account us-gov-west-1 single)"
notification other-account-alarm-v1 "$(id 6)" "$email" 1 \
  "$(alarm "$critical" ALARM OK 444455556666 us-gov-west-1 single)"
notification other-region-alarm-v1 "$(id 7)" "$email" 1 \
  "$(alarm "$critical" ALARM OK $account us-gov-east-1 single)"
notification unknown-alarm-v1 "$(id 8)" "$email" 1 \
  "$(alarm SES-BounceRate-Critical-Identity-example.gov ALARM OK $account us-gov-west-1 single)"
notification not-an-alarm-v2 "$(id 9)" "$chat" 2 "A test message published by an operator"
notification other-topic-alarm-v1 "$(id 10)" "$other" 1 \
  "$(alarm "$critical" ALARM OK $account us-gov-west-1 single)"
confirmation subscription-confirmation-v1 "$(id 11)" "$chat" SubscriptionConfirmation 1
confirmation subscription-confirmation-other-topic-v2 "$(id 12)" "$other" SubscriptionConfirmation 2
confirmation unsubscribe-confirmation-v1 "$(id 13)" "$email" UnsubscribeConfirmation 1
