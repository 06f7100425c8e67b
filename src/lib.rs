//! ses-broker
#![forbid(unsafe_code)]

mod credentials;
mod secret;
pub mod smtp;
mod values;
mod vcap;

pub use credentials::{Credentials, CredentialsError, WithSecrets};
pub use secret::{AccessKey, AccessKeyId, SecretAccessKey, SmtpPassword};
pub use smtp::{SmtpEndpoint, SmtpError, SmtpPort, TlsMode};
pub use values::{
    AccountId, Arn, BindingId, DomainName, EmailAddress, InstanceId, MailFromSubdomain, Partition,
    Region, SourceIp, ValueError, ValueKind, WebhookUrl,
};
pub use vcap::{SesBinding, VcapError, VcapServices, VcapWithSecrets};
