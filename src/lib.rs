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
//! assert_eq!(errors.http_status(), 400); // and `errors.to_osbapi_body()` is the OSBAPI body
//!
//! // `cf bind-service my-app my-ses -c '{...}'`.
//! let bind = BindParams::from_json(r#"{"source_ips": ["203.0.113.0/24"]}"#)?;
//! assert_eq!(bind.source_ips().len(), 1);
//! # Ok::<(), ses_broker::ParamErrors>(())
//! ```
//!
//! ## Tutorial: from `cf create-service` to a paused configuration set
//!
//! Six steps follow one instance from provisioning to a paused configuration set. Each is
//! a doctest that runs; the lines that rebuild the previous steps' values are hidden (read
//! the source to see them). `examples/quickstart.rs` runs the same lifecycle in one
//! program, and the [`rationale`] page says why the numbers and names are what they are.
//!
//!
//! ### 1. Provision: parameters and configuration become an instance
//!
//! The platform sends the tenant's parameters; the operator configured the broker once.
//! [`Instance::new`] derives everything AWS will be asked to create, with no call to AWS:
//!
//! ```
//! use ses_broker::{BrokerConfig, Instance, ProvisionParams};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//!
//! let config = BrokerConfig::from_json(r#"{
//!     "region": "us-gov-west-1",
//!     "account_id": "111122223333",
//!     "default_zone": "appmail.cloud.gov"
//! }"#)?;
//! let params = ProvisionParams::from_json(r#"{
//!     "domain": "agency.gov",
//!     "admin_email": "admin@agency.gov",
//!     "mail_from_subdomain": "mail"
//! }"#)?;
//! let instance = Instance::new(&config, "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f".parse()?, params)?;
//!
//! assert_eq!(instance.domain().as_str(), "agency.gov");
//! assert_eq!(instance.mail_from_domain().map(|d| d.as_str()), Some("mail.agency.gov"));
//! assert_eq!(
//!     instance.configuration_set_name().as_str(),
//!     "csb-aws-ses-4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
//! );
//! assert_eq!(
//!     instance.identity_arn().to_string(),
//!     "arn:aws-us-gov:ses:us-gov-west-1:111122223333:identity/agency.gov"
//! );
//!
//! // Without a `domain`, the broker generates one under its own zone.
//! let generated = Instance::new(
//!     &config,
//!     "5b3c1f4e-8a2d-4c7e-9f10-2d6a7b8c9e01".parse()?,
//!     ProvisionParams::from_json(r#"{"admin_email": "admin@agency.gov"}"#)?,
//! )?;
//! assert!(generated.domain_is_generated());
//! assert!(generated.domain().as_str().starts_with("ses-"));
//! assert!(generated.domain().as_str().ends_with(".appmail.cloud.gov"));
//! # Ok(())
//! # }
//! ```
//!
//! ### 2. Records: what the customer publishes, and checking it
//!
//! SES answers `CreateEmailIdentity` with three DKIM tokens and the zone that signs them.
//! [`Instance::required_records`] turns them into the records to publish, rendered for a
//! person or a tool ([`RecordFormat`](dns::RecordFormat)); [`dns::check`] compares them with what DNS answers:
//!
//! ```
//! use ses_broker::{dns::DkimSigning, dns::ObservedRecord, dns::RecordFormat, dns::RecordStatus, dns::check};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # use ses_broker::{BrokerConfig, Instance, ProvisionParams};
//! # let config = BrokerConfig::from_json(r#"{"region": "us-gov-west-1", "account_id": "111122223333",
//! #     "default_zone": "appmail.cloud.gov"}"#)?;
//! # let params = ProvisionParams::from_json(r#"{"domain": "agency.gov",
//! #     "admin_email": "admin@agency.gov", "mail_from_subdomain": "mail"}"#)?;
//! # let instance = Instance::new(&config, "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f".parse()?, params)?;
//!
//! let tokens = [
//!     "4hzwn5lmznmmjyl2pqf2agr3uzzzzxyz".parse()?,
//!     "6na6lcj7onl5bco4ytfj4ud7p6t7kvtp".parse()?,
//!     "abcdefghijklmnopqrstuvwxyz234567".parse()?,
//! ];
//! let dkim = DkimSigning::for_region(tokens, instance.region())?;
//! let records = instance.required_records(&dkim)?;
//!
//! let zone = records.render(RecordFormat::Zone);
//! assert!(zone.contains("_dmarc.agency.gov."));
//! assert!(zone.contains("p=reject; rua=mailto:reports@dmarc.cyber.dhs.gov,mailto:admin@agency.gov"));
//! assert!(zone.contains("mail.agency.gov."));          // SPF and MX at the MAIL FROM domain
//! assert!(zone.contains("4hzwn5lmznmmjyl2pqf2agr3uzzzzxyz._domainkey.agency.gov."));
//!
//! // The customer has published one DKIM record so far.
//! let observed = [ObservedRecord::new(
//!     "4hzwn5lmznmmjyl2pqf2agr3uzzzzxyz._domainkey.agency.gov",
//!     "CNAME",
//!     vec!["4hzwn5lmznmmjyl2pqf2agr3uzzzzxyz.dkim.amazonses.com.".to_owned()],
//! )];
//! let report = check(&records, &observed);
//! assert!(!report.is_ok());
//! let present = report.records.iter().filter(|r| r.status == RecordStatus::Present).count();
//! assert_eq!(present, 1);
//! # Ok(())
//! # }
//! ```
//!
//! ### 3. Bind: an IAM user, its policy, its key
//!
//! [`Binding::plan`] says what to create in IAM and SNS; once IAM has issued the access
//! key, [`BindingPlan::with_access_key`](binding::BindingPlan::with_access_key) makes the binding and
//! [`Binding::credentials`] the payload the bind response carries:
//!
//! ```
//! use ses_broker::{AccessKey, values::AccessKeyId, BindParams, Binding, values::SecretAccessKey};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # use ses_broker::{BrokerConfig, Instance, ProvisionParams};
//! # let config = BrokerConfig::from_json(r#"{"region": "us-gov-west-1", "account_id": "111122223333",
//! #     "default_zone": "appmail.cloud.gov"}"#)?;
//! # let params = ProvisionParams::from_json(r#"{"domain": "agency.gov",
//! #     "admin_email": "admin@agency.gov", "mail_from_subdomain": "mail"}"#)?;
//! # let instance = Instance::new(&config, "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f".parse()?, params)?;
//! # let dkim = ses_broker::dns::DkimSigning::for_region(
//! #     ["4hzwn5lmznmmjyl2pqf2agr3uzzzzxyz".parse()?, "6na6lcj7onl5bco4ytfj4ud7p6t7kvtp".parse()?,
//! #      "abcdefghijklmnopqrstuvwxyz234567".parse()?],
//! #     instance.region())?;
//!
//! let bind = BindParams::from_json(r#"{"source_ips": ["203.0.113.0/24"]}"#)?;
//! let plan = Binding::plan(&instance, "0e9d8c7b-6a5f-4e3d-2c1b-a09f8e7d6c5b".parse()?, bind);
//! assert_eq!(plan.iam_user_name().as_str(), "csb-aws-ses-0e9d8c7b-6a5f-4e3d-2c1b-a09f8e7d6c5b");
//! let policy = plan.policy().to_json().to_string();
//! assert!(policy.contains("ses:SendRawEmail") && policy.contains("aws:SourceIp"));
//!
//! // IAM's CreateAccessKey answered (AWS's documentation example key).
//! let key = AccessKey::new(
//!     AccessKeyId::parse("AKIAIOSFODNN7EXAMPLE")?,
//!     SecretAccessKey::parse("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")?,
//! )?;
//! let binding = plan.with_access_key(&instance, key)?;
//! let credentials = binding.credentials(&instance.outputs(&dkim)?)?;
//!
//! // The bind response carries the secrets; everything else (Debug, Serialize) redacts them.
//! let response = credentials.to_json_with_secrets();
//! assert_eq!(response["smtp_user"], "AKIAIOSFODNN7EXAMPLE");
//! assert_eq!(response["smtp_password"].as_str().map(str::len), Some(44));
//! let logged = serde_json::to_string(&credentials)?;
//! assert!(!logged.contains("wJalrXUtnFEMI"));
//! # Ok(())
//! # }
//! ```
//!
//! ### 4. Credentials: what the application reads back
//!
//! Cloud Foundry hands the payload to the app in `VCAP_SERVICES`. [`VcapServices`] finds
//! the `aws-ses` binding and types its credentials; the SMTP user is the access key id and
//! the password is [`smtp::password`] of the secret key for the region.
//! `examples/send_mail.rs` sends a message with them.
//!
//!
//! ```
//! use ses_broker::{VcapServices, smtp};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # use ses_broker::{BrokerConfig, Instance, ProvisionParams};
//! # let config = BrokerConfig::from_json(r#"{"region": "us-gov-west-1", "account_id": "111122223333",
//! #     "default_zone": "appmail.cloud.gov"}"#)?;
//! # let params = ProvisionParams::from_json(r#"{"domain": "agency.gov",
//! #     "admin_email": "admin@agency.gov", "mail_from_subdomain": "mail"}"#)?;
//! # let instance = Instance::new(&config, "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f".parse()?, params)?;
//! # let dkim = ses_broker::dns::DkimSigning::for_region(
//! #     ["4hzwn5lmznmmjyl2pqf2agr3uzzzzxyz".parse()?, "6na6lcj7onl5bco4ytfj4ud7p6t7kvtp".parse()?,
//! #      "abcdefghijklmnopqrstuvwxyz234567".parse()?],
//! #     instance.region())?;
//! # use ses_broker::{AccessKey, values::AccessKeyId, BindParams, Binding, values::SecretAccessKey};
//! # let plan = Binding::plan(&instance, "0e9d8c7b-6a5f-4e3d-2c1b-a09f8e7d6c5b".parse()?,
//! #     BindParams::from_json("{}")?);
//! # let key = AccessKey::new(AccessKeyId::parse("AKIAIOSFODNN7EXAMPLE")?,
//! #     SecretAccessKey::parse("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")?)?;
//! # let credentials = plan.with_access_key(&instance, key)?.credentials(&instance.outputs(&dkim)?)?;
//!
//! let vcap = serde_json::json!({"aws-ses": [{
//!     "label": "aws-ses", "name": "my-ses", "instance_name": "my-ses", "plan": "domain",
//!     "tags": ["aws", "csb"], "credentials": credentials.to_json_with_secrets()
//! }]})
//! .to_string(); // what std::env::var("VCAP_SERVICES") would return
//!
//! let services = VcapServices::from_json(&vcap)?;
//! let ses = services.ses()?;
//! let creds = ses.credentials();
//! assert_eq!(creds.smtp_server().as_str(), "email-smtp-fips.us-gov-west-1.amazonaws.com");
//! assert_eq!(creds.smtp_port().number(), 587); // STARTTLS
//! assert_eq!(creds.smtp_user().as_str(), "AKIAIOSFODNN7EXAMPLE");
//! // Send From anyone at the identity domain; `domain` is the MAIL FROM domain here.
//! assert_eq!(creds.identity_domain().as_str(), "agency.gov");
//! assert_eq!(creds.domain().as_str(), "mail.agency.gov");
//!
//! let derived = smtp::password(creds.access_key().secret(), creds.region());
//! assert_eq!(creds.smtp_password(), &derived);
//! assert!(creds.smtp_password_matches());
//! # Ok(())
//! # }
//! ```
//!
//! ### 5. Reputation: thresholds, alarms, and an exact assessment
//!
//! [`Thresholds::cloud_gov`](reputation::Thresholds::cloud_gov) is 2 % / 4 % bounces and 0.04 % / 0.08 % complaints.
//! [`AlarmDefinition::for_instance`](reputation::AlarmDefinition::for_instance) gives the four CloudWatch alarms to create; an
//! operator tool that has counts rather than CloudWatch's rates assesses them exactly:
//!
//! ```
//! use ses_broker::{reputation::AlarmDefinition, reputation::Counts, reputation::Level, reputation::Thresholds};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # use ses_broker::{BrokerConfig, Instance, ProvisionParams};
//! # let config = BrokerConfig::from_json(r#"{"region": "us-gov-west-1", "account_id": "111122223333",
//! #     "default_zone": "appmail.cloud.gov"}"#)?;
//! # let params = ProvisionParams::from_json(r#"{"domain": "agency.gov",
//! #     "admin_email": "admin@agency.gov", "mail_from_subdomain": "mail"}"#)?;
//! # let instance = Instance::new(&config, "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f".parse()?, params)?;
//!
//! let thresholds = Thresholds::cloud_gov();
//! let alarms = AlarmDefinition::for_instance(&instance, &thresholds);
//! assert_eq!(alarms[1].name(), "csb-aws-ses-4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f-BounceRate-Critical");
//! assert_eq!(alarms[1].metric_name(), "Reputation.BounceRate");
//! assert_eq!(alarms[1].threshold(), 0.04);
//!
//! // 200 bounces in 10,000 sends is exactly 2 %: a warning, not "just under".
//! let day = thresholds.assess_counts(Counts::new(10_000, 200, 3)?);
//! assert_eq!(day.bounce().level(), Level::Warning);
//! assert_eq!(day.complaint().level(), Level::Ok);
//! assert_eq!(thresholds.assess_counts(Counts::new(10_000, 199, 0)?).level(), Level::Ok);
//!
//! // 4 % is critical: notify and pause this instance's configuration set.
//! let bad = thresholds.assess_counts(Counts::new(10_000, 400, 0)?);
//! assert_eq!(bad.level(), Level::Critical);
//! let plan = bad.plan(instance.id());
//! assert_eq!(plan.pause(), Some(instance.configuration_set_name()));
//! # Ok(())
//! # }
//! ```
//!
//! ### 6. Alarm decision: what to do when CloudWatch's alarm arrives
//!
//! The alarm reaches the broker as an SNS notification whose `Message` is CloudWatch's
//! JSON. Verify it first (`sns::Verifier::verify`, the `verify` feature) and decide with
//! `sns::VerifiedMessage::decide_alarm`: only a message SNS signed may pause sending. The
//! rules are those of
//! [`AlarmNotification::decide_unverified`](reputation::AlarmNotification::decide_unverified),
//! which the alarm below (built in place, so there is no signature to check) uses directly:
//! it pauses only when a critical alarm of this broker enters ALARM; everything else is
//! ignored with a reason:
//!
//! ```
//! use ses_broker::{reputation::AlarmDecision, reputation::AlarmNotification};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # use ses_broker::{BrokerConfig, Instance, ProvisionParams};
//! # let config = BrokerConfig::from_json(r#"{"region": "us-gov-west-1", "account_id": "111122223333",
//! #     "default_zone": "appmail.cloud.gov"}"#)?;
//! # let params = ProvisionParams::from_json(r#"{"domain": "agency.gov",
//! #     "admin_email": "admin@agency.gov", "mail_from_subdomain": "mail"}"#)?;
//! # let instance = Instance::new(&config, "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f".parse()?, params)?;
//!
//! let name = "csb-aws-ses-4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f-BounceRate-Critical";
//! let message = |new: &str, old: &str| serde_json::json!({
//!     "AlarmName": name, "AWSAccountId": "111122223333",
//!     "NewStateValue": new, "OldStateValue": old,
//!     "StateChangeTime": "2026-11-30T05:40:12.345+0000",
//!     "AlarmArn": format!("arn:aws-us-gov:cloudwatch:us-gov-west-1:111122223333:alarm:{name}"),
//!     "Trigger": {"MetricName": "Reputation.BounceRate", "Namespace": "AWS/SES",
//!                 "Dimensions": [{"name": "ses:configuration-set",
//!                                 "value": instance.configuration_set_name().as_str()}]}
//! }).to_string();
//!
//! let alarm = AlarmNotification::from_json(&message("ALARM", "OK"))?;
//! let decision = alarm.decide_unverified(config.account_id(), config.region());
//! assert!(decision.pauses());
//! if let AlarmDecision::PauseSending { configuration_set, .. } = &decision {
//!     // The caller runs aws::Driver::pause_sending on the instance's ledger: SES v2
//!     // PutConfigurationSetSendingOptions(SendingEnabled=false).
//!     assert_eq!(configuration_set, instance.configuration_set_name());
//! }
//!
//! // The same alarm going back to OK pauses nothing.
//! let recovered = AlarmNotification::from_json(&message("OK", "ALARM"))?;
//! let decision = recovered.decide_unverified(config.account_id(), config.region());
//! assert!(matches!(decision, AlarmDecision::Ignore(_)));
//! assert_eq!(decision.to_string(), "ignore: alarm entered OK; only entering ALARM is acted on");
//! # Ok(())
//! # }
//! ```
//!
//! ## Map of the crate
//!
//! The root holds the lifecycle types a first-time user needs ([`Catalog`],
//! [`ProvisionParams`], [`BrokerConfig`], [`Instance`], [`InstanceOutputs`], [`Binding`],
//! [`AccessKey`], [`Credentials`], [`VcapServices`], [`ParamErrors`]); everything else lives
//! in the module of its concern, listed here from the bottom of the dependency order up:
//!
//! | module | what it holds |
//! |---|---|
//! | [`values`] | validated vocabulary (`DomainName`, `EmailAddress`, `Region`, `Arn`, ids, `WebhookUrl`, `SourceIp`, key material): made only through a parser, `Display` canonical |
//! | [`dns`] | the records a customer publishes: DMARC, SPF, DKIM, MAIL FROM; renderings; [`dns::check`] against what DNS answers; record diffs |
//! | [`events`] | SES sending events (bounce, complaint, delivery, ...) in both formats |
//! | [`smtp`] | [`smtp::password`], the SMTP endpoint, ports and TLS modes |
//! | [`params`] | provision, update and bind parameters, with every problem at once ([`ParamErrors`]) |
//! | [`catalog`] | the OSBAPI v2.17 catalog with draft-04 parameter schemas |
//! | [`instance`] | [`BrokerConfig`], [`Instance`], its resource names and ARNs, [`InstanceOutputs`], updates |
//! | [`credentials`] | the binding payload ([`Credentials`]) and reading it back from `VCAP_SERVICES` |
//! | [`reputation`] | thresholds and exact assessment, the four CloudWatch alarms, alarm decisions |
//! | [`binding`] | the IAM user, its policy and the subscriptions of a binding |
//! | [`sns`] | SNS messages: parsing, string-to-sign, certificate and subscribe URL rules; signatures with the `verify` feature |
//! | [`aws`] | everything an instance and a binding own in AWS as desired state, and the operations that reach it, one AWS call at a time (sans-I/O) |
//! | [`rationale`] | why the thresholds, derivations and names are what they are, and each difference from the deployed broker |
#![no_std]
#![forbid(unsafe_code)]

// The core needs an allocator, nothing else: `String`, `Vec` and `BTreeMap` come from
// `alloc`. The `std` feature (on by default) only turns on the dependencies' own `std`
// features; no item of this crate needs `std` (its errors implement `core::error::Error`).
extern crate alloc;
#[cfg(test)]
extern crate std;

mod prelude;

// The public modules, one per concern (rustfmt keeps them alphabetical; the crate docs'
// map lists them in dependency order). Each imports only modules below it in that order,
// always from the module that defines a name, never through the re-exports below:
// `.ci/check-modules.py` enforces both rules and prints the layers.
pub mod aws;
pub mod binding;
pub mod catalog;
pub mod credentials;
pub mod dns;
pub mod events;
pub mod instance;
pub mod params;
pub mod rationale;
pub mod reputation;
pub mod smtp;
pub mod sns;
pub mod values;

// The lifecycle types a first-time user needs, at the root (as `url::Url` is): the
// catalog, the parameters, the instance and its outputs, the binding and what an
// application reads back. Everything else is reached through its module.
pub use binding::Binding;
pub use catalog::Catalog;
pub use credentials::{Credentials, VcapServices};
pub use instance::{BrokerConfig, Instance, InstanceOutputs};
pub use params::{BindParams, ParamErrors, ProvisionParams};
pub use values::AccessKey;
