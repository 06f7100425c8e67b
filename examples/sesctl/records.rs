//! `sesctl records`: the DNS records an instance's domain needs, in the format asked for,
//! or (`--check FILE`) how the answers `dig` gave compare with them.

use ses_broker::{
    BrokerConfig, Instance, ProvisionParams,
    dns::{
        DkimSigning, DkimToken, DnsError, NameField, ObservedRecord, RecordFormat, RecordStatus,
        RequiredRecords, check,
    },
    values::{AccountId, DomainName, InstanceId, Region},
};

use crate::{Failure, read_stdin};

const USAGE: &str = "records --instance-id ID --default-zone ZONE --region REGION --dkim-tokens T1,T2,T3 [--format json|zone|route53|hcl | --check DIG_ANSWERS] < PROVISION_PARAMS.json";

/// The flags of `sesctl records`, as given.
#[derive(Debug)]
struct Flags {
    instance_id: String,
    zone: String,
    region: String,
    tokens: String,
    format: RecordFormat,
    check: Option<String>,
}

fn parse_flags(args: &[String]) -> Result<Flags, Failure> {
    let mut instance_id = None;
    let mut zone = None;
    let mut region = None;
    let mut tokens = None;
    let mut format = None;
    let mut check = None;
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let slot = match flag.as_str() {
            "--instance-id" => &mut instance_id,
            "--default-zone" => &mut zone,
            "--region" => &mut region,
            "--dkim-tokens" => &mut tokens,
            "--format" => &mut format,
            "--check" => &mut check,
            other => {
                return Err(Failure::Usage(format!(
                    "records: unknown argument {other:?}; usage: {USAGE}"
                )));
            }
        };
        let Some(value) = rest.next() else {
            return Err(Failure::Usage(format!(
                "records: {flag} needs a value; usage: {USAGE}"
            )));
        };
        if slot.replace(value.clone()).is_some() {
            return Err(Failure::Usage(format!("records: {flag} is given twice")));
        }
    }
    let (Some(instance_id), Some(zone), Some(region), Some(tokens)) =
        (instance_id, zone, region, tokens)
    else {
        return Err(Failure::Usage(format!(
            "records: --instance-id, --default-zone, --region and --dkim-tokens are required; usage: {USAGE}"
        )));
    };
    if check.is_some() && format.is_some() {
        return Err(Failure::Usage(
            "records: --check prints its own JSON report; it takes no --format".to_owned(),
        ));
    }
    let format: RecordFormat = format
        .as_deref()
        .unwrap_or("json")
        .parse()
        .map_err(|e| Failure::Usage(format!("records: --{e}")))?;
    Ok(Flags {
        instance_id,
        zone,
        region,
        tokens,
        format,
        check,
    })
}

/// Runs `sesctl records ...`.
pub(crate) fn run(args: &[String]) -> Result<(), Failure> {
    let flags = parse_flags(args)?;
    // The answers are read first: a file that cannot be read is a usage problem (exit 2)
    // whatever else is wrong.
    let observed = flags.check.as_deref().map(read_answers).transpose()?;
    let records = required(&flags, &read_stdin()?)?;
    match observed {
        None => {
            print!("{}", records.render(flags.format));
            Ok(())
        }
        Some(observed) => {
            let (json, verdict) = report(&records, &observed)?;
            println!("{json}");
            verdict
        }
    }
}

/// The observed records in a file of `dig` answer lines.
fn read_answers(path: &str) -> Result<Vec<ObservedRecord>, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Unreadable(vec![format!("--check {path}: cannot read it: {e}")]))?;
    answers(path, &text)
}

fn answers(path: &str, text: &str) -> Result<Vec<ObservedRecord>, Failure> {
    ObservedRecord::parse_dig(text).map_err(|errors| {
        let mut lines: Vec<String> = errors
            .iter()
            .map(|e| format!("--check {path}:{}: {}", e.line(), e.problem()))
            .collect();
        if errors.more() > 0 {
            lines.push(format!(
                "--check {path}: and {} more lines that cannot be read",
                errors.more()
            ));
        }
        Failure::Unreadable(lines)
    })
}

/// The JSON report, and the exit it calls for: success when every record is present and
/// nothing conflicts, else exit 1 with a one-line summary.
fn report(
    records: &RequiredRecords,
    observed: &[ObservedRecord],
) -> Result<(String, Result<(), Failure>), Failure> {
    let report = check(records, observed);
    let json = serde_json::to_string_pretty(&report)
        .map_err(|e| Failure::Invalid(vec![format!("cannot print the report: {e}")]))?;
    let verdict = if report.is_ok() {
        Ok(())
    } else {
        let not_present = report
            .records
            .iter()
            .filter(|r| r.status != RecordStatus::Present)
            .count();
        Err(Failure::Invalid(vec![format!(
            "records: {not_present} of {} records not present; conflicts: {}",
            report.records.len(),
            report.conflicts.len()
        )]))
    };
    Ok((json, verdict))
}

/// The records the flags and the provision parameters call for; every problem at once.
fn required(flags: &Flags, params: &str) -> Result<RequiredRecords, Failure> {
    let mut problems = Vec::new();
    let id = InstanceId::parse(&flags.instance_id)
        .map_err(|e| problems.push(format!("--instance-id: {e}")))
        .ok();
    let zone = DomainName::parse(&flags.zone)
        .map_err(|e| problems.push(format!("--default-zone: {e}")))
        .ok();
    let region = Region::parse(&flags.region)
        .map_err(|e| problems.push(format!("--region: {e}")))
        .ok();
    let tokens = dkim_tokens(&flags.tokens, &mut problems);
    let params = ProvisionParams::from_json(params)
        .map_err(|errors| problems.extend(errors.iter().map(ToString::to_string)))
        .ok();
    let (Some(id), Some(zone), Some(region), Some(tokens), Some(params)) =
        (id, zone, region, tokens, params)
    else {
        return Err(Failure::Invalid(problems));
    };
    let dkim = DkimSigning::for_region(tokens, &region)
        .map_err(|e| Failure::Invalid(vec![format!("--dkim-tokens: {e}")]))?;
    // The records do not depend on the AWS account; any well-formed id serves here.
    let account =
        AccountId::parse("000000000000").map_err(|e| Failure::Invalid(vec![e.to_string()]))?;
    let config = BrokerConfig::new(region, account, zone, Vec::new()).map_err(|e| {
        Failure::Invalid(
            e.problems()
                .map(|(f, m)| format!("--{}: {m}", f.replace('_', "-")))
                .collect(),
        )
    })?;
    let instance =
        Instance::new(&config, id, params).map_err(|e| Failure::Invalid(vec![e.to_string()]))?;
    instance
        .required_records(&dkim)
        .map_err(|e| Failure::Invalid(vec![name_error(&e)]))
}

/// A derived-name error names the flag (or parameter) it came from.
fn name_error(e: &DnsError) -> String {
    match e {
        DnsError::DerivedName {
            field,
            name,
            problem,
        } => {
            let field = match field {
                NameField::DkimToken(i) => format!("--dkim-tokens[{i}]"),
                NameField::Region | NameField::SigningZone => "--region".to_owned(),
                other => other.to_string(),
            };
            format!("{field}: record name {name} is not a valid DNS name: {problem}")
        }
        other => other.to_string(),
    }
}

/// The three tokens of `--dkim-tokens`: any bad, empty or extra entry is a problem named
/// by its index, never skipped (records built from the rest would never verify).
fn dkim_tokens(list: &str, problems: &mut Vec<String>) -> Option<[DkimToken; 3]> {
    let entries: Vec<&str> = list.split(',').collect();
    let before = problems.len();
    let mut tokens = Vec::with_capacity(3);
    for (i, entry) in entries.iter().enumerate() {
        if i >= 3 {
            problems.push(if entry.is_empty() {
                format!("--dkim-tokens[{i}]: an empty entry after the three tokens SES gives (a trailing comma?)")
            } else {
                format!("--dkim-tokens[{i}]: an extra entry; SES gives three tokens")
            });
            continue;
        }
        match DkimToken::parse(entry) {
            Ok(token) => tokens.push(token),
            Err(e) => problems.push(format!("--dkim-tokens[{i}]: {e}")),
        }
    }
    if entries.len() < 3 {
        problems.push(format!(
            "--dkim-tokens: SES gives three tokens, found {}",
            entries.len()
        ));
    }
    if problems.len() > before {
        return None;
    }
    tokens.try_into().ok()
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::panic,
        clippy::indexing_slicing,
        reason = "tests fail by panicking"
    )]
    use super::*;

    const PARAMS: &str = r#"{"admin_email": "admin@agency.gov", "domain": "agency.gov", "mail_from_subdomain": "mail"}"#;
    const TOKENS: &str = "abcdefghijklmnopqrstuvwxyz234567,bcdefghijklmnopqrstuvwxyz2345678,cdefghijklmnopqrstuvwxyz23456789";

    fn args(extra: &[&str]) -> Vec<String> {
        [
            "--instance-id",
            "i-1",
            "--default-zone",
            "appmail.cloud.gov",
            "--region",
            "us-gov-west-1",
        ]
        .iter()
        .chain(extra)
        .map(ToString::to_string)
        .collect()
    }

    fn invalid(flags: &Flags, params: &str) -> Vec<String> {
        match required(flags, params) {
            Err(Failure::Invalid(lines)) => lines,
            other => panic!("not refused: {other:?}"),
        }
    }

    fn flags_with_tokens(tokens: &str) -> Flags {
        parse_flags(&args(&["--dkim-tokens", tokens])).unwrap()
    }

    #[test]
    fn dkim_tokens_with_a_bad_or_extra_entry_are_refused_naming_it() {
        for (tokens, named) in [
            ("aaaa,bad!,bbbb,cccc", "--dkim-tokens[1]: "),
            ("aaaa,bbbb,cccc,", "--dkim-tokens[3]: "),
            ("aaaa,,bbbb,cccc", "--dkim-tokens[1]: "),
            ("aaaa,bbbb,cccc,dddd", "--dkim-tokens[3]: "),
            (",aaaa,bbbb,cccc", "--dkim-tokens[0]: "),
        ] {
            let lines = invalid(&flags_with_tokens(tokens), PARAMS);
            assert!(
                lines.iter().any(|l| l.starts_with(named)),
                "{tokens}: {lines:?}"
            );
        }
        // Too few: the count, as before.
        assert_eq!(
            invalid(&flags_with_tokens("aaaa,bbbb"), PARAMS),
            ["--dkim-tokens: SES gives three tokens, found 2"]
        );
        assert!(required(&flags_with_tokens("aaaa,bbbb,cccc"), PARAMS).is_ok());
    }

    #[test]
    fn an_over_long_record_name_names_the_token() {
        let domain = format!(
            "{}.{}.{}.{}.gov",
            "a".repeat(63),
            "b".repeat(63),
            "c".repeat(63),
            "d".repeat(13)
        );
        assert_eq!(domain.len(), 209);
        let params = format!(r#"{{"admin_email": "admin@agency.gov", "domain": "{domain}"}}"#);
        let tokens = format!("aaaa,{},cccc", "x".repeat(63));
        let lines = invalid(&flags_with_tokens(&tokens), &params);
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(
            lines[0].starts_with("--dkim-tokens[1]: record name "),
            "{lines:?}"
        );
        assert!(lines[0].contains("at most 253"), "{lines:?}");
    }

    /// The inputs of .ci/check-dig.sh, whose captured answers are in tests/data/dns.
    const DIG_PARAMS: &str = r#"{"admin_email": "admin@agency.gov", "domain": "agency.gov", "mail_from_subdomain": "mail",
        "dmarc_report_aggregate_recipients": ["dmarc-aggregate-reports+ses@agency.gov", "security-operations-center@agency.gov", "email-security-team@agency.gov"],
        "dmarc_report_failure_recipients": ["dmarc-failure-reports@agency.gov", "incident-response-team@agency.gov"]}"#;

    fn checked(answers_text: &str) -> (serde_json::Value, Result<(), Failure>) {
        let flags = parse_flags(&args(&["--dkim-tokens", TOKENS, "--check", "x"])).unwrap();
        let records = required(&flags, DIG_PARAMS).unwrap();
        let observed = answers("x", answers_text).unwrap();
        let (json, verdict) = report(&records, &observed).unwrap();
        (serde_json::from_str(&json).unwrap(), verdict)
    }

    #[test]
    fn check_prints_one_report_and_exits_by_it() {
        let (json, verdict) = checked(include_str!("../../tests/data/dns/dig-published.txt"));
        assert_eq!(json["ok"], true);
        assert!(verdict.is_ok());
        let (json, verdict) = checked(include_str!("../../tests/data/dns/dig-broken.txt"));
        assert_eq!(json["ok"], false);
        assert_eq!(json["records"].as_array().unwrap().len(), 6);
        assert_eq!(json["conflicts"][0]["kind"], "multiple_mail_from_mx");
        match verdict {
            Err(Failure::Invalid(lines)) => {
                assert_eq!(lines, ["records: 5 of 6 records not present; conflicts: 1"]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn check_refuses_a_format_and_files_it_cannot_read() {
        let both = args(&["--dkim-tokens", TOKENS, "--check", "x", "--format", "zone"]);
        assert!(matches!(parse_flags(&both), Err(Failure::Usage(_))));
        match read_answers("/nonexistent/answers.txt") {
            Err(Failure::Unreadable(lines)) => {
                assert!(lines[0].starts_with("--check /nonexistent/answers.txt: cannot read it: "));
            }
            other => panic!("{other:?}"),
        }
        match answers("a.txt", "; fine\nagency.gov. 600 IN MX mail.agency.gov.\n") {
            Err(Failure::Unreadable(lines)) => {
                assert_eq!(lines.len(), 1);
                assert!(
                    lines[0].starts_with("--check a.txt:2: the MX record at "),
                    "{lines:?}"
                );
            }
            other => panic!("{other:?}"),
        }
    }
}
