//! `oneOf` / `anyOf`: which branch a value takes, and the `discriminator` property that names it.

use serde_json::Value;

use super::schema::{kinds, resolve_ref, Choice, Flat};
use super::{Context, Run};

impl<'a> Run<'a> {
    /// Settles one `oneOf`/`anyOf` group: a branch by seed (the one already being generated when
    /// the group is met again through it), its discriminator value set, and for `oneOf` a few
    /// retries (leaner, then another branch) while the value matches more than one branch.
    pub(super) fn choose(
        &mut self,
        members: &[&'a Value],
        flat: &Flat<'a>,
        choice: Choice<'a>,
        context: Context<'a>,
        decided: &[usize],
        frame: usize,
    ) -> Value {
        let mut decided = decided.to_vec();
        decided.push(choice.id());
        let order = self.branch_order(flat, choice, context);
        let attempts = if choice.one_of { 4 } else { 1 };
        let mut value = Value::Null;
        for attempt in 0..attempts {
            let index = order[(attempt / 2) % order.len()];
            let branch = &choice.branches[index];
            let mut with_branch = members.to_vec();
            with_branch.push(branch);
            let lean = context.lean || attempt % 2 == 1;
            value = self.conjunction(&with_branch, Context { lean, ..context }, &decided, frame);
            if let Some(discriminator) = choice.discriminator {
                if let Some(key) = self.discriminator_key(discriminator, branch) {
                    self.set_discriminator(&mut value, discriminator, &key, &with_branch);
                }
            }
            if !choice.one_of || self.matching(choice.branches, &value, 0) <= 1 {
                break;
            }
        }
        value
    }

    /// Branch indices, the preferred first: the branch already being generated; else, in minimal
    /// mode, the cheapest (null, then scalars); else one by seed among the non-null ones.
    fn branch_order(&mut self, flat: &Flat<'a>, choice: Choice<'a>, context: Context<'a>) -> Vec<usize> {
        let branches = choice.branches;
        let document = self.generator.document;
        // The branch that is the schema being generated (found by its target, however written).
        let current = branches.iter().position(|branch| {
            let target = branch
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| resolve_ref(document, r));
            target.is_some_and(|t| flat.targets.contains(&(t as *const Value as usize)))
        });
        let first = if let Some(current) = current {
            current
        } else if context.minimal {
            (0..branches.len())
                .min_by_key(|i| self.cost(&branches[*i]))
                .unwrap_or(0)
        } else {
            let non_null: Vec<usize> = (0..branches.len()).filter(|i| self.cost(&branches[*i]) > 0).collect();
            if non_null.is_empty() {
                self.below(branches.len() as u64) as usize
            } else {
                non_null[self.below(non_null.len() as u64) as usize]
            }
        };
        (0..branches.len()).map(|i| (first + i) % branches.len()).collect()
    }

    /// How costly a branch looks: 0 for null, 1 for a scalar, 2 for anything else.
    fn cost(&self, branch: &Value) -> u8 {
        let mut schema = branch;
        for _ in 0..8 {
            match schema.get("$ref").and_then(Value::as_str) {
                Some(r) => match resolve_ref(self.generator.document, r) {
                    Some(target) => schema = target,
                    None => break,
                },
                None => break,
            }
        }
        let types = match schema.get("type") {
            Some(Value::String(name)) => kinds::of(name),
            Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).fold(0, |b, n| b | kinds::of(n)),
            _ if schema.get("enum").is_some() || schema.get("const").is_some() => kinds::STRING,
            _ => kinds::ANY,
        };
        match types {
            kinds::NULL => 0,
            t if t & (kinds::OBJECT | kinds::ARRAY) == 0 => 1,
            _ => 2,
        }
    }

    /// The discriminator value naming `branch`: its key in the mapping, else its `$ref`'s last
    /// segment (OpenAPI's implicit mapping). None for an inline branch.
    fn discriminator_key(&self, discriminator: &Value, branch: &Value) -> Option<String> {
        let reference = branch.get("$ref").and_then(Value::as_str)?;
        Some(mapping_key(discriminator, &[reference]).unwrap_or_else(|| last_segment(reference).to_string()))
    }

    /// Sets the discriminator property to `key` where the property's own schemas accept it (the
    /// validator knows nothing of discriminators, only of those schemas).
    fn set_discriminator(&mut self, value: &mut Value, discriminator: &Value, key: &str, members: &[&'a Value]) {
        let Some(property) = discriminator.get("propertyName").and_then(Value::as_str) else {
            return;
        };
        let Value::Object(object) = value else { return };
        let key = Value::String(key.to_string());
        if object.get(property) == Some(&key) {
            return;
        }
        let mut flat = Flat::new();
        for member in members {
            flat.absorb(self.generator.document, member, 0);
        }
        let fits = match flat.properties.iter().find(|(name, _)| *name == property) {
            Some((_, schemas)) => schemas.iter().all(|schema| self.accepts(schema, &key, 0)),
            None => !flat.no_additional && flat.additional.iter().all(|schema| self.accepts(schema, &key, 0)),
        };
        if fits {
            object.insert(property.to_string(), key);
        }
    }

    /// For a discriminator written on the base of an `allOf` hierarchy (no `oneOf` beside it): the
    /// property names the concrete schema, found among the `$ref`s followed to get here.
    pub(super) fn name_lone_discriminators(&mut self, flat: &Flat<'a>, value: &mut Value) {
        for discriminator in &flat.lone_discriminators {
            let key = mapping_key(discriminator, &flat.refs)
                .or_else(|| flat.refs.first().map(|r| last_segment(r).to_string()));
            if let Some(key) = key {
                let Some(property) = discriminator.get("propertyName").and_then(Value::as_str) else {
                    continue;
                };
                let key = Value::String(key);
                let Value::Object(object) = value else { return };
                let fits = match flat.properties.iter().find(|(name, _)| *name == property) {
                    Some((_, schemas)) => schemas.iter().all(|schema| self.accepts(schema, &key, 0)),
                    None => !flat.no_additional,
                };
                if fits {
                    object.insert(property.to_string(), key);
                }
            }
        }
    }
}

/// The mapping key whose target is one of `references` (targets are refs or bare schema names).
fn mapping_key(discriminator: &Value, references: &[&str]) -> Option<String> {
    let mapping = discriminator.get("mapping").and_then(Value::as_object)?;
    references.iter().find_map(|reference| {
        mapping.iter().find_map(|(key, target)| {
            let target = target.as_str()?;
            let same = target == *reference || format!("#/components/schemas/{target}") == *reference;
            same.then(|| key.clone())
        })
    })
}

/// `#/components/schemas/Cat` → `Cat`.
fn last_segment(reference: &str) -> &str {
    reference.rsplit('/').next().unwrap_or(reference)
}
