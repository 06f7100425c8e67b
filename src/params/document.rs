//! Reading a parameter document: size limit, JSON syntax, a top-level object with no
//! duplicate keys, and typed access to each field that collects every problem.

use core::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::MAX_DOCUMENT_BYTES;
use super::errors::{ParamError, ParamErrorKind, ParamErrors};
use crate::values::{ValueError, excerpt};

/// The top level of a document: an object's entries in order, or the JSON type found.
enum TopLevel {
    Object(Vec<(String, Value)>),
    Other(&'static str),
}

// serde_json's `Value` keeps only the last of two equal keys, so duplicates would go
// unnoticed; this visitor sees every key of the top-level object in order.
impl<'de> Deserialize<'de> for TopLevel {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TopVisitor;
        impl<'de> Visitor<'de> for TopVisitor {
            type Value = TopLevel;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopLevel, A::Error> {
                let mut entries = Vec::new();
                while let Some((key, value)) = map.next_entry::<String, Value>()? {
                    entries.push((key, value));
                }
                Ok(TopLevel::Object(entries))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TopLevel, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(TopLevel::Other("an array"))
            }
            fn visit_str<E>(self, _: &str) -> Result<TopLevel, E> {
                Ok(TopLevel::Other("a string"))
            }
            fn visit_bool<E>(self, _: bool) -> Result<TopLevel, E> {
                Ok(TopLevel::Other("a boolean"))
            }
            fn visit_i64<E>(self, _: i64) -> Result<TopLevel, E> {
                Ok(TopLevel::Other("a number"))
            }
            fn visit_u64<E>(self, _: u64) -> Result<TopLevel, E> {
                Ok(TopLevel::Other("a number"))
            }
            fn visit_f64<E>(self, _: f64) -> Result<TopLevel, E> {
                Ok(TopLevel::Other("a number"))
            }
            fn visit_unit<E>(self) -> Result<TopLevel, E> {
                Ok(TopLevel::Other("null"))
            }
        }
        d.deserialize_any(TopVisitor)
    }
}

/// One field's raw state in a document.
pub(crate) enum Raw<'v> {
    /// JSON `null`: treated as absent for optional fields.
    Null,
    /// Any other value.
    Value(&'v Value),
}

/// The entries of a parameter document, in order, with duplicates marked.
pub(crate) struct Document {
    entries: Vec<(String, Value)>,
}

impl Document {
    /// Parses a document's text.
    pub(crate) fn parse(json: &str) -> Result<Self, ParamErrors> {
        if json.len() > MAX_DOCUMENT_BYTES {
            return Err(ParamErrors::one(ParamError::root(
                ParamErrorKind::TooLarge,
                format!(
                    "the document is {} bytes; at most {MAX_DOCUMENT_BYTES} are accepted",
                    json.len()
                ),
            )));
        }
        match serde_json::from_str::<TopLevel>(json) {
            Ok(TopLevel::Object(entries)) => Ok(Self { entries }),
            Ok(TopLevel::Other(found)) => Err(not_an_object(found)),
            Err(e) => Err(ParamErrors::one(ParamError::root(
                ParamErrorKind::Syntax,
                format!("is not valid JSON: {e}"),
            ))),
        }
    }

    /// Wraps an already parsed value (duplicate keys can no longer be seen).
    pub(crate) fn from_value(value: &Value) -> Result<Self, ParamErrors> {
        match value {
            Value::Object(map) => {
                let size = serde_json::to_string(value).map_or(0, |s| s.len());
                if size > MAX_DOCUMENT_BYTES {
                    return Err(ParamErrors::one(ParamError::root(
                        ParamErrorKind::TooLarge,
                        format!(
                            "the document is {size} bytes; at most {MAX_DOCUMENT_BYTES} are accepted"
                        ),
                    )));
                }
                Ok(Self {
                    entries: map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                })
            }
            other => Err(not_an_object(json_type(other))),
        }
    }

    /// Each entry in document order, with `None` for the value of a repeated key (the
    /// problem has already been recorded in `errors`).
    pub(crate) fn entries<'d>(&'d self, errors: &mut Vec<ParamError>) -> Vec<(&'d str, Raw<'d>)> {
        let mut out = Vec::with_capacity(self.entries.len());
        for (index, (key, value)) in self.entries.iter().enumerate() {
            let repeated = self
                .entries
                .iter()
                .take(index)
                .any(|(earlier, _)| earlier == key);
            if repeated {
                errors.push(ParamError::new(
                    key_path(key),
                    ParamErrorKind::DuplicateKey,
                    "appears more than once in the document; give each parameter once",
                ));
                continue;
            }
            let raw = if value.is_null() {
                Raw::Null
            } else {
                Raw::Value(value)
            };
            out.push((key.as_str(), raw));
        }
        out
    }
}

fn not_an_object(found: &str) -> ParamErrors {
    ParamErrors::one(ParamError::root(
        ParamErrorKind::NotAnObject,
        format!("parameters must be a JSON object, found {found}"),
    ))
}

/// The JSON type of a value, as a noun phrase for messages.
pub(crate) fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A key as it appears in a path: plain identifiers as they are, anything else quoted and
/// escaped so that a hostile key cannot break a `path: message` line.
pub(crate) fn key_path(key: &str) -> String {
    let plain = !key.is_empty()
        && key.len() <= 64
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if plain { key.to_owned() } else { excerpt(key) }
}

fn wrong_type(path: &str, expected: &str, value: &Value) -> ParamError {
    ParamError::new(
        path,
        ParamErrorKind::WrongType,
        format!("must be {expected}, found {}", json_type(value)),
    )
}

/// An optional string field: `None` for `null`, the text otherwise.
pub(crate) fn optional_str<'v>(
    path: &str,
    raw: &Raw<'v>,
    errors: &mut Vec<ParamError>,
) -> Result<Option<&'v str>, ()> {
    match raw {
        Raw::Null => Ok(None),
        Raw::Value(Value::String(s)) => Ok(Some(s)),
        Raw::Value(other) => {
            errors.push(wrong_type(path, "a string", other));
            Err(())
        }
    }
}

/// Parses a value with its validated type's parser, recording a failure under `path`.
pub(crate) fn parse_with<T>(
    path: &str,
    text: &str,
    parse: fn(&str) -> Result<T, ValueError>,
    errors: &mut Vec<ParamError>,
) -> Result<T, ()> {
    parse(text).map_err(|e| errors.push(ParamError::value(path, &e)))
}

/// A boolean field that also accepts the strings `"true"` and `"false"` (cloud.gov's docs
/// show the string form); `None` for `null`.
pub(crate) fn optional_bool(
    path: &str,
    raw: &Raw<'_>,
    errors: &mut Vec<ParamError>,
) -> Result<Option<bool>, ()> {
    match raw {
        Raw::Null => Ok(None),
        Raw::Value(Value::Bool(b)) => Ok(Some(*b)),
        Raw::Value(Value::String(s)) if s == "true" => Ok(Some(true)),
        Raw::Value(Value::String(s)) if s == "false" => Ok(Some(false)),
        Raw::Value(Value::String(s)) => {
            errors.push(ParamError::new(
                path,
                ParamErrorKind::WrongType,
                format!("must be true or false, found the string {}", excerpt(s)),
            ));
            Err(())
        }
        Raw::Value(other) => {
            errors.push(wrong_type(path, "true or false", other));
            Err(())
        }
    }
}

/// A list of validated strings with at most `max` items and no repeats; `None` for `null`.
pub(crate) fn optional_list<T: PartialEq + fmt::Display>(
    path: &str,
    raw: &Raw<'_>,
    max: usize,
    (list_noun, item_noun): (&str, &str),
    parse: fn(&str) -> Result<T, ValueError>,
    errors: &mut Vec<ParamError>,
) -> Result<Option<Vec<T>>, ()> {
    let items = match raw {
        Raw::Null => return Ok(None),
        Raw::Value(Value::Array(items)) => items,
        Raw::Value(other) => {
            errors.push(wrong_type(path, list_noun, other));
            return Err(());
        }
    };
    let before = errors.len();
    if items.len() > max {
        errors.push(ParamError::new(
            path,
            ParamErrorKind::TooMany,
            format!("has {} items; at most {max} are allowed", items.len()),
        ));
        return Err(());
    }
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let item_path = format!("{path}[{index}]");
        let Value::String(text) = item else {
            errors.push(wrong_type(&item_path, item_noun, item));
            continue;
        };
        let Ok(value) = parse_with(&item_path, text, parse, errors) else {
            continue;
        };
        if let Some(first) = out.iter().position(|earlier| *earlier == value) {
            errors.push(ParamError::new(
                item_path,
                ParamErrorKind::DuplicateItem,
                format!("repeats {path}[{first}] ({value}); list each once"),
            ));
            continue;
        }
        out.push(value);
    }
    if errors.len() == before {
        Ok(Some(out))
    } else {
        Err(())
    }
}

/// Keys of the cloud.gov `datagov-smtp` brokerpak that this broker replaced, with what
/// replaces each (or why nothing does).
const PREDECESSOR_KEYS: [(&str, &str); 8] = [
    (
        "region",
        "is a parameter of the older datagov-smtp broker; the platform chooses the region, so remove it",
    ),
    (
        "email_receipt_error",
        "is a parameter of the older datagov-smtp broker and has no replacement; remove it",
    ),
    (
        "create_sns_topics",
        "is a parameter of the older datagov-smtp broker; use enable_feedback_notifications instead",
    ),
    (
        "notifications_bounce_topic_arn",
        "is a parameter of the older datagov-smtp broker; set enable_feedback_notifications to true and the bounce topic is created for you",
    ),
    (
        "notifications_complaint_topic_arn",
        "is a parameter of the older datagov-smtp broker; set enable_feedback_notifications to true and the complaint topic is created for you",
    ),
    (
        "notifications_delivery_topic_arn",
        "is a parameter of the older datagov-smtp broker; set enable_feedback_notifications to true and the delivery topic is created for you",
    ),
    (
        "dmarc_report_uri_aggregate",
        "is no longer accepted; use dmarc_report_aggregate_recipients, a list of email addresses",
    ),
    (
        "dmarc_report_uri_failure",
        "is no longer accepted; use dmarc_report_failure_recipients, a list of email addresses",
    ),
];

/// The error for a key that `known` does not contain, with a hint when one helps.
pub(crate) fn unknown_key(key: &str, known: &[&str]) -> ParamError {
    let path = key_path(key);
    if let Some((_, hint)) = PREDECESSOR_KEYS.iter().find(|(old, _)| *old == key) {
        return ParamError::new(path, ParamErrorKind::UnknownKey, *hint);
    }
    let lower = key.trim().to_ascii_lowercase().replace(['-', ' '], "_");
    let suggestion = known
        .iter()
        .map(|k| (strsim::levenshtein(&lower, k), *k))
        .filter(|(distance, k)| *distance <= 3.max(k.len() / 5))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, k)| k);
    let message = match suggestion {
        Some(k) => format!("unknown parameter; did you mean {k}?"),
        None => format!("unknown parameter; the known ones are {}", known.join(", ")),
    };
    ParamError::new(path, ParamErrorKind::UnknownKey, message)
}
