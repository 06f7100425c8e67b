//! RSASSA-PKCS1-v1_5 verification of an SNS message over a signing certificate parsed
//! once.

use crate::prelude::*;

use pkcs1::der::Decode as _;
use time::OffsetDateTime;
use x509_cert::Certificate;
use x509_cert::der::DecodePem as _;

use super::{Message, SignatureVersion, SnsError};

/// Largest certificate accepted; an SNS signing certificate is about 2 KB of PEM. The same
/// bound AWS's Java SDK uses.
const MAX_CERTIFICATE_BYTES: usize = 10 * 1024;
/// Smallest RSA modulus accepted, in bits.
const MIN_KEY_BITS: usize = 2048;

fn bad_certificate(reason: impl Into<String>) -> SnsError {
    SnsError::Certificate {
        reason: reason.into(),
    }
}

fn to_time(t: x509_cert::time::Time) -> Option<OffsetDateTime> {
    let secs = i64::try_from(t.to_unix_duration().as_secs()).ok()?;
    OffsetDateTime::from_unix_timestamp(secs).ok()
}

/// An SNS signing certificate, parsed: its RSA public key (at least 2048 bits) ready for
/// both signature versions, and its validity period.
///
/// Parsing an X.509 certificate and preparing its key costs more than checking a signature
/// with it, and SNS signs every message of a region with the same certificate for months.
/// So parse it once, when it is first fetched, and cache it by the `SigningCertURL` it came
/// from (after [`check_cert_url`](super::check_cert_url) accepted that URL); then each
/// message costs one signature check. [`Verifier::verify`](super::Verifier::verify) takes
/// the parsed certificate and refuses it outside its validity period, so an expired one
/// in the cache is never used: fetch it again.
///
/// The certificate's chain is not checked: its authority is the HTTPS fetch from an SNS
/// host, which is why the URL rules matter.
///
/// ```
/// use ses_broker::sns::SigningCertificate;
/// let pem = include_bytes!("../../tests/data/sns/cert.pem");
/// let certificate = SigningCertificate::parse(pem)?;
/// assert_eq!(certificate.key_bits(), 2048);
/// assert!(certificate.is_valid_at(certificate.not_before()));
/// assert!(!certificate.is_valid_at(certificate.not_after() + time::Duration::SECOND));
/// # Ok::<(), ses_broker::sns::SnsError>(())
/// ```
#[derive(Debug, Clone)]
pub struct SigningCertificate {
    key: PublicKey,
    key_bits: usize,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
}

/// The certificate's RSA public key (PKCS#1 `RSAPublicKey` DER), checked once when the
/// certificate is parsed. Verification is ring's RSASSA-PKCS1-v1_5: a speed target is no
/// reason to hand-write cryptography, so the cost the benches report is ring's.
#[derive(Debug, Clone)]
struct PublicKey {
    der: Vec<u8>,
}

impl PublicKey {
    /// Whether `signature` is a valid signature of `signed` with the version's hash.
    fn verify(&self, version: SignatureVersion, signed: &[u8], signature: &[u8]) -> bool {
        let algorithm = match version {
            // SNS's default, SignatureVersion 1, signs with SHA1withRSA; ring names the
            // algorithm for what it is.
            SignatureVersion::V1 => &ring::signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
            SignatureVersion::V2 => &ring::signature::RSA_PKCS1_2048_8192_SHA256,
        };
        ring::signature::UnparsedPublicKey::new(algorithm, &self.der)
            .verify(signed, signature)
            .is_ok()
    }
}

impl SigningCertificate {
    /// Parses a certificate as fetched: PEM (`-----BEGIN CERTIFICATE-----`, as SNS serves
    /// it) or DER.
    ///
    /// # Errors
    /// [`SnsError::Certificate`] when the bytes are over 10 KiB, not an X.509 certificate,
    /// hold no RSA key, a key under 2048 bits, or a validity period out of range.
    pub fn parse(bytes: &[u8]) -> Result<Self, SnsError> {
        if bytes.starts_with(b"-----BEGIN") {
            Self::from_pem(bytes)
        } else {
            Self::from_der(bytes)
        }
    }

    /// Parses a PEM certificate.
    ///
    /// # Errors
    /// As [`SigningCertificate::parse`].
    pub fn from_pem(pem: &[u8]) -> Result<Self, SnsError> {
        check_size(pem)?;
        Self::from_certificate(&Certificate::from_pem(pem).map_err(not_x509)?)
    }

    /// Parses a DER certificate.
    ///
    /// # Errors
    /// As [`SigningCertificate::parse`].
    pub fn from_der(der: &[u8]) -> Result<Self, SnsError> {
        check_size(der)?;
        Self::from_certificate(&Certificate::from_der(der).map_err(not_x509)?)
    }

    fn from_certificate(cert: &Certificate) -> Result<Self, SnsError> {
        let tbs = cert.tbs_certificate();
        let validity = tbs.validity();
        let (Some(not_before), Some(not_after)) =
            (to_time(validity.not_before), to_time(validity.not_after))
        else {
            return Err(bad_certificate("has a validity period out of range"));
        };
        let spki = tbs.subject_public_key_info();
        if spki.algorithm.oid != RSA_ENCRYPTION {
            return Err(bad_certificate(format!(
                "holds a {} key, not an RSA key",
                spki.algorithm.oid
            )));
        }
        let der = spki.subject_public_key.raw_bytes();
        let key = pkcs1::RsaPublicKey::<pkcs1::UintRef<'_>>::from_der(der)
            .map_err(|e| bad_certificate(format!("has an unreadable RSA public key: {e}")))?;
        let key_bits = significant_bits(key.modulus.as_bytes());
        if key_bits < MIN_KEY_BITS {
            return Err(bad_certificate(format!(
                "has a {key_bits}-bit key; at least {MIN_KEY_BITS} bits are required"
            )));
        }
        Ok(Self {
            key: PublicKey { der: der.to_vec() },
            key_bits,
            not_before,
            not_after,
        })
    }

    /// The start of the validity period (`notBefore`).
    #[must_use]
    pub const fn not_before(&self) -> OffsetDateTime {
        self.not_before
    }

    /// The end of the validity period (`notAfter`), inclusive.
    #[must_use]
    pub const fn not_after(&self) -> OffsetDateTime {
        self.not_after
    }

    /// Whether `now` lies within the validity period, both ends included.
    #[must_use]
    pub fn is_valid_at(&self, now: OffsetDateTime) -> bool {
        self.not_before <= now && now <= self.not_after
    }

    /// The size of the RSA modulus in bits.
    #[must_use]
    pub const fn key_bits(&self) -> usize {
        self.key_bits
    }

    /// Refuses the certificate at `now` when it is outside its validity period.
    pub(super) fn check_valid_at(&self, now: OffsetDateTime) -> Result<(), SnsError> {
        if self.is_valid_at(now) {
            Ok(())
        } else {
            Err(bad_certificate(format!(
                "is valid from {} to {}, not at {}",
                utc(self.not_before),
                utc(self.not_after),
                utc(now)
            )))
        }
    }

    /// The signature over [`Message::string_to_sign`]: SHA1withRSA for `SignatureVersion`
    /// 1, SHA256withRSA for 2.
    pub(super) fn verify_signature(&self, message: &Message) -> Result<(), SnsError> {
        let signed = message.string_to_sign();
        let valid = self.key.verify(
            message.signature_version(),
            signed.as_bytes(),
            message.signature(),
        );
        if valid {
            Ok(())
        } else {
            Err(SnsError::BadSignature)
        }
    }
}

/// The `rsaEncryption` algorithm of a certificate's public key (RFC 8017, appendix C).
const RSA_ENCRYPTION: x509_cert::der::asn1::ObjectIdentifier =
    x509_cert::der::asn1::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// The bit length of a big-endian unsigned integer.
fn significant_bits(bytes: &[u8]) -> usize {
    let Some(position) = bytes.iter().position(|b| *b != 0) else {
        return 0;
    };
    let leading = bytes
        .get(position)
        .map_or(0, |b| b.leading_zeros() as usize);
    (bytes.len() - position) * 8 - leading
}

fn check_size(bytes: &[u8]) -> Result<(), SnsError> {
    if bytes.len() > MAX_CERTIFICATE_BYTES {
        return Err(bad_certificate(format!(
            "is {} bytes long; at most {MAX_CERTIFICATE_BYTES} are accepted",
            bytes.len()
        )));
    }
    Ok(())
}

fn not_x509(e: x509_cert::der::Error) -> SnsError {
    bad_certificate(format!("is not an X.509 certificate in PEM or DER: {e}"))
}

/// `2026-11-30T05:40:12Z`: RFC 3339 in UTC to the second, without `time`'s formatting
/// feature for this one message.
fn utc(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::indexing_slicing,
        reason = "tests fail by panicking"
    )]
    extern crate std;

    use super::*;

    const CERT: &[u8] = include_bytes!("../../tests/data/sns/cert.pem");
    const VECTORS: [&str; 15] = [
        include_str!("../../tests/data/sns/notification-alarm-v1.json"),
        include_str!("../../tests/data/sns/notification-bounce-v2.json"),
        include_str!("../../tests/data/sns/notification-lambda-v1.json"),
        include_str!("../../tests/data/sns/subscription-confirmation-v1.json"),
        include_str!("../../tests/data/sns/unsubscribe-confirmation-v2.json"),
        include_str!("../../tests/data/sns/unsubscribe-confirmation-no-url-v1.json"),
        include_str!("../../tests/data/sns/forged-changed-message.json"),
        include_str!("../../tests/data/sns/forged-changed-subject.json"),
        include_str!("../../tests/data/sns/forged-changed-timestamp.json"),
        include_str!("../../tests/data/sns/forged-changed-topic.json"),
        include_str!("../../tests/data/sns/forged-changed-type.json"),
        include_str!("../../tests/data/sns/forged-v1-relabelled-v2.json"),
        include_str!("../../tests/data/sns/forged-other-key.json"),
        include_str!("../../tests/data/sns/forged-cert-host.json"),
        include_str!("../../tests/data/sns/forged-subscribe-host.json"),
    ];

    #[test]
    fn accepts_exactly_the_authentic_signatures_with_their_own_hash() {
        let certificate = SigningCertificate::parse(CERT).unwrap();
        let mut accepted = 0;
        for body in VECTORS {
            let message = Message::from_json(body).unwrap();
            let signed = message.string_to_sign();
            for version in [SignatureVersion::V1, SignatureVersion::V2] {
                accepted += usize::from(certificate.key.verify(
                    version,
                    signed.as_bytes(),
                    message.signature(),
                ));
            }
        }
        // The six authentic messages, the one whose unsigned SigningCertURL was edited,
        // and the relabelled v1 signature checked as v1.
        assert_eq!(accepted, 8);
    }

    #[test]
    fn refuses_corrupted_truncated_and_out_of_range_signatures() {
        let certificate = SigningCertificate::parse(CERT).unwrap();
        let message = Message::from_json(VECTORS[0]).unwrap();
        let signed = message.string_to_sign();
        let good = message.signature().to_vec();
        assert!(
            certificate
                .key
                .verify(SignatureVersion::V1, signed.as_bytes(), &good)
        );
        let mut cases: Vec<Vec<u8>> = vec![
            Vec::new(),
            vec![0; 255],
            vec![0; 256],
            vec![0xff; 256],
            vec![0; 257],
            [&[0][..], &good].concat(),
            good[1..].to_vec(),
        ];
        for i in (0..good.len()).step_by(5) {
            let mut flipped = good.clone();
            flipped[i] ^= 0x01 << (i % 8);
            cases.push(flipped);
        }
        for signature in &cases {
            for version in [SignatureVersion::V1, SignatureVersion::V2] {
                assert!(
                    !certificate
                        .key
                        .verify(version, signed.as_bytes(), signature),
                    "{signature:02x?}"
                );
            }
        }
    }

    #[test]
    fn key_size_is_read_from_the_modulus() {
        assert_eq!(significant_bits(&[]), 0);
        assert_eq!(significant_bits(&[0, 0]), 0);
        assert_eq!(significant_bits(&[0, 1]), 1);
        assert_eq!(significant_bits(&[0, 0x80, 0]), 16);
        assert_eq!(significant_bits(&[0x7f; 256]), 2047);
        assert_eq!(SigningCertificate::parse(CERT).unwrap().key_bits(), 2048);
    }
}
