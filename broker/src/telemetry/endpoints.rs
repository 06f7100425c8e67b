//! The two operability endpoints' answers: `GET /metrics` and `GET /healthz`. Neither asks
//! for the broker's credentials: a platform's health checker and a Prometheus server have
//! none, and neither answer carries a secret.

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse as _, Response};

use super::metrics::Metrics;

/// `GET /metrics`: the metrics in the format the scraper's `Accept` header asks for (see
/// [`Metrics::render`]). Mount it with `axum::routing::get(serve_metrics)` and
/// `.with_state(metrics)`.
pub async fn serve_metrics(State(metrics): State<Metrics>, headers: HeaderMap) -> Response {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|value| value.to_str().ok());
    match metrics.render(accept) {
        Ok(exposition) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(exposition.content_type),
            )],
            exposition.body,
        )
            .into_response(),
        Err(e) => {
            tracing::error!(error = %e, "cannot encode the metrics");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// What a failed health check answers: the reason stays in the log, since `/healthz` answers
/// anyone and a database error can name hosts and users.
const UNAVAILABLE: &str = "the state database does not answer";

/// `GET /healthz`'s answer from the outcome of a database check: 200 `{"status": "ok"}`, or
/// 503 `{"status": "unavailable", "description": ...}` with a fixed description while
/// `Err(reason)` goes to the log.
pub fn health_response(database: Result<(), &str>) -> Response {
    let (status, body) = match database {
        Ok(()) => (StatusCode::OK, serde_json::json!({"status": "ok"})),
        Err(reason) => {
            tracing::warn!(reason, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                serde_json::json!({"status": "unavailable", "description": UNAVAILABLE}),
            )
        }
    };
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body.to_string(),
    )
        .into_response()
}
