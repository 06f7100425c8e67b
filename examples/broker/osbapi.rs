//! The OSBAPI v2.17 endpoints, as a function from a request to a response: no sockets here
//! (`main.rs` does the HTTP), so every rule of the spec is visible in one place.

use std::collections::{HashMap, HashSet};

use base64::Engine as _;
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value, json};
use ses_broker::{
    BindParams, Binding, BrokerConfig, Catalog, Credentials, Instance, InstanceOutputs,
    ParamErrors, ProvisionParams, catalog::PLAN_ID, catalog::SERVICE_ID, dns::DkimSigning,
    instance::TopicName, instance::UpdateError, reputation::AlarmDefinition,
    reputation::Thresholds, values::BindingId, values::InstanceId,
};
use subtle::ConstantTimeEq as _;

use crate::aws::{Aws, AwsError};

/// The largest request body read (the library refuses parameter documents past 64 KiB).
pub(crate) const MAX_BODY_BYTES: usize = 256 * 1024;

/// An HTTP request, as far as the broker reads it.
#[derive(Debug)]
pub(crate) struct Request<'a> {
    /// `GET`, `PUT`, `PATCH`, `DELETE`, ...
    pub(crate) method: &'a str,
    /// The path, without the query.
    pub(crate) path: &'a str,
    /// Query parameters, percent-decoded.
    pub(crate) query: Vec<(String, String)>,
    /// The `Authorization` header.
    pub(crate) authorization: Option<&'a str>,
    /// The `X-Broker-API-Version` header.
    pub(crate) api_version: Option<&'a str>,
    /// The body (empty when there is none).
    pub(crate) body: &'a [u8],
}

/// An HTTP response: a status and a JSON body.
#[derive(Debug)]
pub(crate) struct Response {
    /// The status code.
    pub(crate) status: u16,
    /// The JSON body.
    pub(crate) body: Value,
    /// The `Allow` header of a 405.
    pub(crate) allow: Option<&'static str>,
}

impl Response {
    pub(crate) const fn new(status: u16, body: Value) -> Self {
        Self {
            status,
            body,
            allow: None,
        }
    }

    /// An OSBAPI error body: `description` always, `error` when the spec defines a code.
    fn error(status: u16, error: Option<&str>, description: impl Into<String>) -> Self {
        let mut body = Map::new();
        if let Some(code) = error {
            body.insert("error".to_owned(), json!(code));
        }
        body.insert("description".to_owned(), json!(description.into()));
        Self::new(status, Value::Object(body))
    }

    fn bad_request(description: impl Into<String>) -> Self {
        Self::error(400, None, description)
    }

    fn params(errors: &ParamErrors) -> Self {
        Self::new(errors.http_status(), errors.to_osbapi_body())
    }

    fn aws(error: &AwsError) -> Self {
        match error {
            AwsError::AlreadyExists(_) => Self::error(409, None, error.to_string()),
            AwsError::Failed(_) => Self::error(500, None, error.to_string()),
        }
    }

    fn internal(error: &dyn std::error::Error) -> Self {
        Self::error(500, None, error.to_string())
    }
}

/// A provisioned instance and what the broker keeps with it.
#[derive(Debug)]
struct StoredInstance {
    instance: Instance,
    dkim: DkimSigning,
    outputs: InstanceOutputs,
    bindings: HashMap<BindingId, StoredBinding>,
}

/// A binding and what the broker keeps with it.
#[derive(Debug)]
struct StoredBinding {
    binding: Binding,
    credentials: Credentials,
    subscriptions: Vec<String>,
}

/// The broker: configuration, the AWS it drives, and its store (in memory: a real broker
/// keeps instances and bindings in a database, and the credentials not at all).
#[derive(Debug)]
pub(crate) struct Broker<A> {
    config: BrokerConfig,
    catalog: Catalog,
    thresholds: Thresholds,
    expected_authorization: String,
    aws: A,
    instances: HashMap<InstanceId, StoredInstance>,
    deleted_instances: HashSet<String>,
    deleted_bindings: HashSet<(String, String)>,
}

/// The lowest OSBAPI minor version (of major version 2) the broker accepts.
const MIN_MINOR_VERSION: u32 = 13;

impl<A: Aws> Broker<A> {
    /// A broker with an empty store that accepts `username` / `password` in Basic auth.
    pub(crate) fn new(config: BrokerConfig, aws: A, username: &str, password: &str) -> Self {
        let token =
            base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
        Self {
            config,
            catalog: Catalog::cloud_gov(),
            thresholds: Thresholds::cloud_gov(),
            expected_authorization: format!("Basic {token}"),
            aws,
            instances: HashMap::new(),
            deleted_instances: HashSet::new(),
            deleted_bindings: HashSet::new(),
        }
    }

    /// Answers one request.
    pub(crate) fn handle(&mut self, request: &Request<'_>) -> Response {
        if let Some(refused) = self.authenticate(request) {
            return refused;
        }
        if let Some(refused) = check_api_version(request.api_version) {
            return refused;
        }
        let decoded: Vec<String> = request
            .path
            .trim_end_matches('/')
            .split('/')
            .map(|segment| percent_decode_str(segment).decode_utf8_lossy().into_owned())
            .collect();
        let segments: Vec<&str> = decoded.iter().map(String::as_str).collect();
        match (request.method, segments.as_slice()) {
            ("GET", ["", "v2", "catalog"]) => Response::new(200, self.catalog.to_json()),
            (method, ["", "v2", "service_instances", id]) => match method {
                "PUT" => self.provision(id, request),
                "PATCH" => self.update(id, request),
                "DELETE" => self.deprovision(id, request),
                "GET" => self.get_instance(id),
                _ => method_not_allowed("GET, PUT, PATCH, DELETE"),
            },
            ("GET", ["", "v2", "service_instances", id, "last_operation"]) => {
                self.instance_last_operation(id)
            }
            (method, ["", "v2", "service_instances", id, "service_bindings", bid]) => {
                match method {
                    "PUT" => self.bind(id, bid, request),
                    "DELETE" => self.unbind(id, bid, request),
                    "GET" => self.get_binding(id, bid),
                    _ => method_not_allowed("GET, PUT, DELETE"),
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
            ) => self.binding_last_operation(id, bid),
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
            ) => method_not_allowed("GET"),
            _ => Response::error(404, None, format!("no such endpoint: {}", request.path)),
        }
    }

    /// 401 unless the request carries the broker's Basic credentials (compared in constant
    /// time).
    fn authenticate(&self, request: &Request<'_>) -> Option<Response> {
        let given = request.authorization.unwrap_or("").trim().as_bytes();
        let expected = self.expected_authorization.as_bytes();
        if bool::from(given.ct_eq(expected)) {
            None
        } else {
            Some(Response::error(
                401,
                None,
                "authentication required: HTTP Basic with the broker's username and password",
            ))
        }
    }

    /// `PUT /v2/service_instances/:id`: synchronous provisioning.
    fn provision(&mut self, id: &str, request: &Request<'_>) -> Response {
        let body = match parse_body(request.body) {
            Ok(body) => body,
            Err(refused) => return refused,
        };
        if let Some(refused) = self
            .check_ids(&body, true)
            .or_else(|| require_strings(&body, &["organization_guid", "space_guid"]))
            .or_else(|| require_object(&body, "context"))
            .or_else(|| check_maintenance_info(&body))
            .or_else(|| check_accepts_incomplete(request))
        {
            return refused;
        }
        let id = match InstanceId::parse(id) {
            Ok(id) => id,
            Err(e) => return Response::bad_request(format!("instance_id: {e}")),
        };
        let params = match ProvisionParams::from_value(parameters(&body)) {
            Ok(params) => params,
            Err(errors) => return Response::params(&errors),
        };
        if let Some(existing) = self.instances.get(&id) {
            return if existing.instance.params() == &params {
                Response::new(200, instance_metadata(existing))
            } else {
                Response::error(
                    409,
                    None,
                    format!("instance {id} exists with other parameters"),
                )
            };
        }
        let instance = match Instance::new(&self.config, id.clone(), params) {
            Ok(instance) => instance,
            Err(e) => return Response::error(400, Some("InvalidParameters"), e.to_string()),
        };
        let stored = match self.create_instance(instance) {
            Ok(stored) => stored,
            Err(refused) => return refused,
        };
        let body = instance_metadata(&stored);
        self.deleted_instances.remove(id.as_str());
        self.instances.insert(id, stored);
        Response::new(201, body)
    }

    /// The AWS side of provisioning, in the order a real broker calls it.
    fn create_instance(&mut self, instance: Instance) -> Result<StoredInstance, Response> {
        let dkim = self
            .aws
            .create_identity(&instance)
            .map_err(|e| Response::aws(&e))?;
        let outputs = instance
            .outputs(&dkim)
            .map_err(|e| Response::internal(&e))?;
        let aws = &mut self.aws;
        let result = (|| {
            if let Some(mail_from) = instance.mail_from_domain() {
                aws.set_mail_from(instance.domain(), Some(mail_from))?;
            }
            aws.put_topics(&topic_names(&instance), &[])?;
            let alarms = AlarmDefinition::for_instance(&instance, &self.thresholds);
            aws.create_configuration_set(instance.configuration_set_name(), &alarms)?;
            if instance.domain_is_generated() {
                let name_servers = aws.create_hosted_zone(instance.domain())?;
                let managed = instance
                    .broker_managed_records(&dkim, &name_servers)
                    .map_err(|e| AwsError::Failed(e.to_string()))?;
                aws.change_records(
                    self.config.default_zone(),
                    &managed.delegation_change_batch(),
                )?;
                aws.change_records(instance.domain(), &managed.to_route53_change_batch())?;
            }
            Ok::<(), AwsError>(())
        })();
        if let Err(e) = result {
            // Leave nothing half made (best effort): a 4xx/5xx must leave the broker's
            // resources as they were.
            let alarms = AlarmDefinition::for_instance(&instance, &self.thresholds);
            let _ = self
                .aws
                .delete_configuration_set(instance.configuration_set_name(), &alarms);
            let _ = self.aws.put_topics(&[], &topic_names(&instance));
            let _ = self.aws.delete_identity(instance.domain());
            return Err(Response::aws(&e));
        }
        Ok(StoredInstance {
            instance,
            dkim,
            outputs,
            bindings: HashMap::new(),
        })
    }

    /// `PATCH /v2/service_instances/:id`: parameter updates; the plan cannot change.
    fn update(&mut self, id: &str, request: &Request<'_>) -> Response {
        let body = match parse_body(request.body) {
            Ok(body) => body,
            Err(refused) => return refused,
        };
        if let Some(refused) = self
            .check_ids(&body, false)
            .or_else(|| require_object(&body, "context"))
            .or_else(|| check_maintenance_info(&body))
            .or_else(|| check_previous_values(&body))
            .or_else(|| check_accepts_incomplete(request))
        {
            return refused;
        }
        let Some(stored) = InstanceId::parse(id)
            .ok()
            .and_then(|id| self.instances.get_mut(&id))
        else {
            return Response::error(404, None, format!("instance {id} does not exist"));
        };
        if let Some(plan) = body.get("plan_id").and_then(Value::as_str)
            && plan != PLAN_ID
        {
            return Response::error(
                422,
                None,
                "plan changes are not supported: the aws-ses offering has plan_updateable false",
            );
        }
        let Some(parameters) = body.get("parameters") else {
            // No parameters: nothing may change (OSBAPI).
            return Response::new(200, json!({}));
        };
        let update =
            match stored
                .instance
                .update(&self.config, &parameters.to_string(), &stored.dkim)
            {
                Ok(update) => update,
                Err(UpdateError::Params(errors)) => return Response::params(&errors),
                Err(UpdateError::Instance(e)) => {
                    return Response::error(400, Some("InvalidParameters"), e.to_string());
                }
                Err(e) => return Response::internal(&e),
            };
        let new = update.instance();
        let outputs = match new.outputs(&stored.dkim) {
            Ok(outputs) => outputs,
            Err(e) => return Response::internal(&e),
        };
        let old = &stored.instance;
        let aws = &mut self.aws;
        let result = (|| {
            if old.mail_from_domain() != new.mail_from_domain() {
                aws.set_mail_from(new.domain(), new.mail_from_domain())?;
            }
            let before = topic_names(old);
            let after = topic_names(new);
            let create: Vec<&TopicName> = after
                .iter()
                .filter(|t| !before.contains(t))
                .copied()
                .collect();
            let delete: Vec<&TopicName> = before
                .iter()
                .filter(|t| !after.contains(t))
                .copied()
                .collect();
            aws.put_topics(&create, &delete)?;
            if new.domain_is_generated() && !update.records().is_empty() {
                let records = new
                    .required_records(&stored.dkim)
                    .map_err(|e| AwsError::Failed(e.to_string()))?;
                aws.change_records(new.domain(), &records.to_route53_change_batch())?;
            }
            Ok::<(), AwsError>(())
        })();
        if let Err(e) = result {
            return Response::aws(&e);
        }
        let changed: Vec<&str> = update.changed_params().iter().map(|f| f.as_str()).collect();
        let body = json!({"metadata": {"attributes": {
            "changed_parameters": changed,
            "changed_outputs": update.changed_outputs(),
            "records_to_change": if new.domain_is_generated() { Value::Null } else { json!(update.records()) },
            "bindings_to_recreate": !update.changed_outputs().is_empty() && !stored.bindings.is_empty(),
        }}});
        stored.instance = update.into_instance();
        stored.outputs = outputs;
        Response::new(200, body)
    }

    /// `DELETE /v2/service_instances/:id?service_id=..&plan_id=..`.
    fn deprovision(&mut self, id: &str, request: &Request<'_>) -> Response {
        if let Some(refused) = self
            .check_query_ids(request)
            .or_else(|| check_accepts_incomplete(request))
        {
            return refused;
        }
        let Some(stored) = InstanceId::parse(id)
            .ok()
            .and_then(|id| self.instances.remove(&id))
        else {
            return Response::new(410, json!({}));
        };
        let instance = &stored.instance;
        // The platform unbinds first; a binding left over is removed with its instance.
        for binding in stored.bindings.values() {
            let _ = self.remove_binding(binding);
        }
        let alarms = AlarmDefinition::for_instance(instance, &self.thresholds);
        let result = self
            .aws
            .delete_configuration_set(instance.configuration_set_name(), &alarms)
            .and_then(|()| self.aws.put_topics(&[], &topic_names(instance)))
            .and_then(|()| self.aws.delete_identity(instance.domain()))
            .and_then(|()| {
                if instance.domain_is_generated() {
                    self.aws.delete_hosted_zone(instance.domain())
                } else {
                    Ok(())
                }
            });
        if let Err(e) = result {
            return Response::aws(&e);
        }
        self.deleted_instances.insert(id.to_owned());
        Response::new(200, json!({}))
    }

    /// `GET /v2/service_instances/:id`: the stored (normalised) parameters and the records.
    fn get_instance(&self, id: &str) -> Response {
        let Some(stored) = self.instance(id) else {
            return Response::error(404, None, format!("instance {id} does not exist"));
        };
        let mut body = instance_metadata(stored);
        if let Some(object) = body.as_object_mut() {
            object.insert("service_id".to_owned(), json!(SERVICE_ID));
            object.insert("plan_id".to_owned(), json!(PLAN_ID));
            object.insert("parameters".to_owned(), json!(stored.instance.params()));
        }
        Response::new(200, body)
    }

    /// `GET .../last_operation`: provisioning is synchronous, so an instance that exists has
    /// succeeded; one this broker deleted is gone.
    fn instance_last_operation(&self, id: &str) -> Response {
        if self.instance(id).is_some() {
            Response::new(200, json!({"state": "succeeded"}))
        } else if self.deleted_instances.contains(id) {
            Response::new(410, json!({}))
        } else {
            Response::error(404, None, format!("instance {id} does not exist"))
        }
    }

    /// `PUT /v2/service_instances/:id/service_bindings/:bid`: synchronous binding.
    fn bind(&mut self, id: &str, bid: &str, request: &Request<'_>) -> Response {
        let body = match parse_body(request.body) {
            Ok(body) => body,
            Err(refused) => return refused,
        };
        if let Some(refused) = self
            .check_ids(&body, true)
            .or_else(|| require_object(&body, "context"))
            .or_else(|| check_bind_resource(&body))
            .or_else(|| optional_strings(&body, &["app_guid", "predecessor_binding_id"]))
            .or_else(|| check_accepts_incomplete(request))
        {
            return refused;
        }
        let binding_id = match BindingId::parse(bid) {
            Ok(bid) => bid,
            Err(e) => return Response::bad_request(format!("binding_id: {e}")),
        };
        let params = match BindParams::from_value(parameters(&body)) {
            Ok(params) => params,
            Err(errors) => return Response::params(&errors),
        };
        let Some(stored) = InstanceId::parse(id)
            .ok()
            .and_then(|id| self.instances.get_mut(&id))
        else {
            return Response::error(404, None, format!("instance {id} does not exist"));
        };
        if let Some(existing) = stored.bindings.get(&binding_id) {
            return if existing.binding.plan_details().params() == &params {
                Response::new(200, binding_body(existing))
            } else {
                Response::error(
                    409,
                    None,
                    format!("binding {binding_id} exists with other parameters"),
                )
            };
        }
        let plan = Binding::plan(&stored.instance, binding_id.clone(), params);
        for warning in plan.warnings() {
            eprintln!("broker: binding {binding_id}: {warning}");
        }
        let key =
            match self
                .aws
                .create_user_and_key(plan.iam_user_name(), plan.iam_path(), plan.policy())
            {
                Ok(key) => key,
                Err(e) => return Response::aws(&e),
            };
        let user = plan.iam_user_name().clone();
        let made = plan
            .with_access_key(&stored.instance, key)
            .and_then(|binding| Ok((binding.credentials(&stored.outputs)?, binding)));
        let (credentials, binding) = match made {
            Ok(made) => made,
            Err(e) => {
                let _ = self.aws.delete_user(&user);
                return Response::internal(&e);
            }
        };
        let mut subscriptions = Vec::new();
        for sub in binding.plan_details().subscriptions() {
            match self
                .aws
                .subscribe(sub.topic_arn(), sub.protocol(), sub.endpoint())
            {
                Ok(arn) => subscriptions.push(arn),
                Err(e) => {
                    for arn in &subscriptions {
                        let _ = self.aws.unsubscribe(arn);
                    }
                    let _ = self.aws.delete_user(&user);
                    return Response::aws(&e);
                }
            }
        }
        let stored_binding = StoredBinding {
            binding,
            credentials,
            subscriptions,
        };
        let body = binding_body(&stored_binding);
        self.deleted_bindings
            .remove(&(id.to_owned(), bid.to_owned()));
        stored.bindings.insert(binding_id, stored_binding);
        Response::new(201, body)
    }

    /// `DELETE .../service_bindings/:bid?service_id=..&plan_id=..`.
    fn unbind(&mut self, id: &str, bid: &str, request: &Request<'_>) -> Response {
        if let Some(refused) = self
            .check_query_ids(request)
            .or_else(|| check_accepts_incomplete(request))
        {
            return refused;
        }
        let removed = InstanceId::parse(id)
            .ok()
            .and_then(|id| self.instances.get_mut(&id))
            .zip(BindingId::parse(bid).ok())
            .and_then(|(stored, bid)| stored.bindings.remove(&bid));
        let Some(binding) = removed else {
            return Response::new(410, json!({}));
        };
        if let Err(e) = self.remove_binding(&binding) {
            return Response::aws(&e);
        }
        self.deleted_bindings
            .insert((id.to_owned(), bid.to_owned()));
        Response::new(200, json!({}))
    }

    fn remove_binding(&mut self, binding: &StoredBinding) -> Result<(), AwsError> {
        for arn in &binding.subscriptions {
            self.aws.unsubscribe(arn)?;
        }
        self.aws
            .delete_user(binding.binding.plan_details().iam_user_name())
    }

    /// `GET .../service_bindings/:bid`: the credentials (with secrets, as OSBAPI returns
    /// them) and the parameters.
    fn get_binding(&self, id: &str, bid: &str) -> Response {
        match self.binding(id, bid) {
            Some(binding) => {
                let mut body = binding_body(binding);
                if let Some(object) = body.as_object_mut() {
                    object.insert(
                        "parameters".to_owned(),
                        json!(binding.binding.plan_details().params()),
                    );
                }
                Response::new(200, body)
            }
            None => Response::error(
                404,
                None,
                format!("binding {bid} of instance {id} does not exist"),
            ),
        }
    }

    fn binding_last_operation(&self, id: &str, bid: &str) -> Response {
        if self.binding(id, bid).is_some() {
            Response::new(200, json!({"state": "succeeded"}))
        } else if self
            .deleted_bindings
            .contains(&(id.to_owned(), bid.to_owned()))
        {
            Response::new(410, json!({}))
        } else {
            Response::error(
                404,
                None,
                format!("binding {bid} of instance {id} does not exist"),
            )
        }
    }

    fn instance(&self, id: &str) -> Option<&StoredInstance> {
        InstanceId::parse(id)
            .ok()
            .and_then(|id| self.instances.get(&id))
    }

    fn binding(&self, id: &str, bid: &str) -> Option<&StoredBinding> {
        let bid = BindingId::parse(bid).ok()?;
        self.instance(id)?.bindings.get(&bid)
    }

    /// 400 unless the body names this broker's service (and, with `plan_required`, plan).
    fn check_ids(&self, body: &Map<String, Value>, plan_required: bool) -> Option<Response> {
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
            PLAN_ID
        };
        self.catalog
            .check_ids(service, plan)
            .err()
            .map(|e| Response::bad_request(e.to_string()))
    }

    /// 400 unless the query names this broker's service and plan (deprovision, unbind).
    fn check_query_ids(&self, request: &Request<'_>) -> Option<Response> {
        let get = |key: &str| {
            request
                .query
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        let (Some(service), Some(plan)) = (get("service_id"), get("plan_id")) else {
            return Some(Response::bad_request(
                "service_id and plan_id are required query parameters",
            ));
        };
        self.catalog
            .check_ids(service, plan)
            .err()
            .map(|e| Response::bad_request(e.to_string()))
    }
}

/// 412 unless `X-Broker-API-Version` is 2.13 or a later 2.x.
fn check_api_version(header: Option<&str>) -> Option<Response> {
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

fn method_not_allowed(allow: &'static str) -> Response {
    let mut response = Response::error(405, None, format!("this endpoint answers {allow}"));
    response.allow = Some(allow);
    response
}

/// The body as a JSON object, or 400.
fn parse_body(body: &[u8]) -> Result<Map<String, Value>, Response> {
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
fn require_strings(body: &Map<String, Value>, keys: &[&str]) -> Option<Response> {
    keys.iter().find_map(|key| match body.get(*key) {
        Some(Value::String(_)) => None,
        Some(_) => Some(Response::bad_request(format!("{key}: must be a string"))),
        None => Some(Response::bad_request(format!("{key}: is required"))),
    })
}

/// 400 when one of `keys` is present but not a string.
fn optional_strings(body: &Map<String, Value>, keys: &[&str]) -> Option<Response> {
    keys.iter().find_map(|key| match body.get(*key) {
        None | Some(Value::String(_)) => None,
        Some(_) => Some(Response::bad_request(format!("{key}: must be a string"))),
    })
}

/// 400 unless `maintenance_info`, when present, is an object with a string `version`.
fn check_maintenance_info(body: &Map<String, Value>) -> Option<Response> {
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
fn check_previous_values(body: &Map<String, Value>) -> Option<Response> {
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
fn check_bind_resource(body: &Map<String, Value>) -> Option<Response> {
    match body.get("bind_resource") {
        None => None,
        Some(Value::Object(resource)) => optional_strings(resource, &["app_guid", "route"])
            .map(|_| Response::bad_request("bind_resource: app_guid and route must be strings")),
        Some(_) => Some(Response::bad_request("bind_resource: must be an object")),
    }
}

/// 400 unless `accepts_incomplete`, when given, is `true` or `false`. The broker answers
/// synchronously either way, which OSBAPI allows.
fn check_accepts_incomplete(request: &Request<'_>) -> Option<Response> {
    request
        .query
        .iter()
        .find(|(key, value)| key == "accepts_incomplete" && value != "true" && value != "false")
        .map(|_| Response::bad_request("accepts_incomplete: must be true or false"))
}

/// 400 when `key` is present but not an object.
fn require_object(body: &Map<String, Value>, key: &str) -> Option<Response> {
    match body.get(key) {
        None | Some(Value::Object(_)) => None,
        Some(_) => Some(Response::bad_request(format!("{key}: must be an object"))),
    }
}

/// The `parameters` of a request (an empty object when absent).
fn parameters(body: &Map<String, Value>) -> &Value {
    static EMPTY: std::sync::LazyLock<Value> = std::sync::LazyLock::new(|| json!({}));
    body.get("parameters").unwrap_or(&EMPTY)
}

/// The names of the instance's SNS topics.
fn topic_names(instance: &Instance) -> Vec<&TopicName> {
    instance.topics().map(|t| instance.topic_name(t)).collect()
}

/// The provision response body: the records the customer must publish, in
/// `metadata.attributes` (OSBAPI lets a provision response carry `metadata`).
fn instance_metadata(stored: &StoredInstance) -> Value {
    let instance = &stored.instance;
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
        match instance.required_records(&stored.dkim) {
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
fn binding_body(binding: &StoredBinding) -> Value {
    json!({"credentials": binding.credentials.to_json_with_secrets()})
}
