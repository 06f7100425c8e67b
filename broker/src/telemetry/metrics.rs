//! The broker's Prometheus metrics, through `prometheus-client` (the Prometheus project's
//! own Rust client), which encodes the OpenMetrics and the Prometheus 0.0.4 text formats.
//!
//! Every label value comes from a closed set (route templates, method names, the enums
//! below, the core's operation names), so the number of time series stays bounded whatever
//! ids the platform sends.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::Method;
use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue, LabelValueEncoder};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};
use ses_broker::aws::{Answer, FailureKind, Lifecycle, Operation};

use super::route::{method_label, route_of};
use crate::aws::Aws;

/// The `Content-Type` of the OpenMetrics 1.0 text format, which Prometheus asks for first.
pub const OPENMETRICS_CONTENT_TYPE: &str =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The `Content-Type` of the Prometheus text format 0.0.4, for scrapers that do not ask for
/// OpenMetrics.
pub const PROMETHEUS_CONTENT_TYPE: &str =
    prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// What a scrape gets: the body and the `Content-Type` that names its format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposition {
    /// [`OPENMETRICS_CONTENT_TYPE`] or [`PROMETHEUS_CONTENT_TYPE`].
    pub content_type: &'static str,
    /// The metrics in that format.
    pub body: String,
}

/// The kind of a broker operation: a lifecycle step the core drives, or a pause and its
/// lifting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OperationKind {
    /// A step of the core's: provision, update, deprovision, bind, unbind (and its pause
    /// steps, labelled as [`Self::Pause`] and [`Self::Resume`] are).
    Lifecycle(Lifecycle),
    /// Pause sending on an instance (reputation protection).
    Pause,
    /// Lift a pause.
    Resume,
}

impl OperationKind {
    /// The label value: the lifecycle step's name (`provision`, `update`, `deprovision`,
    /// `bind`, `unbind`), `pause` or `resume`. The core's `PauseSending` and
    /// `EnableSending` steps are `pause` and `resume` too, so each kind has one label
    /// however the caller names it.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Lifecycle(Lifecycle::PauseSending) | Self::Pause => "pause",
            Self::Lifecycle(Lifecycle::EnableSending) | Self::Resume => "resume",
            Self::Lifecycle(step) => step.as_str(),
        }
    }
}

impl OperationKind {
    /// One value per label: the core's pause steps as [`Self::Pause`] and [`Self::Resume`].
    /// Metrics are keyed by the value, so two values with one label would expose the same
    /// series twice.
    const fn canonical(self) -> Self {
        match self {
            Self::Lifecycle(Lifecycle::PauseSending) => Self::Pause,
            Self::Lifecycle(Lifecycle::EnableSending) => Self::Resume,
            other => other,
        }
    }
}

impl From<Lifecycle> for OperationKind {
    fn from(step: Lifecycle) -> Self {
        Self::Lifecycle(step).canonical()
    }
}

/// How a broker operation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OperationOutcome {
    /// It did what it was asked.
    Succeeded,
    /// It failed and left what it had made in place (or had made nothing).
    Failed,
    /// It failed and undid what it had made.
    RolledBack,
}

impl OperationOutcome {
    /// The label value: `succeeded`, `failed`, `rolled_back`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::RolledBack => "rolled_back",
        }
    }
}

/// How one AWS call went, from the [`Answer`] the adapter gave the core.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AwsOutcome {
    /// The call succeeded.
    Succeeded,
    /// A create found its resource there already.
    AlreadyExists,
    /// The resource the call names is not there.
    NotFound,
    /// AWS throttled the call.
    Throttled,
    /// A failure that may pass (5xx, timeout, dropped connection).
    Transient,
    /// A failure retrying will not fix.
    Permanent,
}

impl AwsOutcome {
    /// The outcome an answer reports.
    #[must_use]
    pub fn of(answer: &Answer) -> Self {
        match answer {
            Answer::AlreadyExists(_) => Self::AlreadyExists,
            Answer::NotFound => Self::NotFound,
            Answer::Failed(failure) => match failure.kind() {
                FailureKind::Throttling => Self::Throttled,
                FailureKind::Transient => Self::Transient,
                // A kind the core adds later is counted as the one that stops the driver,
                // the conservative reading for an operator's dashboard.
                _ => Self::Permanent,
            },
            // `Done` and any answer the core adds later: the call went through.
            _ => Self::Succeeded,
        }
    }

    /// The label value: `succeeded`, `already_exists`, `not_found`, `throttled`,
    /// `transient`, `permanent`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Succeeded => "succeeded",
            Self::AlreadyExists => "already_exists",
            Self::NotFound => "not_found",
            Self::Throttled => "throttled",
            Self::Transient => "transient",
            Self::Permanent => "permanent",
        }
    }
}

/// Lets each enum be a label value through its `as_str`.
macro_rules! label_value_via_as_str {
    ($($t:ty),*) => {$(
        impl EncodeLabelValue for $t {
            fn encode(&self, encoder: &mut LabelValueEncoder<'_>) -> Result<(), std::fmt::Error> {
                encoder.write_str(self.as_str())
            }
        }
    )*};
}
label_value_via_as_str!(OperationKind, OperationOutcome, AwsOutcome);

/// `service:Operation` (`sesv2:CreateEmailIdentity`), kept as its two static halves so that
/// counting a call allocates nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct AwsOperationName {
    service: &'static str,
    name: &'static str,
}

impl AwsOperationName {
    fn of(operation: &Operation) -> Self {
        Self {
            service: operation.service().as_str(),
            name: operation.name(),
        }
    }
}

impl EncodeLabelValue for AwsOperationName {
    fn encode(&self, encoder: &mut LabelValueEncoder<'_>) -> Result<(), std::fmt::Error> {
        write!(encoder, "{}:{}", self.service, self.name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: &'static str,
    status: u16,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RouteLabels {
    method: &'static str,
    route: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct OperationLabels {
    kind: OperationKind,
    outcome: OperationOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct AwsCallLabels {
    operation: AwsOperationName,
    outcome: AwsOutcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct AwsOperationLabels {
    operation: AwsOperationName,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct StateLabels {
    state: String,
}

type Histograms<L> = Family<L, Histogram, fn() -> Histogram>;

/// Latency buckets in seconds, 5 ms to about 41 s doubling: a catalog read takes
/// milliseconds, one AWS call tens to hundreds, a synchronous provision tens of seconds.
fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.005, 2.0, 14))
}

#[derive(Debug)]
struct Families {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    request_seconds: Histograms<RouteLabels>,
    operations: Family<OperationLabels, Counter>,
    aws_calls: Family<AwsCallLabels, Counter>,
    aws_call_seconds: Histograms<AwsOperationLabels>,
    instances: Family<StateLabels, Gauge>,
    bindings: Family<StateLabels, Gauge>,
}

/// The broker's metrics: one registry, shared by every clone (a clone is a reference count).
///
/// | family | type | labels |
/// |---|---|---|
/// | `ses_broker_http_requests_total` | counter | `method`, `route`, `status` |
/// | `ses_broker_http_request_duration_seconds` | histogram | `method`, `route` |
/// | `ses_broker_operations_total` | counter | `kind`, `outcome` |
/// | `ses_broker_aws_calls_total` | counter | `operation`, `outcome` |
/// | `ses_broker_aws_call_duration_seconds` | histogram | `operation` |
/// | `ses_broker_instances` | gauge | `state` |
/// | `ses_broker_bindings` | gauge | `state` |
#[derive(Debug, Clone)]
pub struct Metrics {
    families: Arc<Families>,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Every family registered, with no sample yet.
    #[must_use]
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("ses_broker");
        let requests = Family::default();
        let request_seconds = Histograms::new_with_constructor(latency_histogram as fn() -> _);
        let operations = Family::default();
        let aws_calls = Family::default();
        let aws_call_seconds = Histograms::new_with_constructor(latency_histogram as fn() -> _);
        let instances = Family::default();
        let bindings = Family::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            requests.clone(),
        );
        registry.register_with_unit(
            "http_request_duration",
            "Time from a request's arrival to its response, by method and route template",
            Unit::Seconds,
            request_seconds.clone(),
        );
        registry.register(
            "operations",
            "Broker operations finished, by kind and outcome",
            operations.clone(),
        );
        registry.register(
            "aws_calls",
            "AWS API calls made, by service:Operation and outcome",
            aws_calls.clone(),
        );
        registry.register_with_unit(
            "aws_call_duration",
            "Time each AWS API call took, by service:Operation",
            Unit::Seconds,
            aws_call_seconds.clone(),
        );
        registry.register(
            "instances",
            "Service instances in the store, by state",
            instances.clone(),
        );
        registry.register(
            "bindings",
            "Service bindings in the store, by state",
            bindings.clone(),
        );
        Self {
            families: Arc::new(Families {
                registry,
                requests,
                request_seconds,
                operations,
                aws_calls,
                aws_call_seconds,
                instances,
                bindings,
            }),
        }
    }

    /// Counts one answered request and its latency. `path` is the raw request path: it is
    /// reduced to its route template ([`route_of`]) here, so no id becomes a label.
    pub fn record_request(&self, method: &Method, path: &str, status: u16, elapsed: Duration) {
        let families = &self.families;
        let method = method_label(method);
        let route = route_of(path);
        families
            .requests
            .get_or_create(&RequestLabels {
                method,
                route,
                status,
            })
            .inc();
        families
            .request_seconds
            .get_or_create(&RouteLabels { method, route })
            .observe(elapsed.as_secs_f64());
    }

    /// Counts one finished operation (labelled by [`OperationKind::as_str`]).
    pub fn record_operation(&self, kind: OperationKind, outcome: OperationOutcome) {
        self.families
            .operations
            .get_or_create(&OperationLabels {
                kind: kind.canonical(),
                outcome,
            })
            .inc();
    }

    /// Counts one AWS call, the outcome its answer reports, and its latency.
    pub fn record_aws_call(&self, operation: &Operation, answer: &Answer, elapsed: Duration) {
        let families = &self.families;
        let operation = AwsOperationName::of(operation);
        families
            .aws_calls
            .get_or_create(&AwsCallLabels {
                operation,
                outcome: AwsOutcome::of(answer),
            })
            .inc();
        families
            .aws_call_seconds
            .get_or_create(&AwsOperationLabels { operation })
            .observe(elapsed.as_secs_f64());
    }

    /// Sets how many instances are in `state`. `state` must come from a closed set (the
    /// store's state names); set every state on each refresh, zero included, so that a state
    /// that emptied does not keep its last count.
    pub fn set_instances(&self, state: &str, count: i64) {
        set_state(&self.families.instances, state, count);
    }

    /// Sets how many bindings are in `state`, as [`Self::set_instances`] does for instances.
    pub fn set_bindings(&self, state: &str, count: i64) {
        set_state(&self.families.bindings, state, count);
    }

    /// The metrics in the format the scraper's `Accept` header asks for: OpenMetrics when it
    /// lists `application/openmetrics-text` (as Prometheus does), else the Prometheus 0.0.4
    /// text format, which every scraper reads.
    ///
    /// # Errors
    /// Only if `prometheus-client` fails to encode, which writing into a `String` does not.
    pub fn render(&self, accept: Option<&str>) -> Result<Exposition, std::fmt::Error> {
        let registry = &self.families.registry;
        let mut body = String::new();
        let content_type = if accept.is_some_and(accepts_openmetrics) {
            prometheus_client::encoding::text::encode(&mut body, registry)?;
            OPENMETRICS_CONTENT_TYPE
        } else {
            prometheus_client::encoding::prometheus_text::encode(&mut body, registry)?;
            PROMETHEUS_CONTENT_TYPE
        };
        Ok(Exposition { content_type, body })
    }
}

fn set_state(family: &Family<StateLabels, Gauge>, state: &str, count: i64) {
    family
        .get_or_create(&StateLabels {
            state: state.to_owned(),
        })
        .set(count);
}

/// Whether an `Accept` header lists OpenMetrics with a non-zero quality. Hand-written: the
/// one media type to find needs no content-negotiation crate.
fn accepts_openmetrics(accept: &str) -> bool {
    accept.split(',').any(|range| {
        let mut parts = range.split(';').map(str::trim);
        let media_type = parts.next().unwrap_or_default();
        let refused = parts.any(|parameter| {
            parameter
                .strip_prefix("q=")
                .and_then(|q| q.parse::<f64>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        media_type.eq_ignore_ascii_case("application/openmetrics-text") && !refused
    })
}

/// An [`Aws`] that counts and times every call of the one it wraps in [`Metrics`]; wrap the
/// adapter once at startup and every AWS call is measured.
#[derive(Debug, Clone)]
pub struct MeteredAws<A> {
    inner: A,
    metrics: Metrics,
}

impl<A: Aws> MeteredAws<A> {
    /// `inner`, its calls recorded in `metrics`.
    pub const fn new(inner: A, metrics: Metrics) -> Self {
        Self { inner, metrics }
    }

    /// The wrapped adapter (for its own methods: a stand-in's world, the SDK's identity).
    pub const fn inner(&self) -> &A {
        &self.inner
    }
}

impl<A: Aws> Aws for MeteredAws<A> {
    async fn call(&self, operation: &Operation) -> Answer {
        let started = Instant::now();
        let answer = self.inner.call(operation).await;
        self.metrics
            .record_aws_call(operation, &answer, started.elapsed());
        answer
    }

    fn describe(&self) -> String {
        self.inner.describe()
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::indexing_slicing,
        clippy::panic,
        reason = "a failed assertion is how a test reports"
    )]
    use openmetrics_parser::{
        MetricFamily, OpenMetricsType, OpenMetricsValue, PrometheusType, PrometheusValue,
        RenderableMetricValue,
    };
    use ses_broker::aws::Output;

    use super::*;

    /// The `Accept` header Prometheus 3 sends when it scrapes.
    const PROMETHEUS_ACCEPT: &str = "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,application/openmetrics-text;version=0.0.1;q=0.5,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,text/plain;version=0.0.4;q=0.3,*/*;q=0.2";

    fn operation(name: &str) -> Operation {
        let parameters = match name {
            "ListKeys" => serde_json::json!({"marker": null}),
            _ => serde_json::json!({"key_id": "1234abcd-12ab-34cd-56ef-1234567890ab"}),
        };
        serde_json::from_value(serde_json::json!({"operation": name, "parameters": parameters}))
            .unwrap()
    }

    /// One sample in every family, two in some, values known.
    fn metrics_with_samples() -> Metrics {
        let metrics = Metrics::new();
        let ms = Duration::from_millis;
        metrics.record_request(&Method::GET, "/v2/catalog", 200, ms(3));
        metrics.record_request(&Method::GET, "/v2/catalog", 200, ms(4));
        metrics.record_request(&Method::PUT, "/v2/service_instances/abc", 202, ms(12));
        metrics.record_operation(Lifecycle::Provision.into(), OperationOutcome::Succeeded);
        metrics.record_operation(Lifecycle::Unbind.into(), OperationOutcome::RolledBack);
        metrics.record_aws_call(&operation("ListKeys"), &Answer::done(), ms(80));
        metrics.record_aws_call(
            &operation("DescribeKey"),
            &Answer::failed(FailureKind::Throttling, "ThrottlingException", "slow down"),
            ms(2),
        );
        metrics.set_instances("succeeded", 7);
        metrics.set_instances("in progress", 1);
        metrics.set_bindings("succeeded", 3);
        metrics
    }

    /// The `# UNIT` lines of the two histograms, each there once the histogram has a sample
    /// (OpenMetrics 1.0 allows a unit on any family but info and stateset).
    const UNIT_LINES: [&str; 2] = [
        "# UNIT ses_broker_http_request_duration_seconds seconds",
        "# UNIT ses_broker_aws_call_duration_seconds seconds",
    ];

    /// Parses an OpenMetrics exposition strictly. `openmetrics-parser` refuses a `# UNIT` on
    /// a histogram, which the specification allows (it names only info and stateset as
    /// unitless), so the unit lines are checked here and taken out before it parses the rest.
    fn parse_openmetrics(
        body: &str,
    ) -> openmetrics_parser::MetricsExposition<OpenMetricsType, OpenMetricsValue> {
        let units: Vec<&str> = body.lines().filter(|l| l.starts_with("# UNIT ")).collect();
        assert!(units.iter().all(|u| UNIT_LINES.contains(u)), "{body}");
        let without_units: String = body
            .lines()
            .filter(|l| !l.starts_with("# UNIT "))
            .flat_map(|l| [l, "\n"])
            .collect();
        openmetrics_parser::openmetrics::parse_openmetrics(&without_units)
            .unwrap_or_else(|e| panic!("{e:?} in\n{body}"))
    }

    fn label_names<T: Clone, V: RenderableMetricValue + Clone>(
        family: &MetricFamily<T, V>,
    ) -> Vec<&str> {
        family
            .get_label_names()
            .iter()
            .map(String::as_str)
            .collect()
    }

    #[test]
    fn openmetrics_exposition_parses_with_every_family_and_its_labels() {
        let exposition = metrics_with_samples()
            .render(Some(PROMETHEUS_ACCEPT))
            .unwrap();
        assert_eq!(exposition.content_type, OPENMETRICS_CONTENT_TYPE);
        for unit in UNIT_LINES {
            assert!(exposition.body.lines().any(|l| l == unit), "{unit}");
        }
        let parsed = parse_openmetrics(&exposition.body);
        let family = |name: &str| {
            parsed
                .families
                .get(name)
                .unwrap_or_else(|| panic!("no family {name} in\n{}", exposition.body))
        };
        let counter = |family: &MetricFamily<OpenMetricsType, OpenMetricsValue>,
                       labels: &[&str]| {
            let sample = family
                .get_sample_by_label_values(
                    &labels.iter().map(ToString::to_string).collect::<Vec<_>>(),
                )
                .unwrap_or_else(|| panic!("no {labels:?} in {}", family.family_name));
            match &sample.value {
                OpenMetricsValue::Counter(c) => c.value.as_f64(),
                OpenMetricsValue::Gauge(g) => g.as_f64(),
                other => panic!("{other:?}"),
            }
        };

        let requests = family("ses_broker_http_requests");
        assert_eq!(requests.family_type, OpenMetricsType::Counter);
        assert_eq!(label_names(requests), ["method", "route", "status"]);
        assert_eq!(counter(requests, &["GET", "/v2/catalog", "200"]), 2.0);
        assert_eq!(
            counter(
                requests,
                &["PUT", "/v2/service_instances/:instance_id", "202"]
            ),
            1.0
        );

        let latency = family("ses_broker_http_request_duration_seconds");
        assert_eq!(latency.family_type, OpenMetricsType::Histogram);
        assert_eq!(label_names(latency), ["method", "route"]);
        let catalog = latency
            .get_sample_by_label_values(&["GET".to_owned(), "/v2/catalog".to_owned()])
            .unwrap();
        match &catalog.value {
            OpenMetricsValue::Histogram(h) => {
                assert_eq!(h.count, Some(2));
                assert!((h.sum.as_ref().unwrap().as_f64() - 0.007).abs() < 1e-9);
                // 3 ms and 4 ms both fall in the first bucket, 5 ms.
                assert_eq!(h.buckets[0].count.as_f64(), 2.0);
            }
            other => panic!("{other:?}"),
        }

        let operations = family("ses_broker_operations");
        assert_eq!(label_names(operations), ["kind", "outcome"]);
        assert_eq!(counter(operations, &["provision", "succeeded"]), 1.0);
        assert_eq!(counter(operations, &["unbind", "rolled_back"]), 1.0);

        let aws = family("ses_broker_aws_calls");
        assert_eq!(label_names(aws), ["operation", "outcome"]);
        assert_eq!(counter(aws, &["kms:ListKeys", "succeeded"]), 1.0);
        assert_eq!(counter(aws, &["kms:DescribeKey", "throttled"]), 1.0);
        let aws_latency = family("ses_broker_aws_call_duration_seconds");
        assert_eq!(aws_latency.family_type, OpenMetricsType::Histogram);
        assert_eq!(label_names(aws_latency), ["operation"]);
        assert_eq!(aws_latency.iter_samples().count(), 2);

        let instances = family("ses_broker_instances");
        assert_eq!(instances.family_type, OpenMetricsType::Gauge);
        assert_eq!(label_names(instances), ["state"]);
        assert_eq!(counter(instances, &["succeeded"]), 7.0);
        assert_eq!(counter(instances, &["in progress"]), 1.0);
        assert_eq!(counter(family("ses_broker_bindings"), &["succeeded"]), 3.0);
        assert_eq!(parsed.families.len(), 7);
    }

    #[test]
    fn prometheus_text_exposition_parses_with_every_family() {
        let exposition = metrics_with_samples().render(None).unwrap();
        assert_eq!(exposition.content_type, PROMETHEUS_CONTENT_TYPE);
        let parsed = openmetrics_parser::prometheus::parse_prometheus(&exposition.body)
            .unwrap_or_else(|e| panic!("{e:?} in\n{}", exposition.body));
        for (name, kind) in [
            ("ses_broker_http_requests_total", PrometheusType::Counter),
            (
                "ses_broker_http_request_duration_seconds",
                PrometheusType::Histogram,
            ),
            ("ses_broker_operations_total", PrometheusType::Counter),
            ("ses_broker_aws_calls_total", PrometheusType::Counter),
            (
                "ses_broker_aws_call_duration_seconds",
                PrometheusType::Histogram,
            ),
            ("ses_broker_instances", PrometheusType::Gauge),
            ("ses_broker_bindings", PrometheusType::Gauge),
        ] {
            let family = parsed
                .families
                .get(name)
                .unwrap_or_else(|| panic!("no family {name} in\n{}", exposition.body));
            assert_eq!(family.family_type, kind, "{name}");
            assert!(family.iter_samples().count() > 0, "{name}");
        }
        let requests = &parsed.families["ses_broker_http_requests_total"];
        let sample = requests
            .get_sample_by_label_values(&[
                "GET".to_owned(),
                "/v2/catalog".to_owned(),
                "200".to_owned(),
            ])
            .unwrap();
        assert!(matches!(&sample.value, PrometheusValue::Counter(c) if c.value.as_f64() == 2.0));
    }

    /// A label value that needs escaping (a store state with a quote, a backslash, a line
    /// break) still gives a valid exposition.
    #[test]
    fn awkward_state_names_are_escaped() {
        let metrics = Metrics::new();
        metrics.set_instances("odd \"state\"\\\nname", 2);
        let exposition = metrics
            .render(Some("application/openmetrics-text"))
            .unwrap();
        let parsed = parse_openmetrics(&exposition.body);
        let instances = &parsed.families["ses_broker_instances"];
        assert!(
            instances
                .get_sample_by_label_values(&["odd \"state\"\\\nname".to_owned()])
                .is_some()
        );
    }

    #[test]
    fn a_state_set_again_replaces_its_count() {
        let metrics = Metrics::new();
        metrics.set_bindings("succeeded", 5);
        metrics.set_bindings("succeeded", 0);
        let body = metrics.render(None).unwrap().body;
        let parsed = openmetrics_parser::prometheus::parse_prometheus(&body).unwrap();
        let sample = parsed.families["ses_broker_bindings"]
            .get_sample_by_label_values(&["succeeded".to_owned()])
            .unwrap();
        assert!(matches!(sample.value, PrometheusValue::Gauge(ref n) if n.as_f64() == 0.0));
    }

    #[test]
    fn openmetrics_only_when_the_scraper_asks_for_it() {
        assert!(accepts_openmetrics(PROMETHEUS_ACCEPT));
        assert!(accepts_openmetrics(
            "Application/OpenMetrics-Text; version=1.0.0"
        ));
        assert!(!accepts_openmetrics("text/plain; version=0.0.4"));
        assert!(!accepts_openmetrics("*/*"));
        assert!(!accepts_openmetrics("application/openmetrics-text;q=0"));
        assert!(!accepts_openmetrics("application/openmetrics-text-ish"));
    }

    /// The core's pause steps and the broker's own pause kinds are one label each, so a
    /// dashboard never splits pauses across two series.
    #[test]
    fn a_pause_has_one_label_however_it_is_named() {
        assert_eq!(
            OperationKind::from(Lifecycle::PauseSending).as_str(),
            "pause"
        );
        assert_eq!(OperationKind::Pause.as_str(), "pause");
        assert_eq!(
            OperationKind::from(Lifecycle::EnableSending).as_str(),
            "resume"
        );
        assert_eq!(OperationKind::Resume.as_str(), "resume");
        assert_eq!(OperationKind::from(Lifecycle::Bind).as_str(), "bind");
        let metrics = Metrics::new();
        metrics.record_operation(Lifecycle::PauseSending.into(), OperationOutcome::Succeeded);
        metrics.record_operation(OperationKind::Pause, OperationOutcome::Succeeded);
        metrics.record_operation(
            OperationKind::Lifecycle(Lifecycle::PauseSending),
            OperationOutcome::Succeeded,
        );
        let body = metrics.render(None).unwrap().body;
        assert!(
            body.lines()
                .any(|l| l == r#"ses_broker_operations_total{kind="pause",outcome="succeeded"} 3"#),
            "{body}"
        );
        assert_eq!(body.matches("kind=\"pause\"").count(), 1, "{body}");
    }

    #[test]
    fn each_answer_has_its_outcome() {
        let failed = |kind| Answer::failed(kind, "Code", "message");
        assert_eq!(AwsOutcome::of(&Answer::done()), AwsOutcome::Succeeded);
        assert_eq!(
            AwsOutcome::of(&Answer::Done(Output::Nothing)),
            AwsOutcome::Succeeded
        );
        assert_eq!(AwsOutcome::of(&Answer::NotFound), AwsOutcome::NotFound);
        assert_eq!(
            AwsOutcome::of(&failed(FailureKind::Throttling)),
            AwsOutcome::Throttled
        );
        assert_eq!(
            AwsOutcome::of(&failed(FailureKind::Transient)),
            AwsOutcome::Transient
        );
        assert_eq!(
            AwsOutcome::of(&failed(FailureKind::Permanent)),
            AwsOutcome::Permanent
        );
    }

    /// Answers every call with what it was given, after a pause.
    struct Scripted(Answer);

    impl Aws for Scripted {
        async fn call(&self, _operation: &Operation) -> Answer {
            tokio::time::sleep(Duration::from_millis(20)).await;
            self.0.clone()
        }

        fn describe(&self) -> String {
            "scripted".to_owned()
        }
    }

    #[tokio::test]
    async fn metered_aws_counts_and_times_each_call_and_passes_the_answer_through() {
        let metrics = Metrics::new();
        let aws = MeteredAws::new(Scripted(Answer::NotFound), metrics.clone());
        assert_eq!(aws.describe(), "scripted");
        for _ in 0..3 {
            assert_eq!(aws.call(&operation("ListKeys")).await, Answer::NotFound);
        }
        let body = metrics
            .render(Some("application/openmetrics-text"))
            .unwrap()
            .body;
        let parsed = parse_openmetrics(&body);
        let calls = parsed.families["ses_broker_aws_calls"]
            .get_sample_by_label_values(&["kms:ListKeys".to_owned(), "not_found".to_owned()])
            .unwrap();
        assert!(matches!(&calls.value, OpenMetricsValue::Counter(c) if c.value.as_f64() == 3.0));
        let latency = parsed.families["ses_broker_aws_call_duration_seconds"]
            .get_sample_by_label_values(&["kms:ListKeys".to_owned()])
            .unwrap();
        match &latency.value {
            OpenMetricsValue::Histogram(h) => {
                assert_eq!(h.count, Some(3));
                // Each call slept 20 ms: the sum is at least 60 ms.
                assert!(h.sum.as_ref().unwrap().as_f64() >= 0.060, "{h:?}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn clones_share_one_registry_across_threads() {
        let metrics = Metrics::new();
        let clone = metrics.clone();
        std::thread::spawn(move || {
            clone.record_operation(OperationKind::Pause, OperationOutcome::Failed);
        })
        .join()
        .unwrap();
        let body = metrics.render(None).unwrap().body;
        let parsed = openmetrics_parser::prometheus::parse_prometheus(&body).unwrap();
        assert!(
            parsed.families["ses_broker_operations_total"]
                .get_sample_by_label_values(&["pause".to_owned(), "failed".to_owned()])
                .is_some()
        );
    }
}
