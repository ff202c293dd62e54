//! One served API: its document, the compiled vendor that overrides some of its operations (if
//! any), and the dropshot server that hands every request, whatever its path and method, to the
//! pipeline. dropshot's own router sees one wildcard endpoint per method; routing by the document
//! is ours (`crate::spec::router`), so that what dropshot cannot route (a literal beside a
//! variable, parameters inside a segment) is served, and no dropshot 404 or 405 body escapes.

use std::sync::Arc;

use dropshot::{
    ApiDescription, ApiEndpoint, ApiEndpointBodyContentType, ApiEndpointVersions, Body, ExtractorMetadata, HttpError,
    Path, RawRequest, RequestContext, ServerContext, SharedExtractor,
};
use http::{Method, Response};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::operation::Operation;
use crate::probe::Catalogue;
use crate::serve::proxy::upstream::Upstream;
use crate::serve::vendor::Overrides;
use crate::spec::Document;
use crate::state::shared::Shared;

/// Everything the pipeline needs to answer one API's requests.
pub struct ApiContext {
    pub document: &'static Document,
    /// The compiled vendor, when this API is one of the four.
    pub(crate) vendor: Option<Arc<dyn Overrides>>,
    /// For each operation of the document (by index), the index of the compiled override that
    /// answers it, if one does.
    pub(crate) overridden: Vec<Option<(usize, &'static Operation)>>,
    pub shared: Arc<Shared>,
    pub body_limit: usize,
    /// Set under `understudy proxy`: requests go to the real service instead.
    pub relay: Option<Relay>,
    /// The user's `--seed`, mixed into every generated body's seed.
    pub seed: u64,
    /// The journal's operation for a request no operation of the document matches, by method.
    unrouted: Vec<&'static Operation>,
    /// The generic engine's answers already made, sent again for the same request.
    pub(crate) answers: crate::engine::AnswerCache,
    /// The state inferred from the document, where it has roles (not under `understudy proxy`).
    pub(crate) stateful: Option<Arc<crate::state::records::Stateful>>,
}

/// What `understudy proxy` needs per API: the real service, and the compiled vendor's catalogue
/// (when there is one) that tells a registered departure from drift.
pub struct Relay {
    pub upstream: Upstream,
    pub catalogue: Option<Catalogue>,
}

/// The methods the wildcard endpoints take (dropshot answers any other with its own 405).
const METHODS: [Method; 8] = [
    Method::GET,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
    Method::HEAD,
    Method::OPTIONS,
    Method::TRACE,
];

impl ApiContext {
    pub(crate) fn new(
        document: &'static Document,
        vendor: Option<Arc<dyn Overrides>>,
        shared: Arc<Shared>,
        body_limit: usize,
        relay: Option<Relay>,
        seed: u64,
        stateful: Option<Arc<crate::state::records::Stateful>>,
    ) -> Self {
        let compiled = vendor.as_ref().map(|v| v.operations()).unwrap_or_default();
        let overridden = document
            .table()
            .iter()
            .map(|op| {
                compiled
                    .iter()
                    .position(|c| c.method == op.method && c.template == op.template)
                    .map(|index| (index, compiled[index]))
            })
            .collect();
        let unrouted = METHODS
            .iter()
            .map(|method| {
                &*Box::leak(Box::new(Operation {
                    vendor: document.name,
                    id: "(no operation)",
                    method: method.as_str(),
                    template: "(unmatched)",
                }))
            })
            .collect();
        Self {
            document,
            vendor,
            overridden,
            shared,
            body_limit,
            relay,
            seed,
            unrouted,
            answers: crate::engine::AnswerCache::default(),
            stateful,
        }
    }

    /// The journal's operation for a request to no operation.
    pub(crate) fn unrouted(&self, method: &Method) -> &'static Operation {
        let index = METHODS.iter().position(|m| m == method).unwrap_or(0);
        self.unrouted[index]
    }

    /// The API's dropshot description: one unpublished wildcard endpoint per method.
    pub(crate) fn description() -> Result<ApiDescription<Arc<ApiContext>>, String> {
        let mut api = ApiDescription::new();
        for method in METHODS {
            let endpoint = ApiEndpoint::new(
                format!("any_{}", method.as_str().to_ascii_lowercase()),
                any_request,
                method,
                "application/json",
                "/{path:.*}",
                ApiEndpointVersions::All,
            )
            .visible(false);
            api.register(endpoint).map_err(|e| e.to_string())?;
        }
        Ok(api)
    }
}

/// The rest of the path, as dropshot's route declares it: its schema is what [`WildcardPath`]
/// tells dropshot the endpoint takes.
#[derive(Deserialize, JsonSchema)]
struct AnyPath {
    #[allow(dead_code)]
    path: Vec<String>,
}

/// The wildcard path variable, declared to dropshot (which wants every path variable consumed)
/// and never read: the pipeline routes the raw path, so that a `%2F` inside an id stays inside
/// it. dropshot's own `Path` extractor would copy the segments into a map and deserialize them,
/// thousands of instructions a request for nothing.
struct WildcardPath;

#[async_trait::async_trait]
impl SharedExtractor for WildcardPath {
    async fn from_request<Context: ServerContext>(_: &RequestContext<Context>) -> Result<Self, HttpError> {
        Ok(WildcardPath)
    }

    fn metadata(body: ApiEndpointBodyContentType) -> ExtractorMetadata {
        <Path<AnyPath> as SharedExtractor>::metadata(body)
    }
}

async fn any_request(
    rqctx: RequestContext<Arc<ApiContext>>,
    _path: WildcardPath,
    raw: RawRequest,
) -> Result<Response<Body>, HttpError> {
    Ok(rqctx.context().serve(raw).await)
}
