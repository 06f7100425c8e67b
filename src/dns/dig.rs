//! Reading the answer lines `dig` prints (`dig +noall +answer`) into observed records.
//!
//! Hand-written: the crates that parse DNS presentation format are whole zone-file
//! parsers (with `$ORIGIN`, `$INCLUDE` and relative names) or resolvers; this needs one
//! line at a time, with line numbers in the errors, and nothing that does I/O.

use crate::prelude::*;

use core::fmt;

use crate::values::excerpt;

use super::ObservedRecord;
use super::check::mx_preference;
use super::record::MAX_CHARACTER_STRING;

/// At most this many problems are kept; the rest are counted.
const MAX_REPORTED: usize = 20;

/// One line of `dig` answer text that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct DigLineError {
    line: usize,
    problem: String,
}

impl DigLineError {
    /// The line number, from 1.
    #[must_use]
    pub const fn line(&self) -> usize {
        self.line
    }

    /// What is wrong with the line.
    #[must_use]
    pub fn problem(&self) -> &str {
        &self.problem
    }
}

/// Why `dig` answer text could not be read: the first 20 problem lines, and how many
/// more there were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigErrors {
    errors: Vec<DigLineError>,
    more: usize,
}

impl DigErrors {
    /// The problems kept, in line order (at most 20).
    pub fn iter(&self) -> impl Iterator<Item = &DigLineError> {
        self.errors.iter()
    }

    /// How many problem lines were found beyond those kept.
    #[must_use]
    pub const fn more(&self) -> usize {
        self.more
    }
}

impl fmt::Display for DigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{e}")?;
        }
        if self.more > 0 {
            write!(f, "; and {} more lines", self.more)?;
        }
        Ok(())
    }
}

impl core::error::Error for DigErrors {}

/// One field of a line: its text as written and, decoded, the bytes it stands for.
#[derive(Debug)]
struct Field<'a> {
    text: &'a str,
    bytes: Vec<u8>,
    quoted: bool,
}

/// Splits a line into fields by RFC 1035 §5.1's presentation rules: spaces and tabs
/// separate fields, `"..."` is one field that may hold spaces, `\X` stands for `X` and
/// `\DDD` for the byte DDD (decimal), `;` outside quotes starts a comment.
fn fields(line: &str) -> Result<Vec<Field<'_>>, String> {
    let mut out = Vec::new();
    let mut rest = line;
    loop {
        rest = rest.trim_start_matches([' ', '\t', '\r']);
        let Some(first) = rest.chars().next() else {
            break;
        };
        if first == ';' {
            break;
        }
        if first == '(' || first == ')' {
            return Err(
                "parentheses (a record over several lines) are not read here; run dig without +multiline"
                    .to_owned(),
            );
        }
        let quoted = first == '"';
        let body = if quoted {
            rest.get(1..).unwrap_or_default()
        } else {
            rest
        };
        let mut bytes = Vec::new();
        let mut chars = body.char_indices();
        let mut end = None;
        while let Some((at, c)) = chars.next() {
            match c {
                '"' if quoted => {
                    // `at` counts from after the opening quote; keep the closing one.
                    end = Some(at + 2);
                    break;
                }
                ' ' | '\t' | '\r' | ';' | '"' | '(' | ')' if !quoted => {
                    end = Some(at);
                    break;
                }
                '\\' => match chars.next() {
                    Some((_, d1)) if d1.is_ascii_digit() => {
                        let d2 = chars.next().map(|(_, c)| c);
                        let d3 = chars.next().map(|(_, c)| c);
                        let value = [Some(d1), d2, d3]
                            .into_iter()
                            .try_fold(0u32, |acc, d| Some(acc * 10 + d?.to_digit(10)?));
                        match value.and_then(|v| u8::try_from(v).ok()) {
                            Some(b) => bytes.push(b),
                            None => {
                                return Err(format!(
                                    "a backslash escape in {} is not \\ and three digits up to 255",
                                    excerpt(rest)
                                ));
                            }
                        }
                    }
                    Some((_, c)) => push_char(&mut bytes, c),
                    None => return Err(format!("{} ends in a lone backslash", excerpt(rest))),
                },
                c => push_char(&mut bytes, c),
            }
        }
        let consumed = match end {
            Some(at) => at,
            None if quoted => {
                return Err(format!("the quoted string {} is not closed", excerpt(rest)));
            }
            None => rest.len(),
        };
        let (text, tail) = rest.split_at_checked(consumed).unwrap_or((rest, ""));
        out.push(Field {
            text,
            bytes,
            quoted,
        });
        rest = tail;
    }
    Ok(out)
}

fn push_char(bytes: &mut Vec<u8>, c: char) {
    let mut buf = [0; 4];
    bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
}

/// A TTL as `dig` prints it: seconds, or with `+ttlunits` groups such as `1h30m`.
fn is_ttl(text: &str) -> bool {
    if text.chars().all(|c| c.is_ascii_digit()) {
        return text.parse::<u32>().is_ok();
    }
    let mut digits = 0usize;
    for c in text.chars() {
        match c {
            '0'..='9' => digits += 1,
            'w' | 'd' | 'h' | 'm' | 's' | 'W' | 'D' | 'H' | 'M' | 'S' if digits > 0 => digits = 0,
            _ => return false,
        }
    }
    digits == 0
}

fn is_class(text: &str) -> bool {
    ["IN", "CH", "CS", "HS", "NONE", "ANY"]
        .iter()
        .any(|c| text.eq_ignore_ascii_case(c))
        || text
            .get(..5)
            .is_some_and(|p| p.eq_ignore_ascii_case("CLASS"))
            && text
                .get(5..)
                .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()) && n.parse::<u16>().is_ok())
}

/// A type mnemonic (`TXT`, `NSEC3PARAM`) or the generic `TYPEnnn`.
fn is_type(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic())
        && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// Reads one non-blank, non-comment line.
fn record(line: &str) -> Result<Option<ObservedRecord>, String> {
    let fields = fields(line)?;
    let mut it = fields.iter().peekable();
    let Some(name) = it.next() else {
        return Ok(None);
    };
    if name.quoted {
        return Err(format!(
            "the line starts with the quoted string {}, not a name",
            excerpt(name.text)
        ));
    }
    if it.peek().is_some_and(|f| !f.quoted && is_ttl(f.text)) {
        it.next();
    }
    if it.peek().is_some_and(|f| !f.quoted && is_class(f.text)) {
        it.next();
    }
    let rtype = match it.next() {
        Some(f) if !f.quoted && is_type(f.text) => f.text,
        Some(f) => {
            return Err(format!(
                "expected a TTL, a class or a record type after the name, found {}",
                excerpt(f.text)
            ));
        }
        None => {
            return Err(format!(
                "{} has no record type; a line reads name TTL class type data",
                excerpt(name.text)
            ));
        }
    };
    let data: Vec<&Field<'_>> = it.collect();
    let upper = rtype.to_ascii_uppercase();
    if data.is_empty() {
        return Err(format!(
            "the {upper} record at {} has no data",
            excerpt(name.text)
        ));
    }
    let one_name = |what: &str| -> Result<String, String> {
        match data.as_slice() {
            [target] if !target.quoted => Ok(target.text.to_owned()),
            _ => Err(format!(
                "the {upper} record at {} must hold one {what}, found {}",
                excerpt(name.text),
                excerpt(&joined(&data))
            )),
        }
    };
    let values = match upper.as_str() {
        "TXT" => vec![txt(&data)?],
        "CNAME" => vec![one_name("target name")?],
        "NS" => vec![one_name("host name")?],
        "MX" => match data.as_slice() {
            [pref, host] if !pref.quoted && !host.quoted && mx_preference(pref.text).is_some() => {
                vec![format!("{} {}", pref.text, host.text)]
            }
            _ => {
                return Err(format!(
                    "the MX record at {} must hold a preference (0 to 65535) and a host name, found {}",
                    excerpt(name.text),
                    excerpt(&joined(&data))
                ));
            }
        },
        _ => vec![joined(&data)],
    };
    Ok(Some(ObservedRecord::decoded(name.text, rtype, values)))
}

fn joined(data: &[&Field<'_>]) -> String {
    data.iter().map(|f| f.text).collect::<Vec<_>>().join(" ")
}

/// The character-strings of one TXT record, concatenated as readers see them, and
/// decoded as UTF-8 once the bytes are whole (a multi-byte character may be split across
/// two strings).
fn txt(data: &[&Field<'_>]) -> Result<String, String> {
    let mut bytes = Vec::new();
    for (i, f) in data.iter().enumerate() {
        if f.bytes.len() > MAX_CHARACTER_STRING {
            return Err(format!(
                "the TXT character-string {} is {} bytes long; a string holds at most {MAX_CHARACTER_STRING}",
                i + 1,
                f.bytes.len()
            ));
        }
        bytes.extend_from_slice(&f.bytes);
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

impl ObservedRecord {
    /// Reads `dig` answer lines, as `dig +noall +answer` prints them: `name TTL class type
    /// data`, one record a line, the output of several runs concatenated.
    ///
    /// - TTL and class may be left out (`+nottlid`, `+nocl`); a TTL may carry units
    ///   (`+ttlunits`).
    /// - TXT data is one or more character-strings, quoted or not, with `\X` and `\DDD`
    ///   escapes as `dig` and zone files write them; they are concatenated (bytes that
    ///   are not UTF-8 become U+FFFD). CNAME and NS data is one name, MX a preference and a
    ///   host. Data of other types is kept as written.
    /// - Blank lines and `;` comments (the lines `dig` prints around its answers) are
    ///   skipped. A zone fragment such as [`RequiredRecords::to_zone_file`] writes reads
    ///   the same way.
    ///
    /// ```
    /// use ses_broker::dns::ObservedRecord;
    /// let text = "\
    /// ; <<>> DiG 9.18 <<>> @127.0.0.1 TXT _dmarc.agency.gov
    /// _dmarc.agency.gov.\t600\tIN\tTXT\t\"v=DMARC1; p=reject; \" \"rua=mailto:a@agency.gov\"
    /// mail.agency.gov.\t600\tIN\tMX\t10 feedback-smtp.us-gov-west-1.amazonses.com.
    /// ";
    /// let records = ObservedRecord::parse_dig(text)?;
    /// assert_eq!(records[0].name(), "_dmarc.agency.gov");
    /// assert_eq!(records[0].data(), ["v=DMARC1; p=reject; rua=mailto:a@agency.gov"]);
    /// assert_eq!(records[1].record_type(), "MX");
    ///
    /// let e = ObservedRecord::parse_dig("agency.gov. 600 IN TXT \"v=spf1")
    ///     .unwrap_err();
    /// assert_eq!(e.to_string(), "line 1: the quoted string \"\\\"v=spf1\" is not closed");
    /// # Ok::<(), ses_broker::dns::DigErrors>(())
    /// ```
    ///
    /// # Errors
    /// [`DigErrors`] listing each line that cannot be read (the first 20) with its number:
    /// the text is refused as a whole, so that a misread record is never checked.
    ///
    /// [`RequiredRecords::to_zone_file`]: super::RequiredRecords::to_zone_file
    pub fn parse_dig(text: &str) -> Result<Vec<Self>, DigErrors> {
        let mut records = Vec::new();
        let mut errors = Vec::new();
        let mut more = 0;
        for (i, line) in text.lines().enumerate() {
            match record(line) {
                Ok(Some(r)) => records.push(r),
                Ok(None) => {}
                Err(problem) if errors.len() < MAX_REPORTED => errors.push(DigLineError {
                    line: i + 1,
                    problem,
                }),
                Err(_) => more += 1,
            }
        }
        if errors.is_empty() {
            Ok(records)
        } else {
            Err(DigErrors { errors, more })
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    fn one(line: &str) -> ObservedRecord {
        let mut records = ObservedRecord::parse_dig(line).unwrap();
        assert_eq!(records.len(), 1, "{line}");
        records.remove(0)
    }

    fn problem(text: &str) -> String {
        ObservedRecord::parse_dig(text).unwrap_err().to_string()
    }

    #[test]
    fn txt_strings_are_unescaped_and_concatenated() {
        let r = one("A.Example.\t600\tIN\tTXT\t\"v=spf1 \" \"a\\\"b\\\\c\\195\\169 ;x\"");
        assert_eq!(r.name(), "a.example");
        assert_eq!(r.record_type(), "TXT");
        assert_eq!(r.data(), ["v=spf1 a\"b\\cé ;x"]);
        // A multi-byte character split across two strings is whole again.
        assert_eq!(one("a.example. TXT \"\\195\" \"\\169\"").data(), ["é"]);
        // Unquoted strings, as zone files allow them, and a trailing comment.
        assert_eq!(one("a.example. 1h IN TXT v=spf1 ; note").data(), ["v=spf1"]);
        // A string that starts with a quote is text, never unquoted a second time.
        assert_eq!(
            one("a.example. 600 IN TXT \"\\\"x\\\" \\\"y\\\"\"").data(),
            ["\"x\" \"y\""]
        );
    }

    #[test]
    fn ttl_and_class_may_be_left_out() {
        for line in [
            "a.example. 600 IN CNAME b.example.",
            "a.example. IN CNAME b.example.",
            "a.example. 600 CNAME b.example.",
            "a.example. CNAME b.example.",
            "a.example. 1w2d3h4m5s CLASS1 cname b.example.",
        ] {
            let r = one(line);
            assert_eq!(
                (r.record_type(), r.data()),
                ("CNAME", &["b.example.".to_owned()][..])
            );
        }
    }

    #[test]
    fn comments_and_blank_lines_are_skipped() {
        let text = "\n; <<>> DiG 9.18.47 <<>> x\n;; global options: +cmd\n  \n\r\na.example. 600 IN NS ns.example.\n";
        assert_eq!(ObservedRecord::parse_dig(text).unwrap().len(), 1);
    }

    #[test]
    fn other_types_keep_their_data() {
        let r = one("a.example. 600 IN SOA ns.example. host.example. 1 2 3 4 5");
        assert_eq!(r.data(), ["ns.example. host.example. 1 2 3 4 5"]);
    }

    #[test]
    fn bad_lines_are_refused_with_their_numbers() {
        assert_eq!(
            problem("a.example. 600 IN MX feedback.example.\n\nb.example. 600 IN CNAME x. y."),
            "line 1: the MX record at \"a.example.\" must hold a preference (0 to 65535) and a host name, found \"feedback.example.\"; \
             line 3: the CNAME record at \"b.example.\" must hold one target name, found \"x. y.\""
        );
        assert!(problem("a.example. 600 IN TXT").contains("has no data"));
        assert!(problem("a.example. 600 IN MX +10 b.example.").contains("a preference"));
        assert!(problem("a.example. 600 IN MX 65536 b.example.").contains("a preference"));
        assert!(problem("a.example.").contains("has no record type"));
        assert!(problem("a.example. 600 IN 7 x").contains("found \"7\""));
        assert!(problem("\"a\" 600 IN TXT x").contains("not a name"));
        assert!(problem("a.example. 600 IN TXT \"\\256\"").contains("three digits up to 255"));
        assert!(problem("a.example. 600 IN TXT x\\").contains("lone backslash"));
        assert!(problem("a.example. 600 IN SOA ns. host. ( 1 2 3 4 5 )").contains("+multiline"));
        let long = format!("a.example. 600 IN TXT \"{}\"", "x".repeat(256));
        assert!(problem(&long).contains("256 bytes long"));
    }

    #[test]
    fn many_bad_lines_report_twenty_and_count_the_rest() {
        let text = "bad\n".repeat(25);
        let e = ObservedRecord::parse_dig(&text).unwrap_err();
        assert_eq!(e.iter().count(), 20);
        assert_eq!(e.more(), 5);
        assert!(e.to_string().ends_with("; and 5 more lines"));
    }
}
