#!/usr/bin/env python3
"""A scripted OSBAPI lifecycle against the broker (broker/: ses-broker-server --aws memory),
stdlib only.

catalog -> provision -> get -> update -> bind -> get binding -> unbind -> deprovision, with
bad parameters, a changed domain, an unknown plan, conflicts, repeats and missing headers
along the way. Every response's status and key body fields are asserted; the first mismatch
ends the run with exit status 1.

Usage: broker_lifecycle.py BASE_URL USERNAME PASSWORD
"""

import base64
import json
import re
import time
import sys
import urllib.error
import urllib.request

SERVICE_ID = "260f2ead-b9e9-48b5-9a01-6e3097208ad7"
PLAN_ID = "35ffb84b-a898-442e-b5f9-0a6a5229827d"
INSTANCE = "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
BINDING = "0e9d8c7b-6a5f-4e3d-2c1b-a09f8e7d6c5b"
GENERATED = "5b3c1f4e-8a2d-4c7e-9f10-2d6a7b8c9e01"
IDS = f"service_id={SERVICE_ID}&plan_id={PLAN_ID}"

BASE, USER, PASSWORD = sys.argv[1:4]
PASSED = 0


def call(method, path, body=None, *, auth=(USER, PASSWORD), version="2.17", raw=None):
    """One request; returns (status, parsed JSON body or None, headers)."""
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    request = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if auth is not None:
        token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
    if version is not None:
        request.add_header("X-Broker-API-Version", version)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            status, text, headers = response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        status, text, headers = error.code, error.read(), error.headers
    return status, (json.loads(text) if text else None), headers


def expect(what, got, want):
    global PASSED
    if got != want:
        print(f"FAIL {what}: got {got!r}, want {want!r}")
        sys.exit(1)
    PASSED += 1
    print(f"ok   {what}")


def expect_status(what, result, status):
    expect(f"{what}: HTTP {status}", result[0], status)
    return result[1]


def poll(what, path):
    """Polls `path/last_operation` until the operation is no longer in progress."""
    for _ in range(200):
        status, body, _ = call("GET", f"{path}/last_operation")
        if status != 200 or body.get("state") != "in progress":
            return status, body
        time.sleep(0.05)
    expect(f"{what}: finished within 10 s", False, True)
    return status, body


def provision_body(parameters, plan_id=PLAN_ID, service_id=SERVICE_ID):
    body = {
        "service_id": service_id,
        "plan_id": plan_id,
        "organization_guid": "org-guid",
        "space_guid": "space-guid",
        "context": {"platform": "cloudfoundry", "instance_name": "my-ses"},
    }
    if parameters is not None:
        body["parameters"] = parameters
    return body


def main():
    instance_path = f"/v2/service_instances/{INSTANCE}"
    binding_path = f"{instance_path}/service_bindings/{BINDING}"

    # Authentication and version.
    expect_status("catalog without credentials", call("GET", "/v2/catalog", auth=None), 401)
    expect_status("catalog with a wrong password", call("GET", "/v2/catalog", auth=(USER, "nope")), 401)
    expect_status("catalog without X-Broker-API-Version", call("GET", "/v2/catalog", version=None), 412)
    expect_status("catalog at API version 1.0", call("GET", "/v2/catalog", version="1.0"), 412)
    expect_status("catalog at API version 3.0", call("GET", "/v2/catalog", version="3.0"), 412)
    expect_status("catalog at API version 2.12 (any 2.x)", call("GET", "/v2/catalog", version="2.12"), 200)
    expect_status("catalog at API version 2.17.1", call("GET", "/v2/catalog", version="2.17.1"), 200)

    # Catalog.
    catalog = expect_status("catalog", call("GET", "/v2/catalog"), 200)
    service = catalog["services"][0]
    expect("catalog service id", service["id"], SERVICE_ID)
    expect("catalog service name", service["name"], "aws-ses")
    expect("catalog plan id", service["plans"][0]["id"], PLAN_ID)
    expect("catalog plan_updateable", service["plans"][0]["plan_updateable"], False)
    schemas = service["plans"][0]["schemas"]
    expect("catalog create schema requires admin_email",
           schemas["service_instance"]["create"]["parameters"]["required"], ["admin_email"])

    # Provision: refusals first (a 4xx leaves nothing behind).
    good = {"domain": "Agency.GOV", "admin_email": "email-admin@agency.gov",
            "enable_feedback_notifications": True}
    body = expect_status("provision with an unknown plan",
                         call("PUT", instance_path, provision_body(good, plan_id="no-such-plan")), 400)
    expect("unknown plan is named", "plan_id" in body["description"], True)
    body = expect_status("provision with an unknown service",
                         call("PUT", instance_path, provision_body(good, service_id="nope")), 400)
    expect("unknown service is named", "service_id" in body["description"], True)
    missing = provision_body(good)
    del missing["service_id"]
    expect_status("provision without service_id", call("PUT", instance_path, missing), 400)
    missing = provision_body(good)
    del missing["plan_id"]
    expect_status("provision without plan_id", call("PUT", instance_path, missing), 400)
    missing = provision_body(good)
    del missing["organization_guid"]
    expect_status("provision without organization_guid", call("PUT", instance_path, missing), 400)
    missing = provision_body(good)
    del missing["space_guid"]
    expect_status("provision without space_guid", call("PUT", instance_path, missing), 400)
    expect_status("provision with malformed JSON", call("PUT", instance_path, raw=b"{\"service_id\": "), 400)
    expect_status("provision with a JSON array", call("PUT", instance_path, raw=b"[]"), 400)
    body = expect_status(
        "provision with bad parameters",
        call("PUT", instance_path, provision_body(
            {"domian": "agency.gov", "admin_email": "not-an-address", "region": "us-east-1"})),
        400)
    expect("bad parameters: error code", body["error"], "InvalidParameters")
    for needle in ["domian: unknown parameter; did you mean domain?", "admin_email:", "region:"]:
        expect(f"bad parameters: description mentions {needle!r}", needle in body["description"], True)
    expect_status("provision without parameters (admin_email is required)",
                  call("PUT", instance_path, provision_body(None)), 400)
    expect_status("get before provisioning", call("GET", instance_path), 404)
    expect_status("last_operation before provisioning",
                  call("GET", f"{instance_path}/last_operation"), 404)

    # Provision.
    accepted = expect_status("provision (asynchronous)", call(
        "PUT", f"{instance_path}?accepts_incomplete=true", provision_body(good)), 202)
    expect("provision: an operation to poll", isinstance(accepted.get("operation"), str), True)
    status, last = poll("provision", instance_path)
    expect("provision: last_operation", (status, last.get("state")), (200, "succeeded"))
    created = expect_status("get the provisioned instance", call("GET", instance_path), 200)
    attributes = created["metadata"]["attributes"]
    expect("provision: domain normalised", attributes["domain"], "agency.gov")
    records = attributes["required_records"]
    expect("provision: record keys", sorted(records), sorted([
        "dkim_record_0", "dkim_record_1", "dkim_record_2",
        "dmarc_verification_record", "spf_verification_record"]))
    dkim = records["dkim_record_0"]
    expect("provision: DKIM is a CNAME", dkim["type"], "CNAME")
    token = dkim["name"].split(".")[0]
    expect("provision: DKIM token is 32 base32 characters",
           bool(re.fullmatch(r"[a-z2-7]{32}", token)), True)
    expect("provision: DKIM target", dkim["records"], [f"{token}.dkim.amazonses.com"])
    expect("provision: DMARC policy", records["dmarc_verification_record"]["records"][0].startswith(
        "v=DMARC1; p=reject;"), True)
    expect("provision: instructions given", "agency.gov" in attributes["instructions"], True)

    repeat = expect_status("identical provision again", call("PUT", instance_path, provision_body(good)), 200)
    expect("identical provision: same records", repeat["metadata"]["attributes"]["required_records"], records)
    expect_status("conflicting provision",
                  call("PUT", instance_path, provision_body(dict(good, admin_email="other@agency.gov"))),
                  409)
    expect_status("provision of the same domain under another id",
                  call("PUT", "/v2/service_instances/another-instance", provision_body(good)), 409)

    # Get.
    got = expect_status("get instance", call("GET", instance_path), 200)
    expect("get: service_id", got["service_id"], SERVICE_ID)
    expect("get: plan_id", got["plan_id"], PLAN_ID)
    expect("get: parameters normalised", got["parameters"]["domain"], "agency.gov")
    expect("get: admin_email", got["parameters"]["admin_email"], "email-admin@agency.gov")
    expect("get: feedback on", got["parameters"]["enable_feedback_notifications"], True)
    lastop = expect_status("instance last_operation", call("GET", f"{instance_path}/last_operation"), 200)
    expect("instance last_operation state", lastop["state"], "succeeded")

    # Update.
    update = {"service_id": SERVICE_ID, "plan_id": PLAN_ID,
              "previous_values": {"plan_id": PLAN_ID}}
    body = expect_status("update with a changed domain",
                         call("PATCH", instance_path, dict(update, parameters={"domain": "other.gov"})), 400)
    expect("changed domain: error code", body["error"], "InvalidParameters")
    expect("changed domain: description names domain",
           "domain: cannot change" in body["description"], True)
    expect_status("update with bad parameters",
                  call("PATCH", instance_path, dict(update, parameters={"mail_from_subdomain": "a b"})), 400)
    expect_status("update to another plan (plan_updateable is false)",
                  call("PATCH", instance_path, dict(update, plan_id="another-plan")), 422)
    expect_status("update without service_id",
                  call("PATCH", instance_path, {"parameters": {}}), 400)
    expect_status("update of an unknown instance",
                  call("PATCH", "/v2/service_instances/nope", dict(update, parameters={})), 404)
    expect_status("update without parameters", call("PATCH", instance_path, update), 200)
    got = expect_status("get after refused updates", call("GET", instance_path), 200)
    expect("refused updates changed nothing", got["parameters"].get("mail_from_subdomain"), None)
    updated = expect_status("update mail_from_subdomain",
                            call("PATCH", instance_path, dict(update, parameters={"mail_from_subdomain": "mail"})),
                            200)
    changes = updated["metadata"]["attributes"]
    expect("update: changed parameters", changes["changed_parameters"], ["mail_from_subdomain"])
    expect("update: mail_from_domain among changed outputs", "mail_from_domain" in changes["changed_outputs"], True)
    added = {(r["name"], r["type"]) for r in changes["records_to_change"]["add"]}
    expect("update: MX record to add", ("mail.agency.gov", "MX") in added, True)
    got = expect_status("get after update", call("GET", instance_path), 200)
    expect("get: mail_from_subdomain stored", got["parameters"]["mail_from_subdomain"], "mail")
    expect("get: domain kept", got["parameters"]["domain"], "agency.gov")

    # Bind.
    bind = {"service_id": SERVICE_ID, "plan_id": PLAN_ID,
            "bind_resource": {"app_guid": "app-guid"}, "context": {"platform": "cloudfoundry"}}
    body = expect_status("bind with bad parameters",
                         call("PUT", binding_path, dict(bind, parameters={"source_ips": ["300.1.1.1"]})), 400)
    expect("bad bind parameters: error code", body["error"], "InvalidParameters")
    expect("bad bind parameters: names the item", "source_ips[0]" in body["description"], True)
    expect_status("bind with an unknown plan", call("PUT", binding_path, dict(bind, plan_id="nope")), 400)
    expect_status("bind to an unknown instance",
                  call("PUT", f"/v2/service_instances/nope/service_bindings/{BINDING}", bind), 404)
    expect_status("get binding before binding", call("GET", binding_path), 404)
    bind_params = {"source_ips": ["203.0.113.0/24"], "notification_email": "ops@agency.gov"}
    bound = expect_status("bind", call("PUT", binding_path, dict(bind, parameters=bind_params)), 201)
    credentials = bound["credentials"]
    expect("bind: smtp_user is the access key id", credentials["smtp_user"], credentials["aws_access_key_id"])
    expect("bind: access key id looks like IAM's",
           bool(re.fullmatch(r"AKIA[A-Z2-7]{16}", credentials["aws_access_key_id"])), True)
    expect("bind: secret is 40 characters", len(credentials["aws_secret_access_key"]), 40)
    expect("bind: SMTP password is 44 base64 characters", len(credentials["smtp_password"]), 44)
    expect("bind: SMTP server", credentials["smtp_server"], "email-smtp-fips.us-gov-west-1.amazonaws.com")
    expect("bind: smtp_port", credentials["smtp_port"], 587)
    expect("bind: domain (MAIL FROM, as deployed)", credentials["domain"], "mail.agency.gov")
    expect("bind: identity_domain", credentials["identity_domain"], "agency.gov")
    expect("bind: notification_email", credentials["notification_email"], "ops@agency.gov")
    expect("bind: bounce topic ARN", credentials["bounce_topic_arn"].startswith("arn:aws-us-gov:sns:"), True)
    again = expect_status("identical bind again", call("PUT", binding_path, dict(bind, parameters=bind_params)), 200)
    expect("identical bind: same credentials", again["credentials"], credentials)
    expect_status("conflicting bind", call("PUT", binding_path, dict(bind, parameters={})), 409)
    got = expect_status("get binding", call("GET", binding_path), 200)
    expect("get binding: credentials", got["credentials"], credentials)
    expect("get binding: parameters", got["parameters"]["source_ips"], ["203.0.113.0/24"])
    lastop = expect_status("binding last_operation", call("GET", f"{binding_path}/last_operation"), 200)
    expect("binding last_operation state", lastop["state"], "succeeded")

    # Unbind.
    expect_status("unbind without service_id and plan_id", call("DELETE", binding_path), 400)
    expect_status("unbind with an unknown plan",
                  call("DELETE", f"{binding_path}?service_id={SERVICE_ID}&plan_id=nope"), 400)
    expect_status("unbind", call("DELETE", f"{binding_path}?{IDS}"), 200)
    expect_status("unbind again (gone)", call("DELETE", f"{binding_path}?{IDS}"), 410)
    expect_status("get binding after unbind", call("GET", binding_path), 404)
    expect_status("binding last_operation after unbind", call("GET", f"{binding_path}/last_operation"), 410)

    # A generated domain: the broker publishes the records itself.
    generated_path = f"/v2/service_instances/{GENERATED}"
    body = expect_status("provision with a generated domain",
                         call("PUT", generated_path, provision_body({"admin_email": "a@agency.gov"})), 201)
    attributes = body["metadata"]["attributes"]
    expect("generated domain under the zone", attributes["domain"].endswith(".appmail.cloud.gov"), True)
    expect("generated domain: DNS managed by the broker", attributes["dns_managed_by_broker"], True)
    expect_status("deprovision the generated domain", call("DELETE", f"{generated_path}?{IDS}"), 200)

    # Deprovision.
    expect_status("deprovision without service_id and plan_id", call("DELETE", instance_path), 400)
    expect_status("deprovision with an unknown plan",
                  call("DELETE", f"{instance_path}?service_id={SERVICE_ID}&plan_id=nope"), 400)
    expect_status("deprovision (asynchronous)",
                  call("DELETE", f"{instance_path}?{IDS}&accepts_incomplete=true"), 202)
    status, _ = poll("deprovision", instance_path)
    expect("deprovision: last_operation is gone", status, 410)
    expect_status("deprovision again (gone)", call("DELETE", f"{instance_path}?{IDS}"), 410)
    expect_status("deprovision of an instance never made",
                  call("DELETE", f"/v2/service_instances/never-made?{IDS}"), 410)
    expect_status("get after deprovision", call("GET", instance_path), 404)
    expect_status("last_operation after deprovision", call("GET", f"{instance_path}/last_operation"), 410)
    expect_status("provision again after deprovision", call("PUT", instance_path, provision_body(good)), 201)
    expect_status("deprovision again", call("DELETE", f"{instance_path}?{IDS}"), 200)

    # Routing.
    expect_status("unknown endpoint", call("GET", "/v2/nothing"), 404)
    status, _, headers = call("POST", "/v2/catalog", {})
    expect("POST catalog: HTTP 405", status, 405)
    expect("405 carries Allow", headers.get("Allow"), "GET")

    print(f"lifecycle: {PASSED} passed, 0 failed")


if __name__ == "__main__":
    main()
