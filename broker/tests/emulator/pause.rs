//! A pause against moto. moto does not serve `PutConfigurationSetSendingOptions` (it
//! answers 404), so what can be checked here is that the SDK adapter makes the call, with
//! `SendingEnabled` false, for the configuration set the core created, and that moto's 404
//! becomes a failure that stops the run, neither a panic nor a success. That the pause takes
//! effect is checked against the stand-in (`standin.rs`).
//!
//! It runs in its own region, so the lifecycle test's comparison of everything in moto
//! never sees its configuration set.

use aws_config::SdkConfig;
use serde_json::{Value, json};
use ses_broker::aws::{Answer, DriveError, Driver, FailureKind, InstanceState, Next, Operation};
use ses_broker::instance::BrokerConfig;
use ses_broker_server::aws::Aws as _;
use ses_broker_server::sdk::SdkAws;

use super::support;
use super::wire::Wire;

/// Not the lifecycle test's region.
const PAUSE_REGION: &str = "us-gov-east-1";

/// The pause test's instance.
const INSTANCE_ID: &str = "5e7a0c1d-2b3f-4a6e-9c8d-7f1e2d3c4b5a";

/// Instance `id` in moto's account (every moto call is in `123456789012`), in
/// [`PAUSE_REGION`].
pub(crate) fn instance_state(id: &str) -> InstanceState {
    let config = BrokerConfig::from_json(&format!(
        r#"{{"region": "{PAUSE_REGION}", "account_id": "123456789012",
            "default_zone": "appmail.cloud.gov", "environment": "ci",
            "broker_principal_arn": "arn:aws-us-gov:iam::123456789012:user/moto"}}"#
    ))
    .unwrap();
    support::instance_state(
        &config,
        id,
        r#"{"domain": "pause.agency.gov", "admin_email": "admin@agency.gov"}"#,
    )
}

pub(crate) fn operation(driver: &mut Driver) -> Operation {
    match driver.next_operation() {
        Next::Operation(op) => op,
        other => panic!("expected an operation, got {other:?}"),
    }
}

/// A runtime, and the SDK's configuration and the adapter, every client sent through `wire`
/// in [`PAUSE_REGION`].
pub(crate) fn sdk_through(wire: &Wire) -> (tokio::runtime::Runtime, SdkConfig, SdkAws) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let sdk = runtime.block_on(
        aws_config::from_env()
            .region(aws_config::Region::new(PAUSE_REGION))
            .endpoint_url(wire.url())
            .credentials_provider(aws_sdk_sts::config::Credentials::new(
                "test", "test", None, None, "test",
            ))
            .load(),
    );
    let aws = SdkAws::from_config(&sdk, Some(wire.url()));
    (runtime, sdk, aws)
}

/// Deletes configuration set `name` from moto, if it is there (a rerun against the same
/// moto finds what the last run made).
pub(crate) fn delete_set(runtime: &tokio::runtime::Runtime, sdk: &SdkConfig, name: &str) {
    let _ = runtime.block_on(
        aws_sdk_sesv2::Client::new(sdk)
            .delete_configuration_set()
            .configuration_set_name(name)
            .send(),
    );
}

/// moto's endpoint, from `SES_BROKER_EMULATOR`.
pub(crate) fn emulator() -> String {
    std::env::var("SES_BROKER_EMULATOR").expect(
        "SES_BROKER_EMULATOR=http://127.0.0.1:PORT (moto's server) is required: run .ci/check-emulator.sh",
    )
}

#[test]
#[ignore = "needs moto's server: .ci/check-emulator.sh starts it and runs this test"]
fn a_pause_reaches_moto_with_sending_disabled_and_its_404_stops_the_run() {
    let _one_at_a_time = super::one_at_a_time();
    let endpoint = emulator();
    let wire = Wire::start(&endpoint);
    let (runtime, sdk, aws) = sdk_through(&wire);

    // The configuration set, made by the provision's first call, as the broker makes it
    // (after a rerun against the same moto, made again).
    let state = instance_state(INSTANCE_ID);
    let set = state.configuration_set.to_string();
    delete_set(&runtime, &sdk, &set);
    let mut provision = Driver::provision(state);
    let create = operation(&mut provision);
    assert!(
        matches!(create, Operation::CreateConfigurationSet(_)),
        "{create}"
    );
    provision
        .handle_answer(runtime.block_on(aws.call(&create)))
        .unwrap();
    let ledger = provision.into_progress().into_ledger();
    assert_eq!(
        ledger.configuration_set().map(ToString::to_string),
        Some(set.clone())
    );

    let mut pause = Driver::pause_sending(ledger);
    let put = operation(&mut pause);
    let answer = runtime.block_on(aws.call(&put));

    // On the wire: SES v2's PUT of the set's sending options, SendingEnabled false.
    let path = format!("/v2/email/configuration-sets/{set}/sending");
    let exchanges = wire.exchanges();
    let sent: Vec<_> = exchanges
        .iter()
        .filter(|e| e.method == "PUT" && e.path == path)
        .collect();
    assert_eq!(sent.len(), 1, "{exchanges:#?}");
    let body: Value = serde_json::from_slice(&sent[0].body).unwrap();
    assert_eq!(body, json!({"SendingEnabled": false}));
    assert_eq!(
        sent[0].status, 404,
        "moto serves the call now: check the pause against it"
    );

    // moto's 404: a failure retrying will not fix, which stops the run.
    let Answer::Failed(failure) = &answer else {
        panic!("moto's 404 answered {answer:?}");
    };
    assert_eq!(failure.kind(), FailureKind::Permanent, "{failure}");
    assert!(failure.to_string().contains("404"), "{failure}");
    let error = pause.handle_answer(answer.clone()).unwrap_err();
    assert!(matches!(error, DriveError::Failed { .. }), "{error}");
    assert!(
        error
            .to_string()
            .starts_with("sesv2:PutConfigurationSetSendingOptions: failure"),
        "{error}"
    );
    assert_eq!(pause.next_operation(), Next::Failed(error.clone()));
    assert!(pause.progress().ledger().sending_enabled().is_none());

    let mut deprovision = Driver::deprovision(pause.into_progress().into_ledger());
    let delete = operation(&mut deprovision);
    deprovision
        .handle_answer(runtime.block_on(aws.call(&delete)))
        .unwrap();
    assert_eq!(deprovision.next_operation(), Next::Done);
    println!(
        "moto: pause: PUT {path} with SendingEnabled=false reached moto, which answered 404; the run stopped: {error}"
    );
}
