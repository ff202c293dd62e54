//! The timestamps inferred state keeps true: an item's `createdAt`-like fields are the namespace's
//! clock when it was made, and its `updatedAt`-like fields the clock when it last changed (on a
//! create, they are that moment too, or `null` where the schema allows it: not updated yet). Only
//! string fields of `format: date-time` or `date` whose names say so are stamped, and never one the
//! request itself set.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value};

use crate::spec::resources::{normalise, properties};
use crate::spec::walk;

/// What happened to the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Change {
    Created,
    Updated,
}

/// Field names (normalised: lower case, no `_` or `-`) that hold when an item was made.
const CREATED: &[&str] = &[
    "createdat",
    "created",
    "createdon",
    "createdtime",
    "createtime",
    "creationdate",
    "creationtime",
    "datecreated",
    "insertedat",
];
/// Field names that hold when an item last changed.
const UPDATED: &[&str] = &[
    "updatedat",
    "updated",
    "updatedon",
    "updatetime",
    "modifiedat",
    "modified",
    "modifiedon",
    "lastmodified",
    "lastmodifiedat",
    "lastupdated",
    "lastupdatedat",
    "datemodified",
    "dateupdated",
];

/// Stamps `record` (an item of `item_schema`) for `change` at `now`; `sent` are the fields the
/// request set, which keep their values.
pub(super) fn stamp(
    document: &Value,
    item_schema: &Value,
    record: &mut Map<String, Value>,
    sent: &Map<String, Value>,
    now: DateTime<Utc>,
    change: Change,
) {
    for (name, property) in properties(document, item_schema) {
        if sent.contains_key(name) {
            continue;
        }
        let key = normalise(name);
        let (created, updated) = (CREATED.contains(&key.as_str()), UPDATED.contains(&key.as_str()));
        if !created && !updated {
            continue;
        }
        let property = walk::resolve(document, property);
        let Some(format) = time_format(property) else { continue };
        let stamped = match (change, created) {
            (Change::Created, true) => Some(text(now, format, record.get(name))),
            (Change::Created, false) if nullable(property) => Some(Value::Null),
            (Change::Created, false) | (Change::Updated, false) => Some(text(now, format, record.get(name))),
            (Change::Updated, true) => None,
        };
        if let Some(value) = stamped {
            record.insert(name.to_string(), value);
        }
    }
}

/// `date-time` or `date`, for a string property of that format.
fn time_format(property: &Value) -> Option<&'static str> {
    let is_string = property["type"] == "string"
        || property["type"]
            .as_array()
            .is_some_and(|types| types.contains(&Value::from("string")));
    match property["format"].as_str() {
        Some("date-time") if is_string => Some("date-time"),
        Some("date") if is_string => Some("date"),
        _ => None,
    }
}

fn nullable(property: &Value) -> bool {
    property["nullable"] == true
        || property["type"]
            .as_array()
            .is_some_and(|types| types.contains(&Value::from("null")))
}

/// `now` in the field's format, with milliseconds where the value it replaces had a fraction.
fn text(now: DateTime<Utc>, format: &str, replaced: Option<&Value>) -> Value {
    if format == "date" {
        return Value::from(now.format("%Y-%m-%d").to_string());
    }
    let fraction = replaced.and_then(Value::as_str).is_some_and(|old| old.contains('.'));
    let precision = if fraction {
        SecondsFormat::Millis
    } else {
        SecondsFormat::Secs
    };
    Value::from(now.to_rfc3339_opts(precision, true))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({"type": "object", "properties": {
            "id": {"type": "integer"},
            "createdAt": {"type": "string", "format": "date-time", "readOnly": true},
            "updated_at": {"type": "string", "format": "date-time", "nullable": true},
            "lastModified": {"type": "string", "format": "date-time"},
            "created": {"type": "integer"},
            "birthDate": {"type": "string", "format": "date"},
        }})
    }

    #[test]
    fn a_create_stamps_creation_and_a_change_stamps_only_the_update() {
        let now = DateTime::parse_from_rfc3339("2026-12-01T10:00:00Z").unwrap().to_utc();
        let mut record = json!({"id": 1, "createdAt": "2020-01-01T00:00:00.123Z", "created": 5})
            .as_object()
            .unwrap()
            .clone();
        stamp(&json!({}), &schema(), &mut record, &Map::new(), now, Change::Created);
        assert_eq!(
            record["createdAt"], "2026-12-01T10:00:00.000Z",
            "the example's precision kept"
        );
        assert_eq!(record["updated_at"], Value::Null, "nullable: not updated yet");
        assert_eq!(
            record["lastModified"], "2026-12-01T10:00:00Z",
            "not nullable: the creation"
        );
        assert_eq!(record["created"], 5, "an integer is not a timestamp this knows");
        assert!(record.get("birthDate").is_none(), "not a name of when");

        let later = now + chrono::TimeDelta::hours(1);
        let sent = json!({"lastModified": "2026-01-01T00:00:00Z"})
            .as_object()
            .unwrap()
            .clone();
        record.insert("lastModified".into(), json!("2026-01-01T00:00:00Z"));
        stamp(&json!({}), &schema(), &mut record, &sent, later, Change::Updated);
        assert_eq!(record["createdAt"], "2026-12-01T10:00:00.000Z", "creation stays");
        assert_eq!(record["updated_at"], "2026-12-01T11:00:00Z");
        assert_eq!(
            record["lastModified"], "2026-01-01T00:00:00Z",
            "what the request set stays"
        );
    }
}
