//! Operations: each provision, update, deprovision, bind and unbind is stored before it
//! starts ([`Store::begin`] holds its instance), runs in a task of its own (a request that
//! goes away does not stop it), and ends by writing its result and its outcome together
//! ([`Store::finish`]). A synchronous request waits for the task; an asynchronous one
//! answers 202 and the platform polls `last_operation`.
//!
//! The same `execute` serves a fresh operation and one taken over after its process died
//! (its heartbeat older than the lease): with a stored progress it resumes the core's run
//! instead of starting one.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use ses_broker::aws::{BindingState, Driver, InstanceState, Lifecycle};
use ses_broker::params::Context;
use ses_broker::values::BindingId;
use ses_broker::{BindParams, Binding, BrokerConfig, Instance, ProvisionParams};
use tokio::sync::oneshot;

use crate::aws::Aws;
use crate::osbapi::Response;
use crate::run::{Rolled, RunError, Runner};
use crate::store::{
    Begun, BindingRecord, Expect, InstanceRecord, Kind, OpState, OperationRow, Store, StoreError,
    Write,
};
use crate::telemetry::{Metrics, OperationKind, OperationOutcome};

/// How long a rollback that failed waits before any process tries it again.
const RETRY_STUCK_AFTER: Duration = Duration::from_secs(60);

/// How long a pause that failed waits before it is tried again.
const RETRY_PAUSE_AFTER: Duration = Duration::from_secs(60);

/// What a provision needs to finish.
#[derive(Debug, Serialize, Deserialize)]
pub struct ProvisionRequest {
    /// The normalised parameters.
    pub params: Value,
    /// The OSBAPI context.
    pub context: Context,
    /// The desired AWS state.
    pub state: InstanceState,
}

/// What an update needs to finish.
#[derive(Debug, Serialize, Deserialize)]
pub struct UpdateRequest {
    /// The new normalised parameters.
    pub params: Value,
    /// The new context.
    pub context: Context,
    /// The state before.
    pub old: InstanceState,
    /// The state after.
    pub new: InstanceState,
    /// The synchronous answer's body (what changed).
    pub response: Value,
}

/// What a bind needs to finish.
#[derive(Debug, Serialize, Deserialize)]
pub struct BindRequest {
    /// The normalised parameters.
    pub params: Value,
    /// The desired AWS state.
    pub state: BindingState,
}

/// The shared parts every operation task uses.
#[derive(Debug)]
pub struct Engine<A> {
    /// The AWS side.
    pub aws: A,
    /// The database.
    pub store: Store,
    /// The metrics.
    pub metrics: Metrics,
    /// This process's name in `operations.owner`.
    pub owner: String,
    /// How long an operation's heartbeat may be silent before another process takes it.
    pub lease: Duration,
}

static SEQUENCE: AtomicU64 = AtomicU64::new(0);

/// A name for this process, unique among processes sharing a database.
#[must_use]
pub fn owner_name() -> String {
    format!(
        "{}-{}",
        std::process::id(),
        crate::store::now_ms().unsigned_abs()
    )
}

/// A fresh OSBAPI operation string (not a secret: the platform echoes it back).
#[must_use]
pub fn operation_id(kind: Kind) -> String {
    format!(
        "{kind}-{}-{}",
        crate::store::now_ms().unsigned_abs(),
        SEQUENCE.fetch_add(1, Ordering::Relaxed)
    )
}

impl<A: Aws> Engine<A> {
    fn runner<'a>(&'a self, operation: &'a OperationRow) -> Runner<'a, A> {
        Runner {
            aws: &self.aws,
            store: &self.store,
            operation,
        }
    }

    /// Runs `operation` in a task of its own; the receiver gets the synchronous answer.
    pub fn spawn(self: &Arc<Self>, operation: OperationRow) -> oneshot::Receiver<Response> {
        let (send, receive) = oneshot::channel();
        let engine = Arc::clone(self);
        tokio::spawn(async move {
            let kind = operation.kind;
            let response = engine.execute(&operation).await;
            tracing::info!(
                operation_id = %operation.id,
                kind = %kind,
                instance_id = %operation.instance_id,
                status = response.status,
                "operation finished"
            );
            let _ = send.send(response);
        });
        receive
    }

    /// Takes over every operation whose process went silent for the lease, and runs each.
    ///
    /// # Errors
    /// The database failed.
    pub async fn recover(self: &Arc<Self>) -> Result<usize, StoreError> {
        let claimed = self.store.claim_stale(&self.owner, self.lease).await?;
        let count = claimed.len();
        for operation in claimed {
            tracing::warn!(
                operation_id = %operation.id,
                kind = %operation.kind,
                instance_id = %operation.instance_id,
                resumed = operation.progress.is_some(),
                "taking over an operation whose process stopped"
            );
            drop(self.spawn(operation));
        }
        Ok(count)
    }

    /// A new operation owned by this process.
    #[must_use]
    pub fn new_operation(
        &self,
        id: &ses_broker::values::InstanceId,
        binding: Option<&BindingId>,
        kind: Kind,
        request: Value,
    ) -> OperationRow {
        OperationRow {
            instance_id: id.clone(),
            binding_id: binding.cloned(),
            id: operation_id(kind),
            kind,
            request,
            progress: None,
            owner: self.owner.clone(),
        }
    }

    /// Starts the pause operation of every open pause not applied yet (just recorded, or
    /// whose last attempt failed more than a minute ago). An instance busy with another
    /// operation is paused once that one finishes (the next look).
    ///
    /// # Errors
    /// The database failed.
    pub async fn apply_pauses(self: &Arc<Self>) -> Result<usize, StoreError> {
        let mut started = 0;
        for id in self.store.pending_pauses(RETRY_PAUSE_AFTER).await? {
            let operation = self.new_operation(&id, None, Kind::Pause, json!({}));
            if matches!(
                self.store.begin(&operation, Expect::Anything).await?,
                Begun::Started
            ) {
                drop(self.spawn(operation));
                started += 1;
            }
        }
        Ok(started)
    }

    /// Refreshes this process's heartbeats, takes over stale operations and applies
    /// pending pauses, forever.
    pub async fn watch(self: Arc<Self>) {
        let period = (self.lease / 3).max(Duration::from_millis(100));
        loop {
            if let Err(e) = self.store.heartbeat(&self.owner).await {
                tracing::error!(error = %e, "cannot refresh operation heartbeats");
            }
            if let Err(e) = self.recover().await {
                tracing::error!(error = %e, "cannot look for operations to take over");
            }
            if let Err(e) = self.apply_pauses().await {
                tracing::error!(error = %e, "cannot look for pauses to apply");
            }
            tokio::time::sleep(period).await;
        }
    }

    /// Runs `operation` to its end and writes the outcome; the answer a synchronous
    /// request gets.
    pub async fn execute(&self, operation: &OperationRow) -> Response {
        let result = match operation.kind {
            Kind::Provision => self.provision(operation).await,
            Kind::Update => self.update(operation).await,
            Kind::Deprovision => self.deprovision(operation).await,
            Kind::Bind => self.bind(operation).await,
            Kind::Unbind => self.unbind(operation).await,
            Kind::Pause | Kind::Resume => self.switch_sending(operation).await,
        };
        match result {
            Ok(response) => response,
            Err(refused) => {
                // Every way out releases the instance: an operation that stopped before its
                // run (a stored request unreadable, the instance deleted meanwhile) ends
                // failed here; one already ended, parked or taken over is not this
                // process's any more and is left alone.
                let description = refused
                    .body
                    .get("description")
                    .and_then(Value::as_str)
                    .unwrap_or("the operation stopped")
                    .to_owned();
                if let Err(e) = self
                    .store
                    .finish(operation, Write::Nothing, OpState::Failed, &description)
                    .await
                {
                    tracing::error!(operation_id = %operation.id, error = %e, "cannot release the instance");
                }
                refused
            }
        }
    }

    /// The driver of a fresh run, or the stored run resumed.
    fn driver(
        operation: &OperationRow,
        fresh: impl FnOnce() -> Driver,
    ) -> (Driver, Option<String>) {
        match &operation.progress {
            Some(envelope) if envelope.unbinding.is_none() => (
                Driver::resume(envelope.progress.clone()),
                envelope.failure.clone(),
            ),
            _ => (fresh(), None),
        }
    }

    /// Ends a failed run: records the failure for `last_operation` (writing `write`), or,
    /// when its rollback is stuck, parks it for a later retry. The answer is the error.
    async fn failed(
        &self,
        operation: &OperationRow,
        what: &str,
        rolled: &Rolled,
        write: Write<'_>,
    ) -> Result<Response, Response> {
        let description = format!("{what} failed: {rolled}");
        self.count(
            operation,
            match rolled {
                Rolled::Back(_) | Rolled::Conflict(_) => OperationOutcome::RolledBack,
                _ => OperationOutcome::Failed,
            },
        );
        match rolled {
            Rolled::Lost => {}
            Rolled::Stuck { .. } => self
                .store
                .park(operation, &description, RETRY_STUCK_AFTER)
                .await
                .map_err(Response::internal)?,
            Rolled::Back(_) | Rolled::Conflict(_) => {
                self.store
                    .finish(operation, write, OpState::Failed, &description)
                    .await
                    .map_err(Response::internal)?;
            }
        }
        Err(match rolled {
            Rolled::Conflict(_) => Response::error(409, None, description),
            _ => Response::internal(description),
        })
    }

    fn count(&self, operation: &OperationRow, outcome: OperationOutcome) {
        let kind: OperationKind = match operation.kind {
            Kind::Provision => Lifecycle::Provision.into(),
            Kind::Update => Lifecycle::Update.into(),
            Kind::Deprovision => Lifecycle::Deprovision.into(),
            Kind::Bind => Lifecycle::Bind.into(),
            Kind::Unbind => Lifecycle::Unbind.into(),
            Kind::Pause => OperationKind::Pause,
            Kind::Resume => OperationKind::Resume,
        };
        self.metrics.record_operation(kind, outcome);
    }

    async fn succeeded(
        &self,
        operation: &OperationRow,
        write: Write<'_>,
        response: Response,
    ) -> Result<Response, Response> {
        self.count(operation, OperationOutcome::Succeeded);
        if self
            .store
            .finish(operation, write, OpState::Succeeded, "")
            .await
            .map_err(Response::internal)?
        {
            Ok(response)
        } else {
            Err(lost())
        }
    }

    async fn provision(&self, operation: &OperationRow) -> Result<Response, Response> {
        let request: ProvisionRequest = read_request(operation)?;
        let config = self.store.config();
        let instance = instance_of(config, operation, &request.params)?;
        let (driver, failure) =
            Self::driver(operation, || Driver::provision(request.state.clone()));
        let driver = match self
            .runner(operation)
            .drive_or_roll_back(driver, failure)
            .await
        {
            Ok(driver) => driver,
            Err(rolled) => {
                return self
                    .failed(operation, "provision", &rolled, Write::Nothing)
                    .await;
            }
        };
        let ledger = driver.into_progress().into_ledger();
        let dkim = ledger
            .dkim_signing()
            .ok_or_else(|| Response::internal("provision: the identity has no DKIM tokens"))?;
        let outputs = instance.outputs(&dkim).map_err(Response::internal)?;
        let record = InstanceRecord {
            instance,
            context: request.context,
            state: request.state,
            ledger,
            dkim,
            outputs,
        };
        let body = crate::broker::instance_metadata(&record);
        self.succeeded(
            operation,
            Write::PutInstance(&record),
            Response::new(201, body),
        )
        .await
    }

    async fn update(&self, operation: &OperationRow) -> Result<Response, Response> {
        let request: UpdateRequest = read_request(operation)?;
        let config = self.store.config();
        let record = self
            .store
            .instance(&operation.instance_id)
            .await
            .map_err(Response::internal)?
            .ok_or_else(|| gone_during(operation))?;
        let instance = instance_of(config, operation, &request.params)?;
        let (driver, failure) = Self::driver(operation, || {
            Driver::update(
                record.ledger.clone(),
                request.old.clone(),
                request.new.clone(),
            )
        });
        let driver = match self
            .runner(operation)
            .drive_or_roll_back(driver, failure)
            .await
        {
            Ok(driver) => driver,
            Err(rolled) => {
                // The rollback returned AWS to the old state; keep its ledger.
                let ledger = self.saved_ledger(operation).await;
                let write = ledger
                    .as_ref()
                    .map_or(Write::Nothing, Write::InstanceLedger);
                return self.failed(operation, "update", &rolled, write).await;
            }
        };
        let ledger = driver.into_progress().into_ledger();
        let outputs = instance.outputs(&record.dkim).map_err(Response::internal)?;
        let updated = InstanceRecord {
            instance,
            context: request.context,
            state: request.new,
            ledger,
            dkim: record.dkim,
            outputs,
        };
        self.succeeded(
            operation,
            Write::PutInstance(&updated),
            Response::new(200, request.response),
        )
        .await
    }

    /// The ledger of the progress last saved for `operation`.
    async fn saved_ledger(&self, operation: &OperationRow) -> Option<ses_broker::aws::Ledger> {
        self.store
            .operation(&operation.instance_id)
            .await
            .ok()
            .flatten()
            .and_then(|row| row.progress)
            .map(|envelope| envelope.progress.into_ledger())
    }

    async fn deprovision(&self, operation: &OperationRow) -> Result<Response, Response> {
        let id = &operation.instance_id;
        let Some(record) = self.store.instance(id).await.map_err(Response::internal)? else {
            // Another deprovision finished between this request's read and its start:
            // what was asked is done.
            return self
                .succeeded(operation, Write::Nothing, Response::new(410, json!({})))
                .await;
        };
        // The platform unbinds first; a binding left over goes with its instance, each with
        // its own unbind run (resumed first if the process died in one).
        let resumed = operation.progress.as_ref().and_then(|envelope| {
            envelope
                .unbinding
                .as_ref()
                .map(|bid| (bid.clone(), envelope.progress.clone()))
        });
        let mut bindings = self
            .store
            .binding_ids(id)
            .await
            .map_err(Response::internal)?;
        if let Some((bid, _)) = &resumed {
            bindings.retain(|b| b.as_str() != bid);
            if let Ok(bid) = BindingId::parse(bid) {
                bindings.insert(0, bid);
            }
        }
        for bid in bindings {
            let driver = match &resumed {
                Some((resumed_bid, progress)) if resumed_bid == bid.as_str() => {
                    Driver::resume(progress.clone())
                }
                _ => match self
                    .store
                    .binding(id, &bid)
                    .await
                    .map_err(Response::internal)?
                {
                    Some(binding) => Driver::unbind(binding.ledger),
                    None => continue,
                },
            };
            let mut driver = driver;
            if let Err(error) = self
                .runner(operation)
                .drive(&mut driver, Some(bid.as_str()), None)
                .await
            {
                let ledger = driver.into_progress().into_ledger();
                return self
                    .run_failed(
                        operation,
                        "deprovision",
                        &error,
                        Write::BindingLedger(&bid, &ledger),
                    )
                    .await;
            }
            if !self
                .store
                .apply(operation, Write::RemoveBinding(&bid))
                .await
                .map_err(Response::internal)?
            {
                return Err(lost());
            }
        }
        let mut driver = match &operation.progress {
            Some(envelope) if envelope.unbinding.is_none() => {
                Driver::resume(envelope.progress.clone())
            }
            _ => Driver::deprovision(record.ledger),
        };
        if let Err(error) = self.runner(operation).drive(&mut driver, None, None).await {
            // The instance keeps its whole ledger: what this run deleted may include the
            // identity its records are read with, and a retried deprovision deletes again
            // (a delete of what is gone is done).
            return self
                .run_failed(operation, "deprovision", &error, Write::Nothing)
                .await;
        }
        self.succeeded(
            operation,
            Write::RemoveInstance,
            Response::new(200, json!({})),
        )
        .await
    }

    /// Ends a deletion that AWS stopped (nothing to roll back): what is left stays
    /// recorded, the platform sees `failed` and may try again.
    async fn run_failed(
        &self,
        operation: &OperationRow,
        what: &str,
        error: &RunError,
        write: Write<'_>,
    ) -> Result<Response, Response> {
        if matches!(error, RunError::Lost) {
            return Err(lost());
        }
        self.count(operation, OperationOutcome::Failed);
        let description = format!("{what} failed: {error}; try again (what is left is recorded)");
        self.store
            .finish(operation, write, OpState::Failed, &description)
            .await
            .map_err(Response::internal)?;
        Err(Response::internal(description))
    }

    async fn bind(&self, operation: &OperationRow) -> Result<Response, Response> {
        let request: BindRequest = read_request(operation)?;
        let id = &operation.instance_id;
        let bid = operation
            .binding_id
            .clone()
            .ok_or_else(|| Response::internal("bind: the stored operation names no binding"))?;
        let Some(instance) = self.store.instance(id).await.map_err(Response::internal)? else {
            return self
                .store
                .finish(
                    operation,
                    Write::Nothing,
                    OpState::Failed,
                    "bind failed: the instance is gone",
                )
                .await
                .map_err(Response::internal)
                .and_then(|_| Err(gone_during(operation)));
        };
        let params = BindParams::from_value(&request.params).map_err(|e| Response::params(&e))?;
        let plan = Binding::plan(&instance.instance, bid.clone(), params);
        let (driver, failure) = Self::driver(operation, || Driver::bind(request.state.clone()));
        let driver = match self
            .runner(operation)
            .drive_or_roll_back(driver, failure)
            .await
        {
            Ok(driver) => driver,
            Err(rolled) => {
                return self
                    .failed(operation, "bind", &rolled, Write::Nothing)
                    .await;
            }
        };
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
                let mut back = Driver::unbind(ledger);
                let rolled = match self
                    .runner(operation)
                    .drive(&mut back, None, Some(&why))
                    .await
                {
                    Ok(()) => Rolled::Back(why),
                    Err(RunError::Lost) => Rolled::Lost,
                    Err(again) => Rolled::Stuck {
                        error: why,
                        rollback: again.to_string(),
                    },
                };
                return self
                    .failed(operation, "bind", &rolled, Write::Nothing)
                    .await;
            }
        };
        let record = BindingRecord {
            binding,
            credentials,
            state: request.state,
            ledger,
        };
        let body = crate::broker::binding_body(&record);
        self.succeeded(
            operation,
            Write::PutBinding(&record),
            Response::new(201, body),
        )
        .await
    }

    async fn unbind(&self, operation: &OperationRow) -> Result<Response, Response> {
        let id = &operation.instance_id;
        let bid = operation
            .binding_id
            .clone()
            .ok_or_else(|| Response::internal("unbind: the stored operation names no binding"))?;
        let Some(record) = self
            .store
            .binding(id, &bid)
            .await
            .map_err(Response::internal)?
        else {
            return self
                .succeeded(operation, Write::Nothing, Response::new(200, json!({})))
                .await;
        };
        let (mut driver, _) = Self::driver(operation, || Driver::unbind(record.ledger.clone()));
        if let Err(error) = self.runner(operation).drive(&mut driver, None, None).await {
            let ledger = driver.into_progress().into_ledger();
            return self
                .run_failed(
                    operation,
                    "unbind",
                    &error,
                    Write::BindingLedger(&bid, &ledger),
                )
                .await;
        }
        self.succeeded(
            operation,
            Write::RemoveBinding(&bid),
            Response::new(200, json!({})),
        )
        .await
    }
}

/// What a resume needs to finish.
#[derive(Debug, Serialize, Deserialize)]
pub struct ResumeRequest {
    /// Who lifts the pause.
    pub resumed_by: String,
    /// Why.
    pub reason: String,
}

impl<A: Aws> Engine<A> {
    /// A pause (sending off) or a resume (sending on) of an instance's configuration set.
    /// Nothing to roll back: a failed pause stays recorded as not applied and is tried
    /// again; a failed resume leaves the pause open.
    async fn switch_sending(&self, operation: &OperationRow) -> Result<Response, Response> {
        let record = self
            .store
            .instance(&operation.instance_id)
            .await
            .map_err(Response::internal)?
            .ok_or_else(|| gone_during(operation))?;
        let pausing = operation.kind == Kind::Pause;
        let resume: Option<ResumeRequest> = if pausing {
            None
        } else {
            Some(read_request(operation)?)
        };
        let (mut driver, _) = Self::driver(operation, || {
            if pausing {
                Driver::pause_sending(record.ledger.clone())
            } else {
                Driver::enable_sending(record.ledger.clone())
            }
        });
        if let Err(error) = self.runner(operation).drive(&mut driver, None, None).await {
            return self
                .run_failed(operation, operation.kind.as_str(), &error, Write::Nothing)
                .await;
        }
        let ledger = driver.into_progress().into_ledger();
        let write = match &resume {
            None => Write::Paused(&ledger),
            Some(resume) => Write::Resumed {
                ledger: &ledger,
                by: &resume.resumed_by,
                reason: &resume.reason,
            },
        };
        self.succeeded(operation, write, Response::new(200, json!({})))
            .await
    }
}

fn read_request<T: serde::de::DeserializeOwned>(operation: &OperationRow) -> Result<T, Response> {
    serde_json::from_value(operation.request.clone()).map_err(|e| {
        Response::internal(format!(
            "{} {}: the stored request is unreadable: {e}",
            operation.kind, operation.id
        ))
    })
}

fn instance_of(
    config: &BrokerConfig,
    operation: &OperationRow,
    params: &Value,
) -> Result<Instance, Response> {
    let params = ProvisionParams::from_value(params).map_err(|e| Response::params(&e))?;
    Instance::new(config, operation.instance_id.clone(), params)
        .map_err(|e| Response::error(400, Some("InvalidParameters"), e.to_string()))
}

fn gone_during(operation: &OperationRow) -> Response {
    Response::error(
        410,
        None,
        format!(
            "instance {} was deleted while the {} waited",
            operation.instance_id, operation.kind
        ),
    )
}

fn lost() -> Response {
    Response::error(
        503,
        None,
        "another broker process took this operation over; poll last_operation",
    )
}
