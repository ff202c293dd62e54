//! How a vendor module plugs in: the [`Vendor`] trait, its operations (checked against the spec when
//! registered), the registration macro, and the CORS preflight handlers every operation gets.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use dropshot::{ApiDescription, Body, HttpError, Path, RawRequest, RequestContext};
use http::{Method, Response, StatusCode};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::serve::cors;
use crate::departures::Departure;
use crate::exchange::{Fidelity, Reply};
use crate::spec::{self, VendorSpec};
pub use crate::operation::Operation;
use crate::probe::Catalogue;
use crate::state::sessions::Sessions;
use crate::state::shared::Shared;
use crate::state::store::Store;
use crate::serve::proxy::upstream::Upstream;

/// What a vendor module provides to be served and controlled.
pub trait Vendor: Sized + Send + Sync + 'static {
    /// The vendor's name in files (`specs/NAME.yaml`), flags, the startup line and the control API.
    const NAME: &'static str;
    /// The port it listens on unless told otherwise.
    const DEFAULT_PORT: u16;
    /// The credential a control call acts for when it names none: the example key or token, or
    /// empty where the vendor has no credential that separates apps.
    const DEFAULT_CREDENTIAL: &'static str;
    /// One stored session; a tenant's state is a [`Sessions`] of them.
    type Session: Clone + Send + Sync + 'static;
    /// The vendor's section of a fixtures file.
    type Fixture: DeserializeOwned + Default + FixtureSessions<Self::SessionSpec> + Send + Sync + 'static;
    /// A session to create, through the control API or a fixture.
    type SessionSpec: DeserializeOwned + JsonSchema + Clone + Send + Sync + 'static;
    /// A session as the control API shows it.
    type SessionView: Serialize + JsonSchema + Send + Sync + 'static;

    /// Whether a control call's `?credential=` is one the vendor would accept (so that a typo is
    /// refused instead of naming a tenant no request can reach). Vendors without one accept anything.
    fn accepts_credential(_credential: &str) -> bool {
        true
    }
    /// Registers the vendor's endpoints, with [`register_operation`].
    fn register(api: &mut Api<Self>) -> Result<(), String>;
    /// Checks a spec against the tenant's sessions and builds the session it describes, with its id
    /// (generated in the vendor's format when the spec names none); the error names the rule broken.
    fn new_session(
        sessions: &Sessions<Self::Session>,
        spec: Self::SessionSpec,
        now: DateTime<Utc>,
    ) -> Result<(String, Self::Session), String>;
    /// A session as the control API shows it at `now`.
    fn view(id: &str, session: &Self::Session, now: DateTime<Utc>) -> Self::SessionView;
    /// The vendor's answer, in its own error shape, for an error status its own errors do not
    /// cover: a forced status, a body that never arrived (408), a handler that failed (500).
    fn status_error(status: StatusCode, fidelity: Fidelity) -> Reply;
    /// The `Authorization: Bearer` credential that works with the default data, if the operation
    /// takes one: the example credential, unless the vendor's credential lives in its data.
    fn bearer(_fixture: &Self::Fixture) -> Option<String> {
        (!Self::DEFAULT_CREDENTIAL.is_empty()).then(|| Self::DEFAULT_CREDENTIAL.to_string())
    }
    /// Credentials and identifiers that work out of the box, for the startup output.
    fn defaults(fixture: &Self::Fixture) -> Vec<(&'static str, String)>;
    /// How to point the vendor's own SDK at the server at `url`, where it wants something other than
    /// the URL as printed: a line for the startup output.
    fn sdk_hint(_url: &str) -> Option<(&'static str, String)> {
        None
    }
    /// Where this vendor's service, or the mock, departs from its spec.
    fn departures() -> &'static [&'static Departure];
    /// The vendor's probes: every situation the evidence describes, with the answers expected.
    fn catalogue() -> Catalogue;
}

/// A vendor's refusal of a request: every vendor's error type answers through this one contract.
pub trait VendorError {
    /// The answer in the vendor's error shape, as `fidelity` asks, marked with the register entry
    /// it departs by, if any.
    fn reply(self, fidelity: Fidelity) -> Reply;
}

pub type Api<V> = ApiDescription<Arc<VendorContext<V>>>;

/// Everything a vendor's handlers share: the spec, the fixture, the tenants' state and what the
/// whole process shares. Its request path, [`VendorContext::serve`], is in [`crate::serve::pipeline`].
pub struct VendorContext<V: Vendor> {
    pub spec: &'static VendorSpec,
    pub fixture: Arc<V::Fixture>,
    pub store: Store<State<V>>,
    pub shared: Arc<Shared>,
    pub body_limit: usize,
    /// Set under `understudy proxy`: requests go to the real service instead of the handler.
    pub relay: Option<Relay>,
}

/// What `understudy proxy` needs per vendor: the real service, and the catalogue that tells a
/// registered departure from drift.
pub struct Relay {
    pub upstream: Upstream,
    pub catalogue: Catalogue,
}

impl<V: Vendor> VendorContext<V> {
    pub fn fidelity(&self) -> Fidelity {
        self.shared.fidelity
    }

    /// The time in a namespace.
    pub fn now(&self, namespace: &str) -> DateTime<Utc> {
        self.shared.clock.now(namespace)
    }
}

/// The path parameter of the operations on `/…/{sessionId}` (Dynamic's revoke, Paragraph's deny).
#[derive(serde::Deserialize, JsonSchema)]
pub struct SessionIdPath {
    #[serde(rename = "sessionId")]
    pub session_id: String,
}

/// Where the spec puts an operation: checked against the spec, so a vendor module cannot drift
/// from it unnoticed.
pub struct Route {
    pub id: String,
    pub method: Method,
    /// The full path: the spec's base path and the template.
    pub path: String,
}

pub fn route<V: Vendor>(operation: &Operation) -> Result<Route, String> {
    if operation.vendor != V::NAME {
        return Err(format!(
            "operation `{}` belongs to {}, not {}",
            operation.id,
            operation.vendor,
            V::NAME
        ));
    }
    let spec = spec::of(V::NAME);
    let found = spec
        .operations()
        .into_iter()
        .find(|op| op.method == operation.method && op.path == operation.template)
        .ok_or_else(|| {
            format!(
                "specs/{}.yaml has no operation {} {}",
                V::NAME,
                operation.method,
                operation.template
            )
        })?;
    let spec_id = found.id();
    if spec_id != operation.id {
        return Err(format!(
            "the spec names {} {} `{spec_id}`, not `{}`",
            operation.method, operation.template, operation.id
        ));
    }
    let method = Method::from_bytes(operation.method.as_bytes()).map_err(|e| e.to_string())?;
    Ok(Route {
        id: spec_id,
        method,
        path: format!("{}{}", spec.base_path, operation.template),
    })
}

/// Registers a vendor operation's handler and its CORS preflight (`OPTIONS`) at the path the spec
/// gives it. A macro because dropshot's handler trait cannot be named outside dropshot.
macro_rules! register_operation {
    ($api:expr, $vendor:ty, $operation:expr, $handler:expr, $preflight:expr) => {
        $crate::serve::vendor::route::<$vendor>($operation).and_then(|route| {
            let all = || ::dropshot::ApiEndpointVersions::All;
            let operation = ::dropshot::ApiEndpoint::new(
                route.id.clone(),
                $handler,
                route.method.clone(),
                "application/json",
                &route.path,
                all(),
            );
            $api.register(operation).map_err(|e| e.to_string())?;
            let preflight = ::dropshot::ApiEndpoint::new(
                format!("{}_preflight", route.id),
                $preflight,
                ::http::Method::OPTIONS,
                "application/json",
                &route.path,
                all(),
            );
            $api.register(preflight).map_err(|e| e.to_string())
        })
    };
}
pub(crate) use register_operation;

/// The CORS preflight of an operation whose path has no parameters.
pub async fn preflight<V: Vendor>(
    _rqctx: RequestContext<Arc<VendorContext<V>>>,
    raw: RawRequest,
) -> Result<Response<Body>, HttpError> {
    Ok(cors::preflight(raw.into_inner().headers()))
}

/// The CORS preflight of an operation whose path has parameters `P` (dropshot wants them consumed).
pub async fn preflight_with_path<V: Vendor, P: DeserializeOwned + JsonSchema + Send + Sync + 'static>(
    _rqctx: RequestContext<Arc<VendorContext<V>>>,
    _path: Path<P>,
    raw: RawRequest,
) -> Result<Response<Body>, HttpError> {
    Ok(cors::preflight(raw.into_inner().headers()))
}

/// A tenant's state: its sessions.
pub type State<V> = Sessions<<V as Vendor>::Session>;

/// Creates a session from a spec (the control API's create, and every fixture entry).
pub fn create_session<V: Vendor>(
    sessions: &mut State<V>,
    spec: V::SessionSpec,
    now: DateTime<Utc>,
) -> Result<V::SessionView, String> {
    let (id, session) = V::new_session(sessions, spec, now)?;
    let view = V::view(&id, &session, now);
    sessions.insert_new(id, session)?;
    Ok(view)
}

/// Builds a tenant's state from a fixture; errors name the entry (`sessions[2]: …`). No view is made:
/// a view can be costly (MoonKey's signs a JWT), and seeding only needs the sessions.
pub fn seed_state<V: Vendor>(fixture: &V::Fixture, now: DateTime<Utc>) -> Result<State<V>, String> {
    let mut sessions = Sessions::default();
    for (index, spec) in fixture.sessions().iter().enumerate() {
        V::new_session(&sessions, spec.clone(), now)
            .and_then(|(id, session)| sessions.insert_new(id, session))
            .map_err(|e| format!("sessions[{index}]: {e}"))?;
    }
    Ok(sessions)
}

/// Where a vendor's fixture section keeps its sessions.
pub trait FixtureSessions<S> {
    fn sessions(&self) -> &[S];
}

/// A vendor's fixture section that holds only `sessions` (every vendor but Dynamic, which adds its
/// restricted tokens).
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SessionsOnly<S> {
    #[serde(default = "Vec::new")]
    pub sessions: Vec<S>,
}

impl<S> Default for SessionsOnly<S> {
    fn default() -> Self {
        Self { sessions: Vec::new() }
    }
}

impl<S> FixtureSessions<S> for SessionsOnly<S> {
    fn sessions(&self) -> &[S] {
        &self.sessions
    }
}
