//! The merged view of a conjunction of schemas (a `$ref` and its siblings, `allOf` chains, a chosen
//! `oneOf` branch): what a value must satisfy, gathered once so that generation reads plain fields.
//! Also resolves local `$ref`s.

use serde_json::Value;

/// JSON types as bits. `number` is written as NUMBER | INTEGER, so that intersecting `number` with
/// `integer` leaves `integer`, as in JSON Schema where every integer is a number.
pub(super) mod kinds {
    pub const NULL: u8 = 1;
    pub const BOOLEAN: u8 = 2;
    pub const INTEGER: u8 = 4;
    pub const NUMBER: u8 = 8;
    pub const STRING: u8 = 16;
    pub const ARRAY: u8 = 32;
    pub const OBJECT: u8 = 64;
    pub const ANY: u8 = 127;

    pub fn of(name: &str) -> u8 {
        match name {
            "null" => NULL,
            "boolean" => BOOLEAN,
            "integer" => INTEGER,
            "number" => NUMBER | INTEGER,
            "string" => STRING,
            "array" => ARRAY,
            "object" => OBJECT,
            // An unknown type name matches nothing; a conjunction of nothing falls back to the
            // first declared type (see `Flat::kind`).
            _ => 0,
        }
    }
}

/// A numeric bound: its value and whether it is exclusive.
pub(super) type Bound = (f64, bool);

/// A `oneOf` or `anyOf` group still to be decided, with the `discriminator` written beside it.
#[derive(Clone, Copy)]
pub(super) struct Choice<'a> {
    pub branches: &'a [Value],
    pub one_of: bool,
    pub discriminator: Option<&'a Value>,
}

impl Choice<'_> {
    /// Identifies the group by its address in the document: the same `oneOf` met again through a
    /// chosen branch (`Pet` → `Cat` → allOf `Pet`) is already decided.
    pub fn id(&self) -> usize {
        self.branches.as_ptr() as usize
    }
}

/// Everything a conjunction of schemas asks of a value.
pub(super) struct Flat<'a> {
    /// The allowed types (`kinds` bits); ANY when no member declares a type.
    pub types: u8,
    /// Declared type names in order of appearance: the preferred kind is the first still allowed.
    pub declared: Vec<&'a str>,
    pub consts: Vec<&'a Value>,
    /// Each `enum` with whether its schema was `nullable` (OpenAPI 3.0 then also allows null).
    pub enums: Vec<(&'a [Value], bool)>,
    /// `example`, `examples[0]` and `default`, in that order, outermost schema first.
    pub examples: Vec<&'a Value>,
    pub format: Option<&'a str>,
    pub patterns: Vec<&'a str>,
    pub min_length: u64,
    pub max_length: Option<u64>,
    pub minimum: Option<Bound>,
    pub maximum: Option<Bound>,
    pub multiple_of: Vec<f64>,
    pub min_items: u64,
    pub max_items: Option<u64>,
    pub unique_items: bool,
    pub items: Vec<&'a Value>,
    /// `items: false` (2020-12): nothing beyond `prefixItems`.
    pub no_items: bool,
    pub prefix_items: Option<&'a [Value]>,
    /// Each property with every schema the conjunction gives it, in order of first appearance.
    pub properties: Vec<(&'a str, Vec<&'a Value>)>,
    pub required: Vec<&'a str>,
    pub additional: Vec<&'a Value>,
    pub no_additional: bool,
    /// `propertyNames`: the schemas every key must meet (a string schema, usually a pattern).
    pub property_names: Vec<&'a Value>,
    pub min_properties: u64,
    pub max_properties: Option<u64>,
    pub choices: Vec<Choice<'a>>,
    /// `not` schemas: a value one of them accepts is drawn again.
    pub nots: Vec<&'a Value>,
    /// Discriminators written without a `oneOf`/`anyOf` beside them: the base of an `allOf`
    /// hierarchy, whose property names the concrete schema.
    pub lone_discriminators: Vec<&'a Value>,
    /// The `$ref`s followed, outermost first.
    pub refs: Vec<&'a str>,
    /// The addresses of their targets: the same schema however it is referred to, compared
    /// without comparing strings.
    pub targets: Vec<usize>,
    /// A member was the schema `false`: nothing validates.
    pub impossible: bool,
    /// Keywords seen, for inferring a type when none is declared.
    pub object_keywords: bool,
    pub array_keywords: bool,
    pub string_keywords: bool,
    pub number_keywords: bool,
    /// Schemas already absorbed (by address): absorbing one twice changes nothing, and skipping it
    /// is what makes `allOf`/`$ref` cycles finite.
    seen: Vec<usize>,
}

/// What one schema object says that is handled after its other keywords.
#[derive(Default)]
struct Own<'a> {
    reference: Option<&'a str>,
    all_of: Option<&'a [Value]>,
    one_of: Option<&'a [Value]>,
    any_of: Option<&'a [Value]>,
    discriminator: Option<&'a Value>,
    example: Option<&'a Value>,
    first_example: Option<&'a Value>,
    default: Option<&'a Value>,
}

/// How deep `allOf`/`$ref` nesting is followed inside one conjunction.
const MAX_ABSORB_DEPTH: usize = 32;
/// How many schemas one conjunction absorbs at most, whatever the document.
const MAX_MEMBERS: usize = 256;

impl<'a> Flat<'a> {
    pub fn new() -> Self {
        Flat {
            types: kinds::ANY,
            declared: Vec::new(),
            consts: Vec::new(),
            enums: Vec::new(),
            examples: Vec::new(),
            format: None,
            patterns: Vec::new(),
            min_length: 0,
            max_length: None,
            minimum: None,
            maximum: None,
            multiple_of: Vec::new(),
            min_items: 0,
            max_items: None,
            unique_items: false,
            items: Vec::new(),
            no_items: false,
            prefix_items: None,
            properties: Vec::new(),
            required: Vec::new(),
            additional: Vec::new(),
            no_additional: false,
            property_names: Vec::new(),
            min_properties: 0,
            max_properties: None,
            choices: Vec::new(),
            nots: Vec::new(),
            lone_discriminators: Vec::new(),
            refs: Vec::new(),
            targets: Vec::new(),
            impossible: false,
            object_keywords: false,
            array_keywords: false,
            string_keywords: false,
            number_keywords: false,
            seen: Vec::new(),
        }
    }

    /// Merges `schema` (and what it refers to) into the conjunction: its own keywords first (so its
    /// `example` comes before those of what it refers to), then its `$ref`, then its `allOf`.
    pub fn absorb(&mut self, document: &'a Value, schema: &'a Value, depth: usize) {
        let address = schema as *const Value as usize;
        if depth > MAX_ABSORB_DEPTH || self.seen.len() >= MAX_MEMBERS || self.seen.contains(&address) {
            return;
        }
        self.seen.push(address);
        let map = match schema {
            Value::Bool(false) => {
                self.impossible = true;
                return;
            }
            Value::Object(map) => map,
            // `true` and malformed schemas (numbers, strings) constrain nothing.
            _ => return,
        };
        // One pass over the keys, not a lookup per keyword: this runs for every schema of every
        // value, and most schemas have a handful of keys among the forty known here.
        let nullable = map.get("nullable") == Some(&Value::Bool(true));
        let flag = |key: &str| map.get(key) == Some(&Value::Bool(true));
        let mut own = Own::default();
        for (key, value) in map {
            match key.as_str() {
                "$ref" => own.reference = value.as_str(),
                "allOf" => own.all_of = value.as_array().map(Vec::as_slice),
                "type" => self.absorb_type(value, nullable),
                "const" => self.consts.push(value),
                "enum" => {
                    if let Some(values) = value.as_array() {
                        self.enums.push((values, nullable));
                    }
                }
                "example" => own.example = Some(value),
                "examples" => own.first_example = value.as_array().and_then(|e| e.first()),
                "default" => own.default = Some(value),
                "format" => {
                    if let Some(format) = value.as_str() {
                        self.format.get_or_insert(format);
                        if matches!(format, "int32" | "int64" | "float" | "double") {
                            self.number_keywords = true;
                        } else {
                            self.string_keywords = true;
                        }
                    }
                }
                "pattern" => {
                    if let Some(pattern) = value.as_str() {
                        self.patterns.push(pattern);
                        self.string_keywords = true;
                    }
                }
                "propertyNames" => self.property_names.push(value),
                "minLength" => {
                    if let Some(min) = count(value) {
                        self.min_length = self.min_length.max(min);
                        self.string_keywords = true;
                    }
                }
                "maxLength" => {
                    if let Some(max) = count(value) {
                        self.max_length = Some(self.max_length.map_or(max, |m| m.min(max)));
                        self.string_keywords = true;
                    }
                }
                // 3.0 writes `exclusiveMinimum: true` beside `minimum`; 3.1 writes the bound itself.
                "minimum" => self.lower_bound(value.as_f64().map(|v| (v, flag("exclusiveMinimum")))),
                "exclusiveMinimum" => self.lower_bound(value.as_f64().map(|v| (v, true))),
                "maximum" => self.upper_bound(value.as_f64().map(|v| (v, flag("exclusiveMaximum")))),
                "exclusiveMaximum" => self.upper_bound(value.as_f64().map(|v| (v, true))),
                "multipleOf" => {
                    if let Some(step) = value.as_f64().filter(|s| *s > 0.0 && s.is_finite()) {
                        self.multiple_of.push(step);
                        self.number_keywords = true;
                    }
                }
                "items" => {
                    self.array_keywords = true;
                    match value {
                        Value::Bool(false) => self.no_items = true,
                        // Draft 4's tuple form is `prefixItems` in 2020-12.
                        Value::Array(tuple) => {
                            self.prefix_items.get_or_insert(tuple);
                        }
                        items => self.items.push(items),
                    }
                }
                "prefixItems" => {
                    self.array_keywords = true;
                    if let Some(tuple) = value.as_array() {
                        self.prefix_items.get_or_insert(tuple);
                    }
                }
                "minItems" => {
                    self.array_keywords = true;
                    if let Some(min) = count(value) {
                        self.min_items = self.min_items.max(min);
                    }
                }
                "maxItems" => {
                    self.array_keywords = true;
                    if let Some(max) = count(value) {
                        self.max_items = Some(self.max_items.map_or(max, |m| m.min(max)));
                    }
                }
                "uniqueItems" => {
                    self.array_keywords = true;
                    self.unique_items |= value == &Value::Bool(true);
                }
                "properties" => {
                    self.object_keywords = true;
                    for (name, schema) in value.as_object().into_iter().flatten() {
                        match self.properties.iter_mut().find(|(n, _)| *n == name.as_str()) {
                            Some((_, schemas)) => schemas.push(schema),
                            None => self.properties.push((name, vec![schema])),
                        }
                    }
                }
                "required" => {
                    self.object_keywords = true;
                    for name in value.as_array().into_iter().flatten().filter_map(Value::as_str) {
                        if !self.required.contains(&name) {
                            self.required.push(name);
                        }
                    }
                }
                "additionalProperties" => {
                    self.object_keywords = true;
                    match value {
                        Value::Bool(false) => self.no_additional = true,
                        Value::Object(_) => self.additional.push(value),
                        _ => {}
                    }
                }
                "minProperties" => {
                    self.object_keywords = true;
                    if let Some(min) = count(value) {
                        self.min_properties = self.min_properties.max(min);
                    }
                }
                "maxProperties" => {
                    self.object_keywords = true;
                    if let Some(max) = count(value) {
                        self.max_properties = Some(self.max_properties.map_or(max, |m| m.min(max)));
                    }
                }
                "not" => self.nots.push(value),
                "oneOf" => own.one_of = value.as_array().map(Vec::as_slice).filter(|b| !b.is_empty()),
                "anyOf" => own.any_of = value.as_array().map(Vec::as_slice).filter(|b| !b.is_empty()),
                "discriminator" => own.discriminator = Some(value).filter(|d| d["propertyName"].is_string()),
                _ => {}
            }
        }
        self.examples
            .extend([own.example, own.first_example, own.default].into_iter().flatten());
        for (branches, one_of) in [(own.one_of, true), (own.any_of, false)] {
            if let Some(branches) = branches {
                let choice = Choice {
                    branches,
                    one_of,
                    discriminator: own.discriminator,
                };
                if !self.choices.iter().any(|c| c.id() == choice.id()) {
                    self.choices.push(choice);
                }
            }
        }
        if let (Some(discriminator), None, None) = (own.discriminator, own.one_of, own.any_of) {
            self.lone_discriminators.push(discriminator);
        }
        if let Some(reference) = own.reference {
            if let Some(target) = resolve_ref(document, reference) {
                self.refs.push(reference);
                self.targets.push(target as *const Value as usize);
                self.absorb(document, target, depth + 1);
            }
        }
        for member in own.all_of.unwrap_or(&[]) {
            self.absorb(document, member, depth + 1);
        }
    }

    fn absorb_type(&mut self, value: &'a Value, nullable: bool) {
        let (bits, names): (u8, Vec<&'a str>) = match value {
            // OpenAPI 3.0's `nullable` widens a single type only, as the validator's conversion does.
            Value::String(name) => (kinds::of(name) | if nullable { kinds::NULL } else { 0 }, vec![name]),
            Value::Array(names) => {
                let names: Vec<&str> = names.iter().filter_map(Value::as_str).collect();
                (names.iter().fold(0, |bits, name| bits | kinds::of(name)), names)
            }
            _ => return,
        };
        self.types &= bits;
        for name in names {
            if !self.declared.contains(&name) {
                self.declared.push(name);
            }
        }
    }

    fn lower_bound(&mut self, bound: Option<Bound>) {
        let Some(bound) = bound else { return };
        self.number_keywords = true;
        self.minimum = Some(match self.minimum {
            Some(old) if old.0 > bound.0 || (old.0 == bound.0 && old.1) => old,
            _ => bound,
        });
    }

    fn upper_bound(&mut self, bound: Option<Bound>) {
        let Some(bound) = bound else { return };
        self.number_keywords = true;
        self.maximum = Some(match self.maximum {
            Some(old) if old.0 < bound.0 || (old.0 == bound.0 && old.1) => old,
            _ => bound,
        });
    }

    /// Whether null is among the allowed values (type and every enum agree).
    pub fn allows_null(&self) -> bool {
        self.types & kinds::NULL != 0
            && self.consts.iter().all(|c| c.is_null())
            && self
                .enums
                .iter()
                .all(|(values, nullable)| *nullable || values.contains(&Value::Null))
    }

    /// The non-null kind to generate: among the declared types still allowed, the first (or the one
    /// the keywords point at, for `type: [string, object]` with `properties`); with no declared
    /// type, the one the keywords point at, else a string.
    pub fn kind(&self) -> u8 {
        let allowed = self.types & !kinds::NULL;
        let hinted = [
            (self.object_keywords, kinds::OBJECT),
            (self.array_keywords, kinds::ARRAY),
            (
                self.number_keywords && matches!(self.format, Some("int32" | "int64")),
                kinds::INTEGER,
            ),
            (self.number_keywords, kinds::NUMBER | kinds::INTEGER),
            (self.string_keywords, kinds::STRING),
        ];
        let hinted = hinted.iter().filter(|(seen, _)| *seen).map(|(_, kind)| *kind);
        if self.declared.is_empty() {
            return hinted.clone().next().map_or(kinds::STRING, |kind| narrow(kind, kind));
        }
        let candidates: Vec<u8> = self
            .declared
            .iter()
            .map(|name| kinds::of(name) & !kinds::NULL & allowed)
            .filter(|bits| *bits != 0)
            .collect();
        if let Some(&first) = candidates.first() {
            let preferred = hinted
                .into_iter()
                .find_map(|kind| candidates.iter().find(|c| **c & kind != 0));
            return narrow(*preferred.unwrap_or(&first), allowed);
        }
        if self.types == kinds::NULL {
            return kinds::NULL;
        }
        // Contradictory types: the first declared one, to fail plainly rather than wildly.
        let first = self
            .declared
            .iter()
            .map(|name| kinds::of(name) & !kinds::NULL)
            .find(|bits| *bits != 0);
        first.map_or(kinds::STRING, |bits| narrow(bits, bits))
    }
}

/// One kind out of `kind`'s bits that `allowed` permits: number shrinks to integer when only
/// integer is allowed.
fn narrow(kind: u8, allowed: u8) -> u8 {
    if kind & kinds::NUMBER != 0 && allowed & kinds::NUMBER == 0 {
        kinds::INTEGER
    } else if kind & kinds::NUMBER != 0 {
        kinds::NUMBER
    } else {
        kind
    }
}

/// A non-negative count keyword (`minLength: 3`, also written `3.0` by some generators).
fn count(value: &Value) -> Option<u64> {
    value.as_u64().or_else(|| {
        let float = value.as_f64()?;
        // Saturating cast: an absurd bound is clamped where it is used.
        (float >= 0.0 && float.fract() == 0.0).then_some(float as u64)
    })
}

/// The target of a local `$ref` (`#/components/schemas/X`, any JSON pointer, `~0`/`~1` and
/// percent escapes), or of a bare schema name as discriminator mappings write them. None for a
/// reference to another document or to nothing.
pub(super) fn resolve_ref<'a>(document: &'a Value, reference: &str) -> Option<&'a Value> {
    let Some(fragment) = reference.strip_prefix('#') else {
        if reference.contains(['/', '#', '.']) {
            return None;
        }
        return document.pointer(&format!("/components/schemas/{reference}"));
    };
    if fragment.is_empty() {
        return Some(document);
    }
    document.pointer(&crate::spec::schema::local_pointer(reference)?)
}

/// Whether the schemas mark a property `readOnly` / `writeOnly` (looking through `$ref` and
/// `allOf`, a few levels deep).
pub(super) fn access_flags(document: &Value, schemas: &[&Value]) -> (bool, bool) {
    fn walk(document: &Value, schema: &Value, depth: usize, flags: &mut (bool, bool)) {
        let Some(map) = schema.as_object().filter(|_| depth < 8) else {
            return;
        };
        flags.0 |= map.get("readOnly") == Some(&Value::Bool(true));
        flags.1 |= map.get("writeOnly") == Some(&Value::Bool(true));
        if let Some(target) = map
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| resolve_ref(document, r))
        {
            walk(document, target, depth + 1, flags);
        }
        for member in map.get("allOf").and_then(Value::as_array).into_iter().flatten() {
            walk(document, member, depth + 1, flags);
        }
    }
    let mut flags = (false, false);
    for schema in schemas {
        walk(document, schema, 0, &mut flags);
    }
    flags
}
