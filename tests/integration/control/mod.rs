//! The control API: its committed OpenAPI document, and one topic a file: sessions, the journal,
//! the clock, and namespaces.

mod clock;
mod forgetting;
mod journal;
mod namespaces;
mod sessions;

use crate::harness::Mock;
use serde_json::Value;

#[tokio::test]
async fn the_served_openapi_document_is_the_committed_one() {
    let mock = Mock::start().await;
    let served = mock.control().get("/openapi.json").await;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/specs/understudy-control.openapi.json");
    let committed: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap_or_default()).unwrap_or_default();
    assert!(
        served == committed,
        "specs/understudy-control.openapi.json is out of date: run `cargo run -- control-openapi > specs/understudy-control.openapi.json` and review the diff"
    );
    for path in [
        "/moonkey/sessions",
        "/dynamic/sessions/{id}",
        "/journal/count",
        "/clock/advance",
        "/scenarios",
        "/reset",
    ] {
        assert!(served["paths"].get(path).is_some(), "the document describes {path}");
    }
}
