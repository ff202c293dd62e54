//! The parts of a document that no validator can compile (a `pattern` that is not an ECMAScript
//! regular expression, a keyword of the wrong type), and which schemas reach them through their
//! `$ref`s. The schemas that reach one are left out of the document's shared validator (each is
//! then judged alone, and fails to compile as it would have), so that one bad pattern among a
//! thousand schemas costs the schemas that use it, not the document.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::{ANNOTATIONS, NAME_MAPS};

/// The pointers of the document's broken places, and what they poison.
#[derive(Default)]
pub(super) struct Broken {
    /// The broken places and every object whose subtree `$ref`s to one, transitively.
    poisoned: BTreeSet<String>,
    /// Every local `$ref` of the document: the pointer of the object holding it, and its target.
    references: Vec<(String, String)>,
}

impl Broken {
    /// The document's patterns that its validators' regular-expression engine rejects (and those
    /// that are not text), found by compiling each distinct one alone.
    pub(super) fn of(document: &Value) -> Self {
        let mut found = Self::default();
        let mut judged: HashMap<String, bool> = HashMap::new();
        let mut segments = Vec::new();
        walk(document, &mut segments, false, &mut |pointer, object| {
            if let Some(Value::String(reference)) = object.get("$ref") {
                if let Some(target) = super::local_pointer(reference) {
                    found.references.push((pointer.to_string(), target.into_owned()));
                }
            }
            let usable = match object.get("pattern") {
                None => true,
                Some(Value::String(pattern)) => match judged.get(pattern) {
                    Some(usable) => *usable,
                    None => {
                        let usable = super::compiles(&serde_json::json!({ "pattern": pattern }));
                        judged.insert(pattern.clone(), usable);
                        usable
                    }
                },
                Some(_) => false,
            };
            if !usable {
                found.poisoned.insert(format!("{pointer}/pattern"));
            }
        });
        found.spread();
        found
    }

    /// Adds a broken place (a pointer into the document) the compiler named; false when it was
    /// known already (so naming it again would loop).
    pub(super) fn add(&mut self, pointer: String) -> bool {
        if self.reaches(&pointer) {
            return false;
        }
        self.poisoned.insert(pointer);
        self.spread();
        true
    }

    /// Whether the subtree at `pointer` holds a broken place, or a `$ref` to one.
    pub(super) fn reaches(&self, pointer: &str) -> bool {
        self.poisoned
            .range(pointer.to_string()..)
            .take_while(|poisoned| poisoned.starts_with(pointer))
            .any(|poisoned| poisoned.len() == pointer.len() || poisoned[pointer.len()..].starts_with('/'))
    }

    /// Poisons every object whose `$ref` leads to a poisoned subtree, until nothing changes.
    fn spread(&mut self) {
        loop {
            let newly: Vec<String> = self
                .references
                .iter()
                .filter(|(source, target)| !self.poisoned.contains(source) && self.reaches(target))
                .map(|(source, _)| source.clone())
                .collect();
            if newly.is_empty() {
                return;
            }
            self.poisoned.extend(newly);
        }
    }
}

/// Calls `visit` with the pointer of every object of `value` that may be a schema (not the literal
/// values of `enum`, `const` or annotations, nor a map of names itself).
fn walk(
    value: &Value,
    segments: &mut Vec<String>,
    names: bool,
    visit: &mut dyn FnMut(&str, &serde_json::Map<String, Value>),
) {
    match value {
        Value::Object(map) => {
            if !names {
                visit(&pointer_of(segments), map);
            }
            for (key, child) in map {
                let skipped = !names
                    && (["enum", "const"].contains(&key.as_str())
                        || ANNOTATIONS.contains(&key.as_str())
                        || key.starts_with("x-"));
                if skipped {
                    continue;
                }
                segments.push(super::pointer_segment(key));
                walk(child, segments, !names && NAME_MAPS.contains(&key.as_str()), visit);
                segments.pop();
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                segments.push(index.to_string());
                walk(item, segments, false, visit);
                segments.pop();
            }
        }
        _ => {}
    }
}

fn pointer_of(segments: &[String]) -> String {
    segments.iter().map(|segment| format!("/{segment}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_bad_pattern_poisons_the_schemas_that_reach_it_and_no_other() {
        let document = json!({"components": {"schemas": {
            "Bad": {"type": "string", "pattern": "[\\p{all}]*"},
            "NotText": {"type": "string", "pattern": 0},
            "Uses": {"type": "object", "properties": {"pattern": {"$ref": "#/components/schemas/Bad"}}},
            "UsesUses": {"type": "array", "items": {"$ref": "#/components/schemas/Uses"}},
            "Fine": {"type": "string", "pattern": "^[a-z]+$", "example": {"pattern": "[\\p{all}]*"}},
            "Cycle": {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Cycle"}}}
        }}});
        let broken = Broken::of(&document);
        for poisoned in ["Bad", "NotText", "Uses", "UsesUses"] {
            assert!(broken.reaches(&format!("/components/schemas/{poisoned}")), "{poisoned}");
        }
        // `Use` is a prefix of the poisoned `Uses`, not a schema reaching it.
        for fine in ["Fine", "Cycle", "Use"] {
            assert!(!broken.reaches(&format!("/components/schemas/{fine}")), "{fine}");
        }
    }

    #[test]
    fn a_place_the_compiler_names_poisons_what_reaches_it_once() {
        let document = json!({"components": {"schemas": {
            "Odd": {"type": "string"},
            "Uses": {"$ref": "#/components/schemas/Odd"}
        }}});
        let mut broken = Broken::of(&document);
        assert!(!broken.reaches("/components/schemas/Uses"));
        assert!(broken.add("/components/schemas/Odd/type".into()));
        assert!(broken.reaches("/components/schemas/Uses"));
        assert!(!broken.add("/components/schemas/Odd/type".into()));
    }
}
