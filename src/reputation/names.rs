//! The names this crate gives an instance's configuration set and reputation alarms, and
//! the way back from an alarm name to the instance.
//!
//! Building and recognising names live side by side on purpose: the deployed pause path
//! failed because the alarms were renamed while the code recognising them was not.

use crate::prelude::*;

use core::fmt;

use super::metric::Metric;
use crate::instance::names::{AlarmName, ConfigurationSetName, NAME_PREFIX};
use crate::values::InstanceId;

/// How serious an alarm is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Severity {
    /// Notify only.
    Warning,
    /// Notify and pause sending.
    Critical,
}

impl Severity {
    /// `Warning` or `Critical`, as in alarm names.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Warning => "Warning",
            Self::Critical => "Critical",
        }
    }
}

/// One of an instance's four reputation alarms: a metric and a severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AlarmKind {
    metric: Metric,
    severity: Severity,
}

impl AlarmKind {
    /// The four alarms: bounce warning, bounce critical, complaint warning, complaint
    /// critical.
    pub const ALL: [Self; 4] = [
        Self::new(Metric::Bounce, Severity::Warning),
        Self::new(Metric::Bounce, Severity::Critical),
        Self::new(Metric::Complaint, Severity::Warning),
        Self::new(Metric::Complaint, Severity::Critical),
    ];

    /// The alarm on `metric` at `severity`.
    #[must_use]
    pub const fn new(metric: Metric, severity: Severity) -> Self {
        Self { metric, severity }
    }

    /// Which rate it watches.
    #[must_use]
    pub const fn metric(self) -> Metric {
        self.metric
    }

    /// Warning or critical.
    #[must_use]
    pub const fn severity(self) -> Severity {
        self.severity
    }

    /// The name's suffix after the base: `-BounceRate-Critical`.
    #[must_use]
    pub const fn suffix(self) -> &'static str {
        match (self.metric, self.severity) {
            (Metric::Bounce, Severity::Warning) => "-BounceRate-Warning",
            (Metric::Bounce, Severity::Critical) => "-BounceRate-Critical",
            (Metric::Complaint, Severity::Warning) => "-ComplaintRate-Warning",
            (Metric::Complaint, Severity::Critical) => "-ComplaintRate-Critical",
        }
    }
}

/// The names of an instance's four reputation alarms, `<base>-BounceRate-Warning`,
/// `<base>-BounceRate-Critical`, `<base>-ComplaintRate-Warning` and
/// `<base>-ComplaintRate-Critical`, with base `csb-aws-ses-<instance_id>`; and the way back
/// from a name to its instance ([`AlarmNames::recognise`]).
///
/// ```
/// use ses_broker::{reputation::AlarmKind, reputation::AlarmNames, values::InstanceId, reputation::Metric, reputation::Severity};
/// let id: InstanceId = "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f".parse()?;
/// let names = AlarmNames::for_instance(&id);
/// let critical = AlarmKind::new(Metric::Bounce, Severity::Critical);
/// let name = names.name(critical);
/// assert_eq!(name.as_str(), "csb-aws-ses-4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f-BounceRate-Critical");
/// let back = AlarmNames::recognise(name.as_str()).unwrap();
/// assert_eq!((back.instance(), back.kind()), (&id, critical));
/// # Ok::<(), ses_broker::values::ValueError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AlarmNames {
    configuration_set: ConfigurationSetName,
}

impl AlarmNames {
    /// The alarm names of instance `instance`.
    #[must_use]
    pub fn for_instance(instance: &InstanceId) -> Self {
        Self {
            configuration_set: ConfigurationSetName::for_instance(instance),
        }
    }

    /// The name of the `kind` alarm (at most 87 characters: always a valid [`AlarmName`]).
    #[must_use]
    pub fn name(&self, kind: AlarmKind) -> AlarmName {
        AlarmName::from_trusted(&format!("{}{}", self.configuration_set, kind.suffix()))
    }

    /// All four names, in the order of [`AlarmKind::ALL`].
    #[must_use]
    pub fn all(&self) -> [(AlarmKind, AlarmName); 4] {
        AlarmKind::ALL.map(|kind| (kind, self.name(kind)))
    }

    /// The configuration set the alarms watch (and the base of their names).
    #[must_use]
    pub const fn configuration_set(&self) -> &ConfigurationSetName {
        &self.configuration_set
    }

    /// The instance and alarm kind of a name this crate generates, or `None` for any other
    /// name (including the deployed broker's old `SES-BounceRate-Critical-Identity-...`).
    /// Exact: case matters, and the instance id must itself be valid.
    #[must_use]
    pub fn recognise(name: &str) -> Option<RecognisedAlarm> {
        let rest = name.strip_prefix(NAME_PREFIX)?;
        AlarmKind::ALL.into_iter().find_map(|kind| {
            let id = rest.strip_suffix(kind.suffix())?;
            let instance = InstanceId::parse(id).ok()?;
            Some(RecognisedAlarm { instance, kind })
        })
    }
}

/// An alarm name traced back to its instance by [`AlarmNames::recognise`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RecognisedAlarm {
    instance: InstanceId,
    kind: AlarmKind,
}

impl RecognisedAlarm {
    /// The instance the alarm belongs to.
    #[must_use]
    pub const fn instance(&self) -> &InstanceId {
        &self.instance
    }

    /// Which of the four alarms it is.
    #[must_use]
    pub const fn kind(&self) -> AlarmKind {
        self.kind
    }

    /// The instance's configuration set, `csb-aws-ses-<instance_id>`.
    #[must_use]
    pub fn configuration_set(&self) -> ConfigurationSetName {
        ConfigurationSetName::for_instance(&self.instance)
    }
}

impl fmt::Display for AlarmKind {
    /// `bounce warning`, `complaint critical`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        };
        write!(f, "{} {severity}", self.metric)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail by panicking")]
    use super::*;

    #[test]
    fn every_generated_name_is_recognised() {
        let id = InstanceId::parse(&"a".repeat(52)).unwrap();
        for (kind, name) in AlarmNames::for_instance(&id).all() {
            assert!(AlarmName::parse(name.as_str()).is_ok());
            let back = AlarmNames::recognise(name.as_str()).unwrap();
            assert_eq!(back.kind(), kind);
            assert_eq!(back.instance(), &id);
            assert!(ConfigurationSetName::parse(back.configuration_set().as_str()).is_ok());
        }
    }

    #[test]
    fn foreign_names_are_not_recognised() {
        for name in [
            "SES-BounceRate-Critical-Identity-example.gov",
            "csb-aws-ses--BounceRate-Critical",
            "csb-aws-ses-x-bouncerate-critical",
            "CSB-AWS-SES-x-BounceRate-Critical",
            "csb-aws-ses-a.b-BounceRate-Critical",
            "csb-aws-ses-x-BounceRate-Critical-2",
            "",
        ] {
            assert!(AlarmNames::recognise(name).is_none(), "{name:?}");
        }
        let long = format!("csb-aws-ses-{}-BounceRate-Critical", "a".repeat(53));
        assert!(AlarmNames::recognise(&long).is_none());
    }
}
