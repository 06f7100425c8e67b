//! SES feedback events.
