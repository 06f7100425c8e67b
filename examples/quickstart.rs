//! The `ses-broker` lifecycle on built-in sample inputs: what a broker does with a
//! `cf create-service`, `cf update-service` and `cf bind-service`, printed step by step.
//!
//! Run it with `cargo run --example quickstart`.
#![allow(clippy::print_stdout, reason = "an example prints what it does")]
#![allow(
    clippy::indexing_slicing,
    reason = "indexing a serde_json::Value yields Null when the key is missing; it never panics"
)]

use ses_broker::{BindParams, Catalog, ProvisionParams};

type Error = Box<dyn std::error::Error>;

fn main() -> Result<(), Error> {
    step("1. The catalog the platform reads (GET /v2/catalog)");
    let catalog = Catalog::cloud_gov().to_json();
    let service = &catalog["services"][0];
    let plan = &service["plans"][0];
    println!(
        "offering {} ({}), plan {} ({}), parameter schemas for create, update and bind",
        service["name"], service["id"], plan["name"], plan["id"]
    );

    step("2. A tenant provisions: cf create-service aws-ses domain my-ses -c '...'");
    let request = r#"{
        "domain": "Agency.GOV",
        "admin_email": "email-admin@agency.gov",
        "dmarc_report_failure_recipients": ["dmarc@agency.gov"],
        "enable_feedback_notifications": "true",
        "mail_from_subdomain": "mail"
    }"#;
    println!("parameters sent:{request}");
    let params = ProvisionParams::from_json(request)?;
    println!(
        "normalised (what the broker stores):\n{}",
        serde_json::to_string_pretty(&params)?
    );

    step("3. A mistyped request gets every problem at once, as an OSBAPI 400 body");
    let bad =
        r#"{"admin_emial": "admin@agency.gov", "domain": "agency_gov", "region": "us-east-1"}"#;
    println!("parameters sent: {bad}");
    if let Err(errors) = ProvisionParams::from_json(bad) {
        println!("{errors}");
        println!("HTTP {} {}", errors.http_status(), errors.to_osbapi_body());
    }

    step("4. The tenant updates: cf update-service my-ses -c '...'");
    let update = params.update(r#"{"domain": "agency.gov", "mail_from_subdomain": "bounce"}"#)?;
    let changed: Vec<&str> = update.changed().iter().map(|f| f.as_str()).collect();
    println!("changed fields: {}", changed.join(", "));
    if let Err(errors) = params.update(r#"{"domain": "other.gov"}"#) {
        println!("changing the domain is refused: {errors}");
    }

    step("5. An app binds: cf bind-service my-app my-ses -c '...'");
    let bind = BindParams::from_json(
        r#"{"source_ips": ["203.0.113.0/24"], "notification_webhook": "https://hooks.agency.gov/ses"}"#,
    )?;
    println!("{}", serde_json::to_string_pretty(&bind)?);
    Ok(())
}

fn step(title: &str) {
    println!("\n== {title}");
}
