//! `sesctl records`: the DNS records an instance's domain needs, in the format asked for.

use ses_broker::{
    BrokerConfig, Instance, ProvisionParams, dns::DkimSigning, dns::DkimToken, dns::RecordFormat,
    values::AccountId, values::DomainName, values::InstanceId, values::Region,
};

use crate::{Failure, read_stdin};

const USAGE: &str = "records --instance-id ID --default-zone ZONE --region REGION --dkim-tokens T1,T2,T3 [--format json|zone|route53|hcl] < PROVISION_PARAMS.json";

/// Runs `sesctl records ...`.
pub(crate) fn run(args: &[String]) -> Result<(), Failure> {
    let mut instance_id = None;
    let mut zone = None;
    let mut region = None;
    let mut tokens = None;
    let mut format = None;
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let slot = match flag.as_str() {
            "--instance-id" => &mut instance_id,
            "--default-zone" => &mut zone,
            "--region" => &mut region,
            "--dkim-tokens" => &mut tokens,
            "--format" => &mut format,
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
    let format: RecordFormat = format
        .as_deref()
        .unwrap_or("json")
        .parse()
        .map_err(|e| Failure::Usage(format!("records: --{e}")))?;

    let mut problems = Vec::new();
    let id = InstanceId::parse(&instance_id)
        .map_err(|e| problems.push(format!("--instance-id: {e}")))
        .ok();
    let zone = DomainName::parse(&zone)
        .map_err(|e| problems.push(format!("--default-zone: {e}")))
        .ok();
    let region = Region::parse(&region)
        .map_err(|e| problems.push(format!("--region: {e}")))
        .ok();
    let token_problems = problems.len();
    let tokens: Vec<DkimToken> = tokens
        .split(',')
        .enumerate()
        .filter_map(|(i, t)| {
            DkimToken::parse(t)
                .map_err(|e| problems.push(format!("--dkim-tokens[{i}]: {e}")))
                .ok()
        })
        .collect();
    let tokens: Option<[DkimToken; 3]> = match tokens.try_into() {
        Ok(three) => Some(three),
        Err(list) => {
            if problems.len() == token_problems {
                problems.push(format!(
                    "--dkim-tokens: SES gives three tokens, found {}",
                    list.len()
                ));
            }
            None
        }
    };
    let params = ProvisionParams::from_json(&read_stdin()?)
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
    let records = instance
        .required_records(&dkim)
        .map_err(|e| Failure::Invalid(vec![e.to_string()]))?;
    print!("{}", records.render(format));
    Ok(())
}
