//! The broker's state in a database: SQLite (a file, the default) or PostgreSQL (several
//! broker processes sharing the work), through sqlx's `Any` driver so one set of portable
//! SQL serves both. Migrations (`broker/migrations/`) run when the store opens.
//!
//! What is kept: each instance's normalised parameters, context, desired AWS state and
//! ledger; each binding's parameters, desired state, ledger and access key (the one secret
//! kept: fetching a binding returns its credentials); the operation in flight on each
//! instance with the core's progress, saved around every AWS call; the outcome of the last
//! operation on each instance and binding; and what was deleted (`410 Gone`).
//!
//! The instance and binding values themselves are rebuilt from what is stored through the
//! core (`Instance::new`, `Binding::plan`), so the database holds inputs, never derived
//! names that could drift from the core's rules.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use ses_broker::aws::{BindingState, InstanceState, Ledger, Progress};
use ses_broker::dns::DkimSigning;
use ses_broker::params::Context;
use ses_broker::values::{AccessKey, AccessKeyId, BindingId, InstanceId, SecretAccessKey};
use ses_broker::{
    BindParams, Binding, BrokerConfig, Credentials, Instance, InstanceOutputs, ProvisionParams,
};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Row as _};

/// A provisioned instance and what the broker keeps with it.
#[derive(Debug, Clone)]
pub struct InstanceRecord {
    /// The instance (its parameters, names and ARNs).
    pub instance: Instance,
    /// The OSBAPI context it was provisioned (or last updated) with.
    pub context: Context,
    /// The desired AWS state its last run reached.
    pub state: InstanceState,
    /// What exists in AWS for it.
    pub ledger: Ledger,
    /// The identity's DKIM tokens and signing zone.
    pub dkim: DkimSigning,
    /// Its outputs (the instance half of every binding's credentials).
    pub outputs: InstanceOutputs,
}

/// A binding and what the broker keeps with it.
#[derive(Debug, Clone)]
pub struct BindingRecord {
    /// The binding.
    pub binding: Binding,
    /// The credentials handed out (OSBAPI's `GET` of a binding returns them again).
    pub credentials: Credentials,
    /// The desired AWS state its run reached.
    pub state: BindingState,
    /// What exists in AWS for it.
    pub ledger: Ledger,
}

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database failed (unreachable, refused a statement, ...).
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("database migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// A stored value no longer reads (written by another version, or edited by hand).
    #[error("stored {what} is unreadable: {why}")]
    Corrupt {
        /// Which value (`instance i-1 params`, ...).
        what: String,
        /// The reader's complaint (never a secret).
        why: String,
    },
    /// `--state` names neither a file nor a PostgreSQL URL.
    #[error("--state {0}")]
    Location(String),
}

/// Which database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// The kinds of operation, as stored and as metrics name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Create an instance.
    Provision,
    /// Change an instance's parameters.
    Update,
    /// Delete an instance (and any binding left).
    Deprovision,
    /// Create a binding.
    Bind,
    /// Delete a binding.
    Unbind,
    /// Turn an instance's sending off (a critical reputation alarm).
    Pause,
    /// Turn it back on (an operator's resume).
    Resume,
}

impl Kind {
    /// The stored name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Provision => "provision",
            Self::Update => "update",
            Self::Deprovision => "deprovision",
            Self::Bind => "bind",
            Self::Unbind => "unbind",
            Self::Pause => "pause",
            Self::Resume => "resume",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        [
            Self::Provision,
            Self::Update,
            Self::Deprovision,
            Self::Bind,
            Self::Unbind,
            Self::Pause,
            Self::Resume,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == name)
    }

    /// Whether the platform asked for it (and polls `last_operation` for it): a pause or a
    /// resume is the broker's own and leaves the platform's last operation alone.
    #[must_use]
    pub const fn is_platforms(self) -> bool {
        !matches!(self, Self::Pause | Self::Resume)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An operation in flight, as stored.
#[derive(Debug, Clone)]
pub struct OperationRow {
    /// The instance it holds.
    pub instance_id: InstanceId,
    /// The binding it acts on (bind, unbind).
    pub binding_id: Option<BindingId>,
    /// The OSBAPI operation string handed to the platform.
    pub id: String,
    /// What it does.
    pub kind: Kind,
    /// What finishing it needs (JSON).
    pub request: Value,
    /// The progress as last saved, `None` before the first AWS call.
    pub progress: Option<ProgressEnvelope>,
    /// The process running it.
    pub owner: String,
}

/// How `last_operation` answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpState {
    /// Running.
    InProgress,
    /// Finished as asked.
    Succeeded,
    /// Stopped; the description says why and what to do.
    Failed,
}

impl OpState {
    /// OSBAPI's name.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InProgress => "in progress",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
        }
    }

    fn parse(name: &str) -> Option<Self> {
        [Self::InProgress, Self::Succeeded, Self::Failed]
            .into_iter()
            .find(|state| state.as_str() == name)
    }
}

/// The last operation on an instance or binding.
#[derive(Debug, Clone)]
pub struct LastOperation {
    /// The OSBAPI operation string.
    pub id: String,
    /// What it did.
    pub kind: Kind,
    /// How it stands.
    pub state: OpState,
    /// For a tenant: what happened and what to do.
    pub description: String,
}

/// A change an operation makes to the instances and bindings, written together with its
/// outcome (or, mid-run, with the operation's ownership checked).
#[derive(Debug)]
pub enum Write<'a> {
    /// Nothing to write.
    Nothing,
    /// Store (or replace) an instance.
    PutInstance(&'a InstanceRecord),
    /// Forget an instance (its bindings too), remembering it was deleted.
    RemoveInstance,
    /// Keep the instance with this ledger (a deprovision that stopped half way).
    InstanceLedger(&'a Ledger),
    /// Store (or replace) a binding, with its access key.
    PutBinding(&'a BindingRecord),
    /// Forget a binding, remembering it was deleted.
    RemoveBinding(&'a BindingId),
    /// Keep the binding with this ledger (an unbind that stopped half way).
    BindingLedger(&'a BindingId, &'a Ledger),
    /// Sending is off: the instance's ledger says so and its open pause is applied.
    Paused(&'a Ledger),
    /// Sending is back on: the ledger says so and the open pause is closed by `by` for
    /// `reason`.
    Resumed {
        /// The instance's ledger.
        ledger: &'a Ledger,
        /// Who resumed.
        by: &'a str,
        /// Why.
        reason: &'a str,
    },
}

/// What `begin` found.
#[derive(Debug)]
pub enum Begun {
    /// The operation is stored and this process owns it.
    Started,
    /// Another operation holds the instance.
    Busy(Box<OperationRow>),
    /// The instance changed (or appeared, or went) since the request read it: read again.
    Changed,
}

/// What a request expects of the instance when it takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Nothing (the broker's own pause, which reads the instance once it holds it).
    Anything,
    /// No instance (a provision).
    Absent,
    /// The instance at this version, as read.
    Version(i64),
}

/// Counts for the metrics.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    /// Instances stored.
    pub instances: i64,
    /// Bindings stored.
    pub bindings: i64,
    /// Operations in flight on instances.
    pub instance_operations: i64,
    /// Operations in flight on bindings.
    pub binding_operations: i64,
}

/// The database and the configuration the stored inputs are rebuilt with.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    config: Arc<BrokerConfig>,
}

/// Milliseconds since the Unix epoch.
#[must_use]
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

fn to_json<T: Serialize>(what: &str, value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt {
        what: what.to_owned(),
        why: e.to_string(),
    })
}

fn from_json<T: DeserializeOwned>(what: &str, text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt {
        what: what.to_owned(),
        why: e.to_string(),
    })
}

fn corrupt(what: impl Into<String>, why: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt {
        what: what.into(),
        why: why.to_string(),
    }
}

/// `''` for an instance's own row.
fn binding_key(binding: Option<&BindingId>) -> &str {
    binding.map_or("", BindingId::as_str)
}

impl Store {
    /// Opens (creating a SQLite file if needed) the database `location` names and runs the
    /// migrations: a `postgres://` or `postgresql://` URL, or a SQLite file path.
    ///
    /// # Errors
    /// [`StoreError`] when it cannot be opened or migrated.
    pub async fn open(location: &str, config: BrokerConfig) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let (backend, url, connections) = if location.starts_with("postgres://")
            || location.starts_with("postgresql://")
        {
            (Backend::Postgres, location.to_owned(), 8)
        } else if location.is_empty() {
            return Err(StoreError::Location(
                "is empty: give a SQLite file path or a postgres:// URL".to_owned(),
            ));
        } else {
            let path =
                percent_encoding::utf8_percent_encode(location, percent_encoding::NON_ALPHANUMERIC)
                    .to_string()
                    .replace("%2F", "/")
                    .replace("%2E", ".")
                    .replace("%2D", "-")
                    .replace("%5F", "_");
            // One connection: SQLite has one writer, and a single connection never waits
            // on its own lock.
            (Backend::Sqlite, format!("sqlite://{path}?mode=rwc"), 1)
        };
        let sqlite = backend == Backend::Sqlite;
        let pool = AnyPoolOptions::new()
            .max_connections(connections)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |connection, _| {
                Box::pin(async move {
                    if sqlite {
                        // A write-ahead log: one sync per commit instead of the rollback
                        // journal's several, and still `synchronous = FULL`, so a commit
                        // survives a power loss as well as a killed process.
                        sqlx::query("PRAGMA journal_mode = WAL")
                            .execute(&mut *connection)
                            .await?;
                        sqlx::query("PRAGMA synchronous = FULL")
                            .execute(&mut *connection)
                            .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Self {
            pool,
            backend,
            config: Arc::new(config),
        })
    }

    /// Which database.
    #[must_use]
    pub const fn backend(&self) -> Backend {
        self.backend
    }

    /// The configuration stored values are rebuilt with.
    #[must_use]
    pub fn config(&self) -> &BrokerConfig {
        &self.config
    }

    /// Whether the database answers.
    ///
    /// # Errors
    /// It does not.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes the pool (tests reopen the same file).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// The version of instance `id` (bumped by every write to it or its bindings), `None`
    /// when there is none. Read it before the instance: a write in between then shows as a
    /// changed version when the request takes the instance ([`Self::begin`]).
    ///
    /// # Errors
    /// The database failed.
    pub async fn instance_version(&self, id: &InstanceId) -> Result<Option<i64>, StoreError> {
        version_of(&self.pool, id).await
    }

    /// The instance `id`.
    ///
    /// # Errors
    /// The database failed or the stored instance no longer reads.
    pub async fn instance(&self, id: &InstanceId) -> Result<Option<InstanceRecord>, StoreError> {
        let row = sqlx::query("SELECT params, context, state, ledger FROM instances WHERE id = $1")
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.map(|row| self.instance_from_row(id, &row)).transpose()
    }

    fn instance_from_row(
        &self,
        id: &InstanceId,
        row: &AnyRow,
    ) -> Result<InstanceRecord, StoreError> {
        let what = |field: &str| format!("instance {id} {field}");
        let params: Value = from_json(&what("params"), &row.try_get::<String, _>("params")?)?;
        let params =
            ProvisionParams::from_value(&params).map_err(|e| corrupt(what("params"), e))?;
        let instance = Instance::new(&self.config, id.clone(), params)
            .map_err(|e| corrupt(what("params"), e))?;
        let context: Context = from_json(&what("context"), &row.try_get::<String, _>("context")?)?;
        let state: InstanceState = from_json(&what("state"), &row.try_get::<String, _>("state")?)?;
        let ledger: Ledger = from_json(&what("ledger"), &row.try_get::<String, _>("ledger")?)?;
        let dkim = ledger
            .dkim_signing()
            .ok_or_else(|| corrupt(what("ledger"), "no DKIM tokens"))?;
        let outputs = instance
            .outputs(&dkim)
            .map_err(|e| corrupt(what("outputs"), e))?;
        Ok(InstanceRecord {
            instance,
            context,
            state,
            ledger,
            dkim,
            outputs,
        })
    }

    /// The binding `bid` of instance `id`.
    ///
    /// # Errors
    /// The database failed or a stored value no longer reads.
    pub async fn binding(
        &self,
        id: &InstanceId,
        bid: &BindingId,
    ) -> Result<Option<BindingRecord>, StoreError> {
        let Some(instance) = self.instance(id).await? else {
            return Ok(None);
        };
        let row = sqlx::query(
            "SELECT params, state, ledger, access_key_id, secret_access_key FROM bindings \
             WHERE instance_id = $1 AND id = $2",
        )
        .bind(id.as_str())
        .bind(bid.as_str())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let what = |field: &str| format!("binding {bid} of instance {id} {field}");
        let params: Value = from_json(&what("params"), &row.try_get::<String, _>("params")?)?;
        let params = BindParams::from_value(&params).map_err(|e| corrupt(what("params"), e))?;
        let state: BindingState = from_json(&what("state"), &row.try_get::<String, _>("state")?)?;
        let ledger: Ledger = from_json(&what("ledger"), &row.try_get::<String, _>("ledger")?)?;
        let key_id = AccessKeyId::parse(&row.try_get::<String, _>("access_key_id")?)
            .map_err(|e| corrupt(what("access key id"), e))?;
        // The error of a secret's parser never echoes the secret.
        let secret = SecretAccessKey::parse(&row.try_get::<String, _>("secret_access_key")?)
            .map_err(|e| corrupt(what("secret access key"), e))?;
        let key = AccessKey::new(key_id, secret).map_err(|e| corrupt(what("access key"), e))?;
        let binding = Binding::plan(&instance.instance, bid.clone(), params)
            .with_access_key(&instance.instance, key)
            .map_err(|e| corrupt(what("binding"), e))?;
        let credentials = binding
            .credentials(&instance.outputs)
            .map_err(|e| corrupt(what("credentials"), e))?;
        Ok(Some(BindingRecord {
            binding,
            credentials,
            state,
            ledger,
        }))
    }

    /// The ids of the bindings of instance `id`.
    ///
    /// # Errors
    /// The database failed or a stored id no longer reads.
    pub async fn binding_ids(&self, id: &InstanceId) -> Result<Vec<BindingId>, StoreError> {
        let rows = sqlx::query("SELECT id FROM bindings WHERE instance_id = $1 ORDER BY id")
            .bind(id.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let bid: String = row.try_get("id")?;
                BindingId::parse(&bid).map_err(|e| corrupt(format!("binding id {bid:?}"), e))
            })
            .collect()
    }

    /// Whether the instance (or, with `bid`, its binding) was deleted by this broker.
    ///
    /// # Errors
    /// The database failed.
    pub async fn deleted(
        &self,
        id: &InstanceId,
        bid: Option<&BindingId>,
    ) -> Result<bool, StoreError> {
        let row = sqlx::query(
            "SELECT deleted_at FROM deleted WHERE instance_id = $1 AND binding_id = $2",
        )
        .bind(id.as_str())
        .bind(binding_key(bid))
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.is_some())
    }

    /// Stores `operation` as the one in flight on its instance, owned by `operation.owner`,
    /// and marks the last operation of its instance or binding as in progress; or, when
    /// another operation holds the instance, returns that one.
    ///
    /// # Errors
    /// The database failed.
    pub async fn begin(
        &self,
        operation: &OperationRow,
        expect: Expect,
    ) -> Result<Begun, StoreError> {
        let now = now_ms();
        let mut tx = self.pool.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO operations \
             (instance_id, binding_id, id, kind, request, progress, owner, heartbeat, started_at) \
             VALUES ($1, $2, $3, $4, $5, NULL, $6, $7, $8) ON CONFLICT (instance_id) DO NOTHING",
        )
        .bind(operation.instance_id.as_str())
        .bind(binding_key(operation.binding_id.as_ref()))
        .bind(operation.id.as_str())
        .bind(operation.kind.as_str())
        .bind(operation.request.to_string())
        .bind(operation.owner.as_str())
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if inserted.rows_affected() == 0 {
            tx.rollback().await?;
            let row = sqlx::query(
                "SELECT instance_id, binding_id, id, kind, request, progress, owner \
                 FROM operations WHERE instance_id = $1",
            )
            .bind(operation.instance_id.as_str())
            .fetch_optional(&self.pool)
            .await?;
            return match row {
                Some(row) => Ok(Begun::Busy(Box::new(operation_from_row(&row)?))),
                // It finished between the two statements: try again.
                None => Box::pin(self.begin(operation, expect)).await,
            };
        }
        if expect != Expect::Anything {
            let found = version_of(&mut *tx, &operation.instance_id).await?;
            let unchanged = match expect {
                Expect::Absent => found.is_none(),
                Expect::Version(version) => found == Some(version),
                Expect::Anything => true,
            };
            if !unchanged {
                tx.rollback().await?;
                return Ok(Begun::Changed);
            }
        }
        if operation.kind.is_platforms() {
            set_last_operation(
                &mut tx,
                &operation.instance_id,
                operation.binding_id.as_ref(),
                &operation.id,
                operation.kind,
                OpState::InProgress,
                "",
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Begun::Started)
    }

    /// The operation in flight on instance `id`.
    ///
    /// # Errors
    /// The database failed or the row no longer reads.
    pub async fn operation(&self, id: &InstanceId) -> Result<Option<OperationRow>, StoreError> {
        let row = sqlx::query(
            "SELECT instance_id, binding_id, id, kind, request, progress, owner \
             FROM operations WHERE instance_id = $1",
        )
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|row| operation_from_row(&row)).transpose()
    }

    /// Saves the progress of `operation` (and refreshes its heartbeat). `false` when this
    /// process no longer owns it (another took it over): the caller stops.
    ///
    /// # Errors
    /// The database failed.
    pub async fn save_progress(
        &self,
        operation: &OperationRow,
        progress: &ProgressEnvelope,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE operations SET progress = $1, heartbeat = $2 \
             WHERE instance_id = $3 AND owner = $4",
        )
        .bind(to_json("progress", progress)?)
        .bind(now_ms())
        .bind(operation.instance_id.as_str())
        .bind(operation.owner.as_str())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Refreshes the heartbeat of every operation `owner` runs.
    ///
    /// # Errors
    /// The database failed.
    pub async fn heartbeat(&self, owner: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE operations SET heartbeat = $1 WHERE owner = $2")
            .bind(now_ms())
            .bind(owner)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Takes over, for `owner`, every operation whose heartbeat is older than `lease` (its
    /// process died), one at a time so two processes never take the same one.
    ///
    /// # Errors
    /// The database failed or a row no longer reads.
    pub async fn claim_stale(
        &self,
        owner: &str,
        lease: Duration,
    ) -> Result<Vec<OperationRow>, StoreError> {
        let cutoff = now_ms().saturating_sub(millis(lease));
        let rows = sqlx::query(
            "SELECT instance_id, owner, heartbeat FROM operations WHERE heartbeat <= $1 \
             ORDER BY started_at",
        )
        .bind(cutoff)
        .fetch_all(&self.pool)
        .await?;
        let mut claimed = Vec::new();
        for row in rows {
            let instance_id: String = row.try_get("instance_id")?;
            let old_owner: String = row.try_get("owner")?;
            let heartbeat: i64 = row.try_get("heartbeat")?;
            let taken = sqlx::query(
                "UPDATE operations SET owner = $1, heartbeat = $2 \
                 WHERE instance_id = $3 AND owner = $4 AND heartbeat = $5",
            )
            .bind(owner)
            .bind(now_ms())
            .bind(instance_id.as_str())
            .bind(old_owner.as_str())
            .bind(heartbeat)
            .execute(&self.pool)
            .await?;
            if taken.rows_affected() == 1 {
                let id = InstanceId::parse(&instance_id)
                    .map_err(|e| corrupt(format!("operation on {instance_id:?}"), e))?;
                if let Some(operation) = self.operation(&id).await? {
                    claimed.push(operation);
                }
            }
        }
        Ok(claimed)
    }

    /// Applies `write` while `operation` is still this process's (mid-run: a deprovision
    /// removing a binding left over). `false` when it no longer is.
    ///
    /// # Errors
    /// The database failed.
    pub async fn apply(
        &self,
        operation: &OperationRow,
        write: Write<'_>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let owned = sqlx::query(
            "UPDATE operations SET heartbeat = $1 WHERE instance_id = $2 AND owner = $3",
        )
        .bind(now_ms())
        .bind(operation.instance_id.as_str())
        .bind(operation.owner.as_str())
        .execute(&mut *tx)
        .await?;
        if owned.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        self.write(&mut tx, &operation.instance_id, write).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Ends `operation`: applies `write`, records the outcome as the last operation of its
    /// instance or binding, and releases the instance, all at once. `false` (nothing
    /// written) when this process no longer owns it.
    ///
    /// # Errors
    /// The database failed.
    pub async fn finish(
        &self,
        operation: &OperationRow,
        write: Write<'_>,
        state: OpState,
        description: &str,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let released = sqlx::query("DELETE FROM operations WHERE instance_id = $1 AND owner = $2")
            .bind(operation.instance_id.as_str())
            .bind(operation.owner.as_str())
            .execute(&mut *tx)
            .await?;
        if released.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        self.write(&mut tx, &operation.instance_id, write).await?;
        if operation.kind.is_platforms() {
            set_last_operation(
                &mut tx,
                &operation.instance_id,
                operation.binding_id.as_ref(),
                &operation.id,
                operation.kind,
                state,
                description,
            )
            .await?;
        } else if state == OpState::Failed {
            sqlx::query(
                "UPDATE pauses SET attempted_at = $1, last_error = $2 \
                 WHERE instance_id = $3 AND resumed_at IS NULL",
            )
            .bind(now_ms())
            .bind(description)
            .bind(operation.instance_id.as_str())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Keeps `operation` stored (its progress says how far it got) but records it as
    /// failed for the platform and lets any process take it over after `retry_after` plus
    /// the lease: a rollback that could not finish is retried until AWS lets it.
    ///
    /// # Errors
    /// The database failed.
    pub async fn park(
        &self,
        operation: &OperationRow,
        description: &str,
        retry_after: Duration,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        // Owned by nobody until the retry time: any process takes it over then.
        sqlx::query(
            "UPDATE operations SET heartbeat = $1, owner = 'parked' \
             WHERE instance_id = $2 AND owner = $3",
        )
        .bind(now_ms().saturating_add(millis(retry_after)))
        .bind(operation.instance_id.as_str())
        .bind(operation.owner.as_str())
        .execute(&mut *tx)
        .await?;
        set_last_operation(
            &mut tx,
            &operation.instance_id,
            operation.binding_id.as_ref(),
            &operation.id,
            operation.kind,
            OpState::Failed,
            description,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn write(
        &self,
        tx: &mut sqlx::Transaction<'_, sqlx::Any>,
        id: &InstanceId,
        write: Write<'_>,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let binding_write = matches!(
            write,
            Write::PutBinding(_) | Write::BindingLedger(..) | Write::RemoveBinding(_)
        );
        match write {
            Write::Nothing => {}
            Write::PutInstance(record) => {
                let params = to_json("params", record.instance.params())?;
                let context = to_json("context", &record.context)?;
                let state = to_json("state", &record.state)?;
                let ledger = to_json("ledger", &record.ledger)?;
                sqlx::query(
                    "INSERT INTO instances (id, params, context, state, ledger, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (id) DO UPDATE SET \
                     params = excluded.params, context = excluded.context, state = excluded.state, \
                     ledger = excluded.ledger, updated_at = excluded.updated_at, \
                     version = instances.version + 1",
                )
                .bind(id.as_str())
                .bind(params)
                .bind(context)
                .bind(state)
                .bind(ledger)
                .bind(now)
                .execute(&mut **tx)
                .await?;
                forget_deleted(tx, id, None).await?;
            }
            Write::InstanceLedger(ledger) => {
                set_instance_ledger(tx, id, ledger, now).await?;
            }
            Write::RemoveInstance => {
                sqlx::query("DELETE FROM bindings WHERE instance_id = $1")
                    .bind(id.as_str())
                    .execute(&mut **tx)
                    .await?;
                sqlx::query("DELETE FROM instances WHERE id = $1")
                    .bind(id.as_str())
                    .execute(&mut **tx)
                    .await?;
                // A pause of an instance that is gone has nothing left to pause.
                sqlx::query(
                    "UPDATE pauses SET resumed_at = $1, resumed_by = 'ses-broker', \
                     resume_reason = 'the instance was deprovisioned' \
                     WHERE instance_id = $2 AND resumed_at IS NULL",
                )
                .bind(now)
                .bind(id.as_str())
                .execute(&mut **tx)
                .await?;
                remember_deleted(tx, id, None, now).await?;
            }
            Write::PutBinding(record) => {
                let key = record.credentials.access_key();
                sqlx::query(
                    "INSERT INTO bindings (instance_id, id, params, state, ledger, access_key_id, \
                     secret_access_key, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (instance_id, id) DO UPDATE SET params = excluded.params, \
                     state = excluded.state, ledger = excluded.ledger, \
                     access_key_id = excluded.access_key_id, \
                     secret_access_key = excluded.secret_access_key",
                )
                .bind(id.as_str())
                .bind(record.binding.plan_details().id().as_str())
                .bind(to_json("params", record.binding.plan_details().params())?)
                .bind(to_json("state", &record.state)?)
                .bind(to_json("ledger", &record.ledger)?)
                .bind(key.id().as_str())
                .bind(key.secret().expose_secret())
                .bind(now)
                .execute(&mut **tx)
                .await?;
                forget_deleted(tx, id, Some(record.binding.plan_details().id())).await?;
            }
            Write::BindingLedger(bid, ledger) => {
                sqlx::query("UPDATE bindings SET ledger = $1 WHERE instance_id = $2 AND id = $3")
                    .bind(to_json("ledger", ledger)?)
                    .bind(id.as_str())
                    .bind(bid.as_str())
                    .execute(&mut **tx)
                    .await?;
            }
            Write::Paused(ledger) => {
                set_instance_ledger(tx, id, ledger, now).await?;
                sqlx::query(
                    "UPDATE pauses SET applied_at = $1, last_error = NULL \
                     WHERE instance_id = $2 AND resumed_at IS NULL",
                )
                .bind(now)
                .bind(id.as_str())
                .execute(&mut **tx)
                .await?;
            }
            Write::Resumed { ledger, by, reason } => {
                set_instance_ledger(tx, id, ledger, now).await?;
                sqlx::query(
                    "UPDATE pauses SET resumed_at = $1, resumed_by = $2, resume_reason = $3 \
                     WHERE instance_id = $4 AND resumed_at IS NULL",
                )
                .bind(now)
                .bind(by)
                .bind(reason)
                .bind(id.as_str())
                .execute(&mut **tx)
                .await?;
            }
            Write::RemoveBinding(bid) => {
                sqlx::query("DELETE FROM bindings WHERE instance_id = $1 AND id = $2")
                    .bind(id.as_str())
                    .bind(bid.as_str())
                    .execute(&mut **tx)
                    .await?;
                remember_deleted(tx, id, Some(bid), now).await?;
            }
        }
        if binding_write {
            sqlx::query("UPDATE instances SET version = version + 1 WHERE id = $1")
                .bind(id.as_str())
                .execute(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// Records a pause of instance `pause.instance_id` unless one is open already (the same
    /// alarm delivered twice, or another critical alarm): `true` when this one is new.
    ///
    /// # Errors
    /// The database failed.
    pub async fn record_pause(&self, pause: &Pause) -> Result<bool, StoreError> {
        let inserted = sqlx::query(
            "INSERT INTO pauses (instance_id, paused_at, configuration_set, alarm, reason, \
             message_id, topic_arn) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
        )
        .bind(pause.instance_id.as_str())
        .bind(pause.paused_at)
        .bind(pause.configuration_set.as_str())
        .bind(pause.alarm.as_str())
        .bind(pause.reason.as_str())
        .bind(pause.message_id.as_str())
        .bind(pause.topic_arn.as_str())
        .execute(&self.pool)
        .await?;
        Ok(inserted.rows_affected() == 1)
    }

    /// The open pauses (sending off, or about to be), oldest first.
    ///
    /// # Errors
    /// The database failed or a row no longer reads.
    pub async fn open_pauses(&self) -> Result<Vec<Pause>, StoreError> {
        let rows = sqlx::query(
            "SELECT instance_id, paused_at, configuration_set, alarm, reason, message_id, \
             topic_arn, applied_at, last_error FROM pauses WHERE resumed_at IS NULL \
             ORDER BY paused_at, instance_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(pause_from_row).collect()
    }

    /// The open pause of instance `id`.
    ///
    /// # Errors
    /// The database failed or the row no longer reads.
    pub async fn open_pause(&self, id: &InstanceId) -> Result<Option<Pause>, StoreError> {
        let row = sqlx::query(
            "SELECT instance_id, paused_at, configuration_set, alarm, reason, message_id, \
             topic_arn, applied_at, last_error FROM pauses \
             WHERE instance_id = $1 AND resumed_at IS NULL",
        )
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(pause_from_row).transpose()
    }

    /// The instances with an open pause not applied yet whose last attempt (if any) is
    /// older than `retry_after`.
    ///
    /// # Errors
    /// The database failed or an id no longer reads.
    pub async fn pending_pauses(
        &self,
        retry_after: Duration,
    ) -> Result<Vec<InstanceId>, StoreError> {
        let rows = sqlx::query(
            "SELECT instance_id FROM pauses WHERE resumed_at IS NULL AND applied_at IS NULL \
             AND (attempted_at IS NULL OR attempted_at <= $1) ORDER BY paused_at",
        )
        .bind(now_ms().saturating_sub(millis(retry_after)))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let id: String = row.try_get("instance_id")?;
                InstanceId::parse(&id).map_err(|e| corrupt(format!("pause of {id:?}"), e))
            })
            .collect()
    }

    /// The last operation on the instance (or, with `bid`, its binding).
    ///
    /// # Errors
    /// The database failed or the row no longer reads.
    pub async fn last_operation(
        &self,
        id: &InstanceId,
        bid: Option<&BindingId>,
    ) -> Result<Option<LastOperation>, StoreError> {
        let row = sqlx::query(
            "SELECT id, kind, state, description FROM last_operations \
             WHERE instance_id = $1 AND binding_id = $2",
        )
        .bind(id.as_str())
        .bind(binding_key(bid))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let kind: String = row.try_get("kind")?;
        let state: String = row.try_get("state")?;
        Ok(Some(LastOperation {
            id: row.try_get("id")?,
            kind: Kind::parse(&kind).ok_or_else(|| corrupt("last operation kind", &kind))?,
            state: OpState::parse(&state).ok_or_else(|| corrupt("last operation state", &state))?,
            description: row.try_get("description")?,
        }))
    }

    /// How many instances, bindings and operations are stored.
    ///
    /// # Errors
    /// The database failed.
    pub async fn counts(&self) -> Result<Counts, StoreError> {
        let count = |sql: &'static str| async move {
            let row = sqlx::query(sql).fetch_one(&self.pool).await?;
            Ok::<i64, StoreError>(row.try_get::<i64, _>(0)?)
        };
        Ok(Counts {
            instances: count("SELECT COUNT(*) FROM instances").await?,
            bindings: count("SELECT COUNT(*) FROM bindings").await?,
            instance_operations: count("SELECT COUNT(*) FROM operations WHERE binding_id = ''")
                .await?,
            binding_operations: count("SELECT COUNT(*) FROM operations WHERE binding_id <> ''")
                .await?,
        })
    }
}

/// The stored progress of an operation: the core's, plus what the broker adds around it.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ProgressEnvelope {
    /// The binding a deprovision was removing (with its own unbind run) when saved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unbinding: Option<String>,
    /// Why the run turned around, once it is rolling back (kept for the platform's
    /// `last_operation` after a restart).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
    /// The core's progress.
    pub progress: Progress,
}

/// A pause of sending, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pause {
    /// The instance.
    pub instance_id: InstanceId,
    /// When the broker recorded it (Unix milliseconds).
    pub paused_at: i64,
    /// The configuration set whose sending is off.
    pub configuration_set: String,
    /// The alarm that fired.
    pub alarm: String,
    /// The core's reason.
    pub reason: String,
    /// SNS's message id.
    pub message_id: String,
    /// The platform topic it came through.
    pub topic_arn: String,
    /// When SES had sending off (`None` while the pause operation has not succeeded).
    pub applied_at: Option<i64>,
    /// Why the last attempt to apply it failed.
    pub last_error: Option<String>,
}

fn pause_from_row(row: &AnyRow) -> Result<Pause, StoreError> {
    let id: String = row.try_get("instance_id")?;
    Ok(Pause {
        instance_id: InstanceId::parse(&id).map_err(|e| corrupt(format!("pause of {id:?}"), e))?,
        paused_at: row.try_get("paused_at")?,
        configuration_set: row.try_get("configuration_set")?,
        alarm: row.try_get("alarm")?,
        reason: row.try_get("reason")?,
        message_id: row.try_get("message_id")?,
        topic_arn: row.try_get("topic_arn")?,
        applied_at: row.try_get("applied_at")?,
        last_error: row.try_get("last_error")?,
    })
}

fn operation_from_row(row: &AnyRow) -> Result<OperationRow, StoreError> {
    let instance_id: String = row.try_get("instance_id")?;
    let what = format!("operation on instance {instance_id}");
    let binding_id: String = row.try_get("binding_id")?;
    let kind: String = row.try_get("kind")?;
    let request: String = row.try_get("request")?;
    let progress: Option<String> = row.try_get("progress")?;
    Ok(OperationRow {
        instance_id: InstanceId::parse(&instance_id).map_err(|e| corrupt(&what, e))?,
        binding_id: if binding_id.is_empty() {
            None
        } else {
            Some(BindingId::parse(&binding_id).map_err(|e| corrupt(&what, e))?)
        },
        id: row.try_get("id")?,
        kind: Kind::parse(&kind).ok_or_else(|| corrupt(&what, format!("kind {kind:?}")))?,
        request: from_json(&what, &request)?,
        progress: progress.map(|p| from_json(&what, &p)).transpose()?,
        owner: row.try_get("owner")?,
    })
}

async fn set_last_operation(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: &InstanceId,
    bid: Option<&BindingId>,
    operation: &str,
    kind: Kind,
    state: OpState,
    description: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO last_operations (instance_id, binding_id, id, kind, state, description, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (instance_id, binding_id) DO UPDATE SET \
         id = excluded.id, kind = excluded.kind, state = excluded.state, \
         description = excluded.description, updated_at = excluded.updated_at",
    )
    .bind(id.as_str())
    .bind(binding_key(bid))
    .bind(operation)
    .bind(kind.as_str())
    .bind(state.as_str())
    .bind(description)
    .bind(now_ms())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The version of instance `id`, `None` when there is none, read through `executor` (the
/// pool, or a transaction that goes on to act on what it read).
async fn version_of<'e, E>(executor: E, id: &InstanceId) -> Result<Option<i64>, StoreError>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    let row = sqlx::query("SELECT version FROM instances WHERE id = $1")
        .bind(id.as_str())
        .fetch_optional(executor)
        .await?;
    Ok(row
        .map(|row| row.try_get::<i64, _>("version"))
        .transpose()?)
}

/// Stores `ledger` as instance `id`'s (bumping its version).
async fn set_instance_ledger(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: &InstanceId,
    ledger: &Ledger,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE instances SET ledger = $1, updated_at = $2, version = version + 1 WHERE id = $3",
    )
    .bind(to_json("ledger", ledger)?)
    .bind(now)
    .bind(id.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn remember_deleted(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: &InstanceId,
    bid: Option<&BindingId>,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO deleted (instance_id, binding_id, deleted_at) VALUES ($1, $2, $3) \
         ON CONFLICT (instance_id, binding_id) DO UPDATE SET deleted_at = excluded.deleted_at",
    )
    .bind(id.as_str())
    .bind(binding_key(bid))
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn forget_deleted(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    id: &InstanceId,
    bid: Option<&BindingId>,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM deleted WHERE instance_id = $1 AND binding_id = $2")
        .bind(id.as_str())
        .bind(binding_key(bid))
        .execute(&mut **tx)
        .await?;
    Ok(())
}
