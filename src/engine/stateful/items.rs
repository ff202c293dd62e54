//! One item's life: create (an id from the body or made), read, replace (PUT, which creates where
//! 201 is documented), patch (RFC 7396 merge, or RFC 6902 for `application/json-patch+json`),
//! delete (with the items nested in it), and any other operation under it, which needs it there.

use http::{HeaderValue, StatusCode};
use serde_json::{Map, Value};

use super::stamps::{self, Change};
use super::{ids, missing, shape, State};
use crate::exchange::Reply;
use crate::spec::resources::{normalise, properties, response_schema, unwrap};
use crate::state::records::Key;

/// `POST collection`: `None` (answered statelessly) where the resource has no id field.
pub(super) fn create(at: &State<'_>) -> Option<Reply> {
    let resource = at.resource();
    let id_field = resource.id.as_ref()?;
    if !parent_exists(at) {
        return Some(missing::not_found(
            at,
            "the item this one would belong to does not exist",
        ));
    }
    let scope = at.scope();
    let mut fields = at.body_fields();
    let client_id = id_field
        .field
        .as_ref()
        .and_then(|field| fields.get(field))
        .and_then(ids::text_of);
    let generator = crate::engine::body::generator(at.answering);
    // Claim the id under the lock: the check and the claim are one step.
    let claimed = at.update(|tenant| {
        if let Some(text) = &client_id {
            if tenant.find(at.role.target, &scope, text).is_some() {
                return Err(text.clone());
            }
            let key = Key::new(&scope, text);
            tenant.change().insert(at.role.target, key.clone(), Value::Null);
            return Ok((None, key));
        }
        let place = ids::Place {
            records: tenant,
            resource: at.role.target,
            scope: &scope,
        };
        let (value, text) = ids::make(
            &generator,
            &resource.id_schema,
            &place,
            &resource.name,
            at.answering.seed,
        );
        let key = Key::new(&scope, &text);
        tenant.change().insert(at.role.target, key.clone(), Value::Null);
        Ok((Some(value), key))
    });
    let (made_id, key) = match claimed {
        Ok(claimed) => claimed,
        Err(taken) => {
            return Some(missing::conflict(
                at,
                &format!("{} {taken} already exists", resource.name),
            ))
        }
    };
    if let (Some(field), Some(value)) = (&id_field.field, made_id) {
        fields.insert(field.clone(), value);
    }
    set_parents(at, &mut fields, &scope);
    let record = stamped(at, over_base(at, fields), Change::Created);
    at.update(|tenant| {
        if tenant.get(at.role.target, &key).is_some() {
            tenant.change().insert(at.role.target, key.clone(), record.clone());
        }
    });
    let status = at.success_status();
    let mut reply = shape::item(at.answering, status, &record).in_state("create", "created");
    if documents_location(at, status) {
        // Absolute, as a `format: uri` Location requires, from the Host the client used.
        let host = at.answering.request.header(http::header::HOST).unwrap_or("localhost");
        let base = &at.answering.document.base_path;
        let location = format!("http://{host}{base}{}/{}", collection_path(at), key.id);
        if let Ok(value) = HeaderValue::from_str(&location) {
            reply = reply.with_header(http::header::LOCATION, value);
        }
    }
    Some(reply)
}

/// The stored record: the generated create answer's item, with the request's fields over it
/// (request values win).
fn over_base(at: &State<'_>, fields: Map<String, Value>) -> Value {
    let document = at.document();
    let operation = at.answering.operation;
    let resource = at.resource();
    let item_schema = response_schema(document, operation.template, operation.method)
        .map(|schema| unwrap(document, schema).0)
        .filter(|schema| !properties(document, schema).is_empty())
        .unwrap_or(&resource.item_schema);
    // The documented example of the answer, where it has one, else a generated item.
    let status = at.success_status();
    let example = crate::engine::body::media_of(at.answering, status)
        .ok()
        .flatten()
        .and_then(|(media, schema)| {
            let example = crate::engine::body::valid_example(at.answering, status, media)?;
            match unwrap(document, schema).1 {
                Some(wrapper) => example.get(wrapper).cloned(),
                None => Some(example),
            }
        });
    let generator = crate::engine::body::generator(at.answering);
    let made = at.read(|records| records.count(at.role.target)) as u64;
    let seed = crate::engine::body::seed_for(at.answering, StatusCode::CREATED).wrapping_add(made);
    let mut record = match example.unwrap_or_else(|| generator.generate(item_schema, seed)) {
        Value::Object(base) => base,
        _ => Map::new(),
    };
    record.extend(fields);
    Value::Object(record)
}

/// Parent path values kept in the fields named like them (`bookId` of `/books/{bookId}/loans`).
fn set_parents(at: &State<'_>, fields: &mut Map<String, Value>, scope: &[String]) {
    let document = at.document();
    let named = properties(document, &at.resource().item_schema);
    for (param, value) in at.role.scope_params.iter().zip(scope) {
        if let Some((field, schema)) = named.iter().find(|(n, _)| normalise(n) == normalise(param)) {
            fields
                .entry((*field).to_string())
                .or_insert_with(|| ids::typed(document, schema, value));
        }
    }
}

fn documents_location(at: &State<'_>, status: StatusCode) -> bool {
    let operation = at.answering.operation;
    let responses = &at
        .answering
        .document
        .operation_object(operation.method, operation.template)["responses"];
    crate::engine::status::documented(responses, status.as_u16()).is_some_and(|(_, response)| {
        crate::spec::walk::resolve(at.document(), response)["headers"]
            .as_object()
            .is_some_and(|h| h.keys().any(|k| k.eq_ignore_ascii_case("location")))
    })
}

/// The request's path to the collection, under the base path.
fn collection_path(at: &State<'_>) -> String {
    let path = at.answering.request.path.as_str();
    let path = path
        .strip_prefix(at.answering.document.base_path.as_str())
        .unwrap_or(path);
    path.trim_end_matches('/').to_string()
}

/// The item this request names: its key and record, or the answer that it is not there.
fn found(at: &State<'_>) -> Result<(Key, Value), Box<Reply>> {
    let scope = at.scope();
    let id = at.id().unwrap_or_default().to_string();
    let record = at.read(|records| {
        let key = records.find(at.role.target, &scope, &id)?;
        let record = records.get(at.role.target, &key)?.clone();
        (!record.is_null()).then_some((key, record))
    });
    record.ok_or_else(|| {
        Box::new(missing::not_found(
            at,
            &format!("{} {id} does not exist", at.resource().name),
        ))
    })
}

/// `GET item`.
pub(super) fn read(at: &State<'_>) -> Reply {
    match found(at) {
        Ok((_, record)) => shape::item(at.answering, at.success_status(), &record).in_state("read", "read"),
        Err(missing) => *missing,
    }
}

/// `PUT item`: replaces the record, keeping its id and `readOnly` fields; creates a missing one
/// where 201 is documented.
pub(super) fn replace(at: &State<'_>) -> Reply {
    let resource = at.resource();
    let mut fields = at.body_fields();
    let existing = found(at);
    let (key, status, outcome) = match &existing {
        Ok((key, old)) => {
            for name in &resource.read_only {
                if let Some(value) = old.get(name) {
                    fields.insert(name.clone(), value.clone());
                }
            }
            (key.clone(), at.success_status(), "replaced")
        }
        Err(missing) if !resource.put_creates => return (**missing).clone(),
        Err(_) => (
            Key::new(&at.scope(), at.id().unwrap_or_default()),
            StatusCode::CREATED,
            "created",
        ),
    };
    if let Some(field) = resource.id.as_ref().and_then(|id| id.field.as_ref()) {
        let id = ids::typed(at.document(), &resource.id_schema, &key.id);
        fields.insert(field.clone(), id);
    }
    let scope = at.scope();
    set_parents(at, &mut fields, &scope);
    let record = match existing {
        Ok(_) => stamped(at, Value::Object(fields), Change::Updated),
        Err(_) => stamped(at, over_base(at, fields), Change::Created),
    };
    at.update(|tenant| tenant.change().insert(at.role.target, key, record.clone()));
    let status = if outcome == "created" {
        StatusCode::CREATED
    } else {
        status
    };
    shape::item(at.answering, status, &record).in_state("replace", outcome)
}

/// `PATCH item`: RFC 7396 merge, or RFC 6902 for `application/json-patch+json`; the id and the
/// `readOnly` fields stay.
pub(super) fn patch(at: &State<'_>) -> Reply {
    let (key, old) = match found(at) {
        Ok(found) => found,
        Err(missing) => return *missing,
    };
    let mut record = old.clone();
    let request = at.answering.request;
    let is_json_patch = request.media_type().as_deref() == Some("application/json-patch+json");
    if is_json_patch {
        let operations = request
            .json()
            .cloned()
            .and_then(|ops| serde_json::from_value::<json_patch::Patch>(ops).ok());
        let applied = operations
            .ok_or_else(|| "not a JSON Patch document".to_string())
            .and_then(|ops| json_patch::patch(&mut record, &ops).map_err(|e| e.to_string()));
        let applied = applied.and_then(|()| match record.is_object() {
            true => Ok(()),
            false => Err("the patched item is not an object".to_string()),
        });
        if let Err(why) = applied {
            let status = unprocessable(at);
            return crate::engine::error_reply(at.answering, status, &format!("the patch does not apply: {why}"), &[])
                .in_state("patch", "refused");
        }
    } else if let Some(merge) = request.json() {
        let mut merge = merge.clone();
        if let Some(fields) = merge.as_object_mut() {
            for name in &at.resource().read_only {
                fields.remove(name);
            }
        }
        json_patch::merge(&mut record, &merge);
    }
    // What a client cannot change stays as it was.
    let resource = at.resource();
    let kept = resource
        .read_only
        .iter()
        .chain(resource.id.as_ref().and_then(|id| id.field.as_ref()));
    for name in kept {
        match old.get(name) {
            Some(value) => record[name] = value.clone(),
            None => {
                if let Some(fields) = record.as_object_mut() {
                    fields.remove(name);
                }
            }
        }
    }
    let record = stamped(at, record, Change::Updated);
    let reply = shape::item(at.answering, at.success_status(), &record);
    if reply.warning.is_some() {
        // The patched item would break the document's own schema for it (its PATCH schema is
        // looser): a conflict with the item as it would be, refused, nothing stored.
        return missing::conflict(at, "the patched item would not fit the document's schema for it");
    }
    at.update(|tenant| tenant.change().insert(at.role.target, key, record.clone()));
    reply.in_state("patch", "patched")
}

/// `record` with its timestamps true to the namespace's clock for `change` (see [`stamps`]).
fn stamped(at: &State<'_>, record: Value, change: Change) -> Value {
    let Value::Object(mut fields) = record else {
        return record;
    };
    let sent = at.body_fields();
    let item_schema = &at.resource().item_schema;
    stamps::stamp(at.document(), item_schema, &mut fields, &sent, at.answering.now, change);
    Value::Object(fields)
}

/// A patch that does not apply to the item as it is: 409 (RFC 5789 §2.2, a conflict with the
/// resource's state) where documented, else 422, else 400.
fn unprocessable(at: &State<'_>) -> StatusCode {
    let operation = at.answering.operation;
    let responses = &at
        .answering
        .document
        .operation_object(operation.method, operation.template)["responses"];
    [StatusCode::CONFLICT, StatusCode::UNPROCESSABLE_ENTITY]
        .into_iter()
        .find(|status| responses.get(status.as_str()).is_some())
        .unwrap_or(StatusCode::BAD_REQUEST)
}

/// Whether the item the request's parent values name is there (always, for a top resource).
pub(super) fn parent_exists(at: &State<'_>) -> bool {
    let resources = at.answering.document.resources();
    let Some(parent) = at.resource().parent else {
        return true;
    };
    let scope = at.scope();
    let depth = resources.resources[parent].parents;
    let (Some(id), Some(outer)) = (scope.get(depth), scope.get(..depth)) else {
        return true;
    };
    at.read(|records| {
        records
            .find(parent, outer, id)
            .and_then(|key| records.get(parent, &key).cloned())
            .is_some_and(|record| !record.is_null())
    })
}

/// `DELETE item`: removes it and every item nested in it.
pub(super) fn delete(at: &State<'_>) -> Reply {
    let (key, record) = match found(at) {
        Ok(found) => found,
        Err(missing) => return *missing,
    };
    let descendants = at.answering.document.resources().descendants(at.role.target);
    let mut prefix: Vec<String> = key.scope.iter().map(|s| s.to_string()).collect();
    prefix.push(key.id.to_string());
    at.update(|tenant| {
        let records = tenant.change();
        records.remove(at.role.target, &key);
        for child in &descendants {
            records.remove_under(*child, &prefix);
        }
    });
    shape::item(at.answering, at.success_status(), &record).in_state("delete", "deleted")
}

/// Any other operation under an item: 404 when the item is not there, else the stateless answer.
pub(super) fn within(at: &State<'_>) -> Option<Reply> {
    found(at).err().map(|missing| *missing)
}
