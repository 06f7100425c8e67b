//! What to do about an incoming alarm notification: pause, notify, or ignore (and why).

use crate::prelude::*;

use core::fmt;

use super::assessment::NotifyTarget;
use super::names::{AlarmNames, RecognisedAlarm, Severity};
use super::notification::{AlarmNotification, AlarmState};
use crate::instance::names::ConfigurationSetName;
use crate::values::excerpt;
use crate::values::{AccountId, Arn, Region};

/// The dimension names a trigger may carry the configuration set under: the one SES
/// publishes and the one the deployed broker's alarms use.
const SET_DIMENSIONS: [&str; 2] = [
    super::alarms::AlarmDefinition::CONFIGURATION_SET_DIMENSION,
    "ConfigurationSetName",
];

/// The decision on one alarm notification.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AlarmDecision {
    /// A critical alarm entered ALARM: disable sending on this configuration set (SES v2
    /// `PutConfigurationSetSendingOptions`, `SendingEnabled=false`: the AWS module's
    /// `Driver::pause_sending`). The alarm's own actions have already notified the admin
    /// email and the platform topics.
    PauseSending {
        /// The set to pause, `csb-aws-ses-<instance_id>`, recovered from the alarm name.
        configuration_set: ConfigurationSetName,
        /// The alarm, traced to its instance.
        alarm: RecognisedAlarm,
    },
    /// A warning alarm entered ALARM: nothing to pause; notify (or forward) only.
    Notify {
        /// The alarm, traced to its instance.
        alarm: RecognisedAlarm,
    },
    /// Nothing to do, for the stated reason.
    Ignore(IgnoreReason),
}

impl AlarmDecision {
    /// Whether this decision pauses sending.
    #[must_use]
    pub const fn pauses(&self) -> bool {
        matches!(self, Self::PauseSending { .. })
    }

    /// Who the alarm is for: the admin email and the platform topics for a pause or a
    /// warning, nobody for an ignored alarm.
    #[must_use]
    pub const fn notify(&self) -> &'static [NotifyTarget] {
        match self {
            Self::PauseSending { .. } | Self::Notify { .. } => {
                &[NotifyTarget::AdminEmail, NotifyTarget::PlatformTopics]
            }
            Self::Ignore(_) => &[],
        }
    }
}

impl fmt::Display for AlarmDecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::PauseSending {
                configuration_set,
                alarm,
            } => write!(
                f,
                "pause sending on configuration set {configuration_set}: {} alarm entered ALARM",
                alarm.kind()
            ),
            Self::Notify { alarm } => write!(
                f,
                "notify: {} alarm of instance {} entered ALARM",
                alarm.kind(),
                alarm.instance()
            ),
            Self::Ignore(reason) => write!(f, "ignore: {reason}"),
        }
    }
}

/// Why an alarm notification leads to nothing.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IgnoreReason {
    /// `AWSAccountId` (or the account of `AlarmArn`) is not the broker's account.
    OtherAccount {
        /// An escaped excerpt of the account given.
        account: String,
    },
    /// The region of `AlarmArn` is not the broker's region.
    OtherRegion {
        /// An escaped excerpt of the region given.
        region: String,
    },
    /// `AlarmArn` is not a CloudWatch alarm ARN, or names another alarm than `AlarmName`.
    InconsistentArn {
        /// An escaped excerpt of the ARN given.
        arn: String,
    },
    /// The alarm name is not one this crate generates (`csb-aws-ses-<id>-BounceRate-Critical`
    /// and its three siblings).
    UnknownAlarm {
        /// An escaped excerpt of the name given.
        name: String,
    },
    /// The trigger's configuration set dimension names another set than the alarm name.
    OtherConfigurationSet {
        /// An escaped excerpt of the dimension value.
        dimension: String,
    },
    /// The alarm did not enter ALARM (an OK or INSUFFICIENT_DATA transition).
    NotAlarm {
        /// The state it entered.
        state: AlarmState,
    },
}

impl fmt::Display for IgnoreReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OtherAccount { account } => {
                write!(f, "alarm is from account {account}, not the broker's")
            }
            Self::OtherRegion { region } => {
                write!(f, "alarm is from region {region}, not the broker's")
            }
            Self::InconsistentArn { arn } => {
                write!(f, "AlarmArn {arn} is not the ARN of the named alarm")
            }
            Self::UnknownAlarm { name } => {
                write!(f, "alarm {name} is not a reputation alarm of this broker")
            }
            Self::OtherConfigurationSet { dimension } => write!(
                f,
                "the alarm's configuration set dimension {dimension} does not match its name"
            ),
            Self::NotAlarm { state } => {
                write!(f, "alarm entered {state}; only entering ALARM is acted on")
            }
        }
    }
}

impl AlarmNotification {
    /// Decides what the broker must do about this alarm, for a broker running in
    /// `account` and `region`, **without knowing where the alarm came from**: nothing here
    /// checks that SNS sent it. An alarm that arrived over HTTPS goes through
    /// `sns::VerifiedMessage::decide_alarm` (the `verify` feature), which applies these
    /// same rules to a message whose signature was checked; use this only where the
    /// message's origin was established otherwise (a test, a replay of messages verified
    /// before, a transport that authenticates SNS itself).
    ///
    /// Checks, in order, each failure giving [`AlarmDecision::Ignore`] with its reason:
    /// 1. `AWSAccountId` is `account`.
    /// 2. When `AlarmArn` is present: it parses, is in `account` and `region`, and is the
    ///    ARN of `AlarmName`. (The `Region` field is a display name and is not used.)
    /// 3. `AlarmName` is one [`AlarmNames`] generates; the instance and the configuration
    ///    set come from the name.
    /// 4. If the trigger names a configuration set dimension (either shape), it is that set.
    /// 5. `NewStateValue` is `ALARM`. (An ALARM re-notification is acted on again: pausing is
    ///    idempotent.)
    ///
    /// Then a critical alarm gives [`AlarmDecision::PauseSending`] and a warning
    /// [`AlarmDecision::Notify`].
    ///
    /// The deployed broker's pause path could never fire, and each cause is avoided here:
    /// - it matched the old names `SES-BounceRate-Critical-Identity-*` after the alarms had
    ///   been renamed: names are recognised by the same code that builds them
    ///   ([`AlarmNames`]);
    /// - it accepted only bounce alarms: complaint alarms pause too;
    /// - it required exactly one `Trigger.Dimensions` entry, which metric-math alarms do
    ///   not have: the set comes from the alarm name, and dimensions of either shape are only
    ///   cross-checked when present;
    /// - it ignored `NewStateValue`, so an OK transition would have paused too: only
    ///   entering ALARM acts;
    /// - its alarms watched `BounceRate` with dimension `ConfigurationSetName`, which SES does
    ///   not publish: [`AlarmDefinition`](crate::reputation::AlarmDefinition) watches
    ///   `Reputation.BounceRate` with `ses:configuration-set`;
    /// - it answered unacceptable alarms with a 500, so SNS retried them: an ignored alarm
    ///   is a decision with a reason, which a webhook answers with a 2xx.
    ///
    /// ```
    /// use ses_broker::{values::AccountId, reputation::AlarmDecision, reputation::AlarmNotification, values::Region};
    /// let alarm = AlarmNotification::from_json(r#"{
    ///   "AlarmName": "csb-aws-ses-i1-BounceRate-Critical", "AWSAccountId": "111122223333",
    ///   "NewStateValue": "ALARM", "OldStateValue": "OK", "Trigger": {}
    /// }"#)?;
    /// let account: AccountId = "111122223333".parse()?;
    /// let region: Region = "us-gov-west-1".parse()?;
    /// let decision = alarm.decide_unverified(&account, &region);
    /// assert!(decision.pauses());
    /// assert_eq!(
    ///     decision.to_string(),
    ///     "pause sending on configuration set csb-aws-ses-i1: bounce critical alarm entered ALARM"
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[must_use]
    pub fn decide_unverified(&self, account: &AccountId, region: &Region) -> AlarmDecision {
        match self.check(account, region) {
            Ok(decision) | Err(decision) => decision,
        }
    }

    fn check(&self, account: &AccountId, region: &Region) -> Result<AlarmDecision, AlarmDecision> {
        let ignore = |reason| Err(AlarmDecision::Ignore(reason));
        if self.account_id() != account.as_str() {
            return ignore(IgnoreReason::OtherAccount {
                account: excerpt(self.account_id()),
            });
        }
        if let Some(text) = self.alarm_arn() {
            let inconsistent =
                || AlarmDecision::Ignore(IgnoreReason::InconsistentArn { arn: excerpt(text) });
            let arn = Arn::parse(text).map_err(|_| inconsistent())?;
            if arn.account() != account.as_str() {
                return ignore(IgnoreReason::OtherAccount {
                    account: excerpt(arn.account()),
                });
            }
            if arn.region() != region.as_str() {
                return ignore(IgnoreReason::OtherRegion {
                    region: excerpt(arn.region()),
                });
            }
            let names_this_alarm = arn.service() == "cloudwatch"
                && arn.resource().strip_prefix("alarm:") == Some(self.name());
            if !names_this_alarm {
                return Err(inconsistent());
            }
        }
        let Some(alarm) = AlarmNames::recognise(self.name()) else {
            return ignore(IgnoreReason::UnknownAlarm {
                name: excerpt(self.name()),
            });
        };
        let configuration_set = alarm.configuration_set();
        if let Some(other) = SET_DIMENSIONS
            .iter()
            .flat_map(|name| self.trigger().dimension_values(name))
            .find(|value| *value != configuration_set.as_str())
        {
            return ignore(IgnoreReason::OtherConfigurationSet {
                dimension: excerpt(other),
            });
        }
        if self.new_state() != AlarmState::Alarm {
            return ignore(IgnoreReason::NotAlarm {
                state: self.new_state(),
            });
        }
        Ok(match alarm.kind().severity() {
            Severity::Critical => AlarmDecision::PauseSending {
                configuration_set,
                alarm,
            },
            Severity::Warning => AlarmDecision::Notify { alarm },
        })
    }
}
