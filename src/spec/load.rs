//! Loading a document at run time, for `--spec` and `understudy diff`: an OpenAPI file (YAML or
//! JSON, 3.0 or 3.1), a saved vendor doc page (the document inside its yaml fence), or a vendor's
//! name for the vendored spec. A document that cannot be loaded is an error with an exit code of 100
//! or more that names the file and the place (line and column where the parser gives them).

use serde_json::Value;

/// A loaded spec: its document, its text (for line numbers) and where it came from.
pub struct Loaded {
    pub source: String,
    pub text: String,
    pub document: Value,
    /// The vendor, when the spec is a vendored one (named by the vendor's name).
    pub vendor: Option<&'static str>,
}

/// Why a spec could not be loaded, with the exit code it gives.
#[derive(Debug)]
pub struct LoadError {
    pub code: u8,
    pub message: String,
}

/// Cannot be read.
pub const UNREADABLE: u8 = 101;
/// Does not parse.
pub const UNPARSABLE: u8 = 102;
/// Parses, but is not an OpenAPI document.
pub const NOT_OPENAPI: u8 = 103;

pub fn load(argument: &str) -> Result<Loaded, LoadError> {
    let path = std::path::Path::new(argument);
    if !path.exists() {
        if let Some(vendor) = crate::vendors::NAMES.iter().find(|v| **v == argument) {
            let spec = crate::spec::of(vendor);
            return Ok(Loaded {
                source: format!("the vendored specs/{vendor}.yaml"),
                text: serde_json::to_string_pretty(&spec.document).unwrap_or_default(),
                document: spec.document.clone(),
                vendor: Some(vendor),
            });
        }
    }
    let text = std::fs::read_to_string(path).map_err(|e| LoadError {
        code: UNREADABLE,
        message: format!("{argument}: {e}"),
    })?;
    let yaml = if argument.ends_with(".md")
        || (!text.trim_start().starts_with('{')
            && !text.contains("\nopenapi:")
            && !text.starts_with("openapi:")
            && text.contains("```yaml"))
    {
        crate::spec::extract::openapi_yaml(&text)
            .map_err(|e| LoadError {
                code: UNPARSABLE,
                message: format!("{argument}: {e}"),
            })?
            .to_string()
    } else {
        text
    };
    // JSON is read by the JSON parser: much faster than YAML's on a large document, and its errors
    // give line and column too.
    if yaml.trim_start().starts_with('{') {
        let document: Value = serde_json::from_str(&yaml).map_err(|e| LoadError {
            code: UNPARSABLE,
            message: format!("{argument} at line {}, column {}: {e}", e.line(), e.column()),
        })?;
        return checked(argument, yaml, document);
    }
    let document: Value = serde_yaml::from_str(&yaml).map_err(|e| {
        let place = e.location().map_or(String::new(), |l| {
            format!(" at line {}, column {}", l.line(), l.column())
        });
        LoadError {
            code: UNPARSABLE,
            message: format!("{argument}{place}: {e}"),
        }
    })?;
    checked(argument, yaml, document)
}

/// A parsed document, if it is OpenAPI 3.0 or 3.1.
fn checked(argument: &str, yaml: String, document: Value) -> Result<Loaded, LoadError> {
    let version = document.get("openapi").and_then(Value::as_str).unwrap_or("");
    if !version.starts_with("3.") || !document.get("paths").is_none_or(Value::is_object) {
        return Err(LoadError {
            code: NOT_OPENAPI,
            message: format!("{argument}: not an OpenAPI 3.0 or 3.1 document (no `openapi: 3.x` and `paths`)"),
        });
    }
    Ok(Loaded {
        source: argument.to_string(),
        text: yaml,
        document,
        vendor: None,
    })
}

/// The line of `pointer` in `text` (YAML or JSON), found key by key; `None` where it cannot be.
pub fn line_of(text: &str, pointer: &str) -> Option<usize> {
    let mut from = 0;
    for segment in pointer.split('/').skip(1) {
        let key = segment.replace("~1", "/").replace("~0", "~");
        if key.parse::<usize>().is_ok() {
            continue;
        }
        let candidates = [format!("{key}:"), format!("'{key}':"), format!("\"{key}\":")];
        from = candidates
            .iter()
            .filter_map(|c| text[from..].find(c.as_str()).map(|i| from + i))
            .min()?;
    }
    Some(text[..from].matches('\n').count() + 1)
}
