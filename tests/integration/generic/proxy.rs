//! `understudy proxy` in front of any document's service: every operation is relayed, and each answer
//! is judged against the document (conforming, or drift with the reason).

use std::path::PathBuf;

use understudy::{Options, SpecSource};

use super::serve;

fn document(file: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/documents")).join(file)
}

#[tokio::test]
async fn every_operation_of_a_document_is_relayed_and_judged_against_it() {
    let upstream = serve(&[document("pets-crud-3.0.yaml"), document("users-routing-3.1.yaml")], 0).await;
    let pets_upstream = upstream.url("pets-crud-3-0").unwrap().to_string();
    let users_upstream = upstream.url("users-routing-3-1").unwrap().to_string();
    // `pets` relays to a faithful service; `drifted` holds the same document against another one.
    let proxy = understudy::start(Options {
        specs: vec![
            SpecSource {
                name: Some("pets".into()),
                path: document("pets-crud-3.0.yaml"),
            },
            SpecSource {
                name: Some("drifted".into()),
                path: document("pets-crud-3.0.yaml"),
            },
        ],
        no_vendors: true,
        upstreams: vec![("pets".into(), pets_upstream), ("drifted".into(), users_upstream)],
        ..Options::ephemeral()
    })
    .await
    .expect("the proxy starts");
    let http = reqwest::Client::new();
    let pets = proxy.url("pets").unwrap();
    for (method, path) in [
        ("GET", "/pets"),
        ("GET", "/pets/42"),
        ("DELETE", "/pets/42"),
        ("GET", "/pets"),
    ] {
        let response = http
            .request(
                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                format!("{pets}{path}"),
            )
            .header("x-api-key", "k")
            .header("x-understudy-namespace", "relayed")
            .send()
            .await
            .unwrap();
        assert!(response.status().is_success(), "{method} {path}: {}", response.status());
        assert_eq!(
            response.headers()["x-understudy-conformance"],
            "conforms",
            "{method} {path}"
        );
    }
    let drifted = proxy.url("drifted").unwrap();
    let response = http
        .get(format!("{drifted}/pets"))
        .header("x-api-key", "k")
        .header("x-understudy-namespace", "relayed")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-understudy-conformance"], "drift");
    let control = proxy.url("control").unwrap();
    let entries = super::journal(control, "relayed").await;
    assert_eq!(entries.len(), 5);
    assert!(entries.iter().all(|e| e["answered_by"] == "upstream"));
    let operations: Vec<&str> = entries.iter().map(|e| e["operation"].as_str().unwrap()).collect();
    assert_eq!(operations, ["listPets", "getPet", "deletePet", "listPets", "listPets"]);
    assert_eq!(entries[4]["conformance"], "drift");
    assert!(
        entries[4]["conformance_reason"].as_str().unwrap().contains("404"),
        "{}",
        entries[4]
    );
    proxy.stop().await.unwrap();
    upstream.stop().await.unwrap();
}
