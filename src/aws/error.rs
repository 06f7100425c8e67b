//! Why a run stops.

use crate::prelude::*;
use core::fmt;

use super::answer::Failure;
use super::target::Lifecycle;
use crate::dns::DnsError;

/// One setting that differs between what exists and what the core wants.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Difference {
    setting: &'static str,
    expected: String,
    found: String,
}

impl Difference {
    pub(crate) fn new(
        setting: &'static str,
        expected: impl Into<String>,
        found: impl Into<String>,
    ) -> Self {
        Self {
            setting,
            expected: expected.into(),
            found: found.into(),
        }
    }

    /// The setting, as AWS names it (`ConfigurationSetName`).
    #[must_use]
    pub const fn setting(&self) -> &'static str {
        self.setting
    }

    /// What the core wants.
    #[must_use]
    pub fn expected(&self) -> &str {
        &self.expected
    }

    /// What AWS has.
    #[must_use]
    pub fn found(&self) -> &str {
        &self.found
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is {}, expected {}",
            self.setting, self.found, self.expected
        )
    }
}

fn join(differences: &[Difference]) -> String {
    differences
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Why a run stopped. After one, [`Driver::next_operation`](super::Driver::next_operation)
/// gives [`Next::Failed`](super::Next::Failed) until the caller resumes (to try again) or
/// rolls back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DriveError {
    /// AWS refused an operation with an error retrying will not fix.
    #[error("{operation}: {failure}")]
    Failed {
        /// `service:Operation`.
        operation: String,
        /// AWS's error.
        failure: Failure,
    },
    /// A create found the resource already there with other settings: it is not this
    /// instance's (or someone changed it), and it is never silently overwritten.
    #[error("{resource} already exists with other settings: {}", join(.differences))]
    Mismatch {
        /// The resource, e.g. `email identity agency.gov`.
        resource: String,
        /// What differs.
        differences: Vec<Difference>,
    },
    /// The answer does not fit the operation (an adapter bug).
    #[error("{operation}: an answer of kind {answer} does not fit this operation")]
    UnexpectedAnswer {
        /// `service:Operation`.
        operation: String,
        /// The answer's kind, or the output's.
        answer: &'static str,
    },
    /// The answer lacks something the core needs (e.g. the DKIM tokens of an identity
    /// that already existed).
    #[error("{operation}: the answer lacks {what}")]
    Incomplete {
        /// `service:Operation`.
        operation: String,
        /// What is missing.
        what: &'static str,
    },
    /// A resource the operation acts on does not exist (it was deleted behind the
    /// broker's back).
    #[error("{operation}: {resource} does not exist")]
    Gone {
        /// `service:Operation`.
        operation: String,
        /// The resource.
        resource: String,
    },
    /// The DNS records of a generated domain could not be derived.
    #[error("records: {0}")]
    Records(#[from] DnsError),
    /// An answer arrived while no operation was waiting for one.
    #[error("no operation is waiting for an answer")]
    NothingOutstanding,
    /// The ledger lacks a resource an operation needs (a ledger from another instance or
    /// edited by hand).
    #[error("the ledger has no {0}, which this step needs")]
    MissingDependency(&'static str),
}

/// Why a run cannot be rolled back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RollbackError {
    /// A deprovision or unbind deletes: what it deleted cannot come back the same (new
    /// DKIM tokens, new keys, a new secret), so it can only be resumed.
    #[error(
        "the {0} cannot be rolled back: what it deleted cannot be restored as it was; resume it instead"
    )]
    Irreversible(Lifecycle),
    /// The run is already rolling back.
    #[error("the {0} is already rolling back")]
    AlreadyRollingBack(Lifecycle),
    /// A pause or an enable switches one setting: undoing a pause would re-enable sending,
    /// which only an operator's resume may do, so neither is undone; a stopped
    /// one is resumed, and the other switch is a run of its own.
    #[error(
        "the {0} cannot be rolled back: sending is switched back only by a pause or an enable of its own; resume it instead"
    )]
    SendingSwitch(Lifecycle),
}
