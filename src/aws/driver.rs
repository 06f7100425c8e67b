//! The driver: hands out one operation at a time and lands each answer.

use crate::prelude::*;
use alloc::boxed::Box;

use super::actions::{self, Action};
use super::answer::Answer;
use super::apply::{Landing, apply};
use super::error::{DriveError, RollbackError};
use super::ledger::{Ledger, Resource, Slot};
use super::operation::Operation;
use super::progress::{InFlight, Progress, Status};
use super::reconcile::{KeySearch, Memory, Step, next_step};
use super::state::{BindingState, InstanceState};
use super::target::{Lifecycle, Target};
use crate::values::AccessKey;

/// What to do next.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
#[allow(
    clippy::large_enum_variant,
    reason = "one value per AWS call, matched at once; boxing would cost every caller a deref"
)]
pub enum Next {
    /// Make this call, then [`Driver::handle_answer`].
    Operation(Operation),
    /// The target is reached: store [`Driver::progress`]'s ledger with the instance or
    /// binding.
    Done,
    /// The run stopped on this error: [`Driver::resume`] tries again,
    /// [`Driver::rollback`] undoes.
    Failed(DriveError),
}

/// How an outstanding operation came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// Planned now, towards the target.
    Fresh,
    /// The in-flight operation of a stored progress, made again: its answer lands against
    /// the state it was planned for, and an error from it does not stop the run (what it
    /// would have made is not ours, or the plan makes the call again).
    Replay,
    /// Looking for what an unanswered create made.
    Recovery,
}

#[derive(Debug)]
struct Outstanding {
    action: Action,
    operation: Operation,
    origin: Origin,
}

/// Drives AWS from what exists towards a desired state, one operation at a time, in the
/// sans-I/O style of quinn-proto: [`Self::next_operation`] says what to call,
/// [`Self::handle_answer`] takes what AWS said.
///
/// Store [`Self::progress`] after each call of either method: before making an AWS call
/// (the progress then names the call in flight) and after its answer. That is all a
/// resumed run needs ([`Self::resume`]): it makes the call in flight again (or, for a
/// create that is not idempotent, looks for what it made), so no resource is left behind
/// or made twice, whether the process died before the call, during it, or after it.
#[derive(Debug)]
pub struct Driver {
    progress: Progress,
    memory: Memory,
    outstanding: Option<Outstanding>,
    error: Option<DriveError>,
}

impl Driver {
    fn start(progress: Progress) -> Self {
        Self {
            progress,
            memory: Memory::default(),
            outstanding: None,
            error: None,
        }
    }

    /// Creates an instance's resources.
    #[must_use]
    pub fn provision(state: InstanceState) -> Self {
        Self::start(Progress::new(
            Lifecycle::Provision,
            Target::Instance(Box::new(state)),
            Target::Nothing,
            Ledger::new(),
        ))
    }

    /// Takes an instance from `old` to `new`: only what differs (feedback on or off, MAIL
    /// FROM added, changed or removed, `admin_email` moved, alarm descriptions rewritten,
    /// the generated domain's records). `ledger` is the one stored after the instance's
    /// last run. A rollback returns to `old`. Tags are not rewritten (a changed organization
    /// or space name reaches the alarm descriptions, not the tags set at creation).
    #[must_use]
    pub fn update(ledger: Ledger, old: InstanceState, new: InstanceState) -> Self {
        Self::start(Progress::new(
            Lifecycle::Update,
            Target::Instance(Box::new(new)),
            Target::Instance(Box::new(old)),
            ledger,
        ))
    }

    /// Deletes everything in an instance's `ledger`, in an order AWS accepts. Binding
    /// resources in it are left alone (they are unbind's).
    #[must_use]
    pub fn deprovision(ledger: Ledger) -> Self {
        Self::start(Progress::new(
            Lifecycle::Deprovision,
            Target::Nothing,
            Target::Nothing,
            ledger.only(|r| !r.is_binding()),
        ))
    }

    /// Creates a binding's resources. Once done, [`Self::access_key`] is the key.
    #[must_use]
    pub fn bind(state: BindingState) -> Self {
        Self::start(Progress::new(
            Lifecycle::Bind,
            Target::Binding(Box::new(state)),
            Target::Nothing,
            Ledger::new(),
        ))
    }

    /// Deletes everything in a binding's `ledger`. Instance resources in it are left
    /// alone (they are deprovision's).
    #[must_use]
    pub fn unbind(ledger: Ledger) -> Self {
        Self::start(Progress::new(
            Lifecycle::Unbind,
            Target::Nothing,
            Target::Nothing,
            ledger.only(Resource::is_binding),
        ))
    }

    /// Pauses sending on the configuration set in an instance's `ledger` (SES v2
    /// `PutConfigurationSetSendingOptions` with `SendingEnabled` false), what a critical
    /// reputation alarm asks for; nothing else is touched.
    ///
    /// The call is made even when the ledger records a pause already: it is a PUT, so a
    /// second pause is harmless, and the record may be stale (sending re-enabled outside
    /// the broker). Once done, the progress's ledger records the pause
    /// ([`Ledger::sending_enabled`] is `Some(false)`): store it with the instance, and an
    /// update keeps it (an update never re-enables sending). A ledger without a configuration
    /// set stops the run before any call ([`Next::Failed`] with
    /// [`DriveError::MissingDependency`]); a set gone from AWS stops it with
    /// [`DriveError::Gone`]. Not undone by [`Self::rollback`]
    /// ([`RollbackError::SendingSwitch`]).
    #[must_use]
    pub fn pause_sending(ledger: Ledger) -> Self {
        Self::switch_sending(ledger, false)
    }

    /// Re-enables sending on the configuration set in an instance's `ledger` (an operator's
    /// resume after a pause): as [`Self::pause_sending`], with `SendingEnabled` true, and
    /// the ledger then records `Some(true)`.
    #[must_use]
    pub fn enable_sending(ledger: Ledger) -> Self {
        Self::switch_sending(ledger, true)
    }

    fn switch_sending(ledger: Ledger, enabled: bool) -> Self {
        let lifecycle = if enabled {
            Lifecycle::EnableSending
        } else {
            Lifecycle::PauseSending
        };
        // Forgetting the recorded switch makes the run call AWS whatever the record says.
        Self::start(Progress::new(
            lifecycle,
            Target::Sending { enabled },
            Target::Nothing,
            ledger.only(|r| !matches!(r, Resource::SendingOptions { .. })),
        ))
    }

    /// Continues a stored run (also one that stopped on an error: it tries again, and one
    /// that was done: it checks there is nothing left to do). A bind resumed after its
    /// access key was created, even a finished one, replaces that key, whose secret only
    /// the lost process had; [`Self::access_key`] is then the new one.
    #[must_use]
    pub fn resume(mut progress: Progress) -> Self {
        progress.status = Status::Running;
        Self::start(progress)
    }

    /// Turns the run around: a provision or bind deletes what it made, an update returns
    /// to the old state. An operation handed out and not answered is accounted for first
    /// (made again, or looked for), so what it may have made is undone too.
    ///
    /// # Errors
    /// [`RollbackError::Irreversible`] for a deprovision or unbind;
    /// [`RollbackError::SendingSwitch`] for a pause or enable;
    /// [`RollbackError::AlreadyRollingBack`] when it already is.
    pub fn rollback(mut self) -> Result<Self, RollbackError> {
        let lifecycle = self.progress.lifecycle;
        if matches!(lifecycle, Lifecycle::Deprovision | Lifecycle::Unbind) {
            return Err(RollbackError::Irreversible(lifecycle));
        }
        if matches!(
            lifecycle,
            Lifecycle::PauseSending | Lifecycle::EnableSending
        ) {
            return Err(RollbackError::SendingSwitch(lifecycle));
        }
        if self.progress.rolling_back {
            return Err(RollbackError::AlreadyRollingBack(lifecycle));
        }
        let origin = core::mem::replace(&mut self.progress.origin, Target::Nothing);
        self.progress.origin = core::mem::replace(&mut self.progress.target, origin);
        if let Some(in_flight) = &mut self.progress.in_flight {
            in_flight.against_origin = !in_flight.against_origin;
        }
        self.progress.rolling_back = true;
        self.progress.status = Status::Running;
        self.progress.attempts = 0;
        self.outstanding = None;
        self.error = None;
        Ok(self)
    }

    /// The progress, to store.
    #[must_use]
    pub const fn progress(&self) -> &Progress {
        &self.progress
    }

    /// The progress, taken.
    #[must_use]
    pub fn into_progress(self) -> Progress {
        self.progress
    }

    /// The binding's access key, once `CreateAccessKey` answered in this process.
    #[must_use]
    pub const fn access_key(&self) -> Option<&AccessKey> {
        self.memory.access_key.as_ref()
    }

    fn fail(&mut self, error: DriveError) -> DriveError {
        self.progress.status = Status::Failed(error.to_string());
        self.error = Some(error.clone());
        error
    }

    fn hand_out(&mut self, action: Action, operation: Operation, origin: Origin) -> Next {
        if origin == Origin::Fresh {
            match operation {
                Operation::CreateAccessKey(_) => self.memory.keys_listed = false,
                Operation::CreateHostedZone(_) => self.memory.zones_listed = false,
                _ => {}
            }
            self.progress.in_flight = Some(InFlight {
                action: action.clone(),
                operation: operation.clone(),
                against_origin: false,
            });
        }
        self.outstanding = Some(Outstanding {
            action,
            operation: operation.clone(),
            origin,
        });
        Next::Operation(operation)
    }

    /// The operation to perform next; the same one again until it is answered.
    pub fn next_operation(&mut self) -> Next {
        if let Some(error) = &self.error {
            return Next::Failed(error.clone());
        }
        if let Some(outstanding) = &self.outstanding {
            return Next::Operation(outstanding.operation.clone());
        }
        if self.progress.is_done() {
            return Next::Done;
        }
        loop {
            if let Some(in_flight) = &self.progress.in_flight {
                if !in_flight.is_unnamed_create() {
                    let (action, op) = (in_flight.action.clone(), in_flight.operation.clone());
                    return self.hand_out(action, op, Origin::Replay);
                }
                if let Some((action, op)) = actions::recovery(&in_flight.operation, &self.memory) {
                    return self.hand_out(action, op, Origin::Recovery);
                }
                self.progress.in_flight = None;
                self.memory.key_search = KeySearch::default();
            }
            let step = match next_step(&self.progress.target, &self.progress.ledger, &self.memory) {
                Ok(step) => step,
                Err(e) => return Next::Failed(self.fail(e.into())),
            };
            let (action, op) = match step {
                None => {
                    self.progress.status = Status::Done;
                    return Next::Done;
                }
                Some(Step::Drop(slot)) => {
                    self.progress.ledger.remove(|r| Slot::of(r) == slot);
                    continue;
                }
                Some(Step::Delete(resource)) => match actions::delete(&resource) {
                    Some(op) => (Action::Delete(resource), op),
                    None => {
                        let slot = Slot::of(&resource);
                        self.progress.ledger.remove(|r| Slot::of(r) == slot);
                        continue;
                    }
                },
                Some(Step::Put(slot)) => match actions::put(
                    &slot,
                    &self.progress.target,
                    &self.progress.ledger,
                    &self.memory,
                ) {
                    Ok(planned) => planned,
                    Err(e) => return Next::Failed(self.fail(e)),
                },
            };
            return self.hand_out(action, op, Origin::Fresh);
        }
    }

    /// Lands the answer to the operation [`Self::next_operation`] gave.
    ///
    /// A throttled or transient failure is not an error: the same operation comes again
    /// (for a create that is not idempotent, after looking for what it may have made);
    /// [`Progress::attempts`] counts the tries.
    ///
    /// # Errors
    /// [`DriveError`] when AWS refused the call for good, a create found something else
    /// there, or the answer does not fit; the run then stops (see [`Next::Failed`]).
    pub fn handle_answer(&mut self, answer: Answer) -> Result<(), DriveError> {
        let Some(outstanding) = self.outstanding.take() else {
            return Err(DriveError::NothingOutstanding);
        };
        let Outstanding {
            action,
            operation,
            origin,
        } = outstanding;
        let unnamed_create = matches!(
            operation,
            Operation::CreateKey(_)
                | Operation::CreateAccessKey(_)
                | Operation::CreateHostedZone(_)
        );
        // The call this answer settles (a recovery's listing settles nothing by itself).
        let settles = origin != Origin::Recovery;
        if let Answer::Failed(failure) = &answer {
            if failure.is_retryable() {
                self.progress.attempts = self.progress.attempts.saturating_add(1);
                if !(unnamed_create && settles) {
                    self.outstanding = Some(Outstanding {
                        action,
                        operation,
                        origin,
                    });
                }
                return Ok(());
            }
            self.progress.attempts = 0;
            if settles {
                self.progress.in_flight = None;
            }
            if origin == Origin::Replay {
                return Ok(());
            }
            let error = DriveError::Failed {
                operation: operation.to_string(),
                failure: failure.clone(),
            };
            return Err(self.fail(error));
        }
        self.progress.attempts = 0;
        self.progress.answered = self.progress.answered.saturating_add(1);
        let against_origin = self
            .progress
            .in_flight
            .as_ref()
            .is_some_and(|f| f.against_origin && origin == Origin::Replay);
        let mut landing = Landing {
            target: if against_origin {
                &self.progress.origin
            } else {
                &self.progress.target
            },
            ledger: &mut self.progress.ledger,
            memory: &mut self.memory,
            in_flight: self.progress.in_flight.as_ref(),
        };
        let result = apply(&action, &operation, answer, &mut landing);
        if settles {
            self.progress.in_flight = None;
        }
        match result {
            Err(_) if origin == Origin::Replay => Ok(()),
            Err(e) => Err(self.fail(e)),
            Ok(()) => Ok(()),
        }
    }
}
