//! Hostile parameter documents (issue 10, item 6): the test of their error bodies
//! (tests/params.rs) and the bench of their cost (benches/params.rs) read the same ones.

/// Size each document is built up to: just under the 64 KiB limit, so that it is read in
/// full rather than refused for its size.
const TARGET_BYTES: usize = 53 * 1024;

/// A JSON object of as many entries made by `entry` as fit in [`TARGET_BYTES`].
fn object(entry: impl Fn(usize) -> String) -> String {
    let mut doc = String::from("{");
    for i in 0.. {
        let next = entry(i);
        if doc.len() + next.len() + 2 > TARGET_BYTES {
            break;
        }
        if i > 0 {
            doc.push(',');
        }
        doc.push_str(&next);
    }
    doc.push('}');
    doc
}

/// Both DMARC lists filled with the ten addresses `address` makes.
fn addresses(address: impl Fn(usize) -> String) -> String {
    let list = |offset: usize| {
        (offset..offset + 10)
            .map(|i| format!("\"{}\"", address(i)))
            .collect::<Vec<_>>()
            .join(",")
    };
    format!(
        "{{\"admin_email\": \"a@agency.gov\", \"dmarc_report_aggregate_recipients\": [{}], \"dmarc_report_failure_recipients\": [{}]}}",
        list(0),
        list(10)
    )
}

/// The hostile documents, each with a name, worst first by what they cost to answer.
pub(crate) fn documents() -> Vec<(&'static str, String)> {
    vec![
        // Thousands of distinct unknown keys: each was answered with the full key list.
        ("unknown_keys", object(|i| format!("\"k{i}\":0"))),
        // One known key over and over: duplicates were found pairwise.
        (
            "repeated_known_key",
            object(|_| "\"domain\":\"agency.gov\"".to_owned()),
        ),
        // Unknown keys close to a known one, so each would get an edit-distance suggestion.
        (
            "near_miss_keys",
            object(|i| format!("\"admin_emai{}\":0", i % 100)),
        ),
        // Keys whose quoted excerpt escapes every character, or doubles every backslash,
        // so that each listed problem is as long as it can be.
        (
            "escaped_unicode_keys",
            object(|i| format!("\"{}{i}\":0", "\\u00e9".repeat(40))),
        ),
        (
            "backslash_keys",
            object(|i| format!("\"{}{i}\":0", "\\\\".repeat(60))),
        ),
        // Long keys near nothing: edit distance over them would be quadratic.
        (
            "long_keys",
            object(|i| format!("\"{}{i}\":0", "a".repeat(8000))),
        ),
        // One value as long as it can be, for the UTS-46 mapping of a domain name.
        (
            "long_unicode_domain",
            format!("{{\"domain\": \"{}\"}}", "\u{e9}".repeat(26_000)),
        ),
        // Twenty addresses whose domains are too long to be names but short enough per label
        // to reach the UTS-46 mapping, and twenty whose domains are valid and as long as an
        // internationalised domain can be: the mapping is the costliest check per character.
        ("long_labels_in_lists", {
            let label = "\u{e9}".repeat(250);
            addresses(|i| format!("a{i}@{label}.{label}.{label}.{label}"))
        }),
        ("valid_idn_addresses_in_lists", {
            let label = "\u{e9}".repeat(55);
            addresses(|i| format!("a{i}@{label}.{label}.{label}.{label}"))
        }),
        (
            "long_email",
            format!(
                "{{\"admin_email\": \"{}@agency.gov\", \"dmarc_report_aggregate_recipients\": [\"a@{}\"]}}",
                "a".repeat(26_000),
                "b.".repeat(13_000)
            ),
        ),
    ]
}
