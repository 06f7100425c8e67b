//! HTTPS webhook URLs that SNS may deliver feedback notifications to.

use crate::prelude::*;

use core::net::IpAddr;

use percent_encoding::percent_decode_str;
use url::{Host, Url};

use super::domain::is_invisible;
use super::{
    DomainName, ValueError, ValueKind, check_public_ip, describe_char, excerpt, string_value,
};

/// Longest URL accepted.
const MAX_URL_LEN: usize = 2048;

/// Top-level or trailing names that only resolve inside a network (or not at all), and so
/// would point SNS at nothing or at something private.
const PRIVATE_SUFFIXES: [&str; 8] = [
    "localhost",
    "local",
    "localdomain",
    "internal",
    "home.arpa",
    "arpa",
    "invalid",
    "onion",
];

/// An `https` URL on a public host name or public IP address, with no user-info.
///
/// Refused: other schemes, user names and passwords, names that only resolve privately
/// (`localhost`, `*.internal` such as `metadata.google.internal`, `*.local`, ...), IP
/// literals that [`check_public_ip`] refuses (loopback, private, shared (CGNAT), link-local
/// including the `169.254.169.254` metadata service, unspecified, documentation,
/// benchmarking, multicast or reserved, and every IPv6 form around such an IPv4 address:
/// IPv4-mapped, NAT64, 6to4, Teredo, SIIT, IPv4-compatible) in any spelling the URL standard
/// accepts (`https://2130706433/` is `127.0.0.1`), control characters and whitespace
/// anywhere, invisible characters in the host (soft hyphen, zero-width characters, the
/// byte-order mark, variation selectors: the URL standard would silently delete them), and
/// host names that break a [`DomainName`] rule. The canonical form is the URL standard's
/// serialisation.
///
/// A host name is checked as a name only: `127.0.0.1.nip.io` is well formed, public by its
/// suffix, and resolves to loopback. Resolving is I/O, which this crate does not do; a
/// caller that wants the guarantee for names too resolves the host and applies
/// [`check_public_ip`] (or [`is_public_ip`](super::is_public_ip)) to every address it gets.
///
/// ```
/// use ses_broker::values::WebhookUrl;
/// let hook: WebhookUrl = "https://hooks.agency.gov/ses?k=1".parse()?;
/// assert_eq!(hook.host(), "hooks.agency.gov");
/// assert!("https://169.254.169.254/latest".parse::<WebhookUrl>().is_err());
/// assert!("http://hooks.agency.gov/".parse::<WebhookUrl>().is_err());
/// # Ok::<(), ses_broker::values::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WebhookUrl(Url);

string_value!(WebhookUrl);

fn err(message: impl Into<String>) -> ValueError {
    ValueError::new(ValueKind::WebhookUrl, message)
}

impl WebhookUrl {
    /// Parses and checks a webhook URL.
    ///
    /// # Errors
    /// A [`ValueError`] naming the first problem found.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        if input.is_empty() {
            return Err(err("must not be empty"));
        }
        if input.len() > MAX_URL_LEN {
            return Err(err(format!(
                "is {} characters long; at most {MAX_URL_LEN} are allowed",
                input.len()
            )));
        }
        if let Some(c) = input.chars().find(|&c| c.is_control() || c.is_whitespace()) {
            return Err(err(format!("contains {}", describe_char(c))));
        }
        check_raw_host(input)?;
        let url =
            Url::parse(input).map_err(|e| err(format!("{} is not a URL: {e}", excerpt(input))))?;
        if url.scheme() != "https" {
            return Err(err(format!(
                "uses {}; only https URLs are accepted",
                excerpt(url.scheme())
            )));
        }
        // The URL standard percent-encodes what it serialises (`é` in a path becomes
        // `%C3%A9`), so the canonical form can outgrow the input: it is held to the same
        // limit, or a value accepted once would be refused when read back.
        let canonical = url.as_str().len();
        if canonical > MAX_URL_LEN {
            return Err(err(format!(
                "is {canonical} characters long once percent-encoded; at most {MAX_URL_LEN} are allowed"
            )));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(err("must not carry a user name or password"));
        }
        match url.host() {
            None => return Err(err("has no host")),
            Some(Host::Domain(name)) => check_host_name(name)?,
            Some(Host::Ipv4(ip)) => check_ip(IpAddr::V4(ip))?,
            Some(Host::Ipv6(ip)) => check_ip(IpAddr::V6(ip))?,
        }
        Ok(Self(url))
    }

    /// The canonical URL.
    #[must_use]
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The host: a lowercase A-label name, an IPv4 address, or a bracketed IPv6 address.
    #[must_use]
    pub fn host(&self) -> &str {
        self.0.host_str().unwrap_or_default()
    }

    /// The parsed URL.
    #[must_use]
    pub const fn url(&self) -> &Url {
        &self.0
    }
}

fn check_host_name(name: &str) -> Result<(), ValueError> {
    let domain = DomainName::parse(name).map_err(|e| err(format!("has an invalid host: {e}")))?;
    let host = domain.as_str();
    if let Some(suffix) = PRIVATE_SUFFIXES.iter().find(|s| {
        host.strip_suffix(**s)
            .is_some_and(|head| head.is_empty() || head.ends_with('.'))
    }) {
        return Err(err(format!(
            "host {} is under .{suffix}, which does not resolve publicly",
            excerpt(host)
        )));
    }
    Ok(())
}

fn check_ip(ip: IpAddr) -> Result<(), ValueError> {
    check_public_ip(ip).map_err(|why| {
        err(format!(
            "host {ip} is {why}; SNS must deliver to a public address"
        ))
    })
}

/// The authority of a URL as written (`user@host:port`), before the URL standard's host
/// parser percent-decodes it and maps it with UTS-46, deleting invisible characters on the
/// way. Follows the standard's reading of special schemes: any run of `/` or `\` after the
/// colon, then everything up to the first `/`, `\`, `?` or `#`.
fn raw_authority(input: &str) -> &str {
    let after_scheme = input.split_once(':').map_or("", |(_, rest)| rest);
    let start = after_scheme.trim_start_matches(['/', '\\']);
    start
        .split(['/', '\\', '?', '#'])
        .next()
        .unwrap_or_default()
}

/// Refuses in the written host what [`DomainName`] refuses, and what the URL parser would
/// otherwise silently delete: soft hyphens, zero-width characters, the byte-order mark,
/// variation selectors (also percent-encoded).
fn check_raw_host(input: &str) -> Result<(), ValueError> {
    let authority = raw_authority(input);
    let decoded = percent_decode_str(authority).decode_utf8_lossy();
    if let Some(c) = decoded.chars().find(|&c| is_invisible(c)) {
        return Err(err(format!(
            "has {} in its host, which a domain name cannot hold",
            describe_char(c)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    fn bad(s: &str) -> String {
        WebhookUrl::parse(s).unwrap_err().to_string()
    }

    #[test]
    fn accepts_public_https() {
        let h = WebhookUrl::parse("https://Hooks.Agency.gov:8443/ses/feedback?x=1").unwrap();
        assert_eq!(h.as_str(), "https://hooks.agency.gov:8443/ses/feedback?x=1");
        assert_eq!(
            WebhookUrl::parse("https://203.0.114.9/").unwrap().host(),
            "203.0.114.9"
        );
        assert!(WebhookUrl::parse("https://[2600:1f14::1]/x").is_ok());
    }

    #[test]
    fn refuses_other_schemes_and_userinfo() {
        assert!(bad("http://hooks.agency.gov/").contains("only https"));
        assert!(bad("ftp://hooks.agency.gov/").contains("only https"));
        assert!(bad("https://user:pw@hooks.agency.gov/").contains("user name"));
        assert!(bad("https://user@hooks.agency.gov/").contains("user name"));
        assert!(bad("hooks.agency.gov/path").contains("not a URL"));
    }

    #[test]
    fn refuses_private_and_metadata_hosts() {
        assert!(bad("https://localhost/").contains("single label"));
        assert!(bad("https://app.localhost/").contains(".localhost"));
        assert!(bad("https://metadata.google.internal/").contains(".internal"));
        assert!(bad("https://printer.local/").contains(".local"));
        assert!(bad("https://127.0.0.1/").contains("loopback"));
        assert!(bad("https://2130706433/").contains("loopback"));
        assert!(bad("https://0x7f.1/").contains("loopback"));
        assert!(bad("https://169.254.169.254/latest/meta-data").contains("link-local"));
        assert!(bad("https://10.1.2.3/").contains("private"));
        assert!(bad("https://172.16.0.1/").contains("private"));
        assert!(bad("https://192.168.1.1/").contains("private"));
        assert!(bad("https://100.100.100.200/").contains("shared"));
        assert!(bad("https://0.0.0.0/").contains("unspecified"));
        assert!(bad("https://[::1]/").contains("loopback"));
        assert!(bad("https://[fd00:ec2::254]/").contains("unique-local"));
        assert!(bad("https://[fe80::1]/").contains("link-local"));
        assert!(bad("https://[::ffff:169.254.169.254]/").contains("link-local"));
        assert!(bad("https://[64:ff9b::a9fe:a9fe]/").contains("link-local"));
    }

    #[test]
    fn refuses_hidden_characters_and_bad_names() {
        assert!(bad("https://hooks.agency.gov/a\nb").contains("U+000A"));
        assert!(bad(" https://hooks.agency.gov/").contains("a space"));
        assert!(bad("https://ho_oks.agency.gov/").contains("'_'"));
        assert!(bad("https://\u{0430}pple.com/").contains("Cyrillic"));
        assert!(bad(&format!("https://a.gov/{}", "x".repeat(2100))).contains("at most 2048"));
    }

    #[test]
    fn the_canonical_form_is_held_to_the_limit_and_reparses() {
        // 14 + 700 * 2 = 1,414 bytes as written; 14 + 700 * 6 = 4,214 once encoded.
        let long = format!("https://a.gov/{}", "\u{e9}".repeat(700));
        let message = bad(&long);
        assert!(
            message.contains("4214 characters long once percent-encoded"),
            "{message}"
        );
        // Just under the limit once encoded: accepted, and its canonical form reparses to
        // the same value.
        let fits = format!("https://a.gov/{}", "\u{e9}".repeat((2048 - 14) / 6));
        let hook = WebhookUrl::parse(&fits).unwrap();
        assert!(hook.as_str().len() <= 2048);
        assert_eq!(WebhookUrl::parse(hook.as_str()).ok(), Some(hook));
    }
}
