//! Ids for created items, made from the id's schema and seeded so that the same run of requests
//! makes the same ids: the next integer for integers; a uuid for `format: uuid`; the example's
//! prefix and length for ids like `sess_4f9…`; else a value generated from the schema (its
//! pattern, say). An id already taken is never made twice, and making one costs the same however
//! many items the resource holds.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use crate::spec::generate::{seed_of, Generator};
use crate::spec::walk;
use crate::state::records::Records;

/// Where a made id goes: the records, the resource and the parent values.
pub(super) struct Place<'a> {
    pub records: &'a Records,
    pub resource: usize,
    pub scope: &'a [String],
}

/// A new id for an item of `place` (as JSON, typed as its schema says), its text form, unused
/// there. Integers count up from the highest ever held; other ids are seeded by how many items the
/// resource was ever given.
pub(super) fn make(
    generator: &Generator<'_>,
    id_schema: &Value,
    place: &Place<'_>,
    name: &str,
    user_seed: u64,
) -> (Value, String) {
    let schema = walk::resolve(generator.document, id_schema);
    let (records, resource) = (place.records, place.resource);
    let made = records.added(resource);
    let taken = |text: &str| records.find(resource, place.scope, text).is_some();
    let is_integer = schema["type"] == "integer"
        || schema["type"]
            .as_array()
            .is_some_and(|t| t.contains(&Value::from("integer")))
        || schema["type"] == "number";
    if is_integer {
        let highest = records.highest_integer(resource);
        let minimum = schema["minimum"].as_i64().unwrap_or(1);
        let next = highest.map_or(minimum.max(1), |h| h.saturating_add(1).max(minimum));
        return (Value::from(next), next.to_string());
    }
    for attempt in 0u64..16 {
        let seed = seed_of(&[
            name.as_bytes(),
            &made.to_le_bytes(),
            &attempt.to_le_bytes(),
            &user_seed.to_le_bytes(),
        ]);
        let text = made_text(generator, schema, seed);
        if !taken(&text) {
            return (Value::from(text.clone()), text);
        }
    }
    let text = format!("{}-{made}", uuid_from(seed_of(&[name.as_bytes(), &made.to_le_bytes()])));
    (Value::from(text.clone()), text)
}

fn made_text(generator: &Generator<'_>, schema: &Value, seed: u64) -> String {
    let format = schema["format"].as_str().unwrap_or_default();
    if format == "uuid" || schema.is_null() || schema.as_object().is_some_and(|o| o.is_empty()) {
        return uuid_from(seed);
    }
    if let Some((prefix, length)) = prefix_of(schema) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        let rest: String = (0..length)
            .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
            .collect();
        let candidate = format!("{prefix}{rest}");
        if generator.accepts(schema, &Value::from(candidate.clone())) {
            return candidate;
        }
    }
    // Not the schema's example: it is one value, and every id must differ.
    let fresh = Generator {
        use_schema_examples: false,
        ..*generator
    };
    match fresh.generate(schema, seed) {
        Value::String(text) if !text.is_empty() => text,
        Value::Number(number) => number.to_string(),
        _ => uuid_from(seed),
    }
}

/// The prefix of an example id like `sess_4f9a…` and the length of what follows it.
fn prefix_of(schema: &Value) -> Option<(String, usize)> {
    let example = schema["example"]
        .as_str()
        .or_else(|| schema["examples"].get(0).and_then(Value::as_str))?;
    let cut = example.rfind(['_', '-'])? + 1;
    let (prefix, rest) = example.split_at(cut);
    let alphanumeric = !rest.is_empty() && rest.chars().all(|c| c.is_ascii_alphanumeric());
    (alphanumeric && prefix.chars().any(|c| c.is_ascii_alphabetic())).then(|| (prefix.to_string(), rest.len()))
}

/// A version-4 uuid whose random bits come from `seed`.
fn uuid_from(seed: u64) -> String {
    let mut bytes = [0u8; 16];
    ChaCha8Rng::seed_from_u64(seed).fill(&mut bytes);
    uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()
}

/// The id as JSON typed as its schema says: `"42"` is `42` for an integer id.
pub(crate) fn typed(document: &Value, id_schema: &Value, text: &str) -> Value {
    let schema = walk::resolve(document, id_schema);
    let says = |kind: &str| {
        schema["type"] == kind
            || schema["type"]
                .as_array()
                .is_some_and(|t| t.contains(&Value::from(kind)))
    };
    if says("integer") {
        if let Ok(number) = text.parse::<i64>() {
            return Value::from(number);
        }
    }
    if says("number") {
        if let Ok(number) = text.parse::<f64>() {
            return Value::from(number);
        }
    }
    Value::from(text)
}

/// An id value as the text of its key.
pub(crate) fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(_) | Value::Null | Value::Array(_) | Value::Object(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn place(records: &Records) -> Place<'_> {
        Place {
            records,
            resource: 0,
            scope: &[],
        }
    }

    fn generator(document: &Value) -> Generator<'_> {
        Generator {
            document,
            direction: crate::spec::generate::Direction::Response,
            now: chrono::DateTime::UNIX_EPOCH,
            use_schema_examples: true,
        }
    }

    #[test]
    fn integers_count_up_from_the_highest_and_the_minimum() {
        let document = json!({});
        let mut records = Records::new(1);
        let schema = json!({"type": "integer", "minimum": 1});
        let (first, _) = make(&generator(&document), &schema, &place(&records), "pets", 0);
        assert_eq!(first, json!(1));
        records.insert(0, crate::state::records::Key::new(&[], "41"), json!({}));
        let (next, text) = make(&generator(&document), &schema, &place(&records), "pets", 0);
        assert_eq!((next, text.as_str()), (json!(42), "42"));
        let key = crate::state::records::Key::new(&[], "42");
        records.insert(0, key.clone(), json!({}));
        records.remove(0, &key);
        let (after_delete, _) = make(&generator(&document), &schema, &place(&records), "pets", 0);
        assert_eq!(after_delete, json!(43), "a deleted id is not made again");
    }

    #[test]
    fn uuids_and_prefixed_ids_repeat_for_the_same_run() {
        let document = json!({});
        let records = Records::new(1);
        let uuid = json!({"type": "string", "format": "uuid"});
        let (a, _) = make(&generator(&document), &uuid, &place(&records), "books", 0);
        let (b, _) = make(&generator(&document), &uuid, &place(&records), "books", 0);
        assert_eq!(a, b, "seeded");
        assert!(uuid::Uuid::parse_str(a.as_str().unwrap()).is_ok());
        let (c, _) = make(&generator(&document), &uuid, &place(&records), "books", 1);
        assert_ne!(a, c, "--seed changes it");
        let prefixed = json!({"type": "string", "example": "sess_4f9aB2c7Xq"});
        let (id, _) = make(&generator(&document), &prefixed, &place(&records), "sessions", 0);
        let id = id.as_str().unwrap().to_string();
        assert!(id.starts_with("sess_") && id.len() == "sess_4f9aB2c7Xq".len(), "{id}");
        let patterned = json!({"type": "string", "pattern": "^[A-Z]{2}-[0-9]{3}$"});
        let (code, _) = make(&generator(&document), &patterned, &place(&records), "shelves", 0);
        let code: Vec<char> = code.as_str().unwrap().chars().collect();
        assert_eq!(code.len(), 6, "{code:?}");
        assert!(
            code[..2].iter().all(char::is_ascii_uppercase) && code[2] == '-',
            "{code:?}"
        );
        assert!(code[3..].iter().all(char::is_ascii_digit), "{code:?}");
    }
}
