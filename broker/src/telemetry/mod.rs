//! Telemetry: request logs, Prometheus metrics and the health answer (issue 12 items 7
//! and 8). Nothing here knows the store or the OSBAPI rules; the server wires it in:
//!
//! - [`init_logging`] once in `main`, with `--log-format` ([`LogFormat`]);
//! - one [`Metrics`], cloned wherever something is counted;
//! - [`observe`] as the router's outermost layer: one log line and one count per request;
//! - [`serve_metrics`] at `GET /metrics`, [`health_response`] behind `GET /healthz`;
//! - [`MeteredAws`] around the AWS adapter: every call counted and timed.
//!
//! ```
//! use axum::Router;
//! use axum::routing::get;
//! use ses_broker_server::memory::InMemoryAws;
//! use ses_broker_server::telemetry::{MeteredAws, Metrics, health_response, observe, serve_metrics};
//!
//! let metrics = Metrics::new();
//! let aws = MeteredAws::new(
//!     InMemoryAws::new("111122223333", "aws-us-gov", "us-gov-west-1", "arn:aws-us-gov:iam::111122223333:root"),
//!     metrics.clone(),
//! );
//! let app: Router = Router::new()
//!     .route("/metrics", get(serve_metrics).with_state(metrics.clone()))
//!     // The real check asks the store; its error goes in `Err`.
//!     .route("/healthz", get(|| async { health_response(Ok(())) }))
//!     // Last, so that it wraps every route above and the fallback.
//!     .layer(axum::middleware::from_fn_with_state(metrics, observe));
//! # drop((aws, app));
//! ```

mod endpoints;
mod logging;
mod metrics;
mod route;

pub use endpoints::{health_response, serve_metrics};
pub use logging::{LogFormat, ORIGINATING_IDENTITY, REQUEST_TARGET, init_logging, observe};
pub use metrics::{
    AwsOutcome, Exposition, MeteredAws, Metrics, OPENMETRICS_CONTENT_TYPE, OperationKind,
    OperationOutcome, PROMETHEUS_CONTENT_TYPE,
};
pub use route::{OTHER, method_label, route_of};
