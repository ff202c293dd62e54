//! Routes a request (method and raw path, the base path already stripped) to one operation of an
//! OpenAPI document. The mock's own router rather than dropshot's, which cannot put a literal beside
//! a variable at one position, give two templates different names for one position, or match
//! variables inside a segment (`{Sid}.json`, `{id}:cancel`).
//!
//! The templates form a trie of segments. At each node a literal child is tried first, then the
//! patterned children (a literal around variables) in the order of [`Pattern::precedes`], then the
//! bare variable; a branch that fails deeper falls back to the next. The first template reached is
//! therefore the most specific one, compared segment by segment from the left, whatever the
//! document's order. A trie node is reached by one way only, so a lookup visits each node at most
//! once: about one hash lookup per segment.
//!
//! Structure is read from the raw path: `/` splits segments, and an encoded `%2F` never does.
//! Within a segment everything compares percent-decoded: literals, the literal pieces of a pattern,
//! and the values handed back.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

/// The routes of one document.
pub(crate) struct Router {
    /// The trie; [`ROOT`] is the template `/`.
    nodes: Vec<Node>,
    /// The parameter names of every operation given to [`Router::new`], by index, in template order:
    /// templates that share a node may name their variables differently. `Arc` so that a route
    /// hands out names without allocating. Empty for an unroutable operation.
    names: Vec<Box<[Arc<str>]>>,
}

/// A route's parameters: (name, percent-decoded value) in template order. The names are shared
/// with the router, so that a route allocates only the values.
pub(crate) type Params = Vec<(Arc<str>, String)>;

/// What a request routes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Routed {
    /// `operation`: the index of the (method, template) in the list given to [`Router::new`].
    /// `params`: (name, percent-decoded value) in template order.
    Operation {
        operation: usize,
        params: Params,
    },
    /// The path has a template, the method has no operation on it. `allow`: the template's methods,
    /// with HEAD where GET is and OPTIONS always, sorted.
    MethodNotAllowed {
        allow: Vec<String>,
    },
    /// An OPTIONS request on a template that documents no OPTIONS operation: the server answers it
    /// itself, with `allow` as for [`Routed::MethodNotAllowed`]. Its own variant so that no caller
    /// answers 405 to a method its own Allow header lists.
    Options {
        allow: Vec<String>,
    },
    NotFound,
}

/// An operation [`Router::new`] left out, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Unroutable {
    pub operation: usize,
    pub reason: String,
}

/// The node of the template `/`.
const ROOT: usize = 0;

/// Literal children are looked up once per segment of every request: foldhash, for the reason
/// `state::text_map` gives.
type Literals = HashMap<Box<str>, usize, foldhash::fast::RandomState>;

struct Node {
    /// The node one segment up, and how this node's segment matches: a route's parameter values are
    /// collected by walking back from its end, so the search itself records nothing.
    parent: usize,
    shape: Shape,
    literals: Literals,
    /// In the order of [`Pattern::precedes`].
    patterned: Vec<usize>,
    bare: Option<usize>,
    /// (uppercase method, operation index), for the templates that end here.
    operations: Vec<(Box<str>, usize)>,
}

/// One segment of a template, without its variable names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    /// The root's: it stands for no segment.
    Root,
    /// Decoded text.
    Literal(Box<str>),
    /// `{name}`, the whole segment.
    Bare,
    Pattern(Pattern),
}

/// A segment of literal text and variables: `prefix {v1} separators[0] {v2} … {vn} suffix`, the text
/// decoded. Two variables always have a literal between them, so the separators are never empty.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Pattern {
    prefix: Box<str>,
    separators: Box<[Box<str>]>,
    suffix: Box<str>,
}

impl Pattern {
    fn arity(&self) -> usize {
        self.separators.len() + 1
    }

    /// The order of the patterns at one position, most specific first: more literal text, then
    /// fewer variables. Equally specific patterns go by their text, so that which of two templates
    /// wins never depends on the document's order (and the order is total: equal patterns share a
    /// node).
    fn precedes(&self, other: &Pattern) -> std::cmp::Ordering {
        let key = |p: &Pattern| {
            let literal = p.prefix.len() + p.suffix.len() + p.separators.iter().map(|s| s.len()).sum::<usize>();
            (std::cmp::Reverse(literal), p.arity())
        };
        key(self).cmp(&key(other)).then_with(|| self.cmp(other))
    }

    /// Splits `text` into the pattern's values, calling `each` with them left to right. The prefix
    /// and suffix are anchored at the ends; each value is the shortest non-empty text before its
    /// separator, with no backtracking. False when the text does not fit, in which case `each` may
    /// have seen some values: callers either ignore values or split text already known to fit.
    fn split<'t>(&self, text: &'t str, mut each: impl FnMut(&'t str)) -> bool {
        // Most patterns lack a prefix or a suffix, and stripping an empty one still calls `memcmp`.
        let rest = match &*self.prefix {
            "" => Some(text),
            prefix => text.strip_prefix(prefix),
        };
        let rest = match (rest, &*self.suffix) {
            (rest, "") => rest,
            (rest, suffix) => rest.and_then(|rest| rest.strip_suffix(suffix)),
        };
        let Some(mut rest) = rest else { return false };
        for separator in &self.separators {
            // The value takes at least one character before its separator is looked for.
            let Some(first) = rest.chars().next() else { return false };
            let Some(at) = rest[first.len_utf8()..].find(&**separator) else {
                return false;
            };
            let at = at + first.len_utf8();
            each(&rest[..at]);
            rest = &rest[at + separator.len()..];
        }
        if rest.is_empty() {
            return false;
        }
        each(rest);
        true
    }

    fn fits(&self, text: &str) -> bool {
        self.split(text, |_| {})
    }
}

impl Node {
    fn new(parent: usize, shape: Shape) -> Node {
        Node {
            parent,
            shape,
            literals: Literals::default(),
            patterned: Vec::new(),
            bare: None,
            operations: Vec::new(),
        }
    }

    /// The operation for `method`; HEAD falls back to GET, as HTTP servers answer it.
    fn operation_for(&self, method: &str) -> Option<usize> {
        let find = |wanted: &str| self.operations.iter().find(|(m, _)| **m == *wanted).map(|&(_, op)| op);
        find(method).or_else(|| if method == "HEAD" { find("GET") } else { None })
    }

    /// The Allow list: documented methods, HEAD where GET is, OPTIONS always, alphabetical so that
    /// it does not depend on the document's order.
    fn allow(&self) -> Vec<String> {
        let mut allow: Vec<String> = self.operations.iter().map(|(m, _)| m.to_string()).collect();
        let has = |allow: &[String], method: &str| allow.iter().any(|m| m == method);
        if has(&allow, "GET") && !has(&allow, "HEAD") {
            allow.push("HEAD".to_string());
        }
        if !has(&allow, "OPTIONS") {
            allow.push("OPTIONS".to_string());
        }
        allow.sort();
        allow
    }
}

impl Router {
    /// Builds the routes of `operations`, each a (method, path template) pair. Methods compare in
    /// uppercase. Templates that cannot be routed, and operations that repeat the method of an
    /// earlier one on the same template up to parameter names, are reported and left out; the
    /// first of such a pair is kept.
    pub fn new<'a>(operations: impl IntoIterator<Item = (&'a str, &'a str)>) -> (Router, Vec<Unroutable>) {
        let mut router = Router {
            nodes: vec![Node::new(ROOT, Shape::Root)],
            names: Vec::new(),
        };
        let mut unroutable = Vec::new();
        let mut templates: Vec<&str> = Vec::new();
        for (index, (method, template)) in operations.into_iter().enumerate() {
            templates.push(template);
            let method = method.to_ascii_uppercase();
            let (segments, names) = match parse(template) {
                Ok(parsed) => parsed,
                Err(reason) => {
                    unroutable.push(Unroutable {
                        operation: index,
                        reason,
                    });
                    router.names.push(Box::default());
                    continue;
                }
            };
            let end = router.insert(segments);
            let node = &mut router.nodes[end];
            if let Some(&(_, first)) = node.operations.iter().find(|(m, _)| **m == *method) {
                let reason = format!(
                    "{method} {template} routes like operation {first} ({method} {}), which is kept",
                    templates[first]
                );
                unroutable.push(Unroutable {
                    operation: index,
                    reason,
                });
                router.names.push(Box::default());
                continue;
            }
            node.operations.push((method.into(), index));
            router.names.push(names.into());
        }
        (router, unroutable)
    }

    /// Routes `method` on `raw_path`: the path as it arrived (still percent-encoded), without the
    /// query and without the API's base path.
    pub fn route(&self, method: &str, raw_path: &str) -> Routed {
        let Some(body) = path_body(raw_path) else {
            return Routed::NotFound;
        };
        let Some(end) = self.find(ROOT, (!body.is_empty()).then_some(body)) else {
            return Routed::NotFound;
        };
        let node = &self.nodes[end];
        match node.operation_for(method) {
            Some(operation) => Routed::Operation {
                operation,
                params: self.params(end, body, &self.names[operation]),
            },
            None if method == "OPTIONS" => Routed::Options { allow: node.allow() },
            None => Routed::MethodNotAllowed { allow: node.allow() },
        }
    }

    /// The node that ends the template the segments lead to, creating what is missing.
    fn insert(&mut self, segments: Vec<Shape>) -> usize {
        let mut at = ROOT;
        for shape in segments {
            let node = &self.nodes[at];
            let existing = match &shape {
                Shape::Literal(text) => node.literals.get(text).copied(),
                Shape::Bare => node.bare,
                Shape::Pattern(_) => node
                    .patterned
                    .iter()
                    .copied()
                    .find(|&child| self.nodes[child].shape == shape),
                Shape::Root => unreachable!("parse never yields the root's shape"),
            };
            if let Some(child) = existing {
                at = child;
                continue;
            }
            let child = self.nodes.len();
            self.nodes.push(Node::new(at, shape.clone()));
            match shape {
                Shape::Literal(text) => {
                    self.nodes[at].literals.insert(text, child);
                }
                Shape::Bare => self.nodes[at].bare = Some(child),
                Shape::Pattern(pattern) => {
                    let nodes = &self.nodes;
                    let position = nodes[at].patterned.partition_point(|&other| match &nodes[other].shape {
                        Shape::Pattern(other) => other.precedes(&pattern).is_lt(),
                        _ => true,
                    });
                    self.nodes[at].patterned.insert(position, child);
                }
                Shape::Root => unreachable!("parse never yields the root's shape"),
            }
            at = child;
        }
        at
    }

    /// The end node of the most specific template that matches `rest` below node `at`. `rest` is
    /// the raw path still to match, `None` when every segment is matched.
    fn find(&self, at: usize, rest: Option<&str>) -> Option<usize> {
        let node = &self.nodes[at];
        let Some(rest) = rest else {
            return (!node.operations.is_empty()).then_some(at);
        };
        let (segment, after) = match rest.split_once('/') {
            Some((segment, after)) => (segment, Some(after)),
            None => (rest, None),
        };
        // `//` in a path: nothing matches an empty segment, not even a variable.
        if segment.is_empty() {
            return None;
        }
        // Below a bare variable alone the text is not needed: an encoded value is decoded once, and
        // only if this route is the one chosen.
        if node.literals.is_empty() && node.patterned.is_empty() {
            return node.bare.and_then(|child| self.find(child, after));
        }
        let decoded = decode(segment);
        let text = decoded.as_deref().unwrap_or(segment);
        if let Some(&child) = node.literals.get(text) {
            if let Some(end) = self.find(child, after) {
                return Some(end);
            }
        }
        for &child in &node.patterned {
            let Shape::Pattern(pattern) = &self.nodes[child].shape else {
                continue;
            };
            if pattern.fits(text) {
                if let Some(end) = self.find(child, after) {
                    return Some(end);
                }
            }
        }
        node.bare.and_then(|child| self.find(child, after))
    }

    /// The parameters of the route ending at `end`, named as the operation names them: the trie is
    /// walked back from `end` while the path's segments are read from the right.
    fn params(&self, end: usize, body: &str, names: &[Arc<str>]) -> Params {
        let mut params: Params = names.iter().map(|name| (name.clone(), String::new())).collect();
        let mut unfilled = params.len();
        let mut segments = body.rsplit('/');
        let mut at = end;
        while at != ROOT {
            let node = &self.nodes[at];
            // `find` matched one segment per node on the way to `end`.
            let segment = segments
                .next()
                .expect("the path has a segment for every node above its end");
            match &node.shape {
                Shape::Bare => {
                    unfilled -= 1;
                    params[unfilled].1 = decoded_value(segment);
                }
                Shape::Pattern(pattern) => {
                    unfilled -= pattern.arity();
                    let mut slot = unfilled;
                    match decode(segment) {
                        Some(text) => {
                            pattern.split(&text, |value| {
                                params[slot].1 = value.to_string();
                                slot += 1;
                            });
                        }
                        // Matched on the raw text: each value that decodes on its own is decoded.
                        None => {
                            pattern.split(segment, |value| {
                                params[slot].1 = decoded_value(value);
                                slot += 1;
                            });
                        }
                    }
                }
                Shape::Literal(_) | Shape::Root => {}
            }
            at = node.parent;
        }
        params
    }
}

/// The segments of a path or template, without its leading and one trailing slash (`/pets/` is
/// `/pets`); empty for the root. `None` when the path starts with an empty segment (`//…`).
fn path_body(path: &str) -> Option<&str> {
    let body = path.strip_prefix('/').unwrap_or(path);
    if body.starts_with('/') {
        return None;
    }
    Some(body.strip_suffix('/').unwrap_or(body))
}

/// A template's segments and its variable names in order; an error says why it cannot be routed.
fn parse(template: &str) -> Result<(Vec<Shape>, Vec<Arc<str>>), String> {
    let empty_segment = || "an empty segment (`//`)".to_string();
    let body = path_body(template).ok_or_else(empty_segment)?;
    let mut segments = Vec::new();
    let mut names = Vec::new();
    if body.is_empty() {
        return Ok((segments, names));
    }
    for segment in body.split('/') {
        if segment.is_empty() {
            return Err(empty_segment());
        }
        segments.push(parse_segment(segment, &mut names)?);
    }
    Ok((segments, names))
}

/// One segment's shape; its variable names are appended to `names`.
fn parse_segment(segment: &str, names: &mut Vec<Arc<str>>) -> Result<Shape, String> {
    let unbalanced = || format!("unbalanced braces in the segment `{segment}`");
    // The literal before each variable, then the one after the last.
    let mut literals: Vec<Box<str>> = Vec::new();
    let mut rest = segment;
    while let Some(open) = rest.find(['{', '}']) {
        if rest.as_bytes()[open] == b'}' {
            return Err(unbalanced());
        }
        let literal = &rest[..open];
        if !literals.is_empty() && literal.is_empty() {
            return Err(format!("two variables with no literal between them in `{segment}`"));
        }
        let after = &rest[open + 1..];
        let close = after.find(['{', '}']).ok_or_else(unbalanced)?;
        if after.as_bytes()[close] == b'{' {
            return Err(unbalanced());
        }
        let name = &after[..close];
        if name.is_empty() {
            return Err(format!("an empty variable name in `{segment}`"));
        }
        if names.iter().any(|known| **known == *name) {
            return Err(format!("the variable `{name}` appears twice"));
        }
        names.push(name.into());
        literals.push(literal_text(literal));
        rest = &after[close + 1..];
    }
    let suffix = literal_text(rest);
    Ok(match literals.split_first() {
        None => Shape::Literal(suffix),
        Some((prefix, [])) if prefix.is_empty() && suffix.is_empty() => Shape::Bare,
        Some((prefix, separators)) => Shape::Pattern(Pattern {
            prefix: prefix.clone(),
            separators: separators.into(),
            suffix,
        }),
    })
}

/// A template's literal text decoded like a request's, so that both sides compare decoded.
fn literal_text(raw: &str) -> Box<str> {
    decode(raw).map_or_else(|| raw.into(), Box::from)
}

/// A captured value, decoded; its raw text where it does not decode.
fn decoded_value(raw: &str) -> String {
    decode(raw).map_or_else(|| raw.to_string(), Cow::into_owned)
}

/// `text` percent-decoded, borrowed when it has no escape. `None` when an escape is malformed
/// (`%ZZ`, a trailing `%4`) or the bytes are not UTF-8: a caller then keeps the raw text. Written
/// here, not taken from the `percent-encoding` crate, because that crate passes malformed escapes
/// through and decodes the rest, which would be neither the raw nor a decoded value.
fn decode(text: &str) -> Option<Cow<'_, str>> {
    if !text.contains('%') {
        return Some(Cow::Borrowed(text));
    }
    let hex = |digit: Option<&u8>| digit.and_then(|&d| (d as char).to_digit(16));
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let byte = (hex(bytes.get(i + 1))? << 4) | hex(bytes.get(i + 2))?;
            // Two hex digits make at most 0xFF.
            decoded.push(byte as u8);
            i += 3;
        } else {
            decoded.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(decoded).ok().map(Cow::Owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A router over `operations` that must all be routable.
    fn router(operations: &[(&str, &str)]) -> Router {
        let (router, unroutable) = Router::new(operations.iter().copied());
        assert!(unroutable.is_empty(), "unexpectedly unroutable: {unroutable:?}");
        router
    }

    fn operation(operation: usize, params: &[(&str, &str)]) -> Routed {
        Routed::Operation {
            operation,
            params: params
                .iter()
                .map(|&(name, value)| (Arc::from(name), value.to_string()))
                .collect(),
        }
    }

    fn allow(methods: &[&str]) -> Vec<String> {
        methods.iter().map(|m| m.to_string()).collect()
    }

    #[test]
    fn a_literal_beats_a_variable_at_the_same_position() {
        // In both orders: the document's order must not matter.
        let forward = router(&[("GET", "/users/me"), ("GET", "/users/{id}")]);
        assert_eq!(forward.route("GET", "/users/me"), operation(0, &[]));
        let backward = router(&[("GET", "/users/{id}"), ("GET", "/users/me")]);
        assert_eq!(backward.route("GET", "/users/me"), operation(1, &[]));
    }

    #[test]
    fn a_variable_takes_what_no_literal_names() {
        let router = router(&[("GET", "/users/me"), ("GET", "/users/{id}")]);
        assert_eq!(router.route("GET", "/users/bob"), operation(1, &[("id", "bob")]));
    }

    #[test]
    fn a_patterned_segment_beats_a_bare_variable_and_loses_to_a_literal() {
        let router = router(&[("GET", "/a/{id}"), ("GET", "/a/{Sid}.json"), ("GET", "/a/me.json")]);
        assert_eq!(router.route("GET", "/a/me.json"), operation(2, &[]));
        assert_eq!(router.route("GET", "/a/AC1.json"), operation(1, &[("Sid", "AC1")]));
        assert_eq!(router.route("GET", "/a/AC1.xml"), operation(0, &[("id", "AC1.xml")]));
    }

    #[test]
    fn a_pattern_with_more_literal_text_is_tried_first() {
        let router = router(&[("GET", "/f/{a}.{b}"), ("GET", "/f/{name}.json")]);
        assert_eq!(router.route("GET", "/f/x.json"), operation(1, &[("name", "x")]));
        assert_eq!(
            router.route("GET", "/f/x.xml"),
            operation(0, &[("a", "x"), ("b", "xml")])
        );
    }

    #[test]
    fn equally_specific_patterns_go_by_their_text_whatever_the_document_order() {
        // `-` sorts before `.`: `{a}-{b}` is tried first in both documents.
        for operations in [
            [("GET", "/f/{a}-{b}"), ("GET", "/f/{c}.{d}")],
            [("GET", "/f/{c}.{d}"), ("GET", "/f/{a}-{b}")],
        ] {
            let first = operations
                .iter()
                .position(|(_, t)| t.contains('-'))
                .expect("one template has a dash");
            assert_eq!(
                router(&operations).route("GET", "/f/x-y.z"),
                operation(first, &[("a", "x"), ("b", "y.z")])
            );
        }
    }

    #[test]
    fn a_more_specific_branch_that_fails_deeper_falls_back_to_a_less_specific_one() {
        let router = router(&[("GET", "/a/me/y"), ("GET", "/a/{id}/x"), ("GET", "/a/{id}.json/z")]);
        assert_eq!(router.route("GET", "/a/me/x"), operation(1, &[("id", "me")]));
        assert_eq!(router.route("GET", "/a/q.json/x"), operation(1, &[("id", "q.json")]));
        assert_eq!(router.route("GET", "/a/q.json/z"), operation(2, &[("id", "q")]));
        assert_eq!(router.route("GET", "/a/me/z"), Routed::NotFound);
    }

    #[test]
    fn each_template_keeps_its_own_parameter_names() {
        let router = router(&[("GET", "/users/{id}"), ("GET", "/users/{userId}/orders")]);
        assert_eq!(router.route("GET", "/users/7"), operation(0, &[("id", "7")]));
        assert_eq!(router.route("GET", "/users/7/orders"), operation(1, &[("userId", "7")]));
    }

    #[test]
    fn methods_on_one_template_may_name_its_variables_differently() {
        let router = router(&[("GET", "/a/{x}"), ("DELETE", "/a/{y}")]);
        assert_eq!(router.route("GET", "/a/1"), operation(0, &[("x", "1")]));
        assert_eq!(router.route("DELETE", "/a/1"), operation(1, &[("y", "1")]));
    }

    #[test]
    fn parameters_inside_a_segment_split_non_greedily_from_the_left() {
        let router = router(&[
            ("GET", "/Accounts/{Sid}.json"),
            ("GET", "/files/{name}.{ext}"),
            ("GET", "/v1/{a}-{b}"),
            ("POST", "/items/{id}:cancel"),
            ("GET", "/p/v{major}.{minor}-{tag}"),
        ]);
        assert_eq!(
            router.route("GET", "/Accounts/AC12.json"),
            operation(0, &[("Sid", "AC12")])
        );
        assert_eq!(
            router.route("GET", "/files/a.tar.gz"),
            operation(1, &[("name", "a"), ("ext", "tar.gz")])
        );
        assert_eq!(
            router.route("GET", "/v1/x-y-z"),
            operation(2, &[("a", "x"), ("b", "y-z")])
        );
        assert_eq!(router.route("POST", "/items/42:cancel"), operation(3, &[("id", "42")]));
        assert_eq!(
            router.route("GET", "/p/v1.2-rc.1"),
            operation(4, &[("major", "1"), ("minor", "2"), ("tag", "rc.1")])
        );
    }

    #[test]
    fn a_literal_suffix_must_match_at_the_end_of_the_segment() {
        let router = router(&[("GET", "/Accounts/{Sid}.json"), ("POST", "/items/{id}:cancel")]);
        assert_eq!(
            router.route("GET", "/Accounts/AC1.json.json"),
            operation(0, &[("Sid", "AC1.json")])
        );
        assert_eq!(router.route("GET", "/Accounts/AC1.xml"), Routed::NotFound);
        assert_eq!(router.route("POST", "/items/42:cancelled"), Routed::NotFound);
    }

    #[test]
    fn a_variable_never_matches_an_empty_string() {
        let router = router(&[
            ("GET", "/files/{name}.json"),
            ("GET", "/v1/{a}-{b}"),
            ("GET", "/x/{id}/y"),
        ]);
        assert_eq!(router.route("GET", "/files/.json"), Routed::NotFound);
        assert_eq!(router.route("GET", "/v1/-b"), Routed::NotFound);
        assert_eq!(router.route("GET", "/v1/a-"), Routed::NotFound);
        assert_eq!(router.route("GET", "/x//y"), Routed::NotFound);
    }

    #[test]
    fn a_trailing_slash_routes_as_the_path_without_it() {
        let router = router(&[("GET", "/pets"), ("GET", "/pets/{id}")]);
        assert_eq!(router.route("GET", "/pets/"), operation(0, &[]));
        assert_eq!(router.route("GET", "/pets/7/"), operation(1, &[("id", "7")]));
    }

    #[test]
    fn a_template_written_with_a_trailing_slash_matches_the_path_without_it() {
        let router = router(&[("GET", "/pets/")]);
        assert_eq!(router.route("GET", "/pets"), operation(0, &[]));
        assert_eq!(router.route("GET", "/pets/"), operation(0, &[]));
    }

    #[test]
    fn an_empty_segment_inside_a_path_is_not_found() {
        let router = router(&[("GET", "/"), ("GET", "/a/{id}"), ("GET", "/a/{id}/b")]);
        assert_eq!(router.route("GET", "/a//b"), Routed::NotFound);
        assert_eq!(router.route("GET", "//a"), Routed::NotFound);
        assert_eq!(router.route("GET", "//"), Routed::NotFound);
        assert_eq!(router.route("GET", "/a/1//"), Routed::NotFound);
    }

    #[test]
    fn an_empty_path_and_a_slash_route_to_the_root_template() {
        let router = router(&[("GET", "/"), ("GET", "/{id}")]);
        assert_eq!(router.route("GET", ""), operation(0, &[]));
        assert_eq!(router.route("GET", "/"), operation(0, &[]));
        assert_eq!(router.route("GET", "/x"), operation(1, &[("id", "x")]));
    }

    #[test]
    fn the_root_is_not_found_when_no_template_is_the_root() {
        let router = router(&[("GET", "/{id}")]);
        assert_eq!(router.route("GET", "/"), Routed::NotFound);
    }

    #[test]
    fn captured_values_are_decoded_and_an_encoded_slash_never_splits_a_segment() {
        let router = router(&[
            ("GET", "/files/{name}"),
            ("GET", "/files/{name}/meta"),
            ("GET", "/d/{a}.{b}"),
        ]);
        assert_eq!(router.route("GET", "/files/a%2Fb"), operation(0, &[("name", "a/b")]));
        assert_eq!(
            router.route("GET", "/files/a%2fb/meta"),
            operation(1, &[("name", "a/b")])
        );
        assert_eq!(
            router.route("GET", "/files/caf%C3%A9%20au%20lait"),
            operation(0, &[("name", "café au lait")])
        );
        assert_eq!(
            router.route("GET", "/d/x%2Fy.z%20w"),
            operation(2, &[("a", "x/y"), ("b", "z w")])
        );
    }

    #[test]
    fn literals_compare_after_decoding() {
        let router = router(&[
            ("GET", "/café"),
            ("GET", "/{x}.café"),
            ("GET", "/a%20b"),
            ("GET", "/100%"),
        ]);
        assert_eq!(router.route("GET", "/caf%C3%A9"), operation(0, &[]));
        assert_eq!(router.route("GET", "/café"), operation(0, &[]));
        assert_eq!(router.route("GET", "/q.caf%c3%a9"), operation(1, &[("x", "q")]));
        assert_eq!(router.route("GET", "/a%20b"), operation(2, &[]));
        assert_eq!(router.route("GET", "/a b"), operation(2, &[]));
        // A literal that does not decode compares raw, on both sides.
        assert_eq!(router.route("GET", "/100%"), operation(3, &[]));
    }

    #[test]
    fn a_value_that_does_not_decode_keeps_its_raw_text() {
        let router = router(&[("GET", "/v/{value}"), ("GET", "/p/{a}.{b}")]);
        for raw in ["100%", "%ZZ", "%4", "%FF", "%C3%28", "a%2Fb%"] {
            assert_eq!(
                router.route("GET", &format!("/v/{raw}")),
                operation(0, &[("value", raw)]),
                "{raw}"
            );
        }
        // The segment does not decode, so it is split raw and each value decoded on its own.
        assert_eq!(
            router.route("GET", "/p/%FF.%41"),
            operation(1, &[("a", "%FF"), ("b", "A")])
        );
    }

    #[test]
    fn head_routes_to_get_when_no_head_is_documented() {
        let router = router(&[("GET", "/a"), ("GET", "/b"), ("HEAD", "/b")]);
        assert_eq!(router.route("HEAD", "/a"), operation(0, &[]));
        assert_eq!(router.route("HEAD", "/b"), operation(2, &[]));
    }

    #[test]
    fn a_method_the_template_lacks_is_not_allowed_and_its_methods_are_listed() {
        let router = router(&[("POST", "/a"), ("GET", "/a"), ("DELETE", "/a"), ("PUT", "/b")]);
        assert_eq!(
            router.route("PATCH", "/a"),
            Routed::MethodNotAllowed {
                allow: allow(&["DELETE", "GET", "HEAD", "OPTIONS", "POST"])
            }
        );
        assert_eq!(
            router.route("HEAD", "/b"),
            Routed::MethodNotAllowed {
                allow: allow(&["OPTIONS", "PUT"])
            }
        );
    }

    #[test]
    fn a_method_is_judged_on_the_best_matching_template_only() {
        let router = router(&[("GET", "/users/me"), ("DELETE", "/users/{id}")]);
        assert_eq!(
            router.route("DELETE", "/users/me"),
            Routed::MethodNotAllowed {
                allow: allow(&["GET", "HEAD", "OPTIONS"])
            }
        );
        assert_eq!(router.route("DELETE", "/users/bob"), operation(1, &[("id", "bob")]));
    }

    #[test]
    fn options_is_answered_from_the_allow_list_unless_documented() {
        let router = router(&[("GET", "/a"), ("OPTIONS", "/b"), ("POST", "/b")]);
        assert_eq!(
            router.route("OPTIONS", "/a"),
            Routed::Options {
                allow: allow(&["GET", "HEAD", "OPTIONS"])
            }
        );
        assert_eq!(router.route("OPTIONS", "/b"), operation(1, &[]));
        assert_eq!(
            router.route("GET", "/b"),
            Routed::MethodNotAllowed {
                allow: allow(&["OPTIONS", "POST"])
            }
        );
    }

    #[test]
    fn operation_methods_compare_in_uppercase() {
        let router = router(&[("get", "/a")]);
        assert_eq!(router.route("GET", "/a"), operation(0, &[]));
    }

    #[test]
    fn a_path_no_template_matches_is_not_found() {
        let router = router(&[("GET", "/a/{id}"), ("GET", "/b")]);
        assert_eq!(router.route("GET", "/c"), Routed::NotFound);
        assert_eq!(router.route("GET", "/a"), Routed::NotFound);
        assert_eq!(router.route("GET", "/a/1/2"), Routed::NotFound);
        assert_eq!(router.route("GET", "/b/c/d/e/f/g"), Routed::NotFound);
    }

    #[test]
    fn unroutable_templates_are_reported_and_the_rest_is_routed() {
        let (router, unroutable) = Router::new([
            ("GET", "/a/{id"),
            ("GET", "/a/id}"),
            ("GET", "/a/{{id}}"),
            ("GET", "/a/{}"),
            ("GET", "/a/{a}{b}"),
            ("GET", "/a/{id}/b/{id}"),
            ("GET", "/a/{id}-{id}"),
            ("GET", "/a//b"),
            ("GET", "/a/{id}"),
        ]);
        let reasons: Vec<(usize, &str)> = unroutable.iter().map(|u| (u.operation, u.reason.as_str())).collect();
        assert_eq!(
            reasons,
            [
                (0, "unbalanced braces in the segment `{id`"),
                (1, "unbalanced braces in the segment `id}`"),
                (2, "unbalanced braces in the segment `{{id}}`"),
                (3, "an empty variable name in `{}`"),
                (4, "two variables with no literal between them in `{a}{b}`"),
                (5, "the variable `id` appears twice"),
                (6, "the variable `id` appears twice"),
                (7, "an empty segment (`//`)"),
            ]
        );
        assert_eq!(router.route("GET", "/a/7"), operation(8, &[("id", "7")]));
    }

    #[test]
    fn one_method_on_templates_identical_up_to_names_is_ambiguous_and_the_first_is_kept() {
        let (router, unroutable) = Router::new([("GET", "/a/{x}"), ("GET", "/a/{y}"), ("GET", "/a/{z}/")]);
        assert_eq!(
            unroutable,
            [
                Unroutable {
                    operation: 1,
                    reason: "GET /a/{y} routes like operation 0 (GET /a/{x}), which is kept".to_string()
                },
                Unroutable {
                    operation: 2,
                    reason: "GET /a/{z}/ routes like operation 0 (GET /a/{x}), which is kept".to_string()
                },
            ]
        );
        assert_eq!(router.route("GET", "/a/1"), operation(0, &[("x", "1")]));
    }

    /// Property tests: templates drawn from literals, bare variables and patterned segments, each
    /// filled with values and percent-encoded.
    mod properties {
        use super::*;
        use proptest::prelude::*;

        /// One segment of a generated template; a pattern's `{}` are its variables.
        #[derive(Debug, Clone)]
        enum Part {
            Literal(&'static str),
            Bare,
            Pattern(&'static str),
        }

        /// How specific a segment is, most specific least: a reference for the router's order.
        /// Two literals never both match a segment, so all literals rank alike.
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
        enum Specificity {
            Literal,
            /// Less literal text, then more variables, then the text: prefix, separators, suffix.
            Pattern(std::cmp::Reverse<usize>, usize, (String, Vec<String>, String)),
            Bare,
        }

        impl Part {
            fn specificity(&self) -> Specificity {
                match self {
                    Part::Literal(_) => Specificity::Literal,
                    Part::Bare => Specificity::Bare,
                    Part::Pattern(pattern) => {
                        let mut pieces: Vec<String> = pattern.split("{}").map(str::to_string).collect();
                        let suffix = pieces.pop().unwrap_or_default();
                        let prefix = pieces.remove(0);
                        let literal = prefix.len() + suffix.len() + pieces.iter().map(String::len).sum::<usize>();
                        Specificity::Pattern(std::cmp::Reverse(literal), pieces.len() + 1, (prefix, pieces, suffix))
                    }
                }
            }

            /// Whether this part matches the decoded segment `text`, split any way at all.
            fn matches(&self, text: &str) -> bool {
                match self {
                    Part::Literal(literal) => text == *literal,
                    Part::Bare => !text.is_empty(),
                    Part::Pattern(pattern) => fits_somehow(pattern, text),
                }
            }
        }

        /// Whether `text` fits `pattern` with non-empty values, trying every split: a reference
        /// for the router's single left-to-right split.
        fn fits_somehow(pattern: &str, text: &str) -> bool {
            match pattern.split_once("{}") {
                None => pattern == text,
                Some((literal, rest)) => {
                    let Some(text) = text.strip_prefix(literal) else {
                        return false;
                    };
                    (1..=text.len())
                        .filter(|&at| text.is_char_boundary(at))
                        .any(|at| fits_somehow(rest, &text[at..]))
                }
            }
        }

        // Literals overlap the patterns on purpose (`me.json` and `{}.json`, `v2` and `v{}`).
        const LITERALS: [&str; 7] = ["users", "me", "a", "v2", "me.json", "x-y", "orders"];
        const PATTERNS: [&str; 6] = ["{}.json", "{}:cancel", "v{}", "v{}.json", "{}.{}", "{}-{}"];

        fn part() -> impl Strategy<Value = Part> {
            prop_oneof![
                prop::sample::select(LITERALS.to_vec()).prop_map(Part::Literal),
                Just(Part::Bare),
                prop::sample::select(PATTERNS.to_vec()).prop_map(Part::Pattern),
            ]
        }

        fn operations() -> impl Strategy<Value = Vec<(&'static str, Vec<Part>)>> {
            let method = prop::sample::select(vec!["GET", "POST"]);
            prop::collection::vec((method, prop::collection::vec(part(), 0..4)), 1..16)
        }

        /// Values made of characters no literal of the set contains (no lowercase, no `.`, `-`,
        /// `:`), several of which must be percent-encoded.
        fn foreign_value() -> impl Strategy<Value = String> {
            let chars = vec!['A', 'Q', 'Z', '7', '_', '~', ' ', '/', '%', '?', '#', 'é', '中', '😀'];
            prop::collection::vec(prop::sample::select(chars), 1..5).prop_map(|chars| chars.into_iter().collect())
        }

        /// Any value: foreign characters, the literals' characters, or a literal itself.
        fn any_value() -> impl Strategy<Value = String> {
            let chars = vec![
                'A', 'm', 'e', 'j', 's', 'o', 'n', 'v', '2', '.', '-', ':', '/', '%', 'é',
            ];
            prop_oneof![
                foreign_value(),
                prop::collection::vec(prop::sample::select(chars), 1..6).prop_map(|c| c.into_iter().collect()),
                prop::sample::select(LITERALS.to_vec()).prop_map(str::to_string),
            ]
        }

        fn template(parts: &[Part]) -> String {
            let mut template = String::new();
            let mut variables = 0;
            for part in parts {
                template.push('/');
                match part {
                    Part::Literal(literal) => template.push_str(literal),
                    Part::Bare | Part::Pattern(_) => {
                        let pattern = if let Part::Pattern(pattern) = part {
                            pattern
                        } else {
                            "{}"
                        };
                        let mut pieces = pattern.split("{}");
                        template.push_str(pieces.next().unwrap_or_default());
                        for piece in pieces {
                            template.push_str(&format!("{{p{variables}}}"));
                            variables += 1;
                            template.push_str(piece);
                        }
                    }
                }
            }
            if template.is_empty() {
                template.push('/');
            }
            template
        }

        /// Percent-encodes all but RFC 3986's unreserved characters.
        fn encode(text: &str) -> String {
            text.bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
                    _ => format!("%{b:02X}"),
                })
                .collect()
        }

        /// The path `parts` make when filled with `values` (cycled), the decoded text of each
        /// segment, and the parameters in order.
        fn fill(parts: &[Part], values: &[String]) -> (String, Vec<String>, Params) {
            let mut values = values.iter().cycle();
            let (mut path, mut segments, mut params) = (String::new(), Vec::new(), Vec::new());
            for part in parts {
                let (mut raw, mut text) = (String::new(), String::new());
                let pattern = match part {
                    Part::Literal(literal) => literal,
                    Part::Bare => "{}",
                    Part::Pattern(pattern) => pattern,
                };
                let mut pieces = pattern.split("{}");
                let first = pieces.next().unwrap_or_default();
                raw.push_str(first);
                text.push_str(first);
                for piece in pieces {
                    let value = values.next().expect("values are never empty").clone();
                    raw.push_str(&encode(&value));
                    text.push_str(&value);
                    params.push((Arc::from(format!("p{}", params.len())), value));
                    raw.push_str(piece);
                    text.push_str(piece);
                }
                path.push('/');
                path.push_str(&raw);
                segments.push(text);
            }
            (path, segments, params)
        }

        proptest! {
            /// Filled with values that share no character with any literal, a template's path
            /// routes back to exactly that template's operation, with exactly those values
            /// decoded: no literal or more specific pattern can claim such a value.
            #[test]
            fn a_template_filled_with_foreign_values_routes_back_to_itself_with_its_values(
                operations in operations(),
                values in prop::collection::vec(foreign_value(), 8),
            ) {
                let templates: Vec<String> = operations.iter().map(|(_, parts)| template(parts)).collect();
                let (router, unroutable) =
                    Router::new(operations.iter().zip(&templates).map(|((m, _), t)| (*m, t.as_str())));
                for (index, (method, parts)) in operations.iter().enumerate() {
                    if unroutable.iter().any(|u| u.operation == index) {
                        // Only the repeat of an earlier (method, template) is reported.
                        let first = operations[..index].iter().zip(&templates).position(|((m, _), t)| {
                            m == method && t.as_str() == templates[index].as_str()
                        });
                        prop_assert!(first.is_some(), "{} reported: {:?}", templates[index], unroutable);
                        continue;
                    }
                    let (path, _, params) = fill(parts, &values);
                    prop_assert_eq!(
                        router.route(method, &path),
                        Routed::Operation { operation: index, params },
                        "{} filled as {}", templates[index], path
                    );
                }
            }

            /// Filled with any values, even ones equal to a literal or holding a separator, a
            /// template's path routes to the most specific of all the templates that match it
            /// (any split of a pattern allowed), compared segment by segment from the left: its
            /// operation for the method, or 405 where it has none. Never a 404: the filled
            /// template itself matches.
            #[test]
            fn a_filled_template_routes_to_the_most_specific_template_that_matches(
                operations in operations(),
                values in prop::collection::vec(any_value(), 8),
            ) {
                let templates: Vec<String> = operations.iter().map(|(_, parts)| template(parts)).collect();
                let (router, unroutable) =
                    Router::new(operations.iter().zip(&templates).map(|((m, _), t)| (*m, t.as_str())));
                let routed: Vec<usize> =
                    (0..operations.len()).filter(|i| !unroutable.iter().any(|u| u.operation == *i)).collect();
                let specificity = |parts: &[Part]| parts.iter().map(Part::specificity).collect::<Vec<_>>();
                for &index in &routed {
                    let (method, parts) = &operations[index];
                    let (path, segments, _) = fill(parts, &values);
                    let matching: Vec<usize> = routed
                        .iter()
                        .copied()
                        .filter(|&other| {
                            let other = &operations[other].1;
                            other.len() == segments.len() && other.iter().zip(&segments).all(|(p, s)| p.matches(s))
                        })
                        .collect();
                    let best = matching.iter().map(|&other| specificity(&operations[other].1)).min();
                    let best = best.expect("the filled template matches its own path");
                    // The best template's operations: one per method, whatever their names.
                    let expected = match matching.iter().find(|&&other| {
                        operations[other].0 == *method && specificity(&operations[other].1) == best
                    }) {
                        Some(&operation) => operation,
                        None => {
                            prop_assert!(
                                matches!(router.route(method, &path), Routed::MethodNotAllowed { .. }),
                                "{} filled as {}: {:?}", templates[index], path, router.route(method, &path)
                            );
                            continue;
                        }
                    };
                    match router.route(method, &path) {
                        Routed::Operation { operation, .. } => prop_assert_eq!(
                            operation, expected, "{} filled as {}: {} chosen, {} expected",
                            templates[index], path, templates[operation], templates[expected]
                        ),
                        other => prop_assert!(false, "{} filled as {}: {:?}", templates[index], path, other),
                    }
                }
            }
        }
    }

    /// A one-off measurement, not a check: `cargo test --release --lib spec::router::tests::timing
    /// -- --ignored --nocapture`. A thousand templates of a hundred resources, Google- and
    /// Twilio-style segments among them.
    #[test]
    #[ignore]
    fn timing_a_lookup_among_a_thousand_templates() {
        let mut templates = Vec::new();
        for r in 0..100 {
            templates.extend([
                format!("/v1/res{r}"),
                format!("/v1/res{r}/me"),
                format!("/v1/res{r}/{{id}}"),
                format!("/v1/res{r}/{{id}}:cancel"),
                format!("/v1/res{r}/{{id}}/items"),
                format!("/v1/res{r}/{{id}}/items/{{itemId}}"),
                format!("/v1/res{r}/{{id}}/items/{{itemId}}/parts"),
                format!("/v1/res{r}/{{id}}/items/{{itemId}}/parts/{{partId}}"),
                format!("/2010-04-01/Accounts/{{AccountSid}}/Res{r}.json"),
                format!("/2010-04-01/Accounts/{{AccountSid}}/Res{r}/{{Sid}}.json"),
            ]);
        }
        let (router, unroutable) = Router::new(templates.iter().map(|t| ("GET", t.as_str())));
        assert!(unroutable.is_empty());
        let mut paths = Vec::new();
        for r in (0..100).step_by(7) {
            paths.extend([
                format!("/v1/res{r}"),
                format!("/v1/res{r}/me"),
                format!("/v1/res{r}/abc123"),
                format!("/v1/res{r}/abc123:cancel"),
                format!("/v1/res{r}/abc123/items/it_9/parts/p%20q"),
                format!("/2010-04-01/Accounts/AC0123456789/Res{r}/CA42.json"),
                format!("/v1/res{r}/abc123/nothing"),
            ]);
        }
        let rounds = 20_000;
        let started = std::time::Instant::now();
        let mut operations = 0usize;
        for _ in 0..rounds {
            for path in &paths {
                if let Routed::Operation { operation, .. } = router.route("GET", std::hint::black_box(path)) {
                    operations += operation;
                }
            }
        }
        let lookups = rounds * paths.len();
        let per_lookup = started.elapsed() / lookups as u32;
        println!(
            "{} templates, {lookups} lookups: {per_lookup:?} a lookup ({operations})",
            templates.len()
        );
    }
}
