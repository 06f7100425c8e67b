//! The OSBAPI catalog: the `aws-ses` offering, its `domain` plan and parameter schemas.

use crate::prelude::*;

use serde_json::{Value, json};

use crate::params::{MAX_RECIPIENTS, MAX_SENDING_DOMAIN_LEN, MAX_SOURCE_IPS};

/// The `aws-ses` service offering id: the deployed broker's, so existing instances keep it.
pub const SERVICE_ID: &str = "260f2ead-b9e9-48b5-9a01-6e3097208ad7";
/// The `domain` plan id: the deployed broker's, so existing instances keep it.
pub const PLAN_ID: &str = "35ffb84b-a898-442e-b5f9-0a6a5229827d";
/// The service offering name, also the `VCAP_SERVICES` label.
pub const SERVICE_NAME: &str = "aws-ses";
/// The plan name.
pub const PLAN_NAME: &str = "domain";

const DRAFT_04: &str = "http://json-schema.org/draft-04/schema#";

/// Why a request's `service_id` / `plan_id` pair is not in the catalog.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogError {
    /// `service_id` is not `aws-ses`'s.
    #[error("service_id: {0} is not a service offering of this broker")]
    UnknownService(String),
    /// `plan_id` is not a plan of the offering.
    #[error("plan_id: {0} is not a plan of the aws-ses offering")]
    UnknownPlan(String),
}

/// The broker's catalog (`GET /v2/catalog`), Open Service Broker API v2.17.
///
/// One offering, `aws-ses`, with one plan, `domain`, carrying draft-04 JSON Schemas for
/// instance create, instance update and binding create (the deployed cloud.gov catalog has
/// none, so `cf` users get no help from it).
///
/// ```
/// use ses_broker::Catalog;
/// let catalog = Catalog::cloud_gov().to_json();
/// assert_eq!(catalog["services"][0]["name"], "aws-ses");
/// assert_eq!(catalog["services"][0]["plans"][0]["name"], "domain");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Catalog {
    documentation_url: String,
    support_url: String,
}

impl Catalog {
    /// The catalog as cloud.gov offers the service.
    #[must_use]
    pub fn cloud_gov() -> Self {
        Self {
            documentation_url: "https://docs.cloud.gov/platform/services/aws-ses/".to_owned(),
            support_url: "https://cloud.gov/docs/help/".to_owned(),
        }
    }

    /// The catalog response body.
    #[must_use]
    pub fn to_json(&self) -> Value {
        json!({
            "services": [{
                "name": SERVICE_NAME,
                "id": SERVICE_ID,
                "description": "Amazon Simple Email Service (SES) in AWS GovCloud: send email over SMTP or the SES API from a verified domain",
                "tags": ["aws", "csb"],
                "bindable": true,
                "instances_retrievable": true,
                "bindings_retrievable": true,
                "plan_updateable": false,
                "metadata": {
                    "displayName": "AWS Simple Email Service",
                    "longDescription": "Send email from your own domain (you publish the DNS records the instance gives you) or from a domain cloud.gov generates and manages. Each binding gets its own SMTP and API credentials. cloud.gov watches bounce and complaint rates, warns admin_email at 2 % bounces or 0.04 % complaints, and pauses sending at 4 % or 0.08 %.",
                    "providerDisplayName": "cloud.gov",
                    "documentationUrl": self.documentation_url,
                    "supportUrl": self.support_url,
                },
                "plans": [{
                    "id": PLAN_ID,
                    "name": PLAN_NAME,
                    "description": "Credentials for sending email from any user at a domain",
                    "free": false,
                    "bindable": true,
                    "plan_updateable": false,
                    "metadata": {
                        "displayName": "Send-only service",
                        "bullets": [
                            "Send from a domain you own, or from a generated one",
                            "SMTP and SES API credentials per binding",
                            "DKIM, SPF and DMARC (p=reject) records provided",
                            "Bounce, complaint and delivery notifications on request",
                        ],
                    },
                    "schemas": {
                        "service_instance": {
                            "create": {"parameters": Self::instance_create_schema()},
                            "update": {"parameters": Self::instance_update_schema()},
                        },
                        "service_binding": {
                            "create": {"parameters": Self::binding_create_schema()},
                        },
                    },
                }],
            }],
        })
    }

    /// Checks a request's `service_id` and `plan_id` against the catalog.
    ///
    /// # Errors
    /// [`CatalogError`] naming the id that is not known.
    pub fn check_ids(&self, service_id: &str, plan_id: &str) -> Result<(), CatalogError> {
        if service_id != SERVICE_ID {
            return Err(CatalogError::UnknownService(crate::values::excerpt(
                service_id,
            )));
        }
        if plan_id != PLAN_ID {
            return Err(CatalogError::UnknownPlan(crate::values::excerpt(plan_id)));
        }
        Ok(())
    }

    /// The draft-04 JSON Schema of the provision parameters.
    #[must_use]
    pub fn instance_create_schema() -> Value {
        object_schema(
            "Parameters for cf create-service aws-ses domain NAME -c '{...}'",
            provision_properties(
                "The domain to send from, such as agency.gov. You must then publish the DNS records the instance gives you. Leave it out to get a generated domain whose records cloud.gov manages. It cannot change later.",
            ),
            &["admin_email"],
        )
    }

    /// The draft-04 JSON Schema of the update parameters (every field optional).
    #[must_use]
    pub fn instance_update_schema() -> Value {
        object_schema(
            "Parameters for cf update-service NAME -c '{...}'; fields left out keep their value",
            provision_properties(
                "The instance's sending domain cannot change: leave this out, or send the current value. To send from another domain, create a new instance.",
            ),
            &[],
        )
    }

    /// The draft-04 JSON Schema of the bind parameters.
    #[must_use]
    pub fn binding_create_schema() -> Value {
        let properties = json!({
            "source_ips": {
                "type": ["array", "null"],
                "description": format!("Only allow sending with these credentials from these IP ranges, in CIDR notation such as 203.0.113.0/24 (at most {MAX_SOURCE_IPS}). Leave it out to allow any address."),
                "items": {"type": "string", "maxLength": 43},
                "maxItems": MAX_SOURCE_IPS,
                "uniqueItems": true,
                "default": [],
            },
            "notification_email": {
                "type": ["string", "null"],
                "description": "An email address to subscribe to the instance's bounce, complaint and delivery notifications. The instance needs enable_feedback_notifications set to true.",
                "maxLength": 254,
            },
            "notification_webhook": {
                "type": ["string", "null"],
                "description": "An https URL on a public host to subscribe to the instance's bounce, complaint and delivery notifications; your endpoint must confirm the SNS subscription. The instance needs enable_feedback_notifications set to true.",
                "pattern": "^https://",
                "maxLength": 2048,
            },
        });
        object_schema(
            "Parameters for cf bind-service APP NAME -c '{...}' or cf create-service-key NAME KEY -c '{...}'",
            properties,
            &[],
        )
    }
}

fn object_schema(title: &str, properties: Value, required: &[&str]) -> Value {
    let mut schema = json!({
        "$schema": DRAFT_04,
        "title": title,
        "type": "object",
        "additionalProperties": false,
        "properties": properties,
    });
    if !required.is_empty()
        && let Some(object) = schema.as_object_mut()
    {
        object.insert("required".to_owned(), json!(required));
    }
    schema
}

fn recipients(description: &str) -> Value {
    json!({
        "type": ["array", "null"],
        "description": description,
        "items": {"type": "string", "maxLength": 254},
        "maxItems": MAX_RECIPIENTS,
        "uniqueItems": true,
        "default": [],
    })
}

fn provision_properties(domain_description: &str) -> Value {
    let properties = json!({
        "domain": {
            "type": ["string", "null"],
            "description": domain_description,
            "maxLength": MAX_SENDING_DOMAIN_LEN,
        },
        "admin_email": {
            "type": "string",
            "description": "The address that receives reputation warnings and critical alarms, and DMARC reports unless you list other recipients. Letters, digits and . _ - + before the @.",
            "minLength": 3,
            "maxLength": 254,
        },
        "dmarc_report_aggregate_recipients": recipients(
            "Addresses for DMARC aggregate (rua) reports, besides the CISA address federal domains must use. Empty: admin_email.",
        ),
        "dmarc_report_failure_recipients": recipients(
            "Addresses for DMARC failure (ruf) reports. Empty: admin_email.",
        ),
        "enable_feedback_notifications": {
            "type": ["boolean", "string", "null"],
            "enum": [true, false, "true", "false", null],
            "description": "true creates bounce, complaint and delivery notification topics that bindings can subscribe to (the strings \"true\" and \"false\" are accepted too).",
            "default": false,
        },
        "mail_from_subdomain": {
            "type": ["string", "null"],
            "description": "Send with a custom MAIL FROM domain <mail_from_subdomain>.<domain>, such as mail for mail.agency.gov; you then publish its MX and SPF records too. Letters, digits, hyphens; dots between labels.",
            "pattern": "^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)?$",
        },
    });
    properties
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::indexing_slicing,
        reason = "tests fail by panicking"
    )]
    use super::*;
    use crate::params::{BIND_KEYS, PROVISION_KEYS};

    fn keys(schema: &Value) -> Vec<String> {
        let mut keys: Vec<String> = schema["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        keys.sort();
        keys
    }

    #[test]
    fn schemas_describe_exactly_the_parsed_keys() {
        let mut provision: Vec<String> = PROVISION_KEYS.iter().map(|k| (*k).to_owned()).collect();
        provision.sort();
        assert_eq!(keys(&Catalog::instance_create_schema()), provision);
        assert_eq!(keys(&Catalog::instance_update_schema()), provision);
        let mut bind: Vec<String> = BIND_KEYS.iter().map(|k| (*k).to_owned()).collect();
        bind.sort();
        assert_eq!(keys(&Catalog::binding_create_schema()), bind);
    }

    #[test]
    fn ids_are_checked() {
        let c = Catalog::cloud_gov();
        assert!(c.check_ids(SERVICE_ID, PLAN_ID).is_ok());
        assert!(matches!(
            c.check_ids("x", PLAN_ID),
            Err(CatalogError::UnknownService(_))
        ));
        assert!(matches!(
            c.check_ids(SERVICE_ID, "y"),
            Err(CatalogError::UnknownPlan(_))
        ));
    }
}
