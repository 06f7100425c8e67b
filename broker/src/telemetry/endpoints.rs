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

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::indexing_slicing,
        reason = "a failed assertion is how a test reports"
    )]
    use axum::Router;
    use axum::body::Body;
    use axum::extract::Request;
    use axum::routing::get;
    use tower::ServiceExt as _;

    use super::*;
    use crate::telemetry::metrics::{OPENMETRICS_CONTENT_TYPE, PROMETHEUS_CONTENT_TYPE};

    async fn body_text(response: Response) -> String {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    async fn scrape(accept: Option<&str>) -> (StatusCode, String, String) {
        let metrics = Metrics::new();
        metrics.set_instances("succeeded", 4);
        let app: Router = Router::new().route("/metrics", get(serve_metrics).with_state(metrics));
        let mut request = Request::builder().uri("/metrics");
        if let Some(accept) = accept {
            request = request.header(header::ACCEPT, accept);
        }
        let response = app
            .oneshot(request.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let content_type = response.headers()[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .to_owned();
        (status, content_type, body_text(response).await)
    }

    #[tokio::test]
    async fn metrics_answer_in_the_format_asked_for() {
        let (status, content_type, body) = scrape(Some(
            "application/openmetrics-text;version=1.0.0;q=0.6,text/plain;q=0.3",
        ))
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(content_type, OPENMETRICS_CONTENT_TYPE);
        let parsed = openmetrics_parser::openmetrics::parse_openmetrics(&body).unwrap();
        assert!(
            parsed.families.contains_key("ses_broker_instances"),
            "{body}"
        );

        let (status, content_type, body) = scrape(None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(content_type, PROMETHEUS_CONTENT_TYPE);
        let parsed = openmetrics_parser::prometheus::parse_prometheus(&body).unwrap();
        assert!(
            parsed.families.contains_key("ses_broker_instances"),
            "{body}"
        );
    }

    #[tokio::test]
    async fn healthy_is_200_ok() {
        let response = health_response(Ok(()));
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()[header::CONTENT_TYPE], "application/json");
        let body: serde_json::Value = serde_json::from_str(&body_text(response).await).unwrap();
        assert_eq!(body, serde_json::json!({"status": "ok"}));
    }

    #[tokio::test]
    async fn unhealthy_is_503_without_the_reason() {
        let reason = "password authentication failed for user \"broker\" at db.internal:5432";
        let response = health_response(Err(reason));
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        let text = body_text(response).await;
        let body: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(body["status"], "unavailable");
        assert_eq!(body["description"], UNAVAILABLE);
        assert!(
            !text.contains("broker") && !text.contains("db.internal"),
            "{text}"
        );
    }
}
