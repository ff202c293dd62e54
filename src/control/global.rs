//! Control endpoints shared by every vendor: reset, journal, clock, scenarios, the API's own document.

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use dropshot::{
    endpoint, ApiDescription, Body, Header, HttpError, HttpResponseCreated, HttpResponseOk,
    HttpResponseUpdatedNoContent, Query, RequestContext,
};
use http::Response;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::timed_body::TimedBody;
use super::{namespace, ControlContext, NamespaceHeader};
use crate::coverage::Coverage;
use crate::serve::forcing::{Scenario, ScenarioSpec};
use crate::serve::proxy::drift_log::Drift;
use crate::state::journal::{EntryView, Filter};

type Context = RequestContext<Arc<ControlContext>>;

pub fn register(api: &mut ApiDescription<Arc<ControlContext>>) -> Result<(), String> {
    let register_all = [
        api.register(openapi),
        api.register(reset),
        api.register(journal_list),
        api.register(journal_count),
        api.register(journal_clear),
        api.register(clock_read),
        api.register(clock_advance),
        api.register(scenario_create),
        api.register(scenario_list),
        api.register(scenario_clear),
        api.register(coverage),
        api.register(drifts_list),
        api.register(drifts_report),
        api.register(apis_list),
        api.register(stats),
    ];
    register_all
        .into_iter()
        .collect::<Result<Vec<()>, _>>()
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// This API's OpenAPI document.
#[endpoint { method = GET, path = "/openapi.json" }]
async fn openapi(rqctx: Context) -> Result<HttpResponseOk<serde_json::Value>, HttpError> {
    Ok(HttpResponseOk(rqctx.context().openapi.clone()))
}

/// Resets the namespace: every vendor's data and every API's inferred records back to the
/// fixtures (and examples), its journal entries, scenarios
/// and clock cleared.
#[endpoint { method = POST, path = "/reset" }]
async fn reset(rqctx: Context, _namespace: Header<NamespaceHeader>) -> Result<HttpResponseUpdatedNoContent, HttpError> {
    let context = rqctx.context();
    let namespace = namespace(&rqctx);
    context.vendors.reset_namespace(&namespace);
    for (_, state) in context.shared.states.get().into_iter().flatten() {
        state.store.reset_namespace(&namespace);
    }
    context.shared.journal.clear(&namespace);
    context.shared.scenarios.clear(&namespace);
    context.shared.clock.reset(&namespace);
    Ok(HttpResponseUpdatedNoContent())
}

/// The namespace's journal entries that match the filter, oldest first.
#[endpoint { method = GET, path = "/journal" }]
async fn journal_list(
    rqctx: Context,
    _namespace: Header<NamespaceHeader>,
    filter: Query<Filter>,
) -> Result<HttpResponseOk<Vec<EntryView>>, HttpError> {
    let namespace = namespace(&rqctx);
    let shared = &rqctx.context().shared;
    let entries = shared
        .journal
        .select(&namespace, &filter.into_inner(), &|api| shared.document(api));
    let views = entries
        .iter()
        .map(|e| e.view(&namespace, shared.document(e.entry.operation.vendor)))
        .collect();
    Ok(HttpResponseOk(views))
}

#[derive(Serialize, JsonSchema)]
struct Count {
    count: usize,
}

/// How many of the namespace's journal entries match the filter.
#[endpoint { method = GET, path = "/journal/count" }]
async fn journal_count(
    rqctx: Context,
    _namespace: Header<NamespaceHeader>,
    filter: Query<Filter>,
) -> Result<HttpResponseOk<Count>, HttpError> {
    let shared = &rqctx.context().shared;
    let count = shared
        .journal
        .count(&namespace(&rqctx), &filter.into_inner(), &|api| shared.document(api));
    Ok(HttpResponseOk(Count { count }))
}

/// Forgets the namespace's journal entries.
#[endpoint { method = DELETE, path = "/journal" }]
async fn journal_clear(
    rqctx: Context,
    _namespace: Header<NamespaceHeader>,
) -> Result<HttpResponseUpdatedNoContent, HttpError> {
    rqctx.context().shared.journal.clear(&namespace(&rqctx));
    Ok(HttpResponseUpdatedNoContent())
}

#[derive(Serialize, JsonSchema)]
struct ClockView {
    namespace: String,
    now: DateTime<Utc>,
}

/// The namespace's time, which every expiry follows.
#[endpoint { method = GET, path = "/clock" }]
async fn clock_read(
    rqctx: Context,
    _namespace: Header<NamespaceHeader>,
) -> Result<HttpResponseOk<ClockView>, HttpError> {
    let namespace = namespace(&rqctx);
    let now = rqctx.context().shared.clock.now(&namespace);
    Ok(HttpResponseOk(ClockView { namespace, now }))
}

#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct Advance {
    /// Whole seconds, 0 or more; the clock runs at most 100 years ahead in all.
    #[serde(default)]
    seconds: i64,
    /// Milliseconds, 0 or more, added to `seconds`.
    #[serde(default)]
    milliseconds: i64,
}

/// Moves the namespace's clock forward, at most 100 years ahead of the system time in all.
#[endpoint { method = POST, path = "/clock/advance" }]
async fn clock_advance(
    rqctx: Context,
    _namespace: Header<NamespaceHeader>,
    body: TimedBody<Advance>,
) -> Result<HttpResponseOk<ClockView>, HttpError> {
    let namespace = namespace(&rqctx);
    let Advance { seconds, milliseconds } = body.into_inner();
    let max_seconds = crate::state::clock::MAX_AHEAD.num_seconds();
    let out_of_range = || {
        HttpError::for_bad_request(
            None,
            format!("seconds and milliseconds must each be between 0 and {max_seconds} seconds' worth (100 years)"),
        )
    };
    let by = TimeDelta::try_seconds(seconds)
        .zip(TimeDelta::try_milliseconds(milliseconds))
        .and_then(|(s, ms)| s.checked_add(&ms))
        .ok_or_else(out_of_range)?;
    let now = rqctx
        .context()
        .shared
        .clock
        .advance(&namespace, by)
        .map_err(|e| HttpError::for_bad_request(None, e))?;
    Ok(HttpResponseOk(ClockView { namespace, now }))
}

/// Adds a scenario: the next `times` requests to the vendor (and operation) in this namespace are
/// answered with `status`, after `delay_ms`, or by dropping the connection.
#[endpoint { method = POST, path = "/scenarios" }]
async fn scenario_create(
    rqctx: Context,
    _namespace: Header<NamespaceHeader>,
    body: TimedBody<ScenarioSpec>,
) -> Result<HttpResponseCreated<Scenario>, HttpError> {
    let spec = body.into_inner();
    let shared = &rqctx.context().shared;
    let Some(document) = shared.document(&spec.vendor) else {
        let known: Vec<&str> = shared.apis.get().into_iter().flatten().map(|d| d.name).collect();
        let message = format!("unknown API {:?} (known: {})", spec.vendor, known.join(", "));
        return Err(HttpError::for_bad_request(None, message));
    };
    if let Some(operation) = &spec.operation {
        let known: Vec<&str> = document.table().iter().map(|op| op.id).collect();
        if !known.contains(&operation.as_str()) {
            let message = format!(
                "{} has no operation {operation:?} (known: {})",
                spec.vendor,
                known.join(", ")
            );
            return Err(HttpError::for_bad_request(None, message));
        }
    }
    let scenario = rqctx
        .context()
        .shared
        .scenarios
        .add(&namespace(&rqctx), spec)
        .map_err(|e| HttpError::for_bad_request(None, e))?;
    Ok(HttpResponseCreated(scenario))
}

/// The namespace's scenarios that still have requests to apply to.
#[endpoint { method = GET, path = "/scenarios" }]
async fn scenario_list(
    rqctx: Context,
    _namespace: Header<NamespaceHeader>,
) -> Result<HttpResponseOk<Vec<Scenario>>, HttpError> {
    Ok(HttpResponseOk(
        rqctx.context().shared.scenarios.list(&namespace(&rqctx)),
    ))
}

/// Removes the namespace's scenarios.
#[endpoint { method = DELETE, path = "/scenarios" }]
async fn scenario_clear(
    rqctx: Context,
    _namespace: Header<NamespaceHeader>,
) -> Result<HttpResponseUpdatedNoContent, HttpError> {
    rqctx.context().shared.scenarios.clear(&namespace(&rqctx));
    Ok(HttpResponseUpdatedNoContent())
}

/// The unregistered departures `understudy proxy` has seen, each once with how often (empty when
/// Understudy serves the mock).
#[endpoint { method = GET, path = "/drifts" }]
async fn drifts_list(rqctx: Context) -> Result<HttpResponseOk<Vec<Drift>>, HttpError> {
    Ok(HttpResponseOk(rqctx.context().shared.drifts.list()))
}

/// The same, as markdown in the register of departures' format, ready to review (what
/// `understudy proxy --report FILE` writes).
#[endpoint { method = GET, path = "/drifts/report" }]
async fn drifts_report(rqctx: Context) -> Result<Response<Body>, HttpError> {
    let markdown = rqctx.context().shared.drifts.markdown();
    let mut response = Response::new(Body::from(markdown));
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/markdown; charset=utf-8"),
    );
    Ok(response)
}

/// The APIs this Understudy serves: each one's name, base URL, document and how its operations are
/// answered.
#[endpoint { method = GET, path = "/apis" }]
async fn apis_list(rqctx: Context) -> Result<HttpResponseOk<Vec<super::ApiSummary>>, HttpError> {
    Ok(HttpResponseOk(rqctx.context().apis.clone()))
}

/// What Understudy holds and what its limits made it forget.
#[derive(Serialize, JsonSchema)]
struct Stats {
    journal: crate::state::journal::JournalStats,
    /// Each vendor's tenants.
    tenants: Vec<VendorTenants>,
}

#[derive(Serialize, JsonSchema)]
struct VendorTenants {
    vendor: String,
    #[serde(flatten)]
    stats: crate::state::store::StoreStats,
}

/// What Understudy holds, and what its limits made it forget (tenants past `--max-tenants`,
/// namespaces past `--journal-max-namespaces`): the least recently used go first, and are counted here.
#[endpoint { method = GET, path = "/stats" }]
async fn stats(rqctx: Context) -> Result<HttpResponseOk<Stats>, HttpError> {
    let context = rqctx.context();
    let tenants = context
        .vendors
        .stats()
        .into_iter()
        .map(|(vendor, stats)| VendorTenants {
            vendor: vendor.to_string(),
            stats,
        })
        .collect();
    Ok(HttpResponseOk(Stats {
        journal: context.shared.journal.stats(),
        tenants,
    }))
}

#[derive(Deserialize, JsonSchema)]
struct CoverageQuery {
    /// Every namespace's requests instead of this namespace's.
    #[serde(default)]
    all_namespaces: bool,
}

/// Which situations of each vendor's probe catalogue the requests so far exercised (in this
/// namespace, or in all of them), which they never did, and the statuses they forced.
#[endpoint { method = GET, path = "/coverage" }]
async fn coverage(
    rqctx: Context,
    _namespace: Header<NamespaceHeader>,
    query: Query<CoverageQuery>,
) -> Result<HttpResponseOk<Coverage>, HttpError> {
    let namespace = (!query.into_inner().all_namespaces).then(|| namespace(&rqctx));
    let shared = &rqctx.context().shared;
    let documents = shared.apis.get().cloned().unwrap_or_default();
    let report = crate::coverage::of_journal(&shared.journal, namespace.as_deref(), &documents);
    Ok(HttpResponseOk(report))
}
