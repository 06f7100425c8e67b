//! The broker's state behind a small interface: instances, bindings, the progress of each
//! run in flight, and what was deleted (for `410 Gone`). [`MemoryStore`] keeps it in
//! memory; a database store implements the same [`Store`].

use std::collections::{BTreeMap, BTreeSet};

use ses_broker::aws::{BindingState, InstanceState, Ledger, Progress};
use ses_broker::dns::DkimSigning;
use ses_broker::params::Context;
use ses_broker::values::{BindingId, InstanceId};
use ses_broker::{Binding, Credentials, Instance, InstanceOutputs};

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

/// Which run a stored progress belongs to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RunKey {
    /// A provision, update or deprovision of an instance.
    Instance(InstanceId),
    /// A bind or unbind.
    Binding(InstanceId, BindingId),
}

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store's backend failed.
    #[error("store: {0}")]
    Backend(String),
}

/// Where the broker keeps its state. Every method takes effect before it returns, so a
/// progress saved before an AWS call survives the process.
pub trait Store: Send + 'static {
    /// The instance `id`.
    ///
    /// # Errors
    /// The backend failed.
    fn instance(&self, id: &InstanceId) -> Result<Option<InstanceRecord>, StoreError>;

    /// Stores (or replaces) the instance `id`.
    ///
    /// # Errors
    /// The backend failed.
    fn put_instance(&mut self, id: &InstanceId, record: InstanceRecord) -> Result<(), StoreError>;

    /// Removes the instance `id` and its bindings, remembering that it was deleted.
    ///
    /// # Errors
    /// The backend failed.
    fn remove_instance(&mut self, id: &InstanceId) -> Result<(), StoreError>;

    /// Whether the instance `id` was deleted (and not made again).
    ///
    /// # Errors
    /// The backend failed.
    fn instance_deleted(&self, id: &InstanceId) -> Result<bool, StoreError>;

    /// The binding `bid` of instance `id`.
    ///
    /// # Errors
    /// The backend failed.
    fn binding(
        &self,
        id: &InstanceId,
        bid: &BindingId,
    ) -> Result<Option<BindingRecord>, StoreError>;

    /// The ids of the bindings of instance `id`.
    ///
    /// # Errors
    /// The backend failed.
    fn binding_ids(&self, id: &InstanceId) -> Result<Vec<BindingId>, StoreError>;

    /// Stores (or replaces) the binding `bid` of instance `id`.
    ///
    /// # Errors
    /// The backend failed.
    fn put_binding(
        &mut self,
        id: &InstanceId,
        bid: &BindingId,
        record: BindingRecord,
    ) -> Result<(), StoreError>;

    /// Removes the binding, remembering that it was deleted.
    ///
    /// # Errors
    /// The backend failed.
    fn remove_binding(&mut self, id: &InstanceId, bid: &BindingId) -> Result<(), StoreError>;

    /// Whether the binding was deleted (and not made again).
    ///
    /// # Errors
    /// The backend failed.
    fn binding_deleted(&self, id: &InstanceId, bid: &BindingId) -> Result<bool, StoreError>;

    /// Saves the progress of a run in flight (before each AWS call and after each answer).
    ///
    /// # Errors
    /// The backend failed.
    fn save_progress(&mut self, run: &RunKey, progress: &Progress) -> Result<(), StoreError>;

    /// Forgets the progress of a finished run.
    ///
    /// # Errors
    /// The backend failed.
    fn clear_progress(&mut self, run: &RunKey) -> Result<(), StoreError>;

    /// The runs in flight (to resume or roll back after a restart).
    ///
    /// # Errors
    /// The backend failed.
    fn runs_in_flight(&self) -> Result<Vec<(RunKey, Progress)>, StoreError>;
}

/// The state in memory: stopping the broker forgets it.
#[derive(Debug, Default)]
pub struct MemoryStore {
    instances: BTreeMap<InstanceId, InstanceRecord>,
    bindings: BTreeMap<(InstanceId, BindingId), BindingRecord>,
    deleted_instances: BTreeSet<InstanceId>,
    deleted_bindings: BTreeSet<(InstanceId, BindingId)>,
    // Kept as JSON, as a database would: a progress that does not round-trip through its
    // own serde would fail here first.
    runs: BTreeMap<RunKey, String>,
}

impl Store for MemoryStore {
    fn instance(&self, id: &InstanceId) -> Result<Option<InstanceRecord>, StoreError> {
        Ok(self.instances.get(id).cloned())
    }

    fn put_instance(&mut self, id: &InstanceId, record: InstanceRecord) -> Result<(), StoreError> {
        self.deleted_instances.remove(id);
        self.instances.insert(id.clone(), record);
        Ok(())
    }

    fn remove_instance(&mut self, id: &InstanceId) -> Result<(), StoreError> {
        self.instances.remove(id);
        self.bindings.retain(|(instance, _), _| instance != id);
        self.deleted_instances.insert(id.clone());
        Ok(())
    }

    fn instance_deleted(&self, id: &InstanceId) -> Result<bool, StoreError> {
        Ok(self.deleted_instances.contains(id))
    }

    fn binding(
        &self,
        id: &InstanceId,
        bid: &BindingId,
    ) -> Result<Option<BindingRecord>, StoreError> {
        Ok(self.bindings.get(&(id.clone(), bid.clone())).cloned())
    }

    fn binding_ids(&self, id: &InstanceId) -> Result<Vec<BindingId>, StoreError> {
        Ok(self
            .bindings
            .keys()
            .filter(|(instance, _)| instance == id)
            .map(|(_, bid)| bid.clone())
            .collect())
    }

    fn put_binding(
        &mut self,
        id: &InstanceId,
        bid: &BindingId,
        record: BindingRecord,
    ) -> Result<(), StoreError> {
        let key = (id.clone(), bid.clone());
        self.deleted_bindings.remove(&key);
        self.bindings.insert(key, record);
        Ok(())
    }

    fn remove_binding(&mut self, id: &InstanceId, bid: &BindingId) -> Result<(), StoreError> {
        let key = (id.clone(), bid.clone());
        self.bindings.remove(&key);
        self.deleted_bindings.insert(key);
        Ok(())
    }

    fn binding_deleted(&self, id: &InstanceId, bid: &BindingId) -> Result<bool, StoreError> {
        Ok(self.deleted_bindings.contains(&(id.clone(), bid.clone())))
    }

    fn save_progress(&mut self, run: &RunKey, progress: &Progress) -> Result<(), StoreError> {
        let json = serde_json::to_string(progress)
            .map_err(|e| StoreError::Backend(format!("progress does not serialise: {e}")))?;
        self.runs.insert(run.clone(), json);
        Ok(())
    }

    fn clear_progress(&mut self, run: &RunKey) -> Result<(), StoreError> {
        self.runs.remove(run);
        Ok(())
    }

    fn runs_in_flight(&self) -> Result<Vec<(RunKey, Progress)>, StoreError> {
        self.runs
            .iter()
            .map(|(run, json)| {
                serde_json::from_str(json)
                    .map(|progress| (run.clone(), progress))
                    .map_err(|e| StoreError::Backend(format!("stored progress unreadable: {e}")))
            })
            .collect()
    }
}
