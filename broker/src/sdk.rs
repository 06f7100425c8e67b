//! The `sdk` adapter: each core [`Operation`] as the one AWS SDK for Rust call it names, and
//! the call's response or error as the core's [`Answer`].
//!
//! Nothing here names, orders or decides: the operation carries every parameter, and
//! [`classify`] is the one table of error codes. Two things go beyond one call, both to
//! fill an answer the core asks for:
//! - a create that finds its resource there reads it back (`Get...`/`Describe...`/`List...`)
//!   for [`Answer::AlreadyExists`], so the core can compare settings;
//! - `CreateEmailIdentity`: when the SES v2 answer carries no DKIM tokens (AWS's does;
//!   moto's does not), SES v1 `GetIdentityDkimAttributes` reads them.

use aws_config::SdkConfig;
use aws_sdk_iam::error::{ProvideErrorMetadata, SdkError};
use ses_broker::aws::{
    Answer, ChangeAction, FailureKind, HostedZoneSummary, KmsKeyId, Observed, Operation, Output,
    Tags,
};
use ses_broker::binding::Protocol;
use ses_broker::dns::DkimToken;
use ses_broker::values::{AccessKey, AccessKeyId, Arn, DomainName, HostedZoneId, SecretAccessKey};

use crate::aws::{Aws, ErrorClass, classify};
use crate::config::CallerIdentity;

/// Every AWS client the broker uses, from one SDK configuration.
#[derive(Debug, Clone)]
pub struct SdkAws {
    sesv2: aws_sdk_sesv2::Client,
    ses: aws_sdk_ses::Client,
    sns: aws_sdk_sns::Client,
    kms: aws_sdk_kms::Client,
    iam: aws_sdk_iam::Client,
    cloudwatch: aws_sdk_cloudwatch::Client,
    route53: aws_sdk_route53::Client,
    sts: aws_sdk_sts::Client,
    endpoint: Option<String>,
}

impl SdkAws {
    /// Clients for the SES `region` (the configuration's, whatever the environment says)
    /// with the standard credential chain, every one sent to `endpoint` when given (an
    /// emulator).
    pub async fn connect(region: &str, endpoint: Option<&str>) -> Self {
        let mut loader = aws_config::from_env().region(aws_config::Region::new(region.to_owned()));
        if let Some(url) = endpoint {
            loader = loader.endpoint_url(url);
        }
        Self::from_config(&loader.load().await, endpoint)
    }

    fn from_config(config: &SdkConfig, endpoint: Option<&str>) -> Self {
        Self {
            sesv2: aws_sdk_sesv2::Client::new(config),
            ses: aws_sdk_ses::Client::new(config),
            sns: aws_sdk_sns::Client::new(config),
            kms: aws_sdk_kms::Client::new(config),
            iam: aws_sdk_iam::Client::new(config),
            cloudwatch: aws_sdk_cloudwatch::Client::new(config),
            route53: aws_sdk_route53::Client::new(config),
            sts: aws_sdk_sts::Client::new(config),
            endpoint: endpoint.map(ToOwned::to_owned),
        }
    }

    /// STS `GetCallerIdentity`: the account and ARN of the credentials.
    ///
    /// # Errors
    /// STS's error, as text (no credentials, expired, no network, ...).
    pub async fn caller_identity(&self) -> Result<CallerIdentity, String> {
        let out = self
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| format!("sts:GetCallerIdentity: {}", describe(&e)))?;
        match (out.account(), out.arn()) {
            (Some(account), Some(arn)) => Ok(CallerIdentity {
                account: account.to_owned(),
                arn: arn.to_owned(),
            }),
            _ => Err("sts:GetCallerIdentity answered without an account or ARN".to_owned()),
        }
    }
}

/// An SDK error's code and message, or its kind when there is no service answer.
fn describe<E: ProvideErrorMetadata + std::error::Error + 'static, R: std::fmt::Debug + 'static>(
    error: &SdkError<E, R>,
) -> String {
    match (error.code(), error.message()) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.to_owned(),
        _ => aws_smithy_error_chain(error),
    }
}

/// The error and its sources, one line (the SDK's `Display` alone says only "dispatch
/// failure").
fn aws_smithy_error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Why a call did not give an output.
#[derive(Debug)]
enum Fault {
    /// The request could not be built, or an answer could not be read (an adapter bug or
    /// an answer the core's types refuse).
    Local(String),
    /// AWS (or the way there) answered with an error.
    Service {
        code: String,
        message: String,
        status: Option<u16>,
        /// No service answer at all: a connection, timeout or response-parsing failure.
        transport: bool,
    },
}

impl<E, R> From<SdkError<E, R>> for Fault
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + HttpStatus + 'static,
{
    fn from(error: SdkError<E, R>) -> Self {
        let status = error.raw_response().map(HttpStatus::status_code);
        match &error {
            SdkError::ServiceError(_) => Self::Service {
                code: error.code().unwrap_or("Unknown").to_owned(),
                message: error.message().unwrap_or_default().to_owned(),
                status,
                transport: false,
            },
            SdkError::ConstructionFailure(_) => Self::Local(aws_smithy_error_chain(&error)),
            _ => Self::Service {
                code: "Transport".to_owned(),
                message: aws_smithy_error_chain(&error),
                status,
                transport: true,
            },
        }
    }
}

/// The HTTP status of a raw SDK response.
trait HttpStatus {
    fn status_code(&self) -> u16;
}

impl HttpStatus for aws_sdk_iam::config::http::HttpResponse {
    fn status_code(&self) -> u16 {
        self.status().as_u16()
    }
}

impl From<aws_sdk_iam::error::BuildError> for Fault {
    fn from(error: aws_sdk_iam::error::BuildError) -> Self {
        Self::Local(format!("the request could not be built: {error}"))
    }
}

/// A value the core's types refuse (a token, ARN or id AWS answered).
fn unreadable(what: &str, error: impl std::fmt::Display) -> Fault {
    Fault::Local(format!("cannot read {what} from the answer: {error}"))
}

type Outcome = Result<Output, Fault>;

impl Aws for SdkAws {
    async fn call(&self, operation: &Operation) -> Answer {
        match self.dispatch(operation).await {
            Ok(output) => Answer::Done(output),
            Err(Fault::Local(message)) => {
                Answer::failed(FailureKind::Permanent, "BrokerAdapter", &message)
            }
            Err(Fault::Service {
                code,
                message,
                status,
                transport,
            }) => {
                if transport {
                    return Answer::failed(FailureKind::Transient, &code, &message);
                }
                match classify(operation, &code, &message, status) {
                    ErrorClass::NotFound => Answer::NotFound,
                    ErrorClass::Failure(kind) => Answer::failed(kind, &code, &message),
                    ErrorClass::AlreadyExists => match self.read_back(operation).await {
                        Ok(Some(observed)) => Answer::AlreadyExists(observed),
                        Ok(None) => Answer::failed(FailureKind::Permanent, &code, &message),
                        Err(Fault::Local(why)) => Answer::failed(
                            FailureKind::Permanent,
                            &code,
                            &format!("{message} (and reading it back failed: {why})"),
                        ),
                        Err(Fault::Service {
                            code: read_code,
                            message: read_message,
                            ..
                        }) => Answer::failed(
                            FailureKind::Permanent,
                            &code,
                            &format!(
                                "{message} (and reading it back failed: {read_code}: {read_message})"
                            ),
                        ),
                    },
                }
            }
        }
    }

    fn describe(&self) -> String {
        match &self.endpoint {
            Some(url) => format!("the AWS SDK for Rust, every client sent to {url}"),
            None => "the AWS SDK for Rust (AWS itself)".to_owned(),
        }
    }
}

/// The tags of one service's API.
macro_rules! tags {
    ($tags:expr, $ty:ty) => {
        $tags
            .iter()
            .map(|t| <$ty>::builder().key(t.key()).value(t.value()).build())
    };
}

fn sesv2_tags(tags: &Tags) -> Result<Vec<aws_sdk_sesv2::types::Tag>, Fault> {
    Ok(tags!(tags, aws_sdk_sesv2::types::Tag).collect::<Result<_, _>>()?)
}

fn sns_tags(tags: &Tags) -> Result<Vec<aws_sdk_sns::types::Tag>, Fault> {
    Ok(tags!(tags, aws_sdk_sns::types::Tag).collect::<Result<_, _>>()?)
}

fn iam_tags(tags: &Tags) -> Result<Vec<aws_sdk_iam::types::Tag>, Fault> {
    Ok(tags!(tags, aws_sdk_iam::types::Tag).collect::<Result<_, _>>()?)
}

fn kms_tags(tags: &Tags) -> Result<Vec<aws_sdk_kms::types::Tag>, Fault> {
    tags.iter()
        .map(|t| {
            aws_sdk_kms::types::Tag::builder()
                .tag_key(t.key())
                .tag_value(t.value())
                .build()
                .map_err(Fault::from)
        })
        .collect()
}

fn parse<T, E: std::fmt::Display>(
    what: &str,
    text: &str,
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<T, Fault> {
    parse(text).map_err(|e| unreadable(what, e))
}

fn arn(what: &str, text: Option<&str>) -> Result<Arn, Fault> {
    parse(what, text.unwrap_or_default(), Arn::parse)
}

fn dkim_tokens(tokens: &[String]) -> Result<Option<[DkimToken; 3]>, Fault> {
    match tokens {
        [] => Ok(None),
        [a, b, c] => Ok(Some([
            parse("a DKIM token", a, DkimToken::parse)?,
            parse("a DKIM token", b, DkimToken::parse)?,
            parse("a DKIM token", c, DkimToken::parse)?,
        ])),
        other => Err(Fault::Local(format!(
            "SES answered {} DKIM tokens, not 3",
            other.len()
        ))),
    }
}

fn optional_domain(what: &str, text: Option<&str>) -> Result<Option<DomainName>, Fault> {
    text.map(|t| parse(what, t, DomainName::parse)).transpose()
}

impl SdkAws {
    /// Makes the one call `operation` names.
    #[allow(
        clippy::too_many_lines,
        reason = "one arm per operation, each a direct SDK call: splitting them would only scatter the table"
    )]
    async fn dispatch(&self, operation: &Operation) -> Outcome {
        use aws_sdk_sesv2::types as v2;
        match operation {
            Operation::CreateConfigurationSet(p) => {
                self.sesv2
                    .create_configuration_set()
                    .configuration_set_name(p.configuration_set_name.as_str())
                    .delivery_options(
                        v2::DeliveryOptions::builder()
                            .tls_policy(v2::TlsPolicy::from(p.tls_policy.as_str()))
                            .build(),
                    )
                    .reputation_options(
                        v2::ReputationOptions::builder()
                            .reputation_metrics_enabled(p.reputation_metrics_enabled)
                            .build(),
                    )
                    .suppression_options(
                        v2::SuppressionOptions::builder()
                            .set_suppressed_reasons(Some(
                                p.suppressed_reasons
                                    .iter()
                                    .map(|r| v2::SuppressionListReason::from(r.as_str()))
                                    .collect(),
                            ))
                            .build(),
                    )
                    .sending_options(
                        v2::SendingOptions::builder()
                            .sending_enabled(p.sending_enabled)
                            .build(),
                    )
                    .set_tags(Some(sesv2_tags(&p.tags)?))
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::DeleteConfigurationSet(p) => {
                self.sesv2
                    .delete_configuration_set()
                    .configuration_set_name(p.configuration_set_name.as_str())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::CreateEmailIdentity(p) => {
                let out = self
                    .sesv2
                    .create_email_identity()
                    .email_identity(p.email_identity.as_str())
                    .configuration_set_name(p.configuration_set_name.as_str())
                    .set_tags(Some(sesv2_tags(&p.tags)?))
                    .send()
                    .await?;
                let dkim = out.dkim_attributes();
                let tokens =
                    match dkim_tokens(dkim.map(v2::DkimAttributes::tokens).unwrap_or_default())? {
                        Some(tokens) => tokens,
                        None => self.v1_dkim_tokens(&p.email_identity).await?,
                    };
                Ok(Output::EmailIdentity {
                    dkim_tokens: tokens,
                    signing_hosted_zone: optional_domain(
                        "SigningHostedZone",
                        dkim.and_then(v2::DkimAttributes::signing_hosted_zone),
                    )?,
                })
            }
            Operation::DeleteEmailIdentity(p) => {
                self.sesv2
                    .delete_email_identity()
                    .email_identity(p.email_identity.as_str())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::SetIdentityMailFromDomain(p) => {
                self.ses
                    .set_identity_mail_from_domain()
                    .identity(p.identity.as_str())
                    .set_mail_from_domain(p.mail_from_domain.as_ref().map(ToString::to_string))
                    .behavior_on_mx_failure(aws_sdk_ses::types::BehaviorOnMxFailure::from(
                        p.behavior_on_mx_failure.v1_name(),
                    ))
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::CreateConfigurationSetEventDestination(p) => {
                use aws_sdk_ses::types as v1;
                let destination = v1::EventDestination::builder()
                    .name(p.event_destination_name.as_str())
                    .enabled(p.enabled)
                    .set_matching_event_types(Some(
                        p.matching_event_types
                            .iter()
                            .map(|t| v1::EventType::from(t.v1_name()))
                            .collect(),
                    ))
                    .sns_destination(
                        v1::SnsDestination::builder()
                            .topic_arn(p.topic_arn.as_str())
                            .build()?,
                    )
                    .build()?;
                self.ses
                    .create_configuration_set_event_destination()
                    .configuration_set_name(p.configuration_set_name.as_str())
                    .event_destination(destination)
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::DeleteConfigurationSetEventDestination(p) => {
                self.ses
                    .delete_configuration_set_event_destination()
                    .configuration_set_name(p.configuration_set_name.as_str())
                    .event_destination_name(p.event_destination_name.as_str())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::CreateKey(p) => {
                let out = self
                    .kms
                    .create_key()
                    .description(&p.description)
                    .policy(p.policy.to_json())
                    .set_tags(Some(kms_tags(&p.tags)?))
                    .send()
                    .await?;
                let meta = out
                    .key_metadata()
                    .ok_or_else(|| unreadable("KeyMetadata", "absent"))?;
                Ok(Output::Key {
                    key_id: parse("KeyId", meta.key_id(), KmsKeyId::parse)?,
                    arn: arn("the key ARN", meta.arn())?,
                })
            }
            Operation::EnableKeyRotation(p) => {
                self.kms
                    .enable_key_rotation()
                    .key_id(p.key_id.as_str())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::CreateAlias(p) => {
                self.kms
                    .create_alias()
                    .alias_name(p.alias_name.as_str())
                    .target_key_id(p.target_key_id.as_str())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::DeleteAlias(p) => {
                self.kms
                    .delete_alias()
                    .alias_name(p.alias_name.as_str())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::ScheduleKeyDeletion(p) => {
                self.kms
                    .schedule_key_deletion()
                    .key_id(p.key_id.as_str())
                    .pending_window_in_days(i32::from(p.pending_window_in_days))
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::ListKeys(p) => {
                let out = self
                    .kms
                    .list_keys()
                    .set_marker(p.marker.clone())
                    .send()
                    .await?;
                let key_ids = out
                    .keys()
                    .iter()
                    .filter_map(|k| k.key_id())
                    .map(|id| parse("KeyId", id, KmsKeyId::parse))
                    .collect::<Result<_, _>>()?;
                Ok(Output::KeyList {
                    key_ids,
                    next_marker: if out.truncated() {
                        out.next_marker().map(ToOwned::to_owned)
                    } else {
                        None
                    },
                })
            }
            Operation::DescribeKey(p) => {
                let out = self
                    .kms
                    .describe_key()
                    .key_id(p.key_id.as_str())
                    .send()
                    .await?;
                let meta = out
                    .key_metadata()
                    .ok_or_else(|| unreadable("KeyMetadata", "absent"))?;
                Ok(Output::KeyDescription {
                    key_id: parse("KeyId", meta.key_id(), KmsKeyId::parse)?,
                    arn: arn("the key ARN", meta.arn())?,
                    description: meta.description().unwrap_or_default().to_owned(),
                    pending_deletion: matches!(
                        meta.key_state(),
                        Some(
                            aws_sdk_kms::types::KeyState::PendingDeletion
                                | aws_sdk_kms::types::KeyState::PendingReplicaDeletion
                        )
                    ),
                })
            }
            Operation::CreateTopic(p) => {
                let out = self
                    .sns
                    .create_topic()
                    .name(p.name.as_str())
                    .attributes("KmsMasterKeyId", p.kms_master_key_id.as_str())
                    .set_tags(Some(sns_tags(&p.tags)?))
                    .send()
                    .await?;
                Ok(Output::Topic {
                    arn: arn("TopicArn", out.topic_arn())?,
                })
            }
            Operation::SetTopicAttributes(p) => {
                self.sns
                    .set_topic_attributes()
                    .topic_arn(p.topic_arn.as_str())
                    .attribute_name(p.attribute_name())
                    .attribute_value(p.attribute_value())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::DeleteTopic(p) => {
                self.sns
                    .delete_topic()
                    .topic_arn(p.topic_arn.as_str())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::Subscribe(p) => {
                let out = self
                    .sns
                    .subscribe()
                    .topic_arn(p.topic_arn.as_str())
                    .protocol(protocol(p.protocol)?)
                    .endpoint(&p.endpoint)
                    .return_subscription_arn(p.return_subscription_arn)
                    .send()
                    .await?;
                Ok(Output::Subscription {
                    arn: arn("SubscriptionArn", out.subscription_arn())?,
                })
            }
            Operation::Unsubscribe(p) => {
                self.sns
                    .unsubscribe()
                    .subscription_arn(p.subscription_arn.as_str())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::PutMetricAlarm(p) => {
                use aws_sdk_cloudwatch::types as cw;
                let arns = |list: &[Arn]| Some(list.iter().map(ToString::to_string).collect());
                self.cloudwatch
                    .put_metric_alarm()
                    .alarm_name(p.alarm_name.as_str())
                    .alarm_description(&p.alarm_description)
                    .actions_enabled(p.actions_enabled)
                    .set_alarm_actions(arns(&p.alarm_actions))
                    .set_ok_actions(arns(&p.ok_actions))
                    .set_insufficient_data_actions(arns(&p.insufficient_data_actions))
                    .metric_name(&p.metric_name)
                    .namespace(&p.namespace)
                    .statistic(cw::Statistic::from(p.statistic.as_str()))
                    .set_dimensions(Some(
                        p.dimensions
                            .iter()
                            .map(|d| {
                                cw::Dimension::builder()
                                    .name(&d.name)
                                    .value(&d.value)
                                    .build()
                            })
                            .collect(),
                    ))
                    .period(i32::try_from(p.period).map_err(|e| unreadable("Period", e))?)
                    .evaluation_periods(
                        i32::try_from(p.evaluation_periods)
                            .map_err(|e| unreadable("EvaluationPeriods", e))?,
                    )
                    .datapoints_to_alarm(
                        i32::try_from(p.datapoints_to_alarm)
                            .map_err(|e| unreadable("DatapointsToAlarm", e))?,
                    )
                    .threshold(p.threshold)
                    .comparison_operator(cw::ComparisonOperator::from(
                        p.comparison_operator.as_str(),
                    ))
                    .treat_missing_data(&p.treat_missing_data)
                    .set_tags(Some(
                        p.tags
                            .iter()
                            .map(|t| cw::Tag::builder().key(t.key()).value(t.value()).build())
                            .collect(),
                    ))
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::DeleteAlarms(p) => {
                self.cloudwatch
                    .delete_alarms()
                    .set_alarm_names(Some(
                        p.alarm_names.iter().map(ToString::to_string).collect(),
                    ))
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::ListHostedZonesByName(p) => {
                let out = self
                    .route53
                    .list_hosted_zones_by_name()
                    .dns_name(p.dns_name.as_str())
                    .max_items(i32::from(p.max_items))
                    .send()
                    .await?;
                let zones = out
                    .hosted_zones()
                    .iter()
                    .map(|zone| {
                        Ok(HostedZoneSummary {
                            id: parse("the hosted zone Id", zone.id(), HostedZoneId::parse)?,
                            name: parse(
                                "the hosted zone Name",
                                zone.name().trim_end_matches('.'),
                                DomainName::parse,
                            )?,
                            comment: zone
                                .config()
                                .and_then(|c| c.comment())
                                .map(ToOwned::to_owned),
                        })
                    })
                    .collect::<Result<_, Fault>>()?;
                Ok(Output::HostedZones(zones))
            }
            Operation::GetHostedZone(p) => {
                let out = self
                    .route53
                    .get_hosted_zone()
                    .id(p.id.as_str())
                    .send()
                    .await?;
                Ok(Output::HostedZone {
                    id: parse(
                        "the hosted zone Id",
                        out.hosted_zone().map(|z| z.id()).unwrap_or_default(),
                        HostedZoneId::parse,
                    )?,
                    name_servers: name_servers(out.delegation_set())?,
                })
            }
            Operation::CreateHostedZone(p) => {
                let out = self
                    .route53
                    .create_hosted_zone()
                    .name(p.name.as_str())
                    .caller_reference(unique_reference(&p.caller_reference_stem))
                    .hosted_zone_config(
                        aws_sdk_route53::types::HostedZoneConfig::builder()
                            .comment(&p.comment)
                            .private_zone(false)
                            .build(),
                    )
                    .send()
                    .await?;
                Ok(Output::HostedZone {
                    id: parse(
                        "the hosted zone Id",
                        out.hosted_zone().map(|z| z.id()).unwrap_or_default(),
                        HostedZoneId::parse,
                    )?,
                    name_servers: name_servers(out.delegation_set())?,
                })
            }
            Operation::ChangeTagsForResource(p) => {
                self.route53
                    .change_tags_for_resource()
                    .resource_type(aws_sdk_route53::types::TagResourceType::Hostedzone)
                    .resource_id(p.resource_id.as_str())
                    .set_add_tags(Some(
                        p.add_tags
                            .iter()
                            .map(|t| {
                                aws_sdk_route53::types::Tag::builder()
                                    .key(t.key())
                                    .value(t.value())
                                    .build()
                            })
                            .collect(),
                    ))
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::ChangeResourceRecordSets(p) => {
                use aws_sdk_route53::types as r53;
                let set = &p.record_set;
                let records = set
                    .values()
                    .iter()
                    .map(|v| r53::ResourceRecord::builder().value(v).build())
                    .collect::<Result<Vec<_>, _>>()?;
                let change = r53::Change::builder()
                    .action(match p.action {
                        ChangeAction::Upsert => r53::ChangeAction::Upsert,
                        ChangeAction::Delete => r53::ChangeAction::Delete,
                        other => r53::ChangeAction::from(other.as_str()),
                    })
                    .resource_record_set(
                        r53::ResourceRecordSet::builder()
                            .name(set.name())
                            .r#type(r53::RrType::from(set.record_type()))
                            .ttl(i64::from(set.ttl()))
                            .set_resource_records(Some(records))
                            .build()?,
                    )
                    .build()?;
                self.route53
                    .change_resource_record_sets()
                    .hosted_zone_id(p.hosted_zone_id.as_str())
                    .change_batch(r53::ChangeBatch::builder().changes(change).build()?)
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::DeleteHostedZone(p) => {
                self.route53
                    .delete_hosted_zone()
                    .id(p.id.as_str())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::CreateUser(p) => {
                self.iam
                    .create_user()
                    .user_name(p.user_name.as_str())
                    .path(p.path.as_str())
                    .set_tags(Some(iam_tags(&p.tags)?))
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::PutUserPolicy(p) => {
                self.iam
                    .put_user_policy()
                    .user_name(p.user_name.as_str())
                    .policy_name(p.policy_name.as_str())
                    .policy_document(p.policy_document.to_json())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::ListAccessKeys(p) => {
                let out = self
                    .iam
                    .list_access_keys()
                    .user_name(p.user_name.as_str())
                    .send()
                    .await?;
                Ok(Output::AccessKeys(
                    out.access_key_metadata()
                        .iter()
                        .filter_map(|k| k.access_key_id())
                        .map(|id| parse("AccessKeyId", id, AccessKeyId::parse))
                        .collect::<Result<_, _>>()?,
                ))
            }
            Operation::CreateAccessKey(p) => {
                let out = self
                    .iam
                    .create_access_key()
                    .user_name(p.user_name.as_str())
                    .send()
                    .await?;
                let key = out
                    .access_key()
                    .ok_or_else(|| unreadable("AccessKey", "absent"))?;
                let id = parse("AccessKeyId", key.access_key_id(), AccessKeyId::parse)?;
                // The secret's parse error never quotes the secret.
                let secret = SecretAccessKey::parse(key.secret_access_key())
                    .map_err(|e| unreadable("SecretAccessKey", e))?;
                Ok(Output::AccessKey(
                    AccessKey::new(id, secret).map_err(|e| unreadable("the access key", e))?,
                ))
            }
            Operation::DeleteAccessKey(p) => {
                self.iam
                    .delete_access_key()
                    .user_name(p.user_name.as_str())
                    .access_key_id(p.access_key_id.as_str())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::DeleteUserPolicy(p) => {
                self.iam
                    .delete_user_policy()
                    .user_name(p.user_name.as_str())
                    .policy_name(p.policy_name.as_str())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::DeleteUser(p) => {
                self.iam
                    .delete_user()
                    .user_name(p.user_name.as_str())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            other => Err(Fault::Local(format!(
                "{other}: this adapter does not know the operation"
            ))),
        }
    }

    /// SES v1 `GetIdentityDkimAttributes`: the identity's three Easy DKIM tokens.
    async fn v1_dkim_tokens(&self, identity: &DomainName) -> Result<[DkimToken; 3], Fault> {
        let out = self
            .ses
            .get_identity_dkim_attributes()
            .identities(identity.as_str())
            .send()
            .await?;
        let tokens = out
            .dkim_attributes()
            .get(identity.as_str())
            .map(|a| a.dkim_tokens())
            .unwrap_or_default();
        dkim_tokens(tokens)?.ok_or_else(|| unreadable("the DKIM tokens", "SES gave none"))
    }

    /// What a create found in place of the resource it would have made.
    async fn read_back(&self, operation: &Operation) -> Result<Option<Observed>, Fault> {
        match operation {
            Operation::CreateConfigurationSet(p) => {
                let out = self
                    .sesv2
                    .get_configuration_set()
                    .configuration_set_name(p.configuration_set_name.as_str())
                    .send()
                    .await?;
                Ok(Some(Observed::ConfigurationSet {
                    tls_policy: out
                        .delivery_options()
                        .and_then(|d| d.tls_policy())
                        .map(|t| t.as_str().to_owned()),
                    reputation_metrics_enabled: out
                        .reputation_options()
                        .map(|r| r.reputation_metrics_enabled()),
                    suppressed_reasons: out.suppression_options().map(|s| {
                        s.suppressed_reasons()
                            .iter()
                            .map(|r| r.as_str().to_owned())
                            .collect()
                    }),
                }))
            }
            Operation::CreateEmailIdentity(p) => {
                let out = self
                    .sesv2
                    .get_email_identity()
                    .email_identity(p.email_identity.as_str())
                    .send()
                    .await?;
                let dkim = out.dkim_attributes();
                let tokens = match dkim_tokens(dkim.map(|d| d.tokens()).unwrap_or_default())? {
                    Some(tokens) => Some(tokens),
                    None => Some(self.v1_dkim_tokens(&p.email_identity).await?),
                };
                Ok(Some(Observed::EmailIdentity {
                    configuration_set_name: out.configuration_set_name().map(ToOwned::to_owned),
                    dkim_tokens: tokens,
                    signing_hosted_zone: optional_domain(
                        "SigningHostedZone",
                        dkim.and_then(|d| d.signing_hosted_zone()),
                    )?,
                }))
            }
            Operation::CreateAlias(p) => {
                let mut marker = None;
                loop {
                    let out = self.kms.list_aliases().set_marker(marker).send().await?;
                    if let Some(alias) = out
                        .aliases()
                        .iter()
                        .find(|a| a.alias_name() == Some(p.alias_name.as_str()))
                    {
                        return Ok(Some(Observed::Alias {
                            target_key_id: alias
                                .target_key_id()
                                .map(|id| parse("TargetKeyId", id, KmsKeyId::parse))
                                .transpose()?,
                        }));
                    }
                    match (out.truncated(), out.next_marker()) {
                        (true, Some(next)) => marker = Some(next.to_owned()),
                        _ => return Ok(None),
                    }
                }
            }
            Operation::CreateTopic(p) => {
                let mut token = None;
                let suffix = format!(":{}", p.name);
                loop {
                    let out = self.sns.list_topics().set_next_token(token).send().await?;
                    if let Some(topic_arn) = out
                        .topics()
                        .iter()
                        .filter_map(|t| t.topic_arn())
                        .find(|a| a.ends_with(&suffix))
                    {
                        let attributes = self
                            .sns
                            .get_topic_attributes()
                            .topic_arn(topic_arn)
                            .send()
                            .await?;
                        return Ok(Some(Observed::Topic {
                            arn: arn("TopicArn", Some(topic_arn))?,
                            kms_master_key_id: attributes
                                .attributes()
                                .and_then(|a| a.get("KmsMasterKeyId"))
                                .cloned(),
                        }));
                    }
                    match out.next_token() {
                        Some(next) => token = Some(next.to_owned()),
                        None => return Ok(None),
                    }
                }
            }
            Operation::CreateConfigurationSetEventDestination(p) => {
                let out = self
                    .ses
                    .describe_configuration_set()
                    .configuration_set_name(p.configuration_set_name.as_str())
                    .configuration_set_attribute_names(
                        aws_sdk_ses::types::ConfigurationSetAttribute::EventDestinations,
                    )
                    .send()
                    .await?;
                let Some(found) = out
                    .event_destinations()
                    .iter()
                    .find(|d| d.name() == p.event_destination_name.as_str())
                else {
                    return Ok(None);
                };
                Ok(Some(Observed::EventDestination {
                    enabled: Some(found.enabled()),
                    matching_event_types: Some(
                        found
                            .matching_event_types()
                            .iter()
                            .map(|t| t.as_str().to_owned())
                            .collect(),
                    ),
                    topic_arn: found
                        .sns_destination()
                        .map(|d| arn("TopicARN", Some(d.topic_arn())))
                        .transpose()?,
                }))
            }
            Operation::CreateUser(p) => {
                let out = self
                    .iam
                    .get_user()
                    .user_name(p.user_name.as_str())
                    .send()
                    .await?;
                Ok(Some(Observed::User {
                    path: out.user().map(|u| u.path().to_owned()),
                }))
            }
            _ => Ok(None),
        }
    }
}

/// SNS's name of a subscription protocol.
fn protocol(protocol: Protocol) -> Result<&'static str, Fault> {
    match protocol {
        Protocol::Email => Ok("email"),
        Protocol::Https => Ok("https"),
        other => Err(Fault::Local(format!("no SNS protocol for {other:?}"))),
    }
}

/// `DelegationSet.NameServers`.
fn name_servers(
    delegation: Option<&aws_sdk_route53::types::DelegationSet>,
) -> Result<Vec<DomainName>, Fault> {
    delegation
        .map(aws_sdk_route53::types::DelegationSet::name_servers)
        .unwrap_or_default()
        .iter()
        .map(|ns| parse("a name server", ns.trim_end_matches('.'), DomainName::parse))
        .collect()
}

/// `stem` and a suffix no earlier call used: Route 53 refuses a `CallerReference` used
/// before, even for a zone since deleted.
fn unique_reference(stem: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{stem}-{nanos:x}")
}
