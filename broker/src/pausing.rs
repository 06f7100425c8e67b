//! Reputation protection in real use: `POST /sns/alarms` receives the platform topics'
//! SNS messages ([`AlarmReceiver`] verifies them and asks the core what an alarm means),
//! records a pause in the database and starts the pause operation (SES
//! `PutConfigurationSetSendingOptions`, sending off) like any other operation: stored
//! first, resumed by any broker process after a crash, retried until SES agrees.
//!
//! SNS is answered once the message is authentic and the pause recorded; the pause itself
//! runs in the background.

use std::time::SystemTime;

use serde_json::json;

use crate::alarms::{AlarmReceiver, Received, SnsHttp};
use crate::aws::Aws;
use crate::broker::Broker;
use crate::osbapi::Response;
use crate::store::{Pause, now_ms};

/// The SNS endpoint: the broker and the receiver of its platform topics.
#[derive(Debug)]
pub struct AlarmEndpoint<A, H> {
    broker: Broker<A>,
    receiver: AlarmReceiver<H>,
}

impl<A: Aws, H: SnsHttp> AlarmEndpoint<A, H> {
    /// The endpoint of `broker`, receiving with `receiver`.
    pub const fn new(broker: Broker<A>, receiver: AlarmReceiver<H>) -> Self {
        Self { broker, receiver }
    }

    /// The receiver (its platform topics, for the startup log).
    pub const fn receiver(&self) -> &AlarmReceiver<H> {
        &self.receiver
    }

    /// Answers one SNS delivery: the `x-amz-sns-message-type` header and the body, as
    /// received at `now`.
    pub async fn receive(
        &self,
        message_type: Option<&str>,
        body: &[u8],
        now: SystemTime,
    ) -> Response {
        let received = match self.receiver.receive(message_type, body, now).await {
            Ok(received) => received,
            Err(refusal) => {
                let status = refusal.status().as_u16();
                tracing::warn!(status, refusal = %refusal, "sns: message refused");
                return Response::error(status, None, refusal.to_string());
            }
        };
        match received {
            Received::Pause(order) => {
                let store = self.broker.store();
                match store.instance(&order.instance_id).await {
                    Ok(Some(_)) => {}
                    Ok(None) => {
                        tracing::warn!(
                            instance_id = %order.instance_id,
                            alarm = %order.alarm,
                            "sns: a critical alarm for an instance this broker does not have; nothing paused"
                        );
                        return Response::new(
                            200,
                            json!({"ignored": format!("instance {} is not this broker's", order.instance_id)}),
                        );
                    }
                    Err(e) => return Response::internal(e),
                }
                let pause = Pause {
                    instance_id: order.instance_id.clone(),
                    paused_at: now_ms(),
                    configuration_set: order.configuration_set.to_string(),
                    alarm: order.alarm.to_string(),
                    reason: order.reason.clone(),
                    message_id: order.message_id.clone(),
                    topic_arn: order.topic_arn.clone(),
                    applied_at: None,
                    last_error: None,
                };
                let new = match store.record_pause(&pause).await {
                    Ok(new) => new,
                    // SNS retries a 5xx: nothing is lost.
                    Err(e) => return Response::internal(e),
                };
                if new {
                    tracing::warn!(
                        instance_id = %order.instance_id,
                        configuration_set = %order.configuration_set,
                        alarm = %order.alarm,
                        reason = %order.reason,
                        message_id = %order.message_id,
                        "sns: pausing sending"
                    );
                } else {
                    tracing::info!(
                        instance_id = %order.instance_id,
                        alarm = %order.alarm,
                        message_id = %order.message_id,
                        "sns: already paused"
                    );
                }
                if let Err(e) = self.broker.apply_pauses().await {
                    // Recorded: the watcher applies it on its next look.
                    tracing::error!(error = %e, "sns: cannot start the pause now");
                }
                Response::new(
                    200,
                    json!({"paused": order.instance_id.as_str(), "new": new}),
                )
            }
            Received::Confirmed { topic_arn } => {
                tracing::info!(topic_arn = %topic_arn, "sns: subscription confirmed");
                Response::new(200, json!({"confirmed": topic_arn}))
            }
            other => {
                tracing::info!("sns: {other}");
                Response::new(200, json!({"ignored": other.to_string()}))
            }
        }
    }
}
