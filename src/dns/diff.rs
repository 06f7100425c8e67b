//! What changes in DNS when an instance's parameters change.

use super::{RecordSet, RecordType, RequiredRecords};

/// One record set whose values or TTL change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordChange {
    /// What is published now.
    pub old: RecordSet,
    /// What must replace it.
    pub new: RecordSet,
}

/// The edits that turn one set of required records into another, keyed by name and type
/// (the unit a DNS console or Route 53 edits).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
    /// # use ses_broker::*;
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
