//! Which IP addresses are public: the check behind [`WebhookUrl`](super::WebhookUrl), exported
//! so a caller can apply it to the addresses a host name resolves to.

use core::fmt;
use core::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why an IP address is not a public unicast address, as [`check_public_ip`] reports it.
///
/// `Display` gives a lowercase noun phrase that reads after "is": `a loopback address`, or
/// for an IPv6 form that carries an IPv4 address, that address and why it is not public
/// (`a 6to4 address embedding 169.254.169.254, a link-local address (...)`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NonPublicIp {
    what: &'static str,
    embedded: Option<(Ipv4Addr, &'static str)>,
}

impl NonPublicIp {
    const fn plain(what: &'static str) -> Self {
        Self {
            what,
            embedded: None,
        }
    }

    /// The IPv4 address an IPv6 form carries, when that address is itself not public.
    #[must_use]
    pub fn embedded_ipv4(&self) -> Option<Ipv4Addr> {
        self.embedded.map(|(ip, _)| ip)
    }
}

impl fmt::Display for NonPublicIp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.what)?;
        if let Some((ip, why)) = self.embedded {
            write!(f, " embedding {ip}, {why}")?;
        }
        Ok(())
    }
}

impl core::error::Error for NonPublicIp {}

/// Whether `ip` is a public unicast address: [`check_public_ip`] without the reason.
///
/// ```
/// use core::net::IpAddr;
/// use ses_broker::values::is_public_ip;
/// assert!(is_public_ip("203.0.114.9".parse::<IpAddr>()?));
/// assert!(!is_public_ip("169.254.169.254".parse::<IpAddr>()?));
/// assert!(!is_public_ip("2002:a9fe:a9fe::".parse::<IpAddr>()?));
/// # Ok::<(), core::net::AddrParseError>(())
/// ```
#[must_use]
pub fn is_public_ip(ip: IpAddr) -> bool {
    check_public_ip(ip).is_ok()
}

/// Checks that `ip` is a public unicast address, one a delivery from the internet can be
/// meant for; otherwise says what it is.
///
/// Refused in IPv4: `0.0.0.0/8`, private (`10/8`, `172.16/12`, `192.168/16`), shared
/// (carrier-grade NAT, `100.64/10`), loopback, link-local (`169.254/16`, where cloud
/// metadata services answer), IETF protocol assignments (`192.0.0/24`), documentation,
/// benchmarking (`198.18/15`), multicast, reserved (`240/4`) and broadcast.
///
/// Refused in IPv6: everything outside the global unicast space `2000::/3` (the unspecified
/// and loopback addresses, the rest of `::/8`, the discard-only `100::/64`, SRv6 `5f00::/16`,
/// unique-local `fc00::/7`, link-local `fe80::/10`, the deprecated site-local `fec0::/10`,
/// multicast), and inside it the IETF protocol assignments `2001::/23` (Teredo, benchmarking,
/// ORCHID, ...) and the documentation blocks `2001:db8::/32` and `3fff::/20`: none is
/// globally reachable in the IANA special-purpose address registry. IPv6 forms that carry an
/// IPv4 address are judged as follows:
/// - IPv4-mapped `::ffff:a.b.c.d` and NAT64 `64:ff9b::a.b.c.d` (RFC 6052): by the IPv4
///   address (a resolver may hand back the mapped form of an `A` record);
/// - 6to4 `2002::/16` (its IPv4 address in bits 16 to 48), Teredo `2001::/32` (server in
///   bits 32 to 64, client in the inverted low 32 bits), SIIT `::ffff:0:a.b.c.d`,
///   IPv4-compatible `::a.b.c.d` and local-use NAT64 `64:ff9b:1::/48` (RFC 8215): refused
///   whatever they carry, as deprecated or not globally reachable; the message names a
///   carried IPv4 address that is not public.
///
/// A host name is a different matter: `127.0.0.1.nip.io` is a well-formed public name that
/// resolves to loopback. Resolving is the caller's I/O; apply this check to every address a
/// name resolves to, at the time of use.
///
/// ```
/// use core::net::IpAddr;
/// use ses_broker::values::check_public_ip;
/// let metadata: IpAddr = "64:ff9b::a9fe:a9fe".parse()?;
/// assert_eq!(
///     check_public_ip(metadata).unwrap_err().to_string(),
///     "a NAT64 address embedding 169.254.169.254, a link-local address (the cloud metadata service lives there)",
/// );
/// assert!(check_public_ip("2600:1f14::1".parse()?).is_ok());
/// # Ok::<(), core::net::AddrParseError>(())
/// ```
///
/// # Errors
/// A [`NonPublicIp`] saying what the address is.
pub fn check_public_ip(ip: IpAddr) -> Result<(), NonPublicIp> {
    match ip {
        IpAddr::V4(v4) => v4_reason(v4).map_or(Ok(()), |why| Err(NonPublicIp::plain(why))),
        IpAddr::V6(v6) => check_v6(v6),
    }
}

/// Why an IPv4 address is not public, or `None` when it is.
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
    } else if a == 0 {
        Some("an unspecified (this-network) address")
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

/// A form that carries `v4` and is judged by it.
fn judged_by_v4(what: &'static str, v4: Ipv4Addr) -> Result<(), NonPublicIp> {
    match v4_reason(v4) {
        None => Ok(()),
        Some(why) => Err(NonPublicIp {
            what,
            embedded: Some((v4, why)),
        }),
    }
}

/// A form refused whatever it carries; the first carried address that is not public is named.
fn refused_carrying(what: &'static str, carried: &[Ipv4Addr]) -> NonPublicIp {
    NonPublicIp {
        what,
        embedded: carried
            .iter()
            .find_map(|&v4| v4_reason(v4).map(|why| (v4, why))),
    }
}

fn v4_from(hi: u16, lo: u16) -> Ipv4Addr {
    Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo))
}

fn check_v6(ip: Ipv6Addr) -> Result<(), NonPublicIp> {
    let segments = ip.segments();
    let [s0, s1, s2, s3, .., s6, s7] = segments;
    let low32 = v4_from(s6, s7);
    let refused = |what| Err(NonPublicIp::plain(what));
    match segments {
        [0, 0, 0, 0, 0, 0xffff, ..] => return judged_by_v4("an IPv4-mapped address", low32),
        [0x64, 0xff9b, 0, 0, 0, 0, ..] => return judged_by_v4("a NAT64 address", low32),
        [0, 0, 0, 0, 0xffff, 0, ..] => {
            return Err(refused_carrying(
                "a SIIT address (::ffff:0:0:0/96, not globally reachable)",
                &[low32],
            ));
        }
        _ if ip.is_unspecified() => return refused("an unspecified address"),
        _ if ip.is_loopback() => return refused("a loopback address"),
        [0, 0, 0, 0, 0, 0, ..] => {
            return Err(refused_carrying(
                "an IPv4-compatible address (::/96, deprecated by RFC 4291)",
                &[low32],
            ));
        }
        [0x64, 0xff9b, 1, ..] => {
            return refused("a local-use NAT64 address (64:ff9b:1::/48, not globally reachable)");
        }
        _ => {}
    }
    if s0 & 0xff00 == 0 {
        return refused("a reserved address (::/8)");
    }
    if s0 == 0x0100 && s1 == 0 && s2 == 0 && s3 == 0 {
        return refused("a discard-only address (100::/64)");
    }
    if s0 & 0xfe00 == 0xfc00 {
        return refused("a unique-local (private) address");
    }
    if s0 & 0xffc0 == 0xfe80 {
        return refused("a link-local address");
    }
    if s0 & 0xffc0 == 0xfec0 {
        return refused("a site-local address (deprecated by RFC 3879)");
    }
    if s0 & 0xff00 == 0xff00 {
        return refused("a multicast address");
    }
    if s0 & 0xe000 != 0x2000 {
        return refused("a reserved address, outside the global unicast space 2000::/3");
    }
    if s0 == 0x2001 && s1 == 0 {
        // The client's address is stored inverted, so that NATs leave it alone.
        let server = v4_from(s2, s3);
        let client = v4_from(!s6, !s7);
        return Err(refused_carrying(
            "a Teredo address (2001::/32, not globally reachable)",
            &[client, server],
        ));
    }
    if s0 == 0x2001 && s1 == 2 && s2 == 0 {
        return refused("a benchmarking address (2001:2::/48)");
    }
    if s0 == 0x2001 && s1 & 0xfff0 == 0x0010 {
        return refused("an ORCHID address (2001:10::/28, deprecated)");
    }
    if s0 == 0x2001 && s1 < 0x0200 {
        return refused("an IETF protocol assignment address (2001::/23)");
    }
    if (s0 == 0x2001 && s1 == 0x0db8) || (s0 == 0x3fff && s1 < 0x1000) {
        return refused("a documentation address");
    }
    if s0 == 0x2002 {
        return Err(refused_carrying(
            "a 6to4 address (2002::/16, deprecated by RFC 7526)",
            &[v4_from(s1, s2)],
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;
    use crate::prelude::*;

    fn why(ip: &str) -> String {
        check_public_ip(ip.parse().unwrap())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn public_addresses_pass() {
        for ip in [
            "8.8.8.8",
            "203.0.114.9",
            "2600:1f14::1",
            "2a00:1450:4001::200e",
            "::ffff:8.8.8.8",
            "64:ff9b::808:808",
            "2620:4f:8000::1",
        ] {
            assert!(is_public_ip(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn embedded_ipv4_forms_name_what_they_carry() {
        assert_eq!(
            why("2002:a9fe:a9fe::"),
            "a 6to4 address (2002::/16, deprecated by RFC 7526) embedding 169.254.169.254, a link-local address (the cloud metadata service lives there)"
        );
        assert!(why("2002:808:808::").starts_with("a 6to4 address"));
        // Teredo: server 8.8.8.8 (bits 32..64), client 127.0.0.1 stored inverted (80ff:fffe).
        let teredo = why("2001:0:808:808:0:0:80ff:fffe");
        assert!(
            teredo.contains("Teredo") && teredo.contains("127.0.0.1, a loopback"),
            "{teredo}"
        );
        let teredo_server = why("2001:0:a9fe:a9fe::f7f7:f7f7");
        assert!(teredo_server.contains("169.254.169.254"), "{teredo_server}");
        assert!(why("64:ff9b:1::a9fe:a9fe").contains("local-use NAT64"));
        assert!(why("64:ff9b::7f00:1").contains("127.0.0.1, a loopback"));
        assert!(
            why("::ffff:169.254.169.254").contains("IPv4-mapped address embedding 169.254.169.254")
        );
        assert_eq!(
            why("::ffff:0:127.0.0.1"),
            "a SIIT address (::ffff:0:0:0/96, not globally reachable) embedding 127.0.0.1, a loopback address"
        );
        assert_eq!(
            why("::ffff:0:8.8.8.8"),
            "a SIIT address (::ffff:0:0:0/96, not globally reachable)"
        );
        assert!(why("::10.0.0.1").contains("IPv4-compatible"));
        assert_eq!(
            check_public_ip("::ffff:0:a9fe:a9fe".parse().unwrap())
                .unwrap_err()
                .embedded_ipv4(),
            Some(Ipv4Addr::new(169, 254, 169, 254))
        );
    }

    #[test]
    fn non_global_ipv6_blocks_are_refused() {
        for (ip, expected) in [
            ("::", "unspecified"),
            ("::1", "loopback"),
            ("1::", "reserved address (::/8)"),
            ("ff::1", "reserved address (::/8)"),
            ("100::1", "discard-only"),
            ("2001:2::1", "benchmarking"),
            ("2001:10::1", "ORCHID"),
            ("2001:1f::1", "ORCHID"),
            ("2001:3::1", "IETF protocol assignment"),
            ("2001:1ff::1", "IETF protocol assignment"),
            ("2001:db8::1", "documentation"),
            ("3fff::1", "documentation"),
            ("3fff:fff::1", "documentation"),
            ("5f00::1", "outside the global unicast space"),
            ("4000::1", "outside the global unicast space"),
            ("fd00:ec2::254", "unique-local"),
            ("fe80::1", "link-local"),
            ("fec0::1", "site-local"),
            ("ff02::1", "multicast"),
        ] {
            let reason = why(ip);
            assert!(reason.contains(expected), "{ip}: {reason}");
        }
        // Just outside the refused blocks.
        for ip in ["2001:200::1", "3fff:1000::1", "2003::1", "101::1"] {
            let parsed: IpAddr = ip.parse().unwrap();
            assert_eq!(
                is_public_ip(parsed),
                ip.starts_with('2') || ip.starts_with('3'),
                "{ip}"
            );
        }
    }

    #[test]
    fn site_local_is_not_called_link_local() {
        assert!(!why("fec0::1").contains("link-local"));
    }
}
