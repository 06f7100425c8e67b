//! The operation loop: asks the core's [`Driver`] what to call, saves the progress in the
//! database, makes the call through [`Aws`], feeds the answer back; retries what AWS
//! throttled with backoff, and rolls back a provision, update or bind that cannot finish.
//!
//! The progress is saved before every AWS call (it then names the call in flight) and
//! after every answer, so a process killed at any point leaves a progress another process
//! (or the same one, restarted) resumes with [`Driver::resume`]: the core makes the call in
//! flight again, or looks for what it made, so nothing is orphaned or made twice.

use std::time::Duration;

use ses_broker::aws::{Answer, DriveError, Driver, Next};

use crate::aws::Aws;
use crate::store::{OperationRow, ProgressEnvelope, Store, StoreError};

/// How many times in a row one operation may be throttled or fail transiently before the
/// run gives up.
pub const MAX_ATTEMPTS: u32 = 5;

/// The first back-off after a throttled or transient failure; it doubles each time.
const FIRST_BACKOFF: Duration = Duration::from_millis(200);

/// Why a run did not reach its target.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The core stopped the run (AWS refused a call, a resource exists with other settings,
    /// ...).
    #[error("{0}")]
    Drive(#[from] DriveError),
    /// AWS kept throttling or failing one operation.
    #[error("{operation}: gave up after {attempts} attempts: {last}")]
    GaveUp {
        /// `service:Operation`.
        operation: String,
        /// How many.
        attempts: u32,
        /// The last answer.
        last: String,
    },
    /// The driver answered something this loop does not know.
    #[error("the driver stopped without saying why")]
    Unknown,
    /// Another process took the operation over (this one was presumed dead): this one
    /// stops without writing anything more.
    #[error("the operation was taken over by another broker process")]
    Lost,
    /// The store failed.
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// What a run needs around the driver: the AWS it calls and the store its progress goes to.
#[derive(Debug)]
pub struct Runner<'a, A> {
    /// The AWS side.
    pub aws: &'a A,
    /// The database.
    pub store: &'a Store,
    /// The operation the run belongs to.
    pub operation: &'a OperationRow,
}

impl<A: Aws> Runner<'_, A> {
    async fn save(&self, envelope: &ProgressEnvelope) -> Result<(), RunError> {
        if self.store.save_progress(self.operation, envelope).await? {
            Ok(())
        } else {
            Err(RunError::Lost)
        }
    }

    /// Drives `driver` to its target, saving the progress (with `unbinding` and `failure`,
    /// see [`ProgressEnvelope`]) before each call and after each answer. On an error the
    /// progress stays saved for a resume or a rollback.
    ///
    /// # Errors
    /// [`RunError`] as above.
    pub async fn drive(
        &self,
        driver: &mut Driver,
        unbinding: Option<&str>,
        failure: Option<&str>,
    ) -> Result<(), RunError> {
        let envelope = |driver: &Driver| ProgressEnvelope {
            unbinding: unbinding.map(ToOwned::to_owned),
            failure: failure.map(ToOwned::to_owned),
            progress: driver.progress().clone(),
        };
        loop {
            let operation = match driver.next_operation() {
                Next::Operation(operation) => operation,
                Next::Done => {
                    self.save(&envelope(driver)).await?;
                    return Ok(());
                }
                Next::Failed(error) => {
                    self.save(&envelope(driver)).await?;
                    return Err(error.into());
                }
                _ => return Err(RunError::Unknown),
            };
            self.save(&envelope(driver)).await?;
            let answer = self.aws.call(&operation).await;
            let name = format!("{}:{}", operation.service(), operation.name());
            tracing::info!(
                target: "ses_broker_server::aws",
                operation_id = %self.operation.id,
                call = %operation,
                answer = %summary(&answer),
                "aws call"
            );
            let retry = match &answer {
                Answer::Failed(failure) if failure.is_retryable() => Some(failure.to_string()),
                _ => None,
            };
            let landed = driver.handle_answer(answer);
            self.save(&envelope(driver)).await?;
            landed?;
            if let Some(last) = retry {
                let attempts = driver.progress().attempts();
                if attempts >= MAX_ATTEMPTS {
                    return Err(RunError::GaveUp {
                        operation: name,
                        attempts,
                        last,
                    });
                }
                tokio::time::sleep(FIRST_BACKOFF * 2u32.saturating_pow(attempts.saturating_sub(1)))
                    .await;
            }
        }
    }

    /// Drives `driver` to its target; when that fails, rolls it back (a provision or bind
    /// deletes what it made, an update returns to the old state). A driver already rolling
    /// back (a resumed rollback) is driven to the end of its rollback.
    ///
    /// # Errors
    /// [`Rolled`] says what happened.
    pub async fn drive_or_roll_back(
        &self,
        mut driver: Driver,
        failure: Option<String>,
    ) -> Result<Driver, Rolled> {
        if driver.progress().is_rolling_back() {
            let why = failure.unwrap_or_else(|| "the operation failed".to_owned());
            return match self.drive(&mut driver, None, Some(&why)).await {
                Ok(()) => Err(Rolled::Back(why)),
                Err(RunError::Lost) => Err(Rolled::Lost),
                Err(again) => Err(Rolled::Stuck {
                    error: why,
                    rollback: again.to_string(),
                }),
            };
        }
        let error = match self.drive(&mut driver, None, None).await {
            Ok(()) => return Ok(driver),
            Err(RunError::Lost) => return Err(Rolled::Lost),
            Err(error) => error,
        };
        let why = error.to_string();
        let conflict = matches!(error, RunError::Drive(DriveError::Mismatch { .. }));
        tracing::warn!(operation_id = %self.operation.id, error = %why, "rolling back");
        match driver.rollback() {
            Ok(mut back) => match self.drive(&mut back, None, Some(&why)).await {
                Ok(()) if conflict => Err(Rolled::Conflict(why)),
                Ok(()) => Err(Rolled::Back(why)),
                Err(RunError::Lost) => Err(Rolled::Lost),
                Err(again) => Err(Rolled::Stuck {
                    error: why,
                    rollback: again.to_string(),
                }),
            },
            Err(e) => Err(Rolled::Stuck {
                error: why,
                rollback: e.to_string(),
            }),
        }
    }
}

/// How a run that did not reach its target ended.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Rolled {
    /// It failed and everything it did is undone.
    #[error("{0}")]
    Back(String),
    /// A resource exists with other settings (another instance's identity, say); undone.
    #[error("{0}")]
    Conflict(String),
    /// It failed and so did its rollback: the progress stays for a later retry.
    #[error("{error}; undoing it failed too ({rollback}); the broker retries the undo")]
    Stuck {
        /// Why it failed.
        error: String,
        /// Why the rollback failed.
        rollback: String,
    },
    /// Another process took it over.
    #[error("the operation was taken over by another broker process")]
    Lost,
}

/// One line about an answer, never a secret.
fn summary(answer: &Answer) -> String {
    match answer {
        Answer::Failed(failure) => failure.to_string(),
        other => other.kind_name().to_owned(),
    }
}
