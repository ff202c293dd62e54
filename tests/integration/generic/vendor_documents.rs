//! A vendor given a fuller document (`--spec nango=FILE`): the compiled operation keeps answering
//! as the vendor does, statefully, and the document's other operations are answered from it. A
//! document that lacks a compiled operation stops the start, naming it. And the vendors' own ports
//! answer an unknown path in the document's error shape, not dropshot's.

use std::path::PathBuf;

use serde_json::Value;
use understudy::{Options, SpecSource};

fn document(file: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/documents")).join(file)
}

#[tokio::test]
async fn a_fuller_vendor_document_keeps_the_compiled_operation_and_serves_the_rest() {
    let running = understudy::start(Options {
        specs: vec![SpecSource {
            name: Some("nango".into()),
            path: document("nango-connect.yaml"),
        }],
        ..Options::ephemeral()
    })
    .await
    .expect("understudy starts with a fuller Nango document");
    let startup: Value = serde_json::from_str(&running.startup_line()).unwrap();
    for name in ["moonkey", "dynamic", "paragraph", "nango", "control"] {
        assert!(startup.get(name).is_some(), "the startup line keeps {name}");
    }
    let nango = running.url("nango").unwrap().to_string();
    let token = running.bearer("nango").unwrap().to_string();
    let http = reqwest::Client::new();
    let namespace = "fuller";
    let get = http
        .get(format!("{nango}/connect/session"))
        .bearer_auth(&token)
        .header("x-understudy-namespace", namespace)
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 200, "GET /connect/session is answered from the document");
    let delete = || {
        http.delete(format!("{nango}/connect/session"))
            .bearer_auth(&token)
            .header("x-understudy-namespace", namespace)
            .send()
    };
    assert_eq!(delete().await.unwrap().status(), 204, "the compiled delete answers");
    let again = delete().await.unwrap();
    assert_eq!(again.status(), 401, "and keeps its state: the session is gone");
    let body: Value = again.json().await.unwrap();
    assert_eq!(body["error"]["code"], "unknown_connect_session_token");
    let control = running.url("control").unwrap();
    let journal = super::journal(control, namespace).await;
    let answered: Vec<&str> = journal.iter().map(|e| e["answered_by"].as_str().unwrap()).collect();
    assert_eq!(answered[1..], ["override", "override"]);
    assert!(["example", "generated"].contains(&answered[0]), "{answered:?}");
    let apis = super::control_get(control, "/apis", None).await;
    let listed = apis.as_array().unwrap().iter().find(|a| a["name"] == "nango").unwrap();
    assert_eq!(listed["overridden"], serde_json::json!(["delete_connect_session"]));
    assert!(listed["operations"].as_u64().unwrap() > 1);
    running.stop().await.unwrap();
}

#[tokio::test]
async fn a_vendor_document_without_the_compiled_operation_stops_the_start_naming_it() {
    let error = understudy::start(Options {
        specs: vec![SpecSource {
            name: Some("dynamic".into()),
            path: document("pets-crud-3.0.yaml"),
        }],
        ..Options::ephemeral()
    })
    .await
    .err()
    .expect("the start fails");
    assert!(error.contains("PUT /sessions/{sessionId}/revoke"), "{error}");
    assert!(error.contains("pets-crud-3.0.yaml"), "{error}");
}

#[tokio::test]
async fn a_vendors_port_answers_an_unknown_path_in_its_documents_shape_with_cors() {
    let running = understudy::start(Options::ephemeral()).await.unwrap();
    let nango = running.url("nango").unwrap();
    let response = reqwest::Client::new()
        .get(format!("{nango}/no/such/path"))
        .header("origin", "http://localhost:3000")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "http://localhost:3000"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found", "Nango's StdError shape: {body}");
    running.stop().await.unwrap();
}
