//! ses-broker
#![forbid(unsafe_code)]

mod secret;
pub mod smtp;
mod values;

pub use secret::{AccessKey, AccessKeyId, SecretAccessKey, SmtpPassword};
pub use smtp::{SmtpEndpoint, SmtpError, SmtpPort, TlsMode};
pub use values::{
    AccountId, Arn, BindingId, DomainName, EmailAddress, InstanceId, MailFromSubdomain, Partition,
    Region, SourceIp, ValueError, ValueKind, WebhookUrl,
};
