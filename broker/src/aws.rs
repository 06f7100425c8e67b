//! Where the broker meets AWS: the [`Aws`] trait, which makes the one AWS API call a core
//! [`Operation`] names and answers with the core's [`Answer`], and the one table that says
//! which AWS error codes mean "already exists", "not found", "throttled" or "try again".
//!
//! Two implementations: [`crate::sdk::SdkAws`] (the AWS SDK for Rust) and
//! [`crate::memory::InMemoryAws`] (a stand-in that models the services' semantics on its
//! own). Neither names, orders or decides anything: the core's
//! [`Driver`](ses_broker::aws::Driver) does.

use std::future::Future;

use ses_broker::aws::{Answer, FailureKind, Operation};

/// Makes AWS API calls.
pub trait Aws: Send + Sync + 'static {
    /// Makes the call `operation` names and reports how it went.
    ///
    /// A create that finds its resource already there reads the resource back and answers
    /// [`Answer::AlreadyExists`] with what it found; a call on something that is not there
    /// answers [`Answer::NotFound`]; any other error answers [`Answer::Failed`] with its
    /// [`FailureKind`] from [`classify`].
    fn call(&self, operation: &Operation) -> impl Future<Output = Answer> + Send;

    /// What this is, for the startup line and logs (`in-memory stand-in`, `AWS SDK`).
    fn describe(&self) -> String;
}

impl<T: Aws> Aws for std::sync::Arc<T> {
    fn call(&self, operation: &Operation) -> impl Future<Output = Answer> + Send {
        T::call(self, operation)
    }

    fn describe(&self) -> String {
        T::describe(self)
    }
}

/// For crash tests: passes calls to `inner` and aborts the process right after the `n`-th
/// call answers, before the broker saves the answer. That is the worst moment to die (AWS
/// made the change, the database does not know), which a restarted broker must recover
/// from. Reached only through the hidden `--crash-after-aws-calls` flag.
#[derive(Debug)]
pub struct CrashAfter<A> {
    inner: A,
    left: std::sync::atomic::AtomicU64,
}

impl<A> CrashAfter<A> {
    /// Aborts after `n` calls.
    pub const fn new(inner: A, n: u64) -> Self {
        Self {
            inner,
            left: std::sync::atomic::AtomicU64::new(n),
        }
    }
}

impl<A: Aws> Aws for CrashAfter<A> {
    async fn call(&self, operation: &Operation) -> Answer {
        let answer = self.inner.call(operation).await;
        if self.left.fetch_sub(1, std::sync::atomic::Ordering::SeqCst) <= 1 {
            eprintln!("ses-broker-server: crash test: aborting after {operation}");
            std::process::abort();
        }
        answer
    }

    fn describe(&self) -> String {
        format!("{} (crash test)", self.inner.describe())
    }
}

/// What an AWS error means to the driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorClass {
    /// The resource a create names is there already.
    AlreadyExists,
    /// The resource a call names is not there.
    NotFound,
    /// A failure with this kind.
    Failure(FailureKind),
}

/// Error codes, across SES v1 and v2, SNS, KMS, IAM, CloudWatch and Route 53, that say a
/// create found its resource there.
const ALREADY_EXISTS: &[&str] = &[
    "AlreadyExistsException",
    "AlreadyExists",
    "ConfigurationSetAlreadyExists",
    "ConfigurationSetAlreadyExistsException",
    "EventDestinationAlreadyExists",
    "EventDestinationAlreadyExistsException",
    "EntityAlreadyExists",
    "EntityAlreadyExistsException",
    "HostedZoneAlreadyExists",
];

/// Error codes that say the resource is not there.
const NOT_FOUND: &[&str] = &[
    "NotFoundException",
    "NotFound",
    "NoSuchEntity",
    "NoSuchEntityException",
    "NoSuchHostedZone",
    "ConfigurationSetDoesNotExist",
    "ConfigurationSetDoesNotExistException",
    "EventDestinationDoesNotExist",
    "EventDestinationDoesNotExistException",
    "ResourceNotFound",
    "ResourceNotFoundException",
];

/// Error codes of throttling.
const THROTTLING: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "Throttled",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "PriorRequestNotComplete",
];

/// Error codes of failures that pass on their own.
const TRANSIENT: &[&str] = &[
    "InternalFailure",
    "InternalError",
    "InternalErrorException",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "ServiceFailure",
    "RequestTimeout",
    "RequestTimeoutException",
    "KMSInternalException",
    "DependencyTimeoutException",
];

/// Classifies an AWS error by its code, message and HTTP status for `operation`.
///
/// Three answers depend on the operation, as AWS words them: Route 53 refuses a `DELETE`
/// of a record set that is not there as `InvalidChangeBatch` ("... but it was not found"),
/// and KMS refuses `ScheduleKeyDeletion` of a key already pending deletion as
/// `KMSInvalidStateException`: both mean the thing is gone. SNS refuses `CreateTopic` of a
/// name taken with other attributes as `InvalidParameter` ("Topic already exists with
/// different attributes"): the topic is there.
#[must_use]
pub fn classify(
    operation: &Operation,
    code: &str,
    message: &str,
    status: Option<u16>,
) -> ErrorClass {
    classify_call(
        operation.name(),
        operation.is_delete(),
        code,
        message,
        status,
    )
}

/// [`classify`] by the operation's AWS name and whether it deletes.
#[must_use]
pub fn classify_call(
    name: &str,
    is_delete: bool,
    code: &str,
    message: &str,
    status: Option<u16>,
) -> ErrorClass {
    if ALREADY_EXISTS.contains(&code) {
        return ErrorClass::AlreadyExists;
    }
    if NOT_FOUND.contains(&code) {
        return ErrorClass::NotFound;
    }
    match name {
        "ChangeResourceRecordSets"
            if is_delete && code == "InvalidChangeBatch" && message.contains("not found") =>
        {
            return ErrorClass::NotFound;
        }
        "CreateTopic" if code == "InvalidParameter" && message.contains("already exists") => {
            return ErrorClass::AlreadyExists;
        }
        "ScheduleKeyDeletion"
            if code == "KMSInvalidStateException" && message.contains("pending deletion") =>
        {
            return ErrorClass::NotFound;
        }
        _ => {}
    }
    if THROTTLING.contains(&code) || status == Some(429) {
        return ErrorClass::Failure(FailureKind::Throttling);
    }
    if TRANSIENT.contains(&code) || status.is_some_and(|s| s >= 500) {
        return ErrorClass::Failure(FailureKind::Transient);
    }
    ErrorClass::Failure(FailureKind::Permanent)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(name: &str, is_delete: bool, code: &str, message: &str, status: u16) -> ErrorClass {
        classify_call(name, is_delete, code, message, Some(status))
    }

    #[test]
    fn names_taken_and_missing_across_services() {
        for code in [
            "AlreadyExistsException",
            "EntityAlreadyExists",
            "EventDestinationAlreadyExists",
        ] {
            assert_eq!(
                class("CreateUser", false, code, "", 409),
                ErrorClass::AlreadyExists
            );
        }
        for code in [
            "NotFoundException",
            "NoSuchEntity",
            "NoSuchHostedZone",
            "ResourceNotFound",
        ] {
            assert_eq!(
                class("DeleteUser", true, code, "", 404),
                ErrorClass::NotFound
            );
        }
    }

    #[test]
    fn answers_that_depend_on_the_operation() {
        let missing =
            "Tried to delete resource record set [name='a.', type='TXT'] but it was not found";
        assert_eq!(
            class(
                "ChangeResourceRecordSets",
                true,
                "InvalidChangeBatch",
                missing,
                400
            ),
            ErrorClass::NotFound
        );
        // The same code on an UPSERT is a refusal, not a success.
        assert_eq!(
            class(
                "ChangeResourceRecordSets",
                false,
                "InvalidChangeBatch",
                "RRSet ... conflicts",
                400
            ),
            ErrorClass::Failure(FailureKind::Permanent)
        );
        let taken =
            "Invalid parameter: Attributes Reason: Topic already exists with different attributes";
        assert_eq!(
            class("CreateTopic", false, "InvalidParameter", taken, 400),
            ErrorClass::AlreadyExists
        );
        assert_eq!(
            class(
                "Subscribe",
                false,
                "InvalidParameter",
                "Invalid parameter: Endpoint",
                400
            ),
            ErrorClass::Failure(FailureKind::Permanent)
        );
        let pending = "arn:aws:kms:us-east-1:111122223333:key/k is pending deletion.";
        assert_eq!(
            class(
                "ScheduleKeyDeletion",
                true,
                "KMSInvalidStateException",
                pending,
                400
            ),
            ErrorClass::NotFound
        );
        assert_eq!(
            class(
                "EnableKeyRotation",
                false,
                "KMSInvalidStateException",
                pending,
                400
            ),
            ErrorClass::Failure(FailureKind::Permanent)
        );
    }

    #[test]
    fn throttling_transient_and_permanent_failures() {
        assert_eq!(
            class("CreateTopic", false, "Throttling", "Rate exceeded", 400),
            ErrorClass::Failure(FailureKind::Throttling)
        );
        assert_eq!(
            class("CreateTopic", false, "Whatever", "", 429),
            ErrorClass::Failure(FailureKind::Throttling)
        );
        assert_eq!(
            class("CreateTopic", false, "InternalFailure", "", 500),
            ErrorClass::Failure(FailureKind::Transient)
        );
        assert_eq!(
            class("CreateTopic", false, "Unknown", "", 503),
            ErrorClass::Failure(FailureKind::Transient)
        );
        assert_eq!(
            class("CreateTopic", false, "AccessDenied", "", 403),
            ErrorClass::Failure(FailureKind::Permanent)
        );
        assert_eq!(
            class("PutUserPolicy", false, "MalformedPolicyDocument", "", 400),
            ErrorClass::Failure(FailureKind::Permanent)
        );
    }
}
