//! The stand-in's SNS: topics, policies, subscriptions.

use ses_broker::aws::{Operation, Output};
use ses_broker::binding::Protocol;
use ses_broker::values::Arn;

use super::{
    Fault, HEX, InMemoryAws, Subscription, Topic, World, check_policy, digest, encode, fault,
    tag_map, unmodelled,
};

impl InMemoryAws {
    /// Applies one SNS operation to `world`, as the service would.
    pub(super) fn sns(&self, world: &mut World, operation: &Operation) -> Result<Output, Fault> {
        let nothing = Ok(Output::Nothing);
        match operation {
            Operation::CreateTopic(p) => {
                let arn = self.arn("sns", p.name.as_str());
                if let Some(existing) = world.topics.get(&arn) {
                    if existing.kms_master_key_id != p.kms_master_key_id.as_str() {
                        return Err(fault(
                            "InvalidParameter",
                            400,
                            "Invalid parameter: Attributes Reason: Topic already exists with different attributes",
                        ));
                    }
                } else {
                    world.topics.insert(
                        arn.clone(),
                        Topic {
                            kms_master_key_id: p.kms_master_key_id.to_string(),
                            policy: None,
                            tags: tag_map(&p.tags),
                        },
                    );
                }
                Ok(Output::Topic {
                    arn: Arn::parse(&arn)
                        .map_err(|e| fault("InternalFailure", 500, e.to_string()))?,
                })
            }
            Operation::SetTopicAttributes(p) => {
                let value = p.attribute_value();
                check_policy(&value, "InvalidParameter")?;
                let topic = world.topics.get_mut(p.topic_arn.as_str()).ok_or_else(|| {
                    fault(
                        "NotFound",
                        404,
                        format!("Topic {} does not exist", p.topic_arn),
                    )
                })?;
                topic.policy = Some(value);
                nothing
            }
            Operation::DeleteTopic(p) => {
                // SNS deletes a topic's subscriptions with it, and answers success for a
                // topic that is not there.
                world.topics.remove(p.topic_arn.as_str());
                world
                    .subscriptions
                    .retain(|_, s| s.topic_arn != p.topic_arn.as_str());
                nothing
            }
            Operation::Subscribe(p) => {
                if !world.topics.contains_key(p.topic_arn.as_str()) {
                    return Err(fault(
                        "NotFound",
                        404,
                        format!("Topic {} does not exist", p.topic_arn),
                    ));
                }
                let protocol = match p.protocol {
                    Protocol::Email if p.endpoint.contains('@') => "email",
                    Protocol::Https if p.endpoint.starts_with("https://") => "https",
                    _ => {
                        return Err(fault(
                            "InvalidParameter",
                            400,
                            "Invalid parameter: Endpoint does not match the protocol",
                        ));
                    }
                };
                // Subscribing the same endpoint again answers the same subscription.
                let id = encode(
                    &digest(&["subscription", p.topic_arn.as_str(), protocol, &p.endpoint]),
                    HEX,
                    32,
                );
                let arn = format!(
                    "{}:{}-{}-{}-{}-{}",
                    p.topic_arn,
                    &id[0..8],
                    &id[8..12],
                    &id[12..16],
                    &id[16..20],
                    &id[20..32]
                );
                world.subscriptions.insert(
                    arn.clone(),
                    Subscription {
                        topic_arn: p.topic_arn.to_string(),
                        protocol: protocol.to_owned(),
                        endpoint: p.endpoint.clone(),
                    },
                );
                Ok(Output::Subscription {
                    arn: Arn::parse(&arn)
                        .map_err(|e| fault("InternalFailure", 500, e.to_string()))?,
                })
            }
            Operation::Unsubscribe(p) => {
                world
                    .subscriptions
                    .remove(p.subscription_arn.as_str())
                    .ok_or_else(|| fault("NotFound", 404, "Subscription does not exist"))?;
                nothing
            }
            other => Err(unmodelled(other)),
        }
    }
}
