//! Raw request paths and methods as metric labels of bounded cardinality: an instance id in a
//! label would make one time series per instance, which a Prometheus server cannot keep.

use axum::http::Method;

/// The route a path belongs to, as a template (`/v2/service_instances/:instance_id`), or
/// `other` for a path the broker does not serve. Ids are never part of the answer, so the
/// answers are the fixed set below whatever the platform sends.
#[must_use]
pub fn route_of(path: &str) -> &'static str {
    let Some(rest) = path.strip_prefix('/') else {
        return OTHER;
    };
    let segments: Vec<&str> = rest.split('/').collect();
    // An empty segment is no id: `/v2/service_instances/` is not an instance.
    let id = |segment: &&str| !segment.is_empty();
    match segments.as_slice() {
        ["v2", "catalog"] => "/v2/catalog",
        ["v2", "service_instances", i] if id(i) => "/v2/service_instances/:instance_id",
        ["v2", "service_instances", i, "last_operation"] if id(i) => {
            "/v2/service_instances/:instance_id/last_operation"
        }
        ["v2", "service_instances", i, "service_bindings", b] if id(i) && id(b) => {
            "/v2/service_instances/:instance_id/service_bindings/:binding_id"
        }
        [
            "v2",
            "service_instances",
            i,
            "service_bindings",
            b,
            "last_operation",
        ] if id(i) && id(b) => {
            "/v2/service_instances/:instance_id/service_bindings/:binding_id/last_operation"
        }
        ["healthz"] => "/healthz",
        ["metrics"] => "/metrics",
        ["sns", "alarms"] => "/sns/alarms",
        ["admin", "pauses"] => "/admin/pauses",
        ["admin", "instances", i, "resume"] if id(i) => "/admin/instances/:instance_id/resume",
        _ => OTHER,
    }
}

/// The label of every path and method outside the known sets.
pub const OTHER: &str = "other";

/// The method as a label: the standard methods by name, any extension method `other`.
#[must_use]
pub fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => OTHER,
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        reason = "a failed assertion is how a test reports"
    )]
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_broker_path_has_its_template() {
        for (path, route) in [
            ("/v2/catalog", "/v2/catalog"),
            (
                "/v2/service_instances/4f1c",
                "/v2/service_instances/:instance_id",
            ),
            (
                "/v2/service_instances/4f1c/last_operation",
                "/v2/service_instances/:instance_id/last_operation",
            ),
            (
                "/v2/service_instances/4f1c/service_bindings/b-9",
                "/v2/service_instances/:instance_id/service_bindings/:binding_id",
            ),
            (
                "/v2/service_instances/4f1c/service_bindings/b-9/last_operation",
                "/v2/service_instances/:instance_id/service_bindings/:binding_id/last_operation",
            ),
            ("/healthz", "/healthz"),
            ("/metrics", "/metrics"),
            ("/sns/alarms", "/sns/alarms"),
            ("/admin/pauses", "/admin/pauses"),
            (
                "/admin/instances/4f1c/resume",
                "/admin/instances/:instance_id/resume",
            ),
        ] {
            assert_eq!(route_of(path), route, "{path}");
        }
    }

    #[test]
    fn unknown_and_malformed_paths_are_other() {
        for path in [
            "",
            "/",
            "v2/catalog",
            "/v2/catalog/",
            "/v2/catalogue",
            "/v2/service_instances",
            "/v2/service_instances/",
            "/v2/service_instances//last_operation",
            "/v2/service_instances/a/service_bindings/",
            "/v2/service_instances/a/service_bindings//last_operation",
            "/v2/service_instances/a/b/c/d/e/f/g",
            "/admin/instances//resume",
            "/.env",
            "/healthz/x",
        ] {
            assert_eq!(route_of(path), OTHER, "{path:?}");
        }
    }

    /// Ten thousand requests with fresh ids, and junk paths, make no more labels than the
    /// broker has routes.
    #[test]
    fn random_ids_do_not_grow_the_label_set() {
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = || {
            // xorshift: any spread of ids will do, and the test stays deterministic.
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            format!("{state:016x}")
        };
        let mut routes = BTreeSet::new();
        for _ in 0..10_000 {
            let (i, b, junk) = (next(), next(), next());
            for path in [
                format!("/v2/service_instances/{i}"),
                format!("/v2/service_instances/{i}/last_operation"),
                format!("/v2/service_instances/{i}/service_bindings/{b}"),
                format!("/v2/service_instances/{i}/service_bindings/{b}/last_operation"),
                format!("/admin/instances/{i}/resume"),
                format!("/{junk}"),
                format!("/v2/{junk}/{i}"),
            ] {
                routes.insert(route_of(&path));
            }
        }
        assert_eq!(routes.len(), 6, "{routes:?}");
        assert!(routes.contains(OTHER));
    }

    #[test]
    fn extension_methods_are_other() {
        assert_eq!(method_label(&Method::PUT), "PUT");
        assert_eq!(
            method_label(&Method::from_bytes(b"PROPFIND").unwrap()),
            OTHER
        );
    }
}
