//! Strings: formats, `pattern`s, lengths, and plausible values for well-known property names.

use chrono::{Duration, SecondsFormat};
use rand::distr::Distribution;
use regex_syntax::hir::{Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Repetition};

use super::schema::Flat;
use super::Run;

const WORDS: [&str; 32] = [
    "amber", "birch", "cedar", "delta", "ember", "falcon", "garnet", "harbor", "indigo", "juniper", "kestrel", "lumen",
    "maple", "nova", "orchid", "pebble", "quartz", "raven", "sierra", "tundra", "umber", "velvet", "willow", "xenon",
    "yarrow", "zephyr", "atlas", "beacon", "comet", "dune", "echo", "fjord",
];
const FIRST_NAMES: [&str; 12] = [
    "Ada", "Ben", "Chloe", "Dmitri", "Elena", "Farah", "Gus", "Hana", "Ivan", "Jia", "Kofi", "Lena",
];
const LAST_NAMES: [&str; 12] = [
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Silva",
    "Novak",
    "Haddad",
    "Kowalski",
    "Reyes",
    "Brennan",
    "Iyer",
    "Weber",
];

/// Formats the validator checks: a value of one of these that misses a length bound cannot be
/// mended by padding, so it is kept as it is (the bounds contradict the format).
const CHECKED_FORMATS: [&str; 16] = [
    "date-time",
    "date",
    "time",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uuid",
    "duration",
    "json-pointer",
];

/// Longest string generated: a `minLength` beyond it is not honoured (memory before validity).
const MAX_STRING: u64 = 65_536;
/// How many samples a `pattern` gets before the fallback.
/// Draws of a pattern with longer repeats, for a `minLength` the first draws miss.
const LONGER_TRIES: usize = 48;

const PATTERN_TRIES: usize = 12;

/// One word of the list, by seed: keys of map entries.
pub(super) fn word(run: &mut Run<'_>) -> &'static str {
    WORDS[run.below(WORDS.len() as u64) as usize]
}

impl<'a> Run<'a> {
    /// A string for `flat`, whose property (if any) is named `hint`.
    pub(super) fn string(&mut self, flat: &Flat<'a>, hint: Option<&str>) -> String {
        let min = flat.min_length.min(MAX_STRING);
        let max = flat.max_length.unwrap_or(u64::MAX).max(min);
        let fits = |s: &str| (min..=max).contains(&(s.chars().count() as u64));
        if let Some(value) = flat.format.and_then(|f| self.formatted(f, min, max)) {
            if flat.patterns.iter().all(|p| self.matches(p, &value)) {
                if fits(&value) || flat.format.is_some_and(|f| CHECKED_FORMATS.contains(&f)) {
                    return value;
                }
                let value = self.fit_length(value, min, max);
                if flat.patterns.iter().all(|p| self.matches(p, &value)) {
                    return value;
                }
            }
        }
        if let Some(first) = flat.patterns.first().copied() {
            if let Some(value) = self.patterned(first, &flat.patterns, min, max) {
                return value;
            }
        }
        if let Some(value) = hint.and_then(|h| self.named(h, flat)).filter(|v| fits(v)) {
            if flat.patterns.iter().all(|p| self.matches(p, &value)) {
                return value;
            }
        }
        let count = 1 + self.below(2) as usize;
        let words = self.words(count);
        self.fit_length(words, min, max)
    }

    /// `count` words joined by spaces.
    fn words(&mut self, count: usize) -> String {
        let words: Vec<&str> = (0..count).map(|_| *self.pick(&WORDS)).collect();
        words.join(" ")
    }

    /// Pads with letters or cuts to the length bounds (ASCII, so bytes are characters).
    pub(super) fn fit_length(&mut self, mut value: String, min: u64, max: u64) -> String {
        while (value.chars().count() as u64) < min {
            let letter = b'a' + self.below(26) as u8;
            value.push(char::from(letter));
        }
        if value.chars().count() as u64 > max {
            value = value.chars().take(max as usize).collect();
        }
        // A cut that ends in a space looks broken; a letter reads better and keeps the length.
        if value.ends_with(' ') {
            value.pop();
            value.push('x');
        }
        value
    }

    /// A value of a known string format, or None for a format this module does not know (the
    /// validator ignores unknown formats too).
    fn formatted(&mut self, format: &str, min: u64, max: u64) -> Option<String> {
        Some(match format {
            "date-time" => {
                // RFC 3339 has spellings of several lengths: the shortest one the bounds allow.
                let moment = self.recent();
                let spellings = [
                    moment.to_rfc3339_opts(SecondsFormat::Secs, true),
                    moment.to_rfc3339_opts(SecondsFormat::Millis, true),
                    moment.to_rfc3339_opts(SecondsFormat::Secs, false),
                    moment.to_rfc3339_opts(SecondsFormat::Millis, false),
                    moment.to_rfc3339_opts(SecondsFormat::Micros, false),
                    moment.to_rfc3339_opts(SecondsFormat::Nanos, false),
                ];
                let fits = |s: &String| (min..=max).contains(&(s.len() as u64));
                match spellings.iter().find(|s| fits(s)) {
                    Some(spelling) => spelling.clone(),
                    None => spellings[0].clone(),
                }
            }
            "date" => self.recent().format("%Y-%m-%d").to_string(),
            "time" => self.recent().format("%H:%M:%SZ").to_string(),
            "email" | "idn-email" => self.email(),
            "uri" | "url" | "iri" => format!("https://example.com/{}/{}", self.pick(&WORDS), self.below(10_000)),
            "uri-reference" | "iri-reference" => format!("/{}/{}", self.pick(&WORDS), self.below(10_000)),
            "uri-template" => format!("https://example.com/{}/{{id}}", self.pick(&WORDS)),
            "hostname" | "idn-hostname" => format!("{}.example.com", self.pick(&WORDS)),
            "ipv4" => format!("192.0.2.{}", 1 + self.below(254)),
            "ipv6" => format!("2001:db8::{:x}", 1 + self.below(0xfffe)),
            "uuid" => self.uuid(),
            "byte" => self.base64(min, max),
            "password" => {
                let length = 12 + self.below(5) as usize;
                self.alphanumeric(length)
            }
            "duration" => format!("PT{}M", 1 + self.below(120)),
            "json-pointer" => format!("/{}/{}", self.pick(&WORDS), self.below(10)),
            "decimal" => format!("{}.{:02}", self.below(1000), self.below(100)),
            "regex" => "^[a-z]+$".to_string(),
            _ => return None,
        })
    }

    /// A moment within the 30 days before `now`, to the second.
    pub(super) fn recent(&mut self) -> chrono::DateTime<chrono::Utc> {
        let seconds = self.below(30 * 24 * 3600) as i64;
        let moment = self.generator.now - Duration::seconds(seconds);
        // Whole seconds, so that the value prints the same whatever `now`'s sub-second part.
        chrono::DateTime::from_timestamp(moment.timestamp(), 0).unwrap_or(moment)
    }

    fn email(&mut self) -> String {
        let first = self.pick(&FIRST_NAMES).to_lowercase();
        let last = self.pick(&LAST_NAMES).to_lowercase();
        format!("{first}.{last}@example.com")
    }

    pub(super) fn uuid(&mut self) -> String {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.next().to_le_bytes());
        bytes[8..].copy_from_slice(&self.next().to_le_bytes());
        uuid::Builder::from_random_bytes(bytes).into_uuid().to_string()
    }

    fn alphanumeric(&mut self, length: usize) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        (0..length).map(|_| char::from(*self.pick(ALPHABET))).collect()
    }

    /// Standard padded base64 of random bytes, as long as the length bounds allow.
    fn base64(&mut self, min: u64, max: u64) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        // 4 characters per 3 bytes: the smallest multiple of 4 at or above `min`, else 12..24.
        let groups = if min > 0 { min.div_ceil(4) } else { 3 + self.below(4) };
        let groups = groups.min((max / 4).max(1));
        let mut out = String::with_capacity(groups as usize * 4);
        for _ in 0..groups {
            let chunk = self.next() as u32 & 0x00ff_ffff;
            for shift in [18, 12, 6, 0] {
                out.push(char::from(ALPHABET[(chunk >> shift) as usize & 63]));
            }
        }
        out
    }

    /// A plausible value for a property called `name` when its schema gives only a string.
    fn named(&mut self, name: &str, flat: &Flat<'a>) -> Option<String> {
        let lower = name.to_ascii_lowercase();
        let ends = |suffix: &str| lower.ends_with(suffix);
        Some(if lower.contains("email") {
            self.email()
        } else if lower == "id" || ends("_id") || name.ends_with("Id") || lower == "uuid" {
            self.uuid()
        } else if lower.contains("url") || lower.contains("uri") || lower == "href" || lower == "website" {
            format!("https://example.com/{}", self.pick(&WORDS))
        } else if ends("_at") || name.ends_with("At") || lower == "timestamp" {
            self.recent().to_rfc3339_opts(SecondsFormat::Secs, true)
        } else if lower == "first_name" || lower == "firstname" || lower == "given_name" {
            self.pick(&FIRST_NAMES).to_string()
        } else if lower == "last_name" || lower == "lastname" || lower == "family_name" || lower == "surname" {
            self.pick(&LAST_NAMES).to_string()
        } else if lower == "name" || lower == "full_name" || lower == "fullname" || lower == "display_name" {
            format!("{} {}", self.pick(&FIRST_NAMES), self.pick(&LAST_NAMES))
        } else if lower == "username" || lower == "login" || lower == "handle" {
            format!("{}{}", self.pick(&WORDS), self.below(100))
        } else if lower.contains("phone") {
            format!("+1555{:07}", self.below(10_000_000))
        } else if lower == "description" || lower == "title" || lower == "message" || lower == "summary" {
            let count = 3 + self.below(3) as usize;
            let mut sentence = self.words(count);
            if let Some(first) = sentence.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            sentence
        } else {
            return None;
        })
        .filter(|_| flat.format.is_none())
    }

    /// A string matching every one of `patterns` within the length bounds, or None when none was
    /// found in a bounded number of tries.
    fn patterned(&mut self, first: &str, patterns: &[&str], min: u64, max: u64) -> Option<String> {
        let sampler = self.sampler(first)?;
        for attempt in 0..PATTERN_TRIES {
            let candidate: String = sampler.sample(&mut self.rng);
            let length = candidate.chars().count() as u64;
            let candidate = if length < min || length > max {
                // Unanchored patterns tolerate padding; anchored ones are checked just below.
                self.fit_length(candidate, min, max)
            } else {
                candidate
            };
            if patterns.iter().all(|p| self.matches(p, &candidate)) {
                return Some(candidate);
            }
            // Later tries repeat more, for a `minLength` the short samples keep missing: a sampler
            // whose repeats reach the length draws it often enough in a few dozen tries (`^[0-9]+$`
            // of exactly 12 digits, an AWS account id).
            if attempt == PATTERN_TRIES / 2 && min > 0 {
                let longer = self.sampler_with(first, (min.max(max.min(1024)) as u32).min(1024))?;
                for _ in 0..LONGER_TRIES {
                    let candidate: String = longer.sample(&mut self.rng);
                    let length = candidate.chars().count() as u64;
                    if !(min..=max).contains(&length) {
                        continue;
                    }
                    if patterns.iter().all(|p| self.matches(p, &candidate)) {
                        return Some(candidate);
                    }
                }
                // Repeats held at a length: each open repeat takes `min` characters, then half of
                // it (two repeats), a third… (`^[0-9]+$` of exactly 12 is then 12 digits every time).
                for share in 1..=4u64 {
                    let at_least = min.div_ceil(share).min(1024) as u32;
                    let Some(held) = self.sampler_held(first, at_least) else {
                        break;
                    };
                    for _ in 0..4 {
                        let candidate: String = held.sample(&mut self.rng);
                        let length = candidate.chars().count() as u64;
                        if (min..=max).contains(&length) && patterns.iter().all(|p| self.matches(p, &candidate)) {
                            return Some(candidate);
                        }
                    }
                }
            }
        }
        // Several unanchored patterns (from an `allOf`) may each want their own text: one sample of
        // each, end to end, contains a match of every one.
        if patterns.len() > 1 {
            let mut joined = String::new();
            for pattern in patterns {
                let sample: String = self.sampler(pattern)?.sample(&mut self.rng);
                joined.push_str(&sample);
            }
            let length = joined.chars().count() as u64;
            if (min..=max).contains(&length) && patterns.iter().all(|p| self.matches(p, &joined)) {
                return Some(joined);
            }
        }
        None
    }

    fn sampler(&mut self, pattern: &str) -> Option<rand_regex::Regex> {
        self.sampler_with(pattern, 8)
    }

    /// rand_regex's sampler for an ECMAScript `pattern`, narrowed to printable ASCII, its
    /// unbounded repetitions capped at `max_repeat` extra copies. It draws through rand 0.9's
    /// distributions, whose values rand keeps within a minor version: a bump of rand or
    /// rand_regex may change pattern strings (the pinned test says so).
    /// A sampler whose open repeats (`+`, `*`, `{n,}`, ranges) each draw exactly `at_least`
    /// characters where their bounds allow.
    fn sampler_held(&mut self, pattern: &str, at_least: u32) -> Option<rand_regex::Regex> {
        let hir = parsed(pattern)?;
        rand_regex::Regex::with_hir(rewrite(hir, at_least, Some(at_least)), at_least.max(1)).ok()
    }

    fn sampler_with(&mut self, pattern: &str, max_repeat: u32) -> Option<rand_regex::Regex> {
        let hir = parsed(pattern)?;
        rand_regex::Regex::with_hir(ascii_only(hir, max_repeat), max_repeat).ok()
    }

    /// Whether `value` contains a match of the ECMAScript `pattern` (JSON Schema patterns are not
    /// anchored). A pattern that no engine here can compile is taken as matching: the validator
    /// judges it in the end.
    pub(super) fn matches(&mut self, pattern: &str, value: &str) -> bool {
        if !self.regexes.contains_key(pattern) {
            let compiled = regress::Regex::new(pattern)
                .or_else(|_| regress::Regex::with_flags(pattern, "u"))
                .ok();
            self.regexes.insert(pattern.to_string(), compiled);
        }
        match self.regexes.get(pattern) {
            Some(Some(regex)) => regex.find(value).is_some(),
            _ => true,
        }
    }
}

/// The pattern without its look-arounds (`(?=…)`, `(?!…)`, `(?<=…)`, `(?<!…)`), which regex-syntax
/// cannot parse: samples are drawn without them and checked against the whole pattern after
/// (AWS's host names, `^((?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9]\.)+…$`, then mostly match).
fn without_lookarounds(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len());
    let mut index = 0;
    let mut in_class = false;
    while index < chars.len() {
        let c = chars[index];
        let opens_lookaround = !in_class
            && c == '('
            && matches!(
                chars.get(index + 1..index + 4),
                Some(['?', '=' | '!', _]) | Some(['?', '<', '=' | '!'])
            );
        if opens_lookaround {
            index = past_group(&chars, index);
            continue;
        }
        match c {
            '\\' => {
                out.push(c);
                if let Some(next) = chars.get(index + 1) {
                    out.push(*next);
                }
                index += 2;
                continue;
            }
            '[' => in_class = true,
            ']' => in_class = false,
            _ => {}
        }
        out.push(c);
        index += 1;
    }
    out
}

/// The index just past the group that opens at `start` (its `)`), escapes and classes skipped.
fn past_group(chars: &[char], start: usize) -> usize {
    let mut depth = 0;
    let mut in_class = false;
    let mut index = start;
    while index < chars.len() {
        match chars[index] {
            '\\' => index += 1,
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => {
                depth -= 1;
                if depth == 0 {
                    return index + 1;
                }
            }
            _ => {}
        }
        index += 1;
    }
    chars.len()
}

/// Rewrites what ECMAScript reads differently from regex-syntax: inside a class `[`, `&&`, `--`
/// and `~~` are literal in ECMAScript but nesting and set operators in regex-syntax.
fn to_rust_syntax(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 4);
    let mut in_class = false;
    let mut chars = pattern.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push(c);
                match chars.next() {
                    // ECMAScript's `\/` (escaped delimiter) and `\d` etc. pass as they are.
                    Some(next) => out.push(next),
                    None => out.push('\\'),
                }
            }
            '[' if in_class => out.push_str("\\["),
            '[' => {
                in_class = true;
                out.push(c);
                // A `]` right after `[` or `[^` is literal in regex-syntax but ends an (empty)
                // class in ECMAScript; rare enough to leave to the check.
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            '&' | '~' | '-' if in_class && chars.peek() == Some(&c) => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// The same expression with anchors and word boundaries dropped (the sample is checked against
/// the real pattern afterwards), classes narrowed to printable ASCII where that leaves anything,
/// and bounded repetitions capped like unbounded ones.
/// A pattern parsed for sampling; `None` when it does not parse, or when its shortest match is
/// huge (`\d{100000}`: not worth the memory).
fn parsed(pattern: &str) -> Option<Hir> {
    let mut parser = regex_syntax::ParserBuilder::new().nest_limit(64).build();
    let hir = parser.parse(&to_rust_syntax(&without_lookarounds(pattern))).ok()?;
    let shortest = hir.properties().minimum_len();
    shortest.is_some_and(|len| len <= MAX_STRING as usize).then_some(hir)
}

fn ascii_only(hir: Hir, max_repeat: u32) -> Hir {
    rewrite(hir, max_repeat, None)
}

/// `hir` for sampling: classes narrowed to printable ASCII, look-arounds dropped, open repeats
/// capped at `max_repeat` more than their minimum, or, with `hold`, every repeat whose bounds differ
/// held at that many repetitions (within its bounds).
fn rewrite(hir: Hir, max_repeat: u32, hold: Option<u32>) -> Hir {
    match hir.into_kind() {
        HirKind::Look(_) => Hir::empty(),
        HirKind::Class(Class::Unicode(class)) => {
            let mut narrowed = class.clone();
            narrowed.intersect(&ClassUnicode::new([ClassUnicodeRange::new(' ', '~')]));
            if narrowed.ranges().is_empty() {
                Hir::class(Class::Unicode(class))
            } else {
                Hir::class(Class::Unicode(narrowed))
            }
        }
        HirKind::Repetition(mut repetition) => {
            match hold {
                Some(at_least) if repetition.max != Some(repetition.min) => {
                    let count = at_least.max(repetition.min).min(repetition.max.unwrap_or(u32::MAX));
                    repetition.min = count;
                    repetition.max = Some(count);
                }
                _ => {
                    if let Some(max) = repetition.max {
                        repetition.max = Some(max.min(repetition.min.saturating_add(max_repeat)));
                    }
                }
            }
            let sub = rewrite(*repetition.sub, max_repeat, hold);
            Hir::repetition(Repetition {
                sub: Box::new(sub),
                ..repetition
            })
        }
        HirKind::Capture(mut capture) => {
            capture.sub = Box::new(rewrite(*capture.sub, max_repeat, hold));
            Hir::capture(capture)
        }
        HirKind::Concat(subs) => Hir::concat(subs.into_iter().map(|h| rewrite(h, max_repeat, hold)).collect()),
        HirKind::Alternation(subs) => {
            Hir::alternation(subs.into_iter().map(|h| rewrite(h, max_repeat, hold)).collect())
        }
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(literal) => Hir::literal(literal.0),
        HirKind::Class(class) => Hir::class(class),
    }
}
