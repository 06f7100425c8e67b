//! SNS calls.

use ses_broker::aws::{Operation, Output};

use super::{Outcome, SdkAws, arn, protocol, sns_tags, unknown};

impl SdkAws {
    /// Makes the one SNS call `operation` names.
    pub(super) async fn sns(&self, operation: &Operation) -> Outcome {
        match operation {
            Operation::CreateTopic(p) => {
                let out = self
                    .sns
                    .create_topic()
                    .name(p.name.as_str())
                    .attributes("KmsMasterKeyId", p.kms_master_key_id.as_str())
                    .set_tags(Some(sns_tags(&p.tags)?))
                    .send()
                    .await?;
                Ok(Output::Topic {
                    arn: arn("TopicArn", out.topic_arn())?,
                })
            }
            Operation::SetTopicAttributes(p) => {
                self.sns
                    .set_topic_attributes()
                    .topic_arn(p.topic_arn.as_str())
                    .attribute_name(p.attribute_name())
                    .attribute_value(p.attribute_value())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::DeleteTopic(p) => {
                self.sns
                    .delete_topic()
                    .topic_arn(p.topic_arn.as_str())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::Subscribe(p) => {
                let out = self
                    .sns
                    .subscribe()
                    .topic_arn(p.topic_arn.as_str())
                    .protocol(protocol(p.protocol)?)
                    .endpoint(&p.endpoint)
                    .return_subscription_arn(p.return_subscription_arn)
                    .send()
                    .await?;
                Ok(Output::Subscription {
                    arn: arn("SubscriptionArn", out.subscription_arn())?,
                })
            }
            Operation::Unsubscribe(p) => {
                self.sns
                    .unsubscribe()
                    .subscription_arn(p.subscription_arn.as_str())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            other => Err(unknown(other)),
        }
    }
}
