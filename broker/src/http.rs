//! HTTP on axum. OSBAPI requests go to [`Broker::handle`], which holds the protocol's
//! rules; this file translates between axum and [`Request`] / [`Response`], and serves
//! what a platform runs a service with: `GET /healthz` (no auth: 200 when the database
//! answers, 503 otherwise), `GET /metrics` (Prometheus text), `POST /sns/alarms` (no auth:
//! SNS signs its messages; see [`AlarmEndpoint`]) and the operators' `/admin/...`
//! ([`Broker::admin`]). Every request, refused ones included, passes the telemetry layer:
//! one log line and its metrics.

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::routing::{any, get};
use std::sync::Arc;

use crate::alarms::SnsHttp;
use crate::aws::Aws;
use crate::broker::Broker;
use crate::osbapi::{MAX_BODY_BYTES, Request, Response};
use crate::pausing::AlarmEndpoint;
use crate::telemetry;

/// The router: `/healthz`, `/metrics`, `/sns/alarms`, `/admin/...`, and every other path
/// to the OSBAPI broker. Requests run concurrently; the store holds one operation per
/// instance.
pub fn router<A: Aws, H: SnsHttp>(broker: Broker<A>, alarms: AlarmEndpoint<A, H>) -> Router {
    let metrics = broker.metrics().clone();
    let sns = Router::new()
        .route("/sns/alarms", any(sns::<A, H>))
        .with_state(Arc::new(alarms));
    Router::new()
        .route("/healthz", get(healthz::<A>))
        .route("/metrics", get(metrics_text::<A>))
        .route("/admin/{*rest}", any(admin::<A>))
        .fallback(serve::<A>)
        .with_state(broker)
        .merge(sns)
        .layer(axum::middleware::from_fn_with_state(
            metrics,
            telemetry::observe,
        ))
}

async fn sns<A: Aws, H: SnsHttp>(
    State(alarms): State<Arc<AlarmEndpoint<A, H>>>,
    method: Method,
    headers: HeaderMap,
    body: Body,
) -> axum::response::Response {
    if method != Method::POST {
        return into_axum(crate::osbapi::method_not_allowed("POST"));
    }
    let message_type = headers
        .get("x-amz-sns-message-type")
        .and_then(|value| value.to_str().ok());
    let response = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(body) => {
            alarms
                .receive(message_type, &body, std::time::SystemTime::now())
                .await
        }
        Err(e) => too_large_or_unreadable(&e),
    };
    into_axum(response)
}

async fn admin<A: Aws>(
    State(broker): State<Broker<A>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> axum::response::Response {
    let authorization = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok());
    let response = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(body) => {
            broker
                .admin(&Request {
                    method: method.as_str(),
                    path: uri.path(),
                    query: Vec::new(),
                    authorization,
                    api_version: None,
                    body: &body,
                })
                .await
        }
        Err(e) => too_large_or_unreadable(&e),
    };
    into_axum(response)
}

async fn healthz<A: Aws>(State(broker): State<Broker<A>>) -> axum::response::Response {
    let answer = broker.store().ping().await.map_err(|e| e.to_string());
    telemetry::health_response(answer.as_ref().copied().map_err(String::as_str))
}

async fn metrics_text<A: Aws>(
    State(broker): State<Broker<A>>,
    headers: HeaderMap,
) -> axum::response::Response {
    // Gauges are read from the database at scrape time, so every process sharing it
    // reports the same counts.
    match broker.store().counts().await {
        Ok(counts) => {
            let metrics = broker.metrics();
            metrics.set_instances("ready", counts.instances);
            metrics.set_instances("operation_in_progress", counts.instance_operations);
            metrics.set_bindings("ready", counts.bindings);
            metrics.set_bindings("operation_in_progress", counts.binding_operations);
        }
        Err(e) => tracing::error!(error = %e, "metrics: cannot count instances and bindings"),
    }
    telemetry::serve_metrics(State(broker.metrics().clone()), headers).await
}

async fn serve<A: Aws>(
    State(broker): State<Broker<A>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> axum::response::Response {
    let header = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(ToOwned::to_owned)
    };
    let authorization = header(header::AUTHORIZATION);
    let api_version = header(header::HeaderName::from_static("x-broker-api-version"));
    let path = uri.path();
    let query = url_decode_pairs(uri.query().unwrap_or(""));
    let response = match axum::body::to_bytes(body, MAX_BODY_BYTES).await {
        Ok(body) => {
            broker
                .handle(&Request {
                    method: method.as_str(),
                    path,
                    query,
                    authorization: authorization.as_deref(),
                    api_version: api_version.as_deref(),
                    body: &body,
                })
                .await
        }
        Err(e) => too_large_or_unreadable(&e),
    };
    into_axum(response)
}

/// 413 for a body past [`MAX_BODY_BYTES`], 400 for one that could not be read.
fn too_large_or_unreadable(error: &axum::Error) -> Response {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if e.is::<http_body_util::LengthLimitError>() {
            return Response::body_too_large("the rest was not read");
        }
        source = e.source();
    }
    Response::error(400, None, format!("cannot read the request body: {error}"))
}

/// A [`Response`] as axum's.
pub fn into_axum(response: Response) -> axum::response::Response {
    let mut reply = axum::response::Response::new(Body::from(response.body.to_string()));
    *reply.status_mut() =
        StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = reply.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    if let Some(allow) = response.allow {
        headers.insert(header::ALLOW, HeaderValue::from_static(allow));
    }
    if response.status == 401 {
        headers.insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(r#"Basic realm="aws-ses broker""#),
        );
    }
    reply
}

/// `a=1&b=x%20y` as percent-decoded pairs (`+` is a space, as in HTML forms).
fn url_decode_pairs(query: &str) -> Vec<(String, String)> {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key), decode(value))
        })
        .collect()
}
