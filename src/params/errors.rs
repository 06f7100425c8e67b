//! Parameter errors: every problem of a document at once, each with its field path.

use crate::prelude::*;

use alloc::borrow::Cow;

use core::fmt;

use crate::values::ValueError;

/// What kind of problem a [`ParamError`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ParamErrorKind {
    /// The document is not valid JSON.
    Syntax,
    /// The document is larger than [`MAX_DOCUMENT_BYTES`](super::MAX_DOCUMENT_BYTES).
    TooLarge,
    /// The document is valid JSON but not an object.
    NotAnObject,
    /// A key this parameter set does not define (possibly one of the predecessor broker's).
    UnknownKey,
    /// The same key appears twice in the object.
    DuplicateKey,
    /// A required field is absent or `null`.
    Required,
    /// A field has the wrong JSON type.
    WrongType,
    /// A value of the right type breaks a rule of its kind (an address, a domain, ...).
    InvalidValue,
    /// A list has more items than allowed.
    TooMany,
    /// A list holds the same item twice.
    DuplicateItem,
    /// An update tries to change a field that cannot change.
    Immutable,
    /// Two fields are each valid but do not fit together.
    Conflict,
}

/// One problem in a parameter document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamError {
    path: String,
    kind: ParamErrorKind,
    message: String,
}

/// The path used for problems with the document as a whole.
pub const ROOT_PATH: &str = "(root)";

impl ParamError {
    pub(crate) fn new(
        path: impl Into<String>,
        kind: ParamErrorKind,
        message: impl Into<String>,
    ) -> Self {
        Self {
            path: path.into(),
            kind,
            message: message.into(),
        }
    }

    pub(crate) fn root(kind: ParamErrorKind, message: impl Into<String>) -> Self {
        Self::new(ROOT_PATH, kind, message)
    }

    pub(crate) fn value(path: impl Into<String>, error: &ValueError) -> Self {
        Self::new(path, ParamErrorKind::InvalidValue, error.message())
    }

    /// The field path: `admin_email`, `dmarc_report_failure_recipients[2]`, or `(root)` for
    /// the document itself. An unknown key that is not a plain identifier is shown quoted
    /// and escaped.
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What kind of problem this is.
    #[must_use]
    pub const fn kind(&self) -> ParamErrorKind {
        self.kind
    }

    /// The problem, in words a `cf` user can act on.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

impl core::error::Error for ParamError {}

/// Most problems a [`ParamErrors`] lists; any more are only counted ("and N more").
pub const MAX_LISTED_PROBLEMS: usize = 20;

/// Problems as a document is read: the first [`MAX_LISTED_PROBLEMS`] kept, the rest counted.
/// A hostile document of thousands of bad keys then costs neither the time to word messages
/// nobody reads nor an error body many times its own size.
#[derive(Debug, Default)]
pub(crate) struct Problems {
    listed: Vec<ParamError>,
    more: usize,
}

impl Problems {
    pub(crate) fn push(&mut self, error: ParamError) {
        self.push_with(|| error);
    }

    /// Records a problem, building its message only when it will be listed.
    pub(crate) fn push_with(&mut self, make: impl FnOnce() -> ParamError) {
        if self.listed.len() < MAX_LISTED_PROBLEMS {
            self.listed.push(make());
        } else {
            self.more += 1;
        }
    }

    /// How many problems were found, listed or not.
    pub(crate) fn count(&self) -> usize {
        self.listed.len() + self.more
    }

    /// The problems found; `None` when there are none.
    pub(crate) fn into_errors(self) -> Option<ParamErrors> {
        if self.listed.is_empty() {
            None
        } else {
            Some(ParamErrors {
                listed: self.listed,
                more: self.more,
            })
        }
    }
}

/// Longest path and message quoted in an OSBAPI error body, in characters: a hostile key's
/// escaped excerpt is cut shorter than any message of ours.
const MAX_BODY_PATH_CHARS: usize = 100;
const MAX_BODY_MESSAGE_CHARS: usize = 400;
/// Most bytes the description of an OSBAPI error body takes once written as JSON: the whole
/// body then stays under 4 KiB however hostile the document was.
const MAX_DESCRIPTION_JSON_BYTES: usize = 3_800;

/// Every problem found in a parameter document (never empty): the first
/// [`MAX_LISTED_PROBLEMS`], in document order, and how many more there were.
///
/// `Display` prints one `path: message` line per listed problem, then `and N more problems`
/// when some were left out. [`Self::to_osbapi_body`] gives the body of the HTTP 400 response
/// an OSBAPI broker returns for it.
///
/// ```
/// use ses_broker::ProvisionParams;
/// let errors = ProvisionParams::from_json(r#"{"admin_emial": "a@agency.gov"}"#).unwrap_err();
/// let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
/// assert_eq!(lines, [
///     "admin_emial: unknown parameter; did you mean admin_email?",
///     "admin_email: is required: the address that receives reputation warnings",
/// ]);
/// assert_eq!(errors.http_status(), 400);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamErrors {
    listed: Vec<ParamError>,
    more: usize,
}

impl ParamErrors {
    pub(crate) fn one(error: ParamError) -> Self {
        Self {
            listed: vec![error],
            more: 0,
        }
    }

    /// The listed problems, in document order (missing required fields last).
    pub fn iter(&self) -> impl Iterator<Item = &ParamError> {
        self.listed.iter()
    }

    /// How many problems are listed (at least one, at most [`MAX_LISTED_PROBLEMS`]).
    #[must_use]
    pub fn len(&self) -> usize {
        self.listed.len()
    }

    /// Always `false`: a `ParamErrors` lists at least one problem.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.listed.is_empty()
    }

    /// How many more problems were found beyond the listed ones.
    #[must_use]
    pub const fn omitted(&self) -> usize {
        self.more
    }

    /// The HTTP status an OSBAPI broker answers with: 400 Bad Request (OSBAPI v2.17 allows
    /// it for invalid parameters on provision, update and bind; the deployed broker answers
    /// 500 for most of them, which Cloud Foundry reports as a broker fault).
    #[must_use]
    pub const fn http_status(&self) -> u16 {
        400
    }

    /// The OSBAPI error body: `{"error": "InvalidParameters", "description": "..."}`, the
    /// description listing the problems as `path: message`, separated by `; `, and ending in
    /// `and N more` when not all of them fit. However hostile the document, the body written
    /// as JSON stays under 4 KiB: a path is cut at 100 characters, a message at 400, and lines
    /// stop when the next would not fit.
    #[must_use]
    pub fn to_osbapi_body(&self) -> serde_json::Value {
        let mut description = String::from("invalid parameters: ");
        // Room is kept for the "; and N more" that may follow.
        let mut budget = MAX_DESCRIPTION_JSON_BYTES - description.len() - "; and 99999 more".len();
        let mut shown = 0usize;
        for problem in &self.listed {
            let line = format!(
                "{}: {}",
                cut(&problem.path, MAX_BODY_PATH_CHARS),
                cut(&problem.message, MAX_BODY_MESSAGE_CHARS)
            );
            let cost = json_len(&line) + "; ".len();
            if shown > 0 && cost > budget {
                break;
            }
            if shown > 0 {
                description.push_str("; ");
            }
            description.push_str(&line);
            budget = budget.saturating_sub(cost);
            shown += 1;
        }
        let left_out = self.listed.len() - shown + self.more;
        if left_out > 0 {
            description.push_str(&format!("; and {left_out} more"));
        }
        serde_json::json!({
            "error": "InvalidParameters",
            "description": description,
        })
    }
}

/// `text` cut to at most `max` characters, marked with `...` when cut.
fn cut(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        Some((at, _)) => Cow::Owned(format!("{}...", text.get(..at).unwrap_or_default())),
        None => Cow::Borrowed(text),
    }
}

/// The length of `text` written as a JSON string's content.
fn json_len(text: &str) -> usize {
    text.chars()
        .map(|c| match c {
            '"' | '\\' => 2,
            c if u32::from(c) < 0x20 => 6,
            c => c.len_utf8(),
        })
        .sum()
}

impl fmt::Display for ParamErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for e in &self.listed {
            if !first {
                f.write_str("\n")?;
            }
            first = false;
            write!(f, "{e}")?;
        }
        if self.more > 0 {
            write!(f, "\nand {} more problems", self.more)?;
        }
        Ok(())
    }
}

impl core::error::Error for ParamErrors {}

impl<'a> IntoIterator for &'a ParamErrors {
    type Item = &'a ParamError;
    type IntoIter = core::slice::Iter<'a, ParamError>;
    fn into_iter(self) -> Self::IntoIter {
        self.listed.iter()
    }
}
