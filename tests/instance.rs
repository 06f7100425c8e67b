//! SPEC §3-4: the broker configuration, instance names and ARNs, and binding users,
//! policies and subscriptions.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests fail by panicking"
)]

use proptest::prelude::*;
use ses_broker::{
    BindParams, Binding, BrokerConfig, Instance, ProvisionParams, binding::BindWarning,
    binding::Protocol, instance::InstanceError, instance::Topic, instance::generated_domain,
};

const ID: &str = "5b3c1f4e-8a2d-4c7e-9f10-2d6a7b8c9e01";

fn config() -> BrokerConfig {
    BrokerConfig::from_json(
        r#"{"region": "us-gov-west-1", "account_id": "123456789012", "default_zone": "appmail.cloud.gov",
            "platform_topic_arns": ["arn:aws-us-gov:sns:us-gov-west-1:123456789012:platform-email", "arn:aws-us-gov:sns:us-gov-west-1:123456789012:platform-chat"]}"#,
    )
    .unwrap()
}

fn instance(params: &str) -> Instance {
    Instance::new(
        &config(),
        ID.parse().unwrap(),
        ProvisionParams::from_json(params).unwrap(),
    )
    .unwrap()
}

#[test]
fn partition_follows_from_the_configured_region() {
    assert_eq!(config().partition().as_str(), "aws-us-gov");
    let commercial = BrokerConfig::from_json(
        r#"{"region": "us-east-1", "account_id": "123456789012", "default_zone": "mail.example.com"}"#,
    )
    .unwrap();
    assert_eq!(commercial.partition().as_str(), "aws");
}

#[test]
fn broker_config_reports_every_problem() {
    let e = BrokerConfig::from_json(
        r#"{"region": "mars-1", "account_id": "12", "default_zone": "x", "platform_topic_arns": ["nope"]}"#,
    )
    .unwrap_err();
    let fields: Vec<&str> = e.problems().map(|(f, _)| f).collect();
    assert_eq!(
        fields,
        [
            "region",
            "account_id",
            "default_zone",
            "platform_topic_arns[0]"
        ]
    );
    let e = BrokerConfig::from_json(
        r#"{"region": "us-gov-west-1", "account_id": "123456789012", "default_zone": "appmail.cloud.gov", "platform_topic_arns": ["arn:aws:sns:us-east-1:123456789012:t"]}"#,
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .contains("platform_topic_arns[0]: must be an SNS topic ARN in partition aws-us-gov")
    );
    assert!(BrokerConfig::from_json(r#"{"region": "us-gov-west-1"}"#).is_err());
}

#[test]
fn generated_domain_is_ses_and_16_hex_of_sha256_of_the_instance_id() {
    // sha256("5b3c1f4e-8a2d-4c7e-9f10-2d6a7b8c9e01") starts c171663ce076e23b (python3 hashlib).
    let i = instance(r#"{"admin_email": "a@agency.gov"}"#);
    assert_eq!(
        i.domain().as_str(),
        "ses-c171663ce076e23b.appmail.cloud.gov"
    );
    assert!(i.domain_is_generated());
    assert_eq!(i.instructions(), None);
    let zone = "appmail.cloud.gov".parse().unwrap();
    assert_eq!(
        generated_domain(&"x".parse().unwrap(), &zone)
            .unwrap()
            .as_str(),
        "ses-2d711642b726b044.appmail.cloud.gov"
    );
}

#[test]
fn customer_domain_is_used_as_given_with_instructions() {
    let i = instance(r#"{"admin_email": "a@agency.gov", "domain": "agency.gov"}"#);
    assert_eq!(i.domain().as_str(), "agency.gov");
    assert!(!i.domain_is_generated());
    assert!(i.instructions().unwrap().contains("agency.gov domain"));
}

#[test]
fn resource_names_follow_the_base_name() {
    let i = instance(r#"{"admin_email": "a@agency.gov", "enable_feedback_notifications": true}"#);
    let base = format!("csb-aws-ses-{ID}");
    assert_eq!(i.base_name(), base);
    assert_eq!(i.configuration_set_name().as_str(), base);
    assert_eq!(
        i.topic_name(Topic::Reputation).as_str(),
        format!("{base}-reputation-notifications")
    );
    assert_eq!(
        i.topic_name(Topic::Bounce).as_str(),
        format!("{base}-bounce")
    );
    assert_eq!(
        i.topic_name(Topic::Complaint).as_str(),
        format!("{base}-complaint")
    );
    assert_eq!(
        i.topic_name(Topic::Delivery).as_str(),
        format!("{base}-delivery")
    );
    assert_eq!(
        i.kms_alias(Topic::Bounce).as_str(),
        format!("alias/{base}-bounce")
    );
    assert_eq!(
        i.kms_alias(Topic::Reputation).as_str(),
        format!("alias/{base}-reputation-notifications")
    );
}

#[test]
fn arns_carry_partition_region_and_account() {
    let i = instance(
        r#"{"admin_email": "a@agency.gov", "domain": "agency.gov", "enable_feedback_notifications": true}"#,
    );
    assert_eq!(
        i.identity_arn().as_str(),
        "arn:aws-us-gov:ses:us-gov-west-1:123456789012:identity/agency.gov"
    );
    assert_eq!(
        i.configuration_set_arn().as_str(),
        format!("arn:aws-us-gov:ses:us-gov-west-1:123456789012:configuration-set/csb-aws-ses-{ID}")
    );
    assert_eq!(
        i.topic_arn(Topic::Bounce).unwrap().as_str(),
        format!("arn:aws-us-gov:sns:us-gov-west-1:123456789012:csb-aws-ses-{ID}-bounce")
    );
    assert_eq!(i.topics().count(), 4);
}

#[test]
fn feedback_topics_exist_only_with_feedback_notifications() {
    let i = instance(r#"{"admin_email": "a@agency.gov"}"#);
    assert!(i.topic_arn(Topic::Reputation).is_some());
    for t in Topic::FEEDBACK {
        assert!(i.topic_arn(t).is_none());
    }
    assert_eq!(i.topics().collect::<Vec<_>>(), [Topic::Reputation]);
}

#[test]
fn mail_from_domain_is_the_subdomain_under_the_identity_domain() {
    let i = instance(
        r#"{"admin_email": "a@agency.gov", "domain": "agency.gov", "mail_from_subdomain": "mail"}"#,
    );
    assert_eq!(i.mail_from_domain().unwrap().as_str(), "mail.agency.gov");
    let g = instance(r#"{"admin_email": "a@agency.gov", "mail_from_subdomain": "mail"}"#);
    assert_eq!(
        g.mail_from_domain().unwrap().as_str(),
        "mail.ses-c171663ce076e23b.appmail.cloud.gov"
    );
}

#[test]
fn mail_from_that_does_not_fit_under_the_generated_domain_is_refused() {
    let label = "m".repeat(63);
    let params = ProvisionParams::from_json(
        &serde_json::json!({"admin_email": "a@agency.gov", "mail_from_subdomain": format!("{label}.{label}.{label}.{}", "n".repeat(25))}).to_string(),
    )
    .unwrap();
    let e = Instance::new(&config(), ID.parse().unwrap(), params).unwrap_err();
    assert!(matches!(e, InstanceError::MailFromTooLong(_)));
    assert!(e.to_string().starts_with("mail_from_subdomain: "));
}

#[test]
fn binding_user_is_named_after_the_binding_at_path_cf() {
    let i = instance(r#"{"admin_email": "a@agency.gov"}"#);
    let plan = Binding::plan(
        &i,
        "0e9d8c7b-6a5f-4e3d-2c1b-a09f8e7d6c5b".parse().unwrap(),
        BindParams::default(),
    );
    assert_eq!(
        plan.iam_user_name().as_str(),
        "csb-aws-ses-0e9d8c7b-6a5f-4e3d-2c1b-a09f8e7d6c5b"
    );
    assert_eq!(plan.iam_path().as_str(), "/cf/");
}

#[test]
fn policy_allows_sending_on_identity_and_configuration_set_only() {
    let i = instance(r#"{"admin_email": "a@agency.gov", "domain": "agency.gov"}"#);
    let plan = Binding::plan(&i, "b".parse().unwrap(), BindParams::default());
    assert_eq!(
        plan.policy().to_value(),
        serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "SendFromThisInstanceOnly",
                "Effect": "Allow",
                "Action": ["ses:SendEmail", "ses:SendRawEmail"],
                "Resource": [
                    "arn:aws-us-gov:ses:us-gov-west-1:123456789012:identity/agency.gov",
                    format!("arn:aws-us-gov:ses:us-gov-west-1:123456789012:configuration-set/csb-aws-ses-{ID}"),
                ],
            }],
        })
    );
}

#[test]
fn source_ips_become_an_aws_source_ip_condition() {
    let i = instance(r#"{"admin_email": "a@agency.gov"}"#);
    let bind =
        BindParams::from_json(r#"{"source_ips": ["203.0.113.0/24", "2001:db8::/32"]}"#).unwrap();
    let plan = Binding::plan(&i, "b".parse().unwrap(), bind);
    assert_eq!(
        plan.policy().to_value()["Statement"][0]["Condition"],
        serde_json::json!({"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}})
    );
}

#[test]
fn notification_fields_subscribe_to_each_feedback_topic() {
    let i = instance(r#"{"admin_email": "a@agency.gov", "enable_feedback_notifications": true}"#);
    let bind = BindParams::from_json(r#"{"notification_email": "ops@agency.gov", "notification_webhook": "https://hooks.agency.gov/ses"}"#).unwrap();
    let plan = Binding::plan(&i, "b".parse().unwrap(), bind);
    let subs: Vec<(Topic, Protocol, &str)> = plan
        .subscriptions()
        .iter()
        .map(|s| (s.topic(), s.protocol(), s.endpoint()))
        .collect();
    assert_eq!(
        subs,
        [
            (Topic::Bounce, Protocol::Email, "ops@agency.gov"),
            (Topic::Complaint, Protocol::Email, "ops@agency.gov"),
            (Topic::Delivery, Protocol::Email, "ops@agency.gov"),
            (
                Topic::Bounce,
                Protocol::Https,
                "https://hooks.agency.gov/ses"
            ),
            (
                Topic::Complaint,
                Protocol::Https,
                "https://hooks.agency.gov/ses"
            ),
            (
                Topic::Delivery,
                Protocol::Https,
                "https://hooks.agency.gov/ses"
            ),
        ]
    );
    assert!(plan.warnings().is_empty());
    assert_eq!(
        plan.subscriptions()[0].topic_arn(),
        i.topic_arn(Topic::Bounce).unwrap()
    );
}

#[test]
fn notification_fields_warn_when_feedback_is_off() {
    let i = instance(r#"{"admin_email": "a@agency.gov"}"#);
    let bind = BindParams::from_json(r#"{"notification_email": "ops@agency.gov", "notification_webhook": "https://hooks.agency.gov/ses"}"#).unwrap();
    let plan = Binding::plan(&i, "b".parse().unwrap(), bind);
    assert!(plan.subscriptions().is_empty());
    assert_eq!(
        plan.warnings(),
        [
            BindWarning::FeedbackOff {
                field: "notification_email"
            },
            BindWarning::FeedbackOff {
                field: "notification_webhook"
            }
        ]
    );
    assert!(plan.warnings()[0].to_string().starts_with(
        "notification_email: the instance was created without enable_feedback_notifications"
    ));
}

fn longest_instance() -> Instance {
    let label = "d".repeat(63);
    let domain = format!("{label}.{label}.{label}.{}.gov", "e".repeat(13)); // 209 characters
    let params = serde_json::json!({"admin_email": "a@agency.gov", "domain": domain});
    Instance::new(
        &config(),
        "i".repeat(52).parse().unwrap(),
        ProvisionParams::from_json(&params.to_string()).unwrap(),
    )
    .unwrap()
}

#[test]
fn the_largest_policy_fits_iams_inline_limit() {
    let i = longest_instance();
    let ips: Vec<String> = (0..ses_broker::params::MAX_SOURCE_IPS)
        .map(|n| format!("ffff:ffff:ffff:ffff:ffff:ffff:ffff:{n:x}/128"))
        .collect();
    let bind = BindParams::from_json(&serde_json::json!({"source_ips": ips}).to_string()).unwrap();
    let plan = Binding::plan(&i, "b".repeat(52).parse().unwrap(), bind);
    let len = plan.policy().to_json().len();
    assert!(
        len <= ses_broker::binding::MAX_INLINE_POLICY_CHARS,
        "policy is {len} characters"
    );
}

proptest! {
    #[test]
    fn every_derived_name_satisfies_its_aws_limits(
        id in "[A-Za-z0-9_-]{1,52}",
        binding in "[A-Za-z0-9_-]{1,52}",
        labels in prop::collection::vec("[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?", 1..4),
        generated in any::<bool>(),
        feedback in any::<bool>(),
    ) {
        prop_assume!(!labels.iter().any(|l| l.get(2..4) == Some("--")));
        let mut params = serde_json::json!({"admin_email": "a@agency.gov", "enable_feedback_notifications": feedback});
        if !generated {
            params["domain"] = serde_json::json!(format!("{}.gov", labels.join(".")));
        }
        let i = Instance::new(&config(), id.parse().unwrap(), ProvisionParams::from_json(&params.to_string()).unwrap()).unwrap();
        prop_assert!(i.configuration_set_name().as_str().len() <= 64);
        for t in Topic::ALL {
            prop_assert!(i.topic_name(t).as_str().len() <= 256);
            prop_assert!(i.kms_alias(t).as_str().len() <= 256);
            prop_assert!(ses_broker::instance::TopicName::parse(i.topic_name(t).as_str()).is_ok());
        }
        prop_assert!(ses_broker::values::Arn::parse(i.identity_arn().as_str()).is_ok());
        let plan = Binding::plan(&i, binding.parse().unwrap(), BindParams::default());
        prop_assert!(plan.iam_user_name().as_str().len() <= 64);
        prop_assert!(ses_broker::binding::IamUserName::parse(plan.iam_user_name().as_str()).is_ok());
        prop_assert!(plan.policy().to_json().len() <= ses_broker::binding::MAX_INLINE_POLICY_CHARS);
    }
}

#[test]
fn instance_records_use_its_domain_mail_from_region_and_recipients() {
    use ses_broker::{dns::DkimSigning, dns::RecordFormat};
    let i = instance(
        r#"{"admin_email": "a@agency.gov", "domain": "agency.gov", "mail_from_subdomain": "mail", "dmarc_report_aggregate_recipients": ["r@agency.gov"]}"#,
    );
    let tokens = [
        "abcdefghijklmnopqrstuvwxyz234567",
        "bcdefghijklmnopqrstuvwxyz2345678",
        "cdefghijklmnopqrstuvwxyz23456789",
    ]
    .map(|t| t.parse().unwrap());
    let dkim = DkimSigning::for_region(tokens, i.region()).unwrap();
    let records = i.required_records(&dkim).unwrap();
    let zone = records.render(RecordFormat::Zone);
    assert!(zone.contains("_dmarc.agency.gov. 600 IN TXT \"v=DMARC1; p=reject; rua=mailto:reports@dmarc.cyber.dhs.gov,mailto:r@agency.gov; ruf=mailto:a@agency.gov\""), "{zone}");
    assert!(
        zone.contains("mail.agency.gov. 600 IN MX 10 feedback-smtp.us-gov-west-1.amazonses.com."),
        "{zone}"
    );
    let ns = ["ns-1.awsdns-1.org".parse().unwrap()];
    assert!(i.broker_managed_records(&dkim, &ns).is_ok());
    assert!(i.broker_managed_records(&dkim, &[]).is_err());
}

fn dkim() -> ses_broker::dns::DkimSigning {
    let tokens = [
        "abcdefghijklmnopqrstuvwxyz234567",
        "bcdefghijklmnopqrstuvwxyz2345678",
        "cdefghijklmnopqrstuvwxyz23456789",
    ]
    .map(|t| t.parse().unwrap());
    ses_broker::dns::DkimSigning::for_region(tokens, &"us-gov-west-1".parse().unwrap()).unwrap()
}

fn keys(value: &serde_json::Value) -> Vec<&str> {
    value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

#[test]
fn outputs_of_a_generated_domain_have_no_records_and_empty_feedback_topics() {
    let out = instance(r#"{"admin_email": "a@agency.gov"}"#)
        .outputs(&dkim())
        .unwrap()
        .to_json();
    assert_eq!(
        keys(&out),
        [
            "region",
            "domain",
            "identity_arn",
            "domain_arn",
            "configuration_set_arn",
            "reputation_topic_arn",
            "bounce_topic_arn",
            "complaint_topic_arn",
            "delivery_topic_arn",
            "identity_domain"
        ]
    );
    assert_eq!(out["region"], "us-gov-west-1");
    assert_eq!(out["domain"], "ses-c171663ce076e23b.appmail.cloud.gov");
    assert_eq!(out["identity_arn"], out["domain_arn"]);
    assert_eq!(out["bounce_topic_arn"], "");
    assert_eq!(out["complaint_topic_arn"], "");
    assert_eq!(out["delivery_topic_arn"], "");
}

#[test]
fn outputs_of_a_customer_domain_carry_records_instructions_and_the_domain_quirk() {
    let i = instance(
        r#"{"admin_email": "a@agency.gov", "domain": "agency.gov", "mail_from_subdomain": "mail", "enable_feedback_notifications": true}"#,
    );
    let out = i.outputs(&dkim()).unwrap().to_json();
    // The deployed broker's `domain` is the MAIL FROM domain when one is set.
    assert_eq!(out["domain"], "mail.agency.gov");
    assert_eq!(out["identity_domain"], "agency.gov");
    assert_eq!(out["mail_from_domain"], "mail.agency.gov");
    assert!(
        out["required_records"]
            .as_str()
            .unwrap()
            .contains("dmarc_verification_record")
    );
    assert!(out["instructions"].as_str().unwrap().contains("agency.gov"));
    assert_eq!(
        out["bounce_topic_arn"],
        format!("arn:aws-us-gov:sns:us-gov-west-1:123456789012:csb-aws-ses-{ID}-bounce")
    );
}

#[test]
fn an_update_says_which_outputs_and_records_change() {
    let config = config();
    let i = instance(r#"{"admin_email": "a@agency.gov", "domain": "agency.gov"}"#);
    let u = i
        .update(
            &config,
            r#"{"enable_feedback_notifications": true, "mail_from_subdomain": "mail"}"#,
            &dkim(),
        )
        .unwrap();
    assert_eq!(
        u.changed_params(),
        [
            ses_broker::params::ProvisionField::EnableFeedbackNotifications,
            ses_broker::params::ProvisionField::MailFromSubdomain
        ]
    );
    assert_eq!(
        u.changed_outputs(),
        [
            "domain",
            "bounce_topic_arn",
            "complaint_topic_arn",
            "delivery_topic_arn",
            "required_records",
            "instructions",
            "mail_from_domain"
        ]
    );
    assert_eq!(
        u.records().add.len(),
        2,
        "the SPF moves to mail.agency.gov and an MX appears: {:?}",
        u.records()
    );
    assert_eq!(u.records().remove.len(), 1);
    assert!(u.instance().mail_from_domain().is_some());
    let same = i
        .update(&config, r#"{"domain": "agency.gov"}"#, &dkim())
        .unwrap();
    assert!(same.changed_outputs().is_empty() && same.changed_params().is_empty());
    assert!(matches!(
        i.update(&config, r#"{"domain": "other.gov"}"#, &dkim()),
        Err(ses_broker::instance::UpdateError::Params(_))
    ));
}

fn access_key() -> ses_broker::AccessKey {
    ses_broker::AccessKey::new(
        ses_broker::values::AccessKeyId::parse("AKIAIOSFODNN7EXAMPLE").unwrap(),
        ses_broker::values::SecretAccessKey::parse("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
            .unwrap(),
    )
    .unwrap()
}

#[test]
fn credentials_carry_every_deployed_key_then_the_extras() {
    let i = instance(r#"{"admin_email": "a@agency.gov"}"#);
    let binding = Binding::new(
        &i,
        "b-1".parse().unwrap(),
        BindParams::default(),
        access_key(),
    )
    .unwrap();
    let creds = binding.credentials(&i.outputs(&dkim()).unwrap()).unwrap();
    let payload = creds.to_json_with_secrets();
    let mut got = keys(&payload);
    got.sort_unstable();
    let mut want = vec![
        // The deployed broker's keys for a generated domain with feedback off
        // (osbapi-csb.md §3, realistic example).
        "region",
        "domain",
        "identity_arn",
        "domain_arn",
        "configuration_set_arn",
        "reputation_topic_arn",
        "bounce_topic_arn",
        "complaint_topic_arn",
        "delivery_topic_arn",
        "smtp_server",
        "smtp_user",
        "smtp_password",
        "aws_access_key_id",
        "aws_secret_access_key",
        // Ours, besides.
        "identity_domain",
        "smtp_port",
        "smtp_tls_port",
    ];
    want.sort_unstable();
    assert_eq!(got, want);
    assert_eq!(
        payload["smtp_server"],
        "email-smtp-fips.us-gov-west-1.amazonaws.com"
    );
    assert_eq!(payload["smtp_user"], payload["aws_access_key_id"]);
    assert_eq!(
        payload["smtp_password"],
        ses_broker::smtp::password(access_key().secret(), i.region()).expose_secret()
    );
    assert_eq!(payload["bounce_topic_arn"], "");
    assert_eq!(payload["smtp_port"], 587);
    assert_eq!(payload["smtp_tls_port"], 465);
    // Plain serialisation never shows a secret.
    let redacted = serde_json::to_string(&creds).unwrap();
    assert!(!redacted.contains("wJalrXUtnFEMI"));
    assert!(!redacted.contains(creds.smtp_password().expose_secret()));
    // What an app reads back from VCAP_SERVICES equals what the broker delivered.
    assert_eq!(
        ses_broker::Credentials::from_value(&payload).unwrap(),
        creds
    );
}

#[test]
fn credentials_name_subscribed_endpoints_only() {
    let bind = BindParams::from_json(r#"{"notification_email": "ops@agency.gov", "notification_webhook": "https://hooks.agency.gov/ses"}"#).unwrap();
    let off = instance(r#"{"admin_email": "a@agency.gov"}"#);
    let b = Binding::new(&off, "b".parse().unwrap(), bind.clone(), access_key()).unwrap();
    let payload = b
        .credentials(&off.outputs(&dkim()).unwrap())
        .unwrap()
        .to_json_with_secrets();
    assert!(
        payload.get("notification_email").is_none()
            && payload.get("notification_webhook").is_none()
    );
    let on = instance(
        r#"{"admin_email": "a@agency.gov", "domain": "agency.gov", "enable_feedback_notifications": true, "mail_from_subdomain": "mail"}"#,
    );
    let b = Binding::new(&on, "b".parse().unwrap(), bind, access_key()).unwrap();
    let payload = b
        .credentials(&on.outputs(&dkim()).unwrap())
        .unwrap()
        .to_json_with_secrets();
    assert_eq!(payload["notification_email"], "ops@agency.gov");
    assert_eq!(
        payload["notification_webhook"],
        "https://hooks.agency.gov/ses"
    );
    assert_eq!(payload["domain"], "mail.agency.gov");
    assert_eq!(payload["identity_domain"], "agency.gov");
    assert_eq!(payload["mail_from_domain"], "mail.agency.gov");
    assert!(payload["required_records"].is_string());
    assert!(payload["instructions"].is_string());
}

#[test]
fn credentials_refuse_outputs_of_another_region() {
    let i = instance(r#"{"admin_email": "a@agency.gov"}"#);
    let east = BrokerConfig::from_json(r#"{"region": "us-east-1", "account_id": "123456789012", "default_zone": "mail.example.com"}"#).unwrap();
    let other = Instance::new(
        &east,
        ID.parse().unwrap(),
        ProvisionParams::from_json(r#"{"admin_email": "a@agency.gov"}"#).unwrap(),
    )
    .unwrap();
    let tokens = [
        "abcdefghijklmnopqrstuvwxyz234567",
        "bcdefghijklmnopqrstuvwxyz2345678",
        "cdefghijklmnopqrstuvwxyz23456789",
    ]
    .map(|t| t.parse().unwrap());
    let east_dkim = ses_broker::dns::DkimSigning::for_region(tokens, other.region()).unwrap();
    let b = Binding::new(
        &i,
        "b".parse().unwrap(),
        BindParams::default(),
        access_key(),
    )
    .unwrap();
    assert!(b.credentials(&other.outputs(&east_dkim).unwrap()).is_err());
}

/// Issue 10 item 4: outputs of another instance in the same account and region passed,
/// giving credentials whose `identity_arn` is not the one the binding's policy allows.
#[test]
fn credentials_refuse_outputs_of_another_instance() {
    let with_id = |id: &str, params: &str| {
        Instance::new(
            &config(),
            id.parse().unwrap(),
            ProvisionParams::from_json(params).unwrap(),
        )
        .unwrap()
    };
    let bind = |i: &Instance, params: &str| {
        Binding::new(
            i,
            "b".parse().unwrap(),
            BindParams::from_json(params).unwrap(),
            access_key(),
        )
        .unwrap()
    };
    let blamed = |b: &Binding, outputs: &ses_broker::InstanceOutputs| match b.credentials(outputs) {
        Err(ses_broker::binding::BindError::OtherInstance { key, .. }) => key,
        other => panic!("expected OtherInstance, got {other:?}"),
    };
    let generated = r#"{"admin_email": "a@agency.gov"}"#;
    let mine = with_id(ID, generated);
    let binding = bind(&mine, "{}");
    // Another generated domain in the same account and region.
    let theirs = with_id("0e9d8c7b-6a5f-4e3d-2c1b-a09f8e7d6c5b", generated);
    assert_eq!(
        blamed(&binding, &theirs.outputs(&dkim()).unwrap()),
        "identity_arn"
    );
    let message = binding
        .credentials(&theirs.outputs(&dkim()).unwrap())
        .unwrap_err()
        .to_string();
    assert!(
        message.starts_with("identity_arn: the instance outputs name arn:aws-us-gov:ses:")
            && message.contains(mine.identity_arn().as_str()),
        "{message}"
    );
    // The same customer domain under another instance: the configuration set differs.
    let custom = r#"{"admin_email": "a@agency.gov", "domain": "agency.gov"}"#;
    let binding = bind(&with_id(ID, custom), "{}");
    let theirs = with_id("0e9d8c7b-6a5f-4e3d-2c1b-a09f8e7d6c5b", custom);
    assert_eq!(
        blamed(&binding, &theirs.outputs(&dkim()).unwrap()),
        "configuration_set_arn"
    );
    // Subscribed to the feedback topics, but the outputs say feedback is off.
    let on = with_id(
        ID,
        r#"{"admin_email": "a@agency.gov", "enable_feedback_notifications": true}"#,
    );
    let subscribed = bind(&on, r#"{"notification_email": "ops@agency.gov"}"#);
    assert_eq!(
        blamed(&subscribed, &mine.outputs(&dkim()).unwrap()),
        "bounce_topic_arn"
    );
    // The binding's own instance passes, with feedback turned on since the bind too.
    assert!(
        binding_of(&mine)
            .credentials(&on.outputs(&dkim()).unwrap())
            .is_ok()
    );
    assert!(
        subscribed
            .credentials(&on.outputs(&dkim()).unwrap())
            .is_ok()
    );
}

fn binding_of(i: &Instance) -> Binding {
    Binding::new(i, "b".parse().unwrap(), BindParams::default(), access_key()).unwrap()
}

#[test]
fn alarm_names_follow_the_base_name() {
    let i = instance(r#"{"admin_email": "a@agency.gov"}"#);
    let names: Vec<String> = ses_broker::reputation::AlarmNames::for_instance(i.id())
        .all()
        .iter()
        .map(|(_, name)| name.to_string())
        .collect();
    let base = format!("csb-aws-ses-{ID}");
    assert_eq!(
        names,
        [
            format!("{base}-BounceRate-Warning"),
            format!("{base}-BounceRate-Critical"),
            format!("{base}-ComplaintRate-Warning"),
            format!("{base}-ComplaintRate-Critical"),
        ]
    );
}

#[test]
fn foundation_and_instance_types_are_send_and_sync() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<ses_broker::values::DomainName>();
    send_sync::<ses_broker::values::EmailAddress>();
    send_sync::<ses_broker::values::Region>();
    send_sync::<ses_broker::values::Arn>();
    send_sync::<ses_broker::values::WebhookUrl>();
    send_sync::<ses_broker::values::SourceIp>();
    send_sync::<ses_broker::values::ValueError>();
    send_sync::<ses_broker::ProvisionParams>();
    send_sync::<ses_broker::BindParams>();
    send_sync::<ses_broker::ParamErrors>();
    send_sync::<ses_broker::params::Update>();
    send_sync::<ses_broker::Catalog>();
    send_sync::<BrokerConfig>();
    send_sync::<Instance>();
    send_sync::<ses_broker::InstanceOutputs>();
    send_sync::<ses_broker::instance::InstanceUpdate>();
    send_sync::<ses_broker::instance::UpdateError>();
    send_sync::<Binding>();
    send_sync::<ses_broker::binding::BindingPlan>();
    send_sync::<ses_broker::binding::BindError>();
    send_sync::<ses_broker::binding::Policy>();
}

#[test]
fn dns_length_limits_are_derived_from_one_definition() {
    use ses_broker::dns::DKIM_NAME_OVERHEAD;
    use ses_broker::instance::MAX_DEFAULT_ZONE_LEN;
    use ses_broker::params::MAX_SENDING_DOMAIN_LEN;
    use ses_broker::values::{MAX_DOMAIN_LEN, MAX_LABEL_LEN};
    assert_eq!((MAX_DOMAIN_LEN, MAX_LABEL_LEN), (253, 63));
    assert_eq!(
        DKIM_NAME_OVERHEAD,
        "abcdefghijklmnopqrstuvwxyz234567._domainkey.".len()
    );
    assert_eq!(MAX_SENDING_DOMAIN_LEN, 209);
    assert_eq!(MAX_DEFAULT_ZONE_LEN, 188);
}
