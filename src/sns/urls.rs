//! Where SNS certificates and subscribe links may point.

use crate::prelude::*;

use url::{Host, Url};

use super::SnsError;
use crate::values::{Partition, Region, excerpt};

/// Checks a `SigningCertURL` before the caller fetches it, and returns the region its host
/// names.
///
/// The rules AWS's own validators enforce, a little tighter: scheme `https`; no user name
/// or password; no port other than the default; host `sns.<region>.amazonaws.com` for
/// commercial and GovCloud regions or `sns.<region>.amazonaws.com.cn` for the China regions,
/// where `<region>` must be a well-formed region code of the matching partition (so a
/// look-alike such as the legacy S3 host `sns.s3-ap-southeast-2.amazonaws.com` fails); the
/// path ends in `.pem`. [`Verifier::check`](super::Verifier::check) further pins the region
/// to the topic's.
///
/// ```
/// use ses_broker::sns::check_cert_url;
/// use url::Url;
/// let ok = Url::parse("https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-0123.pem")?;
/// assert_eq!(check_cert_url(&ok).map(|r| r.to_string()).ok(), Some("us-gov-west-1".to_owned()));
/// let bad = Url::parse("http://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-0123.pem")?;
/// assert!(check_cert_url(&bad).is_err());
/// # Ok::<(), url::ParseError>(())
/// ```
///
/// # Errors
/// [`SnsError::UntrustedUrl`] naming the rule broken.
pub fn check_cert_url(url: &Url) -> Result<Region, SnsError> {
    const FIELD: &str = "SigningCertURL";
    let region = check_sns_url(url, FIELD)?;
    if !url.path().ends_with(".pem") {
        return Err(untrusted(
            FIELD,
            format!("path {} does not end in .pem", excerpt(url.path())),
        ));
    }
    Ok(region)
}

/// Checks a `SubscribeURL` before the caller visits it to confirm a subscription, and
/// returns the region its host names.
///
/// Same scheme, user-info, port and host rules as [`check_cert_url`], and the query must
/// say `Action=ConfirmSubscription` (every `Action` parameter, and at least one).
///
/// # Errors
/// [`SnsError::UntrustedUrl`] naming the rule broken.
pub fn check_subscribe_url(url: &Url) -> Result<Region, SnsError> {
    const FIELD: &str = "SubscribeURL";
    let region = check_sns_url(url, FIELD)?;
    let mut actions = url.query_pairs().filter(|(k, _)| k == "Action").peekable();
    if actions.peek().is_none() {
        return Err(untrusted(
            FIELD,
            "has no Action=ConfirmSubscription parameter",
        ));
    }
    if let Some((_, other)) = actions.find(|(_, v)| v != "ConfirmSubscription") {
        return Err(untrusted(
            FIELD,
            format!(
                "asks for Action={} rather than ConfirmSubscription",
                excerpt(&other)
            ),
        ));
    }
    Ok(region)
}

pub(super) fn untrusted(field: &'static str, reason: impl Into<String>) -> SnsError {
    SnsError::UntrustedUrl {
        field,
        reason: reason.into(),
    }
}

/// The rules every URL SNS hands out shares.
fn check_sns_url(url: &Url, field: &'static str) -> Result<Region, SnsError> {
    if url.scheme() != "https" {
        return Err(untrusted(
            field,
            format!("uses {}; only https is accepted", excerpt(url.scheme())),
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(untrusted(field, "must not carry a user name or password"));
    }
    if let Some(port) = url.port() {
        return Err(untrusted(
            field,
            format!("names port {port}; only the default https port is accepted"),
        ));
    }
    let not_sns = |host: &str| {
        untrusted(
            field,
            format!(
                "host {} is not an SNS host (sns.<region>.amazonaws.com or sns.<region>.amazonaws.com.cn)",
                excerpt(host)
            ),
        )
    };
    let Some(Host::Domain(host)) = url.host() else {
        return Err(not_sns(url.host_str().unwrap_or_default()));
    };
    let Some(rest) = host.strip_prefix("sns.") else {
        return Err(not_sns(host));
    };
    let (region, china) = match rest.strip_suffix(".amazonaws.com.cn") {
        Some(region) => (region, true),
        None => match rest.strip_suffix(".amazonaws.com") {
            Some(region) => (region, false),
            None => return Err(not_sns(host)),
        },
    };
    let Ok(parsed) = Region::parse(region) else {
        return Err(not_sns(host));
    };
    let partition_fits = match parsed.partition() {
        Partition::Aws | Partition::AwsUsGov => !china,
        Partition::AwsCn => china,
        _ => false,
    };
    if parsed.as_str() != region || !partition_fits {
        return Err(not_sns(host));
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    fn cert(url: &str) -> Result<Region, SnsError> {
        check_cert_url(&Url::parse(url).unwrap())
    }

    #[test]
    fn cert_urls_of_every_partition_with_sns_pass() {
        for (url, region) in [
            (
                "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem",
                "us-east-1",
            ),
            (
                "https://sns.us-gov-west-1.amazonaws.com/SimpleNotificationService-0123.pem",
                "us-gov-west-1",
            ),
            (
                "https://sns.us-gov-east-1.amazonaws.com/x.pem",
                "us-gov-east-1",
            ),
            (
                "https://sns.cn-north-1.amazonaws.com.cn/x.pem",
                "cn-north-1",
            ),
            ("https://SNS.US-EAST-1.AMAZONAWS.COM:443/x.pem", "us-east-1"),
        ] {
            assert_eq!(cert(url).unwrap().as_str(), region, "{url}");
        }
    }

    #[test]
    fn cert_urls_elsewhere_fail() {
        for url in [
            "http://sns.us-east-1.amazonaws.com/x.pem",
            "https://sns.us-east-1.amazonaws.com/x.pem.txt",
            "https://sns.us-east-1.amazonaws.com/x",
            "https://sns.us-east-1.amazonaws.com:8443/x.pem",
            "https://user@sns.us-east-1.amazonaws.com/x.pem",
            "https://sns.us-east-1.amazonaws.com.evil.example/x.pem",
            "https://sns.us-east-1.amazonaws.com./x.pem",
            "https://evil.example/sns.us-east-1.amazonaws.com/x.pem",
            "https://sns.s3-ap-southeast-2.amazonaws.com/x.pem",
            "https://sns.amazonaws.com/x.pem",
            "https://sns.cn-north-1.amazonaws.com/x.pem",
            "https://sns.us-east-1.amazonaws.com.cn/x.pem",
            "https://sns.us-isob-east-1.amazonaws.com/x.pem",
            "https://s3.us-east-1.amazonaws.com/x.pem",
            "https://sns.a.b.amazonaws.com/x.pem",
            "https://52.94.0.1/x.pem",
            "file:///etc/x.pem",
        ] {
            assert!(
                matches!(
                    cert(url),
                    Err(SnsError::UntrustedUrl {
                        field: "SigningCertURL",
                        ..
                    })
                ),
                "{url} was accepted"
            );
        }
    }

    #[test]
    fn subscribe_urls_must_confirm() {
        let ok = "https://sns.us-gov-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws-us-gov:sns:us-gov-west-1:111122223333:t&Token=abc";
        assert!(check_subscribe_url(&Url::parse(ok).unwrap()).is_ok());
        for bad in [
            "https://sns.us-gov-west-1.amazonaws.com/?Action=Unsubscribe&Token=abc",
            "https://sns.us-gov-west-1.amazonaws.com/?Token=abc",
            "https://sns.us-gov-west-1.amazonaws.com/?Action=ConfirmSubscription&Action=Publish",
            "http://sns.us-gov-west-1.amazonaws.com/?Action=ConfirmSubscription",
            "https://example.com/?Action=ConfirmSubscription",
        ] {
            assert!(
                matches!(
                    check_subscribe_url(&Url::parse(bad).unwrap()),
                    Err(SnsError::UntrustedUrl {
                        field: "SubscribeURL",
                        ..
                    })
                ),
                "{bad} was accepted"
            );
        }
    }
}
