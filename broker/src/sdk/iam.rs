//! IAM calls.

use ses_broker::aws::{Operation, Output};
use ses_broker::values::{AccessKey, AccessKeyId, SecretAccessKey};

use super::{Outcome, SdkAws, iam_tags, parse, unknown, unreadable};

impl SdkAws {
    /// Makes the one IAM call `operation` names.
    pub(super) async fn iam(&self, operation: &Operation) -> Outcome {
        match operation {
            Operation::CreateUser(p) => {
                self.iam
                    .create_user()
                    .user_name(p.user_name.as_str())
                    .path(p.path.as_str())
                    .set_tags(Some(iam_tags(&p.tags)?))
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::PutUserPolicy(p) => {
                self.iam
                    .put_user_policy()
                    .user_name(p.user_name.as_str())
                    .policy_name(p.policy_name.as_str())
                    .policy_document(p.policy_document.to_json())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::ListAccessKeys(p) => {
                let out = self
                    .iam
                    .list_access_keys()
                    .user_name(p.user_name.as_str())
                    .send()
                    .await?;
                Ok(Output::AccessKeys(
                    out.access_key_metadata()
                        .iter()
                        .filter_map(|k| k.access_key_id())
                        .map(|id| parse("AccessKeyId", id, AccessKeyId::parse))
                        .collect::<Result<_, _>>()?,
                ))
            }
            Operation::CreateAccessKey(p) => {
                let out = self
                    .iam
                    .create_access_key()
                    .user_name(p.user_name.as_str())
                    .send()
                    .await?;
                let key = out
                    .access_key()
                    .ok_or_else(|| unreadable("AccessKey", "absent"))?;
                let id = parse("AccessKeyId", key.access_key_id(), AccessKeyId::parse)?;
                // The secret's parse error never quotes the secret.
                let secret = SecretAccessKey::parse(key.secret_access_key())
                    .map_err(|e| unreadable("SecretAccessKey", e))?;
                Ok(Output::AccessKey(
                    AccessKey::new(id, secret).map_err(|e| unreadable("the access key", e))?,
                ))
            }
            Operation::DeleteAccessKey(p) => {
                self.iam
                    .delete_access_key()
                    .user_name(p.user_name.as_str())
                    .access_key_id(p.access_key_id.as_str())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::DeleteUserPolicy(p) => {
                self.iam
                    .delete_user_policy()
                    .user_name(p.user_name.as_str())
                    .policy_name(p.policy_name.as_str())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::DeleteUser(p) => {
                self.iam
                    .delete_user()
                    .user_name(p.user_name.as_str())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            other => Err(unknown(other)),
        }
    }
}
