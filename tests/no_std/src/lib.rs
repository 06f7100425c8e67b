//! A `#![no_std]` consumer of `ses-broker`: the whole lifecycle through the public API with
//! only `core` and `alloc`. `cargo build` here proves the core builds without `std`; the
//! test (which runs with `std`, as every test harness does) proves the answers.
#![cfg_attr(not(test), no_std)]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use ses_broker::dns::{DkimSigning, RecordFormat};
use ses_broker::reputation::{Counts, Level, Thresholds};
use ses_broker::smtp;
use ses_broker::values::{AccessKeyId, Region, SecretAccessKey};
use ses_broker::{AccessKey, BindParams, Binding, BrokerConfig, Instance, ProvisionParams};

/// What one run of the lifecycle produced.
#[derive(Debug)]
pub struct Lifecycle {
    /// The instance's configuration set name.
    pub configuration_set: String,
    /// The records to publish, as zone-file lines.
    pub zone: String,
    /// The SMTP password derived for the binding's key.
    pub smtp_password: String,
    /// The credentials the application sees, secrets redacted.
    pub credentials_json: String,
    /// The bounce level of 400 bounces in 10,000 sends.
    pub bounce_level: Level,
    /// Whether that assessment pauses sending.
    pub pauses: bool,
}

/// Provision, derive records, bind, derive the SMTP password, read the credentials and
/// assess a reputation sample, all without `std`.
///
/// # Errors
/// A description of the first step that failed.
pub fn lifecycle() -> Result<Lifecycle, String> {
    let config = BrokerConfig::from_json(
        r#"{"region": "us-gov-west-1", "account_id": "111122223333",
            "default_zone": "appmail.cloud.gov"}"#,
    )
    .map_err(|e| e.to_string())?;
    let params = ProvisionParams::from_json(
        r#"{"domain": "agency.gov", "admin_email": "admin@agency.gov",
            "mail_from_subdomain": "mail", "enable_feedback_notifications": "true"}"#,
    )
    .map_err(|e| e.to_string())?;
    let id = "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
        .parse()
        .map_err(|e: ses_broker::values::ValueError| e.to_string())?;
    let instance = Instance::new(&config, id, params).map_err(|e| e.to_string())?;

    let tokens: Vec<_> = [
        "4hzwn5lmznmmjyl2pqf2agr3uzzzzxyz",
        "6na6lcj7onl5bco4ytfj4ud7p6t7kvtp",
        "abcdefghijklmnopqrstuvwxyz234567",
    ]
    .iter()
    .map(|t| {
        t.parse()
            .map_err(|e: ses_broker::values::ValueError| e.to_string())
    })
    .collect::<Result<_, _>>()?;
    let tokens: [_; 3] = tokens
        .try_into()
        .map_err(|_| String::from("three tokens"))?;
    let dkim = DkimSigning::for_region(tokens, instance.region()).map_err(|e| e.to_string())?;
    let records = instance
        .required_records(&dkim)
        .map_err(|e| e.to_string())?;
    let zone = records.render(RecordFormat::Zone);

    let bind = BindParams::from_json(r#"{"source_ips": ["203.0.113.0/24"]}"#)
        .map_err(|e| e.to_string())?;
    let binding_id = "0e9d8c7b-6a5f-4e3d-2c1b-a09f8e7d6c5b"
        .parse()
        .map_err(|e: ses_broker::values::ValueError| e.to_string())?;
    let plan = Binding::plan(&instance, binding_id, bind);
    let key = AccessKey::new(
        AccessKeyId::parse("AKIAIOSFODNN7EXAMPLE").map_err(|e| e.to_string())?,
        SecretAccessKey::parse("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
            .map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let region = Region::parse("us-east-1").map_err(|e| e.to_string())?;
    let smtp_password = smtp::password(key.secret(), &region)
        .expose_secret()
        .to_string();
    let binding = plan
        .with_access_key(&instance, key)
        .map_err(|e| e.to_string())?;
    let outputs = instance.outputs(&dkim).map_err(|e| e.to_string())?;
    let credentials = binding.credentials(&outputs).map_err(|e| e.to_string())?;
    let credentials_json = serde_json_string(&credentials)?;

    let assessment = Thresholds::cloud_gov()
        .assess_counts(Counts::new(10_000, 400, 0).map_err(|e| e.to_string())?);
    Ok(Lifecycle {
        configuration_set: instance.configuration_set_name().to_string(),
        zone,
        smtp_password,
        credentials_json,
        bounce_level: assessment.bounce().level(),
        pauses: assessment.pause_sending(),
    })
}

fn serde_json_string(credentials: &ses_broker::Credentials) -> Result<String, String> {
    serde_json::to_string(credentials).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "a test fails by panicking")]
    use super::*;

    #[test]
    fn the_lifecycle_works_without_std() {
        let run = lifecycle().unwrap();
        assert_eq!(
            run.configuration_set,
            "csb-aws-ses-4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
        );
        assert!(run.zone.contains("_dmarc.agency.gov."), "{}", run.zone);
        assert!(run.zone.contains("mail.agency.gov."), "{}", run.zone);
        // The published vector for this key in us-east-1 (AWS's documentation example).
        assert_eq!(
            run.smtp_password,
            "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9"
        );
        assert!(run.credentials_json.contains("AKIAIOSFODNN7EXAMPLE"));
        assert!(!run.credentials_json.contains("wJalrXUtnFEMI"));
        assert_eq!(run.bounce_level, Level::Critical);
        assert!(run.pauses);
    }
}
