//! Generates a JSON value valid against an OpenAPI (3.0 or 3.1) schema, deterministically from a
//! seed: the mock's answer for any operation that documents no example. The caller validates every
//! value and retries other seeds, so this aims at "valid the first time" on real documents and,
//! on any input (cycles, refs to nowhere, contradictions, absurd bounds), at stopping quickly.
//!
//! Layout:
//! - `mod.rs`: the API, and the walk: a conjunction of schemas to one value, by kind.
//! - `schema.rs`: a conjunction of schemas (`$ref`, `allOf`, a chosen branch) merged into one view.
//! - `choice.rs`: `oneOf`/`anyOf` branches and discriminators.
//! - `containers.rs`: objects and arrays.
//! - `text.rs` and `number.rs`: strings (formats, patterns, names) and numbers (bounds, steps).
//! - `accepts.rs`: a light validator, for judging examples and `oneOf` exclusivity.
//! - `repair.rs`: what the validator names removed, when no seed gave a valid value.

mod accepts;
mod choice;
mod containers;
mod number;
pub(crate) mod repair;
mod schema;
#[cfg(test)]
mod tests;
mod text;

use std::collections::HashMap;

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;

use accepts::json_eq;
use schema::{kinds, Flat};

/// Which side of the exchange: a response omits `writeOnly` properties, a request omits `readOnly` ones.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    Response,
    #[allow(
        dead_code,
        reason = "part of the API for request bodies; the mock generates responses only so far"
    )]
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
    /// Whether `value` satisfies `schema`, as the light validator sees it (it says yes where a
    /// check would cost too much): for a quick look at a document's examples without compiling
    /// validators.
    pub fn accepts(&self, schema: &Value, value: &Value) -> bool {
        let mut run = Run {
            generator: self,
            rng: ChaCha8Rng::from_seed(expand_seed(0)),
            nodes: 0,
            check_budget: CHECK_BUDGET,
            regexes: HashMap::new(),
            ancestors: Vec::new(),
        };
        run.accepts(schema, value, 0)
    }

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
        run.value(
            &[schema],
            Context {
                depth: 0,
                minimal: false,
                lean: false,
                hint: None,
            },
        )
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
/// `oneOf`/`anyOf` groups settled for one value; the rest are left to chance (each choice nests a
/// call, so this also bounds the stack).
const MAX_CHOICES: usize = 16;
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
        Context {
            depth: self.depth + 1,
            minimal: self.minimal,
            lean: false,
            hint,
        }
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
    /// The `$ref` targets (addresses) of the values being generated, outermost first: one met
    /// again is recursion.
    ancestors: Vec<usize>,
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
    fn conjunction(
        &mut self,
        members: &[&'a Value],
        mut context: Context<'a>,
        decided: &[usize],
        frame: usize,
    ) -> Value {
        let document = self.generator.document;
        let mut flat = Flat::new();
        for member in members {
            flat.absorb(document, member, 0);
        }
        if flat.targets.iter().any(|t| self.ancestors[..frame].contains(t)) {
            context.minimal = true;
        }
        for target in &flat.targets {
            if !self.ancestors[frame..].contains(target) {
                self.ancestors.push(*target);
            }
        }
        context.minimal |= context.depth >= SOFT_DEPTH || self.nodes >= SOFT_NODES;
        if self.generator.use_schema_examples {
            if let Some(example) = self.usable_example(members, &flat) {
                return example;
            }
        }
        let undecided = flat.choices.iter().find(|c| !decided.contains(&c.id()));
        if let Some(choice) = undecided.filter(|_| decided.len() < MAX_CHOICES) {
            return self.choose(members, &flat, *choice, context, decided, frame);
        }
        let mut value = self.merged_value(&flat, context);
        for _ in 0..NOT_TRIES {
            if !flat.nots.iter().any(|not| self.accepts(not, &value, 0)) {
                break;
            }
            value = self.merged_value(&flat, context);
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

    /// A value for a conjunction with no choice left.
    fn merged_value(&mut self, flat: &Flat<'a>, context: Context<'a>) -> Value {
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
}
