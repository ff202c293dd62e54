//! Which way a changed `pattern` moved. A JSON Schema pattern is an ECMAScript regular expression
//! that a string must contain a match of; each one is rewritten into regex-syntax's dialect where
//! that is exact, compiled into a DFA for "contains a match", and the two DFAs are walked together
//! looking for a string that one accepts and the other refuses. A pattern that cannot be rewritten
//! exactly (lookarounds, back-references, `\p{…}`…), or whose DFA grows past the limits,
//! proves nothing: the caller says `unknown`.

use std::collections::{HashSet, VecDeque};

use regex_automata::dfa::StartKind;
use regex_automata::dfa::{dense, Automaton};
use regex_automata::util::{primitives::StateID, start, syntax};
use regex_automata::{Anchored, MatchKind};

/// How NEW's set of accepted strings stands to OLD's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Relation {
    Same,
    /// NEW accepts a subset of what OLD accepted.
    Narrower,
    /// NEW accepts a superset.
    Wider,
    /// Each accepts a string the other refuses.
    Neither,
}

/// A DFA may take this many bytes; a larger one proves nothing.
const DFA_LIMIT: usize = 2 << 20;
/// The walk visits at most this many pairs of states.
const PAIRS_LIMIT: usize = 200_000;

/// The relation between two patterns, or `None` when it cannot be proven.
pub(super) fn relation(old: &str, new: &str) -> Option<Relation> {
    let (a, b) = (contains_match(old)?, contains_match(new)?);
    let start = start::Config::new().anchored(Anchored::Yes);
    let pair = (a.start_state(&start).ok()?, b.start_state(&start).ok()?);
    let (mut only_old, mut only_new) = (false, false);
    let mut seen: HashSet<(StateID, StateID)> = HashSet::from([pair]);
    let mut queue = VecDeque::from([pair]);
    while let Some((sa, sb)) = queue.pop_front() {
        if a.is_quit_state(sa) || b.is_quit_state(sb) {
            return None;
        }
        let (ma, mb) = (
            a.is_match_state(a.next_eoi_state(sa)),
            b.is_match_state(b.next_eoi_state(sb)),
        );
        only_old |= ma && !mb;
        only_new |= mb && !ma;
        if only_old && only_new {
            return Some(Relation::Neither);
        }
        for byte in 0..=u8::MAX {
            let next = (a.next_state(sa, byte), b.next_state(sb, byte));
            if a.is_dead_state(next.0) && b.is_dead_state(next.1) {
                continue;
            }
            if seen.insert(next) {
                if seen.len() > PAIRS_LIMIT {
                    return None;
                }
                queue.push_back(next);
            }
        }
    }
    Some(match (only_old, only_new) {
        (false, false) => Relation::Same,
        (true, false) => Relation::Narrower,
        (false, true) => Relation::Wider,
        (true, true) => Relation::Neither,
    })
}

/// A DFA that matches, anchored at both ends, exactly the strings containing a match of `pattern`.
fn contains_match(pattern: &str) -> Option<dense::DFA<Vec<u32>>> {
    let rust = to_rust(pattern)?;
    let syntax = syntax::Config::new().nest_limit(64);
    // The pattern alone must parse: wrapped, an unbalanced `)` could pair with the wrapper's `(`.
    regex_syntax::ParserBuilder::new()
        .nest_limit(64)
        .build()
        .parse(&rust)
        .ok()?;
    dense::Builder::new()
        .configure(
            dense::DFA::config()
                .match_kind(MatchKind::All)
                .start_kind(StartKind::Anchored)
                .dfa_size_limit(Some(DFA_LIMIT))
                .determinize_size_limit(Some(DFA_LIMIT)),
        )
        .syntax(syntax)
        .build(&format!(r"\A(?s:.)*(?:{rust})(?s:.)*\z"))
        .ok()
}

/// ECMAScript's whitespace (`\s`), as the members of a class.
const SPACE: &str = r"\t\n\x0B\x0C\r \x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}\x{FEFF}";

/// `pattern` in regex-syntax's dialect, meaning exactly what ECMAScript means by it; `None` where
/// that cannot be promised.
pub(super) fn to_rust(pattern: &str) -> Option<String> {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    let mut in_class = false;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let escaped = chars.next()?;
                match (escaped, in_class) {
                    ('d', false) => out.push_str("[0-9]"),
                    ('D', false) => out.push_str("[^0-9]"),
                    ('w', false) => out.push_str("[0-9A-Za-z_]"),
                    ('W', false) => out.push_str("[^0-9A-Za-z_]"),
                    ('s', false) => out.push_str(&format!("[{SPACE}]")),
                    ('S', false) => out.push_str(&format!("[^{SPACE}]")),
                    ('d', true) => out.push_str("0-9"),
                    ('w', true) => out.push_str("0-9A-Za-z_"),
                    ('s', true) => out.push_str(SPACE),
                    // Inside a class, a negated class nests: regex-syntax takes the union.
                    ('D', true) => out.push_str("[^0-9]"),
                    ('W', true) => out.push_str("[^0-9A-Za-z_]"),
                    ('S', true) => out.push_str(&format!("[^{SPACE}]")),
                    // ECMAScript's word characters are ASCII's.
                    ('b', false) => out.push_str(r"(?-u:\b)"),
                    ('B', false) => out.push_str(r"(?-u:\B)"),
                    ('b', true) => out.push_str(r"\x08"),
                    ('0', _) if !chars.peek().is_some_and(char::is_ascii_digit) => out.push_str(r"\x00"),
                    ('t' | 'n' | 'r' | 'f' | 'v', _) => {
                        out.push('\\');
                        out.push(escaped);
                    }
                    ('u', _) => out.push_str(&unicode_escape(&mut chars)?),
                    ('x', _) => {
                        let hex: String = [chars.next()?, chars.next()?].iter().collect();
                        if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
                            return None;
                        }
                        out.push_str(&format!(r"\x{hex}"));
                    }
                    // `\<` and `\>` are word boundaries in regex-syntax, identity escapes here.
                    ('<' | '>', _) => out.push(escaped),
                    // Syntax characters escaped to stand for themselves.
                    (c, _) if c.is_ascii_punctuation() => {
                        out.push('\\');
                        out.push(c);
                    }
                    // Back-references, `\cX`, `\k<name>`, `\p{…}` and the rest: not promised.
                    _ => return None,
                }
            }
            '(' if !in_class => {
                if chars.peek() == Some(&'?') {
                    let mut ahead = chars.clone();
                    ahead.next();
                    match (ahead.next(), ahead.next()) {
                        (Some(':'), _) => {}
                        (Some('<'), Some(n)) if n != '=' && n != '!' => {}
                        // Lookarounds, and flags ECMAScript does not have.
                        _ => return None,
                    }
                }
                out.push('(');
            }
            '.' if !in_class => out.push_str(r"[^\n\r\x{2028}\x{2029}]"),
            '[' if in_class => out.push_str(r"\["),
            '[' => {
                in_class = true;
                out.push('[');
                if chars.peek() == Some(&'^') {
                    chars.next();
                    out.push('^');
                }
                // `[]` and `[^]` are an empty class and any character in ECMAScript, a literal `]`
                // in regex-syntax.
                if chars.peek() == Some(&']') {
                    return None;
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(']');
            }
            // Literal in ECMAScript, set operators in regex-syntax.
            '&' | '~' | '-' if in_class && chars.peek() == Some(&c) => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    (!in_class).then_some(out)
}

/// The rest of a `\uXXXX` escape, as regex-syntax writes it. `\u{…}` means a code point with
/// ECMAScript's `u` flag and `u` repeated without it: not promised.
fn unicode_escape(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) -> Option<String> {
    let hex = (0..4).map(|_| chars.next()).collect::<Option<String>>()?;
    if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    // A lone surrogate (half of a UTF-16 pair) is no character of a Rust string.
    char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?;
    Some(format!(r"\x{{{hex}}}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const UUID: &str = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";

    #[test]
    fn a_wider_class_is_wider_and_the_reverse_narrower() {
        let upper = UUID.replace("a-f", "a-fA-F");
        assert_eq!(relation(UUID, &upper), Some(Relation::Wider));
        assert_eq!(relation(&upper, UUID), Some(Relation::Narrower));
    }

    #[test]
    fn equivalent_spellings_are_the_same() {
        assert_eq!(relation(r"^\d+$", "^[0-9]+$"), Some(Relation::Same));
        assert_eq!(relation("abc", r"^[\s\S]*abc"), Some(Relation::Same));
        // `.` stops at a line break: "x\nabc" contains "abc" but does not match `^.*abc`.
        assert_eq!(relation("abc", "^.*abc"), Some(Relation::Narrower));
    }

    #[test]
    fn unanchored_patterns_are_searched_for() {
        // Containing "ab" is less than containing "a".
        assert_eq!(relation("a", "ab"), Some(Relation::Narrower));
        assert_eq!(relation("^a", "^b"), Some(Relation::Neither));
    }

    #[test]
    fn what_cannot_be_rewritten_exactly_proves_nothing() {
        assert_eq!(relation(UUID, "^(?=[0-9a-f-]{36}$).*$"), None);
        assert_eq!(relation(r"^(a)\1$", "^aa$"), None);
        assert_eq!(relation("[]", "a"), None);
    }

    #[test]
    fn ecmascript_classes_keep_their_ascii_meaning() {
        // `\d` is ASCII digits only: an Arabic-Indic digit is not one.
        assert_eq!(relation(r"^\d$", r"^[0-9\u0660-\u0669]$"), Some(Relation::Wider));
        assert_eq!(relation(r"^\w+$", "^[A-Za-z0-9_]+$"), Some(Relation::Same));
        // A word boundary is ASCII's: "écat" has one before "cat".
        assert_eq!(relation("cat", r"\bcat\b"), Some(Relation::Narrower));
        assert_eq!(relation(r"^\u0041$", "^A$"), Some(Relation::Same));
        assert_eq!(relation(r"^\u{41}$", "^A$"), None);
    }
}
