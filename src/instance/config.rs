//! The broker's configuration: what the operator sets once for the whole broker.

use crate::prelude::*;

use crate::params::MAX_SENDING_DOMAIN_LEN;
use crate::values::{AccountId, Arn, DomainName, HostedZoneId, Partition, Region, ValueError};

/// Longest default zone, 188: a generated domain (`ses-` + 16 hex + `.` + zone, 21
/// characters more) must itself be a valid sending domain
/// ([`MAX_SENDING_DOMAIN_LEN`]).
pub const MAX_DEFAULT_ZONE_LEN: usize = MAX_SENDING_DOMAIN_LEN - GENERATED_LABEL_LEN - 1;

/// The first label of a generated domain: `ses-` and 16 hex characters.
const GENERATED_LABEL_LEN: usize = "ses-".len() + 16;

/// Problems with a [`BrokerConfig`], every one at once.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .problems.iter().map(|(f, m)| format!("{f}: {m}")).collect::<Vec<_>>().join("\n"))]
pub struct ConfigError {
    problems: Vec<(String, String)>,
}

impl ConfigError {
    /// Each problem as `(field, message)`.
    pub fn problems(&self) -> impl Iterator<Item = (&str, &str)> {
        self.problems.iter().map(|(f, m)| (f.as_str(), m.as_str()))
    }
}

/// What the operator configures once for the whole broker.
///
/// ```
/// use ses_broker::BrokerConfig;
/// let config = BrokerConfig::from_json(r#"{
///     "region": "us-gov-west-1",
///     "account_id": "123456789012",
///     "default_zone": "appmail.cloud.gov",
///     "platform_topic_arns": ["arn:aws-us-gov:sns:us-gov-west-1:123456789012:platform-email"]
/// }"#)?;
/// assert_eq!(config.partition().as_str(), "aws-us-gov");
/// # Ok::<(), ses_broker::instance::ConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BrokerConfig {
    region: Region,
    account_id: AccountId,
    default_zone: DomainName,
    platform_topic_arns: Vec<Arn>,
    aws: AwsSettings,
}

/// The settings only the AWS side uses (the `aws` module); see the accessors.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct AwsSettings {
    environment: String,
    broker_principal_arn: Option<Arn>,
    dns_account_id: Option<AccountId>,
    dns_partition: Option<Partition>,
    parent_hosted_zone_id: Option<HostedZoneId>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    region: String,
    account_id: String,
    default_zone: String,
    #[serde(default)]
    platform_topic_arns: Vec<String>,
    #[serde(default)]
    environment: String,
    broker_principal_arn: Option<String>,
    dns_account_id: Option<String>,
    dns_partition: Option<String>,
    parent_hosted_zone_id: Option<String>,
}

/// Longest environment name: it is a tag value (AWS: 256 characters).
const MAX_ENVIRONMENT_CHARS: usize = 256;

impl BrokerConfig {
    /// The configuration from its parts.
    ///
    /// `platform_topic_arns` are the platform's own notification topics (cloud.gov: one for
    /// email, one for chat) that reputation alarms notify besides the instance's topic.
    ///
    /// # Errors
    /// [`ConfigError`] when the default zone is too long for generated domains, or a topic
    /// ARN is not an SNS topic of this partition.
    pub fn new(
        region: Region,
        account_id: AccountId,
        default_zone: DomainName,
        platform_topic_arns: Vec<Arn>,
    ) -> Result<Self, ConfigError> {
        let mut problems = Vec::new();
        if default_zone.as_str().len() > MAX_DEFAULT_ZONE_LEN {
            problems.push((
                "default_zone".to_owned(),
                format!(
                    "is {} characters long; at most {MAX_DEFAULT_ZONE_LEN} leave room for generated domains and their DKIM records",
                    default_zone.as_str().len()
                ),
            ));
        }
        for (index, arn) in platform_topic_arns.iter().enumerate() {
            if arn.service() != "sns" || arn.partition() != region.partition() {
                problems.push((
                    format!("platform_topic_arns[{index}]"),
                    format!(
                        "must be an SNS topic ARN in partition {}",
                        region.partition()
                    ),
                ));
            }
        }
        if !problems.is_empty() {
            return Err(ConfigError { problems });
        }
        Ok(Self {
            region,
            account_id,
            default_zone,
            platform_topic_arns,
            aws: AwsSettings::default(),
        })
    }

    /// Sets the environment name that tags every AWS resource (`environment`, e.g.
    /// `production`): at most 256 letters, digits, spaces and `_ . : / = + - @`.
    ///
    /// # Errors
    /// [`ConfigError`] naming `environment` when it breaks AWS's tag value rules.
    pub fn with_environment(mut self, environment: &str) -> Result<Self, ConfigError> {
        let bad = environment.chars().count() > MAX_ENVIRONMENT_CHARS
            || !environment
                .chars()
                .all(|c| c.is_alphanumeric() || c == ' ' || "_.:/=+-@".contains(c));
        if bad {
            return Err(ConfigError {
                problems: vec![(
                    "environment".to_owned(),
                    format!(
                        "must be at most {MAX_ENVIRONMENT_CHARS} letters, digits, spaces and _ . : / = + - @ (it is a tag value)"
                    ),
                )],
            });
        }
        environment.clone_into(&mut self.aws.environment);
        Ok(self)
    }

    /// Sets the broker's own IAM principal (the user or role its AWS credentials belong to,
    /// as STS `GetCallerIdentity` reports it): every topic key's policy grants it `kms:*`,
    /// so the broker can manage and delete the keys it creates.
    ///
    /// # Errors
    /// [`ConfigError`] naming `broker_principal_arn` when it is not an IAM or STS ARN of
    /// the broker's account and partition.
    pub fn with_broker_principal_arn(mut self, arn: Arn) -> Result<Self, ConfigError> {
        if !matches!(arn.service(), "iam" | "sts")
            || arn.partition() != self.partition()
            || arn.account() != self.account_id.as_str()
        {
            return Err(ConfigError {
                problems: vec![(
                    "broker_principal_arn".to_owned(),
                    format!(
                        "must be an IAM or STS principal ARN of account {} in partition {}",
                        self.account_id,
                        self.partition()
                    ),
                )],
            });
        }
        self.aws.broker_principal_arn = Some(arn);
        Ok(self)
    }

    /// Sets where generated domains' DNS lives: the DNS account and its partition (cloud.gov
    /// keeps DNS in a commercial account and SES in GovCloud) and the Route 53 hosted zone
    /// of [`Self::default_zone`] that receives each generated domain's NS delegation.
    #[must_use]
    pub fn with_dns(
        mut self,
        account_id: AccountId,
        partition: Partition,
        parent_hosted_zone_id: HostedZoneId,
    ) -> Self {
        self.aws.dns_account_id = Some(account_id);
        self.aws.dns_partition = Some(partition);
        self.aws.parent_hosted_zone_id = Some(parent_hosted_zone_id);
        self
    }

    /// Reads the configuration from JSON: `region`, `account_id`, `default_zone` and
    /// optionally `platform_topic_arns`, `environment` (default `""`),
    /// `broker_principal_arn` (a broker may learn it from STS and add it with
    /// [`Self::with_broker_principal_arn`]), `dns_account_id` and `dns_partition` (default:
    /// the SES account and its partition) and `parent_hosted_zone_id` (needed before an
    /// instance with a generated domain can be created in AWS).
    ///
    /// # Errors
    /// [`ConfigError`] with every problem found.
    pub fn from_json(json: &str) -> Result<Self, ConfigError> {
        let raw: RawConfig = serde_json::from_str(json).map_err(|e| ConfigError {
            problems: vec![(
                "(root)".to_owned(),
                format!("is not a broker configuration: {e}"),
            )],
        })?;
        let mut problems = Vec::new();
        let mut field = |name: &str, result: Result<(), ValueError>| {
            if let Err(e) = result {
                problems.push((name.to_owned(), e.to_string()));
            }
        };
        let region = Region::parse(&raw.region);
        field("region", region.as_ref().map(|_| ()).map_err(Clone::clone));
        let account = AccountId::parse(&raw.account_id);
        field(
            "account_id",
            account.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        let zone = DomainName::parse(&raw.default_zone);
        field(
            "default_zone",
            zone.as_ref().map(|_| ()).map_err(Clone::clone),
        );
        let mut topics = Vec::new();
        for (index, text) in raw.platform_topic_arns.iter().enumerate() {
            match Arn::parse(text) {
                Ok(arn) => topics.push(arn),
                Err(e) => problems.push((format!("platform_topic_arns[{index}]"), e.to_string())),
            }
        }
        let principal = parse_optional(
            &mut problems,
            "broker_principal_arn",
            raw.broker_principal_arn.as_deref(),
            Arn::parse,
        );
        let dns_account = parse_optional(
            &mut problems,
            "dns_account_id",
            raw.dns_account_id.as_deref(),
            AccountId::parse,
        );
        let dns_partition = raw.dns_partition.as_deref().and_then(|p| {
            let found = Partition::parse(p);
            if found.is_none() {
                problems.push((
                    "dns_partition".to_owned(),
                    "is not a known AWS partition (aws, aws-us-gov, aws-cn, ...)".to_owned(),
                ));
            }
            found
        });
        let parent_zone = parse_optional(
            &mut problems,
            "parent_hosted_zone_id",
            raw.parent_hosted_zone_id.as_deref(),
            HostedZoneId::parse,
        );
        let mut config = match (region, account, zone) {
            (Ok(region), Ok(account), Ok(zone)) if problems.is_empty() => {
                Self::new(region, account, zone, topics)?
            }
            _ => return Err(ConfigError { problems }),
        };
        let mut problems = Vec::new();
        let mut keep = |result: Result<Self, ConfigError>, previous: &Self| match result {
            Ok(next) => next,
            Err(e) => {
                problems.extend(e.problems);
                previous.clone()
            }
        };
        config = keep(config.clone().with_environment(&raw.environment), &config);
        if let Some(arn) = principal {
            config = keep(config.clone().with_broker_principal_arn(arn), &config);
        }
        config.aws.dns_account_id = dns_account;
        config.aws.dns_partition = dns_partition;
        config.aws.parent_hosted_zone_id = parent_zone;
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(ConfigError { problems })
        }
    }

    /// The environment name tagging every AWS resource (`""` when not configured).
    #[must_use]
    pub fn environment(&self) -> &str {
        &self.aws.environment
    }

    /// The broker's own principal ARN, when configured.
    #[must_use]
    pub const fn broker_principal_arn(&self) -> Option<&Arn> {
        self.aws.broker_principal_arn.as_ref()
    }

    /// The account that holds generated domains' DNS (default: the SES account).
    #[must_use]
    pub fn dns_account_id(&self) -> &AccountId {
        self.aws.dns_account_id.as_ref().unwrap_or(&self.account_id)
    }

    /// The partition of the DNS account (default: the SES region's).
    #[must_use]
    pub fn dns_partition(&self) -> Partition {
        self.aws.dns_partition.unwrap_or_else(|| self.partition())
    }

    /// The Route 53 hosted zone of the default zone, when configured.
    #[must_use]
    pub const fn parent_hosted_zone_id(&self) -> Option<&HostedZoneId> {
        self.aws.parent_hosted_zone_id.as_ref()
    }

    /// The SES region.
    #[must_use]
    pub const fn region(&self) -> &Region {
        &self.region
    }

    /// The partition, from the region.
    #[must_use]
    pub fn partition(&self) -> Partition {
        self.region.partition()
    }

    /// The AWS account the broker provisions in.
    #[must_use]
    pub const fn account_id(&self) -> &AccountId {
        &self.account_id
    }

    /// The zone generated domains are made under (cloud.gov: `appmail.cloud.gov`).
    #[must_use]
    pub const fn default_zone(&self) -> &DomainName {
        &self.default_zone
    }

    /// The platform's notification topics.
    #[must_use]
    pub fn platform_topic_arns(&self) -> &[Arn] {
        &self.platform_topic_arns
    }
}

/// Parses an optional configuration field, recording a problem under `field`.
fn parse_optional<T>(
    problems: &mut Vec<(String, String)>,
    field: &str,
    text: Option<&str>,
    parse: fn(&str) -> Result<T, ValueError>,
) -> Option<T> {
    match text.map(parse) {
        Some(Ok(value)) => Some(value),
        Some(Err(e)) => {
            problems.push((field.to_owned(), e.to_string()));
            None
        }
        None => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    fn config() -> BrokerConfig {
        BrokerConfig::from_json(
            r#"{"region": "us-gov-west-1", "account_id": "111122223333", "default_zone": "appmail.cloud.gov"}"#,
        )
        .unwrap()
    }

    #[test]
    fn aws_settings_default_to_the_ses_account() {
        let c = config();
        assert_eq!(c.environment(), "");
        assert_eq!(c.broker_principal_arn(), None);
        assert_eq!(c.dns_account_id(), c.account_id());
        assert_eq!(c.dns_partition(), Partition::AwsUsGov);
        assert_eq!(c.parent_hosted_zone_id(), None);
    }

    #[test]
    fn the_broker_principal_must_be_of_this_account_and_partition() {
        for bad in [
            "arn:aws-us-gov:iam::444455556666:user/b",
            "arn:aws:iam::111122223333:user/b",
            "arn:aws-us-gov:sns:us-gov-west-1:111122223333:t",
        ] {
            let error = config()
                .with_broker_principal_arn(bad.parse().unwrap())
                .unwrap_err();
            assert!(
                error.to_string().starts_with("broker_principal_arn: "),
                "{bad}"
            );
        }
        for good in [
            "arn:aws-us-gov:iam::111122223333:user/ses-broker",
            "arn:aws-us-gov:sts::111122223333:assumed-role/broker/session",
        ] {
            assert!(
                config()
                    .with_broker_principal_arn(good.parse().unwrap())
                    .is_ok()
            );
        }
    }

    #[test]
    fn the_environment_is_a_valid_tag_value() {
        assert!(config().with_environment("production").is_ok());
        assert!(config().with_environment("prod;").is_err());
        assert!(config().with_environment(&"e".repeat(257)).is_err());
    }
}
