//! `sesctl reputation`: assess a bounce and complaint rate (or counts) against cloud.gov's
//! thresholds.

use crate::Failure;
use ses_broker::{
    reputation::Assessment, reputation::Counts, reputation::Level, reputation::Rates,
    reputation::Thresholds,
};

pub(crate) const HELP: &str = "usage: sesctl reputation --bounce-rate RATE --complaint-rate RATE
       sesctl reputation --sent N --bounces N --complaints N

Assesses a bounce and a complaint rate against cloud.gov's thresholds
(bounces: warning 2 %, critical 4 %; complaints: warning 0.04 %, critical 0.08 %).
A rate at a threshold has that threshold's level.

RATE is a fraction from 0 to 1, as CloudWatch reports it: 0.02 is 2 %, not 2.
Counts are whole numbers; bounces and complaints may not exceed sent. From counts the
comparison is exact (200 bounces in 10000 sent is exactly 2 %, a warning). Zero sent
means no data yet and prints \"ok\".

Prints one line of JSON:
  {\"bounce\": \"ok|warning|critical\", \"complaint\": \"ok|warning|critical\", \"pause_sending\": true|false}
pause_sending is true when either metric is critical.

Exit codes: 0 assessed, 1 invalid number (message on stderr), 2 wrong or missing flags.
";

const RATE_FLAGS: [&str; 2] = ["--bounce-rate", "--complaint-rate"];
const COUNT_FLAGS: [&str; 3] = ["--sent", "--bounces", "--complaints"];

/// Runs `sesctl reputation ARGS` (ARGS without the subcommand name).
pub(crate) fn run(args: &[String]) -> Result<(), Failure> {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        print!("{HELP}");
        return Ok(());
    }
    let flags = parse_flags(args)?;
    let get = |name: &str| {
        flags
            .iter()
            .find(|(flag, _)| flag == name)
            .map(|(_, value)| value.as_str())
    };
    let has_rates = RATE_FLAGS.iter().any(|f| get(f).is_some());
    let has_counts = COUNT_FLAGS.iter().any(|f| get(f).is_some());
    let thresholds = Thresholds::cloud_gov();
    let assessment = match (has_rates, has_counts) {
        (true, true) => return Err(usage("give either rates or counts, not both")),
        (false, false) => {
            return Err(usage(
                "give --bounce-rate and --complaint-rate, or --sent, --bounces and --complaints",
            ));
        }
        (true, false) => {
            let [bounce, complaint] = RATE_FLAGS.map(get);
            let (Some(bounce), Some(complaint)) = (bounce, complaint) else {
                return Err(usage("give both --bounce-rate and --complaint-rate"));
            };
            let mut problems = Vec::new();
            let bounce = number::<f64>(
                "bounce_rate",
                bounce,
                "a fraction such as 0.02",
                &mut problems,
            );
            let complaint = number::<f64>(
                "complaint_rate",
                complaint,
                "a fraction such as 0.0004",
                &mut problems,
            );
            let (Some(bounce), Some(complaint)) = (bounce, complaint) else {
                return Err(Failure::Invalid(problems));
            };
            let rates = Rates::new(bounce, complaint).map_err(|e| invalid(&e))?;
            thresholds.assess(rates)
        }
        (false, true) => {
            let [sent, bounces, complaints] = COUNT_FLAGS.map(get);
            let (Some(sent), Some(bounces), Some(complaints)) = (sent, bounces, complaints) else {
                return Err(usage("give all of --sent, --bounces and --complaints"));
            };
            let mut problems = Vec::new();
            let whole = "a whole number such as 10000";
            let sent = number::<u64>("sent", sent, whole, &mut problems);
            let bounces = number::<u64>("bounces", bounces, whole, &mut problems);
            let complaints = number::<u64>("complaints", complaints, whole, &mut problems);
            let (Some(sent), Some(bounces), Some(complaints)) = (sent, bounces, complaints) else {
                return Err(Failure::Invalid(problems));
            };
            let counts = Counts::new(sent, bounces, complaints).map_err(|e| invalid(&e))?;
            thresholds.assess_counts(counts)
        }
    };
    println!("{}", render(&assessment));
    Ok(())
}

/// `--flag value` and `--flag=value` pairs; unknown, repeated or value-less flags are usage
/// errors. A value may start with `-` (`--bounce-rate -1` is an invalid rate, not a flag).
fn parse_flags(args: &[String]) -> Result<Vec<(String, String)>, Failure> {
    let mut flags: Vec<(String, String)> = Vec::new();
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let (name, value) = match arg.split_once('=') {
            Some((name, value)) => (name.to_owned(), value.to_owned()),
            None => {
                let value = rest
                    .next()
                    .ok_or_else(|| usage(&format!("{arg} needs a value")))?;
                (arg.clone(), value.clone())
            }
        };
        if !RATE_FLAGS.contains(&name.as_str()) && !COUNT_FLAGS.contains(&name.as_str()) {
            return Err(usage(&format!("unknown argument {name:?}")));
        }
        if flags.iter().any(|(seen, _)| *seen == name) {
            return Err(usage(&format!("{name} given twice")));
        }
        flags.push((name, value));
    }
    Ok(flags)
}

fn number<T: core::str::FromStr>(
    field: &str,
    text: &str,
    expected: &str,
    problems: &mut Vec<String>,
) -> Option<T> {
    let parsed = text.trim().parse::<T>().ok();
    if parsed.is_none() {
        problems.push(format!("{field}: {text:?} is not {expected}"));
    }
    parsed
}

fn invalid(error: &ses_broker::reputation::ReputationError) -> Failure {
    Failure::Invalid(vec![error.to_string()])
}

fn usage(message: &str) -> Failure {
    Failure::Usage(format!(
        "reputation: {message} (see `sesctl reputation --help`)"
    ))
}

/// No data (zero sent) prints as `ok`: the output has three levels, and no data asks for
/// nothing to be done.
fn word(level: Level) -> &'static str {
    match level {
        Level::Warning => "warning",
        Level::Critical => "critical",
        _ => "ok",
    }
}

fn render(assessment: &Assessment) -> String {
    format!(
        "{{\"bounce\": \"{}\", \"complaint\": \"{}\", \"pause_sending\": {}}}",
        word(assessment.bounce().level()),
        word(assessment.complaint().level()),
        assessment.pause_sending()
    )
}
