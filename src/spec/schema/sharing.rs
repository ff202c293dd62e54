//! Whether a document's schemas share enough to be compiled together. Compiled together, a part
//! reached from many schemas is compiled once, but every schema is compiled, used or not; compiled
//! alone, each schema met costs what its `$ref`s reach. Stripe's answers each reach a good part of
//! its 2.5 MB document: together. A document of 400 operations whose resources each have their
//! own schemas: alone, and only those met. The estimate follows the `$ref`s of a sample of the
//! schemas, each walk cut short, so it costs little on any document.

use std::collections::HashSet;

use serde_json::Value;

/// How many distinct schemas are walked for the estimate.
const SAMPLE: usize = 16;

/// Whether the schemas at `pointers` (each after its lone `$ref`s, so that the many answers naming
/// one error schema count once) reach, between them, more than twice the document's own schema
/// nodes: compiled alone, they would compile the same parts again and again.
pub(super) fn worth_sharing(document: &Value, targets: &[&Value]) -> bool {
    let distinct: Vec<&Value> = {
        let mut seen = HashSet::new();
        targets
            .iter()
            .copied()
            .filter(|target| seen.insert(*target as *const Value))
            .collect()
    };
    if distinct.is_empty() {
        return false;
    }
    let total = nodes(&document["components"]) + nodes(&document["paths"]);
    let threshold = 2 * total / distinct.len();
    // Each walk stops past four times what would tip the balance.
    let cap = 4 * threshold.max(1);
    let step = distinct.len().div_ceil(SAMPLE);
    let sampled: Vec<usize> = distinct
        .iter()
        .step_by(step)
        .map(|schema| reached(document, schema, cap))
        .collect();
    let mean = sampled.iter().sum::<usize>() / sampled.len();
    mean > threshold
}

/// The values in `value`.
fn nodes(value: &Value) -> usize {
    match value {
        Value::Object(map) => 1 + map.values().map(nodes).sum::<usize>(),
        Value::Array(items) => 1 + items.iter().map(nodes).sum::<usize>(),
        _ => 1,
    }
}

/// The values `schema` holds and reaches through local `$ref`s (each target once), up to `cap`.
fn reached(document: &Value, schema: &Value, cap: usize) -> usize {
    let mut count = 0;
    let mut followed: HashSet<&str> = HashSet::new();
    let mut stack = vec![schema];
    while let Some(value) = stack.pop() {
        count += 1;
        if count > cap {
            break;
        }
        match value {
            Value::Object(map) => {
                if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                    if followed.insert(reference) {
                        let target = super::local_pointer(reference).and_then(|pointer| document.pointer(&pointer));
                        stack.extend(target);
                    }
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A document of `resources` resources, each answer naming its own small schema, and each also
    /// reaching the one big shared schema when `shared` is true.
    fn document(resources: usize, shared: bool) -> Value {
        let mut schemas = serde_json::Map::new();
        let big: serde_json::Map<String, Value> = (0..400)
            .map(|i| (format!("field{i}"), json!({"type": "string", "maxLength": i + 1})))
            .collect();
        schemas.insert("Big".into(), json!({"type": "object", "properties": big}));
        for r in 0..resources {
            let mut properties = json!({"id": {"type": "integer"}, "name": {"type": "string"}});
            if shared {
                properties["context"] = json!({"$ref": "#/components/schemas/Big"});
            }
            schemas.insert(format!("R{r}"), json!({"type": "object", "properties": properties}));
        }
        json!({"components": {"schemas": schemas}, "paths": {}})
    }

    fn targets(document: &Value) -> Vec<&Value> {
        let schemas = document["components"]["schemas"].as_object().unwrap();
        schemas
            .iter()
            .filter(|(name, _)| *name != "Big")
            .map(|(_, s)| s)
            .collect()
    }

    #[test]
    fn schemas_that_each_reach_a_large_shared_part_are_compiled_together() {
        let document = document(50, true);
        assert!(worth_sharing(&document, &targets(&document)));
    }

    #[test]
    fn schemas_of_their_own_are_compiled_alone() {
        let document = document(50, false);
        assert!(!worth_sharing(&document, &targets(&document)));
    }
}
