//! Generates a JSON value valid against an OpenAPI (3.0 or 3.1) schema, deterministically from a
//! seed: the mock's answer for any operation that documents no example. The caller validates every
//! value and retries other seeds, so this aims at "valid the first time" on real documents and,
//! on any input (cycles, refs to nowhere, contradictions, absurd bounds), at stopping quickly.
//!
//! Layout:
//! - `mod.rs`: the API, and the walk: conjunctions, `oneOf`/`anyOf` choices, objects, arrays.
//! - `schema.rs`: a conjunction of schemas (`$ref`, `allOf`, a chosen branch) merged into one view.
//! - `text.rs` and `number.rs`: strings (formats, patterns, names) and numbers (bounds, steps).
//! - `accepts.rs`: a light validator, for judging examples and `oneOf` exclusivity.

mod accepts;
mod number;
mod schema;
mod text;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{Map, Value};

use accepts::json_eq;
use schema::{access_flags, kinds, resolve_ref, Choice, Flat};

/// Which side of the exchange: a response omits `writeOnly` properties, a request omits `readOnly` ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    Response,
    Request,
}

/// What a generation needs besides the schema and the seed.
pub(crate) struct Generator<'a> {
    /// The whole OpenAPI document, for resolving local `$ref`s (any JSON pointer into it).
    pub document: &'a Value,
    pub direction: Direction,
    /// The clock of the request's namespace: date-time, date and time values are drawn from the 30
    /// days before it, so they are deterministic for a fixed `now`.
    pub now: chrono::DateTime<chrono::Utc>,
    /// Use schema-level `example` / `examples[0]` / `default` values where they validate (true for
    /// realistic bodies; false when the caller forces dynamic generation).
    pub use_schema_examples: bool,
}

impl Generator<'_> {
    /// A value for `schema`: the same schema, seed and `now` give the same value on every run.
    pub fn generate(&self, schema: &Value, seed: u64) -> Value {
        let mut run = Run {
            generator: self,
            rng: ChaCha8Rng::from_seed(expand_seed(seed)),
            nodes: 0,
            check_budget: CHECK_BUDGET,
            regexes: HashMap::new(),
            ancestors: Vec::new(),
        };
        run.value(&[schema], Context { depth: 0, minimal: false, lean: false, hint: None })
    }
}

/// A stable 64-bit seed from parts (API name, operation id, status, path parameters, the user's
/// `--seed`). FNV-1a, because its definition is fixed (offset basis and prime are part of the
/// algorithm), unlike std's `DefaultHasher`, whose algorithm may change between Rust releases, or
/// a seeded hasher whose output its crate does not promise to keep. Each part is preceded by its
/// length, so that `["ab", "c"]` and `["a", "bc"]` differ.
pub(crate) fn seed_of(parts: &[&[u8]]) -> u64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET_BASIS;
    for part in parts {
        for byte in (part.len() as u64).to_le_bytes().iter().chain(part.iter()) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(PRIME);
        }
    }
    hash
}

/// The 32-byte ChaCha key for a 64-bit seed, by SplitMix64: written here rather than taken from
/// `SeedableRng::seed_from_u64`, whose expansion rand_core does not promise to keep across versions.
/// ChaCha's stream for a given key is fixed by its specification.
fn expand_seed(seed: u64) -> [u8; 32] {
    let mut state = seed;
    let mut key = [0u8; 32];
    for chunk in key.chunks_exact_mut(8) {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        chunk.copy_from_slice(&(z ^ (z >> 31)).to_le_bytes());
    }
    key
}

/// Past this depth, or once a `$ref` recurs, values are minimal: required properties only, arrays
/// at `minItems`, null where allowed.
const SOFT_DEPTH: usize = 8;
/// Past this many values, optional properties and extra items are left out.
const SOFT_NODES: usize = 200;
/// Hard stops for schemas whose required parts never end (a required self-reference): what is
/// left is null. No valid value exists for those anyway.
const HARD_DEPTH: usize = 48;
const HARD_NODES: usize = 5_000;
/// `minItems` / `minProperties` honoured up to this many.
const MAX_ITEMS: u64 = 1_000;
/// Schema visits the light validator makes in one generation before it trusts everything.
const CHECK_BUDGET: u32 = 50_000;
/// Draws per item of a `uniqueItems` array before giving up on new ones (an enum of three for three
/// items needs a few).
const UNIQUE_TRIES: u64 = 32;
/// Draws for a value that a `not` rejects.
const NOT_TRIES: usize = 4;

/// Where in the value a schema is being generated.
#[derive(Clone, Copy)]
struct Context<'a> {
    depth: usize,
    /// Required parts only (beyond the depth limit, in recursion, past the node budget).
    minimal: bool,
    /// This object only: leave out optional properties (a retry for `oneOf` exclusivity).
    lean: bool,
    /// The name of the property being generated, for plausible values.
    hint: Option<&'a str>,
}

impl<'a> Context<'a> {
    fn child(self, hint: Option<&'a str>) -> Self {
        Context { depth: self.depth + 1, minimal: self.minimal, lean: false, hint }
    }
}

/// One generation: the random stream and the bookkeeping that bounds it.
struct Run<'a> {
    generator: &'a Generator<'a>,
    rng: ChaCha8Rng,
    /// Values generated so far.
    nodes: usize,
    check_budget: u32,
    /// Compiled ECMAScript patterns (None: no engine here compiles it).
    regexes: HashMap<String, Option<regress::Regex>>,
    /// The `$ref`s of the values being generated, outermost first: one met again is recursion.
    ancestors: Vec<&'a str>,
}

impl<'a> Run<'a> {
    fn next(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// A number below `n` (0 for 0), by multiply-shift: written here so that the stream's use is
    /// fixed by this file, not by a distribution's implementation.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }

    fn pick<'s, T>(&mut self, items: &'s [T]) -> &'s T {
        // Callers pass constant, non-empty lists.
        &items[self.below(items.len() as u64) as usize]
    }

    /// A value satisfying every schema of `members`.
    fn value(&mut self, members: &[&'a Value], context: Context<'a>) -> Value {
        self.nodes += 1;
        if context.depth > HARD_DEPTH || self.nodes > HARD_NODES {
            return Value::Null;
        }
        let frame = self.ancestors.len();
        let value = self.conjunction(members, context, &[], frame);
        self.ancestors.truncate(frame);
        value
    }

    /// `members` merged; `decided` lists the `oneOf`/`anyOf` groups already settled by a branch
    /// among the members, `frame` where this value's own `$ref`s start in `ancestors`.
    fn conjunction(&mut self, members: &[&'a Value], mut context: Context<'a>, decided: &[usize], frame: usize) -> Value {
        let document = self.generator.document;
        let mut flat = Flat::new();
        for member in members {
            flat.absorb(document, member, 0);
        }
        if flat.refs.iter().any(|r| self.ancestors[..frame].contains(r)) {
            context.minimal = true;
        }
        for reference in &flat.refs {
            if !self.ancestors[frame..].contains(reference) {
                self.ancestors.push(reference);
            }
        }
        context.minimal |= context.depth >= SOFT_DEPTH || self.nodes >= SOFT_NODES;
        if self.generator.use_schema_examples {
            if let Some(example) = self.usable_example(members, &flat) {
                return example;
            }
        }
        if let Some(choice) = flat.choices.iter().find(|c| !decided.contains(&c.id())) {
            return self.choose(members, &flat, *choice, context, decided, frame);
        }
        let mut value = self.from_flat(&flat, context);
        for _ in 0..NOT_TRIES {
            if !flat.nots.iter().any(|not| self.accepts(not, &value, 0)) {
                break;
            }
            value = self.from_flat(&flat, context);
        }
        self.name_lone_discriminators(&flat, &mut value);
        value
    }

    /// The first schema-level example that the light validator accepts, without the properties
    /// this direction leaves out.
    fn usable_example(&mut self, members: &[&'a Value], flat: &Flat<'a>) -> Option<Value> {
        for example in &flat.examples {
            if members.iter().all(|member| self.accepts(member, example, 0)) {
                let mut example = (*example).clone();
                if let Value::Object(object) = &mut example {
                    for (name, schemas) in &flat.properties {
                        if self.left_out(schemas) {
                            object.remove(*name);
                        }
                    }
                }
                return Some(example);
            }
        }
        None
    }

    /// Settles one `oneOf`/`anyOf` group: a branch by seed (the one already being generated when
    /// the group is met again through it), its discriminator value set, and for `oneOf` a few
    /// retries (leaner, then another branch) while the value matches more than one branch.
    fn choose(
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
        let reference = |b: &Value| b.get("$ref").and_then(Value::as_str).map(str::to_string);
        let current = branches.iter().position(|b| reference(b).is_some_and(|r| flat.refs.contains(&r.as_str())));
        let first = if let Some(current) = current {
            current
        } else if context.minimal {
            (0..branches.len()).min_by_key(|i| self.cost(&branches[*i])).unwrap_or(0)
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
        let Some(property) = discriminator.get("propertyName").and_then(Value::as_str) else { return };
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
    fn name_lone_discriminators(&mut self, flat: &Flat<'a>, value: &mut Value) {
        for discriminator in &flat.lone_discriminators {
            let key = mapping_key(discriminator, &flat.refs)
                .or_else(|| flat.refs.first().map(|r| last_segment(r).to_string()));
            if let Some(key) = key {
                let Some(property) = discriminator.get("propertyName").and_then(Value::as_str) else { continue };
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

    /// A value for a conjunction with no choice left.
    fn from_flat(&mut self, flat: &Flat<'a>, context: Context<'a>) -> Value {
        if let Some(constant) = flat.consts.first() {
            return (*constant).clone();
        }
        if !flat.enums.is_empty() {
            return self.enumerated(flat, context);
        }
        if flat.impossible || (context.minimal && flat.allows_null()) {
            return Value::Null;
        }
        match flat.kind() {
            kinds::NULL => Value::Null,
            kinds::BOOLEAN => Value::Bool(self.below(2) == 1),
            kinds::INTEGER => self.number(flat, true, context.hint),
            kinds::NUMBER => self.number(flat, false, context.hint),
            kinds::ARRAY => self.array(flat, context),
            kinds::OBJECT => self.object(flat, context),
            _ => Value::String(self.string(flat, context.hint)),
        }
    }

    /// A value of the first `enum` that every other `enum` and the types allow, by seed; null only
    /// in minimal mode.
    fn enumerated(&mut self, flat: &Flat<'a>, context: Context<'a>) -> Value {
        let (first, _) = flat.enums[0];
        let allowed = |value: &Value| {
            let bits = match value {
                Value::Null => kinds::NULL,
                Value::Bool(_) => kinds::BOOLEAN,
                Value::Number(n) if n.as_f64().is_some_and(|f| f.fract() == 0.0) => kinds::INTEGER | kinds::NUMBER,
                Value::Number(_) => kinds::NUMBER,
                Value::String(_) => kinds::STRING,
                Value::Array(_) => kinds::ARRAY,
                Value::Object(_) => kinds::OBJECT,
            };
            let in_all = flat.enums[1..]
                .iter()
                .all(|(values, nullable)| values.iter().any(|v| json_eq(v, value)) || (*nullable && value.is_null()));
            flat.types & bits != 0 && in_all
        };
        let mut candidates: Vec<&Value> = first.iter().filter(|v| allowed(v)).collect();
        candidates.retain(|v| !flat.nots.iter().any(|not| self.accepts(not, v, 0)));
        if context.minimal && flat.allows_null() {
            return Value::Null;
        }
        let non_null: Vec<&Value> = candidates.iter().copied().filter(|v| !v.is_null()).collect();
        let pool = if non_null.is_empty() { &candidates } else { &non_null };
        match pool.len() {
            0 => first.first().cloned().unwrap_or(Value::Null),
            n => pool[self.below(n as u64) as usize].clone(),
        }
    }

    /// Whether this direction leaves the property out (`readOnly` in requests, `writeOnly` in
    /// responses).
    fn left_out(&self, schemas: &[&Value]) -> bool {
        let (read_only, write_only) = access_flags(self.generator.document, schemas);
        match self.generator.direction {
            Direction::Response => write_only,
            Direction::Request => read_only,
        }
    }

    fn array(&mut self, flat: &Flat<'a>, context: Context<'a>) -> Value {
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

    fn object(&mut self, flat: &Flat<'a>, context: Context<'a>) -> Value {
        let mut object = Map::new();
        let max = flat.max_properties.unwrap_or(u64::MAX);
        let mut skipped = Vec::new();
        for (name, schemas) in &flat.properties {
            if self.left_out(schemas) {
                continue;
            }
            let required = flat.required.contains(name);
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
        let mut extras = if free_map && !context.minimal && !context.lean { 1 + self.below(2) } else { 0 };
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
            let key = self.extra_key(&object, index);
            let value = self.extra_value(flat, context.child(None));
            object.insert(key, value);
        }
        // `maxProperties`: optional entries go, last first.
        while object.len() as u64 > max {
            let Some(key) = object.keys().rev().find(|k| !flat.required.contains(&k.as_str())).cloned() else { break };
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

    /// A key for an extra entry that the object does not have yet.
    fn extra_key(&mut self, object: &Map<String, Value>, index: u64) -> String {
        let word = text::word(self);
        if object.contains_key(word) {
            format!("{word}_{index}")
        } else {
            word.to_string()
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
