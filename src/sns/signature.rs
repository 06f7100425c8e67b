//! RSASSA-PKCS1-v1_5 verification of an SNS message over a caller-supplied certificate.

use crate::prelude::*;

use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey as _;
use rsa::signature::Verifier as _;
use rsa::traits::PublicKeyParts as _;
use time::OffsetDateTime;
use x509_cert::Certificate;
use x509_cert::der::{Decode as _, DecodePem as _, Encode as _};

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

pub(super) fn verify(
    message: &Message,
    certificate: &[u8],
    now: Option<OffsetDateTime>,
) -> Result<(), SnsError> {
    if certificate.len() > MAX_CERTIFICATE_BYTES {
        return Err(bad_certificate(format!(
            "is {} bytes long; at most {MAX_CERTIFICATE_BYTES} are accepted",
            certificate.len()
        )));
    }
    let cert = if certificate.starts_with(b"-----BEGIN") {
        Certificate::from_pem(certificate)
    } else {
        Certificate::from_der(certificate)
    }
    .map_err(|e| bad_certificate(format!("is not an X.509 certificate in PEM or DER: {e}")))?;
    let tbs = cert.tbs_certificate();
    if let Some(now) = now {
        let validity = tbs.validity();
        let (Some(not_before), Some(not_after)) =
            (to_time(validity.not_before), to_time(validity.not_after))
        else {
            return Err(bad_certificate("has a validity period out of range"));
        };
        if now < not_before || now > not_after {
            return Err(bad_certificate(format!(
                "is valid from {} to {} (unix seconds), not now",
                not_before.unix_timestamp(),
                not_after.unix_timestamp()
            )));
        }
    }
    let spki = tbs
        .subject_public_key_info()
        .to_der()
        .map_err(|e| bad_certificate(format!("has an unreadable public key: {e}")))?;
    let key = rsa::PublicKey::from_public_key_der(&spki)
        .map_err(|e| bad_certificate(format!("does not hold an RSA public key: {e}")))?;
    let bits = key.size().saturating_mul(8);
    if bits < MIN_KEY_BITS {
        return Err(bad_certificate(format!(
            "has a {bits}-bit key; at least {MIN_KEY_BITS} bits are required"
        )));
    }
    let signature = Signature::try_from(message.signature()).map_err(|_| SnsError::BadSignature)?;
    let signed = message.string_to_sign();
    let outcome = match message.signature_version() {
        SignatureVersion::V1 => {
            VerifyingKey::<sha1::Sha1>::new(key).verify(signed.as_bytes(), &signature)
        }
        SignatureVersion::V2 => {
            VerifyingKey::<sha2::Sha256>::new(key).verify(signed.as_bytes(), &signature)
        }
    };
    outcome.map_err(|_| SnsError::BadSignature)
}
