//! HTTP on axum: every request goes to [`Broker::handle`](crate::broker::Broker::handle),
//! which holds the OSBAPI rules; this file only translates between axum and
//! [`Request`] / [`Response`].

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use tokio::sync::Mutex;

use crate::osbapi::{MAX_BODY_BYTES, Request, Response};

/// What answers a request; the broker, or a test double.
pub trait Handler: Send + 'static {
    /// Answers one request.
    fn handle(
        &mut self,
        request: &Request<'_>,
    ) -> impl std::future::Future<Output = Response> + Send;
}

/// The router: every path and method reaches `handler`, one request at a time (the store
/// and the AWS side see one operation at a time, as OSBAPI's per-instance rules need).
pub fn router<H: Handler>(handler: H) -> Router {
    Router::new()
        .fallback(serve::<H>)
        .with_state(Arc::new(Mutex::new(handler)))
}

async fn serve<H: Handler>(
    State(handler): State<Arc<Mutex<H>>>,
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
            handler
                .lock()
                .await
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
        Err(e) => Response::body_too_large(e),
    };
    eprintln!("broker: {method} {path} -> {}", response.status);
    into_axum(response)
}

fn into_axum(response: Response) -> axum::response::Response {
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
