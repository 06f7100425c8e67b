//! Serde forms for enums of other modules that have no `Deserialize` of their own, by the
//! names AWS and this crate already print for them.

use crate::prelude::*;
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serializer};

use crate::binding::Protocol;
use crate::instance::Topic;
use crate::reputation::AlarmKind;
use crate::values::Partition;

fn read<'de, D: Deserializer<'de>, T>(
    d: D,
    what: &str,
    find: impl Fn(&str) -> Option<T>,
) -> Result<T, D::Error> {
    let text = <alloc::borrow::Cow<'de, str>>::deserialize(d)?;
    find(&text).ok_or_else(|| D::Error::custom(format!("unknown {what} {text:?}")))
}

/// [`Partition`] as `aws-us-gov`.
pub(crate) mod partition {
    use super::{Deserializer, Partition, Serializer, read};

    pub(crate) fn serialize<S: Serializer>(p: &Partition, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(p.as_str())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Partition, D::Error> {
        read(d, "partition", Partition::parse)
    }
}

/// [`Topic`] by its name suffix (`bounce`).
pub(crate) mod topic {
    use super::{Deserializer, Serializer, Topic, read};

    pub(crate) fn serialize<S: Serializer>(t: &Topic, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(t.suffix())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Topic, D::Error> {
        read(d, "topic", |s| {
            Topic::ALL.into_iter().find(|t| t.suffix() == s)
        })
    }
}

/// [`AlarmKind`] by its name suffix (`-BounceRate-Critical`).
pub(crate) mod alarm_kind {
    use super::{AlarmKind, Deserializer, Serializer, read};

    pub(crate) fn serialize<S: Serializer>(k: &AlarmKind, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(k.suffix())
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<AlarmKind, D::Error> {
        read(d, "alarm kind", |s| {
            AlarmKind::ALL.into_iter().find(|k| k.suffix() == s)
        })
    }
}

/// [`Protocol`] as SNS names it (`email`, `https`).
pub(crate) mod protocol {
    use super::{Deserializer, Protocol, Serializer, read};

    pub(crate) const fn name(p: Protocol) -> &'static str {
        match p {
            Protocol::Email => "email",
            Protocol::Https => "https",
        }
    }

    pub(crate) fn serialize<S: Serializer>(p: &Protocol, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(name(*p))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Protocol, D::Error> {
        read(d, "protocol", |s| {
            [Protocol::Email, Protocol::Https]
                .into_iter()
                .find(|p| name(*p) == s)
        })
    }
}
