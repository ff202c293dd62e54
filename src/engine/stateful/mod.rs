//! Answers of the state inferred from the document (see [`crate::spec::resources`] for the rules):
//! a pet POSTed is there on GET, in the list, changed by PATCH and PUT, marked by an action, gone
//! after DELETE, and 404 after that, with no code and no configuration. The records live in a
//! [`Store`] of [`Records`], one per namespace; every answer is the operation's documented answer
//! with the stored fields laid over it, checked against the document before it leaves.
//!
//! # Layout
//! - `items`: create, read, replace, patch, delete, and operations within an item.
//! - `list`: lists, filtered by parent and by query, paged.
//! - `action`: `POST item/<verb>`, which sets what the verb names.
//! - `singleton`: literal-only paths with a read and a write.
//! - `shape`: records laid over documented answers (wrappers, `oneOf` branches, `writeOnly`).
//! - `ids`: ids made for created items.
//! - `missing`: 404 and 409, documented or not.
//! - `seeds`: the records every namespace starts with, from examples and fixtures.

mod action;
mod ids;
mod items;
mod list;
mod missing;
mod seeds;
mod shape;
mod singleton;
mod stamps;

use serde_json::Value;

use super::Answering;
use crate::exchange::Reply;
use crate::spec::resources::{Role, RoleKind};
use crate::state::records::{Records, Stateful};

pub(crate) use ids::{text_of as id_text, typed as typed_id};
pub(crate) use seeds::seed_records;
pub use seeds::StateFixtures;

/// The answer of the inferred state to a request that keeps to the document, or `None` where the
/// operation has no role (or its role cannot act: a create without an id field) and the
/// stateless engine answers.
pub(crate) fn answer(answering: &Answering<'_>, state: &Stateful) -> Option<Reply> {
    let resources = answering.document.resources();
    let role = resources.role(answering.index)?;
    let target = (role.kind.name().starts_with("singleton"), role.target);
    if state.vendor_owned.contains(&target) {
        return None;
    }
    let at = State { answering, state, role };
    match &role.kind {
        RoleKind::Create => items::create(&at),
        RoleKind::Read => Some(items::read(&at)),
        RoleKind::Replace => Some(items::replace(&at)),
        RoleKind::Patch => Some(items::patch(&at)),
        RoleKind::Delete => Some(items::delete(&at)),
        RoleKind::Within => items::within(&at),
        RoleKind::List => list::list(&at),
        RoleKind::Action(verb) => Some(action::act(&at, verb)),
        RoleKind::SingletonRead => Some(singleton::read(&at)),
        RoleKind::SingletonReplace => Some(singleton::replace(&at, false)),
        RoleKind::SingletonPatch => Some(singleton::replace(&at, true)),
        RoleKind::SingletonClear => Some(singleton::clear(&at)),
    }
}

/// One request to an operation with a role.
struct State<'a> {
    answering: &'a Answering<'a>,
    state: &'a Stateful,
    role: &'a Role,
}

impl State<'_> {
    fn resource(&self) -> &'static crate::spec::resources::Resource {
        &self.answering.document.resources().resources[self.role.target]
    }

    fn document(&self) -> &'static Value {
        self.answering.document.json()
    }

    /// The values of the resource's parent variables in this request.
    fn scope(&self) -> Vec<String> {
        self.role
            .scope_params
            .iter()
            .map(|name| self.answering.request.param(name).unwrap_or_default().to_string())
            .collect()
    }

    /// The item's id in this request's path.
    fn id(&self) -> Option<&str> {
        self.answering.request.param(self.role.id_param.as_deref()?)
    }

    fn namespace(&self) -> &str {
        self.answering.request.namespace()
    }

    /// Reads the namespace's records.
    fn read<R>(&self, f: impl FnOnce(&Records) -> R) -> R {
        self.state.store.read(self.namespace(), "", self.answering.now, f)
    }

    /// Changes the namespace's records (`f` says whether it changed them, through `change`).
    fn update<R>(&self, f: impl FnOnce(&mut crate::state::store::Tenant<'_, Records>) -> R) -> R {
        self.state.store.update(self.namespace(), "", self.answering.now, f)
    }

    /// The status this operation answers with when nothing goes wrong.
    fn success_status(&self) -> http::StatusCode {
        let operation = self.answering.operation;
        let responses = &self
            .answering
            .document
            .operation_object(operation.method, operation.template)["responses"];
        super::status::default_for(operation.method, responses)
    }

    /// The request's JSON body as an object without the fields a client does not set (`readOnly`).
    fn body_fields(&self) -> serde_json::Map<String, Value> {
        let mut fields = match self.answering.request.json() {
            Some(Value::Object(fields)) => fields.clone(),
            _ => serde_json::Map::new(),
        };
        for name in &self.resource().read_only {
            fields.remove(name);
        }
        fields
    }
}
