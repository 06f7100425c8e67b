//! The OSBAPI `context` object: where on the platform a request comes from.

use crate::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::errors::{ParamError, ParamErrorKind, ParamErrors, Problems};
use crate::values::json_type;

/// Longest context value kept, in characters. Cloud Foundry names are at most 255; a longer
/// value is refused rather than cut, so a tag never names something else.
pub const MAX_CONTEXT_VALUE_CHARS: usize = 1024;

/// The platform context of a provision, update or bind request (OSBAPI `context`, Cloud
/// Foundry profile): the organization and space the instance or binding belongs to.
///
/// Every field is optional (`""` reaches the tags when absent, as in the deployed broker);
/// keys this type does not know (`platform`, `instance_name`, annotations, ...) are
/// ignored, since platforms add keys over time.
///
/// ```
/// use ses_broker::params::Context;
/// let context = Context::from_json(r#"{
///     "platform": "cloudfoundry",
///     "organization_guid": "a1b2c3d4-0000-4000-8000-000000000001",
///     "organization_name": "agency-prod",
///     "space_guid": "a1b2c3d4-0000-4000-8000-000000000002",
///     "space_name": "mail",
///     "instance_name": "my-ses"
/// }"#)?;
/// assert_eq!(context.organization_name(), Some("agency-prod"));
/// assert!(Context::from_json(r#"{"space_name": 7}"#).is_err());
/// # Ok::<(), ses_broker::ParamErrors>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Value")]
pub struct Context {
    organization_guid: Option<String>,
    organization_name: Option<String>,
    space_guid: Option<String>,
    space_name: Option<String>,
}

/// The context keys this type reads.
const KEYS: [&str; 4] = [
    "organization_guid",
    "organization_name",
    "space_guid",
    "space_name",
];

impl TryFrom<Value> for Context {
    type Error = ParamErrors;
    fn try_from(value: Value) -> Result<Self, Self::Error> {
        Self::from_value(&value)
    }
}

impl Context {
    /// Reads the context from the JSON text of the request's `context` object.
    ///
    /// # Errors
    /// [`ParamErrors`] when the text is not a JSON object, or a known key holds something
    /// other than a string (or `null`), or a string with control characters or longer than
    /// [`MAX_CONTEXT_VALUE_CHARS`]; each problem with its path `context.<key>`.
    pub fn from_json(json: &str) -> Result<Self, ParamErrors> {
        let value: Value = serde_json::from_str(json).map_err(|e| {
            ParamErrors::one(ParamError::new(
                "context",
                ParamErrorKind::Syntax,
                format!("is not JSON: {}", crate::values::json_problem(&e)),
            ))
        })?;
        Self::from_value(&value)
    }

    /// Reads the context from an already parsed `context` value.
    ///
    /// # Errors
    /// As [`Self::from_json`].
    pub fn from_value(value: &Value) -> Result<Self, ParamErrors> {
        let Value::Object(map) = value else {
            return Err(ParamErrors::one(ParamError::new(
                "context",
                ParamErrorKind::NotAnObject,
                format!("must be an object, found {}", json_type(value)),
            )));
        };
        let mut problems = Problems::default();
        let mut fields: [Option<String>; 4] = Default::default();
        for (key, slot) in KEYS.iter().zip(fields.iter_mut()) {
            let path = format!("context.{key}");
            match map.get(*key) {
                None | Some(Value::Null) => {}
                Some(Value::String(s)) => {
                    if s.chars().any(char::is_control) {
                        problems.push(ParamError::new(
                            path,
                            ParamErrorKind::InvalidValue,
                            "must not contain control characters",
                        ));
                    } else if s.chars().count() > MAX_CONTEXT_VALUE_CHARS {
                        problems.push(ParamError::new(
                            path,
                            ParamErrorKind::InvalidValue,
                            format!("is longer than {MAX_CONTEXT_VALUE_CHARS} characters"),
                        ));
                    } else {
                        *slot = Some(s.to_owned());
                    }
                }
                Some(other) => problems.push(ParamError::new(
                    path,
                    ParamErrorKind::WrongType,
                    format!("must be a string, found {}", json_type(other)),
                )),
            }
        }
        if let Some(errors) = problems.into_errors() {
            return Err(errors);
        }
        let [organization_guid, organization_name, space_guid, space_name] = fields;
        Ok(Self {
            organization_guid,
            organization_name,
            space_guid,
            space_name,
        })
    }

    /// `organization_guid`.
    #[must_use]
    pub fn organization_guid(&self) -> Option<&str> {
        self.organization_guid.as_deref()
    }

    /// `organization_name`.
    #[must_use]
    pub fn organization_name(&self) -> Option<&str> {
        self.organization_name.as_deref()
    }

    /// `space_guid`.
    #[must_use]
    pub fn space_guid(&self) -> Option<&str> {
        self.space_guid.as_deref()
    }

    /// `space_name`.
    #[must_use]
    pub fn space_name(&self) -> Option<&str> {
        self.space_name.as_deref()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    #[test]
    fn extra_keys_and_nulls_are_accepted() {
        let c = Context::from_json(
            r#"{"platform": "cloudfoundry", "space_name": null, "organization_annotations": {}}"#,
        )
        .unwrap();
        assert_eq!(c, Context::default());
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let e = Context::from_json(r#"{"organization_guid": 1, "space_name": "a\u0007b"}"#)
            .unwrap_err();
        let paths: Vec<&str> = e.iter().map(ParamError::path).collect();
        assert_eq!(paths, ["context.organization_guid", "context.space_name"]);
        assert!(Context::from_json("[]").is_err());
        assert!(Context::from_json("{").is_err());
        let long = format!(r#"{{"space_name": "{}"}}"#, "s".repeat(1025));
        assert!(Context::from_json(&long).is_err());
    }

    #[test]
    fn serde_goes_through_the_checks() {
        let c = Context::from_json(r#"{"space_name": "mail"}"#).unwrap();
        let back: Context = serde_json::from_value(serde_json::to_value(&c).unwrap()).unwrap();
        assert_eq!(back, c);
        assert!(serde_json::from_str::<Context>(r#"{"space_name": "a"}"#).is_err());
    }
}
