//! Fixtures: the data every new tenant starts with. A fixtures file (YAML or JSON) has one section
//! per vendor, under the vendor's name, each with the `sessions` the control API would create and
//! the vendor's extras. The embedded default data (src/state/fixtures/default.yaml) is such a file;
//! `--fixtures FILE` replaces it. Errors name the file, the entry and the problem.

use serde::de::DeserializeOwned;
use serde_json::Value;

/// The embedded default data.
const DEFAULT_DATA: &str = include_str!("fixtures/default.yaml");

/// A parsed fixtures file, not yet split into vendor sections.
#[derive(Debug, Clone)]
pub struct Fixtures {
    /// Where it came from, for error messages.
    source: String,
    document: Value,
}

impl Fixtures {
    /// The embedded default data.
    pub fn embedded() -> Self {
        // A committed file that the tests load: a parse failure is a broken build.
        Self::parse("embedded default data (src/state/fixtures/default.yaml)", DEFAULT_DATA)
            .expect("the default data parses")
    }

    /// Reads a YAML or JSON fixtures file (JSON is read as the YAML subset it is).
    pub fn load(path: &std::path::Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Self::parse(&path.display().to_string(), &text)
    }

    pub fn parse(source: &str, text: &str) -> Result<Self, String> {
        // JSON is read as JSON first: a file of 100,000 records parses many times faster so.
        let as_json = text
            .trim_start()
            .starts_with('{')
            .then(|| serde_json::from_str::<Value>(text).ok())
            .flatten();
        let document: Value = match as_json {
            Some(document) => document,
            None => crate::spec::load::from_yaml(text).map_err(|e| e.in_file(source))?,
        };
        let document = match document {
            Value::Null => Value::Object(Default::default()),
            Value::Object(_) => document,
            _ => {
                return Err(format!(
                    "{source}: a fixtures file is a mapping from vendor name to its data"
                ))
            }
        };
        Ok(Self {
            source: source.to_string(),
            document,
        })
    }

    /// A vendor's section; a vendor the file does not mention starts with no data.
    pub fn section<F: DeserializeOwned + Default>(&self, vendor: &str) -> Result<F, String> {
        match self.document.get(vendor) {
            None | Some(Value::Null) => Ok(F::default()),
            Some(section) => serde_path_to_error::deserialize(section).map_err(|e| self.located(vendor, &e)),
        }
    }

    /// Like [`Fixtures::section`], but moved out rather than copied (a large section is not held
    /// twice): for a section read once.
    pub fn take_section<F: DeserializeOwned + Default>(&mut self, vendor: &str) -> Result<F, String> {
        let section = self
            .document
            .as_object_mut()
            .and_then(|sections| sections.remove(vendor));
        match section {
            None | Some(Value::Null) => Ok(F::default()),
            Some(section) => serde_path_to_error::deserialize(section).map_err(|e| self.located(vendor, &e)),
        }
    }

    /// A section that does not deserialize, located in this file.
    fn located(&self, vendor: &str, e: &serde_path_to_error::Error<serde_json::Error>) -> String {
        let place = e.path().to_string();
        let place = if place == "." {
            String::new()
        } else {
            format!(".{place}")
        };
        format!("{}: {vendor}{place}: {}", self.source, e.inner())
    }

    /// An error found in a vendor's section, located in this file.
    pub fn error(&self, vendor: &str, problem: &str) -> String {
        format!("{}: {vendor}.{problem}", self.source)
    }

    /// Refuses sections for vendors that do not exist (a typo would silently leave data out).
    pub fn check_vendors(&self, known: &[&str]) -> Result<(), String> {
        let unknown: Vec<&String> = self
            .document
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k)
            .filter(|k| !known.contains(&k.as_str()))
            .collect();
        match unknown.first() {
            None => Ok(()),
            Some(name) => Err(format!(
                "{}: unknown vendor `{name}` (known: {})",
                self.source,
                known.join(", ")
            )),
        }
    }
}
