//! Parameter errors: every problem of a document at once, each with its field path.

use crate::prelude::*;

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

/// Every problem found in a parameter document (never empty).
///
/// `Display` prints one `path: message` line per problem. [`Self::to_osbapi_body`] gives the
/// body of the HTTP 400 response an OSBAPI broker returns for it.
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
pub struct ParamErrors(Vec<ParamError>);

impl ParamErrors {
    /// Wraps a non-empty list of problems; `None` when there are none.
    pub(crate) fn from_vec(errors: Vec<ParamError>) -> Option<Self> {
        if errors.is_empty() {
            None
        } else {
            Some(Self(errors))
        }
    }

    pub(crate) fn one(error: ParamError) -> Self {
        Self(vec![error])
    }

    /// The problems, in document order (missing required fields last).
    pub fn iter(&self) -> impl Iterator<Item = &ParamError> {
        self.0.iter()
    }

    /// How many problems there are (at least one).
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always `false`: a `ParamErrors` holds at least one problem.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The HTTP status an OSBAPI broker answers with: 400 Bad Request (OSBAPI v2.17 allows
    /// it for invalid parameters on provision, update and bind; the deployed broker answers
    /// 500 for most of them, which Cloud Foundry reports as a broker fault).
    #[must_use]
    pub const fn http_status(&self) -> u16 {
        400
    }

    /// The OSBAPI error body: `{"error": "InvalidParameters", "description": "..."}`, the
    /// description listing every problem as `path: message`, separated by `; `.
    #[must_use]
    pub fn to_osbapi_body(&self) -> serde_json::Value {
        let list: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        serde_json::json!({
            "error": "InvalidParameters",
            "description": format!("invalid parameters: {}", list.join("; ")),
        })
    }
}

impl fmt::Display for ParamErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for e in &self.0 {
            if !first {
                f.write_str("\n")?;
            }
            first = false;
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl core::error::Error for ParamErrors {}

impl<'a> IntoIterator for &'a ParamErrors {
    type Item = &'a ParamError;
    type IntoIter = core::slice::Iter<'a, ParamError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}
