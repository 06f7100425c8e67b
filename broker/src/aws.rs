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
    if ALREADY_EXISTS.contains(&code) {
        return ErrorClass::AlreadyExists;
    }
    if NOT_FOUND.contains(&code) {
        return ErrorClass::NotFound;
    }
    match operation {
        Operation::ChangeResourceRecordSets(_)
            if operation.is_delete()
                && code == "InvalidChangeBatch"
                && message.contains("not found") =>
        {
            return ErrorClass::NotFound;
        }
        Operation::CreateTopic(_)
            if code == "InvalidParameter" && message.contains("already exists") =>
        {
            return ErrorClass::AlreadyExists;
        }
        Operation::ScheduleKeyDeletion(_)
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
