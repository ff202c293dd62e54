//! `POST item/<verb>` (or any non-GET): 404 when the item is not there; else it sets what the verb
//! names in the item: a `<verb>edAt`/`<verb>At` timestamp from the namespace's clock, a `<verb>ed`
//! flag, and a `status` enum value like the verb's past participle (`revoked`, `cancelled`). A
//! repeat keeps the first timestamp: actions are idempotent.

use serde_json::Value;

use super::{shape, State};
use crate::exchange::Reply;
use crate::spec::resources::{normalise, properties, response_schema, unwrap};
use crate::spec::walk;

pub(super) fn act(at: &State<'_>, verb: &str) -> Reply {
    let scope = at.scope();
    let id = at.id().unwrap_or_default().to_string();
    let document = at.document();
    let operation = at.answering.operation;
    // The fields the action may set: the item's, and those of what the action answers.
    let mut named = properties(document, &at.resource().item_schema);
    if let Some(answer) = response_schema(document, operation.template, operation.method) {
        for field in properties(document, unwrap(document, answer).0) {
            if !named.iter().any(|(n, _)| *n == field.0) {
                named.push(field);
            }
        }
    }
    let participles = participles(verb);
    let now = at.answering.now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    let changed = at.update(|tenant| {
        let key = tenant.find(at.role.target, &scope, &id)?;
        if tenant.get(at.role.target, &key).is_none_or(Value::is_null) {
            return None;
        }
        let records = tenant.change();
        let record = records.get_mut(at.role.target, &key)?;
        if !record.is_object() {
            *record = Value::Object(Default::default());
        }
        for (name, schema) in &named {
            let schema = walk::resolve(document, schema);
            let field = normalise(name);
            let is_stamp = participles
                .iter()
                .any(|p| field == format!("{p}at") || field == format!("{p}on"))
                || field == format!("{}at", normalise(verb));
            let is_flag = participles.iter().any(|p| field == *p || field == format!("is{p}"));
            if is_stamp && record.get(*name).is_none_or(Value::is_null) {
                record[*name] = Value::from(now.clone());
            } else if is_flag && allows(schema, "boolean") {
                record[*name] = Value::Bool(true);
            } else if field == "status" || field == "state" {
                let chosen = schema["enum"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .find(|value| value.as_str().is_some_and(|v| participles.contains(&normalise(v))));
                if let Some(value) = chosen {
                    record[*name] = value.clone();
                }
            }
        }
        Some(record.clone())
    });
    match changed {
        Some(record) => shape::item(at.answering, at.success_status(), &record).in_state("action", "acted"),
        None => super::missing::not_found(at, &format!("{} {id} does not exist", at.resource().name)),
    }
}

/// `revoke` → `revoked`, `cancel` → `cancelled` and `canceled`, `archive` → `archived`,
/// `approve` → `approved`, `deny` → `denied`, `stop` → `stopped`; normalised.
fn participles(verb: &str) -> Vec<String> {
    let verb = normalise(verb);
    let mut found = vec![];
    if let Some(stem) = verb.strip_suffix('e') {
        found.push(format!("{stem}ed"));
    } else if let Some(stem) = verb.strip_suffix('y') {
        found.push(format!("{stem}ied"));
        found.push(format!("{verb}ed"));
    } else {
        found.push(format!("{verb}ed"));
        if let Some(last) = verb.chars().last() {
            found.push(format!("{verb}{last}ed"));
        }
    }
    found
}

fn allows(schema: &Value, kind: &str) -> bool {
    schema["type"] == kind
        || schema["type"]
            .as_array()
            .is_some_and(|t| t.contains(&Value::from(kind)))
}

#[cfg(test)]
mod tests {
    use super::participles;

    #[test]
    fn verbs_give_their_past_participles() {
        assert_eq!(participles("revoke"), vec!["revoked"]);
        assert!(participles("cancel").contains(&"cancelled".to_string()));
        assert!(participles("cancel").contains(&"canceled".to_string()));
        assert!(participles("deny").contains(&"denied".to_string()));
        assert!(participles("stop").contains(&"stopped".to_string()));
        assert!(participles("return").contains(&"returned".to_string()));
    }
}
