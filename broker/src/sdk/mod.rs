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
use ses_broker::aws::{Answer, FailureKind, KmsKeyId, Observed, Operation, Output, Service, Tags};
use ses_broker::binding::Protocol;
use ses_broker::dns::DkimToken;
use ses_broker::values::{Arn, DomainName};

use crate::aws::{Aws, ErrorClass, classify, classify_call};

mod cloudwatch;
mod iam;
mod kms;
mod route53;
mod ses;
mod sns;
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

    /// Clients from an SDK configuration the caller loaded (a test's fixed credentials),
    /// every one sent where `config` says; `endpoint` only names that place in
    /// [`Aws::describe`].
    #[must_use]
    pub fn from_config(config: &SdkConfig, endpoint: Option<&str>) -> Self {
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
            SdkError::ServiceError(_) => {
                let (code, message) = match error.code() {
                    Some(code) => (
                        code.to_owned(),
                        error.message().unwrap_or_default().to_owned(),
                    ),
                    None => uncoded(status, error.message()),
                };
                Self::Service {
                    code,
                    message,
                    status,
                    transport: false,
                }
            }
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

/// The code and message of an error answer that names no AWS error code (moto answers an
/// operation it does not serve with an HTML 404 page): the HTTP status stands in for the
/// code, so the failure says what came back instead of `Unknown` and nothing.
fn uncoded(status: Option<u16>, message: Option<&str>) -> (String, String) {
    let Some(status) = status else {
        return (
            "Unknown".to_owned(),
            message
                .unwrap_or("an error without an AWS error code")
                .to_owned(),
        );
    };
    let message = match message {
        Some(text) if !text.is_empty() => text.to_owned(),
        _ => format!(
            "HTTP {status} without an AWS error code: the endpoint may not serve this operation"
        ),
    };
    (format!("Http{status}"), message)
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
                        Err(fault) => read_back_failed(operation, &code, &message, fault),
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

/// The answer to a create that found its resource there but could not read it back.
///
/// Whether to retry follows the read's own failure: a read that was throttled, timed out or
/// met a 5xx is retried like any transient failure (the create runs again, finds the
/// resource again and reads it again), and so is a resource that vanished between the two
/// calls. Reporting those as permanent would stop the run with a resource made, possibly
/// by this very run before a crash, that the ledger does not hold. A read AWS refuses for
/// good (access denied, an answer the core cannot read) stops the run.
fn read_back_failed(operation: &Operation, code: &str, message: &str, fault: Fault) -> Answer {
    let (kind, why) = match fault {
        Fault::Local(why) => (FailureKind::Permanent, why),
        Fault::Service {
            code: read_code,
            message: read_message,
            status,
            transport,
        } => {
            let kind = if transport {
                FailureKind::Transient
            } else {
                match classify_call("read-back", false, &read_code, &read_message, status) {
                    ErrorClass::Failure(kind) => kind,
                    ErrorClass::NotFound | ErrorClass::AlreadyExists => FailureKind::Transient,
                }
            };
            (kind, format!("{read_code}: {read_message}"))
        }
    };
    Answer::failed(
        kind,
        code,
        &format!(
            "{message} (and reading back what {} found failed: {why})",
            operation.name()
        ),
    )
}

/// A configuration set as SES v2's or v1's answer `$out` gives it (the same accessors on
/// types of two crates, hence a macro), with `$suppressed`, the suppression reasons (v2's
/// alone).
macro_rules! configuration_set {
    ($out:expr, $suppressed:expr) => {
        Observed::ConfigurationSet {
            tls_policy: $out
                .delivery_options()
                .and_then(|d| d.tls_policy())
                .map(|t| t.as_str().to_owned()),
            reputation_metrics_enabled: $out
                .reputation_options()
                .map(|r| r.reputation_metrics_enabled()),
            suppressed_reasons: $suppressed,
        }
    };
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
    async fn dispatch(&self, operation: &Operation) -> Outcome {
        match operation.service() {
            Service::SesV2 | Service::Ses => self.ses(operation).await,
            Service::Kms => self.kms(operation).await,
            Service::Sns => self.sns(operation).await,
            Service::CloudWatch => self.cloudwatch(operation).await,
            Service::Route53 => self.route53(operation).await,
            Service::Iam => self.iam(operation).await,
            _ => Err(unknown(operation)),
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
                let name = p.configuration_set_name.as_str();
                match self
                    .sesv2
                    .get_configuration_set()
                    .configuration_set_name(name)
                    .send()
                    .await
                {
                    Ok(out) => Ok(Some(configuration_set!(
                        out,
                        out.suppression_options().map(|s| {
                            s.suppressed_reasons()
                                .iter()
                                .map(|r| r.as_str().to_owned())
                                .collect()
                        })
                    ))),
                    // SES v1 reads the same set (moto serves v2's answer in a shape the SDK
                    // cannot read): TLS policy and reputation metrics; the suppression
                    // reasons are v2's only, so left unknown rather than guessed.
                    Err(v2) => {
                        let Ok(out) = self
                            .ses
                            .describe_configuration_set()
                            .configuration_set_name(name)
                            .configuration_set_attribute_names(
                                aws_sdk_ses::types::ConfigurationSetAttribute::DeliveryOptions,
                            )
                            .configuration_set_attribute_names(
                                aws_sdk_ses::types::ConfigurationSetAttribute::ReputationOptions,
                            )
                            .send()
                            .await
                        else {
                            return Err(v2.into());
                        };
                        Ok(Some(configuration_set!(out, None)))
                    }
                }
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

/// The error for an operation this adapter does not know.
fn unknown(operation: &Operation) -> Fault {
    Fault::Local(format!(
        "{operation}: this adapter does not know the operation"
    ))
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

#[cfg(test)]
mod tests {
    use super::uncoded;

    #[test]
    fn an_error_without_an_aws_code_is_named_by_its_status() {
        let (code, message) = uncoded(Some(404), None);
        assert_eq!(code, "Http404");
        assert_eq!(
            message,
            "HTTP 404 without an AWS error code: the endpoint may not serve this operation"
        );
        assert_eq!(uncoded(Some(404), Some("gone")).1, "gone");
        assert_eq!(uncoded(None, None).0, "Unknown");
    }
}
