//! Any document, served by the generic engine: the test documents in tests/documents/ (written for
//! these tests, see their README), each answered from the document alone and held to it.

mod answers;
mod proxy;
mod routing;
mod state;
mod sweep;
mod vendor_documents;

use std::path::PathBuf;

use serde_json::Value;
use understudy::spec::Document;
use understudy::{Options, Running, SpecSource};

/// Every test document: its file.
pub fn documents() -> Vec<PathBuf> {
    let dir = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/documents"));
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/documents exists")
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 8, "at least eight test documents");
    files
}

/// A document loaded as the reference its answers are judged against.
pub fn reference(path: &std::path::Path) -> Document {
    let loaded = understudy::diff::load(path.to_str().expect("a UTF-8 path")).expect("the document loads");
    let title = loaded.document["info"]["title"].as_str().unwrap_or("").to_string();
    Document::new(&understudy::spec::slug(&title), loaded.source, loaded.document)
}

/// Starts Understudy serving only `files`, each named by its file stem, with `seed`.
pub async fn serve(files: &[PathBuf], seed: u64) -> Running {
    let specs = files
        .iter()
        .map(|path| SpecSource {
            name: Some(name_of(path)),
            path: path.clone(),
        })
        .collect();
    understudy::start(Options {
        specs,
        no_vendors: true,
        seed,
        ..Options::ephemeral()
    })
    .await
    .expect("understudy serves the test documents")
}

/// The API name a test gives a document: its file stem.
pub fn name_of(path: &std::path::Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .expect("a file name")
        .replace('.', "-")
}

/// A control call's JSON answer: `GET {control}{path}` in `namespace` (the default one when `None`).
pub async fn control_get(control: &str, path: &str, namespace: Option<&str>) -> Value {
    let mut request = reqwest::Client::new().get(format!("{control}{path}"));
    if let Some(namespace) = namespace {
        request = request.header(understudy::NAMESPACE_HEADER, namespace);
    }
    let response = request.send().await.expect("the control API answers");
    assert_eq!(response.status(), 200, "GET {path}");
    response.json().await.expect("the control API answers JSON")
}

/// A namespace's journal entries.
pub async fn journal(control: &str, namespace: &str) -> Vec<Value> {
    let entries = control_get(control, "/journal", Some(namespace)).await;
    entries.as_array().cloned().unwrap_or_default()
}

/// A concrete path for `template`, each `{param}` filled by `fill`.
pub fn fill_template(template: &str, mut fill: impl FnMut(&str) -> String) -> String {
    let mut path = String::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        path.push_str(&rest[..open]);
        let close = rest[open..].find('}').map_or(rest.len(), |c| open + c);
        path.push_str(&fill(&rest[open + 1..close]));
        rest = rest.get(close + 1..).unwrap_or("");
    }
    path.push_str(rest);
    path
}

/// The operations of a document: (method, template, id, documented response keys).
pub fn operations(document: &Value) -> Vec<(String, String, String, Vec<String>)> {
    let mut operations = Vec::new();
    for (template, item) in document["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            if !["get", "put", "post", "delete", "patch", "head", "options", "trace"].contains(&method.as_str()) {
                continue;
            }
            let keys = operation["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| k.clone())
                .collect();
            let id = operation["operationId"].as_str().unwrap_or("").to_string();
            operations.push((method.to_uppercase(), template.clone(), id, keys));
        }
    }
    operations
}
