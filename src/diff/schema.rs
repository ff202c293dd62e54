//! Comparing two schemas in one direction. A request schema that accepts less (a narrower type, a
//! removed enum value, a tighter limit, a new required property, closed additional properties)
//! breaks clients that send what it used to accept; a response schema that may hold more (a wider
//! type, nullability, new enum values, opened additional properties) breaks clients that parse it.
//! Spellings that mean the same compare equal: `$ref` and inline, 3.0 `nullable` and 3.1 type lists,
//! `const` and a one-value `enum`; descriptions and examples are documentation only.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::{finding, Direction, Finding, Level};

/// Where a comparison stands: the documents (for `$ref`s), the operation, the findings so far.
pub(super) struct Context<'a> {
    pub old_doc: &'a Value,
    pub new_doc: &'a Value,
    pub operation: String,
    pub findings: &'a mut Vec<Finding>,
}

impl Context<'_> {
    /// Adds a finding about the operation being compared.
    pub(super) fn push(&mut self, id: &str, level: Level, direction: Direction, location: &str, message: String) {
        let operation = self.operation.clone();
        self.findings
            .push(finding(id, level, direction, &operation, location, message));
    }
}

/// What a change does to the set of values a schema allows.
#[derive(Clone, Copy)]
enum Effect {
    Narrows,
    Widens,
    /// Neither contains the other.
    Changes,
}

/// The level of a change, by its effect and direction. A response that may hold new values is
/// `unknown` where clients commonly cope (a new enum value) and `breaking` otherwise.
fn level(effect: Effect, direction: Direction, lenient_response_widening: bool) -> Level {
    match (effect, direction) {
        (_, Direction::None) | (Effect::Changes, _) => {
            if matches!(effect, Effect::Changes) {
                Level::Breaking
            } else {
                Level::Unknown
            }
        }
        (Effect::Narrows, Direction::Request) => Level::Breaking,
        (Effect::Narrows, Direction::Response) => Level::NonBreaking,
        (Effect::Widens, Direction::Request) => Level::NonBreaking,
        (Effect::Widens, Direction::Response) if lenient_response_widening => Level::Unknown,
        (Effect::Widens, Direction::Response) => Level::Breaking,
    }
}

fn prefix(direction: Direction) -> &'static str {
    match direction {
        Direction::Request => "request",
        Direction::Response => "response",
        Direction::None => "schema",
    }
}

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

/// A schema's constraints in one canonical form.
struct Shape<'a> {
    /// `None`: any type.
    types: Option<BTreeSet<String>>,
    nullable: bool,
    values: Option<Vec<Value>>,
    format: Option<&'a str>,
    pattern: Option<&'a str>,
    limits: BTreeMap<&'static str, f64>,
    properties: BTreeMap<&'a str, &'a Value>,
    required: BTreeSet<&'a str>,
    /// `Some(false)` closed, `Some(true)` or `None` open; a schema counts as open.
    closed: bool,
    items: Option<&'a Value>,
    branches: Vec<(&'static str, &'a Value)>,
    description: Option<&'a str>,
}

const LOWER: [&str; 4] = ["minimum", "minLength", "minItems", "minProperties"];
const UPPER: [&str; 4] = ["maximum", "maxLength", "maxItems", "maxProperties"];

fn shape(schema: &Value) -> Shape<'_> {
    let mut types: Option<BTreeSet<String>> = match &schema["type"] {
        Value::String(t) => Some(BTreeSet::from([t.clone()])),
        Value::Array(ts) => Some(ts.iter().filter_map(|t| t.as_str().map(str::to_string)).collect()),
        _ => None,
    };
    let mut nullable = schema["nullable"] == Value::Bool(true);
    if let Some(set) = &mut types {
        nullable |= set.remove("null");
    }
    let mut values = schema
        .get("enum")
        .and_then(Value::as_array)
        .cloned()
        .or_else(|| schema.get("const").map(|c| vec![c.clone()]));
    if let Some(list) = &mut values {
        if list.iter().any(Value::is_null) {
            nullable = true;
            list.retain(|v| !v.is_null());
        }
    }
    let mut limits = BTreeMap::new();
    for key in LOWER.iter().chain(UPPER.iter()) {
        if let Some(n) = schema.get(*key).and_then(Value::as_f64) {
            limits.insert(*key, n);
        }
    }
    let properties = schema["properties"]
        .as_object()
        .map(|p| p.iter().map(|(k, v)| (k.as_str(), v)).collect())
        .unwrap_or_default();
    let required = schema["required"]
        .as_array()
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut branches = Vec::new();
    for keyword in ["oneOf", "anyOf", "allOf"] {
        for branch in schema[keyword].as_array().into_iter().flatten() {
            branches.push((keyword, branch));
        }
    }
    Shape {
        types,
        nullable,
        values,
        format: schema["format"].as_str(),
        pattern: schema["pattern"].as_str(),
        limits,
        properties,
        required,
        closed: schema["additionalProperties"] == Value::Bool(false),
        items: schema.get("items"),
        branches,
        description: schema["description"].as_str(),
    }
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
    if depth > 12 {
        return;
    }
    let (old, new) = (resolve(context.old_doc, old), resolve(context.new_doc, new));
    let (o, n) = (shape(old), shape(new));
    let p = prefix(direction);
    let mut push = |context: &mut Context<'_>, suffix: &str, level: Level, message: String| {
        let op = context.operation.clone();
        context.findings.push(finding(
            &format!("{p}-{suffix}"),
            level,
            direction,
            &op,
            location,
            message,
        ));
    };

    // Types: a number schema also accepts integers.
    if o.types != n.types {
        let widen = |t: &Option<BTreeSet<String>>| {
            t.as_ref().map(|set| {
                let mut set = set.clone();
                if set.contains("number") {
                    set.insert("integer".into());
                }
                set
            })
        };
        let (ot, nt) = (widen(&o.types), widen(&n.types));
        let effect = match (&ot, &nt) {
            (Some(_), None) => Effect::Widens,
            (None, Some(_)) => Effect::Narrows,
            (Some(a), Some(b)) if a.is_subset(b) => Effect::Widens,
            (Some(a), Some(b)) if b.is_subset(a) => Effect::Narrows,
            _ => Effect::Changes,
        };
        let show = |t: &Option<BTreeSet<String>>| {
            t.as_ref()
                .map_or("any".to_string(), |s| s.iter().cloned().collect::<Vec<_>>().join("|"))
        };
        push(
            context,
            "type-changed",
            level(effect, direction, false),
            format!("the type changed from {} to {}", show(&o.types), show(&n.types)),
        );
    }
    if o.nullable != n.nullable {
        let (suffix, effect, what) = if n.nullable {
            ("became-nullable", Effect::Widens, "may now be null")
        } else {
            ("became-not-nullable", Effect::Narrows, "may no longer be null")
        };
        push(
            context,
            suffix,
            level(effect, direction, false),
            format!("the value {what}"),
        );
    }
    compare_values(&o, &n, direction, context, &mut push);
    // A format or a pattern: added narrows, removed widens; a changed pattern may do either.
    let string_rules = [
        ("format", o.format, n.format, level(Effect::Changes, direction, false)),
        (
            "pattern",
            o.pattern,
            n.pattern,
            Level::Unknown.max(level(Effect::Narrows, direction, false)),
        ),
    ];
    for (keyword, old, new, changed) in string_rules {
        let (suffix, rule_level, message) = match (old, new) {
            (None, Some(v)) => (
                "added",
                level(Effect::Narrows, direction, false),
                format!("{keyword} `{v}` added"),
            ),
            (Some(v), None) => (
                "removed",
                level(Effect::Widens, direction, true),
                format!("{keyword} `{v}` removed"),
            ),
            (Some(a), Some(b)) if a != b => ("changed", changed, format!("{keyword} `{a}` became `{b}`")),
            _ => continue,
        };
        push(context, &format!("{keyword}-{suffix}"), rule_level, message);
    }
    for key in LOWER.iter().chain(UPPER.iter()) {
        let (a, b) = (o.limits.get(key), n.limits.get(key));
        if a == b {
            continue;
        }
        let lower = LOWER.contains(key);
        let effect = match (a, b) {
            (None, Some(_)) => Effect::Narrows,
            (Some(_), None) => Effect::Widens,
            (Some(a), Some(b)) if (b > a) == lower => Effect::Narrows,
            _ => Effect::Widens,
        };
        let (suffix, verb) = match effect {
            Effect::Narrows => ("limit-tightened", "tightened"),
            _ => ("limit-loosened", "loosened"),
        };
        let show = |v: Option<&f64>| v.map_or("none".to_string(), |v| v.to_string());
        push(
            context,
            suffix,
            level(effect, direction, true),
            format!("`{key}` {verb}: {} to {}", show(a), show(b)),
        );
    }
    compare_objects(&o, &n, direction, location, context, depth, &mut push);
    if let (Some(a), Some(b)) = (o.items, n.items) {
        compare(a, b, direction, &format!("{location}/items"), context, depth + 1);
    }
    compare_branches(&o, &n, direction, context, &mut push);
    if o.description != n.description {
        push(
            context,
            "description-changed",
            Level::NonBreaking,
            "the description changed (documentation only)".into(),
        );
    }
}

type Push<'p> = dyn FnMut(&mut Context<'_>, &str, Level, String) + 'p;

fn compare_values(o: &Shape<'_>, n: &Shape<'_>, direction: Direction, context: &mut Context<'_>, push: &mut Push<'_>) {
    match (&o.values, &n.values) {
        (None, None) => {}
        (None, Some(values)) => push(
            context,
            "enum-added",
            level(Effect::Narrows, direction, false),
            format!("now limited to {}", list(values)),
        ),
        (Some(values), None) => push(
            context,
            "enum-removed",
            level(Effect::Widens, direction, true),
            format!("no longer limited to {}: any value of the type may come", list(values)),
        ),
        (Some(a), Some(b)) => {
            let added: Vec<Value> = b.iter().filter(|v| !a.contains(v)).cloned().collect();
            let removed: Vec<Value> = a.iter().filter(|v| !b.contains(v)).cloned().collect();
            if !added.is_empty() {
                push(
                    context,
                    "enum-value-added",
                    level(Effect::Widens, direction, true),
                    format!("{} may now come", list(&added)),
                );
            }
            if !removed.is_empty() {
                push(
                    context,
                    "enum-value-removed",
                    level(Effect::Narrows, direction, false),
                    format!("{} may no longer come", list(&removed)),
                );
            }
        }
    }
}

fn compare_objects(
    o: &Shape<'_>,
    n: &Shape<'_>,
    direction: Direction,
    location: &str,
    context: &mut Context<'_>,
    depth: usize,
    push: &mut Push<'_>,
) {
    for (name, schema) in &n.properties {
        let required = n.required.contains(name);
        match o.properties.get(name) {
            Some(old) => compare(
                old,
                schema,
                direction,
                &format!("{location}/properties/{name}"),
                context,
                depth + 1,
            ),
            None => {
                let (suffix, lvl) = match (direction, required) {
                    (Direction::Request, true) => ("new-required-property", Level::Breaking),
                    (Direction::Request, false) => ("property-added", Level::NonBreaking),
                    // A closed response object breaks strict parsers when it grows.
                    (Direction::Response, _) if o.closed => ("property-added-to-closed-object", Level::Breaking),
                    _ => ("property-added", Level::NonBreaking),
                };
                push(
                    context,
                    suffix,
                    lvl,
                    format!("property `{name}` added{}", if required { " (required)" } else { "" }),
                );
            }
        }
    }
    for name in o.properties.keys().filter(|k| !n.properties.contains_key(*k)) {
        let was_required = o.required.contains(name);
        let lvl = match direction {
            Direction::Request if n.closed => Level::Breaking,
            Direction::Request => Level::Unknown,
            Direction::Response if was_required => Level::Breaking,
            _ => Level::Unknown,
        };
        push(context, "property-removed", lvl, format!("property `{name}` removed"));
    }
    for name in n
        .required
        .iter()
        .filter(|r| !o.required.contains(*r) && o.properties.contains_key(*r))
    {
        push(
            context,
            "property-became-required",
            level(Effect::Narrows, direction, false),
            format!("property `{name}` became required"),
        );
    }
    for name in o
        .required
        .iter()
        .filter(|r| !n.required.contains(*r) && n.properties.contains_key(*r))
    {
        push(
            context,
            "property-became-optional",
            level(Effect::Widens, direction, false),
            format!("property `{name}` became optional"),
        );
    }
    if o.closed != n.closed {
        let (suffix, effect, what) = if n.closed {
            (
                "additional-properties-closed",
                Effect::Narrows,
                "no longer allows properties it does not list",
            )
        } else {
            (
                "additional-properties-opened",
                Effect::Widens,
                "now allows properties it does not list",
            )
        };
        push(
            context,
            suffix,
            level(effect, direction, false),
            format!("the object {what}"),
        );
    }
}

fn compare_branches(
    o: &Shape<'_>,
    n: &Shape<'_>,
    direction: Direction,
    context: &mut Context<'_>,
    push: &mut Push<'_>,
) {
    let canon = |doc: &Value, (keyword, branch): &(&str, &Value)| (keyword.to_string(), resolve(doc, branch).clone());
    let old: Vec<(String, Value)> = o.branches.iter().map(|b| canon(context.old_doc, b)).collect();
    let new: Vec<(String, Value)> = n.branches.iter().map(|b| canon(context.new_doc, b)).collect();
    let added = new.iter().filter(|b| !old.contains(b)).count();
    let removed = old.iter().filter(|b| !new.contains(b)).count();
    if added > 0 {
        push(
            context,
            "branch-added",
            level(Effect::Widens, direction, true),
            format!("{added} oneOf/anyOf branch(es) added"),
        );
    }
    if removed > 0 {
        push(
            context,
            "branch-removed",
            level(Effect::Narrows, direction, false),
            format!("{removed} oneOf/anyOf branch(es) removed"),
        );
    }
}

fn list(values: &[Value]) -> String {
    values.iter().map(Value::to_string).collect::<Vec<_>>().join(", ")
}
