//! Reads moto's state back, normalised like `support::observe_world`: through the AWS SDK
//! for Rust, and boto3 for the SES v2 configuration sets (see the test's docs).
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a failed assertion is how a test reports"
)]

use std::collections::BTreeMap;
use std::process::{Command, Stdio};

use aws_config::SdkConfig;
use serde_json::{Value, json};

use crate::support::{Observed, Settings, Snapshot};
use crate::{PARENT_ZONE, REGION};

/// The configuration sets, through boto3 (see the file's docs): starts the reader and
/// answers a call that waits for it, so the caller reads the rest meanwhile.
pub(crate) fn configuration_sets(
    python: &str,
    endpoint: &str,
) -> impl FnOnce() -> BTreeMap<String, Settings> + use<> {
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/support/moto_configuration_sets.py"
    );
    let child = Command::new(python)
        .args([script, endpoint, REGION])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    move || {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{script}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

/// Adds a resource. A second one under the same name (a hosted zone or a subscription
/// made twice) gets a key of its own, so the comparison reports it as unexpected instead of
/// one hiding the other.
fn insert(snap: &mut Snapshot, key: String, settings: Settings) {
    let mut unique = key.clone();
    let mut n = 1;
    while snap.contains_key(&unique) {
        n += 1;
        unique = format!("{key} (#{n})");
    }
    snap.insert(unique, settings);
}

fn tag_object<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Value {
    Value::Object(pairs.map(|(k, v)| (k.to_owned(), json!(v))).collect())
}

fn sorted(mut list: Vec<String>) -> Value {
    list.sort();
    json!(list)
}

fn json_text(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| json!(text))
}

/// Everything but the configuration sets, through the AWS SDK for Rust.
#[allow(
    clippy::too_many_lines,
    reason = "one block per service, in the snapshot's order"
)]
pub(crate) async fn read(sdk: &SdkConfig) -> Observed {
    let mut observed = Observed::default();
    let snap = &mut observed.snapshot;

    // SES: event destinations (v1), identities (v1 list, v2 get, v1 DKIM and MAIL FROM).
    let v1 = aws_sdk_ses::Client::new(sdk);
    let v2 = aws_sdk_sesv2::Client::new(sdk);
    let sets = v1.list_configuration_sets().send().await.unwrap();
    for set in sets.configuration_sets() {
        let name = set.name();
        let described = v1
            .describe_configuration_set()
            .configuration_set_name(name)
            .configuration_set_attribute_names(
                aws_sdk_ses::types::ConfigurationSetAttribute::EventDestinations,
            )
            .send()
            .await
            .unwrap();
        for d in described.event_destinations() {
            insert(
                snap,
                format!("ses event-destination {name}/{}", d.name()),
                Settings::from([
                    ("Enabled".into(), json!(d.enabled())),
                    (
                        "MatchingEventTypes".into(),
                        sorted(
                            d.matching_event_types()
                                .iter()
                                .map(|t| t.as_str().to_owned())
                                .collect(),
                        ),
                    ),
                    (
                        "TopicArn".into(),
                        json!(d.sns_destination().map(|s| s.topic_arn())),
                    ),
                ]),
            );
        }
    }
    let identities = v1
        .list_identities()
        .identity_type(aws_sdk_ses::types::IdentityType::Domain)
        .send()
        .await
        .unwrap();
    for domain in identities.identities() {
        let got = v2
            .get_email_identity()
            .email_identity(domain)
            .send()
            .await
            .unwrap();
        let mail_from = v1
            .get_identity_mail_from_domain_attributes()
            .identities(domain)
            .send()
            .await
            .unwrap();
        let mail_from = mail_from.mail_from_domain_attributes().get(domain.as_str());
        let mut settings = Settings::from([(
            "Tags".into(),
            tag_object(got.tags().iter().map(|t| (t.key(), t.value()))),
        )]);
        if let Some(set) = got.configuration_set_name() {
            settings.insert("ConfigurationSetName".into(), json!(set));
        }
        let mail_from_domain = mail_from
            .map(|m| m.mail_from_domain())
            .filter(|d| !d.is_empty());
        settings.insert("MailFromDomain".into(), json!(mail_from_domain));
        if mail_from_domain.is_some() {
            settings.insert(
                "BehaviorOnMxFailure".into(),
                json!(mail_from.map(|m| m.behavior_on_mx_failure().as_str())),
            );
        }
        insert(snap, format!("ses identity {domain}"), settings);
        let dkim = v1
            .get_identity_dkim_attributes()
            .identities(domain)
            .send()
            .await
            .unwrap();
        observed.dkim_tokens.insert(
            domain.clone(),
            dkim.dkim_attributes()
                .get(domain.as_str())
                .map(|a| a.dkim_tokens().to_vec())
                .unwrap_or_default(),
        );
    }

    // KMS: keys by alias; keys pending deletion apart, with their window.
    let kms = aws_sdk_kms::Client::new(sdk);
    let aliases = kms.list_aliases().send().await.unwrap();
    let mut alias_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for alias in aliases.aliases() {
        if let (Some(name), Some(target)) = (alias.alias_name(), alias.target_key_id())
            && !name.starts_with("alias/aws/")
        {
            alias_of
                .entry(target.to_owned())
                .or_default()
                .push(name.to_owned());
        }
    }
    let now = std::time::SystemTime::now();
    for key in kms.list_keys().send().await.unwrap().keys() {
        let id = key.key_id().unwrap();
        let meta = kms.describe_key().key_id(id).send().await.unwrap();
        let meta = meta.key_metadata().unwrap();
        if meta.key_state() == Some(&aws_sdk_kms::types::KeyState::PendingDeletion) {
            // moto keeps the deletion date, not the window: the days from now to it.
            let window = meta.deletion_date().map(|date| {
                let seconds = date.secs()
                    - now
                        .duration_since(std::time::UNIX_EPOCH)
                        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
                (seconds + 43_200) / 86_400
            });
            observed.pending_keys.push(window);
            continue;
        }
        let name = match alias_of.get(id).map(Vec::as_slice) {
            Some([alias]) => alias.clone(),
            other => format!("(aliases {other:?}) {id}"),
        };
        let policy = kms
            .get_key_policy()
            .key_id(id)
            .policy_name("default")
            .send()
            .await
            .unwrap();
        let rotation = kms
            .get_key_rotation_status()
            .key_id(id)
            .send()
            .await
            .unwrap();
        let tags = kms.list_resource_tags().key_id(id).send().await.unwrap();
        insert(
            snap,
            format!("kms key {name}"),
            Settings::from([
                ("Description".into(), json!(meta.description())),
                (
                    "Policy".into(),
                    json_text(policy.policy().unwrap_or_default()),
                ),
                (
                    "KeyRotationEnabled".into(),
                    json!(rotation.key_rotation_enabled()),
                ),
                (
                    "KeyState".into(),
                    json!(meta.key_state().map(|s| s.as_str())),
                ),
                (
                    "Tags".into(),
                    tag_object(tags.tags().iter().map(|t| (t.tag_key(), t.tag_value()))),
                ),
            ]),
        );
    }

    // SNS: topics and every subscription.
    let sns = aws_sdk_sns::Client::new(sdk);
    for topic in sns.list_topics().send().await.unwrap().topics() {
        let arn = topic.topic_arn().unwrap();
        let attributes = sns
            .get_topic_attributes()
            .topic_arn(arn)
            .send()
            .await
            .unwrap();
        let attributes = attributes.attributes().cloned().unwrap_or_default();
        let tags = sns
            .list_tags_for_resource()
            .resource_arn(arn)
            .send()
            .await
            .unwrap();
        let mut settings = Settings::from([
            (
                "KmsMasterKeyId".into(),
                json!(
                    attributes
                        .get("KmsMasterKeyId")
                        .cloned()
                        .unwrap_or_default()
                ),
            ),
            (
                "Tags".into(),
                tag_object(tags.tags().iter().map(|t| (t.key(), t.value()))),
            ),
        ]);
        // moto answers a default policy when none was set; ours always sets one.
        if let Some(policy) = attributes.get("Policy") {
            settings.insert("Policy".into(), json_text(policy));
        }
        insert(
            snap,
            format!("sns topic {}", arn.rsplit(':').next().unwrap()),
            settings,
        );
    }
    for sub in sns
        .list_subscriptions()
        .send()
        .await
        .unwrap()
        .subscriptions()
    {
        let topic = sub.topic_arn().unwrap();
        insert(
            snap,
            format!(
                "sns subscription {} {} {}",
                topic.rsplit(':').next().unwrap(),
                sub.protocol().unwrap(),
                sub.endpoint().unwrap()
            ),
            Settings::from([("TopicArn".into(), json!(topic))]),
        );
    }

    // CloudWatch: every alarm and its tags.
    let cloudwatch = aws_sdk_cloudwatch::Client::new(sdk);
    for alarm in cloudwatch
        .describe_alarms()
        .send()
        .await
        .unwrap()
        .metric_alarms()
    {
        let tags = cloudwatch
            .list_tags_for_resource()
            .resource_arn(alarm.alarm_arn().unwrap())
            .send()
            .await
            .unwrap();
        let strings = |list: &[String]| sorted(list.to_vec());
        insert(
            snap,
            format!("cloudwatch alarm {}", alarm.alarm_name().unwrap()),
            Settings::from([
                ("AlarmDescription".into(), json!(alarm.alarm_description())),
                ("ActionsEnabled".into(), json!(alarm.actions_enabled())),
                ("AlarmActions".into(), strings(alarm.alarm_actions())),
                ("OKActions".into(), strings(alarm.ok_actions())),
                (
                    "InsufficientDataActions".into(),
                    strings(alarm.insufficient_data_actions()),
                ),
                ("Namespace".into(), json!(alarm.namespace())),
                ("MetricName".into(), json!(alarm.metric_name())),
                (
                    "Statistic".into(),
                    json!(alarm.statistic().map(|s| s.as_str())),
                ),
                (
                    "Dimensions".into(),
                    Value::Object(
                        alarm
                            .dimensions()
                            .iter()
                            .map(|d| (d.name().unwrap().to_owned(), json!(d.value())))
                            .collect(),
                    ),
                ),
                ("Period".into(), json!(alarm.period())),
                (
                    "EvaluationPeriods".into(),
                    json!(alarm.evaluation_periods()),
                ),
                (
                    "DatapointsToAlarm".into(),
                    json!(alarm.datapoints_to_alarm()),
                ),
                ("Threshold".into(), json!(alarm.threshold())),
                (
                    "ComparisonOperator".into(),
                    json!(alarm.comparison_operator().map(|c| c.as_str())),
                ),
                ("TreatMissingData".into(), json!(alarm.treat_missing_data())),
                (
                    "Tags".into(),
                    tag_object(
                        tags.tags()
                            .iter()
                            .map(|t| (t.key().unwrap_or_default(), t.value().unwrap_or_default())),
                    ),
                ),
            ]),
        );
    }

    // Route 53: zones (the parent zone is the test's), their records but the apex SOA/NS.
    let route53 = aws_sdk_route53::Client::new(sdk);
    for zone in route53
        .list_hosted_zones()
        .send()
        .await
        .unwrap()
        .hosted_zones()
    {
        let name = zone.name().trim_end_matches('.').to_owned();
        let id = zone.id().trim_start_matches("/hostedzone/");
        let got = route53.get_hosted_zone().id(id).send().await.unwrap();
        let name_servers: Vec<String> = got
            .delegation_set()
            .map(|d| {
                d.name_servers()
                    .iter()
                    .map(|ns| ns.trim_end_matches('.').to_owned())
                    .collect()
            })
            .unwrap_or_default();
        observed.name_servers.insert(name.clone(), name_servers);
        let label = if name == PARENT_ZONE {
            "PARENT".to_owned()
        } else {
            let tags = route53
                .list_tags_for_resource()
                .resource_type(aws_sdk_route53::types::TagResourceType::Hostedzone)
                .resource_id(id)
                .send()
                .await
                .unwrap();
            insert(
                snap,
                format!("route53 zone {name}"),
                Settings::from([
                    (
                        "Comment".into(),
                        json!(zone.config().and_then(|c| c.comment())),
                    ),
                    (
                        "Tags".into(),
                        tag_object(
                            tags.resource_tag_set()
                                .map(|s| s.tags())
                                .unwrap_or_default()
                                .iter()
                                .map(|t| {
                                    (t.key().unwrap_or_default(), t.value().unwrap_or_default())
                                }),
                        ),
                    ),
                ]),
            );
            name.clone()
        };
        let records = route53
            .list_resource_record_sets()
            .hosted_zone_id(id)
            .send()
            .await
            .unwrap();
        for set in records.resource_record_sets() {
            let owner = set.name().trim_end_matches('.');
            let kind = set.r#type().as_str();
            if owner == name && (kind == "NS" || kind == "SOA") {
                continue;
            }
            let values: Vec<String> = set
                .resource_records()
                .iter()
                .map(|r| {
                    if kind == "NS" {
                        r.value().trim_end_matches('.').to_owned()
                    } else {
                        r.value().to_owned()
                    }
                })
                .collect();
            insert(
                snap,
                format!("route53 record {label} {owner} {kind}"),
                Settings::from([
                    ("TTL".into(), json!(set.ttl())),
                    ("Values".into(), sorted(values)),
                ]),
            );
        }
    }

    // IAM: users, their tags, inline policies (IAM answers them URL-encoded) and keys.
    let iam = aws_sdk_iam::Client::new(sdk);
    for user in iam.list_users().send().await.unwrap().users() {
        let name = user.user_name();
        let got = iam.get_user().user_name(name).send().await.unwrap();
        let tags = got.user().map(|u| u.tags().to_vec()).unwrap_or_default();
        let mut policies = serde_json::Map::new();
        for policy in iam
            .list_user_policies()
            .user_name(name)
            .send()
            .await
            .unwrap()
            .policy_names()
        {
            let document = iam
                .get_user_policy()
                .user_name(name)
                .policy_name(policy)
                .send()
                .await
                .unwrap();
            let text = percent_encoding::percent_decode_str(document.policy_document())
                .decode_utf8_lossy()
                .into_owned();
            policies.insert(policy.clone(), json_text(&text));
        }
        let keys = iam.list_access_keys().user_name(name).send().await.unwrap();
        insert(
            snap,
            format!("iam user {name}"),
            Settings::from([
                ("Path".into(), json!(user.path())),
                (
                    "Tags".into(),
                    tag_object(tags.iter().map(|t| (t.key(), t.value()))),
                ),
                ("Policies".into(), Value::Object(policies)),
                (
                    "AccessKeys".into(),
                    sorted(
                        keys.access_key_metadata()
                            .iter()
                            .filter_map(|k| k.access_key_id().map(ToOwned::to_owned))
                            .collect(),
                    ),
                ),
            ]),
        );
    }
    observed
}
