//! ses-broker
#![forbid(unsafe_code)]

mod dns;
mod values;

pub use values::{
    BindingId, DomainName, EmailAddress, InstanceId, MailFromSubdomain, Partition, Region,
    SourceIp, ValueError, ValueKind, WebhookUrl,
};

pub use dns::{
    BrokerManagedRecords, CISA_AGGREGATE_ADDRESS, ChangeBatch, CheckReport, Conflict, DkimSigning,
    DkimToken, DmarcError, DmarcPolicy, DmarcRecipients, DmarcRecord, DmarcUri, DnsError,
    MAX_CHARACTER_STRING, MxData, ObservedRecord, OwnerName, RecordChange, RecordCheck, RecordData,
    RecordDiff, RecordFormat, RecordKey, RecordSet, RecordStatus, RecordType, RequiredRecords,
    ResourceRecord, ResourceRecordSet, Route53Change, SPF_LOOKUP_LIMIT, SpfError, SpfLookups,
    SpfMerge, SpfRecord, SpfTerm, SpfTermKind, Ttl, TxtData, check, default_signing_zone,
    required_records, route53_change_batch, zone_file_fragment,
};
