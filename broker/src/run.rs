//! The operation loop: asks the core's [`Driver`] what to call, saves the progress, makes
//! the call through [`Aws`], feeds the answer back; retries what AWS throttled, and rolls
//! back a provision, update or bind that cannot finish.

use std::time::Duration;

use ses_broker::aws::{Answer, DriveError, Driver, Next};

use crate::aws::Aws;
use crate::store::{RunKey, Store, StoreError};

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
    /// The store failed.
    #[error("{0}")]
    Store(#[from] StoreError),
}

/// Drives `driver` to its target: saves the progress under `run` before each call and after
/// each answer, and clears it once done. On an error the progress stays saved (failed) for
/// a resume or a rollback.
///
/// # Errors
/// [`RunError`] as above.
pub async fn drive<A: Aws, S: Store>(
    aws: &A,
    store: &mut S,
    run: &RunKey,
    driver: &mut Driver,
) -> Result<(), RunError> {
    loop {
        let operation = match driver.next_operation() {
            Next::Operation(operation) => operation,
            Next::Done => {
                store.clear_progress(run)?;
                return Ok(());
            }
            Next::Failed(error) => {
                store.save_progress(run, driver.progress())?;
                return Err(error.into());
            }
            _ => return Err(RunError::Unknown),
        };
        store.save_progress(run, driver.progress())?;
        let answer = aws.call(&operation).await;
        eprintln!("aws: {operation} -> {}", summary(&answer));
        let retry = match &answer {
            Answer::Failed(failure) if failure.is_retryable() => Some(failure.to_string()),
            _ => None,
        };
        let landed = driver.handle_answer(answer);
        store.save_progress(run, driver.progress())?;
        landed?;
        if let Some(last) = retry {
            let attempts = driver.progress().attempts();
            if attempts >= MAX_ATTEMPTS {
                return Err(RunError::GaveUp {
                    operation: operation.to_string(),
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
/// deletes what it made, an update returns to the old state) and returns the first error.
///
/// # Errors
/// The run's [`RunError`]; a failed rollback is logged and leaves its progress saved.
pub async fn drive_or_roll_back<A: Aws, S: Store>(
    aws: &A,
    store: &mut S,
    run: &RunKey,
    mut driver: Driver,
) -> Result<Driver, RunError> {
    let Err(error) = drive(aws, store, run, &mut driver).await else {
        return Ok(driver);
    };
    eprintln!("broker: {run:?}: {error}; rolling back");
    match driver.rollback() {
        Ok(mut back) => {
            if let Err(again) = drive(aws, store, run, &mut back).await {
                eprintln!(
                    "broker: {run:?}: the rollback failed too ({again}); its progress stays saved"
                );
            }
        }
        Err(e) => eprintln!("broker: {run:?}: cannot roll back: {e}"),
    }
    Err(error)
}

/// One line about an answer, never a secret.
fn summary(answer: &Answer) -> String {
    match answer {
        Answer::Failed(failure) => failure.to_string(),
        other => other.kind_name().to_owned(),
    }
}
