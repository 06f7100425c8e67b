//! The instance outputs every binding carries, and what an update changes in them.

use crate::prelude::*;

use serde::Serialize;

use crate::dns::{DkimSigning, DnsError, RecordDiff};
use crate::instance::{BrokerConfig, Instance, InstanceError, Topic};
use crate::params::{ParamErrors, ProvisionField};
use crate::values::{Arn, DomainName, Region};

/// The output and credential keys, spelled once (credentials add the binding's keys).
pub(crate) mod key {
    pub(crate) const REGION: &str = "region";
    pub(crate) const DOMAIN: &str = "domain";
    pub(crate) const IDENTITY_ARN: &str = "identity_arn";
    pub(crate) const DOMAIN_ARN: &str = "domain_arn";
    pub(crate) const CONFIGURATION_SET_ARN: &str = "configuration_set_arn";
    pub(crate) const REPUTATION_TOPIC_ARN: &str = "reputation_topic_arn";
    pub(crate) const BOUNCE_TOPIC_ARN: &str = "bounce_topic_arn";
    pub(crate) const COMPLAINT_TOPIC_ARN: &str = "complaint_topic_arn";
    pub(crate) const DELIVERY_TOPIC_ARN: &str = "delivery_topic_arn";
    pub(crate) const REQUIRED_RECORDS: &str = "required_records";
    pub(crate) const INSTRUCTIONS: &str = "instructions";
    pub(crate) const SMTP_SERVER: &str = "smtp_server";
    pub(crate) const SMTP_USER: &str = "smtp_user";
    pub(crate) const SMTP_PASSWORD: &str = "smtp_password";
    pub(crate) const AWS_ACCESS_KEY_ID: &str = "aws_access_key_id";
    pub(crate) const AWS_SECRET_ACCESS_KEY: &str = "aws_secret_access_key";
    pub(crate) const NOTIFICATION_EMAIL: &str = "notification_email";
    pub(crate) const NOTIFICATION_WEBHOOK: &str = "notification_webhook";
    // Extra keys, not in the deployed broker's payload.
    pub(crate) const IDENTITY_DOMAIN: &str = "identity_domain";
    pub(crate) const MAIL_FROM_DOMAIN: &str = "mail_from_domain";
    pub(crate) const SMTP_PORT: &str = "smtp_port";
    pub(crate) const SMTP_TLS_PORT: &str = "smtp_tls_port";
}

/// What provisioning gives back, merged into every binding's credentials: key for key what
/// the deployed broker delivers, plus `identity_domain` and `mail_from_domain`.
///
/// Serialises as the deployed broker's outputs: `region`, `domain` (the MAIL FROM domain
/// when one is set, else the identity domain: the deployed broker's quirk, kept so that no
/// application breaks), `identity_arn`, `domain_arn` (deprecated twin), `configuration_set_arn`,
/// `reputation_topic_arn`, `bounce_topic_arn` / `complaint_topic_arn` / `delivery_topic_arn`
/// (`""` when feedback is off), `required_records` (the HCL-looking string) and
/// `instructions` (both absent for a generated domain); then the extra `identity_domain` and
/// `mail_from_domain` (absent when none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceOutputs {
    pub(crate) region: Region,
    pub(crate) identity_domain: DomainName,
    pub(crate) mail_from_domain: Option<DomainName>,
    pub(crate) identity_arn: Arn,
    pub(crate) configuration_set_arn: Arn,
    pub(crate) reputation_topic_arn: Arn,
    pub(crate) bounce_topic_arn: Option<Arn>,
    pub(crate) complaint_topic_arn: Option<Arn>,
    pub(crate) delivery_topic_arn: Option<Arn>,
    pub(crate) required_records: Option<String>,
    pub(crate) instructions: Option<String>,
}

impl InstanceOutputs {
    pub(crate) fn new(instance: &Instance, dkim: &DkimSigning) -> Result<Self, DnsError> {
        let required_records = if instance.domain_is_generated() {
            None
        } else {
            Some(instance.required_records(dkim)?.to_brokerpak_string())
        };
        Ok(Self {
            region: instance.region().clone(),
            identity_domain: instance.domain().clone(),
            mail_from_domain: instance.mail_from_domain().cloned(),
            identity_arn: instance.identity_arn().clone(),
            configuration_set_arn: instance.configuration_set_arn().clone(),
            reputation_topic_arn: instance.reputation_topic_arn().clone(),
            bounce_topic_arn: instance.topic_arn(Topic::Bounce).cloned(),
            complaint_topic_arn: instance.topic_arn(Topic::Complaint).cloned(),
            delivery_topic_arn: instance.topic_arn(Topic::Delivery).cloned(),
            required_records,
            instructions: instance.instructions(),
        })
    }

    /// The deployed broker's `domain`: the MAIL FROM domain when set, else the identity domain.
    #[must_use]
    pub fn domain(&self) -> &DomainName {
        self.mail_from_domain
            .as_ref()
            .unwrap_or(&self.identity_domain)
    }

    /// The identity (sending) domain.
    #[must_use]
    pub const fn identity_domain(&self) -> &DomainName {
        &self.identity_domain
    }

    /// The outputs as the JSON object bindings merge (keys as described on the type).
    #[must_use]
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// The keys whose values differ between `self` and `other`, in output order.
    #[must_use]
    pub fn changed_keys(&self, other: &Self) -> Vec<String> {
        let (serde_json::Value::Object(old), serde_json::Value::Object(new)) =
            (self.to_json(), other.to_json())
        else {
            return Vec::new();
        };
        let mut keys: Vec<String> = new
            .iter()
            .filter(|(k, v)| old.get(*k) != Some(*v))
            .map(|(k, _)| k.clone())
            .collect();
        keys.extend(old.keys().filter(|k| !new.contains_key(*k)).cloned());
        keys
    }
}

fn arn_or_empty(arn: Option<&Arn>) -> &str {
    arn.map_or("", Arn::as_str)
}

impl Serialize for InstanceOutputs {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = s.serialize_map(None)?;
        self.serialize_entries(&mut map)?;
        map.end()
    }
}

impl InstanceOutputs {
    /// Writes the outputs' entries into a map being serialized: the outputs alone, or the
    /// first part of a binding's credentials.
    pub(crate) fn serialize_entries<M: serde::ser::SerializeMap>(
        &self,
        map: &mut M,
    ) -> Result<(), M::Error> {
        map.serialize_entry(key::REGION, &self.region)?;
        map.serialize_entry(key::DOMAIN, self.domain())?;
        map.serialize_entry(key::IDENTITY_ARN, &self.identity_arn)?;
        map.serialize_entry(key::DOMAIN_ARN, &self.identity_arn)?;
        map.serialize_entry(key::CONFIGURATION_SET_ARN, &self.configuration_set_arn)?;
        map.serialize_entry(key::REPUTATION_TOPIC_ARN, &self.reputation_topic_arn)?;
        map.serialize_entry(
            key::BOUNCE_TOPIC_ARN,
            arn_or_empty(self.bounce_topic_arn.as_ref()),
        )?;
        map.serialize_entry(
            key::COMPLAINT_TOPIC_ARN,
            arn_or_empty(self.complaint_topic_arn.as_ref()),
        )?;
        map.serialize_entry(
            key::DELIVERY_TOPIC_ARN,
            arn_or_empty(self.delivery_topic_arn.as_ref()),
        )?;
        if let Some(records) = &self.required_records {
            map.serialize_entry(key::REQUIRED_RECORDS, records)?;
        }
        if let Some(instructions) = &self.instructions {
            map.serialize_entry(key::INSTRUCTIONS, instructions)?;
        }
        map.serialize_entry(key::IDENTITY_DOMAIN, &self.identity_domain)?;
        if let Some(mail_from) = &self.mail_from_domain {
            map.serialize_entry(key::MAIL_FROM_DOMAIN, mail_from)?;
        }
        Ok(())
    }
}

/// Why an update cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UpdateError {
    /// The update document is invalid (HTTP 400).
    #[error(transparent)]
    Params(#[from] ParamErrors),
    /// The merged parameters do not make a valid instance.
    #[error(transparent)]
    Instance(#[from] InstanceError),
    /// The records could not be derived.
    #[error(transparent)]
    Dns(#[from] DnsError),
}

/// An applied update: the instance to store and what the customer must know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstanceUpdate {
    instance: Instance,
    changed_params: Vec<ProvisionField>,
    changed_outputs: Vec<String>,
    records: RecordDiff,
}

impl InstanceUpdate {
    /// The updated instance.
    #[must_use]
    pub const fn instance(&self) -> &Instance {
        &self.instance
    }

    /// Takes the updated instance.
    #[must_use]
    pub fn into_instance(self) -> Instance {
        self.instance
    }

    /// The parameters that changed.
    #[must_use]
    pub fn changed_params(&self) -> &[ProvisionField] {
        &self.changed_params
    }

    /// The output keys whose values changed (bindings made before the update still hold the
    /// old values until they are re-created).
    #[must_use]
    pub fn changed_outputs(&self) -> &[String] {
        &self.changed_outputs
    }

    /// The DNS records the customer must add, change and remove.
    #[must_use]
    pub const fn records(&self) -> &RecordDiff {
        &self.records
    }
}

impl Instance {
    /// The instance outputs ([`InstanceOutputs`]), given the DKIM tokens and signing zone
    /// SES reported.
    ///
    /// # Errors
    /// [`DnsError`] when the records cannot be derived (see [`Self::required_records`]).
    pub fn outputs(&self, dkim: &DkimSigning) -> Result<InstanceOutputs, DnsError> {
        InstanceOutputs::new(self, dkim)
    }

    /// Applies an update document (`cf update-service -c`): the merged instance, the
    /// parameters and outputs that changed, and the DNS records to edit.
    ///
    /// # Errors
    /// [`UpdateError`]: invalid parameters (including a changed `domain`), a merged set
    /// that makes no valid instance, or records that cannot be derived.
    pub fn update(
        &self,
        config: &BrokerConfig,
        json: &str,
        dkim: &DkimSigning,
    ) -> Result<InstanceUpdate, UpdateError> {
        let update = self.params().update(json)?;
        let changed_params = update.changed().to_vec();
        let instance = Self::new(config, self.id().clone(), update.into_params())?;
        let changed_outputs = self.outputs(dkim)?.changed_keys(&instance.outputs(dkim)?);
        let records = self
            .required_records(dkim)?
            .diff(&instance.required_records(dkim)?);
        Ok(InstanceUpdate {
            instance,
            changed_params,
            changed_outputs,
            records,
        })
    }
}
