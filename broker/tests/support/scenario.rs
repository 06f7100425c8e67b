//! The lifecycle both tests drive through OSBAPI requests, comparing after every step.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "test support: a failed assertion is how a test reports"
)]

use std::collections::BTreeMap;

use serde_json::{Value, json};
use ses_broker::aws::{BindingState, InstanceState};
use ses_broker::binding::Binding;
use ses_broker::catalog::{PLAN_ID, SERVICE_ID};
use ses_broker::dns::{DkimSigning, DkimToken};
use ses_broker::instance::{BrokerConfig, Instance};
use ses_broker::params::{BindParams, Context, ProvisionParams};
use ses_broker::reputation::Thresholds;
use ses_broker::values::{BindingId, InstanceId};

use super::{Observed, Tally, Unchecked, compare, expect_all};

/// An AWS under test, reached through the broker.
pub trait Harness {
    /// The broker's configuration (as the broker read it).
    fn config(&self) -> &BrokerConfig;
    /// One OSBAPI request: the status and the JSON body.
    fn call(&mut self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value);
    /// What the AWS holds now.
    fn observe(&mut self) -> Observed;
    /// Settings this AWS cannot show.
    fn unchecked(&self) -> Vec<Unchecked>;
    /// A name for messages (`moto`, `stand-in`).
    fn name(&self) -> &'static str;
}

pub const INSTANCE_A: &str = "0a5e5b7c-1d2e-4f30-8a4b-5c6d7e8f9a01";
pub const INSTANCE_B: &str = "0a5e5b7c-1d2e-4f30-8a4b-5c6d7e8f9a02";
pub const BINDING: &str = "0b1c2d3e-4f50-4617-8a9b-0c1d2e3f4a51";

/// The OSBAPI context every request of the lifecycle tests carries.
pub fn context_value() -> Value {
    json!({
        "platform": "cloudfoundry",
        "organization_guid": "6e1b2c3d-0000-4000-8000-00000000000e",
        "organization_name": "agency-prod",
        "space_guid": "6e1b2c3d-0000-4000-8000-00000000000f",
        "space_name": "mail (prod)",
        "instance_name": "my-ses"
    })
}

/// The desired state of instance `id` of `config` provisioned with `parameters` (JSON), in
/// the scenario's context: for a test that drives the core's `Driver` itself.
pub fn instance_state(config: &BrokerConfig, id: &str, parameters: &str) -> InstanceState {
    let instance = Instance::new(
        config,
        id.parse().unwrap(),
        ProvisionParams::from_json(parameters).unwrap(),
    )
    .unwrap();
    let context = Context::from_value(&context_value()).unwrap();
    InstanceState::new(config, &instance, &context, &Thresholds::cloud_gov()).unwrap()
}

/// The query naming the service and plan (deletions carry it).
pub const IDS: &str =
    "service_id=260f2ead-b9e9-48b5-9a01-6e3097208ad7&plan_id=35ffb84b-a898-442e-b5f9-0a6a5229827d";

/// A provision request with `parameters`.
pub fn provision_body(parameters: &Value) -> Value {
    json!({"service_id": SERVICE_ID, "plan_id": PLAN_ID,
        "organization_guid": "6e1b2c3d-0000-4000-8000-00000000000e",
        "space_guid": "6e1b2c3d-0000-4000-8000-00000000000f",
        "context": context_value(), "parameters": parameters})
}

/// A bind request with `parameters`.
pub fn bind_body(parameters: &Value) -> Value {
    json!({"service_id": SERVICE_ID, "plan_id": PLAN_ID,
        "context": context_value(), "bind_resource": {"app_guid": "app"},
        "parameters": parameters})
}

/// One run of the scenario: the requests made, the core's view of what should exist, and
/// the tally of comparisons.
struct Run<'h, H: Harness> {
    h: &'h mut H,
    config: BrokerConfig,
    context: Context,
    thresholds: Thresholds,
    instances: BTreeMap<String, Instance>,
    binding: Option<(BindingState, String)>,
    tally: Tally,
    unchecked: Vec<Unchecked>,
    last: Observed,
}

impl<H: Harness> Run<'_, H> {
    fn dkim(&self, instance: &Instance) -> DkimSigning {
        let tokens = &self.last.dkim_tokens[instance.domain().as_str()];
        let tokens = [
            DkimToken::parse(&tokens[0]).unwrap(),
            DkimToken::parse(&tokens[1]).unwrap(),
            DkimToken::parse(&tokens[2]).unwrap(),
        ];
        DkimSigning::for_region(tokens, instance.region()).unwrap()
    }

    fn check(&mut self, step: &str) {
        let observed = self.h.observe();
        let expected = expect_all(
            &self.config,
            &self.context,
            &self.thresholds,
            self.instances.values(),
            self.binding
                .as_ref()
                .map(|(state, key)| (state, key.as_str())),
            &observed,
        );
        compare(
            &format!("{} {step}", self.h.name()),
            &expected,
            &observed.snapshot,
            &self.unchecked,
            &mut self.tally,
        );
        self.last = observed;
    }

    fn provision(&mut self, id: &str, parameters: Value) -> Value {
        let body = provision_body(&parameters);
        let (status, answer) =
            self.h
                .call("PUT", &format!("/v2/service_instances/{id}"), Some(&body));
        assert_eq!(status, 201, "provision {id}: {answer}");
        let params = ProvisionParams::from_value(&parameters).unwrap();
        let instance = Instance::new(&self.config, InstanceId::parse(id).unwrap(), params).unwrap();
        self.instances.insert(id.to_owned(), instance);
        answer
    }

    fn update(&mut self, id: &str, parameters: Value) {
        let body = json!({"service_id": SERVICE_ID, "context": context_value(),
            "parameters": parameters});
        let (status, answer) =
            self.h
                .call("PATCH", &format!("/v2/service_instances/{id}"), Some(&body));
        assert_eq!(status, 200, "update {id}: {answer}");
        let old = &self.instances[id];
        let new = old
            .update(&self.config, &parameters.to_string(), &self.dkim(old))
            .unwrap()
            .into_instance();
        self.instances.insert(id.to_owned(), new);
    }

    fn bind(&mut self, id: &str, bid: &str, parameters: Value) -> Value {
        let body = bind_body(&parameters);
        let (status, answer) = self.h.call(
            "PUT",
            &format!("/v2/service_instances/{id}/service_bindings/{bid}"),
            Some(&body),
        );
        assert_eq!(status, 201, "bind {bid}: {answer}");
        let instance = &self.instances[id];
        let plan = Binding::plan(
            instance,
            BindingId::parse(bid).unwrap(),
            BindParams::from_value(&parameters).unwrap(),
        );
        let state = BindingState::new(&self.config, instance, &plan, &self.context).unwrap();
        let key = answer["credentials"]["aws_access_key_id"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(answer["credentials"]["smtp_user"], json!(key));
        self.binding = Some((state, key));
        answer
    }

    fn unbind(&mut self, id: &str, bid: &str) {
        let (status, answer) = self.h.call(
            "DELETE",
            &format!("/v2/service_instances/{id}/service_bindings/{bid}?{IDS}"),
            None,
        );
        assert_eq!(status, 200, "unbind {bid}: {answer}");
        self.binding = None;
    }

    fn deprovision(&mut self, id: &str) {
        let (status, answer) =
            self.h
                .call("DELETE", &format!("/v2/service_instances/{id}?{IDS}"), None);
        assert_eq!(status, 200, "deprovision {id}: {answer}");
        self.instances.remove(id);
    }
}

/// The lifecycle both tests run through OSBAPI requests, with everything in AWS compared
/// with the core's desired state after every step: provision with a customer domain
/// (feedback off) and with a generated one (feedback on, a MAIL FROM subdomain); update
/// (feedback toggled on, `admin_email` changed, MAIL FROM added; a MAIL FROM changed in a
/// zone the broker keeps); bind with `source_ips`, a notification email and a webhook;
/// unbind; deprovision, after which nothing is left but keys pending deletion (7 days).
///
/// With `feedback_off`, an update also turns feedback off on the generated-domain
/// instance: that deletes SES event destinations, which moto answers with a 500, so only
/// the stand-in runs it.
pub fn scenario(h: &mut impl Harness, feedback_off: bool) -> Tally {
    let unchecked = h.unchecked();
    let mut run = Run {
        config: h.config().clone(),
        h,
        context: Context::from_value(&context_value()).unwrap(),
        thresholds: Thresholds::cloud_gov(),
        instances: BTreeMap::new(),
        binding: None,
        tally: Tally::default(),
        unchecked,
        last: Observed::default(),
    };
    run.check("before provisioning");

    let answer = run.provision(
        INSTANCE_A,
        json!({"domain": "agency.gov", "admin_email": "admin@agency.gov"}),
    );
    let records = &answer["metadata"]["attributes"]["required_records"];
    run.provision(
        INSTANCE_B,
        json!({"admin_email": "ops@agency.gov", "enable_feedback_notifications": true,
               "mail_from_subdomain": "mail"}),
    );
    run.check("after provisioning a customer domain and a generated one");
    // The DKIM records handed to the customer name the tokens the identity has in AWS.
    let tokens = &run.last.dkim_tokens["agency.gov"];
    for (n, token) in tokens.iter().enumerate() {
        let record = &records[format!("dkim_record_{n}")];
        assert_eq!(
            record["name"],
            json!(format!("{token}._domainkey.agency.gov")),
            "{record}"
        );
        run.tally.settings += 1;
    }

    run.update(
        INSTANCE_A,
        json!({"enable_feedback_notifications": true, "admin_email": "new-admin@agency.gov",
               "mail_from_subdomain": "bounce"}),
    );
    run.check("after feedback on, a new admin_email and a MAIL FROM");
    run.update(INSTANCE_B, json!({"mail_from_subdomain": "mx"}));
    run.check("after a MAIL FROM change in a broker-kept zone");

    let answer = run.bind(
        INSTANCE_A,
        BINDING,
        json!({"source_ips": ["203.0.113.0/24"], "notification_email": "alerts@agency.gov",
               "notification_webhook": "https://hooks.agency.gov/ses"}),
    );
    assert_eq!(
        answer["credentials"]["notification_email"],
        "alerts@agency.gov"
    );
    run.check("after binding with source_ips, an email and a webhook");

    if feedback_off {
        run.update(INSTANCE_B, json!({"enable_feedback_notifications": false}));
        run.check("after feedback off");
    }

    run.unbind(INSTANCE_A, BINDING);
    run.check("after unbinding");
    run.deprovision(INSTANCE_A);
    run.deprovision(INSTANCE_B);
    run.check("after deprovisioning");
    let pending = &run.last.pending_keys;
    // Four topic keys each (feedback on, at the end or before), none left behind.
    assert_eq!(pending.len(), 8, "keys pending deletion: {pending:?}");
    for window in pending {
        assert_eq!(*window, Some(7), "deletion windows: {pending:?}");
        run.tally.settings += 1;
    }
    run.tally
}
