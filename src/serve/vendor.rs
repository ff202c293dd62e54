//! How a compiled vendor plugs in: the [`Vendor`] trait, the operations it overrides ([`Override`],
//! checked against the served document at start), and [`Overrides`], the face a vendor shows the
//! pipeline: which operations it answers, how, and its error shape.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use http::StatusCode;
use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::departures::Departure;
use crate::exchange::{Fidelity, Incoming, Reply};
pub use crate::operation::Operation;
use crate::probe::Catalogue;
use crate::spec::Violation;

use crate::state::sessions::Sessions;
use crate::state::shared::Shared;
use crate::state::store::Store;

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
    /// The operations this vendor answers itself; the served document's other operations are
    /// answered by the generic engine.
    fn overrides() -> &'static [Override<Self>];
    /// Operations of the vendor's fuller public document that share the state of its own (a
    /// create whose session the compiled operation then acts on): answered by the vendor when the
    /// served document has them (`--spec NAME=FILE`), left out when it does not.
    fn siblings() -> &'static [Sibling<Self>] {
        &[]
    }
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
    /// What the mock infers, without evidence, for the siblings (in the register, but carried by
    /// no answer and shown by no probe).
    fn inferred() -> &'static [&'static Departure] {
        &[]
    }
    /// The vendor's probes: every situation the evidence describes, with the answers expected.
    fn catalogue() -> Catalogue;
}

/// A vendor's refusal of a request: every vendor's error type answers through this one contract.
pub trait VendorError {
    /// The answer in the vendor's error shape, as `fidelity` asks, marked with the register entry
    /// it departs by, if any.
    fn reply(self, fidelity: Fidelity) -> Reply;
}

/// One operation a vendor answers itself, and the function that answers it (the pipeline has read
/// the request, routed it, and put its path parameters in [`Incoming::param`]).
pub struct Override<V: Vendor> {
    pub operation: &'static Operation,
    pub answer: fn(&VendorContext<V>, &Incoming) -> Reply,
}

/// An operation the vendor answers when the served document has it (see [`Vendor::siblings`]). It
/// is given what the document's request rules found wrong with the request, so that it refuses a
/// request the document refuses, in the vendor's own error shape.
pub struct Sibling<V: Vendor> {
    pub operation: &'static Operation,
    pub answer: fn(&VendorContext<V>, &Incoming, &[Violation]) -> Reply,
}

/// Everything a vendor's handlers share: its document, the fixture, the tenants' state and what
/// the whole process shares.
pub struct VendorContext<V: Vendor> {
    pub fixture: Arc<V::Fixture>,
    pub store: Store<State<V>>,
    pub shared: Arc<Shared>,
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

/// A compiled vendor as the pipeline sees it, whatever its type.
pub(crate) trait Overrides: Send + Sync {
    /// The compiled operations, in the vendor's order: its own, then its siblings.
    fn operations(&self) -> Vec<&'static Operation>;
    /// Whether the override at `index` is given the document's verdict on the request (a sibling).
    fn judges(&self, index: usize) -> bool;
    /// Answers the request with the override at `index` of [`Overrides::operations`]; `violations`
    /// are what the document's request rules found (worked out for those that [`Overrides::judges`]).
    fn answer(&self, index: usize, request: &Incoming, violations: &[Violation]) -> Reply;
    /// The vendor's answer for an error status its own errors do not cover.
    fn status_error(&self, status: StatusCode) -> Reply;
    /// The vendor's probes, which tell a registered departure from drift.
    fn catalogue(&self) -> Catalogue;
    /// Credentials and identifiers that work out of the box, and an SDK hint for `url`.
    fn defaults(&self, url: &str) -> Vec<(&'static str, String)>;
    /// The `Authorization: Bearer` credential that works with the default data.
    fn bearer(&self) -> Option<String>;
}

impl<V: Vendor> Overrides for VendorContext<V> {
    fn operations(&self) -> Vec<&'static Operation> {
        let own = V::overrides().iter().map(|o| o.operation);
        own.chain(V::siblings().iter().map(|s| s.operation)).collect()
    }

    fn judges(&self, index: usize) -> bool {
        index >= V::overrides().len()
    }

    fn answer(&self, index: usize, request: &Incoming, violations: &[Violation]) -> Reply {
        let own = V::overrides();
        match (
            own.get(index),
            index.checked_sub(own.len()).and_then(|i| V::siblings().get(i)),
        ) {
            (Some(found), _) => (found.answer)(self, request),
            (None, Some(sibling)) => (sibling.answer)(self, request, violations),
            (None, None) => V::status_error(StatusCode::NOT_FOUND, self.fidelity()),
        }
    }

    fn status_error(&self, status: StatusCode) -> Reply {
        V::status_error(status, self.fidelity())
    }

    fn catalogue(&self) -> Catalogue {
        V::catalogue()
    }

    fn defaults(&self, url: &str) -> Vec<(&'static str, String)> {
        let mut defaults = V::defaults(&self.fixture);
        defaults.extend(V::sdk_hint(url));
        defaults
    }

    fn bearer(&self) -> Option<String> {
        V::bearer(&self.fixture)
    }
}

/// Checks that every compiled operation of `V` is in `document` with the same method and path, so
/// that a vendor module cannot drift from its spec unnoticed, nor be given a document that lacks
/// what it answers. The error names the operation. (Siblings need only belong to the vendor.)
pub fn check_overrides<V: Vendor>(document: &crate::spec::Document) -> Result<(), String> {
    for sibling in V::siblings() {
        if sibling.operation.vendor != V::NAME {
            return Err(format!(
                "operation `{}` belongs to {}, not {}",
                sibling.operation.id,
                sibling.operation.vendor,
                V::NAME
            ));
        }
    }
    for found in V::overrides() {
        let operation = found.operation;
        if operation.vendor != V::NAME {
            return Err(format!(
                "operation `{}` belongs to {}, not {}",
                operation.id,
                operation.vendor,
                V::NAME
            ));
        }
        if document.find(operation.method, operation.template).is_none() {
            return Err(format!(
                "{} has no operation {} {}, which the compiled {} answers (`{}`)",
                document.source,
                operation.method,
                operation.template,
                V::NAME,
                operation.id
            ));
        }
    }
    Ok(())
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
