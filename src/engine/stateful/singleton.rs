//! Singletons (`/users/me`, `/account`): PUT sets, PATCH merges, DELETE clears, and GET on an
//! empty one is 404. Each credential has its own where the operations declare security, else the
//! namespace has one.

use serde_json::Value;

use super::{shape, State};
use crate::exchange::Reply;

/// Whose singleton a request reaches: its credential where security is declared.
fn owner(at: &State<'_>) -> String {
    let singleton = &at.answering.document.resources().singletons[at.role.target];
    if !singleton.per_credential {
        return String::new();
    }
    let request = at.answering.request;
    if let Some(authorization) = request.header(http::header::AUTHORIZATION) {
        return authorization.to_string();
    }
    // An API key in a header or the query, as the document's schemes name it.
    let schemes = &at.document()["components"]["securitySchemes"];
    let query = request.query.as_deref().unwrap_or("");
    schemes
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, scheme)| scheme["type"] == "apiKey")
        .find_map(|(_, scheme)| {
            let name = scheme["name"].as_str()?;
            match scheme["in"].as_str()? {
                "header" => request.header(name).map(str::to_string),
                "query" => form_urlencoded::parse(query.as_bytes())
                    .find(|(k, _)| k == name)
                    .map(|(_, v)| v.into_owned()),
                "cookie" => request.header(http::header::COOKIE).map(str::to_string),
                _ => None,
            }
        })
        .unwrap_or_default()
}

/// The value `owner` sees: its own, else the namespace's seed; a cleared one is `Null`.
fn current(records: &crate::state::records::Records, at: usize, owner: &str) -> Option<Value> {
    records
        .singleton(at, owner)
        .or_else(|| records.singleton(at, ""))
        .filter(|value| !value.is_null())
        .cloned()
}

pub(super) fn read(at: &State<'_>) -> Reply {
    let owner = owner(at);
    let value = at.read(|records| current(records, at.role.target, &owner));
    match value {
        Some(value) => shape::item(at.answering, at.success_status(), &value).in_state("singleton-read", "read"),
        None => super::missing::not_found(at, "nothing is set here"),
    }
}

/// PUT (`merge` false) sets the value; PATCH merges into what is there.
pub(super) fn replace(at: &State<'_>, merge: bool) -> Reply {
    let owner = owner(at);
    let body = Value::Object(at.body_fields_of_singleton());
    let value = at.update(|tenant| {
        let mut value = match (merge, current(tenant, at.role.target, &owner)) {
            (true, Some(old)) => old,
            _ => Value::Object(Default::default()),
        };
        json_patch::merge(&mut value, &body);
        if !merge {
            value = body.clone();
        }
        tenant.change().set_singleton(at.role.target, &owner, value.clone());
        value
    });
    let role = if merge { "singleton-patch" } else { "singleton-replace" };
    shape::item(at.answering, at.success_status(), &value).in_state(role, "set")
}

pub(super) fn clear(at: &State<'_>) -> Reply {
    let owner = owner(at);
    // Cleared is `Null`, not absent: the namespace's seed must not show through again.
    let cleared = at.update(|tenant| {
        let old = current(tenant, at.role.target, &owner)?;
        tenant.change().set_singleton(at.role.target, &owner, Value::Null);
        Some(old)
    });
    match cleared {
        Some(old) => shape::item(at.answering, at.success_status(), &old).in_state("singleton-clear", "cleared"),
        None => super::missing::not_found(at, "nothing is set here"),
    }
}

impl State<'_> {
    /// The request's JSON object, without the fields the request schema or answer marks `readOnly`.
    fn body_fields_of_singleton(&self) -> serde_json::Map<String, Value> {
        match self.answering.request.json() {
            Some(Value::Object(fields)) => fields.clone(),
            _ => serde_json::Map::new(),
        }
    }
}
