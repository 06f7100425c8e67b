//! SES (v2 and v1) calls.

use ses_broker::aws::{Operation, Output};

use super::{Outcome, SdkAws, dkim_tokens, optional_domain, sesv2_tags, unknown};

impl SdkAws {
    /// Makes the one SES (v2 and v1) call `operation` names.
    pub(super) async fn ses(&self, operation: &Operation) -> Outcome {
        use aws_sdk_sesv2::types as v2;
        match operation {
            Operation::CreateConfigurationSet(p) => {
                self.sesv2
                    .create_configuration_set()
                    .configuration_set_name(p.configuration_set_name.as_str())
                    .delivery_options(
                        v2::DeliveryOptions::builder()
                            .tls_policy(v2::TlsPolicy::from(p.tls_policy.as_str()))
                            .build(),
                    )
                    .reputation_options(
                        v2::ReputationOptions::builder()
                            .reputation_metrics_enabled(p.reputation_metrics_enabled)
                            .build(),
                    )
                    .suppression_options(
                        v2::SuppressionOptions::builder()
                            .set_suppressed_reasons(Some(
                                p.suppressed_reasons
                                    .iter()
                                    .map(|r| v2::SuppressionListReason::from(r.as_str()))
                                    .collect(),
                            ))
                            .build(),
                    )
                    .sending_options(
                        v2::SendingOptions::builder()
                            .sending_enabled(p.sending_enabled)
                            .build(),
                    )
                    .set_tags(Some(sesv2_tags(&p.tags)?))
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::DeleteConfigurationSet(p) => {
                self.sesv2
                    .delete_configuration_set()
                    .configuration_set_name(p.configuration_set_name.as_str())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::PutConfigurationSetSendingOptions(p) => {
                self.sesv2
                    .put_configuration_set_sending_options()
                    .configuration_set_name(p.configuration_set_name.as_str())
                    .sending_enabled(p.sending_enabled)
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::CreateEmailIdentity(p) => {
                let out = self
                    .sesv2
                    .create_email_identity()
                    .email_identity(p.email_identity.as_str())
                    .configuration_set_name(p.configuration_set_name.as_str())
                    .set_tags(Some(sesv2_tags(&p.tags)?))
                    .send()
                    .await?;
                let dkim = out.dkim_attributes();
                let tokens =
                    match dkim_tokens(dkim.map(v2::DkimAttributes::tokens).unwrap_or_default())? {
                        Some(tokens) => tokens,
                        None => self.v1_dkim_tokens(&p.email_identity).await?,
                    };
                Ok(Output::EmailIdentity {
                    dkim_tokens: tokens,
                    signing_hosted_zone: optional_domain(
                        "SigningHostedZone",
                        dkim.and_then(v2::DkimAttributes::signing_hosted_zone),
                    )?,
                })
            }
            Operation::DeleteEmailIdentity(p) => {
                self.sesv2
                    .delete_email_identity()
                    .email_identity(p.email_identity.as_str())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::SetIdentityMailFromDomain(p) => {
                self.ses
                    .set_identity_mail_from_domain()
                    .identity(p.identity.as_str())
                    .set_mail_from_domain(p.mail_from_domain.as_ref().map(ToString::to_string))
                    .behavior_on_mx_failure(aws_sdk_ses::types::BehaviorOnMxFailure::from(
                        p.behavior_on_mx_failure.v1_name(),
                    ))
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::CreateConfigurationSetEventDestination(p) => {
                use aws_sdk_ses::types as v1;
                let destination = v1::EventDestination::builder()
                    .name(p.event_destination_name.as_str())
                    .enabled(p.enabled)
                    .set_matching_event_types(Some(
                        p.matching_event_types
                            .iter()
                            .map(|t| v1::EventType::from(t.v1_name()))
                            .collect(),
                    ))
                    .sns_destination(
                        v1::SnsDestination::builder()
                            .topic_arn(p.topic_arn.as_str())
                            .build()?,
                    )
                    .build()?;
                self.ses
                    .create_configuration_set_event_destination()
                    .configuration_set_name(p.configuration_set_name.as_str())
                    .event_destination(destination)
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::DeleteConfigurationSetEventDestination(p) => {
                self.ses
                    .delete_configuration_set_event_destination()
                    .configuration_set_name(p.configuration_set_name.as_str())
                    .event_destination_name(p.event_destination_name.as_str())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            other => Err(unknown(other)),
        }
    }
}
