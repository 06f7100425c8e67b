//! The serialisable progress of a run: what it drives towards, where a rollback goes, and
//! the ledger of what exists.

use crate::prelude::*;
use serde::{Deserialize, Serialize};

use super::actions::Action;
use super::ledger::Ledger;
use super::operation::Operation;
use super::target::{Lifecycle, Target};

/// Where a run stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", content = "error", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Status {
    /// More operations to do.
    Running,
    /// The target is reached.
    Done,
    /// Stopped on an error (its message); [`Driver::resume`](super::Driver::resume) tries
    /// again, [`Driver::rollback`](super::Driver::rollback) undoes.
    Failed(String),
}

/// The progress of a run, to store after every step (serde).
///
/// It holds everything a resumed run needs: the lifecycle, the state driven to, the state a
/// rollback returns to, and the [`Ledger`] of what exists. Secrets are never in it: the
/// binding's secret access key lives only in the [`Driver`](super::Driver) that received
/// it, and a resumed bind replaces a key whose secret it no longer has.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub(crate) lifecycle: Lifecycle,
    pub(crate) rolling_back: bool,
    pub(crate) target: Target,
    pub(crate) origin: Target,
    pub(crate) ledger: Ledger,
    pub(crate) status: Status,
    pub(crate) answered: u64,
    pub(crate) attempts: u32,
    #[serde(default)]
    pub(crate) in_flight: Option<InFlight>,
}

/// The operation handed out and not yet answered for good. Written when the operation is
/// handed out, so a caller that stores the progress before each call lets a resumed run
/// (or a rollback) account for it: an idempotent call is made again and its answer lands;
/// a create that is not idempotent (`CreateKey`, `CreateAccessKey`, `CreateHostedZone`) is
/// looked for instead (by the key's description, the user's keys, the zones of the name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct InFlight {
    pub(crate) action: Action,
    pub(crate) operation: Operation,
    /// Whether it was planned towards `origin` (the run has turned around since).
    pub(crate) against_origin: bool,
}

impl InFlight {
    /// Whether the call may have made something its answer alone identifies.
    pub(crate) const fn is_unnamed_create(&self) -> bool {
        matches!(
            self.operation,
            Operation::CreateKey(_)
                | Operation::CreateAccessKey(_)
                | Operation::CreateHostedZone(_)
        )
    }
}

impl Progress {
    pub(crate) const fn new(
        lifecycle: Lifecycle,
        target: Target,
        origin: Target,
        ledger: Ledger,
    ) -> Self {
        Self {
            lifecycle,
            rolling_back: false,
            target,
            origin,
            ledger,
            status: Status::Running,
            answered: 0,
            attempts: 0,
            in_flight: None,
        }
    }

    /// The lifecycle step.
    #[must_use]
    pub const fn lifecycle(&self) -> Lifecycle {
        self.lifecycle
    }

    /// Whether the run is undoing itself.
    #[must_use]
    pub const fn is_rolling_back(&self) -> bool {
        self.rolling_back
    }

    /// What the run drives towards.
    #[must_use]
    pub const fn target(&self) -> &Target {
        &self.target
    }

    /// What exists, as far as the answers tell.
    #[must_use]
    pub const fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    /// The ledger, taken (to store with the instance or binding once the run is done).
    #[must_use]
    pub fn into_ledger(self) -> Ledger {
        self.ledger
    }

    /// Running, done or failed.
    #[must_use]
    pub const fn status(&self) -> &Status {
        &self.status
    }

    /// Whether the target is reached.
    #[must_use]
    pub const fn is_done(&self) -> bool {
        matches!(self.status, Status::Done)
    }

    /// How many answers the run has handled.
    #[must_use]
    pub const fn answered(&self) -> u64 {
        self.answered
    }

    /// How many times in a row the current operation failed and is to be retried (throttled
    /// or transient); a caller backs off by it and gives up (rolls back) when it wants.
    #[must_use]
    pub const fn attempts(&self) -> u32 {
        self.attempts
    }
}
