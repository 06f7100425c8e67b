//! The application side: reading the `aws-ses` credentials out of Cloud Foundry's
//! `VCAP_SERVICES`.

use crate::prelude::*;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::credentials::{Credentials, CredentialsError};
use crate::values::json_type;
use crate::values::{BindingId, InstanceId, ValueError, excerpt};

/// The service offering label (and the tag) that marks an SES binding.
const LABEL: &str = "aws-ses";

/// One `aws-ses` binding as `VCAP_SERVICES` lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SesBinding {
    label: String,
    name: String,
    instance_name: Option<String>,
    instance_guid: Option<InstanceId>,
    binding_guid: Option<BindingId>,
    binding_name: Option<String>,
    plan: Option<String>,
    tags: Vec<String>,
    credentials: Credentials,
}

impl SesBinding {
    /// The offering label it is listed under: `aws-ses`, or another label (such as
    /// `user-provided`) for an entry found by its `aws-ses` tag.
    #[must_use]
    pub fn label(&self) -> &str {
        &self.label
    }

    /// `name`: the binding name if one was given, else the instance name.
    #[must_use]
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `instance_name`: the service instance's name (`cf create-service ... NAME`).
    #[must_use]
    pub fn instance_name(&self) -> Option<&str> {
        self.instance_name.as_deref()
    }

    /// `instance_guid`: the service instance's id.
    #[must_use]
    pub const fn instance_guid(&self) -> Option<&InstanceId> {
        self.instance_guid.as_ref()
    }

    /// `binding_guid`: the binding's id.
    #[must_use]
    pub const fn binding_guid(&self) -> Option<&BindingId> {
        self.binding_guid.as_ref()
    }

    /// `binding_name`: set only when the app was bound with `--binding-name`.
    #[must_use]
    pub fn binding_name(&self) -> Option<&str> {
        self.binding_name.as_deref()
    }

    /// `plan`: the plan name (`domain` on cloud.gov).
    #[must_use]
    pub fn plan(&self) -> Option<&str> {
        self.plan.as_deref()
    }

    /// `tags`: the offering's tags and the instance's.
    #[must_use]
    pub fn tags(&self) -> &[String] {
        &self.tags
    }

    /// `credentials`: the typed credential payload.
    #[must_use]
    pub const fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    fn answers_to(&self, name: &str) -> bool {
        self.name == name || self.instance_name.as_deref() == Some(name)
    }
}

/// One entry written as Cloud Foundry writes it, the credentials' secrets real or redacted,
/// each straight from its field.
struct EntryView<'a> {
    binding: &'a SesBinding,
    secrets: bool,
}

impl Serialize for EntryView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let b = self.binding;
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("label", &b.label)?;
        // Always null for OSBAPI v2 brokers; written so the output has CF's shape.
        map.serialize_entry("provider", &())?;
        map.serialize_entry("plan", &b.plan)?;
        map.serialize_entry("name", &b.name)?;
        map.serialize_entry("tags", &b.tags)?;
        map.serialize_entry(
            "instance_guid",
            &b.instance_guid.as_ref().map(InstanceId::as_str),
        )?;
        map.serialize_entry("instance_name", &b.instance_name)?;
        map.serialize_entry(
            "binding_guid",
            &b.binding_guid.as_ref().map(BindingId::as_str),
        )?;
        map.serialize_entry("binding_name", &b.binding_name)?;
        map.serialize_entry(
            "credentials",
            &PayloadView {
                credentials: &b.credentials,
                secrets: self.secrets,
            },
        )?;
        map.serialize_entry("syslog_drain_url", &())?;
        map.serialize_entry("volume_mounts", &[(); 0])?;
        map.end()
    }
}

struct PayloadView<'a> {
    credentials: &'a Credentials,
    secrets: bool,
}

impl Serialize for PayloadView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.credentials.serialize_payload(serializer, self.secrets)
    }
}

/// The document: one array per label, labels in the order their first binding appears.
struct DocumentView<'a> {
    vcap: &'a VcapServices,
    secrets: bool,
}

impl Serialize for DocumentView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let bindings = &self.vcap.bindings;
        let mut labels: Vec<&str> = Vec::new();
        for binding in bindings {
            if !labels.contains(&binding.label.as_str()) {
                labels.push(&binding.label);
            }
        }
        let mut map = serializer.serialize_map(Some(labels.len()))?;
        for label in labels {
            map.serialize_entry(
                label,
                &LabelView {
                    bindings,
                    label,
                    secrets: self.secrets,
                },
            )?;
        }
        map.end()
    }
}

struct LabelView<'a> {
    bindings: &'a [SesBinding],
    label: &'a str,
    secrets: bool,
}

impl Serialize for LabelView<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.bindings.iter().filter(|b| b.label == self.label).map(
            |binding| EntryView {
                binding,
                secrets: self.secrets,
            },
        ))
    }
}

/// The SES bindings of a `VCAP_SERVICES` document.
///
/// Read with [`VcapServices::from_json`]; find a binding with [`VcapServices::ses`] (the
/// only one), [`VcapServices::ses_named`] or [`VcapServices::ses_tagged`]. The bindings
/// are the entries under the label `aws-ses`; when there are none, entries under any other
/// label (a user-provided service, say) that carry the tag `aws-ses`. Other services are
/// ignored, and so are keys this crate does not know (Cloud Foundry adds some); the known
/// keys of an SES entry are type-checked and its credentials read strictly, with one
/// exception: `notification_email` and `notification_webhook`, which an application does
/// not need to send mail, are read leniently. One that fails this crate's rules (stricter
/// than those the broker applied when it stored the value) is kept as
/// [`NotificationEndpoint::Unchecked`](crate::credentials::NotificationEndpoint::Unchecked), its raw
/// text and the reason, and the rest of the credentials are read as usual.
///
/// Like [`Credentials`], `Serialize` redacts the secrets; [`VcapServices::with_secrets`]
/// writes them.
///
/// ```
/// use ses_broker::VcapServices;
/// let vcap = VcapServices::from_json(r#"{"aws-ses": [{
///   "label": "aws-ses", "provider": null, "plan": "domain", "name": "my-ses",
///   "tags": ["aws", "csb"], "instance_name": "my-ses", "binding_name": null,
///   "credentials": {
///     "region": "us-gov-west-1",
///     "domain": "agency.gov",
///     "identity_arn": "arn:aws-us-gov:ses:us-gov-west-1:123456789012:identity/agency.gov",
///     "configuration_set_arn": "arn:aws-us-gov:ses:us-gov-west-1:123456789012:configuration-set/csb-aws-ses-1",
///     "reputation_topic_arn": "arn:aws-us-gov:sns:us-gov-west-1:123456789012:csb-aws-ses-1-reputation-notifications",
///     "bounce_topic_arn": "", "complaint_topic_arn": "", "delivery_topic_arn": "",
///     "smtp_server": "email-smtp-fips.us-gov-west-1.amazonaws.com",
///     "smtp_user": "AKIAIOSFODNN7EXAMPLE",
///     "smtp_password": "BHW/eHvx1MM9YwW4wrJG6MGVQmLDCAM99G9YiSdGEIAw",
///     "aws_access_key_id": "AKIAIOSFODNN7EXAMPLE",
///     "aws_secret_access_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
///   }
/// }]}"#)?;
/// let ses = vcap.ses()?;
/// assert_eq!(ses.name(), "my-ses");
/// assert_eq!(ses.credentials().smtp_server().as_str(), "email-smtp-fips.us-gov-west-1.amazonaws.com");
/// assert!(vcap.ses_named("other").is_err());
/// # Ok::<(), ses_broker::credentials::VcapError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct VcapServices {
    bindings: Vec<SesBinding>,
}

/// Why `VCAP_SERVICES` could not be read or a binding not found. Paths look like
/// `aws-ses[0].credentials.smtp_password`; secrets are never quoted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VcapError {
    /// The text is not JSON.
    #[error("VCAP_SERVICES is not valid JSON: {message}")]
    NotJson {
        /// The parser's message (position and problem, never the input).
        message: String,
    },
    /// A value has the wrong JSON type.
    #[error("{path}: expected {expected}, found {found}")]
    WrongType {
        /// Where, e.g. `aws-ses[0].tags`.
        path: String,
        /// The JSON type expected.
        expected: &'static str,
        /// The JSON type found.
        found: &'static str,
    },
    /// A required key is absent.
    #[error("{path}: missing")]
    Missing {
        /// Where, e.g. `aws-ses[0].name`.
        path: String,
    },
    /// A value is not valid.
    #[error("{path}: {message}")]
    Malformed {
        /// Where, e.g. `aws-ses[0].binding_guid`.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A binding's credentials could not be read.
    #[error("{}", credentials_message(.path, .source))]
    Credentials {
        /// The path of the credentials object, e.g. `aws-ses[0].credentials`.
        path: String,
        /// What is wrong in it.
        source: CredentialsError,
    },
    /// No SES service is bound to the app.
    #[error("no aws-ses service is bound (no VCAP_SERVICES entry is labelled or tagged aws-ses)")]
    NoService,
    /// No SES binding has the name asked for.
    #[error("no aws-ses service is named {}; bound: {}", excerpt(.name), list(.available))]
    NotFound {
        /// The name asked for.
        name: String,
        /// The names of the SES bindings there are.
        available: Vec<String>,
    },
    /// Several SES bindings match, and the lookup needs exactly one.
    #[error("several aws-ses services match ({}); choose one by name", list(.names))]
    Ambiguous {
        /// Their names.
        names: Vec<String>,
    },
}

fn credentials_message(path: &str, source: &CredentialsError) -> String {
    match source.key() {
        Some(key) => format!("{path}.{key}: {}", source.problem()),
        None => match source {
            CredentialsError::NotAnObject { found } => {
                format!("{path}: expected an object, found {found}")
            }
            other => format!("{path}: {other}"),
        },
    }
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        return "none".to_owned();
    }
    names
        .iter()
        .map(|n| excerpt(n))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A path segment for a label: plain when it is a plain word, quoted otherwise (labels
/// come from the document).
fn label_path(label: &str) -> String {
    if !label.is_empty()
        && label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        label.to_owned()
    } else {
        excerpt(label)
    }
}

fn has_ses_tag(entry: &Value) -> bool {
    entry
        .get("tags")
        .and_then(Value::as_array)
        .is_some_and(|tags| tags.iter().any(|t| t.as_str() == Some(LABEL)))
}

/// Typed access to the keys of one entry.
struct Entry<'a> {
    map: &'a Map<String, Value>,
    path: &'a str,
}

impl<'a> Entry<'a> {
    fn path(&self, key: &str) -> String {
        format!("{}.{key}", self.path)
    }

    fn optional_str(&self, key: &str) -> Result<Option<&'a str>, VcapError> {
        match self.map.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(VcapError::WrongType {
                path: self.path(key),
                expected: "a string",
                found: json_type(other),
            }),
        }
    }

    fn optional<T>(
        &self,
        key: &str,
        parse: fn(&str) -> Result<T, ValueError>,
    ) -> Result<Option<T>, VcapError> {
        self.optional_str(key)?
            .map(parse)
            .transpose()
            .map_err(|e| VcapError::Malformed {
                path: self.path(key),
                message: e.to_string(),
            })
    }

    fn tags(&self) -> Result<Vec<String>, VcapError> {
        match self.map.get("tags") {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, item)| match item {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(VcapError::WrongType {
                        path: format!("{}.tags[{i}]", self.path),
                        expected: "a string",
                        found: json_type(other),
                    }),
                })
                .collect(),
            Some(other) => Err(VcapError::WrongType {
                path: self.path("tags"),
                expected: "an array",
                found: json_type(other),
            }),
        }
    }

    fn binding(&self, label: &str) -> Result<SesBinding, VcapError> {
        let name = self
            .optional_str("name")?
            .ok_or_else(|| VcapError::Missing {
                path: self.path("name"),
            })?;
        let credentials = self
            .map
            .get("credentials")
            .ok_or_else(|| VcapError::Missing {
                path: self.path("credentials"),
            })?;
        let credentials = Credentials::from_value_lenient(credentials).map_err(|source| {
            VcapError::Credentials {
                path: self.path("credentials"),
                source,
            }
        })?;
        Ok(SesBinding {
            label: label.to_owned(),
            name: name.to_owned(),
            instance_name: self.optional_str("instance_name")?.map(str::to_owned),
            instance_guid: self.optional("instance_guid", InstanceId::parse)?,
            binding_guid: self.optional("binding_guid", BindingId::parse)?,
            binding_name: self.optional_str("binding_name")?.map(str::to_owned),
            plan: self.optional_str("plan")?.map(str::to_owned),
            tags: self.tags()?,
            credentials,
        })
    }
}

impl VcapServices {
    /// Reads a `VCAP_SERVICES` document (the environment variable's value, or the file
    /// `VCAP_SERVICES_FILE_PATH` names). Reading the environment is the caller's job.
    ///
    /// # Errors
    /// A [`VcapError`] with the path of the first problem in an SES entry. Having no SES
    /// entry is not an error here; the lookups report it.
    pub fn from_json(text: &str) -> Result<Self, VcapError> {
        let value: Value = serde_json::from_str(text).map_err(|e| VcapError::NotJson {
            message: e.to_string(),
        })?;
        Self::from_value(&value)
    }

    /// Reads an already parsed `VCAP_SERVICES` document.
    ///
    /// # Errors
    /// As [`VcapServices::from_json`].
    pub fn from_value(value: &Value) -> Result<Self, VcapError> {
        let Value::Object(services) = value else {
            return Err(VcapError::WrongType {
                path: "VCAP_SERVICES".to_owned(),
                expected: "an object",
                found: json_type(value),
            });
        };
        let mut bindings = Vec::new();
        if let Some(entries) = services.get(LABEL) {
            let Value::Array(entries) = entries else {
                return Err(VcapError::WrongType {
                    path: LABEL.to_owned(),
                    expected: "an array",
                    found: json_type(entries),
                });
            };
            for (i, entry) in entries.iter().enumerate() {
                bindings.push(read_entry(LABEL, i, entry)?);
            }
        }
        if bindings.is_empty() {
            // Fall back to entries tagged aws-ses under other labels; other services'
            // entries are not ours to judge, so a shape we cannot read is skipped.
            for (label, entries) in services {
                let Some(entries) = entries.as_array() else {
                    continue;
                };
                for (i, entry) in entries.iter().enumerate() {
                    if label != LABEL && has_ses_tag(entry) {
                        bindings.push(read_entry(label, i, entry)?);
                    }
                }
            }
        }
        Ok(Self { bindings })
    }

    /// Every SES binding found, in document order.
    #[must_use]
    pub fn bindings(&self) -> &[SesBinding] {
        &self.bindings
    }

    /// The only SES binding.
    ///
    /// # Errors
    /// [`VcapError::NoService`] when there is none, [`VcapError::Ambiguous`] (listing
    /// their names) when there are several.
    pub fn ses(&self) -> Result<&SesBinding, VcapError> {
        self.only(self.bindings.iter().collect(), None)
    }

    /// The SES binding whose `name` or `instance_name` is `name`.
    ///
    /// # Errors
    /// [`VcapError::NoService`] when no SES service is bound, [`VcapError::NotFound`]
    /// (listing the names there are) when none has this name, [`VcapError::Ambiguous`]
    /// when several do.
    pub fn ses_named(&self, name: &str) -> Result<&SesBinding, VcapError> {
        self.only(
            self.bindings
                .iter()
                .filter(|b| b.answers_to(name))
                .collect(),
            Some(name),
        )
    }

    /// The SES binding carrying the tag `tag`.
    ///
    /// # Errors
    /// As [`VcapServices::ses_named`].
    pub fn ses_tagged(&self, tag: &str) -> Result<&SesBinding, VcapError> {
        self.only(
            self.bindings
                .iter()
                .filter(|b| b.tags.iter().any(|t| t == tag))
                .collect(),
            Some(tag),
        )
    }

    fn only<'s>(
        &'s self,
        matches: Vec<&'s SesBinding>,
        asked: Option<&str>,
    ) -> Result<&'s SesBinding, VcapError> {
        if self.bindings.is_empty() {
            return Err(VcapError::NoService);
        }
        match matches.as_slice() {
            [one] => Ok(*one),
            [] => Err(VcapError::NotFound {
                name: asked.unwrap_or_default().to_owned(),
                available: self.bindings.iter().map(|b| b.name.clone()).collect(),
            }),
            several => Err(VcapError::Ambiguous {
                names: several.iter().map(|b| b.name.clone()).collect(),
            }),
        }
    }

    /// The document with the real secrets, shaped as Cloud Foundry writes it (SES entries
    /// only). Reading it back gives an equal value. Like
    /// [`Credentials::to_json_with_secrets`], the value is the caller's copy and is not
    /// wiped on drop; [`VcapServices::with_secrets`] writes without one.
    #[must_use]
    pub fn to_json_with_secrets(&self) -> Value {
        serde_json::to_value(self.with_secrets()).unwrap_or_default()
    }

    /// A view whose [`Serialize`] writes the real secrets, straight from the secret types.
    #[must_use]
    pub const fn with_secrets(&self) -> VcapWithSecrets<'_> {
        VcapWithSecrets(self)
    }
}

fn read_entry(label: &str, index: usize, entry: &Value) -> Result<SesBinding, VcapError> {
    let path = format!("{}[{index}]", label_path(label));
    let Value::Object(map) = entry else {
        return Err(VcapError::WrongType {
            path,
            expected: "an object",
            found: json_type(entry),
        });
    };
    Entry { map, path: &path }.binding(label)
}

/// Writes the document with the secrets replaced by `"[redacted]"`.
impl Serialize for VcapServices {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        DocumentView {
            vcap: self,
            secrets: false,
        }
        .serialize(serializer)
    }
}

/// [`VcapServices`] serialized with the real secrets. Made by
/// [`VcapServices::with_secrets`]; its `Debug` still redacts.
#[derive(Debug, Clone, Copy)]
pub struct VcapWithSecrets<'a>(&'a VcapServices);

impl Serialize for VcapWithSecrets<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        DocumentView {
            vcap: self.0,
            secrets: true,
        }
        .serialize(serializer)
    }
}
