//! The `ses-broker` lifecycle on built-in sample inputs: what a broker does with a
//! `cf create-service`, `cf update-service` and `cf bind-service`, what the application sees,
//! and how reputation protection decides. Every step is printed; secrets are redacted.
//!
//! Run it with `cargo run --example quickstart`. Nothing here touches the network: where a
//! real broker would call AWS, the sample values stand in for AWS's answers.
#![allow(clippy::print_stdout, reason = "an example prints what it does")]
#![allow(
    clippy::indexing_slicing,
    reason = "indexing a serde_json::Value yields Null when the key is missing; it never panics"
)]

use ses_broker::{
    AccessKey, BindParams, Binding, BrokerConfig, Catalog, Instance, ProvisionParams, VcapServices,
    dns::DkimSigning, dns::ObservedRecord, dns::RecordDiff, dns::RecordFormat, dns::RecordStatus,
    dns::check, dns::zone_file_fragment, reputation::AlarmDefinition,
    reputation::AlarmNotification, reputation::Counts, reputation::Thresholds, values::AccessKeyId,
    values::SecretAccessKey,
};

type Error = Box<dyn std::error::Error>;

fn main() -> Result<(), Error> {
    step("1. The catalog the platform reads (GET /v2/catalog)");
    let catalog = Catalog::cloud_gov().to_json();
    let service = &catalog["services"][0];
    let plan = &service["plans"][0];
    println!(
        "offering {} ({}), plan {} ({}), parameter schemas for create, update and bind",
        service["name"], service["id"], plan["name"], plan["id"]
    );

    step("2. A tenant provisions: cf create-service aws-ses domain my-ses -c '...'");
    let request = r#"{
        "domain": "Agency.GOV",
        "admin_email": "email-admin@agency.gov",
        "dmarc_report_failure_recipients": ["dmarc@agency.gov"],
        "enable_feedback_notifications": "true"
    }"#;
    println!("parameters sent:{request}");
    let params = ProvisionParams::from_json(request)?;
    println!(
        "normalised (what the broker stores):\n{}",
        serde_json::to_string_pretty(&params)?
    );

    step("3. A mistyped request gets every problem at once, as an OSBAPI 400 body");
    let bad =
        r#"{"admin_emial": "admin@agency.gov", "domain": "agency_gov", "region": "us-east-1"}"#;
    println!("parameters sent: {bad}");
    if let Err(errors) = ProvisionParams::from_json(bad) {
        println!("{errors}");
        println!("HTTP {} {}", errors.http_status(), errors.to_osbapi_body());
    }

    step("4. The broker derives the instance: names and ARNs in the operator's account");
    let config = BrokerConfig::from_json(
        r#"{"region": "us-gov-west-1", "account_id": "111122223333", "default_zone": "appmail.cloud.gov",
            "platform_topic_arns": ["arn:aws-us-gov:sns:us-gov-west-1:111122223333:platform-email"]}"#,
    )?;
    let instance = Instance::new(
        &config,
        "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f".parse()?,
        params,
    )?;
    println!("sending domain                 {}", instance.domain());
    println!(
        "configuration set              {}",
        instance.configuration_set_name()
    );
    println!("identity ARN                   {}", instance.identity_arn());
    for topic in instance.topics() {
        println!("topic {topic:<25}{}", instance.topic_name(topic));
    }

    step("5. SES returned three DKIM tokens; the records the customer must publish");
    let tokens = [
        "4hzwn5lmznmmjyl2pqf2agr3uzzzzxyz",
        "6na6lcj7onl5bco4ytfj4ud7p6t7kvtp",
        "abcdefghijklmnopqrstuvwxyz234567",
    ];
    let dkim = DkimSigning::for_region(
        tokens.map(|t| t.parse()).map(Result::unwrap),
        instance.region(),
    )?;
    let records = instance.required_records(&dkim)?;
    print!("{}", records.render(RecordFormat::Zone));
    println!("(also as JSON, a Route 53 change batch, or the deployed broker's HCL string)");

    step("6. Checking what DNS answers: the customer published DMARC and one DKIM record");
    let observed = [
        ObservedRecord::new(
            "_dmarc.agency.gov.",
            "TXT",
            vec!["v=DMARC1; p=reject; rua=mailto:reports@dmarc.cyber.dhs.gov,mailto:email-admin@agency.gov; ruf=mailto:dmarc@agency.gov".to_owned()],
        ),
        ObservedRecord::new(
            "4HZWN5LMZNMMJYL2PQF2AGR3UZZZZXYZ._domainkey.agency.gov",
            "CNAME",
            vec!["4hzwn5lmznmmjyl2pqf2agr3uzzzzxyz.dkim.amazonses.com.".to_owned()],
        ),
    ];
    let report = check(&records, &observed);
    for verdict in &report.records {
        let status = match &verdict.status {
            RecordStatus::Present => "present".to_owned(),
            RecordStatus::Missing => "MISSING".to_owned(),
            RecordStatus::Wrong { found, .. } => format!("WRONG (found {found:?})"),
            other => format!("{other:?}"),
        };
        println!("{:<28} {status}", verdict.key.as_str());
    }

    step("7. The tenant updates: cf update-service my-ses -c '...'");
    let update = instance.update(&config, r#"{"mail_from_subdomain": "mail"}"#, &dkim)?;
    let changed: Vec<&str> = update.changed_params().iter().map(|f| f.as_str()).collect();
    println!("changed parameters: {}", changed.join(", "));
    println!(
        "changed outputs:    {}",
        update.changed_outputs().join(", ")
    );
    print!("{}", diff_lines(update.records()));
    if let Err(errors) = instance.update(&config, r#"{"domain": "other.gov"}"#, &dkim) {
        println!("changing the domain is refused: {errors}");
    }
    let instance = update.into_instance();

    step("8. An app binds: cf bind-service my-app my-ses -c '...'");
    let bind = BindParams::from_json(
        r#"{"source_ips": ["203.0.113.0/24"], "notification_webhook": "https://hooks.agency.gov/ses"}"#,
    )?;
    let plan = Binding::plan(
        &instance,
        "0e9d8c7b-6a5f-4e3d-2c1b-a09f8e7d6c5b".parse()?,
        bind,
    );
    println!("IAM user {} at {}", plan.iam_user_name(), plan.iam_path());
    println!("policy {}", plan.policy().to_json());
    for sub in plan.subscriptions() {
        println!(
            "subscribe {:?} {} to {}",
            sub.protocol(),
            sub.endpoint(),
            sub.topic_arn()
        );
    }
    // IAM issued this key for the user (AWS's documentation example).
    let key = AccessKey::new(
        AccessKeyId::parse("AKIAIOSFODNN7EXAMPLE")?,
        SecretAccessKey::parse("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")?,
    )?;
    let binding = plan.with_access_key(&instance, key)?;
    let credentials = binding.credentials(&instance.outputs(&dkim)?)?;
    println!(
        "credentials (secrets redacted):\n{}",
        serde_json::to_string_pretty(&credentials)?
    );

    step("9. The app reads VCAP_SERVICES and finds its aws-ses binding");
    let vcap = serde_json::json!({"aws-ses": [{
        "label": "aws-ses", "provider": null, "plan": "domain", "name": "my-ses", "tags": ["aws", "csb"],
        "instance_guid": "4f1c2d3e-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "instance_name": "my-ses",
        "binding_guid": "0e9d8c7b-6a5f-4e3d-2c1b-a09f8e7d6c5b", "binding_name": null,
        "credentials": credentials.to_json_with_secrets(),
        "syslog_drain_url": null, "volume_mounts": []
    }]});
    let services = VcapServices::from_json(&vcap.to_string())?;
    let ses = services.ses()?;
    let creds = ses.credentials();
    println!(
        "send as anyone@{} through {}:{} as {}; password {:?}",
        creds.identity_domain(),
        creds.smtp_server(),
        creds.smtp_port().number(),
        creds.smtp_user(),
        creds.smtp_password(),
    );

    reputation(&config, &instance)
}

/// Steps 10-12: the instance's reputation alarms, a tenant's rates crossing the thresholds,
/// and the decision when CloudWatch's alarm arrives.
fn reputation(config: &BrokerConfig, instance: &Instance) -> Result<(), Error> {
    step("10. The alarms the broker creates for the instance (CloudWatch PutMetricAlarm)");
    let thresholds = Thresholds::cloud_gov();
    let alarms = AlarmDefinition::for_instance(instance, &thresholds);
    for alarm in &alarms {
        println!(
            "{} when {} >= {}",
            alarm.name(),
            alarm.metric_name(),
            alarm.threshold()
        );
    }

    step("11. Five days of sending, assessed exactly from counts (sent, bounces, complaints)");
    for (day, (sent, bounces, complaints)) in [
        (0, 0, 0),
        (10_000, 150, 2),
        (10_000, 200, 3),
        (10_000, 390, 4),
        (10_000, 410, 9),
    ]
    .into_iter()
    .enumerate()
    {
        let assessment = thresholds.assess_counts(Counts::new(sent, bounces, complaints)?);
        let plan = assessment.plan(instance.id());
        println!(
            "day {day}: {bounces}/{sent} bounces {}, {complaints}/{sent} complaints {}, notify {:?}, pause {:?}",
            assessment.bounce().level(),
            assessment.complaint().level(),
            plan.notify(),
            plan.pause().map(|set| set.as_str()),
        );
    }

    step("12. CloudWatch's critical alarm arrives through SNS; the decision");
    let name = alarms[1].name();
    for (new, old) in [("ALARM", "OK"), ("OK", "ALARM")] {
        let message = serde_json::json!({
            "AlarmName": name, "AlarmDescription": null, "AWSAccountId": "111122223333",
            "NewStateValue": new, "OldStateValue": old,
            "StateChangeTime": "2026-11-30T05:40:12.345+0000",
            "AlarmArn": format!("arn:aws-us-gov:cloudwatch:us-gov-west-1:111122223333:alarm:{name}"),
            "Trigger": {"MetricName": "Reputation.BounceRate", "Namespace": "AWS/SES",
                        "Dimensions": [{"value": instance.configuration_set_name().as_str(),
                                        "name": "ses:configuration-set"}]}
        })
        .to_string();
        // Built in place, so there is no SNS signature to check; a real alarm arrives as a
        // signed SNS message and is decided through `sns::VerifiedMessage::decide_alarm`.
        let alarm = AlarmNotification::from_json(&message)?;
        println!(
            "{old} -> {new}: {}",
            alarm.decide_unverified(config.account_id(), config.region())
        );
    }
    Ok(())
}

fn step(title: &str) {
    println!("\n== {title}");
}

/// The record edits of an update as zone-file lines, each marked with what to do with it.
fn diff_lines(diff: &RecordDiff) -> String {
    let mut out = String::new();
    let mut mark = |action: &str, set: &ses_broker::dns::RecordSet| {
        for line in zone_file_fragment([set]).lines() {
            out.push_str(&format!("{action:<7}{line}\n"));
        }
    };
    for set in &diff.add {
        mark("add", set);
    }
    for change in &diff.change {
        mark("delete", &change.old);
        mark("add", &change.new);
    }
    for set in &diff.remove {
        mark("remove", set);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 10 item 10: the update step printed record sets with `Debug`.
    #[test]
    fn update_step_prints_zone_lines() -> Result<(), Error> {
        let config = BrokerConfig::from_json(
            r#"{"region": "us-gov-west-1", "account_id": "111122223333", "default_zone": "appmail.cloud.gov"}"#,
        )?;
        let params = ProvisionParams::from_json(
            r#"{"domain": "agency.gov", "admin_email": "a@agency.gov"}"#,
        )?;
        let instance = Instance::new(&config, "i-1".parse()?, params)?;
        let tokens = [
            "4hzwn5lmznmmjyl2pqf2agr3uzzzzxyz",
            "6na6lcj7onl5bco4ytfj4ud7p6t7kvtp",
            "abcdefghijklmnopqrstuvwxyz234567",
        ];
        let dkim = DkimSigning::for_region(
            tokens.map(|t| t.parse()).map(Result::unwrap),
            instance.region(),
        )?;
        let update = instance.update(&config, r#"{"mail_from_subdomain": "mail"}"#, &dkim)?;
        let text = diff_lines(update.records());
        assert!(!text.is_empty());
        assert!(!text.contains("RecordSet"), "{text}");
        for line in text.lines() {
            let fields: Vec<&str> = line.split_whitespace().collect();
            assert!(["add", "delete", "remove"].contains(&fields[0]), "{line}");
            assert!(fields[1].ends_with('.') && fields[3] == "IN", "{line}");
        }
        assert!(
            text.contains("add    mail.agency.gov. 600 IN MX 10 feedback-smtp."),
            "{text}"
        );
        Ok(())
    }
}
