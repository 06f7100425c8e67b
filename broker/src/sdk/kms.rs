//! KMS calls.

use ses_broker::aws::{KmsKeyId, Operation, Output};

use super::{Outcome, SdkAws, arn, kms_tags, parse, unknown, unreadable};

impl SdkAws {
    /// Makes the one KMS call `operation` names.
    pub(super) async fn kms(&self, operation: &Operation) -> Outcome {
        match operation {
            Operation::CreateKey(p) => {
                let out = self
                    .kms
                    .create_key()
                    .description(&p.description)
                    .policy(p.policy.to_json())
                    .set_tags(Some(kms_tags(&p.tags)?))
                    .send()
                    .await?;
                let meta = out
                    .key_metadata()
                    .ok_or_else(|| unreadable("KeyMetadata", "absent"))?;
                Ok(Output::Key {
                    key_id: parse("KeyId", meta.key_id(), KmsKeyId::parse)?,
                    arn: arn("the key ARN", meta.arn())?,
                })
            }
            Operation::EnableKeyRotation(p) => {
                self.kms
                    .enable_key_rotation()
                    .key_id(p.key_id.as_str())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::CreateAlias(p) => {
                self.kms
                    .create_alias()
                    .alias_name(p.alias_name.as_str())
                    .target_key_id(p.target_key_id.as_str())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::DeleteAlias(p) => {
                self.kms
                    .delete_alias()
                    .alias_name(p.alias_name.as_str())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::ScheduleKeyDeletion(p) => {
                self.kms
                    .schedule_key_deletion()
                    .key_id(p.key_id.as_str())
                    .pending_window_in_days(i32::from(p.pending_window_in_days))
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::ListKeys(p) => {
                let out = self
                    .kms
                    .list_keys()
                    .set_marker(p.marker.clone())
                    .send()
                    .await?;
                let key_ids = out
                    .keys()
                    .iter()
                    .filter_map(|k| k.key_id())
                    .map(|id| parse("KeyId", id, KmsKeyId::parse))
                    .collect::<Result<_, _>>()?;
                Ok(Output::KeyList {
                    key_ids,
                    next_marker: if out.truncated() {
                        out.next_marker().map(ToOwned::to_owned)
                    } else {
                        None
                    },
                })
            }
            Operation::DescribeKey(p) => {
                let out = self
                    .kms
                    .describe_key()
                    .key_id(p.key_id.as_str())
                    .send()
                    .await?;
                let meta = out
                    .key_metadata()
                    .ok_or_else(|| unreadable("KeyMetadata", "absent"))?;
                Ok(Output::KeyDescription {
                    key_id: parse("KeyId", meta.key_id(), KmsKeyId::parse)?,
                    arn: arn("the key ARN", meta.arn())?,
                    description: meta.description().unwrap_or_default().to_owned(),
                    pending_deletion: matches!(
                        meta.key_state(),
                        Some(
                            aws_sdk_kms::types::KeyState::PendingDeletion
                                | aws_sdk_kms::types::KeyState::PendingReplicaDeletion
                        )
                    ),
                })
            }
            other => Err(unknown(other)),
        }
    }
}
