//! Where the broker talks to AWS: the [`Aws`] trait, one method per SDK call (or small group
//! of calls) a real broker makes, and [`InMemoryAws`], a stand-in that answers the way the
//! real services do for what the library needs.
//!
//! A real broker implements [`Aws`] with the AWS SDK (SES v2, IAM, SNS, CloudWatch,
//! Route 53); nothing else in the example changes.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use ses_broker::{
    AccessKey, Instance, binding::IamPath, binding::IamUserName, binding::Policy,
    binding::Protocol, dns::ChangeBatch, dns::DkimSigning, dns::DkimToken,
    instance::ConfigurationSetName, instance::TopicName, reputation::AlarmDefinition,
    values::AccessKeyId, values::Arn, values::DomainName, values::SecretAccessKey,
};
use sha2::{Digest, Sha256};

/// What an AWS call can fail with, as far as the broker distinguishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AwsError {
    /// The resource exists already (SES `AlreadyExistsException`, IAM `EntityAlreadyExists`).
    AlreadyExists(String),
    /// Anything else: throttling, permissions, a service fault.
    Failed(String),
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AlreadyExists(what) => write!(f, "{what} already exists"),
            Self::Failed(why) => write!(f, "AWS call failed: {why}"),
        }
    }
}

/// The AWS calls of an SES broker. Each method says which SDK operations it stands for.
pub(crate) trait Aws {
    /// SES v2 `CreateEmailIdentity` with Easy DKIM (`DkimSigningAttributes` left to SES);
    /// SES answers with three DKIM tokens. The signing zone is the region's.
    fn create_identity(&mut self, instance: &Instance) -> Result<DkimSigning, AwsError>;

    /// SES v2 `PutEmailIdentityMailFromAttributes` (`None` removes the MAIL FROM domain).
    fn set_mail_from(
        &mut self,
        identity: &DomainName,
        mail_from: Option<&DomainName>,
    ) -> Result<(), AwsError>;

    /// SES v2 `DeleteEmailIdentity`.
    fn delete_identity(&mut self, identity: &DomainName) -> Result<(), AwsError>;

    /// SNS `CreateTopic` (each with its KMS key) for `create`, `DeleteTopic` for `delete`.
    fn put_topics(&mut self, create: &[&TopicName], delete: &[&TopicName]) -> Result<(), AwsError>;

    /// SES v2 `CreateConfigurationSet` with its event destinations,
    /// `PutEmailIdentityConfigurationSetAttributes`, and CloudWatch `PutMetricAlarm` for each
    /// reputation alarm.
    fn create_configuration_set(
        &mut self,
        name: &ConfigurationSetName,
        alarms: &[AlarmDefinition],
    ) -> Result<(), AwsError>;

    /// CloudWatch `DeleteAlarms` and SES v2 `DeleteConfigurationSet`.
    fn delete_configuration_set(
        &mut self,
        name: &ConfigurationSetName,
        alarms: &[AlarmDefinition],
    ) -> Result<(), AwsError>;

    /// Route 53 `CreateHostedZone` for a generated domain; answers the zone's name servers.
    fn create_hosted_zone(&mut self, domain: &DomainName) -> Result<Vec<DomainName>, AwsError>;

    /// Route 53 `DeleteHostedZone` (after deleting its records).
    fn delete_hosted_zone(&mut self, domain: &DomainName) -> Result<(), AwsError>;

    /// Route 53 `ChangeResourceRecordSets` in `zone`, a zone the broker owns (generated
    /// domains only: a customer publishes the records of their own domain).
    fn change_records(&mut self, zone: &DomainName, batch: &ChangeBatch) -> Result<(), AwsError>;

    /// IAM `CreateUser` at `path`, `PutUserPolicy` with `policy`, then `CreateAccessKey`.
    fn create_user_and_key(
        &mut self,
        user: &IamUserName,
        path: &IamPath,
        policy: &Policy,
    ) -> Result<AccessKey, AwsError>;

    /// IAM `DeleteAccessKey`, `DeleteUserPolicy`, `DeleteUser`.
    fn delete_user(&mut self, user: &IamUserName) -> Result<(), AwsError>;

    /// SNS `Subscribe` of an e-mail address or HTTPS endpoint to a topic; SNS answers with
    /// the subscription ARN (`pending confirmation` until the endpoint confirms).
    fn subscribe(
        &mut self,
        topic: &Arn,
        protocol: Protocol,
        endpoint: &str,
    ) -> Result<String, AwsError>;

    /// SNS `Unsubscribe`.
    fn unsubscribe(&mut self, subscription: &str) -> Result<(), AwsError>;
}

/// An in-memory AWS: deterministic answers, every call logged to standard error.
#[derive(Debug, Default)]
pub(crate) struct InMemoryAws {
    identities: BTreeMap<String, Option<String>>,
    configuration_sets: BTreeSet<String>,
    topics: BTreeSet<String>,
    users: BTreeMap<String, String>,
    subscriptions: BTreeSet<String>,
    keys_issued: u64,
}

impl InMemoryAws {
    fn log(call: &str, detail: &str) {
        eprintln!("aws: {call} {detail}");
    }
}

/// SHA-256 of `parts` joined by NUL bytes.
fn digest(parts: &[&str]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher.finalize().into()
}

/// `len` characters of `alphabet` drawn from the bits of `bytes` (5 bits a character for a
/// 32-letter alphabet), cycling through the digest if it runs out.
fn encode(bytes: &[u8; 32], alphabet: &[u8], len: usize) -> String {
    let bits = alphabet.len().trailing_zeros() as usize;
    (0..len)
        .map(|i| {
            let mut value = 0usize;
            for b in 0..bits {
                let bit = (i * bits + b) % 256;
                let byte = bytes.get(bit / 8).copied().unwrap_or(0);
                value = (value << 1) | usize::from((byte >> (7 - bit % 8)) & 1);
            }
            char::from(alphabet.get(value).copied().unwrap_or(b'a'))
        })
        .collect()
}

const DKIM_ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
const KEY_ID_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const SECRET_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

impl Aws for InMemoryAws {
    fn create_identity(&mut self, instance: &Instance) -> Result<DkimSigning, AwsError> {
        let domain = instance.domain().as_str();
        if self.identities.contains_key(domain) {
            return Err(AwsError::AlreadyExists(format!("SES identity {domain}")));
        }
        // SES's tokens are 32 lowercase base32 characters; these are derived from the domain
        // so that a rerun gives the same records.
        let tokens: [DkimToken; 3] = ["1", "2", "3"].map(|n| {
            DkimToken::parse(&encode(&digest(&["dkim", domain, n]), DKIM_ALPHABET, 32))
                .unwrap_or_else(|_| unreachable!("32 base32 characters are a valid token"))
        });
        let dkim = DkimSigning::for_region(tokens, instance.region())
            .map_err(|e| AwsError::Failed(e.to_string()))?;
        Self::log("ses:CreateEmailIdentity", domain);
        self.identities.insert(domain.to_owned(), None);
        Ok(dkim)
    }

    fn set_mail_from(
        &mut self,
        identity: &DomainName,
        mail_from: Option<&DomainName>,
    ) -> Result<(), AwsError> {
        let slot = self
            .identities
            .get_mut(identity.as_str())
            .ok_or_else(|| AwsError::Failed(format!("no SES identity {identity}")))?;
        *slot = mail_from.map(ToString::to_string);
        Self::log(
            "ses:PutEmailIdentityMailFromAttributes",
            &format!(
                "{identity} {}",
                mail_from.map_or("(none)", DomainName::as_str)
            ),
        );
        Ok(())
    }

    fn delete_identity(&mut self, identity: &DomainName) -> Result<(), AwsError> {
        self.identities.remove(identity.as_str());
        Self::log("ses:DeleteEmailIdentity", identity.as_str());
        Ok(())
    }

    fn put_topics(&mut self, create: &[&TopicName], delete: &[&TopicName]) -> Result<(), AwsError> {
        for topic in create {
            if self.topics.insert(topic.as_str().to_owned()) {
                Self::log("sns:CreateTopic", topic.as_str());
            }
        }
        for topic in delete {
            if self.topics.remove(topic.as_str()) {
                Self::log("sns:DeleteTopic", topic.as_str());
            }
        }
        Ok(())
    }

    fn create_configuration_set(
        &mut self,
        name: &ConfigurationSetName,
        alarms: &[AlarmDefinition],
    ) -> Result<(), AwsError> {
        if !self.configuration_sets.insert(name.as_str().to_owned()) {
            return Err(AwsError::AlreadyExists(format!("configuration set {name}")));
        }
        Self::log("ses:CreateConfigurationSet", name.as_str());
        for alarm in alarms {
            Self::log("cloudwatch:PutMetricAlarm", alarm.name());
        }
        Ok(())
    }

    fn delete_configuration_set(
        &mut self,
        name: &ConfigurationSetName,
        alarms: &[AlarmDefinition],
    ) -> Result<(), AwsError> {
        for alarm in alarms {
            Self::log("cloudwatch:DeleteAlarms", alarm.name());
        }
        self.configuration_sets.remove(name.as_str());
        Self::log("ses:DeleteConfigurationSet", name.as_str());
        Ok(())
    }

    fn create_hosted_zone(&mut self, domain: &DomainName) -> Result<Vec<DomainName>, AwsError> {
        Self::log("route53:CreateHostedZone", domain.as_str());
        // Route 53 hands each zone four name servers from its pools.
        [
            "ns-1.awsdns-01.org",
            "ns-2.awsdns-02.co.uk",
            "ns-3.awsdns-03.com",
            "ns-4.awsdns-04.net",
        ]
        .into_iter()
        .map(|ns| {
            ns.parse()
                .map_err(|e: ses_broker::values::ValueError| AwsError::Failed(e.to_string()))
        })
        .collect()
    }

    fn delete_hosted_zone(&mut self, domain: &DomainName) -> Result<(), AwsError> {
        Self::log("route53:DeleteHostedZone", domain.as_str());
        Ok(())
    }

    fn change_records(&mut self, zone: &DomainName, batch: &ChangeBatch) -> Result<(), AwsError> {
        let json = serde_json::to_string(batch).map_err(|e| AwsError::Failed(e.to_string()))?;
        Self::log(
            "route53:ChangeResourceRecordSets",
            &format!("{zone} {json}"),
        );
        Ok(())
    }

    fn create_user_and_key(
        &mut self,
        user: &IamUserName,
        path: &IamPath,
        policy: &Policy,
    ) -> Result<AccessKey, AwsError> {
        if self.users.contains_key(user.as_str()) {
            return Err(AwsError::AlreadyExists(format!("IAM user {user}")));
        }
        self.keys_issued += 1;
        let serial = self.keys_issued.to_string();
        // IAM's long-term key ids are `AKIA` and 16 uppercase base32 characters; secrets are
        // 40 base64 characters.
        let id = format!(
            "AKIA{}",
            encode(
                &digest(&["key id", user.as_str(), &serial]),
                KEY_ID_ALPHABET,
                16
            )
        );
        let secret = encode(
            &digest(&["secret", user.as_str(), &serial]),
            SECRET_ALPHABET,
            40,
        );
        let key = AccessKeyId::parse(&id)
            .and_then(|id| AccessKey::new(id, SecretAccessKey::parse(&secret)?))
            .map_err(|e| AwsError::Failed(e.to_string()))?;
        Self::log("iam:CreateUser", &format!("{path}{user}"));
        Self::log("iam:PutUserPolicy", &policy.to_json());
        Self::log("iam:CreateAccessKey", &id);
        self.users.insert(user.as_str().to_owned(), id);
        Ok(key)
    }

    fn delete_user(&mut self, user: &IamUserName) -> Result<(), AwsError> {
        if let Some(id) = self.users.remove(user.as_str()) {
            Self::log("iam:DeleteAccessKey", &id);
        }
        Self::log("iam:DeleteUser", user.as_str());
        Ok(())
    }

    fn subscribe(
        &mut self,
        topic: &Arn,
        protocol: Protocol,
        endpoint: &str,
    ) -> Result<String, AwsError> {
        let id = encode(
            &digest(&["subscription", topic.as_str(), endpoint]),
            DKIM_ALPHABET,
            12,
        );
        let arn = format!("{topic}:{id}");
        Self::log(
            "sns:Subscribe",
            &format!("{protocol:?} {endpoint} -> {arn}"),
        );
        self.subscriptions.insert(arn.clone());
        Ok(arn)
    }

    fn unsubscribe(&mut self, subscription: &str) -> Result<(), AwsError> {
        self.subscriptions.remove(subscription);
        Self::log("sns:Unsubscribe", subscription);
        Ok(())
    }
}
