//! Amazon SES SMTP: the password derived from an IAM secret access key, and the endpoint
//! (host, ports, TLS modes) an application connects to.
//!
//! The SMTP user name is the binding's access key id; the password is derived from its
//! secret with AWS's documented SigV4 chain:
//!
//! ```text
//! k = HMAC-SHA256("AWS4" + secret, "11111111")      the date is a fixed literal
//! k = HMAC-SHA256(k, region)                        e.g. "us-gov-west-1"
//! k = HMAC-SHA256(k, "ses")
//! k = HMAC-SHA256(k, "aws4_request")
//! k = HMAC-SHA256(k, "SendRawEmail")
//! password = Base64(0x04 || k)                      44 characters, standard alphabet
//! ```
//!
//! The retired version 2 (`0x02`, one HMAC of the bare secret) is not offered: SES has
//! refused it since March 2021.
//!
//! ```
//! use ses_broker::{values::Region, values::SecretAccessKey, smtp};
//! let secret = SecretAccessKey::parse("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")?;
//! let region = Region::parse("us-east-2")?;
//! let password = smtp::password(&secret, &region);
//! // The published AWS SDK for PHP test vector.
//! assert_eq!(password.expose_secret(), "BMPPgbAHoFVbze1Ud0oA5uNdXRwUXUZ+qOwphGJbl/cS");
//!
//! let endpoint = smtp::SmtpEndpoint::for_region(&Region::parse("us-gov-west-1")?)?;
//! assert_eq!(endpoint.host().as_str(), "email-smtp-fips.us-gov-west-1.amazonaws.com");
//! assert_eq!(endpoint.submission_port().number(), 587);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::prelude::*;

use base64::Engine as _;
use hmac::{Hmac, KeyInit as _, Mac as _};
use sha2::Sha256;
use sha2::digest::{FixedOutput as _, Output};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::values::secret::SecretAccessKey;
use crate::values::secret::{MAX_SECRET_LEN, SMTP_PASSWORD_LEN, SMTP_PASSWORD_VERSION};
use crate::values::{DomainName, Region};
// Defined with the other secrets (`values`) so that SMTP and credentials both build on it
// without depending on each other; `smtp::SmtpPassword` is its public path.
pub use crate::values::secret::SmtpPassword;

type HmacSha256 = Hmac<Sha256>;

/// The fixed inputs of AWS's chain. AWS documents that they never change.
const DATE: &[u8] = b"11111111";
const SERVICE: &[u8] = b"ses";
const TERMINAL: &[u8] = b"aws4_request";
const MESSAGE: &[u8] = b"SendRawEmail";
const KEY_PREFIX: &[u8] = b"AWS4";

/// Derives the SES SMTP password for `secret` in `region` (the chain in the
/// [module documentation](self)).
///
/// Passwords are region-specific: one derived for `us-gov-west-1` does not authenticate in
/// `us-gov-east-1`. The FIPS and plain hosts of a region share the password, which is
/// derived from the plain region code, never from a host name.
#[must_use]
pub fn password(secret: &SecretAccessKey, region: &Region) -> SmtpPassword {
    let mut out = [0_u8; SMTP_PASSWORD_LEN];
    password_into(secret, region, &mut out);
    let password = SmtpPassword::from_encoded(out);
    out.zeroize();
    password
}

/// Derives the SES SMTP password into a caller's buffer, without allocating, and returns
/// the buffer as text. For hot paths (rotating many keys) and for callers that manage
/// secret memory themselves; [`password`] is the everyday form.
///
/// ```
/// use ses_broker::{values::Region, values::SecretAccessKey, smtp};
/// let secret = SecretAccessKey::parse("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")?;
/// let mut buf = [0_u8; 44];
/// let text = smtp::password_into(&secret, &Region::parse("us-east-1")?, &mut buf);
/// assert_eq!(text, "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9");
/// # Ok::<(), ses_broker::values::ValueError>(())
/// ```
pub fn password_into<'b>(
    secret: &SecretAccessKey,
    region: &Region,
    out: &'b mut [u8; SMTP_PASSWORD_LEN],
) -> &'b str {
    let mut raw = Zeroizing::new([0_u8; 33]);
    // `None` cannot happen: HMAC takes keys of any length (RFC 2104 §2), a parsed secret
    // fits the key buffer, and the slices have their arrays' lengths. The `Result` of
    // `new_from_slice` comes from the `KeyInit` trait HMAC shares with fixed-key MACs; an
    // empty answer beats a panic in a library.
    if chain(
        secret.expose_secret().as_bytes(),
        region.as_str().as_bytes(),
        &mut raw,
    )
    .is_none()
    {
        return "";
    }
    encode(&*raw, out).unwrap_or_default()
}

// The version byte and the 32-byte signature always encode to exactly the 44 characters
// of a password; checked when compiling, so `encode` below always fills the buffer.
const _: () = assert!(matches!(
    base64::encoded_len(1 + 32, true),
    Some(SMTP_PASSWORD_LEN)
));

/// Base64 of `raw` into `out`, as text only when the encoder filled `out` exactly; else
/// `out` is wiped and `None` returned, so a short or partial write can never pass for a
/// password.
fn encode<'b>(raw: &[u8], out: &'b mut [u8]) -> Option<&'b str> {
    match base64::engine::general_purpose::STANDARD.encode_slice(raw, &mut *out) {
        Ok(written) if written == out.len() => core::str::from_utf8(out).ok(),
        _ => {
            out.zeroize();
            None
        }
    }
}

/// AWS's chain of five HMAC-SHA256s. `raw` gets the version byte, then holds the running
/// key: each HMAC's output keys the next, and the last one is the signature.
fn chain(secret: &[u8], region: &[u8], raw: &mut [u8; 33]) -> Option<()> {
    let (version, key) = raw.split_first_mut()?;
    *version = SMTP_PASSWORD_VERSION;
    let key: &mut Output<HmacSha256> = key.try_into().ok()?;
    let mut first_key = [0_u8; KEY_PREFIX.len() + MAX_SECRET_LEN];
    let first_key = first_key.get_mut(..KEY_PREFIX.len() + secret.len())?;
    let (prefix, rest) = first_key.split_at_mut(KEY_PREFIX.len());
    prefix.copy_from_slice(KEY_PREFIX);
    rest.copy_from_slice(secret);
    let mac = HmacSha256::new_from_slice(first_key);
    // Only the bytes written hold the secret; wiping them here covers every path below.
    first_key.zeroize();
    let mut mac = mac.ok()?;
    mac.update(DATE);
    mac.finalize_into(key);
    for data in [region, SERVICE, TERMINAL, MESSAGE] {
        let mut mac = HmacSha256::new_from_slice(key.as_slice()).ok()?;
        mac.update(data);
        mac.finalize_into(key);
    }
    Some(())
}

// The hash states inside `Hmac` and its block buffer hold key material; they wipe
// themselves on drop in every build, or this stops compiling (the `zeroize` features of
// `sha2` and `hmac`, digest's underneath).
const _: () = {
    const fn wiped<T: ZeroizeOnDrop>() {}
    wiped::<sha2::block_api::Sha256VarCore>();
    wiped::<hmac::digest::block_api::Buffer<hmac::block_api::HmacCore<Sha256>>>();
};

/// How a port negotiates TLS. SES requires TLS on every connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TlsMode {
    /// Plain SMTP upgraded with the `STARTTLS` command (RFC 3207): ports 25, 587, 2587.
    StartTls,
    /// TLS from the first byte ("TLS wrapper", SMTPS): ports 465, 2465.
    Implicit,
}

/// A port of an SES SMTP endpoint and its TLS mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SmtpPort {
    number: u16,
    tls: TlsMode,
}

impl SmtpPort {
    /// Port 25 with STARTTLS. EC2 throttles outbound port 25 by default.
    pub const SMTP: Self = Self::new_const(25, TlsMode::StartTls);
    /// Port 587 with STARTTLS: the usual submission port.
    pub const SUBMISSION: Self = Self::new_const(587, TlsMode::StartTls);
    /// Port 2587 with STARTTLS, for networks that block 587.
    pub const SUBMISSION_ALT: Self = Self::new_const(2587, TlsMode::StartTls);
    /// Port 465 with implicit TLS.
    pub const SMTPS: Self = Self::new_const(465, TlsMode::Implicit);
    /// Port 2465 with implicit TLS.
    pub const SMTPS_ALT: Self = Self::new_const(2465, TlsMode::Implicit);

    /// Every port SES SMTP listens on.
    pub const ALL: [Self; 5] = [
        Self::SMTP,
        Self::SUBMISSION,
        Self::SUBMISSION_ALT,
        Self::SMTPS,
        Self::SMTPS_ALT,
    ];

    const fn new_const(number: u16, tls: TlsMode) -> Self {
        Self { number, tls }
    }

    /// The SES SMTP port with this number, if SES listens on it.
    ///
    /// ```
    /// use ses_broker::smtp::{SmtpPort, TlsMode};
    /// assert_eq!(SmtpPort::from_number(2465).map(|p| p.tls()), Some(TlsMode::Implicit));
    /// assert_eq!(SmtpPort::from_number(2525), None);
    /// ```
    #[must_use]
    pub fn from_number(number: u16) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.number == number)
    }

    /// The port number.
    #[must_use]
    pub const fn number(self) -> u16 {
        self.number
    }

    /// How the port negotiates TLS.
    #[must_use]
    pub const fn tls(self) -> TlsMode {
        self.tls
    }
}

/// Regions with an SES SMTP endpoint, and whether it has a FIPS host.
///
/// A snapshot assembled from AWS's own SMTP region list in its code library, the AWS
/// General Reference as quoted by third parties, and nodemailer's list. A FIPS host is
/// listed only where a source shows one for SMTP (us-east-2 and us-gov-east-1 have FIPS
/// API endpoints, but no source confirms a FIPS SMTP host there).
const SMTP_REGIONS: [(&str, bool); 19] = [
    ("us-east-1", true),
    ("us-east-2", false),
    ("us-west-1", false),
    ("us-west-2", true),
    ("ap-south-1", false),
    ("ap-northeast-1", false),
    ("ap-northeast-2", false),
    ("ap-northeast-3", false),
    ("ap-southeast-1", false),
    ("ap-southeast-2", false),
    ("ca-central-1", false),
    ("eu-central-1", false),
    ("eu-west-1", false),
    ("eu-west-2", false),
    ("eu-west-3", false),
    ("eu-north-1", false),
    ("sa-east-1", false),
    ("us-gov-west-1", true),
    ("us-gov-east-1", false),
];

/// Regions where AWS's SMTP page says SMTP endpoints are not available (though the SES
/// API may be). `eu-south-1` is also in one version of AWS's sample allow-list; the page's
/// note is the later and more specific word, so it wins.
const NO_SMTP_REGIONS: [&str; 5] = [
    "af-south-1",
    "ap-southeast-3",
    "eu-south-1",
    "il-central-1",
    "me-south-1",
];

/// Why a region has no SES SMTP endpoint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SmtpError {
    /// AWS says SMTP is not available in this region.
    #[error("region {region}: AWS does not offer SES SMTP endpoints there")]
    NotOffered {
        /// The region asked about.
        region: Region,
    },
    /// The region is not in this crate's list of regions with an SES SMTP endpoint.
    #[error(
        "region {region}: no known SES SMTP endpoint (the list of SMTP regions is a snapshot; check the AWS General Reference)"
    )]
    UnknownRegion {
        /// The region asked about.
        region: Region,
    },
}

/// Where an application sends mail: the SES SMTP host of a region and its ports.
///
/// The host is the FIPS one (`email-smtp-fips.R.amazonaws.com`) where AWS offers one, as
/// cloud.gov uses in GovCloud, and `email-smtp.R.amazonaws.com` elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SmtpEndpoint {
    region: Region,
    host: DomainName,
    fips: bool,
}

impl SmtpEndpoint {
    /// The SMTP endpoint of `region`.
    ///
    /// The list of regions with SMTP is a snapshot (see [`SmtpEndpoint::known_regions`]):
    /// a region AWS opened since gets [`SmtpError::UnknownRegion`] even if it has SMTP.
    /// The password does not depend on the endpoint, so [`password`] works for any region.
    ///
    /// # Errors
    /// [`SmtpError::NotOffered`] for a region AWS says has no SMTP endpoint,
    /// [`SmtpError::UnknownRegion`] for any other region not in the list.
    ///
    /// ```
    /// use ses_broker::{values::Region, smtp::{SmtpEndpoint, SmtpError}};
    /// let plain = SmtpEndpoint::for_region(&Region::parse("eu-west-1")?)?;
    /// assert_eq!(plain.host().as_str(), "email-smtp.eu-west-1.amazonaws.com");
    /// assert!(!plain.is_fips());
    /// let milan = SmtpEndpoint::for_region(&Region::parse("eu-south-1")?);
    /// assert!(matches!(milan, Err(SmtpError::NotOffered { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn for_region(region: &Region) -> Result<Self, SmtpError> {
        let code = region.as_str();
        if NO_SMTP_REGIONS.contains(&code) {
            return Err(SmtpError::NotOffered {
                region: region.clone(),
            });
        }
        let unknown = || SmtpError::UnknownRegion {
            region: region.clone(),
        };
        let (_, fips) = SMTP_REGIONS
            .iter()
            .find(|(known, _)| *known == code)
            .ok_or_else(unknown)?;
        let prefix = if *fips {
            "email-smtp-fips"
        } else {
            "email-smtp"
        };
        // Every listed region is in the `aws` or `aws-us-gov` partition, both under
        // amazonaws.com.
        let host =
            DomainName::parse(&format!("{prefix}.{code}.amazonaws.com")).map_err(|_| unknown())?;
        Ok(Self {
            region: region.clone(),
            host,
            fips: *fips,
        })
    }

    /// The region codes this crate knows to have an SES SMTP endpoint (a snapshot).
    pub fn known_regions() -> impl Iterator<Item = &'static str> {
        SMTP_REGIONS.into_iter().map(|(region, _)| region)
    }

    /// The region.
    #[must_use]
    pub const fn region(&self) -> &Region {
        &self.region
    }

    /// The host name.
    #[must_use]
    pub const fn host(&self) -> &DomainName {
        &self.host
    }

    /// Whether the host is the FIPS 140 validated endpoint.
    #[must_use]
    pub const fn is_fips(&self) -> bool {
        self.fips
    }

    /// Every port, STARTTLS ones first.
    #[must_use]
    pub const fn ports(&self) -> [SmtpPort; 5] {
        SmtpPort::ALL
    }

    /// The port to suggest for STARTTLS: 587.
    #[must_use]
    pub const fn submission_port(&self) -> SmtpPort {
        SmtpPort::SUBMISSION
    }

    /// The port to suggest for implicit TLS: 465.
    #[must_use]
    pub const fn implicit_tls_port(&self) -> SmtpPort {
        SmtpPort::SMTPS
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    fn region(r: &str) -> Region {
        Region::parse(r).unwrap()
    }

    /// The encoder's result was once ignored (`let _ =`), so a buffer it could
    /// not fill would have passed, zeros and all, for a password.
    #[test]
    fn encoding_that_does_not_fill_the_buffer_yields_nothing() {
        let raw = [0xfb_u8; 33];
        let mut exact = [0_u8; SMTP_PASSWORD_LEN];
        assert_eq!(
            encode(&raw, &mut exact),
            Some("+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7+/v7")
        );
        let mut short = [0_u8; SMTP_PASSWORD_LEN - 1];
        assert_eq!(encode(&raw, &mut short), None);
        let mut long = [0xaa_u8; SMTP_PASSWORD_LEN + 1];
        assert_eq!(encode(&raw, &mut long), None);
        assert!(long.iter().all(|b| *b == 0), "a partial write is wiped");
    }

    #[test]
    fn every_listed_region_has_a_host() {
        for code in SmtpEndpoint::known_regions() {
            let endpoint = SmtpEndpoint::for_region(&region(code)).unwrap();
            assert!(endpoint.host().as_str().ends_with(".amazonaws.com"));
        }
        assert_eq!(SmtpEndpoint::known_regions().count(), 19);
    }

    #[test]
    fn israel_is_not_offered() {
        assert!(matches!(
            SmtpEndpoint::for_region(&region("il-central-1")),
            Err(SmtpError::NotOffered { .. })
        ));
    }
}
