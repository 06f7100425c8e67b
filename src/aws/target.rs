//! What a run drives towards: a lifecycle step and a desired state.

use alloc::boxed::Box;

use serde::{Deserialize, Serialize};

use super::state::{BindingState, InstanceState};

/// Which lifecycle step a run performs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Lifecycle {
    /// Create an instance's resources.
    Provision,
    /// Take an instance from its old desired state to a new one.
    Update,
    /// Delete an instance's resources.
    Deprovision,
    /// Create a binding's resources.
    Bind,
    /// Delete a binding's resources.
    Unbind,
    /// Pause sending on an instance's configuration set
    /// ([`Driver::pause_sending`](super::Driver::pause_sending)).
    PauseSending,
    /// Re-enable sending on an instance's configuration set
    /// ([`Driver::enable_sending`](super::Driver::enable_sending)).
    EnableSending,
}

impl Lifecycle {
    /// `provision`, `update`, `deprovision`, `bind`, `unbind`, `pause_sending`,
    /// `enable_sending` (as serde writes them).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Provision => "provision",
            Self::Update => "update",
            Self::Deprovision => "deprovision",
            Self::Bind => "bind",
            Self::Unbind => "unbind",
            Self::PauseSending => "pause_sending",
            Self::EnableSending => "enable_sending",
        }
    }
}

impl core::fmt::Display for Lifecycle {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A desired state: an instance's, a binding's, or nothing at all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "state", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Target {
    /// Nothing should exist (deprovision, unbind, rollback of a provision or bind).
    Nothing,
    /// An instance's resources.
    Instance(Box<InstanceState>),
    /// A binding's resources.
    Binding(Box<BindingState>),
    /// Sending on the configuration set in the ledger switched on or off, and everything
    /// else left as it is (a pause, a resume).
    Sending {
        /// `SendingOptions.SendingEnabled`.
        enabled: bool,
    },
}
