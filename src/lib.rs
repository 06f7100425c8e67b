//! ses-broker
#![forbid(unsafe_code)]

pub mod events;
pub mod sns;
mod values;

pub use values::{
    BindingId, DomainName, EmailAddress, InstanceId, MailFromSubdomain, Partition, Region,
    SourceIp, ValueError, ValueKind, WebhookUrl,
};
