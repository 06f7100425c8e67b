//! ses-broker
#![forbid(unsafe_code)]

mod catalog;
mod params;
mod values;

pub use catalog::{Catalog, CatalogError, PLAN_ID, PLAN_NAME, SERVICE_ID, SERVICE_NAME};
pub use params::{
    BindParams, MAX_DOCUMENT_BYTES, MAX_RECIPIENTS, MAX_SENDING_DOMAIN_LEN, MAX_SOURCE_IPS,
    ParamError, ParamErrorKind, ParamErrors, ProvisionField, ProvisionParams,
    ProvisionParamsBuilder, ROOT_PATH, Update,
};
pub use values::{
    AccountId, Arn, BindingId, DomainName, EmailAddress, InstanceId, MailFromSubdomain, Partition,
    Region, SourceIp, ValueError, ValueKind, WebhookUrl,
};
