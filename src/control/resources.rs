//! Control endpoints for the state inferred from any served document: list an API's resources,
//! and read, seed, replace and delete their records in a namespace. Their shape does not depend on
//! the loaded documents: the API and the resource are path parameters. (Under `/apis/{api}`, not
//! `/{api}`: dropshot does not route a variable beside the control API's literal first segments.)

use std::sync::Arc;

use dropshot::{
    endpoint, ApiDescription, Header, HttpError, HttpResponseCreated, HttpResponseDeleted, HttpResponseOk, Path, Query,
    RequestContext,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::timed_body::TimedBody;
use super::{namespace, ControlContext, NamespaceHeader};
use crate::spec::resources::Resource;
use crate::spec::Document;
use crate::state::records::Key;
use crate::state::records::Stateful;

type Context = RequestContext<Arc<ControlContext>>;

pub fn register(api: &mut ApiDescription<Arc<ControlContext>>) -> Result<(), String> {
    api.register(resources_list).map_err(|e| e.to_string())?;
    api.register(records_list).map_err(|e| e.to_string())?;
    api.register(record_create).map_err(|e| e.to_string())?;
    api.register(record_read).map_err(|e| e.to_string())?;
    api.register(record_replace).map_err(|e| e.to_string())?;
    api.register(record_delete).map_err(|e| e.to_string())?;
    Ok(())
}

#[derive(Deserialize, JsonSchema)]
struct ApiPath {
    /// The API's name, as in the startup line.
    api: String,
}

#[derive(Deserialize, JsonSchema)]
struct ResourcePath {
    api: String,
    /// The resource's name, as `GET /apis/{api}/resources` lists it.
    resource: String,
}

#[derive(Deserialize, JsonSchema)]
struct RecordPath {
    api: String,
    resource: String,
    /// The record's id, as its path shows it.
    id: String,
}

#[derive(Deserialize, JsonSchema)]
struct ListQuery {
    /// At most this many records, the oldest first (all when absent).
    limit: Option<usize>,
}

#[derive(Deserialize, JsonSchema)]
struct ScopeQuery {
    /// The values of the resource's parent path variables, comma-separated, outermost first (for
    /// `/users/{userId}/orders`: the user's id). Absent: a record found under any parent.
    parents: Option<String>,
}

/// A resource as the control API shows it.
#[derive(Serialize, JsonSchema)]
struct ResourceView {
    name: String,
    /// The collection's path, variables as `{}`.
    collection: String,
    /// The field holding the id, if known.
    id_field: Option<String>,
    /// Which rule found it.
    id_found_by: Option<String>,
    /// Whether requests can create items.
    creatable: bool,
    /// How many records the namespace holds.
    records: usize,
}

/// A record and where it is.
#[derive(Serialize, JsonSchema)]
struct RecordView {
    id: String,
    /// Its parent values, outermost first (empty: seeded for any parent).
    parents: Vec<String>,
    record: Value,
}

/// The API's document and inferred state, or a 404 naming what exists.
fn state_of<'a>(context: &'a ControlContext, api: &str) -> Result<(&'static Document, &'a Stateful), HttpError> {
    context.shared.state(api).ok_or_else(|| {
        let known: Vec<&str> = context
            .shared
            .states
            .get()
            .into_iter()
            .flatten()
            .map(|(d, _)| d.name)
            .collect();
        HttpError::for_not_found(
            None,
            format!(
                "no served API called {api:?} has inferred state (those that do: {})",
                known.join(", ")
            ),
        )
    })
}

fn resource_of(document: &'static Document, name: &str) -> Result<(usize, &'static Resource), HttpError> {
    document.resources().named(name).ok_or_else(|| {
        let known: Vec<&str> = document.resources().resources.iter().map(|r| r.name.as_str()).collect();
        HttpError::for_not_found(
            None,
            format!(
                "{} has no resource {name:?} (it has: {})",
                document.name,
                known.join(", ")
            ),
        )
    })
}

/// What a record endpoint acts on: the namespace and its time, the API's state, and the resource.
struct Target<'a> {
    namespace: String,
    now: chrono::DateTime<chrono::Utc>,
    state: &'a Stateful,
    at: usize,
    resource: &'static Resource,
    document: &'static Document,
}

/// The target of a call naming `api` and `resource`, or the 404 naming what exists.
fn target<'a>(rqctx: &'a Context, api: &str, resource: &str) -> Result<Target<'a>, HttpError> {
    let namespace = namespace(rqctx);
    let context = rqctx.context();
    let (document, state) = state_of(context, api)?;
    let (at, resource) = resource_of(document, resource)?;
    let now = context.shared.clock.now(&namespace);
    Ok(Target {
        namespace,
        now,
        state,
        at,
        resource,
        document,
    })
}

/// The resources inferred from the API's document, with how many records the namespace holds.
#[endpoint { method = GET, path = "/apis/{api}/resources" }]
async fn resources_list(
    rqctx: Context,
    _namespace: Header<NamespaceHeader>,
    path: Path<ApiPath>,
) -> Result<HttpResponseOk<Vec<ResourceView>>, HttpError> {
    let namespace = namespace(&rqctx);
    let context = rqctx.context();
    let (document, state) = state_of(context, &path.into_inner().api)?;
    let now = context.shared.clock.now(&namespace);
    let views = state.store.read(&namespace, "", now, |records| {
        document
            .resources()
            .resources
            .iter()
            .enumerate()
            .map(|(at, resource)| ResourceView {
                name: resource.name.clone(),
                collection: resource.collection.clone(),
                id_field: resource.id.as_ref().and_then(|id| id.field.clone()),
                id_found_by: resource.id.as_ref().map(|id| id.how.clone()),
                creatable: resource.creatable,
                records: records.all(at).filter(|(_, r)| !r.is_null()).count(),
            })
            .collect()
    });
    Ok(HttpResponseOk(views))
}

/// The resource's records in the namespace, oldest first.
#[endpoint { method = GET, path = "/apis/{api}/resources/{resource}" }]
async fn records_list(
    rqctx: Context,
    _namespace: Header<NamespaceHeader>,
    path: Path<ResourcePath>,
    query: Query<ListQuery>,
) -> Result<HttpResponseOk<Vec<RecordView>>, HttpError> {
    let ResourcePath { api, resource } = path.into_inner();
    let limit = query.into_inner().limit.unwrap_or(usize::MAX);
    let Target {
        namespace,
        now,
        state,
        at,
        ..
    } = target(&rqctx, &api, &resource)?;
    let views = state.store.read(&namespace, "", now, |records| {
        records
            .all(at)
            .filter(|(_, r)| !r.is_null())
            .take(limit)
            .map(|(key, record)| view(key, record))
            .collect()
    });
    Ok(HttpResponseOk(views))
}

/// A record is a JSON object: anything else would be answered as no document describes it.
fn object(record: Value) -> Result<Value, HttpError> {
    match record {
        Value::Object(_) => Ok(record),
        _ => Err(HttpError::for_bad_request(None, "a record is a JSON object".into())),
    }
}

fn view(key: &Key, record: &Value) -> RecordView {
    RecordView {
        id: key.id.to_string(),
        parents: key.scope.iter().map(|s| s.to_string()).collect(),
        record: record.clone(),
    }
}

fn parents(query: ScopeQuery) -> Option<Vec<String>> {
    query
        .parents
        .map(|p| p.split(',').map(str::to_string).filter(|s| !s.is_empty()).collect())
}

/// Seeds a record (its id in its id field); `?parents=` places it under its parents.
#[endpoint { method = POST, path = "/apis/{api}/resources/{resource}" }]
async fn record_create(
    rqctx: Context,
    _namespace: Header<NamespaceHeader>,
    path: Path<ResourcePath>,
    query: Query<ScopeQuery>,
    body: TimedBody<Value>,
) -> Result<HttpResponseCreated<RecordView>, HttpError> {
    let ResourcePath { api, resource } = path.into_inner();
    let Target {
        namespace,
        now,
        state,
        at,
        resource: found,
        ..
    } = target(&rqctx, &api, &resource)?;
    let record = object(body.into_inner())?;
    let field = found.id.as_ref().and_then(|id| id.field.as_deref()).ok_or_else(|| {
        HttpError::for_bad_request(
            None,
            format!("{resource} has no known id field (name one with x-understudy-id)"),
        )
    })?;
    let id = record
        .get(field)
        .and_then(crate::engine::id_text)
        .ok_or_else(|| HttpError::for_bad_request(None, format!("the record has no id in its field `{field}`")))?;
    let key = Key::new(&parents(query.into_inner()).unwrap_or_default(), &id);
    state.store.update(&namespace, "", now, |tenant| {
        tenant.change().insert(at, key.clone(), record.clone());
    });
    Ok(HttpResponseCreated(view(&key, &record)))
}

/// The record with this id (under `?parents=`, else under any parent).
#[endpoint { method = GET, path = "/apis/{api}/resources/{resource}/{id}" }]
async fn record_read(
    rqctx: Context,
    _namespace: Header<NamespaceHeader>,
    path: Path<RecordPath>,
    query: Query<ScopeQuery>,
) -> Result<HttpResponseOk<RecordView>, HttpError> {
    let RecordPath { api, resource, id } = path.into_inner();
    let Target {
        namespace,
        now,
        state,
        at,
        ..
    } = target(&rqctx, &api, &resource)?;
    let scope = parents(query.into_inner());
    state
        .store
        .read(&namespace, "", now, |records| {
            find(records, at, scope.as_deref(), &id).and_then(|key| records.get(at, &key).map(|r| view(&key, r)))
        })
        .ok_or_else(|| HttpError::for_not_found(None, format!("{resource} {id} does not exist in {namespace}")))
        .map(HttpResponseOk)
}

fn find(records: &crate::state::records::Records, at: usize, scope: Option<&[String]>, id: &str) -> Option<Key> {
    let key = match scope {
        Some(scope) => records.find(at, scope, id),
        None => records.all(at).find(|(k, _)| &*k.id == id).map(|(k, _)| k.clone()),
    }?;
    records.get(at, &key).filter(|r| !r.is_null()).map(|_| key)
}

/// Replaces (or makes) the record with this id; its id field is set to it.
#[endpoint { method = PUT, path = "/apis/{api}/resources/{resource}/{id}" }]
async fn record_replace(
    rqctx: Context,
    _namespace: Header<NamespaceHeader>,
    path: Path<RecordPath>,
    query: Query<ScopeQuery>,
    body: TimedBody<Value>,
) -> Result<HttpResponseOk<RecordView>, HttpError> {
    let RecordPath { api, resource, id } = path.into_inner();
    let Target {
        namespace,
        now,
        state,
        at,
        resource: found,
        document,
    } = target(&rqctx, &api, &resource)?;
    let mut record = object(body.into_inner())?;
    if let (Some(field), Some(fields)) = (
        found.id.as_ref().and_then(|i| i.field.as_deref()),
        record.as_object_mut(),
    ) {
        // Typed as the id's schema says (`42`, not `"42"`, for an integer id).
        let typed = crate::engine::typed_id(document.json(), &found.id_schema, &id);
        fields.insert(field.to_string(), typed);
    }
    let scope = parents(query.into_inner());
    let key = state.store.update(&namespace, "", now, |tenant| {
        let key = find(tenant, at, scope.as_deref(), &id)
            .unwrap_or_else(|| Key::new(scope.as_deref().unwrap_or_default(), &id));
        tenant.change().insert(at, key.clone(), record.clone());
        key
    });
    Ok(HttpResponseOk(view(&key, &record)))
}

/// Deletes the record with this id (the API then answers 404 for it).
#[endpoint { method = DELETE, path = "/apis/{api}/resources/{resource}/{id}" }]
async fn record_delete(
    rqctx: Context,
    _namespace: Header<NamespaceHeader>,
    path: Path<RecordPath>,
    query: Query<ScopeQuery>,
) -> Result<HttpResponseDeleted, HttpError> {
    let RecordPath { api, resource, id } = path.into_inner();
    let Target {
        namespace,
        now,
        state,
        at,
        ..
    } = target(&rqctx, &api, &resource)?;
    let scope = parents(query.into_inner());
    let removed = state.store.update(&namespace, "", now, |tenant| {
        let key = find(tenant, at, scope.as_deref(), &id)?;
        tenant.change().remove(at, &key)
    });
    match removed {
        Some(_) => Ok(HttpResponseDeleted()),
        None => Err(HttpError::for_not_found(
            None,
            format!("{resource} {id} does not exist in {namespace}"),
        )),
    }
}
