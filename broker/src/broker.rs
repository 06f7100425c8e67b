//! The broker: the OSBAPI endpoints on the core. Each lifecycle request derives the desired
//! AWS state from the core ([`InstanceState`], [`BindingState`]), lets the core's
//! [`Driver`] say which AWS calls reach it ([`crate::run`]), and keeps the result in the
//! [`Store`].

use base64::Engine as _;
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value, json};
use ses_broker::aws::{BindingState, DriveError, Driver, InstanceState, Ledger, StateError};
use ses_broker::catalog::{PLAN_ID, SERVICE_ID};
use ses_broker::instance::UpdateError;
use ses_broker::params::Context;
use ses_broker::reputation::Thresholds;
use ses_broker::values::{BindingId, InstanceId};
use ses_broker::{BindParams, Binding, BrokerConfig, Catalog, Instance, ProvisionParams};
use subtle::ConstantTimeEq as _;

use crate::aws::Aws;
use crate::osbapi::{
    Request, Response, check_accepts_incomplete, check_api_version, check_bind_resource, check_ids,
    check_maintenance_info, check_previous_values, check_provision, check_query_ids,
    method_not_allowed, optional_strings, parameters, parse_body, require_object,
};
use crate::run::{RunError, drive, drive_or_roll_back};
use crate::store::{BindingRecord, InstanceRecord, RunKey, Store, StoreError};

/// The broker: configuration, the AWS it drives and the store it keeps.
#[derive(Debug)]
pub struct Broker<A, S> {
    config: BrokerConfig,
    catalog: Catalog,
    thresholds: Thresholds,
    expected_authorization: String,
    aws: A,
    store: S,
}

impl<A: Aws, S: Store> crate::http::Handler for Broker<A, S> {
    async fn handle(&mut self, request: &Request<'_>) -> Response {
        Self::handle(self, request).await
    }
}

impl From<StoreError> for Response {
    fn from(error: StoreError) -> Self {
        Self::internal(error)
    }
}

/// A run's failure as an OSBAPI answer: a resource that exists with other settings (say,
/// an identity another instance owns) is a conflict; anything else is the broker's
/// failure to reach AWS's state.
fn run_failed(what: &str, error: &RunError) -> Response {
    match error {
        RunError::Drive(DriveError::Mismatch { .. }) => {
            Response::error(409, None, format!("{what}: {error}"))
        }
        _ => Response::internal(format!("{what}: {error}")),
    }
}

fn state_failed(error: &StateError) -> Response {
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

impl<A: Aws, S: Store> Broker<A, S> {
    /// A broker over `aws` and `store` that accepts `username` / `password` in Basic auth.
    pub fn new(config: BrokerConfig, aws: A, store: S, username: &str, password: &str) -> Self {
        let token =
            base64::engine::general_purpose::STANDARD.encode(format!("{username}:{password}"));
        Self {
            config,
            catalog: Catalog::cloud_gov(),
            thresholds: Thresholds::cloud_gov(),
            expected_authorization: format!("Basic {token}"),
            aws,
            store,
        }
    }

    /// The AWS it drives.
    pub const fn aws(&self) -> &A {
        &self.aws
    }

    /// The store.
    pub const fn store(&self) -> &S {
        &self.store
    }

    /// The configuration.
    pub const fn config(&self) -> &BrokerConfig {
        &self.config
    }

    /// Answers one request.
    pub async fn handle(&mut self, request: &Request<'_>) -> Response {
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
        let result = match (request.method, segments.as_slice()) {
            ("GET", ["", "v2", "catalog"]) => Ok(Response::new(200, self.catalog.to_json())),
            (method, ["", "v2", "service_instances", id]) => match method {
                "PUT" => self.provision(id, request).await,
                "PATCH" => self.update(id, request).await,
                "DELETE" => self.deprovision(id, request).await,
                "GET" => self.get_instance(id),
                _ => Ok(method_not_allowed("GET, PUT, PATCH, DELETE")),
            },
            ("GET", ["", "v2", "service_instances", id, "last_operation"]) => {
                self.instance_last_operation(id)
            }
            (method, ["", "v2", "service_instances", id, "service_bindings", bid]) => {
                match method {
                    "PUT" => self.bind(id, bid, request).await,
                    "DELETE" => self.unbind(id, bid, request).await,
                    "GET" => self.get_binding(id, bid),
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
            ) => Ok(method_not_allowed("GET")),
            _ => Ok(Response::error(
                404,
                None,
                format!("no such endpoint: {}", request.path),
            )),
        };
        result.unwrap_or_else(|refused| refused)
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
    async fn provision(&mut self, id: &str, request: &Request<'_>) -> Result<Response, Response> {
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
        if let Some(existing) = self.store.instance(&id)? {
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
        let instance = Instance::new(&self.config, id.clone(), params)
            .map_err(|e| Response::error(400, Some("InvalidParameters"), e.to_string()))?;
        let state = InstanceState::new(&self.config, &instance, &context, &self.thresholds)
            .map_err(|e| state_failed(&e))?;
        let run = RunKey::Instance(id.clone());
        let driver = drive_or_roll_back(
            &self.aws,
            &mut self.store,
            &run,
            Driver::provision(state.clone()),
        )
        .await
        .map_err(|e| run_failed("provision", &e))?;
        let ledger = driver.into_progress().into_ledger();
        let dkim = ledger
            .dkim_signing()
            .ok_or_else(|| Response::internal("provision: the identity has no DKIM tokens"))?;
        let outputs = instance.outputs(&dkim).map_err(Response::internal)?;
        let record = InstanceRecord {
            instance,
            context,
            state,
            ledger,
            dkim,
            outputs,
        };
        let body = instance_metadata(&record);
        self.store.put_instance(&id, record)?;
        Ok(Response::new(201, body))
    }

    /// `PATCH /v2/service_instances/:id`: parameter updates; the plan cannot change.
    async fn update(&mut self, id: &str, request: &Request<'_>) -> Result<Response, Response> {
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
        let mut record = self.store.instance(&id)?.ok_or_else(not_found)?;
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
            .update(&self.config, &parameters.to_string(), &record.dkim)
            .map_err(|e| match e {
                UpdateError::Params(errors) => Response::params(&errors),
                UpdateError::Instance(e) => {
                    Response::error(400, Some("InvalidParameters"), e.to_string())
                }
                other => Response::internal(other),
            })?;
        let context = context(&body)?.unwrap_or_else(|| record.context.clone());
        let new = update.instance();
        let outputs = new.outputs(&record.dkim).map_err(Response::internal)?;
        let state = InstanceState::new(&self.config, new, &context, &self.thresholds)
            .map_err(|e| state_failed(&e))?;
        let run = RunKey::Instance(id.clone());
        let driver = drive_or_roll_back(
            &self.aws,
            &mut self.store,
            &run,
            Driver::update(record.ledger.clone(), record.state.clone(), state.clone()),
        )
        .await
        .map_err(|e| run_failed("update", &e))?;
        let changed: Vec<&str> = update.changed_params().iter().map(|f| f.as_str()).collect();
        let has_bindings = !self.store.binding_ids(&id)?.is_empty();
        let body = json!({"metadata": {"attributes": {
            "changed_parameters": changed,
            "changed_outputs": update.changed_outputs(),
            "records_to_change": if new.domain_is_generated() { Value::Null } else { json!(update.records()) },
            "bindings_to_recreate": !update.changed_outputs().is_empty() && has_bindings,
        }}});
        record.ledger = driver.into_progress().into_ledger();
        record.instance = update.into_instance();
        record.context = context;
        record.state = state;
        record.outputs = outputs;
        self.store.put_instance(&id, record)?;
        Ok(Response::new(200, body))
    }

    /// `DELETE /v2/service_instances/:id?service_id=..&plan_id=..`.
    async fn deprovision(&mut self, id: &str, request: &Request<'_>) -> Result<Response, Response> {
        if let Some(refused) =
            check_query_ids(&self.catalog, request).or_else(|| check_accepts_incomplete(request))
        {
            return Err(refused);
        }
        let gone = || Response::new(410, json!({}));
        let id = InstanceId::parse(id).map_err(|_| gone())?;
        let record = self.store.instance(&id)?.ok_or_else(gone)?;
        // The platform unbinds first; a binding left over goes with its instance.
        for bid in self.store.binding_ids(&id)? {
            if let Some(binding) = self.store.binding(&id, &bid)? {
                self.remove_binding(&id, &bid, binding.ledger).await?;
            }
        }
        let run = RunKey::Instance(id.clone());
        let mut driver = Driver::deprovision(record.ledger);
        drive(&self.aws, &mut self.store, &run, &mut driver)
            .await
            .map_err(|e| run_failed("deprovision", &e))?;
        self.store.remove_instance(&id)?;
        Ok(Response::new(200, json!({})))
    }

    /// `GET /v2/service_instances/:id`: the stored (normalised) parameters and the records.
    fn get_instance(&self, id: &str) -> Result<Response, Response> {
        let not_found = || instance_not_found(id);
        let id = InstanceId::parse(id).map_err(|_| not_found())?;
        let record = self.store.instance(&id)?.ok_or_else(not_found)?;
        let mut body = instance_metadata(&record);
        if let Some(object) = body.as_object_mut() {
            object.insert("service_id".to_owned(), json!(SERVICE_ID));
            object.insert("plan_id".to_owned(), json!(PLAN_ID));
            object.insert("parameters".to_owned(), json!(record.instance.params()));
        }
        Ok(Response::new(200, body))
    }

    /// `GET .../last_operation`: provisioning is synchronous, so an instance that exists has
    /// succeeded; one this broker deleted is gone.
    fn instance_last_operation(&self, id: &str) -> Result<Response, Response> {
        let not_found = || instance_not_found(id);
        let id = InstanceId::parse(id).map_err(|_| not_found())?;
        if self.store.instance(&id)?.is_some() {
            Ok(Response::new(200, json!({"state": "succeeded"})))
        } else if self.store.instance_deleted(&id)? {
            Ok(Response::new(410, json!({})))
        } else {
            Err(not_found())
        }
    }

    /// `PUT /v2/service_instances/:id/service_bindings/:bid`: synchronous binding.
    async fn bind(
        &mut self,
        id: &str,
        bid: &str,
        request: &Request<'_>,
    ) -> Result<Response, Response> {
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
        let instance = self.store.instance(&id)?.ok_or_else(not_found)?;
        if let Some(existing) = self.store.binding(&id, &binding_id)? {
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
            eprintln!("broker: binding {binding_id}: {warning}");
        }
        let state = BindingState::new(&self.config, &instance.instance, &plan, &context)
            .map_err(|e| state_failed(&e))?;
        let run = RunKey::Binding(id.clone(), binding_id.clone());
        let driver = drive_or_roll_back(
            &self.aws,
            &mut self.store,
            &run,
            Driver::bind(state.clone()),
        )
        .await
        .map_err(|e| run_failed("bind", &e))?;
        let made = driver
            .access_key()
            .cloned()
            .ok_or_else(|| "the run ended without an access key".to_owned())
            .and_then(|key| {
                let binding = plan
                    .with_access_key(&instance.instance, key)
                    .map_err(|e| e.to_string())?;
                let credentials = binding
                    .credentials(&instance.outputs)
                    .map_err(|e| e.to_string())?;
                Ok((binding, credentials))
            });
        let ledger = driver.into_progress().into_ledger();
        let (binding, credentials) = match made {
            Ok(made) => made,
            Err(why) => {
                // Leave nothing behind for a binding the platform will not see.
                let _ = self.remove_binding(&id, &binding_id, ledger).await;
                return Err(Response::internal(format!("bind: {why}")));
            }
        };
        let record = BindingRecord {
            binding,
            credentials,
            state,
            ledger,
        };
        let body = binding_body(&record);
        self.store.put_binding(&id, &binding_id, record)?;
        Ok(Response::new(201, body))
    }

    /// `DELETE .../service_bindings/:bid?service_id=..&plan_id=..`.
    async fn unbind(
        &mut self,
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
        let record = self.store.binding(&id, &bid)?.ok_or_else(gone)?;
        self.remove_binding(&id, &bid, record.ledger).await?;
        Ok(Response::new(200, json!({})))
    }

    /// Deletes what a binding owns in AWS and forgets it.
    async fn remove_binding(
        &mut self,
        id: &InstanceId,
        bid: &BindingId,
        ledger: Ledger,
    ) -> Result<(), Response> {
        let run = RunKey::Binding(id.clone(), bid.clone());
        let mut driver = Driver::unbind(ledger);
        drive(&self.aws, &mut self.store, &run, &mut driver)
            .await
            .map_err(|e| run_failed("unbind", &e))?;
        self.store.remove_binding(id, bid)?;
        Ok(())
    }

    /// `GET .../service_bindings/:bid`: the credentials (with secrets, as OSBAPI returns
    /// them) and the parameters.
    fn get_binding(&self, id: &str, bid: &str) -> Result<Response, Response> {
        let not_found = || binding_not_found(id, bid);
        let (Ok(id), Ok(bid)) = (InstanceId::parse(id), BindingId::parse(bid)) else {
            return Err(not_found());
        };
        let record = self.store.binding(&id, &bid)?.ok_or_else(not_found)?;
        let mut body = binding_body(&record);
        if let Some(object) = body.as_object_mut() {
            object.insert(
                "parameters".to_owned(),
                json!(record.binding.plan_details().params()),
            );
        }
        Ok(Response::new(200, body))
    }

    fn binding_last_operation(&self, id: &str, bid: &str) -> Result<Response, Response> {
        let not_found = || binding_not_found(id, bid);
        let (Ok(id), Ok(bid)) = (InstanceId::parse(id), BindingId::parse(bid)) else {
            return Err(not_found());
        };
        if self.store.binding(&id, &bid)?.is_some() {
            Ok(Response::new(200, json!({"state": "succeeded"})))
        } else if self.store.binding_deleted(&id, &bid)? {
            Ok(Response::new(410, json!({})))
        } else {
            Err(not_found())
        }
    }
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
fn instance_metadata(record: &InstanceRecord) -> Value {
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
fn binding_body(record: &BindingRecord) -> Value {
    json!({"credentials": record.credentials.to_json_with_secrets()})
}
