//! IAM policy documents as typed values: the key policies of the topic keys, the topic
//! policies, and the binding user's inline policy, all in one grammar that serialises to
//! valid IAM JSON.
//!
//! The grammar is the one IAM, KMS and SNS share (`Version` `2012-10-17`, an optional `Id`,
//! a `Statement` list of `Sid`, `Effect`, `Principal`, `Action`, `Resource` and
//! `Condition`). Condition operators are an enum of real operators, so a misspelt
//! `StringEqual` cannot be written, and deserialising a document with an unknown operator
//! fails.

use crate::prelude::*;
use alloc::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::values::{AccountId, Arn, Partition};

/// The only policy language version AWS documents for current features.
pub const POLICY_VERSION: &str = "2012-10-17";

/// A policy document.
///
/// ```
/// use ses_broker::aws::{Effect, PolicyDocument, Statement};
/// let doc = PolicyDocument::new(None, vec![
///     Statement::new(Effect::Allow).sid("Everything").action("kms:*").resource("*"),
/// ]);
/// assert_eq!(
///     doc.to_json(),
///     r#"{"Version":"2012-10-17","Statement":[{"Sid":"Everything","Effect":"Allow","Action":["kms:*"],"Resource":["*"]}]}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PolicyDocument {
    version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    statement: Vec<Statement>,
}

impl PolicyDocument {
    /// A document of version `2012-10-17` with an optional `Id` and its statements.
    #[must_use]
    pub fn new(id: Option<String>, statements: Vec<Statement>) -> Self {
        Self {
            version: POLICY_VERSION.to_owned(),
            id,
            statement: statements,
        }
    }

    /// `Version`.
    #[must_use]
    pub fn version(&self) -> &str {
        &self.version
    }

    /// `Id`, when set (topic policies carry one).
    #[must_use]
    pub fn id(&self) -> Option<&str> {
        self.id.as_deref()
    }

    /// `Statement`.
    #[must_use]
    pub fn statements(&self) -> &[Statement] {
        &self.statement
    }

    /// The document as compact JSON, as `CreateKey`, `SetTopicAttributes` and
    /// `PutUserPolicy` take it.
    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The document as a JSON value.
    #[must_use]
    pub fn to_value(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }
}

/// `Allow` or `Deny`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Effect {
    /// `Allow`.
    Allow,
    /// `Deny`.
    Deny,
}

/// Who a resource policy's statement applies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Principal {
    /// `{"AWS": [...]}`: account roots, users and roles by ARN.
    #[serde(rename = "AWS")]
    Aws(Vec<String>),
    /// `{"Service": [...]}`: AWS services such as `ses.amazonaws.com`.
    Service(Vec<String>),
}

/// The condition operators the crate's policies use (IAM's names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ConditionOperator {
    /// Exact, case-sensitive string match.
    StringEquals,
    /// String match with `*` and `?` wildcards.
    StringLike,
    /// Exact ARN match.
    ArnEquals,
    /// ARN match with wildcards.
    ArnLike,
    /// The request's address is in one of the CIDR ranges.
    IpAddress,
    /// The request's address is in none of the CIDR ranges.
    NotIpAddress,
    /// A boolean key (`aws:SecureTransport`).
    Bool,
}

/// One statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Statement {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sid: Option<String>,
    effect: Effect,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    principal: Option<Principal>,
    action: Vec<String>,
    resource: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    condition: BTreeMap<ConditionOperator, BTreeMap<String, Vec<String>>>,
}

impl Statement {
    /// An empty statement with `effect`; add the rest with the builder methods.
    #[must_use]
    pub const fn new(effect: Effect) -> Self {
        Self {
            sid: None,
            effect,
            principal: None,
            action: Vec::new(),
            resource: Vec::new(),
            condition: BTreeMap::new(),
        }
    }

    /// Sets `Sid`.
    #[must_use]
    pub fn sid(mut self, sid: &str) -> Self {
        self.sid = Some(sid.to_owned());
        self
    }

    /// Sets `Principal`.
    #[must_use]
    pub fn principal(mut self, principal: Principal) -> Self {
        self.principal = Some(principal);
        self
    }

    /// Adds an `Action`.
    #[must_use]
    pub fn action(mut self, action: &str) -> Self {
        self.action.push(action.to_owned());
        self
    }

    /// Adds a `Resource`.
    #[must_use]
    pub fn resource(mut self, resource: &str) -> Self {
        self.resource.push(resource.to_owned());
        self
    }

    /// Adds a condition `operator: {key: values}`.
    #[must_use]
    pub fn condition(
        mut self,
        operator: ConditionOperator,
        key: &str,
        values: Vec<String>,
    ) -> Self {
        self.condition
            .entry(operator)
            .or_default()
            .insert(key.to_owned(), values);
        self
    }

    /// `Sid`.
    #[must_use]
    pub fn sid_str(&self) -> Option<&str> {
        self.sid.as_deref()
    }

    /// `Effect`.
    #[must_use]
    pub const fn effect(&self) -> Effect {
        self.effect
    }

    /// `Principal`.
    #[must_use]
    pub const fn principal_ref(&self) -> Option<&Principal> {
        self.principal.as_ref()
    }

    /// `Action`.
    #[must_use]
    pub fn actions(&self) -> &[String] {
        &self.action
    }

    /// `Resource`.
    #[must_use]
    pub fn resources(&self) -> &[String] {
        &self.resource
    }

    /// The values of condition `operator` on `key`, if present.
    #[must_use]
    pub fn condition_values(&self, operator: ConditionOperator, key: &str) -> Option<&[String]> {
        self.condition
            .get(&operator)
            .and_then(|keys| keys.get(key))
            .map(Vec::as_slice)
    }
}

/// The service principal `<name>.amazonaws.com` (the same in every partition these
/// services run in, GovCloud included).
fn service(name: &str) -> Principal {
    Principal::Service(vec![format!("{name}.amazonaws.com")])
}

/// What a topic key's policy is made from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyPolicyInputs<'a> {
    pub(crate) partition: Partition,
    pub(crate) account: &'a AccountId,
    pub(crate) broker_principal: &'a Arn,
    pub(crate) topic_arn: &'a Arn,
    /// The reputation topic's key also lets CloudWatch encrypt alarm notifications.
    pub(crate) cloudwatch: bool,
}

/// The key policy of a topic's KMS key: the account root and the broker's own
/// principal `kms:*`; SES `kms:GenerateDataKey` and `kms:Decrypt` for this account and this
/// topic's encryption context; SNS the same for this topic; and for the reputation topic,
/// CloudWatch `kms:GenerateDataKey*` and `kms:Decrypt`, without a condition: the service
/// documents none for alarm actions, and a condition key CloudWatch did not send would silently drop every alarm
/// notification again (the topic policy limits who may publish).
pub(crate) fn key_policy(inputs: &KeyPolicyInputs<'_>) -> PolicyDocument {
    let account = inputs.account.as_str().to_owned();
    let topic = inputs.topic_arn.as_str().to_owned();
    let root = format!("arn:{}:iam::{}:root", inputs.partition, inputs.account);
    let mut statements = vec![
        Statement::new(Effect::Allow)
            .sid("EnableIAMUserPermissions")
            .principal(Principal::Aws(vec![root]))
            .action("kms:*")
            .resource("*"),
        Statement::new(Effect::Allow)
            .sid("EnableBrokerPermissions")
            .principal(Principal::Aws(vec![
                inputs.broker_principal.as_str().to_owned(),
            ]))
            .action("kms:*")
            .resource("*"),
        Statement::new(Effect::Allow)
            .sid("AllowSESToUseKMSKey")
            .principal(service("ses"))
            .action("kms:GenerateDataKey")
            .action("kms:Decrypt")
            .resource("*")
            .condition(
                ConditionOperator::StringEquals,
                "aws:SourceAccount",
                vec![account],
            )
            .condition(
                ConditionOperator::StringEquals,
                "kms:EncryptionContext:aws:sns:topicArn",
                vec![topic.clone()],
            ),
        Statement::new(Effect::Allow)
            .sid("SNSTopicAccess")
            .principal(service("sns"))
            .action("kms:GenerateDataKey")
            .action("kms:Decrypt")
            .resource("*")
            .condition(
                ConditionOperator::StringEquals,
                "aws:SourceArn",
                vec![topic],
            ),
    ];
    if inputs.cloudwatch {
        statements.push(
            Statement::new(Effect::Allow)
                .sid("AllowCloudWatchAlarms")
                .principal(service("cloudwatch"))
                .action("kms:GenerateDataKey*")
                .action("kms:Decrypt")
                .resource("*"),
        );
    }
    PolicyDocument::new(None, statements)
}

/// The policy of a feedback topic: id `<topic>-policy`, statement `AllowSESAccess` letting
/// SES publish for this account and this configuration set only.
pub(crate) fn feedback_topic_policy(
    topic_name: &str,
    topic_arn: &Arn,
    account: &AccountId,
    configuration_set_arn: &Arn,
) -> PolicyDocument {
    topic_policy(
        topic_name,
        publish_statement("AllowSESAccess", "ses", topic_arn, account).condition(
            ConditionOperator::StringEquals,
            "AWS:SourceArn",
            vec![configuration_set_arn.as_str().to_owned()],
        ),
    )
}

/// A topic policy of one statement, with the id `<topic>-policy`.
fn topic_policy(topic_name: &str, statement: Statement) -> PolicyDocument {
    PolicyDocument::new(Some(format!("{topic_name}-policy")), vec![statement])
}

/// `service` may `SNS:Publish` to the topic, for this account only.
fn publish_statement(
    sid: &str,
    service_name: &str,
    topic_arn: &Arn,
    account: &AccountId,
) -> Statement {
    Statement::new(Effect::Allow)
        .sid(sid)
        .principal(service(service_name))
        .action("SNS:Publish")
        .resource(topic_arn.as_str())
        .condition(
            ConditionOperator::StringEquals,
            "AWS:SourceAccount",
            vec![account.as_str().to_owned()],
        )
}

/// The policy of the reputation topic: id `<topic>-policy`, statement
/// `AllowCloudWatchAlarms` letting CloudWatch publish for this account only.
pub(crate) fn reputation_topic_policy(
    topic_name: &str,
    topic_arn: &Arn,
    account: &AccountId,
) -> PolicyDocument {
    topic_policy(
        topic_name,
        publish_statement("AllowCloudWatchAlarms", "cloudwatch", topic_arn, account),
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    #[test]
    fn unknown_condition_operators_do_not_deserialise() {
        let bad = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["a"],"Resource":["*"],"Condition":{"StringEqual":{"k":["v"]}}}]}"#;
        assert!(serde_json::from_str::<PolicyDocument>(bad).is_err());
        let good = bad.replace("StringEqual", "StringEquals");
        let doc: PolicyDocument = serde_json::from_str(&good).unwrap();
        assert_eq!(doc.to_json(), good);
    }
}
