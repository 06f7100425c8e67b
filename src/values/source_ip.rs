//! IP address ranges for a binding's `aws:SourceIp` condition.

use crate::prelude::*;

use core::net::IpAddr;
use core::str::FromStr;

use ipnet::IpNet;

use super::{ValueError, ValueKind, excerpt, string_value};

/// An IPv4 or IPv6 network in CIDR notation (`203.0.113.0/24`, `2001:db8::/32`); a bare
/// address is a single-host network (`203.0.113.7` is `203.0.113.7/32`).
///
/// A range with host bits set (`10.0.0.5/24`) is refused with the network it probably
/// means, rather than silently widened or narrowed. The canonical form is the one IAM
/// policies use: address, slash, prefix length.
///
/// ```
/// use ses_broker::values::SourceIp;
/// let net: SourceIp = "203.0.113.7".parse()?;
/// assert_eq!(net.to_string(), "203.0.113.7/32");
/// assert!("10.0.0.5/24".parse::<SourceIp>().unwrap_err().to_string().contains("10.0.0.0/24"));
/// # Ok::<(), ses_broker::values::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceIp {
    net: IpNet,
    text: String,
}

string_value!(SourceIp);

fn err(message: impl Into<String>) -> ValueError {
    ValueError::new(ValueKind::SourceIp, message)
}

impl SourceIp {
    /// Parses a CIDR range or a single address.
    ///
    /// # Errors
    /// A [`ValueError`] when the input is not an address or range, or has host bits set.
    pub fn parse(input: &str) -> Result<Self, ValueError> {
        if input.is_empty() {
            return Err(err("must not be empty"));
        }
        // The standard library's address parser, not ipnet's, for both forms: it refuses a
        // leading zero in any IPv4 octet (`010.8.0.0`, which inet_aton reads as octal 8.8.0.0:
        // CVE-2021-29921), where ipnet's reads it as decimal.
        let (addr_text, prefix_text) = match input.split_once('/') {
            Some((addr, prefix)) => (addr, Some(prefix)),
            None => (input, None),
        };
        let addr = IpAddr::from_str(addr_text).map_err(|_| {
            let why = if has_zero_padded_octet(addr_text) {
                "; an IPv4 octet must not start with 0 (010 is 8 to some readers and 10 to others)"
            } else {
                ""
            };
            err(format!(
                "{} is not an IP address or a CIDR range such as 203.0.113.0/24{why}",
                excerpt(input)
            ))
        })?;
        let net = match prefix_text {
            None => IpNet::from(addr),
            Some(prefix) => prefix_len(prefix)
                .and_then(|len| IpNet::new(addr, len).ok())
                .ok_or_else(|| {
                    err(format!(
                        "{} is not an IP range in CIDR notation such as 203.0.113.0/24 (the prefix length is 0 to {} in decimal)",
                        excerpt(input),
                        if addr.is_ipv4() { 32 } else { 128 }
                    ))
                })?,
        };
        if net.trunc() != net {
            return Err(err(format!(
                "{net} has bits set after the prefix; did you mean {}?",
                net.trunc()
            )));
        }
        Ok(Self {
            net,
            text: net.to_string(),
        })
    }

    /// The canonical CIDR form.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The network.
    #[must_use]
    pub const fn net(&self) -> IpNet {
        self.net
    }
}

/// A prefix length: decimal digits, no sign, no leading zero (one spelling for each).
fn prefix_len(text: &str) -> Option<u8> {
    let plain = !text.is_empty()
        && text.len() <= 3
        && text.bytes().all(|b| b.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    plain.then(|| text.parse().ok()).flatten()
}

/// Whether an address that failed to parse has a dotted octet written with a leading zero.
fn has_zero_padded_octet(addr: &str) -> bool {
    addr.rsplit(':')
        .next()
        .unwrap_or_default()
        .split('.')
        .any(|octet| {
            octet.len() > 1 && octet.starts_with('0') && octet.bytes().all(|b| b.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    #[test]
    fn v4_v6_and_single_hosts() {
        assert_eq!(
            SourceIp::parse("203.0.113.0/24").unwrap().as_str(),
            "203.0.113.0/24"
        );
        assert_eq!(
            SourceIp::parse("2001:DB8::/32").unwrap().as_str(),
            "2001:db8::/32"
        );
        assert_eq!(
            SourceIp::parse("2001:db8::1").unwrap().as_str(),
            "2001:db8::1/128"
        );
        assert_eq!(SourceIp::parse("0.0.0.0/0").unwrap().as_str(), "0.0.0.0/0");
    }

    #[test]
    fn refusals() {
        for bad in [
            "",
            "10.0.0.0/33",
            "10.0.0/8",
            "010.0.0.1",
            "10.0.0.1/",
            "host.gov",
            "1.2.3.4 ",
            "::1/129",
        ] {
            assert!(SourceIp::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(
            SourceIp::parse("2001:db8::1/32")
                .unwrap_err()
                .to_string()
                .contains("2001:db8::/32")
        );
    }
}
