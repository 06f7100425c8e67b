//! Provision and update parameters (`cf create-service` / `cf update-service -c`).

use crate::prelude::*;

use serde::Serialize;
use serde_json::Value;

use super::MAX_RECIPIENTS;
use super::document::{Document, Raw, optional_bool, optional_list, optional_str, parse_with};
use super::errors::{ParamError, ParamErrorKind, ParamErrors, Problems};
use crate::dns::{DKIM_NAME_OVERHEAD, DmarcRecipients, DmarcRecord};
use crate::values::{DomainName, EmailAddress, MAX_DOMAIN_LEN, MailFromSubdomain, excerpt};

/// Longest sending domain, 209: the DKIM record names `<32-character token>._domainkey.<domain>`
/// add [`DKIM_NAME_OVERHEAD`] (44) characters and must still fit the 253 of a DNS name.
pub const MAX_SENDING_DOMAIN_LEN: usize = MAX_DOMAIN_LEN - DKIM_NAME_OVERHEAD;

/// The provision parameter keys, in the order the catalog documents them.
pub(crate) const PROVISION_KEYS: [&str; 6] = [
    "domain",
    "admin_email",
    "dmarc_report_aggregate_recipients",
    "dmarc_report_failure_recipients",
    "enable_feedback_notifications",
    "mail_from_subdomain",
];

/// A provision parameter, as named in the parameter document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ProvisionField {
    /// `domain`.
    Domain,
    /// `admin_email`.
    AdminEmail,
    /// `dmarc_report_aggregate_recipients`.
    DmarcReportAggregateRecipients,
    /// `dmarc_report_failure_recipients`.
    DmarcReportFailureRecipients,
    /// `enable_feedback_notifications`.
    EnableFeedbackNotifications,
    /// `mail_from_subdomain`.
    MailFromSubdomain,
}

impl ProvisionField {
    /// The key in the parameter document.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Domain => "domain",
            Self::AdminEmail => "admin_email",
            Self::DmarcReportAggregateRecipients => "dmarc_report_aggregate_recipients",
            Self::DmarcReportFailureRecipients => "dmarc_report_failure_recipients",
            Self::EnableFeedbackNotifications => "enable_feedback_notifications",
            Self::MailFromSubdomain => "mail_from_subdomain",
        }
    }
}

impl core::fmt::Display for ProvisionField {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Validated provision parameters of an `aws-ses` instance.
///
/// Made by [`Self::from_json`] (the platform's parameter document), [`Self::from_value`]
/// (an already parsed one) or [`Self::builder`] (Rust callers); each checks every rule
/// documented on the accessors below and reports every problem at once. `Serialize` gives the normalised document:
/// every field, defaults filled, canonical forms, `null` for an absent domain or MAIL FROM
/// subdomain; parsing it again gives an equal value.
///
/// ```
/// use ses_broker::ProvisionParams;
/// let p = ProvisionParams::from_json(r#"{
///     "domain": "Agency.GOV",
///     "admin_email": "admin@agency.gov",
///     "enable_feedback_notifications": "true",
///     "mail_from_subdomain": "mail"
/// }"#)?;
/// assert_eq!(p.domain().map(|d| d.as_str()), Some("agency.gov"));
/// assert!(p.enable_feedback_notifications());
/// assert_eq!(p.mail_from_domain().map(|d| d.to_string()).as_deref(), Some("mail.agency.gov"));
/// // Empty DMARC lists fall back to admin_email.
/// assert_eq!(p.dmarc_aggregate_addresses()[0].as_str(), "admin@agency.gov");
/// # Ok::<(), ses_broker::ParamErrors>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProvisionParams {
    domain: Option<DomainName>,
    admin_email: EmailAddress,
    dmarc_report_aggregate_recipients: Vec<EmailAddress>,
    dmarc_report_failure_recipients: Vec<EmailAddress>,
    enable_feedback_notifications: bool,
    mail_from_subdomain: Option<MailFromSubdomain>,
}

/// The fields found in one document: `None` when absent or `null`; for `domain` and
/// `mail_from_subdomain`, `Some(None)` when given as `""`.
#[derive(Default)]
struct Fields {
    domain: Option<Option<DomainName>>,
    admin_email: Option<EmailAddress>,
    /// `admin_email` is present and not `null` (whether or not its value is valid).
    admin_email_given: bool,
    aggregate: Option<Vec<EmailAddress>>,
    failure: Option<Vec<EmailAddress>>,
    feedback: Option<bool>,
    mail_from: Option<Option<MailFromSubdomain>>,
}

/// An optional string that may be `""` to mean "none".
fn emptiable<T>(
    path: &str,
    raw: Raw<'_, '_>,
    parse: fn(&str) -> Result<T, crate::values::ValueError>,
    errors: &mut Problems,
) -> Result<Option<Option<T>>, ()> {
    match optional_str(path, raw, errors)? {
        None => Ok(None),
        Some("") => Ok(Some(None)),
        Some(text) => parse_with(path, text, parse, errors).map(|v| Some(Some(v))),
    }
}

fn read_fields(doc: &Document<'_>, errors: &mut Problems) -> Fields {
    let mut fields = Fields::default();
    // A field that fails keeps its default; its problem is already in `errors`.
    doc.read(&PROVISION_KEYS, errors, |key, raw, errors| match key {
        "domain" => {
            fields.domain = emptiable(key, raw, DomainName::parse, errors).unwrap_or(None);
        }
        "admin_email" => {
            fields.admin_email_given = raw.is_some();
            fields.admin_email = optional_str(key, raw, errors)
                .ok()
                .flatten()
                .and_then(|s| parse_with(key, s, EmailAddress::parse, errors).ok());
        }
        "dmarc_report_aggregate_recipients" | "dmarc_report_failure_recipients" => {
            let list = optional_list(
                key,
                raw,
                MAX_RECIPIENTS,
                ("an array of email addresses", "an email address"),
                EmailAddress::parse,
                errors,
            )
            .unwrap_or(None);
            if key == "dmarc_report_aggregate_recipients" {
                fields.aggregate = list;
            } else {
                fields.failure = list;
            }
        }
        "enable_feedback_notifications" => {
            fields.feedback = optional_bool(key, raw, errors).unwrap_or(None);
        }
        "mail_from_subdomain" => {
            fields.mail_from =
                emptiable(key, raw, MailFromSubdomain::parse, errors).unwrap_or(None);
        }
        // `read` hands over known keys only and reports the others.
        _ => {}
    });
    fields
}

/// Longest DMARC record text whose Route 53 value (split into quoted 255-byte strings, one
/// space between them) fits Route 53's 4,000 characters per value.
pub const MAX_DMARC_RECORD_LEN: usize = 3953;

/// Everything of the broker's DMARC record but the customer's addresses:
/// `v=DMARC1; p=reject; rua=mailto:reports@dmarc.cyber.dhs.gov,` and `; ruf=`.
const DMARC_FIXED_PART_LEN: usize = 65;

/// An upper bound of the broker's DMARC record length: every address character encoded as
/// `%XX`, plus `mailto:` and a comma each.
fn dmarc_len_bound(
    admin: &EmailAddress,
    aggregate: &[EmailAddress],
    failure: &[EmailAddress],
) -> usize {
    let worst = |list: &[EmailAddress]| {
        let list = if list.is_empty() {
            core::slice::from_ref(admin)
        } else {
            list
        };
        list.iter().map(|a| 3 * a.as_str().len() + 8).sum::<usize>()
    };
    DMARC_FIXED_PART_LEN + worst(aggregate) + worst(failure)
}

/// The DMARC record the recipients make must fit one DNS value that every DNS host takes.
fn check_dmarc_size(
    admin_email: &EmailAddress,
    aggregate: &[EmailAddress],
    failure: &[EmailAddress],
    errors: &mut Problems,
) {
    // Building the record percent-encodes every address; skip it when even the worst case fits.
    if dmarc_len_bound(admin_email, aggregate, failure) <= MAX_DMARC_RECORD_LEN {
        return;
    }
    let recipients = DmarcRecipients::new(admin_email)
        .aggregate(aggregate)
        .failure(failure);
    let len = DmarcRecord::for_broker(&recipients).to_string().len();
    if len > MAX_DMARC_RECORD_LEN {
        let path = if aggregate.len() >= failure.len() {
            "dmarc_report_aggregate_recipients"
        } else {
            "dmarc_report_failure_recipients"
        };
        errors.push(ParamError::new(
            path,
            ParamErrorKind::Conflict,
            format!(
                "the DMARC record these recipients make is {len} characters; at most {MAX_DMARC_RECORD_LEN} fit one DNS value (Route 53 takes 4,000): list fewer or shorter addresses"
            ),
        ));
    }
}

/// Rules that need two fields, or a field in its role as sending domain.
fn cross_check(
    domain: Option<&DomainName>,
    mail_from: Option<&MailFromSubdomain>,
    errors: &mut Problems,
) {
    if let Some(domain) = domain {
        if domain.as_str().len() > MAX_SENDING_DOMAIN_LEN {
            errors.push(ParamError::new(
                "domain",
                ParamErrorKind::InvalidValue,
                format!(
                    "is {} characters long; a sending domain has at most {MAX_SENDING_DOMAIN_LEN}, to leave room for its DKIM record names",
                    domain.as_str().len()
                ),
            ));
        }
        if let Some(sub) = mail_from
            && let Err(e) = sub.fits_under(domain)
        {
            errors.push(ParamError::new(
                "mail_from_subdomain",
                ParamErrorKind::Conflict,
                e.message(),
            ));
        }
    }
}

fn missing_admin_email() -> ParamError {
    ParamError::new(
        "admin_email",
        ParamErrorKind::Required,
        "is required: the address that receives reputation warnings",
    )
}

impl ProvisionParams {
    /// Parses and validates a provision parameter document.
    ///
    /// # Errors
    /// [`ParamErrors`] with every problem: syntax, size (over 64 KiB), a top level that is
    /// not an object, duplicate or unknown keys, wrong types, invalid values, lists over
    /// 10 addresses or with repeats, a missing `admin_email`, and a MAIL FROM subdomain that
    /// makes the full name too long.
    pub fn from_json(json: &str) -> Result<Self, ParamErrors> {
        Self::from_document(&Document::parse(json)?)
    }

    /// Validates an already parsed parameter object (for callers that parsed the whole
    /// request body; duplicate keys can no longer be detected then).
    ///
    /// # Errors
    /// As [`Self::from_json`].
    pub fn from_value(value: &Value) -> Result<Self, ParamErrors> {
        Self::from_document(&Document::from_value(value)?)
    }

    fn from_document(doc: &Document<'_>) -> Result<Self, ParamErrors> {
        let mut errors = Problems::default();
        let fields = read_fields(doc, &mut errors);
        let mail_from = fields.mail_from.flatten();
        let domain = fields.domain.flatten();
        cross_check(domain.as_ref(), mail_from.as_ref(), &mut errors);
        // Absent or null: required. Present but invalid: its own problem is already listed.
        if !fields.admin_email_given {
            errors.push(missing_admin_email());
        }
        if let Some(admin_email) = &fields.admin_email {
            check_dmarc_size(
                admin_email,
                fields.aggregate.as_deref().unwrap_or_default(),
                fields.failure.as_deref().unwrap_or_default(),
                &mut errors,
            );
        }
        if let Some(errors) = errors.into_errors() {
            return Err(errors);
        }
        let admin_email = fields
            .admin_email
            .ok_or_else(|| ParamErrors::one(missing_admin_email()))?;
        Ok(Self {
            domain,
            admin_email,
            dmarc_report_aggregate_recipients: fields.aggregate.unwrap_or_default(),
            dmarc_report_failure_recipients: fields.failure.unwrap_or_default(),
            enable_feedback_notifications: fields.feedback.unwrap_or(false),
            mail_from_subdomain: mail_from,
        })
    }

    /// Starts building parameters in Rust; `admin_email` is the one required field.
    pub fn builder(admin_email: EmailAddress) -> ProvisionParamsBuilder {
        ProvisionParamsBuilder {
            params: Self {
                domain: None,
                admin_email,
                dmarc_report_aggregate_recipients: Vec::new(),
                dmarc_report_failure_recipients: Vec::new(),
                enable_feedback_notifications: false,
                mail_from_subdomain: None,
            },
        }
    }

    /// Applies an update document (`cf update-service -c`) over these stored parameters.
    ///
    /// Fields present in the update replace the stored ones; absent or `null` fields keep
    /// their stored value; `"mail_from_subdomain": ""` removes the custom MAIL FROM domain
    /// and an empty DMARC list goes back to `admin_email`. `domain` cannot change: sending the
    /// stored value again (in any case, with or without a trailing dot) is accepted, any other
    /// value is refused. (The deployed broker refuses even an unchanged `domain`.)
    ///
    /// ```
    /// use ses_broker::{params::ProvisionField, ProvisionParams};
    /// let stored = ProvisionParams::from_json(r#"{"domain": "agency.gov", "admin_email": "a@agency.gov"}"#)?;
    /// let update = stored.update(r#"{"domain": "AGENCY.gov", "mail_from_subdomain": "mail"}"#)?;
    /// assert_eq!(update.changed(), [ProvisionField::MailFromSubdomain]);
    /// assert!(stored.update(r#"{"domain": "other.gov"}"#).is_err());
    /// # Ok::<(), ses_broker::ParamErrors>(())
    /// ```
    ///
    /// # Errors
    /// [`ParamErrors`] with every problem of the update document, or of the merged result.
    pub fn update(&self, json: &str) -> Result<Update, ParamErrors> {
        self.update_document(&Document::parse(json)?)
    }

    /// [`Self::update`] for an already parsed parameter object.
    ///
    /// # Errors
    /// As [`Self::update`].
    pub fn update_from_value(&self, value: &Value) -> Result<Update, ParamErrors> {
        self.update_document(&Document::from_value(value)?)
    }

    fn update_document(&self, doc: &Document<'_>) -> Result<Update, ParamErrors> {
        let mut errors = Problems::default();
        let fields = read_fields(doc, &mut errors);
        if let Some(new_domain) = &fields.domain
            && new_domain.as_ref() != self.domain.as_ref()
        {
            let was = self
                .domain
                .as_ref()
                .map_or_else(|| "a generated domain".to_owned(), |d| d.to_string());
            let now = new_domain
                .as_ref()
                .map_or_else(|| "none".to_owned(), |d| excerpt(d.as_str()));
            errors.push(ParamError::new(
                "domain",
                ParamErrorKind::Immutable,
                format!(
                    "cannot change after the instance is created (it is {was}, the update asks for {now}); create a new instance for another domain"
                ),
            ));
        }
        let mail_from_given = fields.mail_from.is_some();
        let merged = Self {
            domain: self.domain.clone(),
            admin_email: fields
                .admin_email
                .unwrap_or_else(|| self.admin_email.clone()),
            dmarc_report_aggregate_recipients: fields
                .aggregate
                .unwrap_or_else(|| self.dmarc_report_aggregate_recipients.clone()),
            dmarc_report_failure_recipients: fields
                .failure
                .unwrap_or_else(|| self.dmarc_report_failure_recipients.clone()),
            enable_feedback_notifications: fields
                .feedback
                .unwrap_or(self.enable_feedback_notifications),
            mail_from_subdomain: fields
                .mail_from
                .unwrap_or_else(|| self.mail_from_subdomain.clone()),
        };
        check_dmarc_size(
            &merged.admin_email,
            &merged.dmarc_report_aggregate_recipients,
            &merged.dmarc_report_failure_recipients,
            &mut errors,
        );
        if mail_from_given {
            cross_check(
                merged.domain.as_ref(),
                merged.mail_from_subdomain.as_ref(),
                &mut errors,
            );
        }
        if let Some(errors) = errors.into_errors() {
            return Err(errors);
        }
        let changed = self.changes_to(&merged);
        Ok(Update {
            params: merged,
            changed,
        })
    }

    /// The fields whose value differs between `self` and `other`, in document order.
    #[must_use]
    pub fn changes_to(&self, other: &Self) -> Vec<ProvisionField> {
        let checks = [
            (ProvisionField::Domain, self.domain != other.domain),
            (
                ProvisionField::AdminEmail,
                self.admin_email != other.admin_email,
            ),
            (
                ProvisionField::DmarcReportAggregateRecipients,
                self.dmarc_report_aggregate_recipients != other.dmarc_report_aggregate_recipients,
            ),
            (
                ProvisionField::DmarcReportFailureRecipients,
                self.dmarc_report_failure_recipients != other.dmarc_report_failure_recipients,
            ),
            (
                ProvisionField::EnableFeedbackNotifications,
                self.enable_feedback_notifications != other.enable_feedback_notifications,
            ),
            (
                ProvisionField::MailFromSubdomain,
                self.mail_from_subdomain != other.mail_from_subdomain,
            ),
        ];
        checks
            .into_iter()
            .filter_map(|(field, differs)| differs.then_some(field))
            .collect()
    }

    /// The sending domain the customer gave; `None` means the broker generates one.
    #[must_use]
    pub const fn domain(&self) -> Option<&DomainName> {
        self.domain.as_ref()
    }

    /// The address that receives reputation warnings (and, by default, DMARC reports).
    #[must_use]
    pub const fn admin_email(&self) -> &EmailAddress {
        &self.admin_email
    }

    /// The DMARC aggregate (`rua`) recipients as given (possibly empty).
    #[must_use]
    pub fn dmarc_report_aggregate_recipients(&self) -> &[EmailAddress] {
        &self.dmarc_report_aggregate_recipients
    }

    /// The DMARC failure (`ruf`) recipients as given (possibly empty).
    #[must_use]
    pub fn dmarc_report_failure_recipients(&self) -> &[EmailAddress] {
        &self.dmarc_report_failure_recipients
    }

    /// The customer's DMARC aggregate recipients, or `admin_email` when none were given.
    #[must_use]
    pub fn dmarc_aggregate_addresses(&self) -> &[EmailAddress] {
        if self.dmarc_report_aggregate_recipients.is_empty() {
            core::slice::from_ref(&self.admin_email)
        } else {
            &self.dmarc_report_aggregate_recipients
        }
    }

    /// The customer's DMARC failure recipients, or `admin_email` when none were given.
    #[must_use]
    pub fn dmarc_failure_addresses(&self) -> &[EmailAddress] {
        if self.dmarc_report_failure_recipients.is_empty() {
            core::slice::from_ref(&self.admin_email)
        } else {
            &self.dmarc_report_failure_recipients
        }
    }

    /// Whether bounce, complaint and delivery SNS topics are created.
    #[must_use]
    pub const fn enable_feedback_notifications(&self) -> bool {
        self.enable_feedback_notifications
    }

    /// The custom MAIL FROM subdomain labels, if any.
    #[must_use]
    pub const fn mail_from_subdomain(&self) -> Option<&MailFromSubdomain> {
        self.mail_from_subdomain.as_ref()
    }

    /// The custom MAIL FROM domain under the given sending domain, when both are known.
    /// (For a generated domain, the instance computes it.)
    #[must_use]
    pub fn mail_from_domain(&self) -> Option<DomainName> {
        let domain = self.domain.as_ref()?;
        self.mail_from_subdomain.as_ref()?.under(domain).ok()
    }
}

/// Builds [`ProvisionParams`] in Rust, with the same rules as the JSON path.
#[derive(Debug, Clone)]
#[must_use]
pub struct ProvisionParamsBuilder {
    params: ProvisionParams,
}

impl ProvisionParamsBuilder {
    /// The customer's sending domain (otherwise one is generated).
    pub fn domain(mut self, domain: DomainName) -> Self {
        self.params.domain = Some(domain);
        self
    }

    /// DMARC aggregate (`rua`) recipients.
    pub fn dmarc_report_aggregate_recipients(mut self, list: Vec<EmailAddress>) -> Self {
        self.params.dmarc_report_aggregate_recipients = list;
        self
    }

    /// DMARC failure (`ruf`) recipients.
    pub fn dmarc_report_failure_recipients(mut self, list: Vec<EmailAddress>) -> Self {
        self.params.dmarc_report_failure_recipients = list;
        self
    }

    /// Whether to create the feedback topics.
    pub const fn enable_feedback_notifications(mut self, on: bool) -> Self {
        self.params.enable_feedback_notifications = on;
        self
    }

    /// The custom MAIL FROM subdomain.
    pub fn mail_from_subdomain(mut self, sub: MailFromSubdomain) -> Self {
        self.params.mail_from_subdomain = Some(sub);
        self
    }

    /// Checks the rules that span fields or lists and returns the parameters.
    ///
    /// # Errors
    /// [`ParamErrors`] for lists over 10 addresses or with repeats, a sending domain too
    /// long for its DKIM records, or a MAIL FROM domain over 253 characters.
    pub fn build(self) -> Result<ProvisionParams, ParamErrors> {
        // Re-checking through the JSON path keeps one set of rules.
        let value = serde_json::to_value(&self.params).unwrap_or(Value::Null);
        ProvisionParams::from_value(&value)
    }
}

/// The result of applying an update document: the merged parameters and what changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    params: ProvisionParams,
    changed: Vec<ProvisionField>,
}

impl Update {
    /// The merged parameters, to store in place of the old ones.
    #[must_use]
    pub const fn params(&self) -> &ProvisionParams {
        &self.params
    }

    /// Takes the merged parameters.
    #[must_use]
    pub fn into_params(self) -> ProvisionParams {
        self.params
    }

    /// The fields whose value changed, in document order (empty: nothing to do).
    #[must_use]
    pub fn changed(&self) -> &[ProvisionField] {
        &self.changed
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::indexing_slicing,
        reason = "tests fail by panicking"
    )]
    use super::*;

    #[test]
    fn the_dmarc_shortcut_bounds_the_real_record() {
        let admin: EmailAddress = "a@agency.gov".parse().unwrap();
        let list: Vec<EmailAddress> = ["x+y@agency.gov", "first.last@sub.agency.gov", "z@b.gov"]
            .iter()
            .map(|a| a.parse().unwrap())
            .collect();
        for (aggregate, failure) in [
            (&list[..], &list[..]),
            (&[][..], &[][..]),
            (&list[..1], &[][..]),
        ] {
            let real = DmarcRecord::for_broker(
                &DmarcRecipients::new(&admin)
                    .aggregate(aggregate)
                    .failure(failure),
            )
            .to_string()
            .len();
            assert!(real <= dmarc_len_bound(&admin, aggregate, failure));
        }
    }
}
