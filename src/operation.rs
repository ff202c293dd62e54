//! A vendor operation as Understudy names it: its vendor, the spec's operation id, its method and
//! its path template. The vendor modules declare theirs as constants; the server routes by them, the
//! probes send to them, and the tests name them.

/// A vendor operation as its handler names it; `route` checks it against the spec.
#[derive(Debug)]
pub struct Operation {
    /// The vendor's `Vendor::NAME`.
    pub vendor: &'static str,
    /// The spec's operationId, or `method_path` where the spec has none (as build.rs names it).
    pub id: &'static str,
    pub method: &'static str,
    /// The spec's path template, without the base path.
    pub template: &'static str,
}
