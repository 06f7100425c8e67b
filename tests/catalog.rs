//! SPEC §1: the catalog, its OSBAPI v2.17 fields and its draft-04 parameter schemas.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use serde_json::{Value, json};
use ses_broker::{BindParams, Catalog, ProvisionParams, catalog::PLAN_ID, catalog::SERVICE_ID};

fn schemas() -> [(&'static str, Value); 3] {
    [
        ("service_instance.create", Catalog::instance_create_schema()),
        ("service_instance.update", Catalog::instance_update_schema()),
        ("service_binding.create", Catalog::binding_create_schema()),
    ]
}

#[test]
fn offering_and_plan_carry_the_deployed_ids_and_names() {
    let c = Catalog::cloud_gov().to_json();
    let service = &c["services"][0];
    assert_eq!(c["services"].as_array().unwrap().len(), 1);
    assert_eq!(service["id"], SERVICE_ID);
    assert_eq!(service["id"], "260f2ead-b9e9-48b5-9a01-6e3097208ad7");
    assert_eq!(service["name"], "aws-ses");
    assert_eq!(
        service["metadata"]["displayName"],
        "AWS Simple Email Service"
    );
    assert_eq!(service["tags"], json!(["aws", "csb"]));
    assert_eq!(service["bindable"], true);
    assert_eq!(service["plan_updateable"], false);
    let plan = &service["plans"][0];
    assert_eq!(plan["id"], PLAN_ID);
    assert_eq!(plan["id"], "35ffb84b-a898-442e-b5f9-0a6a5229827d");
    assert_eq!(plan["name"], "domain");
    assert_eq!(plan["metadata"]["displayName"], "Send-only service");
}

#[test]
fn required_osbapi_fields_are_present_and_typed() {
    let c = Catalog::cloud_gov().to_json();
    for service in c["services"].as_array().unwrap() {
        for field in ["name", "id", "description"] {
            assert!(
                service[field].as_str().is_some_and(|s| !s.is_empty()),
                "service {field}"
            );
        }
        assert!(service["bindable"].is_boolean());
        // OSBAPI: names are CLI-friendly (lowercase, no spaces).
        let name = service["name"].as_str().unwrap();
        assert!(name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'));
        let plans = service["plans"].as_array().unwrap();
        assert!(!plans.is_empty());
        for plan in plans {
            for field in ["id", "name", "description"] {
                assert!(
                    plan[field].as_str().is_some_and(|s| !s.is_empty()),
                    "plan {field}"
                );
            }
            assert!(plan["free"].is_boolean());
        }
    }
}

#[test]
fn every_schema_is_valid_draft_04_with_schema_key_and_closed_objects() {
    for (name, schema) in schemas() {
        assert_eq!(
            schema["$schema"], "http://json-schema.org/draft-04/schema#",
            "{name}"
        );
        assert_eq!(schema["additionalProperties"], false, "{name}");
        assert_eq!(schema["type"], "object", "{name}");
        if let Err(e) = jsonschema::draft4::meta::validate(&schema) {
            panic!("{name} is not a valid draft-04 schema: {e}");
        }
        let size = serde_json::to_string(&schema).unwrap().len();
        assert!(size < 64 * 1024, "{name} is {size} bytes");
        for (key, property) in schema["properties"].as_object().unwrap() {
            let description = property["description"].as_str().unwrap_or_default();
            assert!(
                description.len() > 20,
                "{name}.{key} needs a description a cf user can act on"
            );
        }
    }
}

#[test]
fn the_catalog_carries_the_same_schemas() {
    let c = Catalog::cloud_gov().to_json();
    let s = &c["services"][0]["plans"][0]["schemas"];
    assert_eq!(
        s["service_instance"]["create"]["parameters"],
        Catalog::instance_create_schema()
    );
    assert_eq!(
        s["service_instance"]["update"]["parameters"],
        Catalog::instance_update_schema()
    );
    assert_eq!(
        s["service_binding"]["create"]["parameters"],
        Catalog::binding_create_schema()
    );
}

#[test]
fn schemas_agree_with_the_parsers_on_sample_documents() {
    let create = jsonschema::draft4::new(&Catalog::instance_create_schema()).unwrap();
    let update = jsonschema::draft4::new(&Catalog::instance_update_schema()).unwrap();
    let bind = jsonschema::draft4::new(&Catalog::binding_create_schema()).unwrap();
    let accepted = [
        json!({"admin_email": "a@agency.gov"}),
        json!({"admin_email": "a@agency.gov", "domain": "agency.gov", "enable_feedback_notifications": "true", "mail_from_subdomain": "mail"}),
        json!({"admin_email": "a@agency.gov", "dmarc_report_aggregate_recipients": ["r@agency.gov"], "dmarc_report_failure_recipients": null}),
    ];
    for doc in &accepted {
        assert!(ProvisionParams::from_value(doc).is_ok(), "{doc}");
        assert!(create.is_valid(doc), "schema refuses {doc}");
        assert!(update.is_valid(doc), "update schema refuses {doc}");
    }
    // Refused by both: unknown keys, a missing admin_email, wrong types.
    for doc in [
        json!({"admin_email": "a@agency.gov", "region": "us-east-1"}),
        json!({"domain": "agency.gov"}),
        json!({"admin_email": "a@agency.gov", "enable_feedback_notifications": "yes"}),
        json!({"admin_email": "a@agency.gov", "dmarc_report_aggregate_recipients": "r@agency.gov"}),
    ] {
        assert!(ProvisionParams::from_value(&doc).is_err(), "{doc}");
        assert!(!create.is_valid(&doc), "schema accepts {doc}");
    }
    assert!(update.is_valid(&json!({"enable_feedback_notifications": true})));
    let b = json!({"source_ips": ["203.0.113.0/24"], "notification_webhook": "https://hooks.agency.gov/x"});
    assert!(BindParams::from_value(&b).is_ok() && bind.is_valid(&b));
    let b = json!({"source_ip": []});
    assert!(BindParams::from_value(&b).is_err() && !bind.is_valid(&b));
    let b = json!({"notification_webhook": "http://hooks.agency.gov/x"});
    assert!(BindParams::from_value(&b).is_err() && !bind.is_valid(&b));
}
