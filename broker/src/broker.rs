//! The broker: the OSBAPI endpoints on the core. Each lifecycle request is checked, turned
//! into a stored operation (the desired AWS state comes from the core: [`InstanceState`],
//! [`BindingState`]) and run by [`crate::operations`]: synchronously, or with
//! `accepts_incomplete=true` in the background while the platform polls `last_operation`.
//! Every request is answered from the [`Store`], so several broker processes can share one
//! PostgreSQL database.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value, json};
use ses_broker::aws::{BindingState, InstanceState};
use ses_broker::catalog::{PLAN_ID, SERVICE_ID};
use ses_broker::instance::UpdateError;
use ses_broker::params::Context;
use ses_broker::reputation::Thresholds;
use ses_broker::values::{BindingId, InstanceId};
use ses_broker::{BindParams, Binding, BrokerConfig, Catalog, Instance, ProvisionParams};
use subtle::ConstantTimeEq as _;

use crate::aws::Aws;
use crate::operations::{BindRequest, Engine, ProvisionRequest, UpdateRequest, owner_name};
use crate::osbapi::{
    Request, Response, check_accepts_incomplete, check_api_version, check_bind_resource, check_ids,
    check_maintenance_info, check_previous_values, check_provision, check_query_ids,
    method_not_allowed, optional_strings, parameters, parse_body, require_object,
};
use crate::store::{
    Begun, BindingRecord, Expect, InstanceRecord, Kind, OpState, OperationRow, Pause, Store,
    StoreError,
};
use crate::telemetry::Metrics;

/// Not an HTTP status: the marker of a request whose reading went stale before it took the
/// instance ([`Begun::Changed`]); [`reading_again`] reads again.
const STALE: u16 = 0;

/// How many times a request reads again before giving up with 422.
const MAX_READS: usize = 5;

/// The default time an operation's heartbeat may be silent before another process takes
/// the operation over.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(30);

/// The broker: configuration, the AWS it drives, the store it keeps. Cheap to clone (one
/// shared engine); every method takes `&self`, so requests run concurrently and the store
/// serialises what must be.
#[derive(Debug)]
pub struct Broker<A> {
    catalog: Catalog,
    thresholds: Thresholds,
    expected_authorization: String,
    engine: Arc<Engine<A>>,
}

impl<A> Clone for Broker<A> {
    fn clone(&self) -> Self {
        Self {
            catalog: self.catalog.clone(),
            thresholds: self.thresholds,
            expected_authorization: self.expected_authorization.clone(),
            engine: Arc::clone(&self.engine),
        }
    }
}

impl From<StoreError> for Response {
    fn from(error: StoreError) -> Self {
        Self::internal(error)
    }
}

fn state_failed(error: &impl std::fmt::Display) -> Response {
    Response::internal(format!("broker configuration: {error}"))
}

/// The OSBAPI `context` of a request (an empty one when absent).
fn context(body: &Map<String, Value>) -> Result<Option<Context>, Response> {
    match body.get("context") {
        None => Ok(None),
        Some(value) => Context::from_value(value)
            .map(Some)
            .map_err(|errors| Response::params(&errors)),
    }
}

/// Whether the platform accepts an asynchronous answer.
fn accepts_incomplete(request: &Request<'_>) -> bool {
    request.query("accepts_incomplete") == Some("true")
}

fn concurrency_error(busy: &OperationRow) -> Response {
    Response::error(
        422,
        Some("ConcurrencyError"),
        format!(
            "instance {} has an operation in progress ({} {}); try again when it finishes",
            busy.instance_id, busy.kind, busy.id
        ),
    )
}

impl<A: Aws> Broker<A> {
    /// A broker over `aws` and `store` that accepts `username` / `password` in Basic auth.
    /// Operations whose heartbeat is silent for `lease` are taken over (see [`Self::watch`]).
    pub fn new(
        aws: A,
        store: Store,
        metrics: Metrics,
        username: &str,
        password: &str,
        lease: Duration,
    ) -> Self {
        let token =
            base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
        Self {
            catalog: Catalog::cloud_gov(),
            thresholds: Thresholds::cloud_gov(),
            expected_authorization: format!("Basic {token}"),
            engine: Arc::new(Engine {
                aws,
                store,
                metrics,
                owner: owner_name(),
                lease,
            }),
        }
    }

    /// The AWS it drives.
    pub fn aws(&self) -> &A {
        &self.engine.aws
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.engine.store
    }

    /// The metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.engine.metrics
    }

    /// The configuration.
    pub fn config(&self) -> &BrokerConfig {
        self.engine.store.config()
    }

    /// Takes over now every operation whose process went silent for the lease (at startup:
    /// the operations a crash interrupted), running each in the background.
    ///
    /// # Errors
    /// The database failed.
    pub async fn recover(&self) -> Result<usize, StoreError> {
        self.engine.recover().await
    }

    /// Starts the pause operation of every recorded pause not applied yet.
    ///
    /// # Errors
    /// The database failed.
    pub async fn apply_pauses(&self) -> Result<usize, StoreError> {
        self.engine.apply_pauses().await
    }

    /// Keeps this process's operations alive and takes over stale ones, forever (spawn it).
    pub fn watch(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        Arc::clone(&self.engine).watch()
    }

    /// `true` when the basic credentials are the broker's (compared in constant time).
    #[must_use]
    pub fn authorized(&self, authorization: Option<&str>) -> bool {
        // The scheme is case-insensitive (RFC 9110); the credentials are compared in
        // constant time.
        let given = authorization.unwrap_or("").trim();
        let (scheme, token) = given.split_once(' ').unwrap_or((given, ""));
        let expected = self
            .expected_authorization
            .strip_prefix("Basic ")
            .unwrap_or(&self.expected_authorization);
        scheme.eq_ignore_ascii_case("basic")
            & bool::from(token.trim().as_bytes().ct_eq(expected.as_bytes()))
    }

    /// Answers one OSBAPI request.
    pub async fn handle(&self, request: &Request<'_>) -> Response {
        if !self.authorized(request.authorization) {
            return unauthorized();
        }
        if let Some(refused) = check_api_version(request.api_version) {
            return refused;
        }
        reading_again(|| self.route(request)).await
    }

    async fn route(&self, request: &Request<'_>) -> Response {
        let decoded = path_segments(request.path);
        let segments: Vec<&str> = decoded.iter().map(String::as_str).collect();
        let result = match (request.method, segments.as_slice()) {
            ("GET", ["", "v2", "catalog"]) => Ok(Response::new(200, self.catalog.to_json())),
            (method, ["", "v2", "service_instances", id]) => match method {
                "PUT" => self.provision(id, request).await,
                "PATCH" => self.update(id, request).await,
                "DELETE" => self.deprovision(id, request).await,
                "GET" => self.get_instance(id).await,
                _ => Ok(method_not_allowed("GET, PUT, PATCH, DELETE")),
            },
            ("GET", ["", "v2", "service_instances", id, "last_operation"]) => {
                self.last_operation(id, None).await
            }
            (method, ["", "v2", "service_instances", id, "service_bindings", bid]) => {
                match method {
                    "PUT" => self.bind(id, bid, request).await,
                    "DELETE" => self.unbind(id, bid, request).await,
                    "GET" => self.get_binding(id, bid).await,
                    _ => Ok(method_not_allowed("GET, PUT, DELETE")),
                }
            }
            (
                "GET",
                [
                    "",
                    "v2",
                    "service_instances",
                    id,
                    "service_bindings",
                    bid,
                    "last_operation",
                ],
            ) => self.last_operation(id, Some(bid)).await,
            (
                _,
                ["", "v2", "catalog"]
                | ["", "v2", "service_instances", _, "last_operation"]
                | [
                    "",
                    "v2",
                    "service_instances",
                    _,
                    "service_bindings",
                    _,
                    "last_operation",
                ],
            ) => Ok(method_not_allowed("GET")),
            _ => Ok(Response::error(
                404,
                None,
                format!("no such endpoint: {}", request.path),
            )),
        };
        result.unwrap_or_else(|refused| refused)
    }

    /// Stores `operation` and runs it: waits for it (synchronous) or answers 202. When
    /// another operation holds the instance: 202 for the same request already accepted
    /// asynchronously (`same`), 422 `ConcurrencyError` otherwise.
    async fn start(
        &self,
        operation: OperationRow,
        expect: Expect,
        asynchronous: bool,
        same: impl FnOnce(&OperationRow) -> bool,
    ) -> Result<Response, Response> {
        match self.engine.store.begin(&operation, expect).await? {
            Begun::Started => {}
            Begun::Changed => return Err(stale()),
            Begun::Busy(busy) => {
                return Err(if asynchronous && same(&busy) {
                    Response::new(202, json!({"operation": busy.id}))
                } else {
                    concurrency_error(&busy)
                });
            }
        }
        let id = operation.id.clone();
        let done = self.engine.spawn(operation);
        if asynchronous {
            return Ok(Response::new(202, json!({"operation": id})));
        }
        done.await.map_err(|_| {
            Response::internal(
                "the operation's task stopped without an answer; poll last_operation",
            )
        })
    }

    fn new_operation(
        &self,
        id: &InstanceId,
        binding: Option<&BindingId>,
        kind: Kind,
        request: Value,
    ) -> OperationRow {
        self.engine.new_operation(id, binding, kind, request)
    }

    /// `PUT /v2/service_instances/:id`.
    async fn provision(&self, id: &str, request: &Request<'_>) -> Result<Response, Response> {
        let body = parse_body(request.body)?;
        if let Some(refused) = check_provision(&self.catalog, &body)
            .or_else(|| check_maintenance_info(&body))
            .or_else(|| check_accepts_incomplete(request))
        {
            return Err(refused);
        }
        let id = InstanceId::parse(id)
            .map_err(|e| Response::bad_request(format!("instance_id: {e}")))?;
        let params = ProvisionParams::from_value(parameters(&body))
            .map_err(|errors| Response::params(&errors))?;
        let context = context(&body)?.unwrap_or_default();
        let store = &self.engine.store;
        let version = store.instance_version(&id).await?;
        if let Some(existing) = store.instance(&id).await? {
            return Ok(if existing.instance.params() == &params {
                Response::new(200, instance_metadata(&existing))
            } else {
                Response::error(
                    409,
                    None,
                    format!("instance {id} exists with other parameters"),
                )
            });
        }
        let instance = Instance::new(self.config(), id.clone(), params)
            .map_err(|e| Response::error(400, Some("InvalidParameters"), e.to_string()))?;
        let state = InstanceState::new(self.config(), &instance, &context, &self.thresholds)
            .map_err(|e| state_failed(&e))?;
        let stored = request_of(&ProvisionRequest {
            params: json!(instance.params()),
            context,
            state,
        })?;
        let operation = self.new_operation(&id, None, Kind::Provision, stored.clone());
        if version.is_some() {
            // It was there a moment ago and is gone now: read again.
            return Err(stale());
        }
        self.start(
            operation,
            Expect::Absent,
            accepts_incomplete(request),
            |busy| {
                busy.kind == Kind::Provision && busy.request.get("params") == stored.get("params")
            },
        )
        .await
    }

    /// `PATCH /v2/service_instances/:id`: parameter updates; the plan cannot change.
    async fn update(&self, id: &str, request: &Request<'_>) -> Result<Response, Response> {
        let body = parse_body(request.body)?;
        if let Some(refused) = check_ids(&self.catalog, &body, false)
            .or_else(|| require_object(&body, "context"))
            .or_else(|| check_maintenance_info(&body))
            .or_else(|| check_previous_values(&body))
            .or_else(|| check_accepts_incomplete(request))
        {
            return Err(refused);
        }
        let not_found = || instance_not_found(id);
        let id = InstanceId::parse(id).map_err(|_| not_found())?;
        let store = &self.engine.store;
        let version = store.instance_version(&id).await?.ok_or_else(not_found)?;
        let record = store.instance(&id).await?.ok_or_else(not_found)?;
        if let Some(plan) = body.get("plan_id").and_then(Value::as_str)
            && plan != PLAN_ID
        {
            return Err(Response::error(
                422,
                None,
                "plan changes are not supported: the aws-ses offering has plan_updateable false",
            ));
        }
        let Some(parameters) = body.get("parameters") else {
            // No parameters: nothing may change (OSBAPI).
            return Ok(Response::new(200, json!({})));
        };
        let update = record
            .instance
            .update(self.config(), &parameters.to_string(), &record.dkim)
            .map_err(|e| match e {
                UpdateError::Params(errors) => Response::params(&errors),
                UpdateError::Instance(e) => {
                    Response::error(400, Some("InvalidParameters"), e.to_string())
                }
                other => Response::internal(other),
            })?;
        let context = context(&body)?.unwrap_or_else(|| record.context.clone());
        let new = update.instance();
        let state = InstanceState::new(self.config(), new, &context, &self.thresholds)
            .map_err(|e| state_failed(&e))?;
        let changed: Vec<&str> = update.changed_params().iter().map(|f| f.as_str()).collect();
        let has_bindings = !store.binding_ids(&id).await?.is_empty();
        let response = json!({"metadata": {"attributes": {
            "changed_parameters": changed,
            "changed_outputs": update.changed_outputs(),
            "records_to_change": if new.domain_is_generated() { Value::Null } else { json!(update.records()) },
            "bindings_to_recreate": !update.changed_outputs().is_empty() && has_bindings,
        }}});
        let stored = request_of(&UpdateRequest {
            params: json!(new.params()),
            context,
            old: record.state,
            new: state,
            response,
        })?;
        let operation = self.new_operation(&id, None, Kind::Update, stored.clone());
        self.start(
            operation,
            Expect::Version(version),
            accepts_incomplete(request),
            |busy| busy.kind == Kind::Update && busy.request.get("params") == stored.get("params"),
        )
        .await
    }

    /// `DELETE /v2/service_instances/:id?service_id=..&plan_id=..`.
    async fn deprovision(&self, id: &str, request: &Request<'_>) -> Result<Response, Response> {
        if let Some(refused) =
            check_query_ids(&self.catalog, request).or_else(|| check_accepts_incomplete(request))
        {
            return Err(refused);
        }
        let gone = || Response::new(410, json!({}));
        let id = InstanceId::parse(id).map_err(|_| gone())?;
        let version = self.engine.store.instance_version(&id).await?;
        let Some(version) = version else {
            // Being provisioned is not gone: the provision holds the instance.
            return Err(match self.engine.store.operation(&id).await? {
                Some(busy) => concurrency_error(&busy),
                None => gone(),
            });
        };
        let operation = self.new_operation(&id, None, Kind::Deprovision, json!({}));
        self.start(
            operation,
            Expect::Version(version),
            accepts_incomplete(request),
            |busy| busy.kind == Kind::Deprovision,
        )
        .await
    }

    /// `GET /v2/service_instances/:id`: the stored (normalised) parameters and the records.
    async fn get_instance(&self, id: &str) -> Result<Response, Response> {
        let not_found = || instance_not_found(id);
        let id = InstanceId::parse(id).map_err(|_| not_found())?;
        let store = &self.engine.store;
        let record = store.instance(&id).await?.ok_or_else(not_found)?;
        if let Some(busy) = store.operation(&id).await?
            && busy.kind == Kind::Update
        {
            // OSBAPI: an instance being updated cannot be fetched.
            return Err(concurrency_error(&busy));
        }
        let mut body = instance_metadata(&record);
        let pause = store.open_pause(&id).await?;
        if let Some(attributes) = body
            .get_mut("metadata")
            .and_then(|m| m.get_mut("attributes"))
            .and_then(Value::as_object_mut)
        {
            attributes.insert(
                "sending".to_owned(),
                json!(if pause.is_some() { "paused" } else { "enabled" }),
            );
            if let Some(pause) = &pause {
                attributes.insert("pause".to_owned(), pause_json(pause));
            }
        }
        if let Some(object) = body.as_object_mut() {
            object.insert("service_id".to_owned(), json!(SERVICE_ID));
            object.insert("plan_id".to_owned(), json!(PLAN_ID));
            object.insert("parameters".to_owned(), json!(record.instance.params()));
        }
        Ok(Response::new(200, body))
    }

    /// `GET .../last_operation` of an instance or (with `bid`) a binding.
    async fn last_operation(&self, id: &str, bid: Option<&str>) -> Result<Response, Response> {
        let not_found = || match bid {
            Some(bid) => binding_not_found(id, bid),
            None => instance_not_found(id),
        };
        let id = InstanceId::parse(id).map_err(|_| not_found())?;
        let bid = bid
            .map(|bid| BindingId::parse(bid).map_err(|_| not_found()))
            .transpose()?;
        let store = &self.engine.store;
        let Some(last) = store.last_operation(&id, bid.as_ref()).await? else {
            return Err(not_found());
        };
        if last.state == OpState::Succeeded && matches!(last.kind, Kind::Deprovision | Kind::Unbind)
        {
            // OSBAPI: a finished asynchronous delete answers 410 Gone.
            return Ok(Response::new(410, json!({})));
        }
        let mut body = json!({"state": last.state.as_str()});
        if !last.description.is_empty()
            && let Some(object) = body.as_object_mut()
        {
            object.insert("description".to_owned(), json!(last.description));
        }
        Ok(Response::new(200, body))
    }

    /// `PUT /v2/service_instances/:id/service_bindings/:bid`.
    async fn bind(&self, id: &str, bid: &str, request: &Request<'_>) -> Result<Response, Response> {
        let body = parse_body(request.body)?;
        if let Some(refused) = check_ids(&self.catalog, &body, true)
            .or_else(|| require_object(&body, "context"))
            .or_else(|| check_bind_resource(&body))
            .or_else(|| optional_strings(&body, &["app_guid", "predecessor_binding_id"]))
            .or_else(|| check_accepts_incomplete(request))
        {
            return Err(refused);
        }
        let binding_id =
            BindingId::parse(bid).map_err(|e| Response::bad_request(format!("binding_id: {e}")))?;
        let params = BindParams::from_value(parameters(&body))
            .map_err(|errors| Response::params(&errors))?;
        let not_found = || instance_not_found(id);
        let id = InstanceId::parse(id).map_err(|_| not_found())?;
        let store = &self.engine.store;
        let version = store.instance_version(&id).await?.ok_or_else(not_found)?;
        let instance = store.instance(&id).await?.ok_or_else(not_found)?;
        if let Some(existing) = store.binding(&id, &binding_id).await? {
            return Ok(if existing.binding.plan_details().params() == &params {
                Response::new(200, binding_body(&existing))
            } else {
                Response::error(
                    409,
                    None,
                    format!("binding {binding_id} exists with other parameters"),
                )
            });
        }
        // The binding's tags name the instance's organization and space unless the bind
        // request says otherwise.
        let context = context(&body)?.unwrap_or_else(|| instance.context.clone());
        let plan = Binding::plan(&instance.instance, binding_id.clone(), params);
        for warning in plan.warnings() {
            tracing::warn!(binding_id = %binding_id, "{warning}");
        }
        let state = BindingState::new(self.config(), &instance.instance, &plan, &context)
            .map_err(|e| state_failed(&e))?;
        let stored = request_of(&BindRequest {
            params: json!(plan.params()),
            state,
        })?;
        let operation = self.new_operation(&id, Some(&binding_id), Kind::Bind, stored.clone());
        self.start(
            operation,
            Expect::Version(version),
            accepts_incomplete(request),
            |busy| {
                busy.kind == Kind::Bind
                    && busy.binding_id.as_ref() == Some(&binding_id)
                    && busy.request.get("params") == stored.get("params")
            },
        )
        .await
    }

    /// `DELETE .../service_bindings/:bid?service_id=..&plan_id=..`.
    async fn unbind(
        &self,
        id: &str,
        bid: &str,
        request: &Request<'_>,
    ) -> Result<Response, Response> {
        if let Some(refused) =
            check_query_ids(&self.catalog, request).or_else(|| check_accepts_incomplete(request))
        {
            return Err(refused);
        }
        let gone = || Response::new(410, json!({}));
        let (Ok(id), Ok(bid)) = (InstanceId::parse(id), BindingId::parse(bid)) else {
            return Err(gone());
        };
        let store = &self.engine.store;
        let version = store.instance_version(&id).await?;
        if store.binding(&id, &bid).await?.is_none() {
            return Err(match store.operation(&id).await? {
                Some(busy) if busy.binding_id.as_ref() == Some(&bid) => concurrency_error(&busy),
                _ => gone(),
            });
        }
        let Some(version) = version else {
            return Err(stale());
        };
        let operation = self.new_operation(&id, Some(&bid), Kind::Unbind, json!({}));
        self.start(
            operation,
            Expect::Version(version),
            accepts_incomplete(request),
            |busy| busy.kind == Kind::Unbind && busy.binding_id.as_ref() == Some(&bid),
        )
        .await
    }

    /// `GET .../service_bindings/:bid`: the credentials (with secrets, as OSBAPI returns
    /// them) and the parameters.
    async fn get_binding(&self, id: &str, bid: &str) -> Result<Response, Response> {
        let not_found = || binding_not_found(id, bid);
        let (Ok(id), Ok(bid)) = (InstanceId::parse(id), BindingId::parse(bid)) else {
            return Err(not_found());
        };
        let record = self
            .engine
            .store
            .binding(&id, &bid)
            .await?
            .ok_or_else(not_found)?;
        let mut body = binding_body(&record);
        if let Some(object) = body.as_object_mut() {
            object.insert(
                "parameters".to_owned(),
                json!(record.binding.plan_details().params()),
            );
        }
        Ok(Response::new(200, body))
    }
}

impl<A: Aws> Broker<A> {
    /// The operators' endpoints (HTTP Basic as OSBAPI, no API version header):
    /// `GET /admin/pauses` and `POST /admin/instances/{id}/resume`.
    pub async fn admin(&self, request: &Request<'_>) -> Response {
        if !self.authorized(request.authorization) {
            return unauthorized();
        }
        reading_again(|| self.admin_route(request)).await
    }

    async fn admin_route(&self, request: &Request<'_>) -> Response {
        let decoded = path_segments(request.path);
        let segments: Vec<&str> = decoded.iter().map(String::as_str).collect();
        let result = match (request.method, segments.as_slice()) {
            ("GET", ["", "admin", "pauses"]) => self.pauses().await,
            (_, ["", "admin", "pauses"]) => Ok(method_not_allowed("GET")),
            ("POST", ["", "admin", "instances", id, "resume"]) => self.resume(id, request).await,
            (_, ["", "admin", "instances", _, "resume"]) => Ok(method_not_allowed("POST")),
            _ => Ok(Response::error(
                404,
                None,
                format!("no such endpoint: {}", request.path),
            )),
        };
        result.unwrap_or_else(|refused| refused)
    }

    /// `GET /admin/pauses`: the open pauses.
    async fn pauses(&self) -> Result<Response, Response> {
        let pauses = self.engine.store.open_pauses().await?;
        Ok(Response::new(
            200,
            Value::Array(pauses.iter().map(pause_json).collect()),
        ))
    }

    /// `POST /admin/instances/{id}/resume` with `{"resumed_by": NAME, "reason": TEXT}`:
    /// sending back on, and who lifted the pause and why recorded.
    async fn resume(&self, id: &str, request: &Request<'_>) -> Result<Response, Response> {
        let body = parse_body(request.body)?;
        let mut problems = Vec::new();
        let resumed_by = match body.get("resumed_by") {
            Some(Value::String(name)) if !name.trim().is_empty() => name.trim().to_owned(),
            Some(Value::String(_)) => {
                problems.push("resumed_by: must not be empty".to_owned());
                String::new()
            }
            Some(_) => {
                problems.push("resumed_by: must be a string (who lifts the pause)".to_owned());
                String::new()
            }
            None => {
                problems.push("resumed_by: is required (who lifts the pause)".to_owned());
                String::new()
            }
        };
        let reason = match body.get("reason") {
            Some(Value::String(reason)) => reason.clone(),
            None => String::new(),
            Some(_) => {
                problems.push("reason: must be a string".to_owned());
                String::new()
            }
        };
        for key in body.keys() {
            if key != "resumed_by" && key != "reason" {
                problems.push(format!("{key}: unknown (expected resumed_by and reason)"));
            }
        }
        if !problems.is_empty() {
            return Err(Response::bad_request(problems.join("; ")));
        }
        let not_found = || instance_not_found(id);
        let id = InstanceId::parse(id).map_err(|_| not_found())?;
        let store = &self.engine.store;
        let version = store.instance_version(&id).await?.ok_or_else(not_found)?;
        store.instance(&id).await?.ok_or_else(not_found)?;
        let Some(pause) = store.open_pause(&id).await? else {
            return Err(Response::error(
                409,
                None,
                format!("instance {id} is not paused: sending is enabled"),
            ));
        };
        let stored = request_of(&crate::operations::ResumeRequest {
            resumed_by: resumed_by.clone(),
            reason: reason.clone(),
        })?;
        let operation = self.new_operation(&id, None, Kind::Resume, stored);
        let answer = self
            .start(operation, Expect::Version(version), false, |_| false)
            .await?;
        if answer.status != 200 {
            return Err(answer);
        }
        tracing::warn!(instance_id = %id, resumed_by = %resumed_by, reason = %reason, "sending resumed");
        let mut body = pause_json(&pause);
        if let Some(object) = body.as_object_mut() {
            object.insert("resumed_by".to_owned(), json!(resumed_by));
            object.insert("resume_reason".to_owned(), json!(reason));
            object.insert("sending".to_owned(), json!("enabled"));
        }
        Ok(Response::new(200, body))
    }
}

/// Unix milliseconds as RFC 3339.
fn rfc3339(millis: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| millis.to_string())
}

/// A pause as operators see it.
fn pause_json(pause: &Pause) -> Value {
    json!({
        "instance_id": pause.instance_id.as_str(),
        "configuration_set": pause.configuration_set,
        "alarm": pause.alarm,
        "reason": pause.reason,
        "paused_at": rfc3339(pause.paused_at),
        "applied": pause.applied_at.is_some(),
        "last_error": pause.last_error,
    })
}

fn request_of<T: serde::Serialize>(value: &T) -> Result<Value, Response> {
    serde_json::to_value(value)
        .map_err(|e| Response::internal(format!("the operation's request does not serialise: {e}")))
}

/// The answer of a request whose reading went stale: not sent, [`reading_again`] reads again.
fn stale() -> Response {
    Response::new(STALE, Value::Null)
}

/// Answers with `route`, read again while its reading goes stale before it takes the
/// instance (an operation finished in between, [`Begun::Changed`]): a request acts only on
/// what is still stored. 422 `ConcurrencyError` after [`MAX_READS`] stale readings.
async fn reading_again<F, R>(route: R) -> Response
where
    R: Fn() -> F,
    F: Future<Output = Response>,
{
    for _ in 0..MAX_READS {
        let response = route().await;
        if response.status != STALE {
            return response;
        }
    }
    Response::error(
        422,
        Some("ConcurrencyError"),
        "the instance kept changing while this request was read; try again",
    )
}

/// 401: the broker's Basic credentials are missing or wrong.
fn unauthorized() -> Response {
    Response::error(
        401,
        None,
        "authentication required: HTTP Basic with the broker's username and password",
    )
}

/// A request path's segments, percent-decoded (`/v2/catalog/` -> `["", "v2", "catalog"]`).
fn path_segments(path: &str) -> Vec<String> {
    path.trim_end_matches('/')
        .split('/')
        .map(|segment| percent_decode_str(segment).decode_utf8_lossy().into_owned())
        .collect()
}

/// The 404 for an instance this broker does not have (or an id no instance can have).
fn instance_not_found(id: &str) -> Response {
    Response::error(404, None, format!("instance {id} does not exist"))
}

/// The 404 for a binding this broker does not have.
fn binding_not_found(id: &str, bid: &str) -> Response {
    Response::error(
        404,
        None,
        format!("binding {bid} of instance {id} does not exist"),
    )
}

/// The provision response body: the records the customer must publish, in
/// `metadata.attributes` (OSBAPI lets a provision response carry `metadata`).
pub fn instance_metadata(record: &InstanceRecord) -> Value {
    let instance = &record.instance;
    let mut attributes = Map::new();
    attributes.insert("domain".to_owned(), json!(instance.domain()));
    if let Some(mail_from) = instance.mail_from_domain() {
        attributes.insert("mail_from_domain".to_owned(), json!(mail_from));
    }
    attributes.insert(
        "dns_managed_by_broker".to_owned(),
        json!(instance.domain_is_generated()),
    );
    if !instance.domain_is_generated() {
        match instance.required_records(&record.dkim) {
            Ok(records) => {
                attributes.insert("required_records".to_owned(), json!(records));
            }
            Err(e) => {
                attributes.insert("required_records_error".to_owned(), json!(e.to_string()));
            }
        }
        if let Some(instructions) = instance.instructions() {
            attributes.insert("instructions".to_owned(), json!(instructions));
        }
    }
    json!({"metadata": {"attributes": attributes}})
}

/// The bind response body: the credentials, secrets included (they are what a binding is for).
pub fn binding_body(record: &BindingRecord) -> Value {
    json!({"credentials": record.credentials.to_json_with_secrets()})
}
