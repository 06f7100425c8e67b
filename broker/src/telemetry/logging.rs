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

/// The target of the request lines, for filtering them in a log pipeline.
pub const REQUEST_TARGET: &str = "ses_broker_server::request";

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
        target: REQUEST_TARGET,
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

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::indexing_slicing,
        reason = "a failed assertion is how a test reports"
    )]
    use std::io;
    use std::sync::{Arc, Mutex, PoisonError};

    use axum::Router;
    use axum::body::{Body, Bytes};
    use axum::http::{StatusCode, header};
    use tower::ServiceExt as _;

    use super::*;

    /// Log output kept in memory.
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Buffer {
        fn lines(&self) -> Vec<String> {
            let bytes = self.0.lock().unwrap_or_else(PoisonError::into_inner);
            String::from_utf8(bytes.clone())
                .unwrap()
                .lines()
                .map(ToOwned::to_owned)
                .collect()
        }
    }

    const PASSWORD: &str = "pa55-w0rd-in-the-header";
    const BODY_SECRET: &str = "s3cret-in-the-body";
    /// Cloud Foundry's example from OSBAPI 2.17: `{"user_id": "683ea748-3092-4ff4-b656-39cacc4d5360"}`.
    const CF_IDENTITY: &str =
        "cloudfoundry eyJ1c2VyX2lkIjoiNjgzZWE3NDgtMzA5Mi00ZmY0LWI2NTYtMzljYWNjNGQ1MzYwIn0=";
    const CF_USER: &str = "683ea748-3092-4ff4-b656-39cacc4d5360";

    fn request(method: &str, uri: &str) -> axum::http::request::Builder {
        Request::builder()
            .method(method)
            .uri(uri)
            .header("x-broker-api-version", "2.17")
    }

    /// A provision as a platform sends it: basic auth, the identity, a body with a secret.
    fn provision() -> Request {
        let credentials =
            base64::engine::general_purpose::STANDARD.encode(format!("broker:{PASSWORD}"));
        request("PUT", "/v2/service_instances/4f1c2d3e?accepts_incomplete=true")
            .header(header::AUTHORIZATION, format!("Basic {credentials}"))
            .header(ORIGINATING_IDENTITY, CF_IDENTITY)
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(format!(
                r#"{{"service_id": "s", "plan_id": "p", "parameters": {{"smtp_password": "{BODY_SECRET}"}}}}"#
            )))
            .unwrap()
    }

    /// Sends `requests` through [`observe`] in front of a handler that reads the body and
    /// answers 201 for a PUT, 200 otherwise, with the logs of `format` going to a buffer.
    async fn serve(format: LogFormat, requests: Vec<Request>) -> (Vec<String>, Metrics) {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let dispatch = tracing::Dispatch::new(subscriber(format, move || writer.clone()));
        let _guard = tracing::dispatcher::set_default(&dispatch);
        let metrics = Metrics::new();
        let app = Router::new()
            .fallback(|method: axum::http::Method, body: Bytes| async move {
                assert!(!body.is_empty() || method != axum::http::Method::PUT);
                if method == axum::http::Method::PUT {
                    StatusCode::CREATED
                } else {
                    StatusCode::OK
                }
            })
            .layer(axum::middleware::from_fn_with_state(
                metrics.clone(),
                observe,
            ));
        for request in requests {
            app.clone().oneshot(request).await.unwrap();
        }
        (buffer.lines(), metrics)
    }

    fn catalog() -> Request {
        request("GET", "/v2/catalog").body(Body::empty()).unwrap()
    }

    #[tokio::test]
    async fn text_logs_one_line_per_request_with_its_fields() {
        let (lines, _) = serve(LogFormat::Text, vec![catalog(), provision(), catalog()]).await;
        assert_eq!(lines.len(), 3, "{lines:#?}");
        for line in [&lines[0], &lines[2]] {
            assert!(line.contains(" INFO "), "{line}");
            assert!(
                line.contains("request method=GET path=/v2/catalog status=200 duration_ms="),
                "{line}"
            );
            assert!(
                !line.contains("identity") && !line.contains("user="),
                "{line}"
            );
        }
        let put = &lines[1];
        assert!(
            put.contains("method=PUT path=/v2/service_instances/4f1c2d3e status=201 duration_ms="),
            "{put}"
        );
        assert!(
            put.contains(&format!("identity=\"{CF_IDENTITY}\"")),
            "{put}"
        );
        assert!(put.contains(&format!("user=\"{CF_USER}\"")), "{put}");
    }

    #[tokio::test]
    async fn json_logs_one_object_per_request_with_its_fields() {
        let (lines, _) = serve(LogFormat::Json, vec![catalog(), provision()]).await;
        assert_eq!(lines.len(), 2, "{lines:#?}");
        let objects: Vec<serde_json::Value> = lines
            .iter()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        let get = &objects[0];
        assert_eq!(get["message"], "request");
        assert_eq!(get["level"], "INFO");
        assert_eq!(get["method"], "GET");
        assert_eq!(get["path"], "/v2/catalog");
        assert_eq!(get["status"], 200);
        assert!(get["duration_ms"].as_f64().unwrap() >= 0.0, "{get}");
        assert!(get["timestamp"].is_string(), "{get}");
        assert!(
            get.get("identity").is_none() && get.get("user").is_none(),
            "{get}"
        );
        let put = &objects[1];
        assert_eq!(put["method"], "PUT");
        assert_eq!(put["path"], "/v2/service_instances/4f1c2d3e");
        assert_eq!(put["status"], 201);
        assert_eq!(put["identity"], CF_IDENTITY);
        assert_eq!(put["user"], CF_USER);
    }

    #[tokio::test]
    async fn neither_the_authorization_header_nor_the_body_reaches_the_log() {
        let credentials =
            base64::engine::general_purpose::STANDARD.encode(format!("broker:{PASSWORD}"));
        for format in [LogFormat::Text, LogFormat::Json] {
            let (lines, _) = serve(format, vec![provision()]).await;
            assert_eq!(lines.len(), 1, "{lines:#?}");
            let line = &lines[0];
            for secret in [
                PASSWORD,
                credentials.as_str(),
                "Basic",
                BODY_SECRET,
                "smtp_password",
                "accepts_incomplete",
            ] {
                assert!(
                    !line.contains(secret),
                    "{format:?} line shows {secret:?}: {line}"
                );
            }
        }
    }

    #[tokio::test]
    async fn each_request_is_counted_under_its_route() {
        let (_, metrics) = serve(LogFormat::Json, vec![catalog(), provision(), catalog()]).await;
        let body = metrics.render(None).unwrap().body;
        assert!(
            body.lines().any(|l| l == r#"ses_broker_http_requests_total{method="GET",route="/v2/catalog",status="200"} 2"#),
            "{body}"
        );
        assert!(
            body.lines().any(|l| l == r#"ses_broker_http_requests_total{method="PUT",route="/v2/service_instances/:instance_id",status="201"} 1"#),
            "{body}"
        );
        assert!(!body.contains("4f1c2d3e"), "{body}");
    }

    #[tokio::test]
    async fn dependencies_log_only_warnings() {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let dispatch = tracing::Dispatch::new(subscriber(LogFormat::Text, move || writer.clone()));
        tracing::dispatcher::with_default(&dispatch, || {
            tracing::info!(target: "aws_config::profile", "loaded a profile");
            tracing::warn!(target: "aws_smithy_runtime", "retrying");
            tracing::info!(target: "ses_broker_server::run", "operation done");
            tracing::debug!(target: "ses_broker_server::run", "detail");
        });
        let lines = buffer.lines();
        assert_eq!(lines.len(), 2, "{lines:#?}");
        assert!(lines[0].contains("retrying") && lines[1].contains("operation done"));
    }

    #[test]
    fn the_user_is_decoded_from_cloud_foundry_and_kubernetes_identities() {
        let identity =
            |header: &str| OriginatingIdentity::read(&HeaderValue::from_str(header).unwrap());
        assert_eq!(identity(CF_IDENTITY).user.as_deref(), Some(CF_USER));
        // Unpadded Base64 too.
        assert_eq!(
            identity(CF_IDENTITY.trim_end_matches('=')).user.as_deref(),
            Some(CF_USER)
        );
        let kubernetes = format!(
            "kubernetes {}",
            base64::engine::general_purpose::STANDARD
                .encode(r#"{"username": "duke", "uid": "c2dde242-5ce4", "groups": ["admin"]}"#)
        );
        let read = identity(&kubernetes);
        assert_eq!(read.user.as_deref(), Some("duke"));
        assert_eq!(read.sent, kubernetes);
    }

    #[test]
    fn an_identity_that_does_not_decode_is_logged_as_sent() {
        let identity =
            |header: &str| OriginatingIdentity::read(&HeaderValue::from_str(header).unwrap());
        for header in [
            "cloudfoundry",
            "cloudfoundry not-base64!",
            // Base64 of `not json`.
            "cloudfoundry bm90IGpzb24=",
            // Base64 of `{"user_id": 42}`: not a string.
            "cloudfoundry eyJ1c2VyX2lkIjogNDJ9",
        ] {
            let read = identity(header);
            assert_eq!(read.sent, header);
            assert_eq!(read.user, None, "{header}");
        }
        let long = format!("cloudfoundry {}", "A".repeat(10_000));
        let read = identity(&long);
        assert_eq!(read.sent.len(), MAX_IDENTITY_CHARS);
        assert_eq!(read.user, None);
    }

    #[test]
    fn a_long_user_is_cut() {
        let json = format!(r#"{{"user_id": "{}"}}"#, "u".repeat(1000));
        let header = format!(
            "cloudfoundry {}",
            base64::engine::general_purpose::STANDARD.encode(json)
        );
        let read = OriginatingIdentity::read(&HeaderValue::from_str(&header).unwrap());
        assert_eq!(read.user.unwrap().chars().count(), MAX_USER_CHARS);
    }

    #[test]
    fn log_format_is_a_value_enum() {
        assert_eq!(LogFormat::from_str("json", false), Ok(LogFormat::Json));
        assert_eq!(LogFormat::from_str("text", false), Ok(LogFormat::Text));
        assert!(LogFormat::from_str("xml", false).is_err());
        assert_eq!(LogFormat::default(), LogFormat::Text);
    }
}
