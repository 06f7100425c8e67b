//! The operator's configuration: a file, or the built-in demonstration, and (with the SDK)
//! the account and principal STS reports.

use std::path::Path;

use serde_json::{Map, Value};

/// The configuration used without `--config`: a made-up GovCloud account, for trying the
/// broker against the in-memory stand-in (which starts with the parent zone of generated
/// domains, as a real account would).
pub const DEMO: &str = r#"{
    "region": "us-gov-west-1",
    "account_id": "111122223333",
    "default_zone": "appmail.cloud.gov",
    "parent_hosted_zone_id": "Z0DEMOPARENTZONE",
    "environment": "demo",
    "broker_principal_arn": "arn:aws-us-gov:iam::111122223333:user/ses-broker",
    "platform_topic_arns": ["arn:aws-us-gov:sns:us-gov-west-1:111122223333:platform-email"]
}"#;

/// Who the broker is in AWS, from STS `GetCallerIdentity`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallerIdentity {
    /// The account id.
    pub account: String,
    /// The caller's ARN.
    pub arn: String,
}

/// The configuration text: the file at `path`, or [`DEMO`].
///
/// # Errors
/// The file cannot be read; the message names it.
pub fn read(path: Option<&Path>) -> Result<String, String> {
    match path {
        None => Ok(DEMO.to_owned()),
        Some(path) => std::fs::read_to_string(path)
            .map_err(|e| format!("--config {}: cannot read it: {e}", path.display())),
    }
}

/// `config` with `account_id` checked against (or, when absent, taken from) STS's answer,
/// and `broker_principal_arn` taken from STS's answer when absent.
///
/// # Errors
/// The text is not a JSON object, or its `account_id` is another account than the
/// credentials are for.
pub fn with_identity(config: &str, identity: &CallerIdentity) -> Result<String, String> {
    let mut object: Map<String, Value> = match serde_json::from_str(config) {
        Ok(Value::Object(object)) => object,
        Ok(_) => return Err("the configuration must be a JSON object".to_owned()),
        Err(e) => return Err(format!("the configuration is not JSON: {e}")),
    };
    match object.get("account_id") {
        None | Some(Value::Null) => {
            object.insert(
                "account_id".to_owned(),
                Value::String(identity.account.clone()),
            );
        }
        Some(Value::String(account)) if *account == identity.account => {}
        Some(other) => {
            return Err(format!(
                "account_id: the configuration names {other}, but the AWS credentials are for account {:?} ({}); fix the configuration or the credentials, or leave account_id out to use the credentials' account",
                identity.account, identity.arn
            ));
        }
    }
    if matches!(object.get("broker_principal_arn"), None | Some(Value::Null)) {
        object.insert(
            "broker_principal_arn".to_owned(),
            Value::String(identity.arn.clone()),
        );
    }
    Ok(Value::Object(object).to_string())
}

/// The `region` of a configuration text, before it is read whole (the AWS clients need it
/// to ask STS for the account the rest is checked against).
///
/// # Errors
/// The text is not JSON, or has no string `region`.
pub fn region(config: &str) -> Result<String, String> {
    let value: Value =
        serde_json::from_str(config).map_err(|e| format!("the configuration is not JSON: {e}"))?;
    value
        .get("region")
        .and_then(Value::as_str)
        .map(ToOwned::to_owned)
        .ok_or_else(|| "region: is required".to_owned())
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::indexing_slicing,
        reason = "a failed assertion is how a test reports; indexing a Value never panics"
    )]
    use super::*;

    fn moto() -> CallerIdentity {
        CallerIdentity {
            account: "123456789012".to_owned(),
            arn: "arn:aws:sts::123456789012:user/moto".to_owned(),
        }
    }

    #[test]
    fn an_absent_account_comes_from_sts() {
        let config = with_identity(r#"{"region": "us-east-1"}"#, &moto()).unwrap();
        let value: Value = serde_json::from_str(&config).unwrap();
        assert_eq!(value["account_id"], "123456789012");
        assert_eq!(value["region"], "us-east-1");
        assert_eq!(
            value["broker_principal_arn"],
            "arn:aws:sts::123456789012:user/moto"
        );
    }

    #[test]
    fn a_configured_principal_is_kept() {
        let config = with_identity(
            r#"{"broker_principal_arn": "arn:aws:iam::123456789012:role/broker"}"#,
            &moto(),
        )
        .unwrap();
        assert!(config.contains("role/broker"), "{config}");
    }

    #[test]
    fn the_demonstration_reads_and_has_its_region() {
        assert!(ses_broker::BrokerConfig::from_json(DEMO).is_ok());
        assert_eq!(region(DEMO).unwrap(), "us-gov-west-1");
        assert!(region("{}").unwrap_err().contains("region"));
    }

    #[test]
    fn a_matching_account_is_kept() {
        let config = with_identity(r#"{"account_id": "123456789012"}"#, &moto()).unwrap();
        assert!(config.contains("123456789012"));
    }

    #[test]
    fn another_account_is_refused_naming_both() {
        let error = with_identity(DEMO, &moto()).unwrap_err();
        assert!(error.starts_with("account_id:"), "{error}");
        assert!(
            error.contains("111122223333") && error.contains("123456789012"),
            "{error}"
        );
    }

    #[test]
    fn not_an_object_is_refused() {
        assert!(
            with_identity("[]", &moto())
                .unwrap_err()
                .contains("JSON object")
        );
        assert!(
            with_identity("{", &moto())
                .unwrap_err()
                .contains("not JSON")
        );
    }
}
