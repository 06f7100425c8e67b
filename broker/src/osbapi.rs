//! The Open Service Broker API v2.17 as plain values and checks: [`Request`], [`Response`]
//! and the rules every endpoint shares (API version, bodies, ids). No sockets here
//! (`http.rs` does HTTP) and no AWS (`broker.rs` drives it), so the protocol's rules are
//! visible in one place.

use serde_json::{Map, Value, json};
use ses_broker::catalog::{PLAN_ID, SERVICE_ID};
use ses_broker::{Catalog, ParamErrors};

/// The largest request body read, 1 MiB: a larger one is answered 413. (The library
/// refuses parameter documents past 64 KiB on its own, with the field named.)
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

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

    /// 413: the body is larger than [`MAX_BODY_BYTES`]; `detail` says what gave up.
    #[must_use]
    pub fn body_too_large(detail: impl std::fmt::Display) -> Self {
        Self::error(
            413,
            None,
            format!(
                "request body: larger than {MAX_BODY_BYTES} bytes (1 MiB), the most this broker reads ({detail})"
            ),
        )
    }

    /// 500 with `description`.
    #[must_use]
    pub fn internal(description: impl std::fmt::Display) -> Self {
        Self::error(500, None, description.to_string())
    }
}

/// The two catalog ids a request names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Id {
    Service,
    Plan,
}

impl Id {
    const fn key(self) -> &'static str {
        match self {
            Self::Service => "service_id",
            Self::Plan => "plan_id",
        }
    }

    /// What is wrong with `value` as this id, by the catalog's words. The catalog checks a
    /// pair; each id is checked alone, paired with the other's right value, so that a
    /// request with both wrong hears of both.
    fn unknown(self, catalog: &Catalog, value: &str) -> Option<String> {
        match self {
            Self::Service => catalog.check_ids(value, PLAN_ID),
            Self::Plan => catalog.check_ids(SERVICE_ID, value),
        }
        .err()
        .map(|e| e.to_string())
    }
}

/// Every problem with the body's `service_id` and `plan_id` (with `plan_required`; on an
/// update `plan_id` is optional, and a plan other than the instance's is a plan change,
/// answered later).
fn id_problems(catalog: &Catalog, body: &Map<String, Value>, plan_required: bool) -> Vec<String> {
    let mut problems = Vec::new();
    for id in [Id::Service, Id::Plan] {
        let checked = id == Id::Service || plan_required;
        match body.get(id.key()) {
            Some(Value::String(value)) if checked => problems.extend(id.unknown(catalog, value)),
            Some(Value::String(_)) => {}
            Some(_) => problems.push(format!("{}: must be a string", id.key())),
            None if checked => problems.push(format!("{}: is required", id.key())),
            None => {}
        }
    }
    problems
}

/// 400 with every one of `problems`, when there is one.
fn refuse(problems: &[String]) -> Option<Response> {
    (!problems.is_empty()).then(|| Response::bad_request(problems.join("; ")))
}

/// 400 unless the body names `catalog`'s service (and, with `plan_required`, plan).
#[must_use]
pub fn check_ids(
    catalog: &Catalog,
    body: &Map<String, Value>,
    plan_required: bool,
) -> Option<Response> {
    refuse(&id_problems(catalog, body, plan_required))
}

/// 400 with every problem of a provision body's mandatory fields at once: `service_id` and
/// `plan_id` (the catalog's), `organization_guid` and `space_guid` (non-empty strings, as
/// OSBAPI requires even though `context` supersedes them), and `context` (an object when
/// present).
#[must_use]
pub fn check_provision(catalog: &Catalog, body: &Map<String, Value>) -> Option<Response> {
    let mut problems = id_problems(catalog, body, true);
    for key in ["organization_guid", "space_guid"] {
        match body.get(key) {
            Some(Value::String(value)) if !value.is_empty() => {}
            Some(Value::String(_)) => problems.push(format!("{key}: must not be empty")),
            Some(_) => problems.push(format!("{key}: must be a string")),
            None => problems.push(format!("{key}: is required")),
        }
    }
    if body
        .get("context")
        .is_some_and(|context| !context.is_object())
    {
        problems.push("context: must be an object".to_owned());
    }
    refuse(&problems)
}

/// 400 unless the query names `catalog`'s service and plan (deprovision, unbind).
#[must_use]
pub fn check_query_ids(catalog: &Catalog, request: &Request<'_>) -> Option<Response> {
    let problems: Vec<String> = [Id::Service, Id::Plan]
        .into_iter()
        .filter_map(|id| match request.query(id.key()) {
            Some(value) => id.unknown(catalog, value),
            None => Some(format!("{}: is a required query parameter", id.key())),
        })
        .collect();
    refuse(&problems)
}

/// 412 unless `X-Broker-API-Version` is a 2.x: `2.MINOR` or `2.MINOR.PATCH`, decimal.
/// OSBAPI keeps 2.x backward compatible, so a platform speaking an older minor version
/// gets the answers it knows; this broker implements 2.17.
pub fn check_api_version(header: Option<&str>) -> Option<Response> {
    let decimal = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    let supported = header.is_some_and(|value| {
        let parts: Vec<&str> = value.trim().split('.').collect();
        matches!(parts.len(), 2 | 3)
            && parts.first() == Some(&"2")
            && parts.iter().all(|part| decimal(part))
    });
    (!supported).then(|| {
        Response::error(
            412,
            None,
            format!(
                "X-Broker-API-Version: {}; this broker speaks OSBAPI 2.17 and accepts any 2.x (such as 2.17 or 2.17.1)",
                header.map_or_else(
                    || "is missing".to_owned(),
                    |v| format!("{:?} is not a 2.x version", excerpt(v))
                ),
            ),
        )
    })
}

/// At most 64 characters of what a client sent, for a description.
fn excerpt(value: &str) -> String {
    const MAX: usize = 64;
    match value.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}...", value.get(..end).unwrap_or_default()),
        None => value.to_owned(),
    }
}

/// 405 with the `Allow` header.
pub fn method_not_allowed(allow: &'static str) -> Response {
    let mut response = Response::error(405, None, format!("this endpoint answers {allow}"));
    response.allow = Some(allow);
    response
}

/// The body as a JSON object; 413 past [`MAX_BODY_BYTES`], 400 when it is not a JSON
/// object.
pub fn parse_body(body: &[u8]) -> Result<Map<String, Value>, Response> {
    if body.len() > MAX_BODY_BYTES {
        return Err(Response::body_too_large(format!(
            "{} bytes were sent",
            body.len()
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

/// 400 when one of `keys` is present but not a string.
pub fn optional_strings(body: &Map<String, Value>, keys: &[&str]) -> Option<Response> {
    keys.iter().find_map(|key| match body.get(*key) {
        None | Some(Value::String(_)) => None,
        Some(_) => Some(Response::bad_request(format!("{key}: must be a string"))),
    })
}

/// `maintenance_info`, when present: an object whose `version` and `description`, when
/// present, are strings (400 otherwise). The plan declares no `maintenance_info`, so an
/// object without a `version` (such as `{}`) asks for nothing and is accepted, and any
/// `version` is 422 `MaintenanceInfoConflict`: OSBAPI's answer to a version the catalog
/// does not list.
pub fn check_maintenance_info(body: &Map<String, Value>) -> Option<Response> {
    let info = match body.get("maintenance_info") {
        None => return None,
        Some(Value::Object(info)) => info,
        Some(_) => return Some(Response::bad_request("maintenance_info: must be an object")),
    };
    let wrong: Vec<String> = ["version", "description"]
        .into_iter()
        .filter(|key| info.get(*key).is_some_and(|value| !value.is_string()))
        .map(|key| format!("maintenance_info.{key}: must be a string"))
        .collect();
    if let Some(refused) = refuse(&wrong) {
        return Some(refused);
    }
    info.get("version").and_then(Value::as_str).map(|version| {
        Response::error(
            422,
            Some("MaintenanceInfoConflict"),
            format!(
                "maintenance_info.version: {:?} was requested, but the plan declares no maintenance_info (send none, or an empty object)",
                excerpt(version)
            ),
        )
    })
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
