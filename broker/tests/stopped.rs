//! Operations AWS stops half way, against the stand-in: the platform sees `failed`, and
//! what is left stays recorded so that it can read the instance and ask again once AWS
//! lets the operation through.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    reason = "a failed assertion is how a test reports; indexing a Value never panics"
)]

mod support;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use ses_broker::aws::{Answer, FailureKind, Operation};
use ses_broker::catalog::{PLAN_ID, SERVICE_ID};
use ses_broker::instance::BrokerConfig;
use ses_broker_server::aws::Aws;
use ses_broker_server::config::DEMO;
use ses_broker_server::memory::InMemoryAws;

use support::local::{Local, stand_in};

/// The stand-in, refusing one call (`service:Operation`) once with a permanent failure, as
/// AWS does when a policy denies it.
struct Refusing {
    aws: InMemoryAws,
    refuse: Mutex<Option<&'static str>>,
}

impl Aws for Refusing {
    async fn call(&self, operation: &Operation) -> Answer {
        let name = format!("{}:{}", operation.service(), operation.name());
        let refused = {
            let mut refuse = self.refuse.lock().unwrap();
            let hit = refuse.is_some_and(|r| r == name);
            if hit {
                *refuse = None;
            }
            hit
        };
        if refused {
            return Answer::failed(
                FailureKind::Permanent,
                "AccessDenied",
                "refused by the test",
            );
        }
        self.aws.call(operation).await
    }

    fn describe(&self) -> String {
        "a stand-in that refuses one call".to_owned()
    }
}

#[test]
fn a_deprovision_stopped_after_the_identity_went_leaves_an_instance_the_platform_can_delete_again()
{
    let config = BrokerConfig::from_json(DEMO).unwrap();
    let aws = Arc::new(Refusing {
        aws: stand_in(&config),
        refuse: Mutex::new(None),
    });
    let local = Local::new(Arc::clone(&aws), config, Duration::from_secs(30));
    let instance = "/v2/service_instances/stopped-1";
    let body = json!({"service_id": SERVICE_ID, "plan_id": PLAN_ID, "organization_guid": "o",
        "space_guid": "s", "parameters": {"domain": "stopped.example.gov",
        "admin_email": "admin@example.gov", "enable_feedback_notifications": true}});
    let made = local.call("PUT", instance, Some(&body));
    assert_eq!(made.status, 201, "{}", made.body);

    // The configuration set goes after the identity: AWS refusing it stops the deprovision
    // when the identity (with its DKIM tokens) is already gone.
    *aws.refuse.lock().unwrap() = Some("sesv2:DeleteConfigurationSet");
    let delete = format!("{instance}?service_id={SERVICE_ID}&plan_id={PLAN_ID}");
    let stopped = local.call("DELETE", &delete, None);
    assert_eq!(stopped.status, 500, "{}", stopped.body);
    assert!(
        aws.refuse.lock().unwrap().is_none(),
        "the call was never made"
    );
    let last = local.call("GET", &format!("{instance}/last_operation"), None);
    assert_eq!(
        (last.status, &last.body["state"]),
        (200, &json!("failed")),
        "{}",
        last.body
    );

    let mut problems = Vec::new();
    let read = local.call("GET", instance, None);
    if read.status != 200 {
        problems.push(format!(
            "GET of the instance after the stopped deprovision: {} {}",
            read.status, read.body
        ));
    }
    let again = local.call("DELETE", &delete, None);
    if again.status != 200 {
        problems.push(format!(
            "the platform's second DELETE: {} {}",
            again.status, again.body
        ));
    }
    let world = aws.aws.world();
    if !world.configuration_sets.is_empty() || !world.identities.is_empty() {
        problems.push(format!(
            "left in AWS: configuration sets {:?}, identities {:?}",
            world.configuration_sets.keys().collect::<Vec<_>>(),
            world.identities.keys().collect::<Vec<_>>()
        ));
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
}
