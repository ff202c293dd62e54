//! State inferred from a document: which operations create, read, list, update, act on and delete
//! which resource, and which field is a resource's id, from path shapes, methods and schemas alone.
//! The rules (the README's "State without code" says them to users):
//!
//! - a static suffix inside the last segment is stripped (`{Sid}.json` is `{Sid}`, `Messages.json`
//!   is `Messages`);
//! - a **collection** is a template ending in a literal, its **item** the collection plus `/{param}`;
//!   a **resource** is such a pair with at least one item operation (or an action on its items:
//!   `PUT /sessions/{id}/revoke` alone implies the sessions), *creatable* when
//!   `POST collection` exists or `PUT item` documents 201, and an id field is found;
//! - a resource's parents are the variables of its collection, by position, whatever their names;
//! - a **singleton** is a literal-only path with GET and PUT, PATCH or DELETE and no item form;
//! - an **action** is a non-GET on `item/<literal>` with nothing deeper and no GET beside it;
//! - any other operation under an item needs the item to exist.
//!
//! Anything else is answered statelessly, and [`Resources::notes`] says why where it is not obvious.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::walk;

/// What one operation does to the state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoleKind {
    Create,
    List,
    Read,
    Replace,
    Patch,
    Delete,
    /// A non-GET on `item/<name>`: sets what the name says (`revoke` → `revokedAt`).
    Action(String),
    /// Any other operation under an item: 404 when the item is missing, else stateless.
    Within,
    SingletonRead,
    SingletonReplace,
    SingletonPatch,
    SingletonClear,
}

impl RoleKind {
    /// Its name in the journal and `spec inspect`.
    pub fn name(&self) -> &'static str {
        match self {
            RoleKind::Create => "create",
            RoleKind::List => "list",
            RoleKind::Read => "read",
            RoleKind::Replace => "replace",
            RoleKind::Patch => "patch",
            RoleKind::Delete => "delete",
            RoleKind::Action(_) => "action",
            RoleKind::Within => "within",
            RoleKind::SingletonRead => "singleton-read",
            RoleKind::SingletonReplace => "singleton-replace",
            RoleKind::SingletonPatch => "singleton-patch",
            RoleKind::SingletonClear => "singleton-clear",
        }
    }
}

/// One operation's role.
#[derive(Debug, Clone)]
pub struct Role {
    pub kind: RoleKind,
    /// The resource (or, for the singleton kinds, the singleton) it acts on.
    pub target: usize,
    /// This template's names for the resource's parent variables, in order.
    pub scope_params: Vec<String>,
    /// This template's name for the item's variable (item operations, actions, `Within`).
    pub id_param: Option<String>,
}

/// A collection/item pair.
#[derive(Debug, Clone)]
pub struct Resource {
    /// Unique within the document: the collection's last literal, or its literals joined with `.`.
    pub name: String,
    /// The collection's shape, variables as `{}` (`/users/{}/orders`).
    pub collection: String,
    /// How many parent variables scope its items.
    pub parents: usize,
    /// The resource whose items contain this one's (deleting one of them deletes these).
    pub parent: Option<usize>,
    /// The field that holds the id, and how it was found; `None` where nothing says.
    pub id: Option<IdField>,
    /// The id's schema (the field's, else the path parameter's), for generating ids.
    pub id_schema: Value,
    /// The item's schema, response wrappers taken off.
    pub item_schema: Value,
    /// Top-level `readOnly` fields of the item: a request does not set them.
    pub read_only: Vec<String>,
    /// `PUT item` documents 201: a PUT on a missing item creates it.
    pub put_creates: bool,
    /// Ids can be made (an id field is known, and something creates).
    pub creatable: bool,
}

/// Where a resource's id is.
#[derive(Debug, Clone)]
pub struct IdField {
    /// The item's field; `None` when only the `Location` header carries the id.
    pub field: Option<String>,
    /// Which rule found it, for `spec inspect`.
    pub how: String,
}

/// A literal-only path with a read and a write.
#[derive(Debug, Clone)]
pub struct Singleton {
    pub path: String,
    /// Its operations declare security: each credential has its own.
    pub per_credential: bool,
}

/// Every role of one document.
#[derive(Debug, Clone, Default)]
pub struct Resources {
    pub resources: Vec<Resource>,
    pub singletons: Vec<Singleton>,
    /// By operation index (the document's operation table).
    pub roles: Vec<Option<Role>>,
    /// Why something was not inferred, for `spec inspect`.
    pub notes: Vec<String>,
}

/// One segment of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Variable(String),
}

/// A template's segments, a static suffix or prefix of the last segment stripped; `None` for a
/// variable sharing a segment anywhere else, or two variables in one segment.
fn segments(template: &str) -> Option<Vec<Segment>> {
    let parts: Vec<&str> = template.split('/').filter(|s| !s.is_empty()).collect();
    let last = parts.len().saturating_sub(1);
    parts
        .iter()
        .enumerate()
        .map(|(at, part)| {
            let Some(open) = part.find('{') else {
                // `Messages.json` beside `Messages/{Sid}.json` is the collection `Messages`.
                let literal = match at == last {
                    true => [".json", ".xml"]
                        .iter()
                        .find_map(|ext| part.strip_suffix(ext))
                        .unwrap_or(part),
                    false => part,
                };
                return Some(Segment::Literal(literal.to_string()));
            };
            let close = part.find('}')?;
            let whole = open == 0 && close == part.len() - 1;
            if part[close + 1..].contains('{') || (!whole && at != last) || close < open {
                return None;
            }
            Some(Segment::Variable(part[open + 1..close].to_string()))
        })
        .collect()
}

/// The shape of segments: literals as they are, variables as `{}`.
fn shape(segments: &[Segment]) -> String {
    segments
        .iter()
        .map(|s| match s {
            Segment::Literal(text) => format!("/{text}"),
            Segment::Variable(_) => "/{}".to_string(),
        })
        .collect()
}

fn variables(segments: &[Segment]) -> Vec<String> {
    segments
        .iter()
        .filter_map(|s| match s {
            Segment::Variable(name) => Some(name.clone()),
            Segment::Literal(_) => None,
        })
        .collect()
}

/// An operation by the shape of its template: (index, method, segments).
type Shaped<'a> = (usize, &'a str, Vec<Segment>);

/// The operations of a document as `(index, method, template)`, in table order.
pub type OperationList<'a> = [(usize, &'a str, &'a str)];

impl Resources {
    /// Infers the roles of `operations` (the document's table) in `document`.
    pub fn infer(document: &Value, operations: &OperationList<'_>) -> Resources {
        let mut found = Resources {
            roles: vec![None; operations.len()],
            ..Resources::default()
        };
        let mut by_shape: BTreeMap<String, Vec<Shaped<'_>>> = BTreeMap::new();
        for (index, method, template) in operations {
            match segments(template) {
                Some(segs) => by_shape.entry(shape(&segs)).or_default().push((*index, method, segs)),
                None => found.notes.push(format!(
                    "{method} {template}: a variable inside a segment that is not the last; stateless"
                )),
            }
        }
        let shapes: BTreeSet<&str> = by_shape.keys().map(String::as_str).collect();
        let has_deeper = |shape: &str| {
            let prefix = format!("{shape}/");
            shapes
                .range(prefix.as_str()..)
                .next()
                .is_some_and(|s| s.starts_with(&prefix))
        };

        // Resources: an item shape (a literal, then a variable) that has operations, or that an
        // action names (`/sessions/{id}/revoke` implies the items `/sessions/{id}`).
        let ends_in_item = |shape: &str| {
            shape
                .strip_suffix("/{}")
                .is_some_and(|collection| !collection.is_empty() && !collection.ends_with("/{}"))
        };
        let mut items: BTreeSet<String> = by_shape.keys().filter(|s| ends_in_item(s)).cloned().collect();
        for (shape_key, ops) in &by_shape {
            let Some((item, last)) = shape_key.rsplit_once('/') else {
                continue;
            };
            let acted_on = last != "{}"
                && ends_in_item(item)
                && !has_deeper(shape_key)
                && ops.iter().all(|(_, method, _)| *method != "GET");
            if acted_on {
                items.insert(item.to_string());
            }
        }
        for item in &items {
            let collection = item.strip_suffix("/{}").unwrap_or(item).to_string();
            let parents = collection.matches("/{}").count();
            found.resources.push(Resource {
                name: String::new(),
                collection,
                parents,
                parent: None,
                id: None,
                id_schema: Value::Null,
                item_schema: Value::Null,
                read_only: Vec::new(),
                put_creates: false,
                creatable: false,
            });
        }
        name_resources(&mut found.resources);
        for at in 0..found.resources.len() {
            let collection = found.resources[at].collection.clone();
            found.resources[at].parent = found
                .resources
                .iter()
                .enumerate()
                .filter(|(_, r)| collection.starts_with(&format!("{}/{{}}/", r.collection)))
                .max_by_key(|(_, r)| r.collection.len())
                .map(|(i, _)| i);
        }

        // Roles of the resources' own operations.
        for (at, resource) in found.resources.iter().enumerate() {
            let item = format!("{}/{{}}", resource.collection);
            for (index, method, segs) in by_shape.get(&resource.collection).into_iter().flatten() {
                let kind = match *method {
                    "POST" => RoleKind::Create,
                    "GET" => RoleKind::List,
                    _ => continue,
                };
                found.roles[*index] = Some(role(kind, at, segs, resource.parents, false));
            }
            for (index, method, segs) in by_shape.get(&item).into_iter().flatten() {
                let kind = match *method {
                    "GET" => RoleKind::Read,
                    "PUT" => RoleKind::Replace,
                    "PATCH" => RoleKind::Patch,
                    "DELETE" => RoleKind::Delete,
                    _ => RoleKind::Within,
                };
                found.roles[*index] = Some(role(kind, at, segs, resource.parents, true));
            }
        }
        // Actions and the operations within an item: the deepest resource whose item holds them.
        for (shape_key, ops) in &by_shape {
            let Some((at, resource)) = found
                .resources
                .iter()
                .enumerate()
                .filter(|(_, r)| shape_key.starts_with(&format!("{}/{{}}/", r.collection)))
                .max_by_key(|(_, r)| r.collection.len())
            else {
                continue;
            };
            let item = format!("{}/{{}}", resource.collection);
            let rest: Vec<&str> = shape_key[item.len()..].split('/').filter(|s| !s.is_empty()).collect();
            // A literal under an item that is also read (`GET /users/{id}/orders`) is a collection
            // without item form, not an action: its POST makes something, it does not mark the user.
            let is_read = ops.iter().any(|(_, method, _)| *method == "GET");
            let is_action_shape = rest.len() == 1 && rest[0] != "{}" && !has_deeper(shape_key) && !is_read;
            for (index, method, segs) in ops {
                if found.roles[*index].is_some() {
                    continue;
                }
                let kind = if is_action_shape && *method != "GET" {
                    RoleKind::Action(rest[0].to_string())
                } else {
                    RoleKind::Within
                };
                found.roles[*index] = Some(role(kind, at, segs, resource.parents, true));
            }
        }
        // Singletons: literal-only paths with a read and a write, and no item form.
        for (shape_key, ops) in &by_shape {
            let literal_only = ops
                .first()
                .is_some_and(|(_, _, segs)| segs.iter().all(|s| matches!(s, Segment::Literal(_))));
            if !literal_only || shape_key.is_empty() || by_shape.contains_key(&format!("{shape_key}/{{}}")) {
                continue;
            }
            let methods: Vec<&str> = ops.iter().map(|(_, m, _)| *m).collect();
            let writes = methods.iter().any(|m| matches!(*m, "PUT" | "PATCH" | "DELETE"));
            if !methods.contains(&"GET") || !writes {
                continue;
            }
            let target = found.singletons.len();
            let mut secured = false;
            for (index, method, _) in ops {
                let kind = match *method {
                    "GET" => RoleKind::SingletonRead,
                    "PUT" => RoleKind::SingletonReplace,
                    "PATCH" => RoleKind::SingletonPatch,
                    "DELETE" => RoleKind::SingletonClear,
                    _ => continue,
                };
                let template = operations[*index].2;
                secured |= declares_security(document, template, method);
                found.roles[*index] = Some(Role {
                    kind,
                    target,
                    scope_params: Vec::new(),
                    id_param: None,
                });
            }
            found.singletons.push(Singleton {
                path: shape_key.clone(),
                per_credential: secured,
            });
        }
        for at in 0..found.resources.len() {
            let (id, notes) = describe(document, operations, &found, at);
            found.notes.extend(notes);
            let resource = &mut found.resources[at];
            resource.id = id.id;
            resource.id_schema = id.id_schema;
            resource.item_schema = id.item_schema;
            resource.read_only = id.read_only;
            resource.put_creates = id.put_creates;
            resource.creatable = resource.id.is_some() && (id.has_create || id.put_creates);
        }
        found
    }

    /// The role of operation `index`, if it has one.
    pub fn role(&self, index: usize) -> Option<&Role> {
        self.roles.get(index)?.as_ref()
    }

    /// The resource named `name`.
    pub fn named(&self, name: &str) -> Option<(usize, &Resource)> {
        self.resources.iter().enumerate().find(|(_, r)| r.name == name)
    }

    /// The resources nested in resource `at`, at any depth.
    pub fn descendants(&self, at: usize) -> Vec<usize> {
        let mut found = Vec::new();
        let mut frontier = vec![at];
        while let Some(parent) = frontier.pop() {
            for (child, resource) in self.resources.iter().enumerate() {
                if resource.parent == Some(parent) {
                    found.push(child);
                    frontier.push(child);
                }
            }
        }
        found
    }
}

fn role(kind: RoleKind, target: usize, segs: &[Segment], parents: usize, item: bool) -> Role {
    let names = variables(segs);
    Role {
        kind,
        target,
        scope_params: names.iter().take(parents).cloned().collect(),
        id_param: if item { names.get(parents).cloned() } else { None },
    }
}

/// Gives each resource a unique name: its last literal, else its literals joined with `.`.
fn name_resources(resources: &mut [Resource]) {
    let literals = |collection: &str| -> Vec<String> {
        collection
            .split('/')
            .filter(|s| !s.is_empty() && *s != "{}")
            .map(str::to_string)
            .collect()
    };
    let lasts: Vec<String> = resources
        .iter()
        .map(|r| literals(&r.collection).last().cloned().unwrap_or_default())
        .collect();
    for (at, resource) in resources.iter_mut().enumerate() {
        let clashes = lasts.iter().filter(|l| **l == lasts[at]).count() > 1;
        resource.name = if clashes {
            literals(&resource.collection).join(".")
        } else {
            lasts[at].clone()
        };
    }
}

fn declares_security(document: &Value, template: &str, method: &str) -> bool {
    let operation = &document["paths"][template][method.to_ascii_lowercase()];
    let security = operation.get("security").or_else(|| document.get("security"));
    security.and_then(Value::as_array).is_some_and(|alternatives| {
        !alternatives.is_empty()
            && alternatives
                .iter()
                .all(|a| a.as_object().is_some_and(|o| !o.is_empty()))
    })
}

/// What [`describe`] finds out about a resource from its operations' schemas.
struct Described {
    id: Option<IdField>,
    id_schema: Value,
    item_schema: Value,
    read_only: Vec<String>,
    put_creates: bool,
    has_create: bool,
}

/// A resource's item schema, id field and the rest, from its operations.
fn describe(
    document: &Value,
    operations: &OperationList<'_>,
    found: &Resources,
    at: usize,
) -> (Described, Vec<String>) {
    let resource = &found.resources[at];
    let ops: Vec<(&Role, &str, &str)> = found
        .roles
        .iter()
        .enumerate()
        .filter_map(|(i, r)| {
            r.as_ref()
                .filter(|r| r.target == at && !is_singleton(&r.kind))
                .map(|r| (r, i))
        })
        .map(|(r, i)| (r, operations[i].1, operations[i].2))
        .collect();
    let of_kind = |kind: RoleKind| {
        ops.iter()
            .find(|(r, _, _)| r.kind == kind)
            .map(|(r, m, t)| (*r, *m, *t))
    };
    let read = of_kind(RoleKind::Read);
    let create = of_kind(RoleKind::Create);
    let replace = of_kind(RoleKind::Replace);
    let put_creates = replace.is_some_and(|(_, m, t)| documents_status(document, t, m, "201"));
    // The item's schema: what reading it answers, else what creating answers, else what PUT takes.
    let item_schema = read
        .and_then(|(_, m, t)| response_schema(document, t, m))
        .or_else(|| create.and_then(|(_, m, t)| response_schema(document, t, m)))
        .map(|s| unwrap(document, s).0.clone())
        .or_else(|| replace.and_then(|(_, m, t)| request_schema(document, t, m)).cloned())
        .or_else(|| {
            // What an action answers, where nothing reads the item (`PUT /sessions/{id}/revoke`).
            ops.iter()
                .filter(|(r, _, _)| matches!(r.kind, RoleKind::Action(_)))
                .find_map(|(_, m, t)| response_schema(document, t, m))
                .map(|s| unwrap(document, s).0.clone())
        })
        .unwrap_or(Value::Null);
    let fields = properties(document, &item_schema);
    let read_only: Vec<String> = fields
        .iter()
        .filter(|(_, schema)| walk::resolve(document, schema)["readOnly"] == Value::Bool(true))
        .map(|(name, _)| (*name).to_string())
        .collect();
    let item_op = read
        .or(replace)
        .or_else(|| ops.iter().find(|(r, _, _)| r.id_param.is_some()).copied());
    let id_param = item_op.and_then(|(r, _, _)| r.id_param.clone());
    let mut notes = Vec::new();

    let mut id = extension_id(document, operations, &ops, &item_schema)
        .or_else(|| create.and_then(|(_, m, t)| link_id(document, t, m, id_param.as_deref())));
    if id.is_none() {
        if let Some(param) = &id_param {
            id = matched_field(param, &resource.name, &fields).map(|(field, rule)| IdField {
                field: Some(field.to_string()),
                how: format!("the path parameter `{param}` is the field `{field}` ({rule})"),
            });
            // An id only the create answer carries (a read that answers a status, not the item).
            let created = create
                .and_then(|(_, m, t)| response_schema(document, t, m))
                .map(|s| properties(document, unwrap(document, s).0))
                .unwrap_or_default();
            if id.is_none() {
                id = matched_field(param, &resource.name, &created).map(|(field, rule)| IdField {
                    field: Some(field.to_string()),
                    how: format!("the path parameter `{param}` is the create answer's field `{field}` ({rule})"),
                });
            }
        }
    }
    if id.is_none() && create.is_some_and(|(_, m, t)| documents_location(document, t, m)) {
        id = Some(IdField {
            field: None,
            how: "the last segment of the create answer's `Location` header".to_string(),
        });
    }
    if id.is_none() {
        notes.push(format!(
            "resource `{}` ({}): no field of its item is its id; only seeds fill it (name one with x-understudy-id)",
            resource.name, resource.collection
        ));
    }
    let id_schema = id
        .as_ref()
        .and_then(|id| id.field.as_deref())
        .and_then(|field| fields.iter().find(|(name, _)| *name == field))
        .map(|(_, schema)| (*schema).clone())
        .or_else(|| {
            item_op.and_then(|(_, m, t)| {
                path_parameter_schema(document, t, m, id_param.as_deref().unwrap_or_default()).cloned()
            })
        })
        .unwrap_or(Value::Null);
    (
        Described {
            id,
            id_schema,
            item_schema,
            read_only,
            put_creates,
            has_create: create.is_some(),
        },
        notes,
    )
}

fn is_singleton(kind: &RoleKind) -> bool {
    matches!(
        kind,
        RoleKind::SingletonRead | RoleKind::SingletonReplace | RoleKind::SingletonPatch | RoleKind::SingletonClear
    )
}

/// `x-understudy-id` (or Specmatic's `x-id-field`) on an operation, its path item, or the item schema.
fn extension_id(
    document: &Value,
    operations: &OperationList<'_>,
    ops: &[(&Role, &str, &str)],
    item_schema: &Value,
) -> Option<IdField> {
    let named = |value: &Value| {
        ["x-understudy-id", "x-id-field"]
            .iter()
            .find_map(|key| value.get(*key).and_then(Value::as_str).map(|f| (*key, f.to_string())))
    };
    let _ = operations;
    let mut places: Vec<&Value> = Vec::new();
    for (_, method, template) in ops {
        places.push(&document["paths"][*template][method.to_ascii_lowercase()]);
        places.push(&document["paths"][*template]);
    }
    places.push(walk::resolve(document, item_schema));
    places.into_iter().find_map(named).map(|(key, field)| IdField {
        how: format!("{key}: {field}"),
        field: Some(field),
    })
}

/// The field an OpenAPI link of the create answer takes the item's id from
/// (`$response.body#/id`, wrappers taken off).
fn link_id(document: &Value, template: &str, method: &str, id_param: Option<&str>) -> Option<IdField> {
    let responses = document["paths"][template][method.to_ascii_lowercase()]["responses"].as_object()?;
    let mut candidates: Vec<(bool, String)> = Vec::new();
    for (status, response) in responses {
        if !status.starts_with('2') {
            continue;
        }
        let response = walk::resolve(document, response);
        for link in response["links"].as_object().into_iter().flat_map(|l| l.values()) {
            let link = walk::resolve(document, link);
            for (name, expression) in link["parameters"].as_object().into_iter().flatten() {
                let Some(pointer) = expression.as_str().and_then(|e| e.strip_prefix("$response.body#/")) else {
                    continue;
                };
                let field = pointer.rsplit('/').next().unwrap_or(pointer).to_string();
                candidates.push((Some(name.as_str()) == id_param, field));
            }
        }
    }
    candidates.sort_by_key(|(named_alike, _)| !named_alike);
    let (_, field) = candidates.into_iter().next()?;
    Some(IdField {
        how: format!("an OpenAPI link of the create answer takes `{field}`"),
        field: Some(field),
    })
}

/// The item field a path parameter names: the same name; the same once normalised (`petId` and
/// `pet_id`); `id` for `<resource>Id`; then the usual synonyms.
fn matched_field<'a>(param: &str, resource: &str, fields: &[(&'a str, &Value)]) -> Option<(&'a str, &'static str)> {
    let names: Vec<&str> = fields.iter().map(|(n, _)| *n).collect();
    if let Some(name) = names.iter().find(|n| **n == param) {
        return Some((name, "the same name"));
    }
    if let Some(name) = names.iter().find(|n| normalise(n) == normalise(param)) {
        return Some((name, "the same name, normalised"));
    }
    let singulars = singulars(&normalise(resource));
    let p = normalise(param);
    let names_the_resource = p.ends_with("id");
    if names_the_resource {
        if let Some(name) = names.iter().find(|n| **n == "id") {
            return Some((name, "`id` for `<resource>Id`"));
        }
    }
    let named_after = |n: &str| singulars.iter().any(|s| p == format!("{s}{}", normalise(n)));
    if let Some(name) = names.iter().find(|n| named_after(n)) {
        return Some((name, "`<field>` for `<resource><Field>`"));
    }
    ["id", "uuid", "uid", "slug"]
        .iter()
        .find_map(|synonym| names.iter().find(|n| normalise(n) == *synonym))
        .map(|name| (*name, "a usual name of an id"))
}

/// Lower case without `_` and `-`.
pub(crate) fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// What a plural may be the plural of: `shelves` is `shelf` or `shelve`, `boxes` `box` or `boxe`.
fn singulars(name: &str) -> Vec<String> {
    let mut found = vec![name.to_string()];
    if let Some(stem) = name.strip_suffix("ies") {
        found.push(format!("{stem}y"));
    }
    if let Some(stem) = name.strip_suffix("ves") {
        found.push(format!("{stem}f"));
    }
    if let Some(stem) = name.strip_suffix("es") {
        found.push(stem.to_string());
    }
    if let Some(stem) = name.strip_suffix('s') {
        found.push(stem.to_string());
    }
    found
}

fn documents_status(document: &Value, template: &str, method: &str, status: &str) -> bool {
    document["paths"][template][method.to_ascii_lowercase()]["responses"]
        .get(status)
        .is_some()
}

fn documents_location(document: &Value, template: &str, method: &str) -> bool {
    let responses = &document["paths"][template][method.to_ascii_lowercase()]["responses"];
    responses.as_object().into_iter().flatten().any(|(status, response)| {
        status.starts_with('2')
            && walk::resolve(document, response)["headers"]
                .as_object()
                .is_some_and(|h| h.keys().any(|k| k.eq_ignore_ascii_case("location")))
    })
}

fn path_parameter_schema<'a>(document: &'a Value, template: &str, method: &str, name: &str) -> Option<&'a Value> {
    let item = &document["paths"][template];
    let operation = &item[method.to_ascii_lowercase()];
    [&operation["parameters"], &item["parameters"]]
        .into_iter()
        .filter_map(Value::as_array)
        .flatten()
        .map(|p| walk::resolve(document, p))
        .find(|p| p["in"] == "path" && p["name"] == name)
        .and_then(|p| p.get("schema"))
}

/// The JSON schema of the lowest documented 2xx answer of an operation.
pub(crate) fn response_schema<'a>(document: &'a Value, template: &str, method: &str) -> Option<&'a Value> {
    let responses = document["paths"][template][method.to_ascii_lowercase()]["responses"].as_object()?;
    let mut statuses: Vec<&String> = responses.keys().filter(|s| s.starts_with('2')).collect();
    statuses.sort();
    statuses
        .into_iter()
        .find_map(|status| json_schema(document, walk::resolve(document, &responses[status])))
}

/// The JSON schema of an operation's request body.
pub(crate) fn request_schema<'a>(document: &'a Value, template: &str, method: &str) -> Option<&'a Value> {
    let body = walk::resolve(
        document,
        &document["paths"][template][method.to_ascii_lowercase()]["requestBody"],
    );
    json_schema(document, body)
}

/// The schema of a response's or request body's JSON media type.
pub(crate) fn json_schema<'a>(document: &'a Value, object: &'a Value) -> Option<&'a Value> {
    let content = object["content"].as_object()?;
    content
        .iter()
        .find(|(media, _)| super::is_json_media(media))
        .and_then(|(_, m)| walk::resolve(document, m).get("schema"))
}

/// The properties an object schema names, through `$ref`, `allOf` and the branches of
/// `oneOf`/`anyOf` (the first schema naming a property wins).
pub(crate) fn properties<'a>(document: &'a Value, schema: &'a Value) -> Vec<(&'a str, &'a Value)> {
    let mut found: Vec<(&'a str, &'a Value)> = Vec::new();
    collect_properties(document, schema, 0, &mut found);
    found
}

fn collect_properties<'a>(document: &'a Value, schema: &'a Value, depth: usize, found: &mut Vec<(&'a str, &'a Value)>) {
    if depth > 16 {
        return;
    }
    let schema = walk::resolve(document, schema);
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        if !found.iter().any(|(n, _)| *n == name) {
            found.push((name.as_str(), property));
        }
    }
    for key in ["allOf", "oneOf", "anyOf"] {
        for part in schema[key].as_array().into_iter().flatten() {
            collect_properties(document, part, depth + 1, found);
        }
    }
}

/// Whether a schema describes objects (it names properties, or says `type: object`).
pub(crate) fn is_object_schema(document: &Value, schema: &Value) -> bool {
    let resolved = walk::resolve(document, schema);
    resolved["type"] == "object" || !properties(document, schema).is_empty()
}

/// An answer schema with its wrapper taken off: `{data: Item}` (or `item`, `result`, or a lone
/// object property) gives `Item` and `Some("data")`.
pub(crate) fn unwrap<'a>(document: &'a Value, schema: &'a Value) -> (&'a Value, Option<&'a str>) {
    let fields = properties(document, schema);
    let wrapped = fields
        .iter()
        .find(|(name, s)| matches!(*name, "data" | "item" | "result") && is_object_schema(document, s))
        .or_else(|| {
            (fields.len() == 1)
                .then(|| &fields[0])
                .filter(|(_, s)| is_object_schema(document, s) && walk::resolve(document, s)["type"] != "array")
        });
    match wrapped {
        Some((name, inner)) => (*inner, Some(*name)),
        None => (schema, None),
    }
}

/// Where a list answer keeps its items: the answer itself (`None`) for an array, else the array
/// property named `data`, `items`, `results`, … or the first one whose items are objects.
pub(crate) fn list_field<'a>(document: &'a Value, schema: &'a Value, resource: &str) -> Option<Option<&'a str>> {
    let resolved = walk::resolve(document, schema);
    if resolved["type"] == "array" || resolved.get("items").is_some() {
        return Some(None);
    }
    let fields = properties(document, schema);
    let arrays: Vec<&(&str, &Value)> = fields
        .iter()
        .filter(|(_, s)| {
            let s = walk::resolve(document, s);
            s["type"] == "array" || s.get("items").is_some()
        })
        .collect();
    let preferred = ["data", "items", "results", "records", "elements", resource];
    arrays
        .iter()
        .find(|(name, _)| preferred.contains(name))
        .or_else(|| arrays.first())
        .map(|(name, _)| Some(*name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn infer(document: &Value) -> (Resources, Vec<(String, String)>) {
        let ops: Vec<(String, String)> = walk::operations(document)
            .map(|(path, method, _)| (method.to_uppercase(), path.to_string()))
            .collect();
        let list: Vec<(usize, &str, &str)> = ops
            .iter()
            .enumerate()
            .map(|(i, (m, t))| (i, m.as_str(), t.as_str()))
            .collect();
        (Resources::infer(document, &list), ops)
    }

    fn role_of<'a>(found: &'a Resources, ops: &[(String, String)], method: &str, template: &str) -> Option<&'a Role> {
        let index = ops.iter().position(|(m, t)| m == method && t == template)?;
        found.role(index)
    }

    fn ok(schema: Value) -> Value {
        json!({"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}})
    }

    #[test]
    fn a_collection_and_its_item_make_a_resource_with_every_role() {
        let pet = json!({"type": "object", "properties": {"id": {"type": "integer", "readOnly": true}, "name": {"type": "string"}}});
        let document = json!({"paths": {
            "/pets": {"get": {"responses": ok(json!({"type": "array", "items": pet}))}, "post": {"responses": {"201": {"description": "made", "content": {"application/json": {"schema": pet}}}}}},
            "/pets/{petId}": {"get": {"responses": ok(pet.clone())}, "patch": {"responses": ok(pet.clone())}, "put": {"responses": ok(pet.clone())}, "delete": {"responses": {"204": {"description": "gone"}}}},
            "/pets/{petId}/adopt": {"post": {"responses": ok(pet.clone())}},
            "/pets/{petId}/photos": {"get": {"responses": ok(json!({"type": "array"}))}},
        }});
        let (found, ops) = infer(&document);
        assert_eq!(found.resources.len(), 1);
        let pets = &found.resources[0];
        assert_eq!(pets.name, "pets");
        assert_eq!(
            pets.id.as_ref().unwrap().field.as_deref(),
            Some("id"),
            "petId is `id` for `<resource>Id`"
        );
        assert!(pets.creatable);
        assert_eq!(pets.read_only, vec!["id"]);
        let kind = |m: &str, t: &str| role_of(&found, &ops, m, t).map(|r| r.kind.clone());
        assert_eq!(kind("POST", "/pets"), Some(RoleKind::Create));
        assert_eq!(kind("GET", "/pets"), Some(RoleKind::List));
        assert_eq!(kind("GET", "/pets/{petId}"), Some(RoleKind::Read));
        assert_eq!(kind("PATCH", "/pets/{petId}"), Some(RoleKind::Patch));
        assert_eq!(kind("PUT", "/pets/{petId}"), Some(RoleKind::Replace));
        assert_eq!(kind("DELETE", "/pets/{petId}"), Some(RoleKind::Delete));
        assert_eq!(
            kind("POST", "/pets/{petId}/adopt"),
            Some(RoleKind::Action("adopt".into()))
        );
        assert_eq!(kind("GET", "/pets/{petId}/photos"), Some(RoleKind::Within));
    }

    #[test]
    fn parents_are_scoped_by_position_whatever_their_names() {
        let order = json!({"type": "object", "properties": {"orderId": {"type": "string"}}});
        let document = json!({"paths": {
            "/users/{a}/orders": {"get": {"responses": ok(json!({"type": "array", "items": order}))}},
            "/users/{b}/orders/{orderId}": {"get": {"responses": ok(order.clone())}},
            "/Accounts/{AccountSid}/Messages.json": {"post": {"responses": ok(order.clone())}},
            "/Accounts/{AccountSid}/Messages/{Sid}.json": {"get": {"responses": ok(order.clone())}},
        }});
        let (found, ops) = infer(&document);
        let list = role_of(&found, &ops, "GET", "/users/{a}/orders").unwrap();
        let read = role_of(&found, &ops, "GET", "/users/{b}/orders/{orderId}").unwrap();
        assert_eq!(list.target, read.target, "one resource");
        assert_eq!(list.scope_params, vec!["a"]);
        assert_eq!(read.scope_params, vec!["b"]);
        assert_eq!(read.id_param.as_deref(), Some("orderId"));
        assert_eq!(
            found.resources[read.target].id.as_ref().unwrap().field.as_deref(),
            Some("orderId")
        );
        let sms = role_of(&found, &ops, "GET", "/Accounts/{AccountSid}/Messages/{Sid}.json").unwrap();
        assert_eq!(sms.kind, RoleKind::Read, "`{{Sid}}.json` is `{{Sid}}`");
        assert_eq!(sms.id_param.as_deref(), Some("Sid"));
    }

    #[test]
    fn singletons_are_literal_paths_with_a_read_and_a_write_and_no_item() {
        let me = json!({"type": "object", "properties": {"name": {"type": "string"}}});
        let document = json!({"security": [{"bearer": []}], "paths": {
            "/users/me": {"get": {"responses": ok(me.clone())}, "patch": {"responses": ok(me.clone())}},
            "/users/{id}": {"get": {"responses": ok(me.clone())}},
            "/users": {"get": {"responses": ok(json!({"type": "array", "items": me}))}},
            "/status": {"get": {"responses": ok(me.clone())}},
        }});
        let (found, ops) = infer(&document);
        let me = role_of(&found, &ops, "PATCH", "/users/me").unwrap();
        assert_eq!(me.kind, RoleKind::SingletonPatch);
        assert!(found.singletons[me.target].per_credential);
        assert!(
            role_of(&found, &ops, "GET", "/status").is_none(),
            "a read alone is not a singleton"
        );
        assert!(!found.resources[0].creatable, "nothing creates users");
    }

    #[test]
    fn the_id_comes_from_an_extension_a_link_or_location_before_giving_up() {
        let thing =
            json!({"type": "object", "properties": {"cardNumber": {"type": "string"}, "name": {"type": "string"}}});
        let made = json!({"201": {"description": "made", "headers": {"Location": {"schema": {"type": "string"}}}}});
        let document = json!({"paths": {
            "/members": {"post": {"responses": made}},
            "/members/{memberNo}": {"x-understudy-id": "cardNumber", "get": {"responses": ok(thing.clone())}},
            "/cards": {"post": {"responses": made}},
            "/cards/{cardNo}": {"get": {"responses": ok(thing.clone())}},
            "/notes": {"get": {"responses": ok(json!({"type": "array"}))}},
            "/notes/{n}": {"get": {"responses": ok(json!({"type": "object", "properties": {"text": {"type": "string"}}}))}},
        }});
        let (found, _) = infer(&document);
        let id = |name: &str| found.named(name).unwrap().1.id.clone();
        assert_eq!(id("members").unwrap().field.as_deref(), Some("cardNumber"));
        let cards = id("cards").unwrap();
        assert_eq!(cards.field, None, "{}", cards.how);
        assert!(id("notes").is_none());
        assert!(!found.named("notes").unwrap().1.creatable);
        assert!(found.notes.iter().any(|n| n.contains("`notes`")));
    }

    #[test]
    fn wrappers_are_taken_off() {
        let item = json!({"type": "object", "properties": {"id": {"type": "string"}}});
        let document = json!({});
        let wrapped = json!({"type": "object", "properties": {"data": item}});
        assert_eq!(unwrap(&document, &wrapped), (&item, Some("data")));
        let plain = json!({"type": "object", "properties": {"id": {"type": "string"}, "name": {"type": "string"}}});
        assert_eq!(unwrap(&document, &plain).1, None);
        let list = json!({"type": "object", "properties": {"total": {"type": "integer"}, "results": {"type": "array", "items": item}}});
        assert_eq!(list_field(&document, &list, "x"), Some(Some("results")));
    }
}
