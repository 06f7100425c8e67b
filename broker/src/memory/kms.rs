//! The stand-in's KMS: keys, rotation, aliases, deletion.

use ses_broker::aws::{KmsKeyId, Operation, Output};
use ses_broker::values::Arn;

use super::{Fault, HEX, InMemoryAws, Key, World, digest, encode, fault, tag_map, unmodelled};

impl InMemoryAws {
    /// Applies one KMS operation to `world`, as the service would.
    pub(super) fn kms(&self, world: &mut World, operation: &Operation) -> Result<Output, Fault> {
        let nothing = Ok(Output::Nothing);
        match operation {
            Operation::CreateKey(p) => {
                let policy = p.policy.to_json();
                self.check_key_policy(&policy)?;
                world.serial += 1;
                let d = digest(&["key", &world.serial.to_string()]);
                let hex = encode(&d, HEX, 32);
                let id = format!(
                    "{}-{}-{}-{}-{}",
                    &hex[0..8],
                    &hex[8..12],
                    &hex[12..16],
                    &hex[16..20],
                    &hex[20..32]
                );
                let arn = self.arn("kms", &format!("key/{id}"));
                world.keys.insert(
                    id.clone(),
                    Key {
                        arn: arn.clone(),
                        description: p.description.clone(),
                        policy,
                        rotation: false,
                        state: "Enabled".to_owned(),
                        pending_window_in_days: None,
                        tags: tag_map(&p.tags),
                    },
                );
                Ok(Output::Key {
                    key_id: KmsKeyId::parse(&id)
                        .map_err(|e| fault("InternalFailure", 500, e.to_string()))?,
                    arn: Arn::parse(&arn)
                        .map_err(|e| fault("InternalFailure", 500, e.to_string()))?,
                })
            }
            Operation::EnableKeyRotation(p) => {
                let key = Self::key_mut(world, &p.key_id)?;
                if key.state != "Enabled" {
                    return Err(fault(
                        "KMSInvalidStateException",
                        400,
                        format!("{} is pending deletion.", key.arn),
                    ));
                }
                key.rotation = true;
                nothing
            }
            Operation::CreateAlias(p) => {
                let alias = p.alias_name.to_string();
                if !alias.starts_with("alias/") || alias.starts_with("alias/aws/") {
                    return Err(fault(
                        "InvalidAliasNameException",
                        400,
                        format!("{alias} is not allowed"),
                    ));
                }
                if world.aliases.contains_key(&alias) {
                    return Err(fault(
                        "AlreadyExistsException",
                        400,
                        format!("An alias with the name {alias} already exists"),
                    ));
                }
                Self::key_mut(world, &p.target_key_id)?;
                world.aliases.insert(alias, p.target_key_id.to_string());
                nothing
            }
            Operation::DeleteAlias(p) => {
                world.aliases.remove(p.alias_name.as_str()).ok_or_else(|| {
                    fault(
                        "NotFoundException",
                        400,
                        format!("Alias {} is not found.", p.alias_name),
                    )
                })?;
                nothing
            }
            Operation::ScheduleKeyDeletion(p) => {
                if !(7..=30).contains(&p.pending_window_in_days) {
                    return Err(fault(
                        "ValidationException",
                        400,
                        "PendingWindowInDays must be between 7 and 30",
                    ));
                }
                let key = Self::key_mut(world, &p.key_id)?;
                if key.state == "PendingDeletion" {
                    return Err(fault(
                        "KMSInvalidStateException",
                        400,
                        format!("{} is pending deletion.", key.arn),
                    ));
                }
                key.state = "PendingDeletion".to_owned();
                key.pending_window_in_days = Some(p.pending_window_in_days);
                nothing
            }
            Operation::ListKeys(_) => Ok(Output::KeyList {
                key_ids: world
                    .keys
                    .keys()
                    .filter_map(|id| KmsKeyId::parse(id).ok())
                    .collect(),
                next_marker: None,
            }),
            Operation::DescribeKey(p) => {
                let key = Self::key_mut(world, &p.key_id)?;
                Ok(Output::KeyDescription {
                    key_id: p.key_id.clone(),
                    arn: Arn::parse(&key.arn)
                        .map_err(|e| fault("InternalFailure", 500, e.to_string()))?,
                    description: key.description.clone(),
                    pending_deletion: key.state == "PendingDeletion",
                })
            }
            other => Err(unmodelled(other)),
        }
    }
}
