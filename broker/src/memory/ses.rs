//! The stand-in's SES (v2 and v1): configuration sets (with their sending switch), event
//! destinations, identities, MAIL FROM.

use std::collections::BTreeMap;

use ses_broker::aws::{Operation, Output};
use ses_broker::dns::DkimToken;
use ses_broker::instance::ConfigurationSetName;

use super::{
    ConfigurationSet, EventDestination, Fault, Identity, InMemoryAws, LOWER32, World, digest,
    encode, fault, tag_map, unmodelled,
};

impl InMemoryAws {
    /// Applies one SES operation to `world`, as the service would.
    pub(super) fn ses(&self, world: &mut World, operation: &Operation) -> Result<Output, Fault> {
        let nothing = Ok(Output::Nothing);
        match operation {
            Operation::CreateConfigurationSet(p) => {
                let name = p.configuration_set_name.to_string();
                if world.configuration_sets.contains_key(&name) {
                    return Err(fault(
                        "AlreadyExistsException",
                        400,
                        format!("Configuration set <{name}> already exists"),
                    ));
                }
                world.configuration_sets.insert(
                    name,
                    ConfigurationSet {
                        tls_policy: p.tls_policy.as_str().to_owned(),
                        reputation_metrics_enabled: p.reputation_metrics_enabled,
                        suppressed_reasons: p
                            .suppressed_reasons
                            .iter()
                            .map(|r| r.as_str().to_owned())
                            .collect(),
                        sending_enabled: p.sending_enabled,
                        tags: tag_map(&p.tags),
                        event_destinations: BTreeMap::new(),
                    },
                );
                nothing
            }
            Operation::DeleteConfigurationSet(p) => {
                world
                    .configuration_sets
                    .remove(p.configuration_set_name.as_str())
                    .ok_or_else(|| no_such_set(&p.configuration_set_name))?;
                nothing
            }
            Operation::PutConfigurationSetSendingOptions(p) => {
                world
                    .configuration_sets
                    .get_mut(p.configuration_set_name.as_str())
                    .ok_or_else(|| no_such_set(&p.configuration_set_name))?
                    .sending_enabled = p.sending_enabled;
                nothing
            }
            Operation::CreateEmailIdentity(p) => {
                let domain = p.email_identity.to_string();
                if world.identities.contains_key(&domain) {
                    return Err(fault(
                        "AlreadyExistsException",
                        400,
                        format!("Email identity {domain} already exist."),
                    ));
                }
                if !world
                    .configuration_sets
                    .contains_key(p.configuration_set_name.as_str())
                {
                    return Err(no_such_set(&p.configuration_set_name));
                }
                // SES's tokens are 32 lowercase base32 characters; these are derived from the
                // domain, so a rerun gives the same records.
                let tokens =
                    ["1", "2", "3"].map(|n| encode(&digest(&["dkim", &domain, n]), LOWER32, 32));
                let parsed = [
                    DkimToken::parse(&tokens[0]),
                    DkimToken::parse(&tokens[1]),
                    DkimToken::parse(&tokens[2]),
                ];
                let [Ok(a), Ok(b), Ok(c)] = parsed else {
                    return Err(fault("InternalFailure", 500, "token generation failed"));
                };
                world.identities.insert(
                    domain,
                    Identity {
                        dkim_tokens: tokens,
                        configuration_set: Some(p.configuration_set_name.to_string()),
                        mail_from_domain: None,
                        behavior_on_mx_failure: "UseDefaultValue".to_owned(),
                        tags: tag_map(&p.tags),
                    },
                );
                Ok(Output::EmailIdentity {
                    dkim_tokens: [a, b, c],
                    signing_hosted_zone: None,
                })
            }
            Operation::DeleteEmailIdentity(p) => {
                world
                    .identities
                    .remove(p.email_identity.as_str())
                    .ok_or_else(|| {
                        fault(
                            "NotFoundException",
                            404,
                            format!("Email identity {} does not exist.", p.email_identity),
                        )
                    })?;
                nothing
            }
            Operation::SetIdentityMailFromDomain(p) => {
                let identity = world
                    .identities
                    .get_mut(p.identity.as_str())
                    .ok_or_else(|| {
                        fault(
                            "NotFoundException",
                            404,
                            format!("Identity {} does not exist", p.identity),
                        )
                    })?;
                if let Some(mail_from) = &p.mail_from_domain
                    && !mail_from
                        .as_str()
                        .ends_with(&format!(".{}", p.identity.as_str()))
                {
                    return Err(fault(
                        "InvalidParameterValue",
                        400,
                        format!(
                            "MAIL FROM domain {mail_from} is not a subdomain of {}",
                            p.identity
                        ),
                    ));
                }
                identity.mail_from_domain = p.mail_from_domain.as_ref().map(ToString::to_string);
                identity.behavior_on_mx_failure = p.behavior_on_mx_failure.v1_name().to_owned();
                nothing
            }
            Operation::CreateConfigurationSetEventDestination(p) => {
                let topic_exists = world.topics.contains_key(p.topic_arn.as_str());
                let set = set_mut(world, p.configuration_set_name.as_str())?;
                let name = p.event_destination_name.to_string();
                if set.event_destinations.contains_key(&name) {
                    return Err(fault(
                        "EventDestinationAlreadyExists",
                        400,
                        format!("Event destination {name} already exists"),
                    ));
                }
                if !topic_exists {
                    return Err(fault(
                        "InvalidSNSDestination",
                        400,
                        format!("SNS topic <{}> does not exist", p.topic_arn),
                    ));
                }
                set.event_destinations.insert(
                    name,
                    EventDestination {
                        enabled: p.enabled,
                        matching_event_types: p
                            .matching_event_types
                            .iter()
                            .map(|t| t.v1_name().to_owned())
                            .collect(),
                        topic_arn: p.topic_arn.to_string(),
                    },
                );
                nothing
            }
            Operation::DeleteConfigurationSetEventDestination(p) => {
                let set = set_mut(world, p.configuration_set_name.as_str())?;
                set.event_destinations
                    .remove(p.event_destination_name.as_str())
                    .ok_or_else(|| {
                        fault(
                            "EventDestinationDoesNotExist",
                            400,
                            format!(
                                "Event destination {} does not exist",
                                p.event_destination_name
                            ),
                        )
                    })?;
                nothing
            }
            other => Err(unmodelled(other)),
        }
    }
}

/// SES v2's error for a configuration set that does not exist.
fn no_such_set(name: &ConfigurationSetName) -> Fault {
    fault(
        "NotFoundException",
        404,
        format!("Configuration set <{name}> does not exist"),
    )
}

/// The configuration set `name`, or SES v1's error for a set that does not exist.
fn set_mut<'w>(world: &'w mut World, name: &str) -> Result<&'w mut ConfigurationSet, Fault> {
    world.configuration_sets.get_mut(name).ok_or_else(|| {
        fault(
            "ConfigurationSetDoesNotExist",
            400,
            format!("Configuration set <{name}> does not exist"),
        )
    })
}
