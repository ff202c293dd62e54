//! Objects and arrays: which properties and how many items, within the schema's bounds and the
//! generation's budget.

use serde_json::{Map, Value};

use super::accepts::json_eq;
use super::schema::{access_flags, Flat};
use super::{text, Context, Direction, Run, MAX_ITEMS, SOFT_NODES, UNIQUE_TRIES};

impl<'a> Run<'a> {
    /// Whether this direction leaves the property out (`readOnly` in requests, `writeOnly` in
    /// responses).
    pub(super) fn left_out(&self, schemas: &[&Value]) -> bool {
        let (read_only, write_only) = access_flags(self.generator.document, schemas);
        match self.generator.direction {
            Direction::Response => write_only,
            Direction::Request => read_only,
        }
    }

    /// Whether one of the property's own schemas carries this direction's marker.
    fn marked_left_out(&self, schemas: &[&Value]) -> bool {
        let marker = match self.generator.direction {
            Direction::Response => "writeOnly",
            Direction::Request => "readOnly",
        };
        schemas
            .iter()
            .any(|schema| schema.get(marker) == Some(&Value::Bool(true)))
    }

    pub(super) fn array(&mut self, flat: &Flat<'a>, context: Context<'a>) -> Value {
        let prefix = flat.prefix_items.unwrap_or(&[]);
        let min = flat.min_items.min(MAX_ITEMS);
        let mut max = flat.max_items.unwrap_or(u64::MAX);
        if flat.no_items {
            max = max.min(prefix.len() as u64);
        }
        let max = max.max(min);
        let count = if context.minimal || self.nodes >= SOFT_NODES {
            min
        } else {
            // One or two items: enough to show the shape, few enough to stay small.
            let low = min.max(1).min(max);
            let high = max.min(low + 1);
            low + self.below(high - low + 1)
        };
        let mut items: Vec<Value> = Vec::with_capacity(count as usize);
        let mut draws = 0;
        while (items.len() as u64) < count {
            let members: Vec<&'a Value> = match prefix.get(items.len()) {
                Some(schema) => vec![schema],
                None => flat.items.clone(),
            };
            let item = self.item(&members, context);
            draws += 1;
            let repeated = flat.unique_items && items.iter().any(|earlier| json_eq(earlier, &item));
            // No new value to be had (an enum of two for three items): stop once the array is
            // long enough, else keep the duplicate and let validation judge.
            if repeated && draws < count * UNIQUE_TRIES {
                continue;
            }
            if repeated && items.len() as u64 >= min {
                break;
            }
            items.push(item);
        }
        Value::Array(items)
    }

    fn item(&mut self, members: &[&'a Value], context: Context<'a>) -> Value {
        if members.is_empty() {
            // No `items`: anything goes; a word is the plainest anything.
            self.nodes += 1;
            return Value::String(self.string(&Flat::new(), None));
        }
        self.value(members, context.child(context.hint))
    }

    pub(super) fn object(&mut self, flat: &Flat<'a>, context: Context<'a>) -> Value {
        let mut object = Map::new();
        let max = flat.max_properties.unwrap_or(u64::MAX);
        let mut skipped = Vec::new();
        for (name, schemas) in &flat.properties {
            let required = flat.required.contains(name);
            // A required property whose own schema is not marked, though what it refers to is,
            // is still required by the validator (which reads the property's own marker only).
            if self.left_out(schemas) && (!required || self.marked_left_out(schemas)) {
                continue;
            }
            let lean = context.minimal || context.lean || self.nodes >= SOFT_NODES;
            if !required && (lean || object.len() as u64 >= max) {
                skipped.push((*name, schemas));
                continue;
            }
            let value = self.value(schemas, context.child(Some(name)));
            object.insert(name.to_string(), value);
        }
        // Required names no property describes: `additionalProperties` does, or anything goes.
        for name in &flat.required {
            if !object.contains_key(*name) && !flat.properties.iter().any(|(n, _)| n == name) {
                let value = self.extra_value(flat, context.child(Some(name)));
                object.insert(name.to_string(), value);
            }
        }
        // A map (`additionalProperties` with a schema and no `properties`): an entry or two.
        let free_map = flat.properties.is_empty() && !flat.additional.is_empty();
        let mut extras = if free_map && !context.minimal && !context.lean {
            1 + self.below(2)
        } else {
            0
        };
        // `minProperties`: skipped optional properties first, then extra entries where allowed.
        let min = flat.min_properties.min(MAX_ITEMS);
        for (name, schemas) in skipped {
            if object.len() as u64 >= min {
                break;
            }
            let value = self.value(schemas, context.child(Some(name)));
            object.insert(name.to_string(), value);
        }
        if !flat.no_additional {
            extras = extras.max(min.saturating_sub(object.len() as u64));
        }
        for index in 0..extras {
            let key = self.extra_key(flat, &object, index, context);
            let value = self.extra_value(flat, context.child(None));
            object.insert(key, value);
        }
        // `maxProperties`: optional entries go, last first.
        while object.len() as u64 > max {
            let Some(key) = object
                .keys()
                .rev()
                .find(|k| !flat.required.contains(&k.as_str()))
                .cloned()
            else {
                break;
            };
            object.remove(&key);
        }
        Value::Object(object)
    }

    fn extra_value(&mut self, flat: &Flat<'a>, context: Context<'a>) -> Value {
        if flat.additional.is_empty() {
            self.nodes += 1;
            Value::String(self.string(&Flat::new(), context.hint))
        } else {
            self.value(&flat.additional, context)
        }
    }

    /// A key for an extra entry that the object does not have yet: a string of `propertyNames`
    /// where the object has one, else a word.
    fn extra_key(&mut self, flat: &Flat<'a>, object: &Map<String, Value>, index: u64, context: Context<'a>) -> String {
        if !flat.property_names.is_empty() {
            for _ in 0..4 {
                // Keys are strings whatever the key schema says of types.
                let mut schemas = flat.property_names.clone();
                schemas.push(string_schema());
                if let Value::String(key) = self.value(&schemas, context.child(None)) {
                    if !object.contains_key(&key) {
                        return key;
                    }
                }
            }
        }
        let word = text::word(self);
        if object.contains_key(word) {
            format!("{word}_{index}")
        } else {
            word.to_string()
        }
    }
}

/// `{"type": "string"}`, for the lifetime of the process: keys are strings.
fn string_schema() -> &'static Value {
    static STRING: std::sync::OnceLock<Value> = std::sync::OnceLock::new();
    STRING.get_or_init(|| serde_json::json!({"type": "string"}))
}
