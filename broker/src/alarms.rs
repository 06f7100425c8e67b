//! Reputation alarms arriving over SNS (`POST /sns/alarms`): the message is read, its topic
//! and URLs checked, its signing certificate fetched (or taken from `--sns-certificates`, or
//! from the cache), its signature verified, and then either the subscription is confirmed
//! or the core decides what the alarm asks for.
//!
//! Every rule comes from the core (`ses_broker::sns` for the message, the URL rules, the
//! age and the signature; `ses_broker::reputation` for the decision): this module does the
//! I/O the core leaves to its caller (the clock is the caller's too: `now` is an argument)
//! and says what happened as a [`Received`] or a [`Refusal`]. It records nothing and pauses
//! nothing: the caller stores a [`PauseOrder`] and runs the pause like any other operation.
//! It logs nothing either; neither type carries a `Token` or a `SubscribeURL`.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::io::Read as _;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use axum::http::StatusCode;
use ses_broker::BrokerConfig;
use ses_broker::instance::{AlarmName, ConfigurationSetName};
use ses_broker::reputation::{
    AlarmDecision, AlarmError, AlarmKind, AlarmNames, AlarmNotification, IgnoreReason,
    RecognisedAlarm,
};
use ses_broker::sns::{Message, MessageType, SigningCertificate, SnsError, Verifier};
use ses_broker::values::{AccountId, InstanceId, Region};
use time::OffsetDateTime;

/// How old a message may be: SNS retries an HTTPS delivery for up to an hour with the
/// publish time as its `Timestamp`, so a retried alarm must still pass; a day-old one is a
/// replay.
pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(2 * 3600);

/// How many fetched certificates are kept: SNS signs with one certificate per region and
/// rotates it rarely, so a handful covers a rotation with room to spare.
pub const DEFAULT_CACHE_CAPACITY: usize = 16;

/// How long one GET (a certificate or a SubscribeURL) may take, connection included.
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest body a GET keeps: an SNS certificate is about 2 KB (the core refuses one over
/// 10 KiB), a ConfirmSubscription answer well under 1 KB.
pub const MAX_FETCH_BYTES: u64 = 64 * 1024;

/// What a GET answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpReply {
    /// The HTTP status code.
    pub status: u16,
    /// The body, at most [`MAX_FETCH_BYTES`].
    pub body: Vec<u8>,
}

/// The two requests the receiver makes: GET a signing certificate, GET a SubscribeURL.
/// Both URLs have passed the core's rules before they get here (https, an SNS host in the
/// topic's region, no port or user); an implementation follows no redirect, since a
/// redirect could leave the host the rules accepted.
pub trait SnsHttp: Send + Sync + 'static {
    /// GETs `url` and answers its status and body, whatever the status.
    ///
    /// # Errors
    /// The request did not complete (name resolution, TLS, timeout, a body over
    /// [`MAX_FETCH_BYTES`]): a description that does not repeat the URL, whose query may
    /// hold a subscription token.
    fn get(&self, url: &str) -> impl Future<Output = Result<HttpReply, String>> + Send;
}

impl<T: SnsHttp> SnsHttp for Arc<T> {
    fn get(&self, url: &str) -> impl Future<Output = Result<HttpReply, String>> + Send {
        T::get(self, url)
    }
}

/// [`SnsHttp`] over HTTPS: ureq (blocking, so each GET runs on tokio's blocking pool) on
/// rustls with the Mozilla roots, https only, no redirects, [`FETCH_TIMEOUT`] per request
/// and [`MAX_FETCH_BYTES`] per body.
#[derive(Debug, Clone)]
pub struct HttpsSns {
    agent: ureq::Agent,
}

impl HttpsSns {
    /// The client.
    #[must_use]
    pub fn new() -> Self {
        let agent = ureq::Agent::config_builder()
            .https_only(true)
            .max_redirects(0)
            .http_status_as_error(false)
            .timeout_global(Some(FETCH_TIMEOUT))
            .user_agent(concat!("ses-broker-server/", env!("CARGO_PKG_VERSION")))
            .build()
            .new_agent();
        Self { agent }
    }
}

impl Default for HttpsSns {
    fn default() -> Self {
        Self::new()
    }
}

impl SnsHttp for HttpsSns {
    async fn get(&self, url: &str) -> Result<HttpReply, String> {
        let agent = self.agent.clone();
        let url = url.to_owned();
        tokio::task::spawn_blocking(move || blocking_get(&agent, &url))
            .await
            .map_err(|e| format!("the request was abandoned: {e}"))?
    }
}

fn blocking_get(agent: &ureq::Agent, url: &str) -> Result<HttpReply, String> {
    let mut response = agent.get(url).call().map_err(transport)?;
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_FETCH_BYTES)
        .read_to_vec()
        .map_err(transport)?;
    Ok(HttpReply { status, body })
}

fn transport(error: ureq::Error) -> String {
    match error {
        // The only variant that quotes the URL.
        ureq::Error::BadUri(_) => "the URL cannot be requested".to_owned(),
        ureq::Error::BodyExceedsLimit(limit) => {
            format!("the answer is larger than {limit} bytes")
        }
        other => other.to_string(),
    }
}

/// Certificates an operator placed in the `--sns-certificates` directory, by file name. A
/// message whose `SigningCertURL` ends in one of these names (and passes the URL rules)
/// is checked with it, and nothing is fetched.
#[derive(Debug, Clone, Default)]
pub struct CertificateDir {
    by_name: HashMap<String, Arc<SigningCertificate>>,
}

impl CertificateDir {
    /// The file names, sorted: for the startup line.
    #[must_use]
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.by_name.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    /// How many certificates there are.
    #[must_use]
    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    /// Whether there are none.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    fn get(&self, name: &str) -> Option<&Arc<SigningCertificate>> {
        self.by_name.get(name)
    }
}

/// Reads the `--sns-certificates` directory: every `*.pem` file in it, each a certificate as
/// SNS serves it, named as the last segment of its `SigningCertURL`
/// (`SimpleNotificationService-<hash>.pem`). Other files, and names starting with `.` (a
/// mounted volume's bookkeeping), are skipped. Validity periods are checked per message, at
/// its `now`, so a certificate that expires while the broker runs is refused from then on.
///
/// # Errors
/// The directory cannot be read, a `.pem` file cannot be read or is not a certificate the
/// core accepts (every such file named at once), or there is no `.pem` file at all.
pub fn load_certificate_dir(path: &Path) -> Result<CertificateDir, String> {
    let context = |problem: String| format!("--sns-certificates {}: {problem}", path.display());
    let entries =
        std::fs::read_dir(path).map_err(|e| context(format!("cannot read the directory: {e}")))?;
    let mut by_name = HashMap::new();
    let mut problems = Vec::new();
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                problems.push(format!("cannot list the directory: {e}"));
                continue;
            }
        };
        let file_name = entry.file_name();
        let Some(name) = file_name.to_str() else {
            continue;
        };
        if name.starts_with('.') || !name.ends_with(".pem") {
            continue;
        }
        match read_certificate(&entry.path()) {
            Ok(certificate) => {
                by_name.insert(name.to_owned(), Arc::new(certificate));
            }
            Err(problem) => problems.push(format!("{name}: {problem}")),
        }
    }
    if !problems.is_empty() {
        problems.sort_unstable();
        return Err(context(problems.join("; ")));
    }
    if by_name.is_empty() {
        return Err(context(
            "holds no .pem file; name each certificate as the last segment of its SigningCertURL (SimpleNotificationService-<hash>.pem)"
                .to_owned(),
        ));
    }
    Ok(CertificateDir { by_name })
}

fn read_certificate(path: &Path) -> Result<SigningCertificate, String> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_FETCH_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read it: {e}"))?;
    if bytes.len() as u64 > MAX_FETCH_BYTES {
        return Err(format!("is larger than {MAX_FETCH_BYTES} bytes"));
    }
    SigningCertificate::parse(&bytes).map_err(|e| e.to_string())
}

/// The receiver's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReceiverSettings {
    /// Messages whose `Timestamp` is older than this are refused as stale (and any dated
    /// more than the core's `MAX_CLOCK_SKEW` ahead of `now`).
    pub max_age: Duration,
    /// How many fetched certificates are kept, by URL (at least one is).
    pub cache_capacity: usize,
}

impl Default for ReceiverSettings {
    fn default() -> Self {
        Self {
            max_age: DEFAULT_MAX_AGE,
            cache_capacity: DEFAULT_CACHE_CAPACITY,
        }
    }
}

/// Parsed certificates by URL, oldest first. A bounded list scanned linearly rather than a
/// cache crate: it holds a handful of entries, and eviction order barely matters because
/// SNS uses one certificate per region at a time.
#[derive(Debug)]
struct CertificateCache {
    capacity: usize,
    entries: VecDeque<(String, Arc<SigningCertificate>)>,
}

impl CertificateCache {
    /// The certificate fetched from `url`, unless it is outside its validity period at
    /// `now` (then it is fetched again: SNS may have replaced it at the same URL).
    fn get(&self, url: &str, now: OffsetDateTime) -> Option<Arc<SigningCertificate>> {
        self.entries
            .iter()
            .find(|(cached, certificate)| cached == url && certificate.is_valid_at(now))
            .map(|(_, certificate)| Arc::clone(certificate))
    }

    fn insert(&mut self, url: &str, certificate: Arc<SigningCertificate>) {
        self.entries.retain(|(cached, _)| cached != url);
        while self.entries.len() >= self.capacity {
            self.entries.pop_front();
        }
        self.entries.push_back((url.to_owned(), certificate));
    }
}

/// Receives the SNS messages of the platform topics: see [`AlarmReceiver::receive`].
#[derive(Debug)]
pub struct AlarmReceiver<H> {
    verifiers: Vec<Verifier>,
    account: AccountId,
    region: Region,
    http: H,
    seeded: CertificateDir,
    cache: Mutex<CertificateCache>,
}

impl<H: SnsHttp> AlarmReceiver<H> {
    /// A receiver for the platform topics of `config` (`platform_topic_arns`, the topics
    /// the reputation alarms notify), deciding for its account and region, fetching with
    /// `http`.
    #[must_use]
    pub fn new(config: &BrokerConfig, http: H, settings: ReceiverSettings) -> Self {
        let verifiers = config
            .platform_topic_arns()
            .iter()
            .map(|topic| Verifier::new(topic.as_str()).with_max_age(settings.max_age))
            .collect();
        Self {
            verifiers,
            account: config.account_id().clone(),
            region: config.region().clone(),
            http,
            seeded: CertificateDir::default(),
            cache: Mutex::new(CertificateCache {
                capacity: settings.cache_capacity.max(1),
                entries: VecDeque::new(),
            }),
        }
    }

    /// Uses the certificates of `--sns-certificates` (see [`load_certificate_dir`]) instead
    /// of fetching those URLs.
    #[must_use]
    pub fn with_certificates(mut self, certificates: CertificateDir) -> Self {
        self.seeded = certificates;
        self
    }

    /// The topics accepted. None means every message is refused: warn at startup.
    pub fn topics(&self) -> impl Iterator<Item = &str> {
        self.verifiers.iter().map(Verifier::topic_arn)
    }

    /// Handles one POST from SNS: `message_type_header` is `x-amz-sns-message-type` (it must
    /// agree with the signed `Type`), `body` the request body, `now` the caller's clock.
    ///
    /// In order: the body is parsed; its topic must be a platform topic; the core's
    /// `Verifier::check` (the `SigningCertURL` and `SubscribeURL` rules, the age); the
    /// certificate comes from the pre-seeded directory by file name, else from the cache,
    /// else is fetched (only now that its URL passed) and cached; the signature (version 1
    /// or 2) and the certificate's validity at `now` are verified. Then:
    /// - a SubscriptionConfirmation is confirmed by one GET of its `SubscribeURL` (which the
    ///   same check accepted): [`Received::Confirmed`];
    /// - a Notification is decided by the core: [`Received::Pause`] for a critical alarm
    ///   entering ALARM, [`Received::Ignored`] with the reason otherwise;
    /// - an UnsubscribeConfirmation is [`Received::Ignored`]: re-subscribing is an
    ///   operator's decision.
    ///
    /// # Errors
    /// A [`Refusal`] naming the problem, with the status to answer: 4xx for a message that
    /// is malformed, stale, for another topic or not authentic (SNS does not retry those);
    /// 502 when the certificate or the confirmation could not be fetched (SNS retries).
    pub async fn receive(
        &self,
        message_type_header: Option<&str>,
        body: &[u8],
        now: SystemTime,
    ) -> Result<Received, Refusal> {
        let now = OffsetDateTime::from(now);
        let text = std::str::from_utf8(body).map_err(|_| Refusal::NotUtf8)?;
        let message =
            Message::from_json_with_header(text, message_type_header).map_err(Refusal::from)?;
        let Some(verifier) = self
            .verifiers
            .iter()
            .find(|verifier| verifier.topic_arn() == message.topic_arn())
        else {
            return Err(Refusal::WrongTopic {
                topic: message.topic_arn().to_owned(),
                expected: self.topics().map(str::to_owned).collect(),
            });
        };
        verifier.check(&message, now).map_err(Refusal::from)?;
        let (certificate, origin) = self.certificate(&message, now).await?;
        let verified =
            verifier
                .verify(message, &certificate, now)
                .map_err(|error| match error {
                    SnsError::Certificate { .. } => Refusal::Certificate { origin, error },
                    other => Refusal::from(other),
                })?;
        let message = verified.message();
        let message_id = message.message_id().to_owned();
        let topic_arn = message.topic_arn().to_owned();
        match message.message_type() {
            MessageType::Notification => Ok(self.decide(&verified, now)),
            MessageType::SubscriptionConfirmation => {
                self.confirm(message).await?;
                Ok(Received::Confirmed { topic_arn })
            }
            MessageType::UnsubscribeConfirmation => Ok(Received::Ignored {
                message_id,
                reason: Ignored::Unsubscribed { topic_arn },
            }),
            other => Ok(Received::Ignored {
                message_id,
                reason: Ignored::Other(format!("{other} messages are not acted on")),
            }),
        }
    }

    /// The certificate for the message's (checked) `SigningCertURL`, and where it came from
    /// for a refusal's message.
    async fn certificate(
        &self,
        message: &Message,
        now: OffsetDateTime,
    ) -> Result<(Arc<SigningCertificate>, String), Refusal> {
        let url = message.signing_cert_url();
        let name = url.path_segments().and_then(Iterator::last);
        if let Some((name, certificate)) =
            name.and_then(|name| self.seeded.get(name).map(|c| (name, c)))
        {
            return Ok((
                Arc::clone(certificate),
                format!("--sns-certificates {name}"),
            ));
        }
        let url = url.as_str();
        let cached = self
            .cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(url, now);
        if let Some(certificate) = cached {
            return Ok((certificate, url.to_owned()));
        }
        let unavailable = |reason: String| Refusal::CertificateUnavailable {
            url: url.to_owned(),
            reason,
        };
        let reply = self.http.get(url).await.map_err(unavailable)?;
        if reply.status != 200 {
            return Err(unavailable(format!("SNS answered HTTP {}", reply.status)));
        }
        let certificate = Arc::new(
            SigningCertificate::parse(&reply.body).map_err(|e| unavailable(e.to_string()))?,
        );
        self.cache
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(url, Arc::clone(&certificate));
        Ok((certificate, url.to_owned()))
    }

    /// Visits the SubscribeURL that `Verifier::check` accepted.
    async fn confirm(&self, message: &Message) -> Result<(), Refusal> {
        let failed = |reason: String| Refusal::ConfirmationFailed {
            topic: message.topic_arn().to_owned(),
            reason,
        };
        let Some(url) = message.subscribe_url() else {
            // The core requires SubscribeURL of a SubscriptionConfirmation.
            return Err(failed("the message has no SubscribeURL".to_owned()));
        };
        let reply = self.http.get(url.as_str()).await.map_err(failed)?;
        if (200..300).contains(&reply.status) {
            Ok(())
        } else {
            Err(failed(format!("SNS answered HTTP {}", reply.status)))
        }
    }

    fn decide(&self, verified: &ses_broker::sns::VerifiedMessage, now: OffsetDateTime) -> Received {
        let message = verified.message();
        let message_id = message.message_id().to_owned();
        let ignored = |reason| Received::Ignored {
            message_id: message_id.clone(),
            reason,
        };
        let decision = match verified.decide_alarm(&self.account, &self.region) {
            Ok(decision) => decision,
            Err(error) => return ignored(Ignored::NotAnAlarm(error)),
        };
        let reason = decision.to_string();
        match decision {
            AlarmDecision::PauseSending {
                configuration_set,
                alarm,
            } => {
                // Parsed a second time for what the decision does not carry; only pauses
                // pay for it.
                let notification = AlarmNotification::from_json(message.message()).ok();
                Received::Pause(PauseOrder {
                    alarm: AlarmNames::for_instance(alarm.instance()).name(alarm.kind()),
                    instance_id: alarm.instance().clone(),
                    kind: alarm.kind(),
                    configuration_set,
                    reason,
                    state_reason: notification
                        .as_ref()
                        .and_then(AlarmNotification::new_state_reason)
                        .map(str::to_owned),
                    state_changed_at: notification
                        .as_ref()
                        .and_then(AlarmNotification::state_change_time)
                        .map(SystemTime::from),
                    published_at: SystemTime::from(message.timestamp()),
                    received_at: SystemTime::from(now),
                    message_id,
                    topic_arn: message.topic_arn().to_owned(),
                })
            }
            AlarmDecision::Notify { alarm } => ignored(Ignored::Warning(alarm)),
            AlarmDecision::Ignore(reason) => ignored(Ignored::Alarm(reason)),
            other => ignored(Ignored::Other(other.to_string())),
        }
    }
}

/// What an authentic message led to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Received {
    /// The subscription of this endpoint to a platform topic was confirmed.
    Confirmed {
        /// The topic.
        topic_arn: String,
    },
    /// A critical reputation alarm entered ALARM: pause the instance's sending.
    Pause(PauseOrder),
    /// Nothing to do, for the reason given.
    Ignored {
        /// SNS's `MessageId`.
        message_id: String,
        /// Why nothing is done.
        reason: Ignored,
    },
}

impl fmt::Display for Received {
    /// A log line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Confirmed { topic_arn } => {
                write!(f, "confirmed the subscription to {topic_arn}")
            }
            Self::Pause(order) => write!(
                f,
                "message {}: instance {}: {}",
                order.message_id, order.instance_id, order.reason
            ),
            Self::Ignored { message_id, reason } => {
                write!(f, "message {message_id} ignored: {reason}")
            }
        }
    }
}

/// The pause a critical alarm asks for, with what to record about it. The same alarm
/// delivered twice (SNS retries with the same `message_id`) or re-notified gives the same
/// instance and configuration set: pausing must be idempotent.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PauseOrder {
    /// The instance whose sending to pause.
    pub instance_id: InstanceId,
    /// Its configuration set, `csb-aws-ses-<instance_id>`.
    pub configuration_set: ConfigurationSetName,
    /// The alarm that fired.
    pub alarm: AlarmName,
    /// Which of the instance's alarms it is (bounce or complaint, critical).
    pub kind: AlarmKind,
    /// The core's decision, as text: `pause sending on configuration set ...: bounce
    /// critical alarm entered ALARM`.
    pub reason: String,
    /// CloudWatch's `NewStateReason` (the datapoints that crossed the threshold), when given.
    pub state_reason: Option<String>,
    /// CloudWatch's `StateChangeTime`, when given and readable.
    pub state_changed_at: Option<SystemTime>,
    /// SNS's `Timestamp`: when the alarm was published.
    pub published_at: SystemTime,
    /// The `now` the message was received at.
    pub received_at: SystemTime,
    /// SNS's `MessageId`.
    pub message_id: String,
    /// The platform topic it came through.
    pub topic_arn: String,
}

/// Why an authentic message asks for nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Ignored {
    /// The core's reason: the alarm did not enter ALARM, is from another account or
    /// region, is not one of the broker's alarms, or contradicts itself.
    Alarm(IgnoreReason),
    /// A warning alarm entered ALARM: its own actions notified; nothing pauses.
    Warning(RecognisedAlarm),
    /// The Notification's `Message` is not a CloudWatch alarm.
    NotAnAlarm(AlarmError),
    /// SNS confirmed that the subscription was removed.
    Unsubscribed {
        /// The topic.
        topic_arn: String,
    },
    /// A decision or message type this broker does not act on.
    Other(String),
}

impl fmt::Display for Ignored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Alarm(reason) => reason.fmt(f),
            Self::Warning(alarm) => write!(
                f,
                "{} alarm of instance {} entered ALARM; a warning notifies and never pauses",
                alarm.kind(),
                alarm.instance()
            ),
            Self::NotAnAlarm(error) => {
                write!(f, "the Notification carries no CloudWatch alarm: {error}")
            }
            Self::Unsubscribed { topic_arn } => write!(
                f,
                "the subscription to {topic_arn} was removed; subscribe again to receive its alarms"
            ),
            Self::Other(text) => f.write_str(text),
        }
    }
}

/// Why a POST was refused, and the status to answer it with ([`Refusal::status`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The body is not UTF-8 text.
    #[error("body: is not UTF-8 text")]
    NotUtf8,
    /// The body is not an SNS message: not JSON, too large, a field missing or malformed,
    /// an unsupported `SignatureVersion`.
    #[error("{0}")]
    Malformed(SnsError),
    /// `Type` is not an SNS message type, or the `x-amz-sns-message-type` header disagrees
    /// with it.
    #[error("{0}")]
    MessageType(SnsError),
    /// `TopicArn` is not a platform topic of this broker.
    #[error("TopicArn: {topic} is not a platform topic of this broker ({})", expected_text(.expected))]
    WrongTopic {
        /// The topic the message names.
        topic: String,
        /// The configured platform topics.
        expected: Vec<String>,
    },
    /// `SigningCertURL` or `SubscribeURL` points somewhere SNS would not.
    #[error("{0}")]
    UntrustedUrl(SnsError),
    /// `Timestamp` is older than the maximum age, or too far ahead.
    #[error("{0}")]
    Stale(SnsError),
    /// The signature does not verify: the message was altered or signed by someone else.
    #[error("{0}")]
    Forged(SnsError),
    /// The certificate is outside its validity period at `now`.
    #[error("SigningCertURL: the certificate from {origin} cannot be used: {error}")]
    Certificate {
        /// `--sns-certificates <file>` or the URL it was fetched from.
        origin: String,
        /// The core's reason.
        error: SnsError,
    },
    /// The certificate could not be fetched or parsed (SNS retries on the 502).
    #[error("SigningCertURL: cannot fetch {url}: {reason}")]
    CertificateUnavailable {
        /// The (checked) certificate URL.
        url: String,
        /// Why not.
        reason: String,
    },
    /// Visiting SubscribeURL failed (SNS retries on the 502).
    #[error("SubscribeURL: cannot confirm the subscription to {topic}: {reason}")]
    ConfirmationFailed {
        /// The topic.
        topic: String,
        /// Why not.
        reason: String,
    },
}

fn expected_text(topics: &[String]) -> String {
    if topics.is_empty() {
        "none is configured: set platform_topic_arns".to_owned()
    } else {
        format!("expected {}", topics.join(" or "))
    }
}

impl Refusal {
    /// The HTTP status to answer: 400 malformed or stale, 403 not authentic or not ours,
    /// 413 too large, 502 when an SNS host could not be reached.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Malformed(SnsError::BodyTooLarge { .. }) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::NotUtf8 | Self::Malformed(_) | Self::MessageType(_) | Self::Stale(_) => {
                StatusCode::BAD_REQUEST
            }
            Self::WrongTopic { .. }
            | Self::UntrustedUrl(_)
            | Self::Forged(_)
            | Self::Certificate { .. } => StatusCode::FORBIDDEN,
            Self::CertificateUnavailable { .. } | Self::ConfirmationFailed { .. } => {
                StatusCode::BAD_GATEWAY
            }
        }
    }
}

impl From<SnsError> for Refusal {
    fn from(error: SnsError) -> Self {
        match error {
            SnsError::UnknownType { .. } | SnsError::TypeMismatch { .. } => {
                Self::MessageType(error)
            }
            SnsError::UntrustedUrl { .. } => Self::UntrustedUrl(error),
            SnsError::TooOld { .. } | SnsError::FromTheFuture { .. } => Self::Stale(error),
            SnsError::BadSignature => Self::Forged(error),
            SnsError::TopicMismatch { expected, actual } => Self::WrongTopic {
                topic: actual,
                expected: vec![expected],
            },
            SnsError::Certificate { .. } => Self::Certificate {
                origin: "the SigningCertURL".to_owned(),
                error,
            },
            _ => Self::Malformed(error),
        }
    }
}
