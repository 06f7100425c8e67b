//! Reading a parameter document: size limit, JSON syntax, a top-level object with no
//! duplicate keys, and typed access to each field that collects every problem.

use crate::prelude::*;

use alloc::borrow::Cow;

use core::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::MAX_DOCUMENT_BYTES;
use super::errors::{ParamError, ParamErrorKind, ParamErrors, Problems};
use crate::values::{ValueError, excerpt, json_type};

/// A JSON value as far as parameter checking needs it, borrowing strings from the document.
///
/// Hand-written rather than `serde_json::Value` for two reasons: `Value` keeps only the
/// last of two equal keys (so duplicates would go unnoticed), and it allocates every key
/// and string, which made validation slower than the plain parse it builds on. Nested
/// objects are never a valid parameter value, so only their presence is kept.
/// serde_json's recursion limit still guards nesting depth.
#[derive(Debug)]
pub(crate) enum Json<'a> {
    Null,
    Bool(bool),
    Number,
    Str(Cow<'a, str>),
    Array(Vec<Self>),
    Object,
}

impl<'de> Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct JsonVisitor;
        impl<'de> Visitor<'de> for JsonVisitor {
            type Value = Json<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json<'de>, A::Error> {
                while map
                    .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
                    .is_some()
                {}
                Ok(Json::Object)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Json<'de>>()? {
                    items.push(item);
                }
                Ok(Json::Array(items))
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Json<'de>, E> {
                Ok(Json::Str(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Json<'de>, E> {
                Ok(Json::Str(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E>(self, s: String) -> Result<Json<'de>, E> {
                Ok(Json::Str(Cow::Owned(s)))
            }
            fn visit_bool<E>(self, b: bool) -> Result<Json<'de>, E> {
                Ok(Json::Bool(b))
            }
            fn visit_i64<E>(self, _: i64) -> Result<Json<'de>, E> {
                Ok(Json::Number)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Json<'de>, E> {
                Ok(Json::Number)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Json<'de>, E> {
                Ok(Json::Number)
            }
            fn visit_unit<E>(self) -> Result<Json<'de>, E> {
                Ok(Json::Null)
            }
        }
        d.deserialize_any(JsonVisitor)
    }
}

impl<'a> Json<'a> {
    /// Borrows an already parsed `serde_json::Value`.
    fn from_value(value: &'a Value) -> Self {
        match value {
            Value::Null => Self::Null,
            Value::Bool(b) => Self::Bool(*b),
            Value::Number(_) => Self::Number,
            Value::String(s) => Self::Str(Cow::Borrowed(s)),
            Value::Array(items) => Self::Array(items.iter().map(Self::from_value).collect()),
            Value::Object(_) => Self::Object,
        }
    }

    /// The JSON type, as a noun phrase for messages.
    const fn type_name(&self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Bool(_) => "a boolean",
            Self::Number => "a number",
            Self::Str(_) => "a string",
            Self::Array(_) => "an array",
            Self::Object => "an object",
        }
    }
}

/// The top level of a document: an object's entries in order, or the JSON type found.
enum TopLevel<'a> {
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
    Other(&'static str),
}

impl<'de> Deserialize<'de> for TopLevel<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TopVisitor;
        impl<'de> Visitor<'de> for TopVisitor {
            type Value = TopLevel<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TopLevel<'de>, A::Error> {
                let mut entries = Vec::new();
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    entries.push((key.0, map.next_value::<Json<'de>>()?));
                }
                Ok(TopLevel::Object(entries))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TopLevel<'de>, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(TopLevel::Other("an array"))
            }
            fn visit_str<E>(self, _: &str) -> Result<TopLevel<'de>, E> {
                Ok(TopLevel::Other("a string"))
            }
            fn visit_bool<E>(self, _: bool) -> Result<TopLevel<'de>, E> {
                Ok(TopLevel::Other("a boolean"))
            }
            fn visit_i64<E>(self, _: i64) -> Result<TopLevel<'de>, E> {
                Ok(TopLevel::Other("a number"))
            }
            fn visit_u64<E>(self, _: u64) -> Result<TopLevel<'de>, E> {
                Ok(TopLevel::Other("a number"))
            }
            fn visit_f64<E>(self, _: f64) -> Result<TopLevel<'de>, E> {
                Ok(TopLevel::Other("a number"))
            }
            fn visit_unit<E>(self) -> Result<TopLevel<'de>, E> {
                Ok(TopLevel::Other("null"))
            }
        }
        d.deserialize_any(TopVisitor)
    }
}

/// An object key, borrowed when it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Json::deserialize(d)? {
            Json::Str(s) => Ok(Self(s)),
            _ => Err(de::Error::custom("object keys must be strings")),
        }
    }
}

/// The entries of a parameter document, in order.
pub(crate) struct Document<'a> {
    entries: Vec<(Cow<'a, str>, Json<'a>)>,
}

impl<'a> Document<'a> {
    /// Parses a document's text.
    pub(crate) fn parse(json: &'a str) -> Result<Self, ParamErrors> {
        if json.len() > MAX_DOCUMENT_BYTES {
            return Err(ParamErrors::one(ParamError::root(
                ParamErrorKind::TooLarge,
                format!(
                    "the document is {} bytes; at most {MAX_DOCUMENT_BYTES} are accepted",
                    json.len()
                ),
            )));
        }
        match serde_json::from_str::<TopLevel<'a>>(json) {
            Ok(TopLevel::Object(entries)) => Ok(Self { entries }),
            Ok(TopLevel::Other(found)) => Err(not_an_object(found)),
            Err(e) => Err(ParamErrors::one(ParamError::root(
                ParamErrorKind::Syntax,
                format!("is not valid JSON: {e}"),
            ))),
        }
    }

    /// Wraps an already parsed value (duplicate keys can no longer be seen).
    pub(crate) fn from_value(value: &'a Value) -> Result<Self, ParamErrors> {
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
                    entries: map
                        .iter()
                        .map(|(k, v)| (Cow::Borrowed(k.as_str()), Json::from_value(v)))
                        .collect(),
                })
            }
            other => Err(not_an_object(json_type(other))),
        }
    }

    /// Hands each entry whose key is one of `known` to `field`, in document order, a `null`
    /// value as `None`.
    ///
    /// Every other key is recorded in `errors` as unknown, at each occurrence and in its
    /// place in the document; a known key given more than once is recorded once, with its
    /// count, and only its first value is read. Linear in the number of entries: the known
    /// keys are few, and a repeated unknown key needs no set of the keys seen, since each of
    /// its occurrences is a problem anyway.
    pub(crate) fn read(
        &self,
        known: &[&str],
        errors: &mut Problems,
        mut field: impl FnMut(&str, Raw<'_, 'a>, &mut Problems),
    ) {
        let index_of = |key: &str| known.iter().position(|k| *k == key);
        let mut seen = vec![0usize; known.len()];
        for (key, _) in &self.entries {
            if let Some(count) = index_of(key).and_then(|i| seen.get_mut(i)) {
                *count += 1;
            }
        }
        let mut read = vec![false; known.len()];
        let mut known_keys_listed = false;
        for (key, value) in &self.entries {
            let Some(index) = index_of(key) else {
                errors.push_with(|| unknown_key(key, known, &mut known_keys_listed));
                continue;
            };
            let (Some(&count), Some(done)) = (seen.get(index), read.get_mut(index)) else {
                continue;
            };
            if core::mem::replace(done, true) {
                // A later occurrence: the first was read and the repeat reported.
                continue;
            }
            if count > 1 {
                errors.push(ParamError::new(
                    key_path(key),
                    ParamErrorKind::DuplicateKey,
                    format!("appears {count} times in the document; give each parameter once"),
                ));
            }
            let value = if matches!(value, Json::Null) {
                None
            } else {
                Some(value)
            };
            field(key, value, errors);
        }
    }
}

/// A field's value: `None` when absent or `null`.
pub(crate) type Raw<'d, 'a> = Option<&'d Json<'a>>;

fn not_an_object(found: &str) -> ParamErrors {
    ParamErrors::one(ParamError::root(
        ParamErrorKind::NotAnObject,
        format!("parameters must be a JSON object, found {found}"),
    ))
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

fn wrong_type(path: &str, expected: &str, value: &Json<'_>) -> ParamError {
    ParamError::new(
        path,
        ParamErrorKind::WrongType,
        format!("must be {expected}, found {}", value.type_name()),
    )
}

/// An optional string field: `None` for `null`, the text otherwise.
pub(crate) fn optional_str<'d>(
    path: &str,
    raw: Raw<'d, '_>,
    errors: &mut Problems,
) -> Result<Option<&'d str>, ()> {
    match raw {
        None => Ok(None),
        Some(Json::Str(s)) => Ok(Some(s)),
        Some(other) => {
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
    errors: &mut Problems,
) -> Result<T, ()> {
    parse(text).map_err(|e| errors.push(ParamError::value(path, &e)))
}

/// A boolean field that also accepts the strings `"true"` and `"false"` (cloud.gov's docs
/// show the string form); `None` for `null`.
pub(crate) fn optional_bool(
    path: &str,
    raw: Raw<'_, '_>,
    errors: &mut Problems,
) -> Result<Option<bool>, ()> {
    match raw {
        None => Ok(None),
        Some(Json::Bool(b)) => Ok(Some(*b)),
        Some(Json::Str(s)) if s == "true" => Ok(Some(true)),
        Some(Json::Str(s)) if s == "false" => Ok(Some(false)),
        Some(Json::Str(s)) => {
            errors.push(ParamError::new(
                path,
                ParamErrorKind::WrongType,
                format!("must be true or false, found the string {}", excerpt(s)),
            ));
            Err(())
        }
        Some(other) => {
            errors.push(wrong_type(path, "true or false", other));
            Err(())
        }
    }
}

/// A list of validated strings with at most `max` items and no repeats; `None` for `null`.
pub(crate) fn optional_list<T: PartialEq + fmt::Display>(
    path: &str,
    raw: Raw<'_, '_>,
    max: usize,
    (list_noun, item_noun): (&str, &str),
    parse: fn(&str) -> Result<T, ValueError>,
    errors: &mut Problems,
) -> Result<Option<Vec<T>>, ()> {
    let items = match raw {
        None => return Ok(None),
        Some(Json::Array(items)) => items,
        Some(other) => {
            errors.push(wrong_type(path, list_noun, other));
            return Err(());
        }
    };
    let before = errors.count();
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
        let item_path = || format!("{path}[{index}]");
        let Json::Str(text) = item else {
            errors.push(wrong_type(&item_path(), item_noun, item));
            continue;
        };
        let value = match parse(text) {
            Ok(value) => value,
            Err(e) => {
                errors.push(ParamError::value(item_path(), &e));
                continue;
            }
        };
        if let Some(first) = out.iter().position(|earlier| *earlier == value) {
            errors.push(ParamError::new(
                item_path(),
                ParamErrorKind::DuplicateItem,
                format!("repeats {path}[{first}] ({value}); list each once"),
            ));
            continue;
        }
        out.push(value);
    }
    if errors.count() == before {
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
        "is a parameter of the older datagov-smtp broker; use dmarc_report_aggregate_recipients and dmarc_report_failure_recipients (without them, reports go to admin_email)",
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

/// The Levenshtein distance between `a` and `b`, in characters: the "did you mean" metric.
///
/// Hand-written, a dozen lines: the `strsim` crate needs `std`, and this crate is
/// `no_std`. Two rows of the classic dynamic programme; `O(len(a) * len(b))` time, and the
/// known keys are short, so a long hostile key costs at most a few thousand steps per key.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = Vec::with_capacity(b.len() + 1);
    for (i, ca) in a.chars().enumerate() {
        let mut left = i + 1;
        let mut diagonal = i;
        current.clear();
        current.push(left);
        for (cb, &above) in b.iter().zip(previous.iter().skip(1)) {
            let substitute = diagonal + usize::from(ca != *cb);
            left = substitute.min(above + 1).min(left + 1);
            current.push(left);
            diagonal = above;
        }
        core::mem::swap(&mut previous, &mut current);
    }
    previous.last().copied().unwrap_or(0)
}

/// The error for a key that `known` does not contain, with a hint when one helps. The known
/// keys are listed in the first message without a closer hint (`listed` records it), not in
/// every one: a document of a thousand unknown keys would otherwise repeat them a thousand
/// times.
pub(crate) fn unknown_key(key: &str, known: &[&str], listed: &mut bool) -> ParamError {
    let path = key_path(key);
    if let Some((_, hint)) = PREDECESSOR_KEYS.iter().find(|(old, _)| *old == key) {
        return ParamError::new(path, ParamErrorKind::UnknownKey, *hint);
    }
    let message = match suggestion(key, known) {
        Some(k) => format!("unknown parameter; did you mean {k}?"),
        None if !*listed => {
            *listed = true;
            format!("unknown parameter; the known ones are {}", known.join(", "))
        }
        None => "unknown parameter".to_owned(),
    };
    ParamError::new(path, ParamErrorKind::UnknownKey, message)
}

/// The known key `key` is probably a misspelling of: within an edit distance of 3 (more for
/// long keys). A key whose length alone puts it further away is not compared, so a hostile
/// key of 60,000 characters costs nothing here.
fn suggestion<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    let max_distance = |k: &str| 3.max(k.len() / 5);
    let longest = known.iter().map(|k| k.len() + max_distance(k)).max()?;
    let key = key.trim();
    if key.chars().take(longest + 1).count() > longest {
        return None;
    }
    let lower = key.to_ascii_lowercase().replace(['-', ' '], "_");
    let chars = lower.chars().count();
    known
        .iter()
        .filter(|k| chars.abs_diff(k.len()) <= max_distance(k))
        .map(|k| (edit_distance(&lower, k), *k))
        .filter(|(distance, k)| *distance <= max_distance(k))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::edit_distance;

    #[test]
    fn edit_distance_is_levenshtein() {
        for (a, b, d) in [
            ("", "", 0),
            ("", "abc", 3),
            ("abc", "", 3),
            ("domain", "domain", 0),
            ("domian", "domain", 2),
            ("kitten", "sitting", 3),
            ("flaw", "lawn", 2),
            ("admin_emial", "admin_email", 2),
            ("bücher", "bucher", 1),
        ] {
            assert_eq!(edit_distance(a, b), d, "{a} -> {b}");
            assert_eq!(edit_distance(b, a), d, "{b} -> {a}");
        }
    }
}
