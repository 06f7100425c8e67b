//! Provision, update and bind parameters, validated, with every problem reported at once.

mod bind;
mod context;
mod document;
mod errors;
mod provision;

pub use bind::{BindParams, MAX_SOURCE_IPS};
pub use context::{Context, MAX_CONTEXT_VALUE_CHARS};
pub use errors::{MAX_LISTED_PROBLEMS, ParamError, ParamErrorKind, ParamErrors, ROOT_PATH};
pub use provision::{
    MAX_DMARC_RECORD_LEN, MAX_SENDING_DOMAIN_LEN, ProvisionField, ProvisionParams,
    ProvisionParamsBuilder, Update,
};

#[cfg(test)]
pub(crate) use bind::BIND_KEYS;
#[cfg(test)]
pub(crate) use provision::PROVISION_KEYS;

/// Largest parameter document accepted, in bytes (64 KiB).
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024;

/// Most addresses in each DMARC recipient list.
pub const MAX_RECIPIENTS: usize = 10;
