//! SPEC 10: the AWS side's rules one by one: idempotence and what differs, retries and
//! failures, the policies' IAM grammar, and the configuration the AWS side needs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests fail by panicking"
)]

mod aws_fake;

use aws_fake::harness::{CUSTOMER, FULL, INSTANCE, binding_state, config, drive, state, store};
use aws_fake::{ACCOUNT, Aws, PARENT_ZONE_ID};
use ses_broker::aws::{
    Answer, DriveError, Driver, FailureKind, InstanceState, Ledger, Next, Observed, Operation,
    Progress,
};
use ses_broker::params::Context;
use ses_broker::reputation::Thresholds;
use ses_broker::{BrokerConfig, Instance, ProvisionParams};

#[test]
fn an_identity_of_another_instance_is_reported_not_overwritten() {
    let mut aws = Aws::new();
    aws.identities.insert(
        "agency.gov".to_owned(),
        (
            "csb-aws-ses-other".to_owned(),
            ["a1".into(), "b2".into(), "c3".into()],
        ),
    );
    let mut driver = Driver::provision(state(CUSTOMER));
    let error = loop {
        let Next::Operation(op) = driver.next_operation() else {
            panic!("expected a mismatch")
        };
        if let Err(e) = driver.handle_answer(aws.call(&op)) {
            break e;
        }
    };
    assert_eq!(
        error.to_string(),
        format!(
            "email identity agency.gov already exists with other settings: ConfigurationSetName is csb-aws-ses-other, expected csb-aws-ses-{INSTANCE}"
        )
    );
    assert!(matches!(error, DriveError::Mismatch { .. }));
    assert!(matches!(driver.next_operation(), Next::Failed(_)));
    // Rolling back deletes what this run made, not the other instance's identity.
    let driver = driver.rollback().unwrap();
    drive(driver, &mut aws, None);
    assert!(aws.sets.is_empty());
    assert_eq!(aws.identities.len(), 1);
}

#[test]
fn already_exists_with_the_same_settings_is_success() {
    let mut aws = Aws::new();
    drive(Driver::provision(state(FULL)), &mut aws, None);
    let before = aws.clone();
    // A second provision of the same instance (its progress lost) adopts everything; only
    // keys, which have no name, are made again — and found by the resumed run instead
    // when the progress names the key in flight.
    let mut driver = Driver::provision(state(FULL));
    let mut ops = Vec::new();
    while let Next::Operation(op) = driver.next_operation() {
        ops.push(op.to_string());
        if matches!(op, Operation::CreateKey(_)) {
            break;
        }
        driver.handle_answer(aws.call(&op)).unwrap();
    }
    assert_eq!(
        ops[..2],
        ["sesv2:CreateConfigurationSet", "sesv2:CreateEmailIdentity"]
    );
    assert_eq!(aws.sets, before.sets);
    assert_eq!(aws.identities, before.identities);
}

#[test]
fn throttling_and_transient_failures_retry_the_same_operation() {
    let mut aws = Aws::new();
    let mut driver = Driver::provision(state(CUSTOMER));
    let Next::Operation(first) = driver.next_operation() else {
        panic!()
    };
    driver
        .handle_answer(Answer::failed(
            FailureKind::Throttling,
            "Throttling",
            "slow down",
        ))
        .unwrap();
    assert_eq!(driver.progress().attempts(), 1);
    let Next::Operation(again) = driver.next_operation() else {
        panic!()
    };
    assert_eq!(again, first);
    driver.handle_answer(aws.call(&again)).unwrap();
    assert_eq!(driver.progress().attempts(), 0);
    // An answer with no operation waiting is refused and changes nothing.
    let before = driver.progress().clone();
    assert_eq!(
        driver.handle_answer(Answer::done()),
        Err(DriveError::NothingOutstanding)
    );
    assert_eq!(driver.progress(), &before);
}

#[test]
fn a_permanent_failure_stops_the_run_and_resume_tries_again() {
    let mut driver = Driver::provision(state(CUSTOMER));
    let Next::Operation(_) = driver.next_operation() else {
        panic!()
    };
    let error = driver
        .handle_answer(Answer::failed(FailureKind::Permanent, "AccessDenied", "no"))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "sesv2:CreateConfigurationSet: failure AccessDenied: no"
    );
    let stored = store(driver.progress());
    let mut aws = Aws::new();
    let resumed = Driver::resume(serde_json::from_str(&stored).unwrap());
    drive(resumed, &mut aws, None);
    assert_eq!(aws.sets.len(), 1);
}

#[test]
fn a_transient_failure_of_create_key_finds_the_key_it_made() {
    let mut aws = Aws::new();
    let mut driver = Driver::provision(state(CUSTOMER));
    loop {
        let Next::Operation(op) = driver.next_operation() else {
            panic!()
        };
        let answer = aws.call(&op);
        if matches!(op, Operation::CreateKey(_)) {
            // The key was made, but the answer timed out.
            driver
                .handle_answer(Answer::failed(FailureKind::Transient, "RequestTimeout", ""))
                .unwrap();
            break;
        }
        driver.handle_answer(answer).unwrap();
    }
    drive(driver, &mut aws, None);
    assert_eq!(aws.keys.len(), 1, "{:?}", aws.log);
    assert!(aws.log.iter().any(|l| l == "kms:DescribeKey"));
}

#[test]
fn observed_topic_with_another_key_is_a_mismatch() {
    let mut driver = Driver::provision(state(CUSTOMER));
    let mut aws = Aws::new();
    loop {
        let Next::Operation(op) = driver.next_operation() else {
            panic!()
        };
        if let Operation::CreateTopic(create) = &op {
            let answer = Answer::AlreadyExists(Observed::Topic {
                arn: format!("arn:aws-us-gov:sns:us-gov-west-1:{ACCOUNT}:{}", create.name)
                    .parse()
                    .unwrap(),
                kms_master_key_id: Some("alias/aws/sns".to_owned()),
            });
            let error = driver.handle_answer(answer).unwrap_err();
            assert!(
                error
                    .to_string()
                    .contains("KmsMasterKeyId is alias/aws/sns, expected alias/csb-aws-ses-")
            );
            break;
        }
        driver.handle_answer(aws.call(&op)).unwrap();
    }
}

#[test]
fn the_policies_have_iam_grammar() {
    let state = state(FULL);
    let reputation = state
        .topics
        .iter()
        .find(|t| t.name.as_str().ends_with("reputation-notifications"))
        .unwrap();
    let key: serde_json::Value = serde_json::from_str(&reputation.key_policy.to_json()).unwrap();
    assert_eq!(key["Version"], "2012-10-17");
    let statements = key["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 5);
    assert_eq!(
        statements[0]["Principal"]["AWS"][0],
        format!("arn:aws-us-gov:iam::{ACCOUNT}:root")
    );
    assert_eq!(
        statements[1]["Principal"]["AWS"][0],
        format!("arn:aws-us-gov:iam::{ACCOUNT}:user/ses-broker")
    );
    assert_eq!(
        statements[2]["Principal"]["Service"][0],
        "ses.amazonaws.com"
    );
    assert_eq!(
        statements[2]["Condition"]["StringEquals"]["aws:SourceAccount"][0],
        ACCOUNT
    );
    assert_eq!(
        statements[2]["Condition"]["StringEquals"]["kms:EncryptionContext:aws:sns:topicArn"][0],
        reputation.arn.as_str()
    );
    assert_eq!(
        statements[3]["Condition"]["StringEquals"]["aws:SourceArn"][0],
        reputation.arn.as_str()
    );
    assert_eq!(
        statements[4]["Principal"]["Service"][0],
        "cloudwatch.amazonaws.com"
    );
    assert_eq!(statements[4]["Action"][0], "kms:GenerateDataKey*");
    let bounce = state
        .topics
        .iter()
        .find(|t| t.name.as_str().ends_with("-bounce"))
        .unwrap();
    assert_eq!(bounce.key_policy.statements().len(), 4);
    let topic: serde_json::Value = bounce.topic_policy.to_value();
    assert_eq!(topic["Id"], format!("{}-policy", bounce.name));
    assert_eq!(topic["Statement"][0]["Sid"], "AllowSESAccess");
    assert_eq!(topic["Statement"][0]["Action"][0], "SNS:Publish");
    assert_eq!(
        topic["Statement"][0]["Condition"]["StringEquals"]["AWS:SourceArn"][0],
        state.configuration_set_arn.as_str()
    );
    let rep_topic = reputation.topic_policy.to_value();
    assert_eq!(
        rep_topic["Statement"][0]["Principal"]["Service"][0],
        "cloudwatch.amazonaws.com"
    );
    let user = binding_state(FULL, r#"{"source_ips": ["203.0.113.0/24"]}"#)
        .policy
        .to_value();
    assert_eq!(
        user["Statement"][0]["Condition"]["IpAddress"]["aws:SourceIp"][0],
        "203.0.113.0/24"
    );
}

#[test]
fn a_missing_broker_principal_or_parent_zone_is_named() {
    let state_error = |config: &BrokerConfig, params: &str| {
        let instance = Instance::new(
            config,
            INSTANCE.parse().unwrap(),
            ProvisionParams::from_json(params).unwrap(),
        )
        .unwrap();
        InstanceState::new(
            config,
            &instance,
            &Context::default(),
            &Thresholds::cloud_gov(),
        )
        .unwrap_err()
        .to_string()
    };
    let bare = BrokerConfig::from_json(r#"{"region": "us-gov-west-1", "account_id": "111122223333", "default_zone": "appmail.cloud.gov"}"#).unwrap();
    assert!(state_error(&bare, CUSTOMER).starts_with("broker_principal_arn: is not configured"));
    let principal = format!("arn:aws-us-gov:iam::{ACCOUNT}:user/b")
        .parse()
        .unwrap();
    let with_principal = bare.with_broker_principal_arn(principal).unwrap();
    assert!(
        state_error(&with_principal, FULL).starts_with("parent_hosted_zone_id: is not configured")
    );
}

#[test]
fn broker_config_reads_the_aws_settings_and_names_every_problem() {
    let config = config();
    assert_eq!(config.environment(), "production");
    assert_eq!(config.dns_account_id().as_str(), "444455556666");
    assert_eq!(config.dns_partition().as_str(), "aws");
    assert_eq!(
        config.parent_hosted_zone_id().unwrap().as_str(),
        PARENT_ZONE_ID
    );
    let error = BrokerConfig::from_json(
        r#"{"region": "us-gov-west-1", "account_id": "111122223333", "default_zone": "appmail.cloud.gov",
            "environment": "prod;uction", "broker_principal_arn": "arn:aws:iam::111122223333:user/x",
            "dns_partition": "aws-moon", "parent_hosted_zone_id": "z/1"}"#,
    )
    .unwrap_err();
    let fields: Vec<&str> = error.problems().map(|(f, _)| f).collect();
    assert_eq!(fields, ["dns_partition", "parent_hosted_zone_id"]);
    let error = BrokerConfig::from_json(
        r#"{"region": "us-gov-west-1", "account_id": "111122223333", "default_zone": "appmail.cloud.gov",
            "environment": "prod;uction", "broker_principal_arn": "arn:aws:iam::111122223333:user/x"}"#,
    )
    .unwrap_err();
    let fields: Vec<&str> = error.problems().map(|(f, _)| f).collect();
    assert_eq!(fields, ["environment", "broker_principal_arn"]);
}

#[test]
fn a_configuration_set_with_other_options_names_each_difference() {
    let mut driver = Driver::provision(state(CUSTOMER));
    let Next::Operation(Operation::CreateConfigurationSet(_)) = driver.next_operation() else {
        panic!("the set comes first")
    };
    let error = driver
        .handle_answer(Answer::AlreadyExists(Observed::ConfigurationSet {
            tls_policy: Some("OPTIONAL".to_owned()),
            reputation_metrics_enabled: Some(false),
            suppressed_reasons: Some(vec!["BOUNCE".to_owned()]),
        }))
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "configuration set csb-aws-ses-{INSTANCE} already exists with other settings: \
             DeliveryOptions.TlsPolicy is OPTIONAL, expected REQUIRE; \
             ReputationOptions.ReputationMetricsEnabled is false, expected true; \
             SuppressionOptions.SuppressedReasons is BOUNCE, expected BOUNCE, COMPLAINT"
        )
    );
    // The same options in another order, with what could not be read left out: ours.
    let mut driver = Driver::provision(state(CUSTOMER));
    let _ = driver.next_operation();
    driver
        .handle_answer(Answer::AlreadyExists(Observed::ConfigurationSet {
            tls_policy: None,
            reputation_metrics_enabled: Some(true),
            suppressed_reasons: Some(vec!["COMPLAINT".to_owned(), "BOUNCE".to_owned()]),
        }))
        .unwrap();
    let Next::Operation(next) = driver.next_operation() else {
        panic!()
    };
    assert_eq!(next.name(), "CreateEmailIdentity");
}

#[test]
fn the_desired_state_follows_the_parameters() {
    let off = state(CUSTOMER);
    assert_eq!(off.topics.len(), 1);
    assert!(off.generated_dns.is_none());
    assert_eq!(off.alarms.len(), 4);
    assert_eq!(off.tags.len(), 10);
    assert_eq!(off.tags.get("environment"), Some("production"));
    assert_eq!(off.tags.get("Organization name"), Some("Agency"));
    let on = state(FULL);
    assert_eq!(on.topics.len(), 4);
    for topic in &on.topics {
        assert!(topic.key_description.contains(topic.arn.as_str()));
        assert_eq!(topic.alias.as_str(), format!("alias/{}", topic.name));
    }
    let dns = on.generated_dns.as_ref().unwrap();
    assert_eq!(dns.parent_zone_id.as_str(), PARENT_ZONE_ID);
    assert_eq!(dns.account.partition.as_str(), "aws");
    let alarm = &on.alarms[1];
    assert_eq!(
        alarm.alarm_name.as_str(),
        format!("csb-aws-ses-{INSTANCE}-BounceRate-Critical")
    );
    assert_eq!(alarm.alarm_actions, alarm.ok_actions);
    assert_eq!(alarm.alarm_actions.len(), 2);
    assert!(alarm.alarm_description.chars().count() <= 1024);
}

#[test]
fn a_ledger_handed_to_the_wrong_deletion_deletes_nothing_of_the_other() {
    let mut aws = Aws::new();
    let instance = drive(Driver::provision(state(FULL)), &mut aws, None)
        .into_progress()
        .into_ledger();
    let binding = drive(Driver::bind(binding_state(FULL, "{}")), &mut aws, None)
        .into_progress()
        .into_ledger();
    let before = aws.clone();
    drive(Driver::unbind(instance.clone()), &mut aws, None);
    drive(Driver::deprovision(binding.clone()), &mut aws, None);
    assert_eq!(aws.sets, before.sets);
    assert_eq!(aws.users, before.users);
    drive(Driver::unbind(binding), &mut aws, None);
    drive(Driver::deprovision(instance), &mut aws, None);
    assert!(aws.is_clean());
}

#[test]
fn the_aws_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Driver>();
    check::<Progress>();
    check::<Ledger>();
    check::<Operation>();
    check::<Answer>();
    check::<InstanceState>();
    check::<ses_broker::aws::BindingState>();
    check::<DriveError>();
}
