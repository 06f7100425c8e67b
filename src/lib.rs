//! # ses-broker
//!
//! The pure core of an **Amazon SES service broker**: the logic behind cloud.gov's
//! "AWS Simple Email Service" offering, as a library with no I/O.
//!
//! [cloud.gov](https://cloud.gov) offers Amazon SES (in AWS GovCloud) as a service through the
//! [Open Service Broker API](https://github.com/openservicebrokerapi/servicebroker): a tenant
//! creates an `aws-ses` instance on the `domain` plan, publishes the DNS records it is given,
//! binds applications, and each binding gets SMTP and SES API credentials. The platform
//! watches bounce and complaint rates and pauses sending before AWS acts against the whole
//! account. This crate is that logic: the catalog, parameter validation, names and ARNs, DNS
//! records, the SMTP password, binding credentials, reputation thresholds and alarm
//! decisions, and SNS / SES notification parsing. It never opens a socket, reads a file or
//! the clock: what the world knows comes in as arguments, what the world must do goes out as
//! values. The caller (a broker, an operator tool, an application) does the I/O.
//!
//! ## A first look
//!
//! ```
//! use ses_broker::{BindParams, Catalog, ProvisionParams};
//!
//! // What the platform reads from GET /v2/catalog.
//! let catalog = Catalog::cloud_gov().to_json();
//! assert_eq!(catalog["services"][0]["name"], "aws-ses");
//!
//! // `cf create-service aws-ses domain my-ses -c '{...}'`: validated, normalised.
//! let params = ProvisionParams::from_json(r#"{
//!     "domain": "Agency.GOV",
//!     "admin_email": "admin@agency.gov",
//!     "enable_feedback_notifications": "true"
//! }"#)?;
//! assert_eq!(params.domain().map(|d| d.as_str()), Some("agency.gov"));
//!
//! // Bad input gets every problem at once, each with its field path.
//! let errors = ProvisionParams::from_json(r#"{"admin_email": "x", "domian": "a.gov"}"#)
//!     .unwrap_err();
//! assert_eq!(errors.to_string(), "admin_email: is not an email address: it has no '@'\n\
//!                                 domian: unknown parameter; did you mean domain?");
//!
//! // `cf bind-service my-app my-ses -c '{...}'`.
//! let bind = BindParams::from_json(r#"{"source_ips": ["203.0.113.0/24"]}"#)?;
//! assert_eq!(bind.source_ips().len(), 1);
//! # Ok::<(), ses_broker::ParamErrors>(())
//! ```
//!
//! ## Map of the crate
//!
//! - Validated values ([`DomainName`], [`EmailAddress`], [`Region`], [`Arn`], ...): each can
//!   only be made through its parser, so no invalid value exists; `Display` is canonical.
//! - [`Catalog`]: the OSBAPI v2.17 catalog with draft-04 parameter schemas.
//! - [`ProvisionParams`], [`BindParams`], [`Update`]: parameters, with [`ParamErrors`].
//! - [`BrokerConfig`], [`Instance`], [`InstanceOutputs`]: what provisioning derives: the
//!   sending domain, resource names, ARNs, and the outputs every binding carries.
//! - [`RequiredRecords`] and the rest of the DNS model: the records a customer publishes,
//!   their renderings, [`check`] against what DNS answers, and [`RecordDiff`] for updates.
//! - [`Binding`], [`Credentials`], [`smtp::password`], [`VcapServices`]: what binding
//!   makes, what the application sees, and how it reads it back.
//! - [`Thresholds`], [`AlarmDefinition`], [`AlarmNotification`]: reputation protection.
//! - [`sns`]: SNS messages an HTTPS endpoint receives: parsing, string-to-sign, certificate
//!   and subscribe URL rules, topic and age checks; signatures with the `verify` feature.
//! - [`events`]: SES sending events (bounce, complaint, delivery, ...) in both formats.
#![forbid(unsafe_code)]

// The public interface: private modules, each re-exported below (`smtp` is also a public
// path, for `smtp::password`).
mod binding;
mod catalog;
mod credentials;
mod dns;
mod instance;
mod names;
mod outputs;
mod params;
mod reputation;
mod secret;
pub mod smtp;
// Named concepts with several types each: public modules (`sns::Message`, `events::Event`).
pub mod events;
pub mod sns;
mod values;
mod vcap;

pub use binding::{
    BindError, BindWarning, Binding, BindingPlan, IAM_PATH, MAX_INLINE_POLICY_CHARS, Policy,
    Protocol, Subscription,
};
pub use catalog::{Catalog, CatalogError, PLAN_ID, PLAN_NAME, SERVICE_ID, SERVICE_NAME};
pub use credentials::{Credentials, CredentialsError, WithSecrets};
pub use instance::{
    BrokerConfig, ConfigError, Instance, InstanceError, MAX_DEFAULT_ZONE_LEN, NAME_PREFIX, Topic,
    generated_domain,
};
pub use names::{AlarmName, ConfigurationSetName, IamPath, IamUserName, KmsAlias, TopicName};
pub use outputs::{InstanceOutputs, InstanceUpdate, UpdateError};
pub use params::{
    BindParams, MAX_DMARC_RECORD_LEN, MAX_DOCUMENT_BYTES, MAX_RECIPIENTS, MAX_SENDING_DOMAIN_LEN,
    MAX_SOURCE_IPS, ParamError, ParamErrorKind, ParamErrors, ProvisionField, ProvisionParams,
    ProvisionParamsBuilder, ROOT_PATH, Update,
};
pub use secret::{AccessKey, AccessKeyId, SecretAccessKey, SmtpPassword};
pub use smtp::{SmtpEndpoint, SmtpError, SmtpPort, TlsMode};
pub use values::{
    AccountId, Arn, BindingId, DomainName, EmailAddress, InstanceId, MailFromSubdomain, Partition,
    Region, SourceIp, ValueError, ValueKind, WebhookUrl,
};

pub use reputation::{
    AlarmDecision, AlarmDefinition, AlarmDimension, AlarmError, AlarmKind, AlarmNames,
    AlarmNotification, AlarmState, Assessment, AwsStanding, Counts, Dimension, IgnoreReason, Level,
    Metric, MetricAssessment, MetricQuery, MetricThresholds, NotifyTarget, Plan, Rates, Ratio,
    RecognisedAlarm, ReputationError, Severity, Thresholds, Trigger, TriggerShape, WatchedMetric,
    configuration_set_of,
};

pub use dns::{
    BrokerManagedRecords, CISA_AGGREGATE_ADDRESS, ChangeBatch, CheckReport, Conflict, DkimSigning,
    DkimToken, DmarcError, DmarcPolicy, DmarcRecipients, DmarcRecord, DmarcUri, DnsError,
    MAX_CHARACTER_STRING, MxData, ObservedRecord, OwnerName, RecordChange, RecordCheck, RecordData,
    RecordDiff, RecordFormat, RecordKey, RecordSet, RecordStatus, RecordType, RequiredRecords,
    ResourceRecord, ResourceRecordSet, Route53Change, SPF_LOOKUP_LIMIT, SpfError, SpfLookups,
    SpfMerge, SpfRecord, SpfTerm, SpfTermKind, Ttl, TxtData, check, default_signing_zone,
    required_records, route53_change_batch, zone_file_fragment,
};
pub use vcap::{SesBinding, VcapError, VcapServices, VcapWithSecrets};
