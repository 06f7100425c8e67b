//! Logs through `tracing`: one line per request ([`observe`]), as text or JSON lines.
//!
//! What a request line carries is chosen, never dumped: the method, the path (no query
//! string), the status, the duration, and the platform's `X-Broker-API-Originating-Identity`.
//! Never the `Authorization` header and never a body, which hold the broker's password and
//! the tenant's parameters.

use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use clap::ValueEnum;
use tracing::Level;
use tracing::subscriber::SetGlobalDefaultError;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt as _;

use super::metrics::Metrics;

/// The value of `--log-format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum LogFormat {
    /// One human-readable line per event: time, level, target, message, `key=value` fields.
    #[default]
    Text,
    /// One JSON object per line, its fields at the top level, for a log pipeline.
    Json,
}

/// Sends the process's `tracing` events to standard error in `format`: the broker's own at
/// `INFO` and above, its dependencies' (the AWS SDK, hyper) at `WARN` and above. Call it
/// once, first thing in `main`.
///
/// # Errors
/// If a global subscriber is set already.
pub fn init_logging(format: LogFormat) -> Result<(), SetGlobalDefaultError> {
    tracing::subscriber::set_global_default(subscriber(format, std::io::stderr))
}

/// The subscriber [`init_logging`] installs, writing to `writer` (tests give a buffer).
pub(crate) fn subscriber<W>(
    format: LogFormat,
    writer: W,
) -> Box<dyn tracing::Subscriber + Send + Sync>
where
    W: for<'writer> MakeWriter<'writer> + Send + Sync + 'static,
{
    let filter = Targets::new()
        .with_target("ses_broker_server", Level::INFO)
        .with_target("ses_broker", Level::INFO)
        .with_default(Level::WARN);
    let registry = tracing_subscriber::registry().with(filter);
    match format {
        LogFormat::Text => {
            Box::new(registry.with(tracing_subscriber::fmt::layer().with_writer(writer)))
        }
        LogFormat::Json => Box::new(
            registry.with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .flatten_event(true)
                    .with_current_span(false)
                    .with_span_list(false)
                    .with_writer(writer),
            ),
        ),
    }
}

/// The header in which the platform names the user behind a request (OSBAPI 2.17
/// "Originating Identity"): `<platform> <base64 of a JSON object>`.
pub const ORIGINATING_IDENTITY: &str = "x-broker-api-originating-identity";

/// Longest identity header logged as sent, in characters; a longer one is cut there.
const MAX_IDENTITY_CHARS: usize = 1024;
/// Longest user logged, in characters.
const MAX_USER_CHARS: usize = 256;

/// Standard Base64, padded or not: platforms differ.
const IDENTITY_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The originating identity as logged: the header as the platform sent it (cut to
/// [`MAX_IDENTITY_CHARS`]) and, when its JSON names one, the user: `user_id` (Cloud Foundry)
/// or `username` (Kubernetes).
#[derive(Debug, Clone, PartialEq, Eq)]
struct OriginatingIdentity {
    sent: String,
    user: Option<String>,
}

impl OriginatingIdentity {
    fn read(value: &HeaderValue) -> Self {
        let sent = String::from_utf8_lossy(value.as_bytes());
        Self {
            sent: sent.chars().take(MAX_IDENTITY_CHARS).collect(),
            user: decoded_user(&sent),
        }
    }
}

/// The user an identity header names, if it is `<platform> <base64 JSON object>` whose
/// `user_id` or `username` is a string. Anything else is logged only as sent.
fn decoded_user(header: &str) -> Option<String> {
    let (_platform, encoded) = header.trim().split_once(' ')?;
    // Bounded before decoding: the decoded JSON is at most three quarters of this.
    let encoded = encoded.trim();
    if encoded.len() > 4 * MAX_IDENTITY_CHARS {
        return None;
    }
    let json = IDENTITY_BASE64.decode(encoded).ok()?;
    let identity: serde_json::Value = serde_json::from_slice(&json).ok()?;
    let user = identity
        .get("user_id")
        .or_else(|| identity.get("username"))?
        .as_str()?;
    Some(user.chars().take(MAX_USER_CHARS).collect())
}

/// Axum middleware: answers through `next`, then writes one log line for the request and
/// counts it in `metrics`. Mount it with
/// `axum::middleware::from_fn_with_state(metrics, observe)` as the router's outermost
/// layer, so that every request is seen, refused ones included.
pub async fn observe(State(metrics): State<Metrics>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let identity = request
        .headers()
        .get(ORIGINATING_IDENTITY)
        .map(OriginatingIdentity::read);
    let response = next.run(request).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    metrics.record_request(&method, &path, status, elapsed);
    // Milliseconds to the microsecond: enough to read, short in a log line.
    let duration_ms = (elapsed.as_secs_f64() * 1_000_000.0).round() / 1000.0;
    tracing::info!(
        method = %method,
        path = %path,
        status,
        duration_ms,
        identity = identity.as_ref().map(|identity| identity.sent.as_str()),
        user = identity.as_ref().and_then(|identity| identity.user.as_deref()),
        "request"
    );
    response
}
