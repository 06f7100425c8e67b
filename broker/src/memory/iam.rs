//! The stand-in's IAM: users, inline policies, access keys.

use std::collections::BTreeMap;

use ses_broker::aws::{Operation, Output};
use ses_broker::values::{AccessKey, AccessKeyId, SecretAccessKey};

use super::{
    BASE64, Fault, InMemoryAws, UPPER32, User, World, check_policy, digest, encode, fault, tag_map,
    unmodelled,
};

impl InMemoryAws {
    /// Applies one IAM operation to `world`, as the service would.
    pub(super) fn iam(&self, world: &mut World, operation: &Operation) -> Result<Output, Fault> {
        let nothing = Ok(Output::Nothing);
        match operation {
            Operation::CreateUser(p) => {
                let name = p.user_name.to_string();
                if world.users.contains_key(&name) {
                    return Err(fault(
                        "EntityAlreadyExists",
                        409,
                        format!("User with name {name} already exists."),
                    ));
                }
                let path = p.path.to_string();
                if !(path.starts_with('/') && path.ends_with('/')) {
                    return Err(fault(
                        "ValidationError",
                        400,
                        "Path must begin and end with /",
                    ));
                }
                world.users.insert(
                    name,
                    User {
                        path,
                        tags: tag_map(&p.tags),
                        policies: BTreeMap::new(),
                        access_keys: Vec::new(),
                    },
                );
                nothing
            }
            Operation::PutUserPolicy(p) => {
                let document = p.policy_document.to_json();
                check_policy(&document, "MalformedPolicyDocument")?;
                Self::user_mut(world, p.user_name.as_str())?
                    .policies
                    .insert(p.policy_name.to_string(), document);
                nothing
            }
            Operation::ListAccessKeys(p) => Ok(Output::AccessKeys(
                Self::user_mut(world, p.user_name.as_str())?
                    .access_keys
                    .iter()
                    .filter_map(|id| AccessKeyId::parse(id).ok())
                    .collect(),
            )),
            Operation::CreateAccessKey(p) => {
                world.serial += 1;
                let serial = world.serial.to_string();
                let user = Self::user_mut(world, p.user_name.as_str())?;
                if user.access_keys.len() >= 2 {
                    return Err(fault(
                        "LimitExceeded",
                        409,
                        "Cannot exceed quota for AccessKeysPerUser: 2",
                    ));
                }
                // IAM's long-term key ids are `AKIA` and 16 uppercase base32 characters;
                // secrets are 40 base64 characters.
                let id = format!(
                    "AKIA{}",
                    encode(
                        &digest(&["key id", p.user_name.as_str(), &serial]),
                        UPPER32,
                        16
                    )
                );
                let secret = encode(
                    &digest(&["secret", p.user_name.as_str(), &serial]),
                    BASE64,
                    40,
                );
                let key = AccessKeyId::parse(&id)
                    .and_then(|id| AccessKey::new(id, SecretAccessKey::parse(&secret)?))
                    .map_err(|e| fault("InternalFailure", 500, e.to_string()))?;
                user.access_keys.push(id);
                Ok(Output::AccessKey(key))
            }
            Operation::DeleteAccessKey(p) => {
                let user = Self::user_mut(world, p.user_name.as_str())?;
                let before = user.access_keys.len();
                user.access_keys.retain(|id| id != p.access_key_id.as_str());
                if user.access_keys.len() == before {
                    return Err(fault(
                        "NoSuchEntity",
                        404,
                        format!("The Access Key with id {} cannot be found", p.access_key_id),
                    ));
                }
                nothing
            }
            Operation::DeleteUserPolicy(p) => {
                Self::user_mut(world, p.user_name.as_str())?
                    .policies
                    .remove(p.policy_name.as_str())
                    .ok_or_else(|| {
                        fault(
                            "NoSuchEntity",
                            404,
                            format!(
                                "The user policy with name {} cannot be found.",
                                p.policy_name
                            ),
                        )
                    })?;
                nothing
            }
            Operation::DeleteUser(p) => {
                let user = Self::user_mut(world, p.user_name.as_str())?;
                if !user.policies.is_empty() || !user.access_keys.is_empty() {
                    return Err(fault(
                        "DeleteConflict",
                        409,
                        "Cannot delete entity, must delete policies and access keys first.",
                    ));
                }
                world.users.remove(p.user_name.as_str());
                nothing
            }
            other => Err(unmodelled(other)),
        }
    }
}
