//! Domain names: ASCII after UTS-46 mapping, lowercase, LDH labels, no confusable mixes.

use crate::prelude::*;

use unicode_script::{Script, UnicodeScript};

use super::{ValueError, ValueKind, describe_char, excerpt, string_value};

/// Longest domain name in presentation form, without the trailing dot (RFC 1035 §2.3.4:
/// 255 octets on the wire).
pub const MAX_DOMAIN_LEN: usize = 253;
/// Longest label (RFC 1035 §2.3.4).
pub const MAX_LABEL_LEN: usize = 63;
/// Most characters of input that UTS-46 mapping could still turn into a name of 253.
const MAX_MAPPED_INPUT_CHARS: usize = 4 * (MAX_DOMAIN_LEN + 1);

/// A fully qualified domain name, stored as lowercase A-labels without a trailing dot.
///
/// Accepts internationalised names and maps them with UTS-46 (`Bücher.Example` becomes
/// `xn--bcher-kva.example`); a single trailing dot (`.`, or a full stop UTS-46 maps to it,
/// such as `。`) is accepted and dropped. Refuses: empty labels, labels over 63 or names
/// over 253 characters, anything but letters, digits and inner hyphens (so no underscores,
/// spaces, quotes, `;` or control characters), `--` in the third and fourth position of a
/// label that is not a valid `xn--` A-label, single-label names, an all-numeric top-level
/// label (IP addresses are not domain names), invisible characters, labels that mix scripts
/// (Latin with Cyrillic, say), the usual way to make one name look like another, and a name
/// with a right-to-left label whose labels break the Bidi rule (RFC 5893) together. A-labels
/// are held to every rule their Unicode form is: `xn--ngb9c.8v.com` is refused as `لب.8v.com`
/// is.
///
/// ```
/// use ses_broker::values::DomainName;
/// let d: DomainName = "Agency.GOV.".parse()?;
/// assert_eq!(d.as_str(), "agency.gov");
/// let idn: DomainName = "bücher.example".parse()?;
/// assert_eq!(idn.to_string(), "xn--bcher-kva.example");
/// assert!("bad_name.gov".parse::<DomainName>().is_err());
/// # Ok::<(), ses_broker::values::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DomainName(String);

string_value!(DomainName);

fn err(message: impl Into<String>) -> ValueError {
    ValueError::new(ValueKind::DomainName, message)
}

/// Characters that render as nothing and that UTS-46 would silently drop or that hide a
/// name's real shape (soft hyphen, zero-width and bidirectional controls, variation
/// selectors, the byte-order mark, tags). Refused outright rather than mapped away, so that
/// `agen\u{AD}cy.gov` does not quietly become `agency.gov`.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        u32::from(c),
        0x00AD
            | 0x034F
            | 0x061C
            | 0x115F..=0x1160
            | 0x17B4..=0x17B5
            | 0x180B..=0x180F
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x206F
            | 0x3164
            | 0xFE00..=0xFE0F
            | 0xFEFF
            | 0xFFA0
            | 0x1BCA0..=0x1BCA3
            | 0xE0000..=0xE0FFF
    )
}

/// The full stops UTS-46 maps to `.`: a name may end in any one of them, as in the ASCII
/// dot, and it is dropped the same way (`agency.gov。` is `agency.gov`).
pub(crate) const FULL_STOPS: [char; 4] = ['.', '\u{3002}', '\u{FF0E}', '\u{FF61}'];

/// `input` without one trailing full stop ([`FULL_STOPS`]).
pub(crate) fn strip_trailing_dot(input: &str) -> &str {
    input.strip_suffix(FULL_STOPS).unwrap_or(input)
}

/// Maps a name or a run of labels (without a trailing dot) to lowercase A-labels with
/// UTS-46 and checks every label rule: the one path for domain names and MAIL FROM
/// subdomains, so both accept the same labels. Errors are of the domain-name kind.
///
/// One UTS-46 pass over the whole name, Unicode or A-labels alike, checks the IDNA rules
/// including the Bidi rule across labels; it is the costly step (tens of nanoseconds a
/// character), so the cheap refusals come first and nothing runs it twice.
pub(crate) fn to_a_labels(input: &str) -> Result<String, ValueError> {
    check_input_size(input)?;
    if let Some(c) = input
        .chars()
        .find(|&c| c.is_control() || c.is_whitespace() || is_invisible(c))
    {
        return Err(err(format!(
            "contains {}, which a domain name cannot hold",
            describe_char(c)
        )));
    }
    let ascii = if input.is_ascii() {
        let lower = input.to_ascii_lowercase();
        for label in lower.split('.') {
            check_label(label)?;
        }
        if has_a_label(&lower) && uts46_to_ascii(&lower).as_deref() != Some(lower.as_str()) {
            return Err(a_label_error(&lower));
        }
        lower
    } else {
        let mapped = uts46_to_ascii(input).ok_or_else(|| {
            err(format!(
                "{} is not a valid internationalised domain name (UTS-46)",
                excerpt(input)
            ))
        })?;
        for label in mapped.split('.') {
            check_label(label)?;
        }
        mapped
    };
    for label in ascii.split('.') {
        check_scripts(label)?;
    }
    Ok(ascii)
}

/// Refuses, before any mapping, input too long to map to a name: mapping shrinks text only
/// by composing a letter with its marks (NFC), at most four code points into one, and
/// punycode spends at least one character on each code point. This keeps a hostile megabyte
/// out of the character checks and the UTS-46 mapping.
fn check_input_size(input: &str) -> Result<(), ValueError> {
    let chars = input.chars().count();
    if chars > MAX_MAPPED_INPUT_CHARS {
        return Err(err(format!(
            "is {chars} characters long; a domain name has at most {MAX_DOMAIN_LEN}"
        )));
    }
    if let Some(label) = input
        .split(FULL_STOPS)
        .find(|label| label.chars().count() > 4 * MAX_LABEL_LEN)
    {
        return Err(err(format!(
            "label {} is {} characters long; a label has at most {MAX_LABEL_LEN}",
            excerpt(label),
            label.chars().count()
        )));
    }
    Ok(())
}

fn has_a_label(name: &str) -> bool {
    name.split('.').any(|label| label.starts_with("xn--"))
}

/// UTS-46 ToASCII with the STD3 rules and CheckBidi, `None` when the name breaks a rule.
fn uts46_to_ascii(name: &str) -> Option<String> {
    idna::uts46::Uts46::new()
        .to_ascii(
            name.as_bytes(),
            idna::uts46::AsciiDenyList::STD3,
            idna::uts46::Hyphens::Allow,
            idna::uts46::DnsLength::Ignore,
        )
        .ok()
        .map(alloc::borrow::Cow::into_owned)
}

/// Why an ASCII name with A-labels failed UTS-46: an A-label that is not the canonical
/// encoding of a valid label on its own, or else the Bidi rule across labels. Only run on
/// failure, so its extra passes cost nothing on the way to a valid name.
fn a_label_error(name: &str) -> ValueError {
    let bad_label = name.split('.').find(|label| {
        label.starts_with("xn--") && uts46_to_ascii(label).as_deref() != Some(*label)
    });
    match bad_label {
        Some(label) => err(format!(
            "label {} is not a valid internationalised (xn--) label",
            excerpt(label)
        )),
        None => bidi_error(name),
    }
}

fn bidi_error(name: &str) -> ValueError {
    err(format!(
        "{} has a right-to-left label, so every label must follow the Bidi rule of RFC 5893 (no label may start with a digit, for one), and one does not",
        excerpt(&idna::domain_to_unicode(name).0)
    ))
}

/// The cross-label Bidi rule (RFC 5893, UTS-46 CheckBidi): once any label of a name is
/// right-to-left, every label must satisfy the rule, so `xn--ngb9c.8v.com` (`لب.8v.com`) is
/// refused because `8v` starts with a digit. A label-by-label check cannot see this, and
/// the rule is the same whether the labels came as Unicode or as A-labels. `name` is
/// lowercase ASCII whose labels each passed [`to_a_labels`] on their own side of a join.
pub(crate) fn check_bidi(name: &str) -> Result<(), ValueError> {
    if has_a_label(name) && uts46_to_ascii(name).is_none() {
        return Err(bidi_error(name));
    }
    Ok(())
}

impl DomainName {
    /// Parses and canonicalises a domain name.
    ///
    /// # Errors
    /// A [`ValueError`] naming the first problem found (see the type's documentation for
    /// the rules).
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        if let Some(name) = fast_ascii(input) {
            return Ok(Self(name));
        }
        if input.is_empty() {
            return Err(err("must not be empty"));
        }
        let without_dot = strip_trailing_dot(input);
        if without_dot.is_empty() {
            return Err(err("must not be empty"));
        }
        let ascii = to_a_labels(without_dot)?;
        check_ascii_name(&ascii)?;
        Ok(Self(ascii))
    }

    /// The canonical form: lowercase A-labels, no trailing dot.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The labels, left to right.
    pub fn labels(&self) -> impl Iterator<Item = &str> {
        self.0.split('.')
    }

    /// The name for people to read: A-labels decoded back to Unicode.
    #[must_use]
    pub fn to_unicode(&self) -> String {
        idna::domain_to_unicode(&self.0).0
    }

    /// Whether `self` is `other` or a name below it (`mail.agency.gov` under `agency.gov`).
    #[must_use]
    pub fn is_within(&self, other: &Self) -> bool {
        self.0 == other.0
            || self
                .0
                .strip_suffix(&other.0)
                .is_some_and(|head| head.ends_with('.'))
    }

    /// Wraps a name the caller has proven valid and canonical.
    pub(crate) const fn from_canonical(name: String) -> Self {
        Self(name)
    }

    /// `label.self`, validated as a whole (the result must still fit 253 characters).
    ///
    /// # Errors
    /// A [`ValueError`] when the label or the longer name breaks a rule.
    pub fn child(&self, label: &str) -> Result<Self, ValueError> {
        Self::parse(&format!("{label}.{}", self.0))
    }
}

/// One pass over a plain ASCII name (without its trailing dot) that is valid as it stands,
/// the common case: `true` when every rule holds. `false` at the first doubt, so that the
/// careful path can name the problem or handle an internationalised or `xn--` name.
pub(crate) fn is_plain_valid(name: &str) -> bool {
    let bytes = name.as_bytes();
    if bytes.is_empty() || bytes.len() > MAX_DOMAIN_LEN {
        return false;
    }
    let (mut labels, mut label_len, mut all_digits, mut prev) = (1usize, 0usize, true, b'.');
    for &b in bytes {
        if b == b'.' {
            if label_len == 0 || prev == b'-' {
                return false;
            }
            labels += 1;
            label_len = 0;
            all_digits = true;
        } else {
            let hyphen = b == b'-';
            if !(b.is_ascii_alphanumeric() || hyphen)
                || (hyphen && (label_len == 0 || (label_len == 3 && prev == b'-')))
                || label_len == MAX_LABEL_LEN
            {
                return false;
            }
            label_len += 1;
            all_digits &= b.is_ascii_digit();
        }
        prev = b;
    }
    label_len > 0 && prev != b'-' && labels >= 2 && !all_digits
}

fn fast_ascii(input: &str) -> Option<String> {
    let name = input.strip_suffix('.').unwrap_or(input);
    is_plain_valid(name).then(|| name.to_ascii_lowercase())
}

/// The rules of a whole name, over labels [`to_a_labels`] has checked.
fn check_ascii_name(name: &str) -> Result<(), ValueError> {
    if name.len() > MAX_DOMAIN_LEN {
        return Err(err(format!(
            "is {} characters long; a domain name has at most {MAX_DOMAIN_LEN}",
            name.len()
        )));
    }
    let mut count = 0usize;
    let mut last = "";
    for label in name.split('.') {
        count += 1;
        last = label;
    }
    if count < 2 {
        return Err(err(format!(
            "{} has a single label; give a full domain such as agency.gov",
            excerpt(name)
        )));
    }
    if last.bytes().all(|b| b.is_ascii_digit()) {
        return Err(err(format!(
            "{} ends in an all-numeric label; IP addresses are not domain names",
            excerpt(name)
        )));
    }
    Ok(())
}

/// The shape of one ASCII label: length, letters, digits and inner hyphens, and `--` in the
/// third and fourth position only for an `xn--` A-label (whose validity UTS-46 checks).
fn check_label(label: &str) -> Result<(), ValueError> {
    if label.is_empty() {
        return Err(err(
            "has an empty label (a leading, trailing or doubled dot)",
        ));
    }
    if label.len() > MAX_LABEL_LEN {
        return Err(err(format!(
            "label {} is {} characters long; a label has at most {MAX_LABEL_LEN}",
            excerpt(label),
            label.len()
        )));
    }
    if let Some(c) = label
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        return Err(err(format!(
            "label {} contains {}; only letters, digits and hyphens are allowed",
            excerpt(label),
            describe_char(c)
        )));
    }
    if label.starts_with('-') || label.ends_with('-') {
        return Err(err(format!(
            "label {} starts or ends with a hyphen",
            excerpt(label)
        )));
    }
    if label.get(2..4) == Some("--") && !label.starts_with("xn--") {
        return Err(err(format!(
            "label {} has '--' in the third and fourth position, which is reserved for encoded labels",
            excerpt(label)
        )));
    }
    Ok(())
}

/// An A-label (already checked as a valid UTS-46 label) must spell a label of one script.
fn check_scripts(label: &str) -> Result<(), ValueError> {
    let Some(encoded) = label.strip_prefix("xn--") else {
        return Ok(());
    };
    let unicode = idna::punycode::decode_to_string(encoded).unwrap_or_default();
    if let Some((a, b)) = mixed_scripts(&unicode) {
        return Err(err(format!(
            "label {} mixes {} and {} letters, which makes it easy to mistake for another name",
            excerpt(&unicode),
            a.full_name(),
            b.full_name()
        )));
    }
    Ok(())
}

/// The first two scripts found in a label that may not be mixed, following the "highly
/// restrictive" profile of UTS 39 §5.2: one script, or Latin with Han and the Japanese
/// kana, with Han and Bopomofo, or with Han and Hangul.
fn mixed_scripts(label: &str) -> Option<(Script, Script)> {
    const ALLOWED_MIXES: [&[Script]; 3] = [
        &[
            Script::Latin,
            Script::Han,
            Script::Hiragana,
            Script::Katakana,
        ],
        &[Script::Latin, Script::Han, Script::Bopomofo],
        &[Script::Latin, Script::Han, Script::Hangul],
    ];
    let mut seen: Vec<Script> = Vec::new();
    for c in label.chars() {
        let script = c.script();
        if matches!(script, Script::Common | Script::Inherited | Script::Unknown) {
            continue;
        }
        if !seen.contains(&script) {
            seen.push(script);
        }
    }
    if seen.len() <= 1
        || ALLOWED_MIXES
            .iter()
            .any(|mix| seen.iter().all(|s| mix.contains(s)))
    {
        return None;
    }
    let mut scripts = seen.into_iter();
    Some((scripts.next()?, scripts.next()?))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    fn ok(s: &str) -> String {
        DomainName::parse(s).unwrap().to_string()
    }
    fn bad(s: &str) -> String {
        DomainName::parse(s).unwrap_err().to_string()
    }

    #[test]
    fn canonical_forms() {
        assert_eq!(ok("Agency.GOV"), "agency.gov");
        assert_eq!(ok("agency.gov."), "agency.gov");
        assert_eq!(ok("faß.de"), "xn--fa-hia.de");
        assert_eq!(ok("Bücher.Example"), "xn--bcher-kva.example");
        assert_eq!(ok("xn--bcher-kva.example"), "xn--bcher-kva.example");
        assert_eq!(ok("ａｇｅｎｃｙ.gov"), "agency.gov");
        assert_eq!(ok("3com.com"), "3com.com");
    }

    #[test]
    fn refusals_name_the_problem() {
        assert!(bad("").contains("empty"));
        assert!(bad("gov").contains("single label"));
        assert!(bad("a..gov").contains("empty label"));
        assert!(bad(".agency.gov").contains("empty label"));
        assert!(bad("agency.gov..").contains("empty label"));
        assert!(bad("x_y.gov").contains("'_'"));
        assert!(bad("a;b.gov").contains("';'"));
        assert!(bad("a\"b.gov").contains("'\"'"));
        assert!(bad("a b.gov").contains("a space"));
        assert!(bad("a\nb.gov").contains("U+000A"));
        assert!(bad("-a.gov").contains("hyphen"));
        assert!(bad("a-.gov").contains("hyphen"));
        assert!(bad("ab--c.gov").contains("reserved"));
        assert!(bad("xn--zz.gov").contains("xn--"));
        assert!(bad("10.0.0.1").contains("all-numeric"));
        assert!(bad("agen\u{AD}cy.gov").contains("U+00AD"));
        assert!(bad("agen\u{200B}cy.gov").contains("U+200B"));
        assert!(bad(&format!("{}.gov", "a".repeat(64))).contains("at most 63"));
        let long = format!("{}.gov", vec!["a".repeat(60); 5].join("."));
        assert!(bad(&long).contains("at most 253"));
    }

    #[test]
    fn mixed_script_labels_are_refused() {
        // Latin "pple" with a Cyrillic "а".
        assert!(bad("\u{0430}pple.com").contains("Cyrillic"));
        // One script is fine, and Japanese may mix Han and kana.
        assert_eq!(ok("пример.испытание"), "xn--e1afmkfd.xn--80akhbyknj4f");
        assert!(DomainName::parse("日本語の例.jp").is_ok());
    }

    /// The careful path alone, without the fast one.
    fn careful(name: &str) -> Result<String, ValueError> {
        let ascii = to_a_labels(strip_trailing_dot(name))?;
        check_ascii_name(&ascii)?;
        Ok(ascii)
    }

    #[test]
    fn fast_path_agrees_with_the_careful_path() {
        for name in [
            "agency.gov",
            "A.B",
            "a-b.c-d",
            "ab--c.gov",
            "xn--bcher-kva.example",
            "a..b",
            "-a.gov",
            "a-.gov",
            "1.2",
            "1.a2",
            "a.gov.",
            "a.gov..",
            ".a.gov",
            "a",
            "a.b-",
            "a.-b",
            "abc-.d",
            "ab-c.gov",
            "a--b.gov",
            "abc--d.gov",
        ] {
            if let Some(fast) = fast_ascii(name) {
                assert_eq!(Ok(fast), careful(name), "{name}");
            }
        }
        assert_eq!(fast_ascii("Agency.GOV."), Some("agency.gov".to_owned()));
        assert_eq!(fast_ascii("ab--c.gov"), None);
        assert_eq!(fast_ascii("a--b.gov").as_deref(), Some("a--b.gov"));
    }

    proptest::proptest! {
        #[test]
        fn fast_path_never_accepts_what_the_careful_path_refuses(name in "[a-zA-Z0-9.-]{0,80}") {
            if let Some(fast) = fast_ascii(&name) {
                proptest::prop_assert_eq!(Ok(fast), careful(&name));
            }
        }
    }

    #[test]
    fn length_limits_are_exact() {
        let label63 = "a".repeat(63);
        assert!(DomainName::parse(&format!("{label63}.gov")).is_ok());
        let name253 = format!("{}.{}.{}.{}", label63, label63, label63, "a".repeat(61));
        assert_eq!(name253.len(), 253);
        assert!(DomainName::parse(&name253).is_ok());
        assert!(DomainName::parse(&format!("{name253}a")).is_err());
    }

    #[test]
    fn within_and_child() {
        let apex = DomainName::parse("agency.gov").unwrap();
        let mail = apex.child("mail").unwrap();
        assert_eq!(mail.as_str(), "mail.agency.gov");
        assert!(mail.is_within(&apex));
        assert!(apex.is_within(&apex));
        assert!(!DomainName::parse("notagency.gov").unwrap().is_within(&apex));
    }
}
