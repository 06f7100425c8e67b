//! The stand-in's Route 53: hosted zones, tags, record sets.

use ses_broker::aws::{ChangeAction, HostedZoneSummary, Operation, Output};
use ses_broker::values::{DomainName, HostedZoneId};

use super::{
    Fault, InMemoryAws, RecordSet, UPPER32, World, Zone, digest, encode, fault, tag_map, unmodelled,
};

impl InMemoryAws {
    /// Applies one Route 53 operation to `world`, as the service would.
    pub(super) fn route53(
        &self,
        world: &mut World,
        operation: &Operation,
    ) -> Result<Output, Fault> {
        let nothing = Ok(Output::Nothing);
        match operation {
            Operation::ListHostedZonesByName(p) => {
                let mut zones: Vec<(&String, &Zone)> = world
                    .zones
                    .iter()
                    .filter(|(_, z)| z.name.as_str() >= p.dns_name.as_str())
                    .collect();
                zones.sort_by(|a, b| a.1.name.cmp(&b.1.name).then(a.0.cmp(b.0)));
                Ok(Output::HostedZones(
                    zones
                        .into_iter()
                        .take(usize::from(p.max_items))
                        .filter_map(|(id, z)| {
                            Some(HostedZoneSummary {
                                id: HostedZoneId::parse(id).ok()?,
                                name: DomainName::parse(&z.name).ok()?,
                                comment: z.comment.clone(),
                            })
                        })
                        .collect(),
                ))
            }
            Operation::GetHostedZone(p) => {
                let zone = Self::zone_mut(world, &p.id)?;
                Ok(Output::HostedZone {
                    id: p.id.clone(),
                    name_servers: zone
                        .name_servers
                        .iter()
                        .filter_map(|ns| DomainName::parse(ns).ok())
                        .collect(),
                })
            }
            Operation::CreateHostedZone(p) => {
                let reference = format!("{}-{}", p.caller_reference_stem, world.serial);
                if world.caller_references.contains(&reference) {
                    return Err(fault(
                        "HostedZoneAlreadyExists",
                        409,
                        "A hosted zone has already been created with the specified caller reference.",
                    ));
                }
                world.caller_references.push(reference);
                let zone = Self::new_zone(world, p.name.as_str(), Some(&p.comment));
                let id = format!(
                    "Z{}",
                    encode(&digest(&["zone", &world.serial.to_string()]), UPPER32, 20)
                );
                let name_servers = zone
                    .name_servers
                    .iter()
                    .filter_map(|ns| DomainName::parse(ns).ok())
                    .collect();
                world.zones.insert(id.clone(), zone);
                Ok(Output::HostedZone {
                    id: HostedZoneId::parse(&id)
                        .map_err(|e| fault("InternalFailure", 500, e.to_string()))?,
                    name_servers,
                })
            }
            Operation::ChangeTagsForResource(p) => {
                let zone = Self::zone_mut(world, &p.resource_id)?;
                zone.tags.extend(tag_map(&p.add_tags));
                nothing
            }
            Operation::ChangeResourceRecordSets(p) => {
                let zone = Self::zone_mut(world, &p.hosted_zone_id)?;
                let set = &p.record_set;
                let name = set.name().to_owned();
                let kind = set.record_type().to_owned();
                if name != zone.name && !name.ends_with(&format!(".{}", zone.name)) {
                    return Err(fault(
                        "InvalidChangeBatch",
                        400,
                        format!(
                            "RRSet with DNS name {name}. is not permitted in zone {}.",
                            zone.name
                        ),
                    ));
                }
                let key = (name.clone(), kind.clone());
                let wanted = RecordSet {
                    ttl: set.ttl(),
                    values: set.values().to_vec(),
                };
                match p.action {
                    ChangeAction::Delete => match zone.records.get(&key) {
                        None => Err(fault(
                            "InvalidChangeBatch",
                            400,
                            format!(
                                "Tried to delete resource record set [name='{name}.', type='{kind}'] but it was not found"
                            ),
                        )),
                        Some(existing) if *existing != wanted => Err(fault(
                            "InvalidChangeBatch",
                            400,
                            format!(
                                "Tried to delete resource record set [name='{name}.', type='{kind}'] but the values provided do not match the current values"
                            ),
                        )),
                        Some(_) => {
                            zone.records.remove(&key);
                            nothing
                        }
                    },
                    _ => {
                        let clash = zone.records.keys().any(|(n, t)| {
                            *n == name && *t != kind && (t == "CNAME" || kind == "CNAME")
                        });
                        if clash {
                            return Err(fault(
                                "InvalidChangeBatch",
                                400,
                                format!(
                                    "RRSet of type {kind} with DNS name {name}. is not permitted as it conflicts with other records with the same DNS name"
                                ),
                            ));
                        }
                        zone.records.insert(key, wanted);
                        nothing
                    }
                }
            }
            Operation::DeleteHostedZone(p) => {
                let zone = Self::zone_mut(world, &p.id)?;
                let apex = zone.name.clone();
                if zone
                    .records
                    .keys()
                    .any(|(n, t)| !(*n == apex && (t == "NS" || t == "SOA")))
                {
                    return Err(fault(
                        "HostedZoneNotEmpty",
                        400,
                        "The specified hosted zone contains non-required resource record sets and so cannot be deleted.",
                    ));
                }
                world.zones.remove(p.id.as_str());
                nothing
            }
            other => Err(unmodelled(other)),
        }
    }
}
