//! Per-vendor control endpoints, the same for every vendor: create, list, inspect and delete
//! sessions, and reset the vendor's data in a namespace. `?credential=` picks the app or environment
//! for vendors whose credential separates apps (a secret key, an environment token); it defaults
//! to the example credential the startup output prints.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use dropshot::{
    ApiDescription, ApiEndpoint, ApiEndpointVersions, Header, HttpError, HttpResponseCreated, HttpResponseDeleted,
    HttpResponseOk, HttpResponseUpdatedNoContent, Path, Query, RequestContext,
};
use http::Method;
use schemars::JsonSchema;
use serde::Deserialize;

use super::timed_body::TimedBody;
use super::{namespace, ControlContext, NamespaceHeader};
use crate::serve::vendor::{create_session, State};
use crate::state::store::Tenant;
use crate::vendors::{Listed, VendorVisitor};

type Context = RequestContext<Arc<ControlContext>>;

#[derive(Deserialize, JsonSchema)]
pub struct CredentialQuery {
    /// The vendor credential whose app or environment to act in; the example credential when
    /// absent. Ignored by vendors whose credential does not separate apps.
    credential: Option<String>,
}

#[derive(Deserialize, JsonSchema)]
pub struct SessionPath {
    /// The session's id as the vendor names it (for a vendor whose session is a token, the token).
    id: String,
}

/// Registers every vendor's session endpoints.
pub struct Registrar<'a> {
    pub api: &'a mut ApiDescription<Arc<ControlContext>>,
}

impl VendorVisitor for Registrar<'_> {
    fn visit<V: Listed>(&mut self) -> Result<(), String> {
        let collection = format!("/{}/sessions", V::NAME);
        let item = format!("{collection}/{{id}}");
        let reset = format!("/{}/reset", V::NAME);
        let id = |suffix: &str| format!("{}_{suffix}", V::NAME);
        let all = || ApiEndpointVersions::All;
        let json = "application/json";
        let endpoints = [
            ApiEndpoint::new(
                id("create_session"),
                create::<V>,
                Method::POST,
                json,
                &collection,
                all(),
            ),
            ApiEndpoint::new(id("list_sessions"), list::<V>, Method::GET, json, &collection, all()),
            ApiEndpoint::new(id("get_session"), get::<V>, Method::GET, json, &item, all()),
            ApiEndpoint::new(id("delete_session"), delete::<V>, Method::DELETE, json, &item, all()),
            ApiEndpoint::new(id("reset"), reset_vendor::<V>, Method::POST, json, &reset, all()),
        ];
        for endpoint in endpoints {
            self.api.register(endpoint.tag(V::NAME)).map_err(|e| e.to_string())?;
        }
        Ok(())
    }
}

fn credential<V: Listed>(query: CredentialQuery) -> Result<String, HttpError> {
    let credential = match V::DEFAULT_CREDENTIAL {
        "" => return Ok(String::new()),
        default => query.credential.unwrap_or_else(|| default.to_string()),
    };
    if V::accepts_credential(&credential) {
        Ok(credential)
    } else {
        Err(HttpError::for_bad_request(
            None,
            format!("{credential:?} is not a credential {} accepts", V::NAME),
        ))
    }
}

/// The tenant a control call names (its namespace header and `?credential=`), and that
/// namespace's time.
fn tenant<V: Listed>(
    rqctx: &Context,
    query: Query<CredentialQuery>,
) -> Result<(String, String, DateTime<Utc>), HttpError> {
    let namespace = namespace(rqctx);
    let now = V::context(&rqctx.context().vendors).now(&namespace);
    let credential = credential::<V>(query.into_inner())?;
    Ok((namespace, credential, now))
}

/// Reads the state of the tenant a control call names, at that namespace's time.
fn read_tenant<V: Listed, R>(
    rqctx: &Context,
    query: Query<CredentialQuery>,
    read: impl FnOnce(&State<V>, DateTime<Utc>) -> R,
) -> Result<R, HttpError> {
    let (namespace, credential, now) = tenant::<V>(rqctx, query)?;
    let store = &V::context(&rqctx.context().vendors).store;
    Ok(store.read(&namespace, &credential, now, |state| read(state, now)))
}

/// Changes the state of the tenant a control call names, at that namespace's time.
fn update_tenant<V: Listed, R>(
    rqctx: &Context,
    query: Query<CredentialQuery>,
    act: impl FnOnce(&mut Tenant<'_, State<V>>, DateTime<Utc>) -> R,
) -> Result<R, HttpError> {
    let (namespace, credential, now) = tenant::<V>(rqctx, query)?;
    let store = &V::context(&rqctx.context().vendors).store;
    Ok(store.update(&namespace, &credential, now, |tenant| act(tenant, now)))
}

fn not_found<V: Listed>(id: &str) -> HttpError {
    HttpError::for_not_found(None, format!("no {} session {id}", V::NAME))
}

/// Creates a session with chosen or generated identifiers.
async fn create<V: Listed>(
    rqctx: Context,
    _namespace: Header<NamespaceHeader>,
    query: Query<CredentialQuery>,
    body: TimedBody<V::SessionSpec>,
) -> Result<HttpResponseCreated<V::SessionView>, HttpError> {
    let spec = body.into_inner();
    let created = update_tenant::<V, _>(&rqctx, query, |tenant, now| {
        create_session::<V>(tenant.change(), spec, now)
    })?;
    created
        .map(HttpResponseCreated)
        .map_err(|e| HttpError::for_bad_request(None, e))
}

/// The sessions of the namespace (and credential).
async fn list<V: Listed>(
    rqctx: Context,
    _namespace: Header<NamespaceHeader>,
    query: Query<CredentialQuery>,
) -> Result<HttpResponseOk<Vec<V::SessionView>>, HttpError> {
    let views = read_tenant::<V, _>(&rqctx, query, |state, now| {
        state.iter().map(|(id, s)| V::view(id, s, now)).collect()
    })?;
    Ok(HttpResponseOk(views))
}

/// One session.
async fn get<V: Listed>(
    rqctx: Context,
    _namespace: Header<NamespaceHeader>,
    path: Path<SessionPath>,
    query: Query<CredentialQuery>,
) -> Result<HttpResponseOk<V::SessionView>, HttpError> {
    let id = path.into_inner().id;
    let found = read_tenant::<V, _>(&rqctx, query, |state, now| state.get(&id).map(|s| V::view(&id, s, now)))?;
    found.map(HttpResponseOk).ok_or_else(|| not_found::<V>(&id))
}

/// Deletes a session (as if the vendor had).
async fn delete<V: Listed>(
    rqctx: Context,
    _namespace: Header<NamespaceHeader>,
    path: Path<SessionPath>,
    query: Query<CredentialQuery>,
) -> Result<HttpResponseDeleted, HttpError> {
    let id = path.into_inner().id;
    let deleted = update_tenant::<V, _>(&rqctx, query, |tenant, _| {
        tenant.get(&id).is_some() && tenant.change().remove(&id).is_some()
    })?;
    deleted
        .then_some(HttpResponseDeleted())
        .ok_or_else(|| not_found::<V>(&id))
}

/// Puts the vendor's data in this namespace back to the fixtures.
async fn reset_vendor<V: Listed>(
    rqctx: Context,
    _namespace: Header<NamespaceHeader>,
) -> Result<HttpResponseUpdatedNoContent, HttpError> {
    V::context(&rqctx.context().vendors)
        .store
        .reset_namespace(&namespace(&rqctx));
    Ok(HttpResponseUpdatedNoContent())
}
