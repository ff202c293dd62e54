//! Comparing two schemas in one direction. A request schema that accepts less, by whatever keyword
//! (a narrower type, an enum, a tighter bound or pattern, a new required name, closed or typed
//! additional properties, a new `oneOf`, `anyOf`, `allOf` or `not`…), breaks clients that send what
//! it used to accept; a response schema that may hold more (a constraint removed or loosened, an
//! enum widened, nullability) breaks clients that parse it. A shared component (`$ref`) is judged at
//! every place that uses it, each in its own direction. A change whose direction cannot be proven
//! (a pattern no engine here can compare, a keyword this module does not model) is `unknown`, never
//! silence. Spellings that mean the same compare equal: `$ref` and inline, 3.0 `nullable` and 3.1
//! type lists, `const` and a one-value `enum`, `true` and `{}`; descriptions and examples are
//! documentation only.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::LazyLock;

use serde_json::{json, Map, Value};

use super::pattern::{self, Relation};
use super::{finding, Direction, Finding, Level};

/// A pair of schemas (by address) compared in a direction.
type Key = (usize, usize, Direction);

/// The findings of each pair of schemas already compared, their locations relative to where they
/// were compared: a component is compared once, and its findings repeated in every operation and
/// direction that uses it, in each parameter, body and response. Within one of those, a component's
/// findings are listed at its first use only: components that refer to each other can be reached by
/// more paths than there are atoms in the universe.
#[derive(Default)]
pub(super) struct Judged(HashMap<Key, Vec<Finding>>);

/// Where a comparison stands: the documents (for `$ref`s), the operation, the findings so far.
pub(super) struct Context<'a> {
    pub old_doc: &'a Value,
    pub new_doc: &'a Value,
    pub operation: String,
    pub findings: &'a mut Vec<Finding>,
    judged: &'a mut Judged,
    /// The pairs whose findings the parameter, body or response being compared lists already.
    listed: HashSet<Key>,
    /// The pairs of schemas being compared, outermost first (by address): a `$ref` cycle is judged
    /// once, where it starts.
    stack: Vec<(usize, usize)>,
    /// The outermost place in `stack` that a cycle was cut short at, in the comparison under way.
    cut_at: usize,
    /// Whether the comparison under way left out a component listed elsewhere in the operation.
    partial: bool,
}

impl<'a> Context<'a> {
    pub(super) fn new(
        old_doc: &'a Value,
        new_doc: &'a Value,
        operation: String,
        findings: &'a mut Vec<Finding>,
        judged: &'a mut Judged,
    ) -> Self {
        Self {
            old_doc,
            new_doc,
            operation,
            findings,
            judged,
            listed: HashSet::new(),
            stack: Vec::new(),
            cut_at: usize::MAX,
            partial: false,
        }
    }

    /// Adds a finding about the operation being compared.
    pub(super) fn push(&mut self, id: &str, level: Level, direction: Direction, location: &str, message: String) {
        let operation = self.operation.clone();
        self.findings
            .push(finding(id, level, direction, &operation, location, message));
    }
}

/// What a change does to the set of values a schema allows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Effect {
    Narrows,
    Widens,
    /// Neither contains the other, provably.
    Changes,
    /// It may narrow or widen: nothing here can tell.
    Unproven,
}

/// The level of a change, by its effect and direction: narrowing a request or widening a response
/// breaks clients.
fn level(effect: Effect, direction: Direction) -> Level {
    match (effect, direction) {
        (Effect::Changes, _) => Level::Breaking,
        (Effect::Unproven, _) | (_, Direction::None) => Level::Unknown,
        (Effect::Narrows, Direction::Request) | (Effect::Widens, Direction::Response) => Level::Breaking,
        (Effect::Narrows, Direction::Response) | (Effect::Widens, Direction::Request) => Level::NonBreaking,
    }
}

fn prefix(direction: Direction) -> &'static str {
    match direction {
        Direction::Request => "request",
        Direction::Response => "response",
        Direction::None => "schema",
    }
}

/// Deeper than this, a schema is not compared further, and an `unknown` finding says so.
const MAX_DEPTH: usize = 48;

/// Follows `$ref`s (and a single-entry `allOf` wrapping one) to the schema itself.
pub(super) fn resolve<'a>(document: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..20 {
        if let Some(pointer) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        {
            match document.pointer(pointer) {
                Some(target) => schema = target,
                None => return schema,
            }
        } else if let Some([only]) = schema.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
            if schema.as_object().is_some_and(|o| o.len() == 1) {
                schema = only;
            } else {
                return schema;
            }
        } else {
            return schema;
        }
    }
    schema
}

/// `true` and `false` as the schemas they mean.
static ANYTHING: LazyLock<Value> = LazyLock::new(|| json!({}));
static NOTHING: LazyLock<Value> = LazyLock::new(|| json!({"not": {}}));

fn as_object(schema: &Value) -> &Value {
    match schema {
        Value::Bool(true) => &ANYTHING,
        Value::Bool(false) => &NOTHING,
        other => other,
    }
}

/// Whether a schema-valued keyword's value constrains nothing (`true`, `{}`), as if absent.
fn neutral(schema: &Value) -> bool {
    schema == &Value::Bool(true) || schema.as_object().is_some_and(Map::is_empty)
}

/// Keywords that change nothing a value may be.
const DOCUMENTATION: [&str; 12] = [
    "description",
    "title",
    "example",
    "examples",
    "externalDocs",
    "$comment",
    "xml",
    "$id",
    "$schema",
    "$anchor",
    "$defs",
    "definitions",
];

/// Keywords this module judges; any other that changes is reported `unknown`.
const JUDGED: [&str; 48] = [
    "type",
    "nullable",
    "enum",
    "const",
    "format",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "minContains",
    "maxContains",
    "uniqueItems",
    "properties",
    "required",
    "additionalProperties",
    "patternProperties",
    "propertyNames",
    "dependentSchemas",
    "dependentRequired",
    "dependencies",
    "unevaluatedProperties",
    "items",
    "prefixItems",
    "additionalItems",
    "unevaluatedItems",
    "contains",
    "oneOf",
    "anyOf",
    "allOf",
    "not",
    "if",
    "then",
    "else",
    "deprecated",
    "readOnly",
    "writeOnly",
    "default",
    "discriminator",
    "contentMediaType",
    "contentEncoding",
];

/// A JSON pointer segment for `name`.
fn segment(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// `propertyNames` as a rule id's `property-names`.
fn kebab(keyword: &str) -> String {
    let mut out = String::with_capacity(keyword.len() + 4);
    for c in keyword.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether a `$ref` is anywhere inside.
fn has_ref(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.contains_key("$ref") || map.values().any(has_ref),
        Value::Array(items) => items.iter().any(has_ref),
        _ => false,
    }
}

fn list(values: &[Value]) -> String {
    values.iter().map(Value::to_string).collect::<Vec<_>>().join(", ")
}

/// Compares two schemas (already reached from the operation) in `direction`, at `location` in NEW.
pub(super) fn compare(
    old: &Value,
    new: &Value,
    direction: Direction,
    location: &str,
    context: &mut Context<'_>,
    depth: usize,
) {
    let old = as_object(resolve(context.old_doc, old));
    let new = as_object(resolve(context.new_doc, new));
    let pair = (std::ptr::from_ref(old) as usize, std::ptr::from_ref(new) as usize);
    if let Some(at) = context.stack.iter().position(|p| *p == pair) {
        context.cut_at = context.cut_at.min(at);
        return;
    }
    let key = (pair.0, pair.1, direction);
    // Each parameter, body and response lists its own; a component nested again inside is listed once.
    if depth == 0 {
        context.listed.clear();
    }
    if !context.listed.insert(key) {
        // What encloses this use is then incomplete for other operations: it is not remembered.
        context.partial = true;
        return;
    }
    if depth > MAX_DEPTH {
        // Equal texts may still lead, through their `$ref`s, to schemas that differ.
        if old != new || has_ref(old) || has_ref(new) {
            let id = format!("{}-schema-too-deep", prefix(direction));
            let message =
                format!("the schemas may differ deeper than {MAX_DEPTH} levels, where this diff stops comparing");
            context.push(&id, Level::Unknown, direction, location, message);
        }
        return;
    }
    if let Some(known) = context.judged.0.get(&key) {
        for finding in known {
            context.findings.push(Finding {
                operation: context.operation.clone(),
                location: format!("{location}{}", finding.location),
                ..finding.clone()
            });
        }
        return;
    }
    let (first, outer_cut, outer_partial) = (context.findings.len(), context.cut_at, context.partial);
    context.cut_at = usize::MAX;
    context.partial = false;
    let depth_here = context.stack.len();
    let mut judge = Judge {
        context,
        direction,
        location,
        depth,
    };
    judge.context.stack.push(pair);
    judge.schemas(old, new);
    judge.context.stack.pop();
    // A comparison cut short at a cycle through an outer pair, or that left out a component listed
    // elsewhere, is incomplete elsewhere: it is not remembered. One cut at this pair itself would be
    // cut the same way at every use.
    // At the top, what was left out is listed at its first use inside: nothing is missing.
    let complete = context.cut_at >= depth_here && (depth == 0 || !context.partial);
    context.cut_at = context.cut_at.min(outer_cut);
    context.partial |= outer_partial;
    let relative: Option<Vec<Finding>> = context.findings[first..]
        .iter()
        .map(|f| {
            let suffix = f.location.strip_prefix(location)?;
            Some(Finding {
                location: suffix.to_string(),
                ..f.clone()
            })
        })
        .collect();
    if let (true, Some(relative)) = (complete, relative) {
        context.judged.0.insert(key, relative);
    }
}

/// One comparison: the context, its direction and the place in NEW.
struct Judge<'j, 'a> {
    context: &'j mut Context<'a>,
    direction: Direction,
    location: &'j str,
    depth: usize,
}

impl Judge<'_, '_> {
    fn push(&mut self, suffix: &str, level: Level, message: String) {
        let id = format!("{}-{suffix}", prefix(self.direction));
        self.context.push(&id, level, self.direction, self.location, message);
    }

    fn effect(&mut self, suffix: &str, effect: Effect, message: String) {
        self.push(suffix, level(effect, self.direction), message);
    }

    fn recurse(&mut self, old: &Value, new: &Value, location: &str) {
        compare(old, new, self.direction, location, self.context, self.depth + 1);
    }

    fn schemas(&mut self, old: &Value, new: &Value) {
        self.types(old, new);
        self.values(old, new);
        self.format(old, new);
        self.pattern(old, new);
        self.bounds(old, new);
        self.objects(old, new);
        self.arrays(old, new);
        for keyword in ["oneOf", "anyOf", "allOf"] {
            self.branches(keyword, old[keyword].as_array(), new[keyword].as_array());
        }
        self.not(old.get("not"), new.get("not"));
        self.conditionals(old, new);
        self.annotations(old, new);
        self.unjudged(old, new);
    }

    /// Types and nullability: a number schema also accepts integers.
    fn types(&mut self, old: &Value, new: &Value) {
        let (ot, on) = types(old);
        let (nt, nn) = types(new);
        if ot != nt {
            let widen = |t: &Option<BTreeSet<String>>| {
                t.as_ref().map(|set| {
                    let mut set = set.clone();
                    if set.contains("number") {
                        set.insert("integer".into());
                    }
                    set
                })
            };
            let effect = match (widen(&ot), widen(&nt)) {
                (Some(_), None) => Effect::Widens,
                (None, Some(_)) => Effect::Narrows,
                // `number` and `number|integer` allow the same.
                (Some(a), Some(b)) if a == b => return self.nullability(on, nn),
                (Some(a), Some(b)) if a.is_subset(&b) => Effect::Widens,
                (Some(a), Some(b)) if b.is_subset(&a) => Effect::Narrows,
                _ => Effect::Changes,
            };
            let show = |t: &Option<BTreeSet<String>>| {
                t.as_ref()
                    .map_or("any".to_string(), |s| s.iter().cloned().collect::<Vec<_>>().join("|"))
            };
            self.effect(
                "type-changed",
                effect,
                format!("the type changed from {} to {}", show(&ot), show(&nt)),
            );
        }
        self.nullability(on, nn);
    }

    fn nullability(&mut self, on: bool, nn: bool) {
        if on != nn {
            let (suffix, effect, what) = if nn {
                ("became-nullable", Effect::Widens, "may now be null")
            } else {
                ("became-not-nullable", Effect::Narrows, "may no longer be null")
            };
            self.effect(suffix, effect, format!("the value {what}"));
        }
    }

    /// `enum` and `const`, one list of values.
    fn values(&mut self, old: &Value, new: &Value) {
        match (values(old), values(new)) {
            (None, None) => {}
            (None, Some(values)) => self.effect(
                "enum-added",
                Effect::Narrows,
                format!("now limited to {}", list(&values)),
            ),
            (Some(values), None) => self.effect(
                "enum-removed",
                Effect::Widens,
                format!("no longer limited to {}: any value of the type may come", list(&values)),
            ),
            (Some(a), Some(b)) => {
                let added: Vec<Value> = b.iter().filter(|v| !a.contains(v)).cloned().collect();
                let removed: Vec<Value> = a.iter().filter(|v| !b.contains(v)).cloned().collect();
                if !added.is_empty() {
                    self.effect(
                        "enum-value-added",
                        Effect::Widens,
                        format!("{} may now come", list(&added)),
                    );
                }
                if !removed.is_empty() {
                    self.effect(
                        "enum-value-removed",
                        Effect::Narrows,
                        format!("{} may no longer come", list(&removed)),
                    );
                }
            }
        }
    }

    /// A format added narrows, removed widens, changed does neither.
    fn format(&mut self, old: &Value, new: &Value) {
        match (old["format"].as_str(), new["format"].as_str()) {
            (None, Some(f)) => self.effect("format-added", Effect::Narrows, format!("format `{f}` added")),
            (Some(f), None) => self.effect("format-removed", Effect::Widens, format!("format `{f}` removed")),
            (Some(a), Some(b)) if a != b => {
                self.effect("format-changed", Effect::Changes, format!("format `{a}` became `{b}`"))
            }
            _ => {}
        }
    }

    /// A pattern added narrows, removed widens; a changed one is compared, or `unknown` when its
    /// direction cannot be proven.
    fn pattern(&mut self, old: &Value, new: &Value) {
        let (suffix, effect, message) = match (old["pattern"].as_str(), new["pattern"].as_str()) {
            (None, Some(p)) => ("pattern-added", Effect::Narrows, format!("pattern `{p}` added")),
            (Some(p), None) => ("pattern-removed", Effect::Widens, format!("pattern `{p}` removed")),
            (Some(a), Some(b)) if a != b => match pattern::relation(a, b) {
                Some(Relation::Same) => return,
                Some(Relation::Narrower) => (
                    "pattern-tightened",
                    Effect::Narrows,
                    format!("pattern `{a}` became `{b}`, which accepts less"),
                ),
                Some(Relation::Wider) => (
                    "pattern-loosened",
                    Effect::Widens,
                    format!("pattern `{a}` became `{b}`, which accepts more"),
                ),
                Some(Relation::Neither) => (
                    "pattern-changed",
                    Effect::Changes,
                    format!("pattern `{a}` became `{b}`: each accepts strings the other refuses"),
                ),
                None => (
                    "pattern-changed",
                    Effect::Unproven,
                    format!("pattern `{a}` became `{b}`, which may accept more or less: this diff cannot tell"),
                ),
            },
            _ => return,
        };
        self.effect(suffix, effect, message);
    }

    /// Numeric bounds (with 3.0's boolean and 3.1's numeric exclusive forms), lengths, counts, and
    /// `multipleOf`.
    fn bounds(&mut self, old: &Value, new: &Value) {
        for (keyword, exclusive, lower) in [
            ("minimum", "exclusiveMinimum", true),
            ("maximum", "exclusiveMaximum", false),
        ] {
            let (a, b) = (
                bound(old, keyword, exclusive, lower),
                bound(new, keyword, exclusive, lower),
            );
            if a == b {
                continue;
            }
            let tighter = |x: (f64, bool), y: (f64, bool)| {
                if lower {
                    x.0 > y.0 || (x.0 == y.0 && x.1 && !y.1)
                } else {
                    x.0 < y.0 || (x.0 == y.0 && x.1 && !y.1)
                }
            };
            let effect = match (a, b) {
                (None, Some(_)) => Effect::Narrows,
                (Some(_), None) => Effect::Widens,
                (Some(a), Some(b)) if tighter(b, a) => Effect::Narrows,
                _ => Effect::Widens,
            };
            let show = |v: Option<(f64, bool)>| {
                v.map_or("none".to_string(), |(v, exclusive)| {
                    if exclusive {
                        format!("{v} (exclusive)")
                    } else {
                        v.to_string()
                    }
                })
            };
            self.limit(keyword, effect, show(a), show(b));
        }
        for (keyword, lower) in LIMITS {
            let (a, b) = (old[keyword].as_f64(), new[keyword].as_f64());
            if a == b {
                continue;
            }
            let effect = match (a, b) {
                (None, Some(_)) => Effect::Narrows,
                (Some(_), None) => Effect::Widens,
                (Some(a), Some(b)) if (b > a) == lower => Effect::Narrows,
                _ => Effect::Widens,
            };
            let show = |v: Option<f64>| v.map_or("none".to_string(), |v| v.to_string());
            self.limit(keyword, effect, show(a), show(b));
        }
        let (a, b) = (old["multipleOf"].as_f64(), new["multipleOf"].as_f64());
        if a != b {
            let whole = |x: f64| x.is_finite() && x.fract() == 0.0;
            let effect = match (a, b) {
                (None, _) => Effect::Narrows,
                (_, None) => Effect::Widens,
                // Multiples of 4 are multiples of 2.
                (Some(a), Some(b)) if a != 0.0 && whole(b / a) => Effect::Narrows,
                (Some(a), Some(b)) if b != 0.0 && whole(a / b) => Effect::Widens,
                _ => Effect::Changes,
            };
            let show = |v: Option<f64>| v.map_or("none".to_string(), |v| v.to_string());
            self.limit("multipleOf", effect, show(a), show(b));
        }
        match (
            old["uniqueItems"] == Value::Bool(true),
            new["uniqueItems"] == Value::Bool(true),
        ) {
            (false, true) => self.effect("unique-items-added", Effect::Narrows, "items must now be unique".into()),
            (true, false) => self.effect("unique-items-removed", Effect::Widens, "items may now repeat".into()),
            _ => {}
        }
    }

    fn limit(&mut self, keyword: &str, effect: Effect, old: String, new: String) {
        let (suffix, verb) = match effect {
            Effect::Narrows => ("limit-tightened", "tightened"),
            Effect::Widens => ("limit-loosened", "loosened"),
            _ => ("limit-changed", "changed"),
        };
        self.effect(suffix, effect, format!("`{keyword}` {verb}: {old} to {new}"));
    }

    fn objects(&mut self, old: &Value, new: &Value) {
        let empty = Map::new();
        let olds = old["properties"].as_object().unwrap_or(&empty);
        let news = new["properties"].as_object().unwrap_or(&empty);
        let required = |schema: &Value| -> BTreeSet<String> {
            schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        };
        let (old_required, new_required) = (required(old), required(new));
        let (old_extra, new_extra) = (
            extra(self.context.old_doc, old.get("additionalProperties")),
            extra(self.context.new_doc, new.get("additionalProperties")),
        );
        let base = self.location.to_string();
        for (name, schema) in news {
            let here = format!("{base}/properties/{}", segment(name));
            let is_required = new_required.contains(name);
            if let Some(before) = olds.get(name) {
                self.recurse(before, schema, &here);
                continue;
            }
            // Before, the property's values were whatever the additional properties allowed.
            if let Extra::Schema(before) = old_extra {
                self.recurse(before, schema, &here);
            }
            let (suffix, lvl) = match (self.direction, is_required) {
                (Direction::Request, true) => ("new-required-property", Level::Breaking),
                // A closed response object breaks strict parsers when it grows.
                (Direction::Response, _) if old_extra == Extra::Closed => {
                    ("property-added-to-closed-object", Level::Breaking)
                }
                _ => ("property-added", Level::NonBreaking),
            };
            self.push(
                suffix,
                lvl,
                format!(
                    "property `{name}` added{}",
                    if is_required { " (required)" } else { "" }
                ),
            );
        }
        for (name, before) in olds.iter().filter(|(k, _)| !news.contains_key(*k)) {
            if let Extra::Schema(after) = new_extra {
                let here = format!("{base}/additionalProperties");
                self.recurse(before, after, &here);
            }
            let was_required = old_required.contains(name);
            let lvl = match self.direction {
                Direction::Request if new_extra == Extra::Closed => Level::Breaking,
                Direction::Response if was_required => Level::Breaking,
                _ => Level::Unknown,
            };
            self.push("property-removed", lvl, format!("property `{name}` removed"));
        }
        // A name may be required without being listed (`oneOf` over `required` lists does that). A
        // property added as required was reported above, one removed below.
        let added = |name: &String| news.contains_key(name) && !olds.contains_key(name);
        let removed = |name: &String| olds.contains_key(name) && !news.contains_key(name);
        for name in new_required.iter().filter(|r| !old_required.contains(*r) && !added(r)) {
            self.effect(
                "property-became-required",
                Effect::Narrows,
                format!("property `{name}` became required"),
            );
        }
        for name in old_required
            .iter()
            .filter(|r| !new_required.contains(*r) && !removed(r))
        {
            self.effect(
                "property-became-optional",
                Effect::Widens,
                format!("property `{name}` became optional"),
            );
        }
        let (suffix, effect, what) = match (old_extra, new_extra) {
            (Extra::Open, Extra::Closed) | (Extra::Schema(_), Extra::Closed) => (
                "additional-properties-closed",
                Effect::Narrows,
                "no longer allows properties it does not list",
            ),
            (Extra::Closed, Extra::Open) | (Extra::Closed, Extra::Schema(_)) => (
                "additional-properties-opened",
                Effect::Widens,
                "now allows properties it does not list",
            ),
            (Extra::Open, Extra::Schema(_)) => (
                "additional-properties-narrowed",
                Effect::Narrows,
                "now constrains the properties it does not list",
            ),
            (Extra::Schema(_), Extra::Open) => (
                "additional-properties-widened",
                Effect::Widens,
                "no longer constrains the properties it does not list",
            ),
            (Extra::Schema(a), Extra::Schema(b)) => {
                self.recurse(a, b, &format!("{base}/additionalProperties"));
                return self.object_keywords(old, new);
            }
            _ => return self.object_keywords(old, new),
        };
        self.effect(suffix, effect, format!("the object {what}"));
        self.object_keywords(old, new);
    }

    /// The rarer object keywords: maps of schemas, property names, dependencies.
    fn object_keywords(&mut self, old: &Value, new: &Value) {
        for keyword in ["patternProperties", "dependentSchemas"] {
            self.schema_map(keyword, old[keyword].as_object(), new[keyword].as_object());
        }
        for keyword in ["propertyNames", "unevaluatedProperties"] {
            self.schema_keyword(keyword, old.get(keyword), new.get(keyword));
        }
        for keyword in ["dependentRequired", "dependencies"] {
            match (old.get(keyword), new.get(keyword)) {
                (None, Some(_)) => self.effect(
                    &format!("{}-added", kebab(keyword)),
                    Effect::Narrows,
                    format!("`{keyword}` added"),
                ),
                (Some(_), None) => self.effect(
                    &format!("{}-removed", kebab(keyword)),
                    Effect::Widens,
                    format!("`{keyword}` removed"),
                ),
                (Some(a), Some(b)) if a != b => self.effect(
                    &format!("{}-changed", kebab(keyword)),
                    Effect::Changes,
                    format!("`{keyword}` changed"),
                ),
                _ => {}
            }
        }
    }

    fn arrays(&mut self, old: &Value, new: &Value) {
        let base = self.location.to_string();
        match (old.get("items"), new.get("items")) {
            (Some(a), Some(b)) if (a.is_array() || b.is_array()) && a != b => {
                self.effect("items-changed", Effect::Changes, "the item schemas changed".into());
            }
            (Some(a), Some(b)) if a.is_array() || b.is_array() => {}
            (Some(a), Some(b)) => self.recurse(a, b, &format!("{base}/items")),
            (None, Some(b)) if !neutral(b) => {
                self.effect("items-added", Effect::Narrows, "the items now have a schema".into())
            }
            (Some(a), None) if !neutral(a) => self.effect(
                "items-removed",
                Effect::Widens,
                "the items no longer have a schema: they may be anything".into(),
            ),
            _ => {}
        }
        let empty = Vec::new();
        let (a, b) = (
            old["prefixItems"].as_array().unwrap_or(&empty),
            new["prefixItems"].as_array().unwrap_or(&empty),
        );
        for (i, (a, b)) in a.iter().zip(b).enumerate() {
            self.recurse(a, b, &format!("{base}/prefixItems/{i}"));
        }
        if b.len() > a.len() {
            self.effect(
                "prefix-items-added",
                Effect::Narrows,
                format!("{} more leading item(s) now have a schema", b.len() - a.len()),
            );
        }
        if a.len() > b.len() {
            self.effect(
                "prefix-items-removed",
                Effect::Widens,
                format!("{} leading item(s) no longer have a schema", a.len() - b.len()),
            );
        }
        for keyword in ["additionalItems", "unevaluatedItems"] {
            self.schema_keyword(keyword, old.get(keyword), new.get(keyword));
        }
        // `contains: {}` still asks for one item: never neutral.
        match (old.get("contains"), new.get("contains")) {
            (None, Some(_)) => self.effect("contains-added", Effect::Narrows, "`contains` added".into()),
            (Some(_), None) => self.effect("contains-removed", Effect::Widens, "`contains` removed".into()),
            (Some(a), Some(b)) => self.recurse(a, b, &format!("{base}/contains")),
            (None, None) => {}
        }
    }

    /// A keyword whose value is a schema that narrows as it narrows; `true` and `{}` as absent.
    fn schema_keyword(&mut self, keyword: &str, old: Option<&Value>, new: Option<&Value>) {
        let (old, new) = (old.filter(|s| !neutral(s)), new.filter(|s| !neutral(s)));
        match (old, new) {
            (None, Some(_)) => self.effect(
                &format!("{}-added", kebab(keyword)),
                Effect::Narrows,
                format!("`{keyword}` added"),
            ),
            (Some(_), None) => self.effect(
                &format!("{}-removed", kebab(keyword)),
                Effect::Widens,
                format!("`{keyword}` removed"),
            ),
            (Some(a), Some(b)) => {
                let here = format!("{}/{keyword}", self.location);
                self.recurse(a, b, &here);
            }
            (None, None) => {}
        }
    }

    /// A keyword whose value maps names to schemas (`patternProperties`, `dependentSchemas`).
    fn schema_map(&mut self, keyword: &str, old: Option<&Map<String, Value>>, new: Option<&Map<String, Value>>) {
        let empty = Map::new();
        let (old, new) = (old.unwrap_or(&empty), new.unwrap_or(&empty));
        for (name, schema) in new {
            match old.get(name) {
                Some(before) => {
                    let here = format!("{}/{keyword}/{}", self.location, segment(name));
                    self.recurse(before, schema, &here);
                }
                None => self.effect(
                    &format!("{}-added", kebab(keyword)),
                    Effect::Narrows,
                    format!("`{keyword}` `{name}` added"),
                ),
            }
        }
        for name in old.keys().filter(|k| !new.contains_key(*k)) {
            self.effect(
                &format!("{}-removed", kebab(keyword)),
                Effect::Widens,
                format!("`{keyword}` `{name}` removed"),
            );
        }
    }

    /// `oneOf`, `anyOf` and `allOf`. A new one is a new constraint: it narrows, whatever its
    /// branches. Between two lists, identical branches are matched first, edited ones compared in
    /// order, and the rest added or removed.
    fn branches(&mut self, keyword: &str, old: Option<&Vec<Value>>, new: Option<&Vec<Value>>) {
        let name = kebab(keyword);
        let (old, new) = match (old, new) {
            (None, None) => return,
            (None, Some(list)) => {
                let must = match keyword {
                    "oneOf" => "exactly one",
                    "anyOf" => "at least one",
                    _ => "every one",
                };
                return self.effect(
                    &format!("{name}-added"),
                    Effect::Narrows,
                    format!(
                        "`{keyword}` added: a value must now match {must} of {} schemas",
                        list.len()
                    ),
                );
            }
            (Some(_), None) => {
                return self.effect(
                    &format!("{name}-removed"),
                    Effect::Widens,
                    format!("`{keyword}` removed"),
                )
            }
            (Some(a), Some(b)) => (a, b),
        };
        let canonical_old: Vec<&Value> = old.iter().map(|s| resolve(self.context.old_doc, s)).collect();
        let mut unmatched_old: Vec<usize> = (0..old.len()).collect();
        let mut unmatched_new = Vec::new();
        for (j, branch) in new.iter().enumerate() {
            let branch = resolve(self.context.new_doc, branch);
            match unmatched_old.iter().position(|&i| canonical_old[i] == branch) {
                Some(at) => {
                    unmatched_old.remove(at);
                }
                None => unmatched_new.push(j),
            }
        }
        let paired = unmatched_old.len().min(unmatched_new.len());
        for (&i, &j) in unmatched_old.iter().zip(&unmatched_new) {
            let before = self.context.findings.len();
            let here = format!("{}/{keyword}/{j}", self.location);
            self.recurse(&old[i], &new[j], &here);
            let widened = self.context.findings[before..]
                .iter()
                .any(|f| f.level == Level::NonBreaking && f.direction == Direction::Request);
            if keyword == "oneOf" && self.direction == Direction::Request && widened {
                self.effect(
                    "one-of-branch-widened",
                    Effect::Unproven,
                    "a widened `oneOf` branch may now overlap another: a value matching both is refused".into(),
                );
            }
        }
        let added = unmatched_new.len() - paired;
        let removed = unmatched_old.len() - paired;
        if added > 0 {
            let effect = match (keyword, self.direction) {
                ("allOf", _) => Effect::Narrows,
                // A value that also matches the new branch now matches two.
                ("oneOf", Direction::Request) => Effect::Unproven,
                _ => Effect::Widens,
            };
            self.effect("branch-added", effect, format!("{added} `{keyword}` branch(es) added"));
        }
        if removed > 0 {
            let effect = if keyword == "allOf" {
                Effect::Widens
            } else {
                Effect::Narrows
            };
            self.effect(
                "branch-removed",
                effect,
                format!("{removed} `{keyword}` branch(es) removed"),
            );
        }
    }

    fn not(&mut self, old: Option<&Value>, new: Option<&Value>) {
        match (old, new) {
            (None, Some(_)) => self.effect("not-added", Effect::Narrows, "`not` added".into()),
            (Some(_), None) => self.effect("not-removed", Effect::Widens, "`not` removed".into()),
            (Some(a), Some(b)) if resolve(self.context.old_doc, a) != resolve(self.context.new_doc, b) => {
                self.effect("not-changed", Effect::Changes, "the `not` schema changed".into())
            }
            _ => {}
        }
    }

    /// `if` decides which of `then` and `else` applies: any change to it may go either way.
    fn conditionals(&mut self, old: &Value, new: &Value) {
        let (a, b) = (old.get("if"), new.get("if"));
        let same = match (a, b) {
            (Some(a), Some(b)) => resolve(self.context.old_doc, a) == resolve(self.context.new_doc, b),
            (a, b) => a == b,
        };
        if !same {
            self.effect("if-changed", Effect::Changes, "the `if` condition changed".into());
        }
        for keyword in ["then", "else"] {
            self.schema_keyword(keyword, old.get(keyword), new.get(keyword));
        }
    }

    /// Deprecation, documentation, defaults, read-only and write-only, discriminators, content.
    fn annotations(&mut self, old: &Value, new: &Value) {
        let what = if self.location.rsplit('/').nth(1) == Some("properties") {
            "property"
        } else {
            "schema"
        };
        match (
            old["deprecated"] == Value::Bool(true),
            new["deprecated"] == Value::Bool(true),
        ) {
            (false, true) => self.push(
                &format!("{what}-deprecated"),
                Level::NonBreaking,
                format!("the {what} was deprecated"),
            ),
            (true, false) => self.push(
                &format!("{what}-undeprecated"),
                Level::NonBreaking,
                format!("the {what} is no longer deprecated"),
            ),
            _ => {}
        }
        if old["description"] != new["description"] {
            self.push(
                "description-changed",
                Level::NonBreaking,
                "the description changed (documentation only)".into(),
            );
        }
        if old.get("default") != new.get("default") {
            // A request that leaves the value out now gets another one.
            let lvl = if self.direction == Direction::Request {
                Level::Unknown
            } else {
                Level::NonBreaking
            };
            self.push(
                "default-changed",
                lvl,
                format!(
                    "the default changed from {} to {}",
                    old.get("default").map_or("none".into(), Value::to_string),
                    new.get("default").map_or("none".into(), Value::to_string)
                ),
            );
        }
        for keyword in ["readOnly", "writeOnly", "discriminator"] {
            if old.get(keyword) != new.get(keyword) {
                self.effect(
                    &format!("{}-changed", kebab(keyword)),
                    Effect::Unproven,
                    format!("`{keyword}` changed: which side may carry the value, or how it is told apart"),
                );
            }
        }
        for keyword in ["contentMediaType", "contentEncoding"] {
            let (effect, suffix) = match (old.get(keyword), new.get(keyword)) {
                (None, Some(_)) => (Effect::Narrows, "added"),
                (Some(_), None) => (Effect::Widens, "removed"),
                (Some(a), Some(b)) if a != b => (Effect::Changes, "changed"),
                _ => continue,
            };
            self.effect(
                &format!("{}-{suffix}", kebab(keyword)),
                effect,
                format!("`{keyword}` {suffix}"),
            );
        }
    }

    /// Any other keyword that changed: this module does not judge it, so it says `unknown`.
    fn unjudged(&mut self, old: &Value, new: &Value) {
        let keys: BTreeSet<&String> = old
            .as_object()
            .into_iter()
            .chain(new.as_object())
            .flat_map(Map::keys)
            .collect();
        for key in keys {
            let skipped = JUDGED.contains(&key.as_str())
                || DOCUMENTATION.contains(&key.as_str())
                || key.starts_with("x-")
                || key == "contentSchema";
            if !skipped && old.get(key) != new.get(key) {
                self.effect(
                    "keyword-changed",
                    Effect::Unproven,
                    format!("`{key}` changed, which this diff does not judge"),
                );
            }
        }
        self.schema_keyword("contentSchema", old.get("contentSchema"), new.get("contentSchema"));
    }
}

/// Lengths and counts: (keyword, whether it is a lower bound).
const LIMITS: [(&str, bool); 8] = [
    ("minLength", true),
    ("maxLength", false),
    ("minItems", true),
    ("maxItems", false),
    ("minProperties", true),
    ("maxProperties", false),
    ("minContains", true),
    ("maxContains", false),
];

/// The types a schema allows (`None`: any) and whether it allows null.
fn types(schema: &Value) -> (Option<BTreeSet<String>>, bool) {
    let mut types: Option<BTreeSet<String>> = match &schema["type"] {
        Value::String(t) => Some(BTreeSet::from([t.clone()])),
        Value::Array(ts) => Some(ts.iter().filter_map(|t| t.as_str().map(str::to_string)).collect()),
        _ => None,
    };
    let mut nullable = schema["nullable"] == Value::Bool(true);
    if let Some(set) = &mut types {
        nullable |= set.remove("null");
    }
    if values_with_null(schema).is_some_and(|v| v.iter().any(Value::is_null)) {
        nullable = true;
    }
    (types, nullable)
}

fn values_with_null(schema: &Value) -> Option<Vec<Value>> {
    schema
        .get("enum")
        .and_then(Value::as_array)
        .cloned()
        .or_else(|| schema.get("const").map(|c| vec![c.clone()]))
}

/// The values an `enum` or `const` allows, null apart (it is nullability).
fn values(schema: &Value) -> Option<Vec<Value>> {
    let mut list = values_with_null(schema)?;
    list.retain(|v| !v.is_null());
    Some(list)
}

/// The inclusive or exclusive bound a schema sets on one side: (value, exclusive).
fn bound(schema: &Value, keyword: &str, exclusive: &str, lower: bool) -> Option<(f64, bool)> {
    let inclusive = schema[keyword].as_f64();
    match &schema[exclusive] {
        // 3.0: the boolean makes `minimum` or `maximum` exclusive.
        Value::Bool(true) => inclusive.map(|v| (v, true)),
        Value::Number(n) => {
            let strict = n.as_f64().map(|v| (v, true));
            match (inclusive.map(|v| (v, false)), strict) {
                (Some(i), Some(s)) => {
                    let s_tighter = if lower { s.0 >= i.0 } else { s.0 <= i.0 };
                    Some(if s_tighter { s } else { i })
                }
                (i, s) => i.or(s),
            }
        }
        _ => inclusive.map(|v| (v, false)),
    }
}

/// What an object allows beyond its listed properties.
#[derive(Clone, Copy, PartialEq)]
enum Extra<'a> {
    Open,
    Closed,
    Schema(&'a Value),
}

fn extra<'a>(document: &'a Value, value: Option<&'a Value>) -> Extra<'a> {
    match value.map(|v| resolve(document, v)) {
        None | Some(Value::Bool(true)) => Extra::Open,
        Some(Value::Bool(false)) => Extra::Closed,
        Some(schema) if neutral(schema) => Extra::Open,
        Some(schema) => Extra::Schema(schema),
    }
}
