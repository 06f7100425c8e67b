//! What changes in DNS when an instance's parameters change.

use crate::prelude::*;

use super::{RecordSet, RecordType, RequiredRecords};

/// One record set whose values or TTL change.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RecordChange {
    /// What is published now.
    pub old: RecordSet,
    /// What must replace it.
    pub new: RecordSet,
}

/// The edits that turn one set of required records into another, keyed by name and type
/// (the unit a DNS console or Route 53 edits).
///
/// Serialises as `{"add": [...], "change": [{"old", "new"}], "remove": [...]}`, each record
/// set as `{"name", "type", "ttl", "records"}`: what a broker reports on an update.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RecordDiff {
    /// Record sets to create.
    pub add: Vec<RecordSet>,
    /// Record sets whose values change.
    pub change: Vec<RecordChange>,
    /// Record sets to delete.
    pub remove: Vec<RecordSet>,
}

impl RecordDiff {
    /// Nothing to edit.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.add.is_empty() && self.change.is_empty() && self.remove.is_empty()
    }
}

fn key(set: &RecordSet) -> (&str, RecordType) {
    (set.name().as_str(), set.record_type())
}

impl RequiredRecords {
    /// The edits from `self` (before an update) to `new` (after it).
    ///
    /// ```
    /// # use ses_broker::dns::*;
    /// # fn demo(before: &RequiredRecords, after: &RequiredRecords) {
    /// let diff = before.diff(after);
    /// for set in &diff.add { println!("add {} {}", set.name(), set.record_type()); }
    /// # }
    /// ```
    #[must_use]
    pub fn diff(&self, new: &Self) -> RecordDiff {
        let mut out = RecordDiff::default();
        for old in self.record_sets() {
            match new.record_sets().find(|n| key(n) == key(old)) {
                None => out.remove.push(old.clone()),
                Some(n) if n != old => out.change.push(RecordChange {
                    old: old.clone(),
                    new: n.clone(),
                }),
                Some(_) => {}
            }
        }
        for n in new.record_sets() {
            if !self.record_sets().any(|old| key(old) == key(n)) {
                out.add.push(n.clone());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::indexing_slicing,
        reason = "tests fail by panicking; indexing a Value never panics"
    )]
    use crate::dns::DkimSigning;
    use crate::instance::{BrokerConfig, Instance};
    use crate::params::ProvisionParams;
    use crate::prelude::*;

    #[test]
    fn a_diff_serialises_as_the_record_sets_to_edit() {
        let config = BrokerConfig::from_json(
            r#"{"region": "us-gov-west-1", "account_id": "123456789012", "default_zone": "appmail.cloud.gov"}"#,
        )
        .unwrap();
        let params = ProvisionParams::from_json(
            r#"{"domain": "agency.gov", "admin_email": "a@agency.gov"}"#,
        )
        .unwrap();
        let instance = Instance::new(&config, "i-1".parse().unwrap(), params).unwrap();
        let tokens = [
            "abcdefghijklmnopqrstuvwxyz234567",
            "bcdefghijklmnopqrstuvwxyz2345678",
            "cdefghijklmnopqrstuvwxyz23456789",
        ];
        let dkim =
            DkimSigning::for_region(tokens.map(|t| t.parse().unwrap()), instance.region()).unwrap();
        let update = instance
            .update(&config, r#"{"mail_from_subdomain": "mail"}"#, &dkim)
            .unwrap();
        let json = serde_json::to_value(update.records()).unwrap();
        // SPF moves from the domain to the MAIL FROM domain.
        assert_eq!(json["remove"][0]["name"], "agency.gov");
        assert_eq!(json["remove"][0]["type"], "TXT");
        assert_eq!(json["change"], serde_json::json!([]));
        let added: Vec<&str> = json["add"]
            .as_array()
            .unwrap()
            .iter()
            .map(|set| set["type"].as_str().unwrap())
            .collect();
        assert!(added.contains(&"MX"), "{json}");
        let mx = json["add"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["type"] == "MX")
            .unwrap();
        assert_eq!(mx["name"], "mail.agency.gov");
        assert!(mx["ttl"].is_u64());
        assert!(mx["records"][0].as_str().unwrap().contains("feedback-smtp"));
    }
}
