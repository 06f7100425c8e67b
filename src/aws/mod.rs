//! The AWS side: everything an instance and a binding own in AWS, as typed
//! desired state, and the operations that reach it, handed out one at a time.
//!
//! # The contract (sans-I/O, as quinn-proto)
//! The core never calls AWS. A [`Driver`] says what to call next ([`Next::Operation`]:
//! one [`Operation`], naming its [`Service`] and AWS API operation, with typed
//! parameters); the caller makes exactly that one call and feeds back an [`Answer`]:
//! [`Answer::Done`] with what AWS returned ([`Output`]: DKIM tokens, key ids, ARNs, the
//! access key, name servers), [`Answer::AlreadyExists`] with the settings it read back
//! ([`Observed`]), [`Answer::NotFound`], or [`Answer::Failed`] (throttling and transient
//! failures are retried; permanent ones stop the run). Later operations use earlier
//! answers: the topic ARN goes into the subscription, the key id into the alias, the zone's
//! name servers into the parent's NS record, the DKIM tokens into the zone's records.
//!
//! After every step the caller stores [`Driver::progress`] (serde): it holds the target,
//! the state a rollback returns to and the [`Ledger`] of what exists, so after a crash
//! [`Driver::resume`] continues and [`Driver::rollback`] undoes exactly what was done.
//!
//! # Idempotence
//! Creating what exists with the same settings is success; deleting what is gone is
//! success; finding a resource with other settings stops the run with
//! [`DriveError::Mismatch`], saying what differs, and never overwrites it. Creates that AWS
//! does not make idempotent by name (`CreateKey`, `CreateAccessKey`, `CreateHostedZone`)
//! are recorded in the progress while in flight, and a resumed run looks for what they may
//! have made (by the key's description, by listing the user's keys or the zones of the
//! name) before making it again.
//!
//! # Which API for what
//! Operations are named after the API that acts on the resource and that moto (the AWS
//! emulator the broker is tested against) serves: SES v2 for the identity and the
//! configuration set (every option given at creation), SES v1 for event destinations and
//! MAIL FROM (`CreateConfigurationSetEventDestination`, `SetIdentityMailFromDomain`; in AWS
//! both APIs act on the same resources). Deprovision deletes event destinations with
//! their configuration set, so only an update that turns feedback off calls
//! `DeleteConfigurationSetEventDestination`.
//!
//! # Where each resource and setting lives
//!
//! | resource or setting | desired value | operations |
//! |---|---|---|
//! | email identity `D`, its default configuration set | [`InstanceState`] `domain`, `configuration_set` | [`CreateEmailIdentity`], [`DeleteEmailIdentity`] |
//! | MAIL FROM `<sub>.D`, `USE_DEFAULT_VALUE` on MX failure | [`InstanceState`] `mail_from` | [`SetIdentityMailFromDomain`] ([`MxFailure::UseDefaultValue`]; `None` removes it) |
//! | configuration set: TLS `REQUIRE`, reputation metrics, suppression `BOUNCE`+`COMPLAINT`, sending enabled at creation only | [`CreateConfigurationSet`] | [`CreateConfigurationSet`], [`DeleteConfigurationSet`] |
//! | sending paused or re-enabled on the configuration set | [`Target::Sending`] ([`Driver::pause_sending`], [`Driver::enable_sending`]); recorded as [`Resource::SendingOptions`] | [`PutConfigurationSetSendingOptions`] |
//! | per feedback kind: KMS key (policy of four statements, rotation, 7-day window, description naming the topic) | [`TopicState`] `key_policy`, `key_description`; [`KEY_DELETION_WINDOW_DAYS`] | [`CreateKey`], [`EnableKeyRotation`], [`ScheduleKeyDeletion`] |
//! | its alias `alias/<base>-k` | [`TopicState`] `alias` | [`CreateAlias`], [`DeleteAlias`] |
//! | topic `<base>-k` with `KmsMasterKeyId`, policy `<base>-k-policy` / `AllowSESAccess` | [`TopicState`] `name`, `topic_policy` | [`CreateTopic`], [`SetTopicAttributes`], [`DeleteTopic`] |
//! | event destination `<base>-k` | (from the topic and the set) | [`CreateConfigurationSetEventDestination`], [`DeleteConfigurationSetEventDestination`] |
//! | reputation topic, its own key (plus CloudWatch) and policy (CloudWatch publishes) | the [`TopicState`] of `Topic::Reputation` | as for the feedback topics |
//! | `admin_email` subscription | [`InstanceState`] `admin_email` | [`Subscribe`], [`Unsubscribe`] |
//! | the four alarms, actions, description (at most 1,024 characters) | [`InstanceState`] `alarms` ([`PutMetricAlarm`]) | [`PutMetricAlarm`], [`DeleteAlarms`] |
//! | generated domain: hosted zone (comment), its records, the parent's NS record (TTL 30) | [`InstanceState`] `generated_dns`, [`InstanceState::required_records`] | [`ListHostedZonesByName`], [`GetHostedZone`], [`CreateHostedZone`], [`ChangeTagsForResource`], [`ChangeResourceRecordSets`], [`DeleteHostedZone`] |
//! | tags on every taggable resource | [`Tags`] | with each create; [`ChangeTagsForResource`] for the zone |
//! | binding: IAM user at `/cf/` (tagged), inline policy, access key, subscriptions | [`BindingState`] | [`CreateUser`], [`PutUserPolicy`], [`ListAccessKeys`], [`CreateAccessKey`], [`Subscribe`]; [`Unsubscribe`], [`DeleteAccessKey`], [`DeleteUserPolicy`], [`DeleteUser`] |
//! | policies in IAM grammar | [`PolicyDocument`] | |
//!
//! The order: a provision creates the configuration set, the identity, the MAIL FROM
//! attribute, then per topic (reputation first) key, rotation, alias, topic and policy,
//! then the event destinations, the `admin_email` subscription, the alarms, and for a
//! generated domain the zone, its tags, its records and the parent's NS record. Deletes go
//! the other way round in an order AWS accepts: the parent's NS record and the zone's
//! records, the zone, the alarms, the subscriptions, the access keys and the user's policy
//! before the user, the event destinations (with their set), the identity, the set, then
//! topics, aliases, keys.
//!
//! # Pausing and resuming sending
//! A critical reputation alarm pauses the instance's configuration set and only an
//! operator's resume re-enables it: [`Driver::pause_sending`] and
//! [`Driver::enable_sending`] take the instance's stored ledger and run like any other
//! lifecycle step ([`Lifecycle::PauseSending`], [`Lifecycle::EnableSending`]), resumable
//! from a stored [`Progress`], each one `PutConfigurationSetSendingOptions` call. The
//! ledger they end with records the switch; an update keeps that record and never hands
//! out the call, so it cannot undo a pause. moto does not serve the call (it answers 404):
//! the broker checks it against its stand-in, and against moto only that it is made.
//!
//! # The loop
//! ```
//! use ses_broker::aws::{Answer, Driver, InstanceState, Next, Operation, Output, Progress};
//! use ses_broker::params::Context;
//! use ses_broker::reputation::Thresholds;
//! use ses_broker::{BrokerConfig, Instance, ProvisionParams};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let config = BrokerConfig::from_json(r#"{
//!     "region": "us-gov-west-1", "account_id": "111122223333",
//!     "default_zone": "appmail.cloud.gov", "environment": "production",
//!     "broker_principal_arn": "arn:aws-us-gov:iam::111122223333:user/ses-broker"
//! }"#)?;
//! let params = ProvisionParams::from_json(r#"{"domain": "agency.gov", "admin_email": "admin@agency.gov"}"#)?;
//! let instance = Instance::new(&config, "4f1c2d3e".parse()?, params)?;
//! let context = Context::from_json(r#"{"organization_guid": "o-1", "space_guid": "s-1"}"#)?;
//! let state = InstanceState::new(&config, &instance, &context, &Thresholds::cloud_gov())?;
//!
//! let mut driver = Driver::provision(state);
//! let mut calls = Vec::new();
//! let stored: String = loop {
//!     let op = match driver.next_operation() {
//!         Next::Operation(op) => op,
//!         Next::Done => break serde_json::to_string(driver.progress())?,
//!         Next::Failed(e) => return Err(e.into()),
//!         _ => unreachable!(),
//!     };
//!     // A real caller stores `driver.progress()` here, then makes the SDK call.
//!     calls.push(op.to_string());
//!     let answer = match &op {
//!         Operation::CreateEmailIdentity(_) => Answer::Done(Output::EmailIdentity {
//!             dkim_tokens: ["aaaa".parse()?, "bbbb".parse()?, "cccc".parse()?],
//!             signing_hosted_zone: None,
//!         }),
//!         Operation::CreateKey(_) => Answer::Done(Output::Key {
//!             key_id: format!("k-{}", calls.len()).parse()?,
//!             arn: format!("arn:aws-us-gov:kms:us-gov-west-1:111122223333:key/k-{}", calls.len()).parse()?,
//!         }),
//!         Operation::CreateTopic(create) => Answer::Done(Output::Topic {
//!             arn: format!("arn:aws-us-gov:sns:us-gov-west-1:111122223333:{}", create.name).parse()?,
//!         }),
//!         Operation::Subscribe(sub) => Answer::Done(Output::Subscription {
//!             arn: format!("{}:0001", sub.topic_arn).parse()?,
//!         }),
//!         _ => Answer::done(),
//!     };
//!     driver.handle_answer(answer)?;
//! };
//! assert_eq!(calls[0], "sesv2:CreateConfigurationSet");
//! assert_eq!(calls[1], "sesv2:CreateEmailIdentity");
//! assert!(calls.contains(&"cloudwatch:PutMetricAlarm".to_owned()));
//!
//! // Later: deprovision from the stored ledger.
//! let progress: Progress = serde_json::from_str(&stored)?;
//! let mut driver = Driver::deprovision(progress.into_ledger());
//! while let Next::Operation(op) = driver.next_operation() {
//!     driver.handle_answer(Answer::done())?;
//! }
//! assert!(driver.progress().ledger().is_empty());
//! # Ok(())
//! # }
//! ```

mod actions;
mod alarm;
mod answer;
mod apply;
mod calls;
mod dns_record;
mod driver;
mod error;
mod ids;
mod ledger;
mod operation;
mod policy;
mod progress;
mod reconcile;
mod serde_enums;
mod state;
mod tags;
mod target;

pub use alarm::{DOCUMENTATION_URL, MetricDimension, PutMetricAlarm, SUPPORT_ADDRESS};
pub use answer::{Answer, Failure, FailureKind, HostedZoneSummary, Observed, Output};
pub use calls::{
    ChangeAction, ChangeResourceRecordSets, ChangeTagsForResource, CreateAccessKey, CreateAlias,
    CreateConfigurationSet, CreateConfigurationSetEventDestination, CreateEmailIdentity,
    CreateHostedZone, CreateKey, CreateTopic, CreateUser, DeleteAccessKey, DeleteAlarms,
    DeleteAlias, DeleteConfigurationSet, DeleteConfigurationSetEventDestination,
    DeleteEmailIdentity, DeleteHostedZone, DeleteTopic, DeleteUser, DeleteUserPolicy, DescribeKey,
    DnsAccount, EnableKeyRotation, EventType, GetHostedZone, ListAccessKeys, ListHostedZonesByName,
    ListKeys, MxFailure, PutConfigurationSetSendingOptions, PutUserPolicy, ScheduleKeyDeletion,
    SetIdentityMailFromDomain, SetTopicAttributes, Subscribe, SuppressionReason, TlsPolicy,
    Unsubscribe,
};
pub use dns_record::DnsRecordSet;
pub use driver::{Driver, Next};
pub use error::{Difference, DriveError, RollbackError};
pub use ids::KmsKeyId;
pub use ledger::{Ledger, Resource};
pub use operation::{Operation, Service};
pub use policy::{ConditionOperator, Effect, POLICY_VERSION, PolicyDocument, Principal, Statement};
pub use progress::{Progress, Status};
pub use state::{
    BindingState, GeneratedDns, HOSTED_ZONE_COMMENT, InstanceState, KEY_DELETION_WINDOW_DAYS,
    StateError, SubscriptionState, TopicState,
};
pub use tags::{
    BROKER_TAG_VALUE, CLIENT_TAG_VALUE, MAX_TAG_KEY_CHARS, MAX_TAG_VALUE_CHARS, Tag, Tags,
    is_tag_char,
};
pub use target::{Lifecycle, Target};
