//! Route 53 calls.

use ses_broker::aws::{ChangeAction, HostedZoneSummary, Operation, Output};
use ses_broker::values::{DomainName, HostedZoneId};

use super::{Fault, Outcome, SdkAws, name_servers, parse, unique_reference, unknown};

impl SdkAws {
    /// Makes the one Route 53 call `operation` names.
    pub(super) async fn route53(&self, operation: &Operation) -> Outcome {
        match operation {
            Operation::ListHostedZonesByName(p) => {
                let out = self
                    .route53
                    .list_hosted_zones_by_name()
                    .dns_name(p.dns_name.as_str())
                    .max_items(i32::from(p.max_items))
                    .send()
                    .await?;
                let zones = out
                    .hosted_zones()
                    .iter()
                    .map(|zone| {
                        Ok(HostedZoneSummary {
                            id: parse("the hosted zone Id", zone.id(), HostedZoneId::parse)?,
                            name: parse(
                                "the hosted zone Name",
                                zone.name().trim_end_matches('.'),
                                DomainName::parse,
                            )?,
                            comment: zone
                                .config()
                                .and_then(|c| c.comment())
                                .map(ToOwned::to_owned),
                        })
                    })
                    .collect::<Result<_, Fault>>()?;
                Ok(Output::HostedZones(zones))
            }
            Operation::GetHostedZone(p) => {
                let out = self
                    .route53
                    .get_hosted_zone()
                    .id(p.id.as_str())
                    .send()
                    .await?;
                hosted_zone(out.hosted_zone(), out.delegation_set())
            }
            Operation::CreateHostedZone(p) => {
                let out = self
                    .route53
                    .create_hosted_zone()
                    .name(p.name.as_str())
                    .caller_reference(unique_reference(&p.caller_reference_stem))
                    .hosted_zone_config(
                        aws_sdk_route53::types::HostedZoneConfig::builder()
                            .comment(&p.comment)
                            .private_zone(false)
                            .build(),
                    )
                    .send()
                    .await?;
                hosted_zone(out.hosted_zone(), out.delegation_set())
            }
            Operation::ChangeTagsForResource(p) => {
                self.route53
                    .change_tags_for_resource()
                    .resource_type(aws_sdk_route53::types::TagResourceType::Hostedzone)
                    .resource_id(p.resource_id.as_str())
                    .set_add_tags(Some(
                        p.add_tags
                            .iter()
                            .map(|t| {
                                aws_sdk_route53::types::Tag::builder()
                                    .key(t.key())
                                    .value(t.value())
                                    .build()
                            })
                            .collect(),
                    ))
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::ChangeResourceRecordSets(p) => {
                use aws_sdk_route53::types as r53;
                let set = &p.record_set;
                let records = set
                    .values()
                    .iter()
                    .map(|v| r53::ResourceRecord::builder().value(v).build())
                    .collect::<Result<Vec<_>, _>>()?;
                let change = r53::Change::builder()
                    .action(match p.action {
                        ChangeAction::Upsert => r53::ChangeAction::Upsert,
                        ChangeAction::Delete => r53::ChangeAction::Delete,
                        other => r53::ChangeAction::from(other.as_str()),
                    })
                    .resource_record_set(
                        r53::ResourceRecordSet::builder()
                            .name(set.name())
                            .r#type(r53::RrType::from(set.record_type()))
                            .ttl(i64::from(set.ttl()))
                            .set_resource_records(Some(records))
                            .build()?,
                    )
                    .build()?;
                self.route53
                    .change_resource_record_sets()
                    .hosted_zone_id(p.hosted_zone_id.as_str())
                    .change_batch(r53::ChangeBatch::builder().changes(change).build()?)
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            Operation::DeleteHostedZone(p) => {
                self.route53
                    .delete_hosted_zone()
                    .id(p.id.as_str())
                    .send()
                    .await?;
                Ok(Output::Nothing)
            }
            other => Err(unknown(other)),
        }
    }
}

/// `Output::HostedZone` from a zone and its delegation set (`GetHostedZone` and
/// `CreateHostedZone` answer both).
fn hosted_zone(
    zone: Option<&aws_sdk_route53::types::HostedZone>,
    delegation: Option<&aws_sdk_route53::types::DelegationSet>,
) -> Outcome {
    Ok(Output::HostedZone {
        id: parse(
            "the hosted zone Id",
            zone.map(|z| z.id()).unwrap_or_default(),
            HostedZoneId::parse,
        )?,
        name_servers: name_servers(delegation)?,
    })
}
