//! ses-broker
#![forbid(unsafe_code)]

mod values;

pub use values::{
    AccountId, Arn, BindingId, DomainName, EmailAddress, InstanceId, MailFromSubdomain, Partition,
    Region, SourceIp, ValueError, ValueKind, WebhookUrl,
};
