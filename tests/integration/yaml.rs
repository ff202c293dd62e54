//! User files' YAML never panics the loaders: arbitrary text, YAML-looking noise, and a real
//! document with bytes spliced in, fed to the fixtures loader and to the document loader (`--spec`
//! and `diff` inputs, plain and as a doc page), with what loads diffed against a vendored spec and
//! its spans walked for lines, as `diff` does.

use proptest::prelude::*;
use understudy::spec::load::{self, Spans};
use understudy::Fixtures;

/// Noise made of what YAML's syntax is made of.
fn yaml_like() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[-:?{}\\[\\],&*!|>'\"#%@` \\n\\ta-z0-9.~]{0,300}").expect("a valid regex")
}

/// A vendored spec with a few bytes spliced in at arbitrary places.
fn spliced() -> impl Strategy<Value = String> {
    let original = std::fs::read_to_string(format!("{}/specs/nango.yaml", env!("CARGO_MANIFEST_DIR"))).unwrap();
    proptest::collection::vec(
        (any::<prop::sample::Index>(), "[-:{}\\[\\]&*!|>'\"# \\n\\t]{1,4}"),
        1..6,
    )
    .prop_map(move |edits| {
        let mut text = original.clone();
        for (at, insert) in edits {
            let mut at = at.index(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            text.insert_str(at, &insert);
        }
        text
    })
}

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), yaml_like(), spliced()]
}

/// Loads `text` through a file, as `--spec` and `diff` do, plain and as a doc page, and walks the
/// spans of what loads.
fn load_through_a_file(text: &str, case: u64) {
    // Removed when the test ends, whatever it leaves in it.
    let temporary = tempfile::Builder::new().prefix("understudy-yaml-").tempdir().unwrap();
    let dir = temporary.path().to_path_buf();
    std::fs::create_dir_all(&dir).unwrap();
    for (name, content) in [
        (format!("{case}.yaml"), text.to_string()),
        (
            format!("{case}.md"),
            format!("# Page\n\nProse.\n\n```yaml\n{text}\n```\n"),
        ),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, &content).unwrap();
        match load::load(path.to_str().unwrap()) {
            Ok(loaded) => {
                // The loaded document diffs against a real one, both ways, without a panic either.
                let vendored = understudy::diff::load("nango").unwrap();
                let _ = understudy::diff::diff(&vendored, &loaded);
                let _ = understudy::diff::diff(&loaded, &vendored);
                let spans = Spans::of(&loaded);
                for pointer in [
                    "",
                    "/paths",
                    "/components/schemas/StdError/properties/error",
                    "/servers/0/url",
                ] {
                    let _ = spans.line(pointer);
                }
            }
            Err(error) => assert!(error.code >= 100, "{}", error.message),
        }
        let _ = std::fs::remove_file(&path);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn the_fixtures_loader_never_panics(text in any_text()) {
        if let Ok(fixtures) = Fixtures::parse("fuzz.yaml", &text) {
            let _ = fixtures.check_vendors(&["nango"]);
        }
    }

    #[test]
    fn the_document_loader_never_panics(text in any_text(), case in any::<u64>()) {
        let _ = load::from_yaml::<serde_json::Value>(&text);
        load_through_a_file(&text, case);
    }
}

#[test]
fn a_yaml_error_names_the_file_the_line_and_the_column() {
    let error = Fixtures::parse("bad.yaml", "nango:\n  sessions: [\n").unwrap_err();
    assert!(error.starts_with("bad.yaml at line 2, column"), "{error}");
    // Removed when the test ends, whatever it leaves in it.
    let temporary = tempfile::Builder::new()
        .prefix("understudy-yaml-error-")
        .tempdir()
        .unwrap();
    let dir = temporary.path().to_path_buf();
    std::fs::create_dir_all(&dir).unwrap();
    // In a doc page, the line is the page's.
    let page = dir.join("page.md");
    std::fs::write(
        &page,
        "# Title\n\nText.\n\n```yaml\nopenapi: 3.1.0\npaths:\n  /x: [\n```\n",
    )
    .unwrap();
    let error = load::load(page.to_str().unwrap()).err().expect("refused");
    assert_eq!(error.code, load::UNPARSABLE);
    assert!(error.message.contains("page.md at line 8, column"), "{}", error.message);
}
