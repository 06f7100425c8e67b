#!/usr/bin/env python3
"""Prints moto's SES v2 configuration sets as JSON, normalised like tests/support/mod.rs.

The AWS SDK for Rust cannot deserialize moto's `GetConfigurationSet` answer ("expected
ValueBool or ValueNull"), and SES v1 `DescribeConfigurationSet` from moto leaves out the
delivery and reputation options, so the emulator test reads configuration sets with boto3.
`SendingEnabled` is left out: moto does not serve sending options (it always reads false).

Usage: moto_configuration_sets.py ENDPOINT REGION
"""

import json
import sys

import boto3

endpoint, region = sys.argv[1:3]
client = boto3.client(
    "sesv2",
    endpoint_url=endpoint,
    region_name=region,
    aws_access_key_id="test",
    aws_secret_access_key="test",
)
sets = {}
for name in client.list_configuration_sets().get("ConfigurationSets", []):
    got = client.get_configuration_set(ConfigurationSetName=name)
    sets[name] = {
        "TlsPolicy": got.get("DeliveryOptions", {}).get("TlsPolicy"),
        "ReputationMetricsEnabled": got.get("ReputationOptions", {}).get("ReputationMetricsEnabled"),
        "SuppressedReasons": sorted(got.get("SuppressionOptions", {}).get("SuppressedReasons", [])),
        "Tags": {t["Key"]: t["Value"] for t in got.get("Tags", [])},
    }
json.dump(sets, sys.stdout)
