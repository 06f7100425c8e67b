//! The Open Service Broker API v2.17 as plain values and checks: [`Request`], [`Response`]
//! and the rules every endpoint shares (API version, bodies, ids). No sockets here
//! (`http.rs` does HTTP) and no AWS (`broker.rs` drives it), so the protocol's rules are
//! visible in one place.

use serde_json::{Map, Value, json};
use ses_broker::{Catalog, ParamErrors};

/// The largest request body read (the library refuses parameter documents past 64 KiB).
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// The lowest OSBAPI minor version (of major version 2) the broker accepts.
const MIN_MINOR_VERSION: u32 = 13;

/// An HTTP request, as far as the broker reads it.
#[derive(Debug)]
pub struct Request<'a> {
    /// `GET`, `PUT`, `PATCH`, `DELETE`, ...
    pub method: &'a str,
    /// The path, without the query.
    pub path: &'a str,
    /// Query parameters, percent-decoded.
    pub query: Vec<(String, String)>,
    /// The `Authorization` header.
    pub authorization: Option<&'a str>,
    /// The `X-Broker-API-Version` header.
    pub api_version: Option<&'a str>,
    /// The body (empty when there is none).
    pub body: &'a [u8],
}

impl Request<'_> {
    /// The query parameter `key`.
    #[must_use]
    pub fn query(&self, key: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// An HTTP response: a status and a JSON body.
#[derive(Debug)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The JSON body.
    pub body: Value,
    /// The `Allow` header of a 405.
    pub allow: Option<&'static str>,
}

impl Response {
    /// A response with `status` and `body`.
    #[must_use]
    pub const fn new(status: u16, body: Value) -> Self {
        Self {
            status,
            body,
            allow: None,
        }
    }

    /// An OSBAPI error body: `description` always, `error` when the spec defines a code.
    #[must_use]
    pub fn error(status: u16, error: Option<&str>, description: impl Into<String>) -> Self {
        let mut body = Map::new();
        if let Some(code) = error {
            body.insert("error".to_owned(), json!(code));
        }
        body.insert("description".to_owned(), json!(description.into()));
        Self::new(status, Value::Object(body))
    }

    /// 400 with `description`.
    #[must_use]
    pub fn bad_request(description: impl Into<String>) -> Self {
        Self::error(400, None, description)
    }

    /// 400 (or the status the errors ask for) with every parameter problem.
    #[must_use]
    pub fn params(errors: &ParamErrors) -> Self {
        Self::new(errors.http_status(), errors.to_osbapi_body())
    }

    /// 500 with `description`.
    #[must_use]
    pub fn internal(description: impl std::fmt::Display) -> Self {
        Self::error(500, None, description.to_string())
    }
}

/// 400 unless the body names `catalog`'s service (and, with `plan_required`, plan).
#[must_use]
pub fn check_ids(
    catalog: &Catalog,
    body: &Map<String, Value>,
    plan_required: bool,
) -> Option<Response> {
    let service = match body.get("service_id") {
        Some(Value::String(s)) => s.as_str(),
        Some(_) => return Some(Response::bad_request("service_id: must be a string")),
        None => return Some(Response::bad_request("service_id: is required")),
    };
    let plan = match body.get("plan_id") {
        Some(Value::String(s)) => Some(s.as_str()),
        Some(_) => return Some(Response::bad_request("plan_id: must be a string")),
        None if plan_required => return Some(Response::bad_request("plan_id: is required")),
        None => None,
    };
    // On update a plan other than the instance's is a plan change (422, checked later).
    let plan = if plan_required {
        plan.unwrap_or("")
    } else {
        ses_broker::catalog::PLAN_ID
    };
    catalog
        .check_ids(service, plan)
        .err()
        .map(|e| Response::bad_request(e.to_string()))
}

/// 400 unless the query names `catalog`'s service and plan (deprovision, unbind).
#[must_use]
pub fn check_query_ids(catalog: &Catalog, request: &Request<'_>) -> Option<Response> {
    let (Some(service), Some(plan)) = (request.query("service_id"), request.query("plan_id"))
    else {
        return Some(Response::bad_request(
            "service_id and plan_id are required query parameters",
        ));
    };
    catalog
        .check_ids(service, plan)
        .err()
        .map(|e| Response::bad_request(e.to_string()))
}

/// 412 unless `X-Broker-API-Version` is 2.13 or a later 2.x.
pub fn check_api_version(header: Option<&str>) -> Option<Response> {
    // "2.17", or with a patch level ("2.17.1"): major 2, minor at least 13.
    let mut parts = header.unwrap_or("").trim().split('.');
    let supported = parts.next() == Some("2")
        && parts
            .next()
            .and_then(|minor| minor.parse::<u32>().ok())
            .is_some_and(|minor| minor >= MIN_MINOR_VERSION)
        && parts.all(|patch| patch.parse::<u32>().is_ok());
    (!supported).then(|| {
        Response::error(
            412,
            None,
            format!(
                "X-Broker-API-Version {}: this broker speaks OSBAPI 2.{MIN_MINOR_VERSION} to 2.17 (any 2.x from 2.{MIN_MINOR_VERSION} is accepted)",
                header.map_or("is missing".to_owned(), |v| format!("{v:?} is not supported")),
            ),
        )
    })
}

/// 405 with the `Allow` header.
pub fn method_not_allowed(allow: &'static str) -> Response {
    let mut response = Response::error(405, None, format!("this endpoint answers {allow}"));
    response.allow = Some(allow);
    response
}

/// The body as a JSON object, or 400.
pub fn parse_body(body: &[u8]) -> Result<Map<String, Value>, Response> {
    if body.len() > MAX_BODY_BYTES {
        return Err(Response::bad_request(format!(
            "the request body is larger than {MAX_BODY_BYTES} bytes"
        )));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Response::bad_request(
            "the request body must be a JSON object",
        )),
        Err(e) => Err(Response::bad_request(format!(
            "the request body is not JSON: {e}"
        ))),
    }
}

/// 400 unless each of `keys` is a string.
pub fn require_strings(body: &Map<String, Value>, keys: &[&str]) -> Option<Response> {
    keys.iter().find_map(|key| match body.get(*key) {
        Some(Value::String(_)) => None,
        Some(_) => Some(Response::bad_request(format!("{key}: must be a string"))),
        None => Some(Response::bad_request(format!("{key}: is required"))),
    })
}

/// 400 when one of `keys` is present but not a string.
pub fn optional_strings(body: &Map<String, Value>, keys: &[&str]) -> Option<Response> {
    keys.iter().find_map(|key| match body.get(*key) {
        None | Some(Value::String(_)) => None,
        Some(_) => Some(Response::bad_request(format!("{key}: must be a string"))),
    })
}

/// 400 unless `maintenance_info`, when present, is an object with a string `version`.
pub fn check_maintenance_info(body: &Map<String, Value>) -> Option<Response> {
    match body.get("maintenance_info") {
        None => None,
        Some(Value::Object(info)) => require_strings(info, &["version"])
            .or_else(|| optional_strings(info, &["description"]))
            .map(|_| {
                Response::bad_request(
                    "maintenance_info: needs a string version (and an optional string description)",
                )
            }),
        Some(_) => Some(Response::bad_request("maintenance_info: must be an object")),
    }
}

/// 400 unless `previous_values`, when present, is an object of strings.
pub fn check_previous_values(body: &Map<String, Value>) -> Option<Response> {
    match body.get("previous_values") {
        None => None,
        Some(Value::Object(values)) => optional_strings(
            values,
            &["service_id", "plan_id", "organization_id", "space_id"],
        )
        .map(|_| Response::bad_request("previous_values: service_id, plan_id, organization_id and space_id must be strings")),
        Some(_) => Some(Response::bad_request("previous_values: must be an object")),
    }
}

/// 400 unless `bind_resource`, when present, is an object with string `app_guid` / `route`.
pub fn check_bind_resource(body: &Map<String, Value>) -> Option<Response> {
    match body.get("bind_resource") {
        None => None,
        Some(Value::Object(resource)) => optional_strings(resource, &["app_guid", "route"])
            .map(|_| Response::bad_request("bind_resource: app_guid and route must be strings")),
        Some(_) => Some(Response::bad_request("bind_resource: must be an object")),
    }
}

/// 400 unless `accepts_incomplete`, when given, is `true` or `false`. The broker answers
/// synchronously either way, which OSBAPI allows.
pub fn check_accepts_incomplete(request: &Request<'_>) -> Option<Response> {
    request
        .query
        .iter()
        .find(|(key, value)| key == "accepts_incomplete" && value != "true" && value != "false")
        .map(|_| Response::bad_request("accepts_incomplete: must be true or false"))
}

/// 400 when `key` is present but not an object.
pub fn require_object(body: &Map<String, Value>, key: &str) -> Option<Response> {
    match body.get(key) {
        None | Some(Value::Object(_)) => None,
        Some(_) => Some(Response::bad_request(format!("{key}: must be an object"))),
    }
}

/// The `parameters` of a request (an empty object when absent).
pub fn parameters(body: &Map<String, Value>) -> &Value {
    static EMPTY: std::sync::LazyLock<Value> = std::sync::LazyLock::new(|| json!({}));
    body.get("parameters").unwrap_or(&EMPTY)
}
