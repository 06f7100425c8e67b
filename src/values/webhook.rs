//! HTTPS webhook URLs that SNS may deliver feedback notifications to.

use crate::prelude::*;

use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use url::{Host, Url};

use super::{DomainName, ValueError, ValueKind, describe_char, excerpt, string_value};

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
/// literals that are loopback, private, shared (CGNAT), link-local (including the
/// `169.254.169.254` metadata service), unspecified, documentation, multicast or reserved, in
/// any spelling the URL standard accepts (`https://2130706433/` is `127.0.0.1`), IPv6
/// forms of the same (unique-local, link-local, IPv4-mapped), control characters and
/// whitespace anywhere (the URL standard would silently delete them), and host names that
/// break a [`DomainName`] rule. The canonical form is the URL standard's serialisation.
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
        let url =
            Url::parse(input).map_err(|e| err(format!("{} is not a URL: {e}", excerpt(input))))?;
        if url.scheme() != "https" {
            return Err(err(format!(
                "uses {}; only https URLs are accepted",
                excerpt(url.scheme())
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
    match non_public_reason(ip) {
        None => Ok(()),
        Some(reason) => Err(err(format!(
            "host {ip} is {reason}; SNS must deliver to a public address"
        ))),
    }
}

/// Why an address is not a public unicast address, or `None` when it is.
fn non_public_reason(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => v4_reason(v4),
        IpAddr::V6(v6) => v6_reason(v6),
    }
}

fn v4_reason(ip: Ipv4Addr) -> Option<&'static str> {
    let [a, b, c, _] = ip.octets();
    if ip.is_loopback() {
        Some("a loopback address")
    } else if ip.is_link_local() {
        Some("a link-local address (the cloud metadata service lives there)")
    } else if ip.is_private() {
        Some("a private address")
    } else if a == 100 && (64..128).contains(&b) {
        Some("a shared (carrier-grade NAT) address")
    } else if ip.is_unspecified() || a == 0 {
        Some("an unspecified address")
    } else if ip.is_broadcast() || a >= 240 {
        Some("a reserved address")
    } else if ip.is_multicast() {
        Some("a multicast address")
    } else if ip.is_documentation() {
        Some("a documentation address")
    } else if a == 198 && (b == 18 || b == 19) {
        Some("a benchmarking address")
    } else if a == 192 && b == 0 && c == 0 {
        Some("an IETF protocol assignment address")
    } else {
        None
    }
}

fn v6_reason(ip: Ipv6Addr) -> Option<&'static str> {
    let segments = ip.segments();
    let first = segments.first().copied().unwrap_or_default();
    if let Some(v4) = ip.to_ipv4_mapped() {
        return v4_reason(v4);
    }
    // NAT64 (64:ff9b::/96) embeds an IPv4 address in the last 32 bits.
    if segments.get(..6) == Some(&[0x64, 0xff9b, 0, 0, 0, 0]) {
        let [.., hi, lo] = segments;
        return v4_reason(Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo)));
    }
    if ip.is_loopback() {
        Some("a loopback address")
    } else if ip.is_unspecified() {
        Some("an unspecified address")
    } else if first & 0xfe00 == 0xfc00 {
        Some("a unique-local (private) address")
    } else if first & 0xffc0 == 0xfe80 || first & 0xffc0 == 0xfec0 {
        Some("a link-local address")
    } else if ip.is_multicast() {
        Some("a multicast address")
    } else if first == 0x2001 && segments.get(1) == Some(&0x0db8) {
        Some("a documentation address")
    } else if segments.get(..6) == Some(&[0, 0, 0, 0, 0, 0]) {
        Some("an IPv4-compatible (deprecated) address")
    } else {
        None
    }
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
}
