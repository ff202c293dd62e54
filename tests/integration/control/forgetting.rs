//! Nothing in use is forgotten: past the caps on tenants and journal namespaces, the least recently
//! used go first, tenants that changed nothing before those that did, and `GET /stats` counts it.

use serde_json::Value;
use understudy::{Options, NAMESPACE_HEADER};

use crate::harness::Mock;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_namespace_in_use_keeps_its_state_and_journal_while_ten_thousand_others_come_and_go() {
    let mock = Mock::start_with(Options {
        max_tenants: 64,
        journal_namespaces: 64,
        ..Options::ephemeral()
    })
    .await;
    let paragraph = mock.url("paragraph");
    let http = reqwest::Client::new();
    let pending = "3f6c2a9e-8b1d-4e57-a0c4-7d2e9f1b6a35";
    let deny = |namespace: String| {
        let (http, url) = (http.clone(), format!("{paragraph}/v1/api/auth/sessions/{pending}"));
        async move {
            http.delete(url)
                .header(NAMESPACE_HEADER, namespace)
                .send()
                .await
                .expect("the server answers")
                .status()
                .as_u16()
        }
    };
    // The working namespace denies its pending session: it is gone there from now on.
    assert_eq!(deny("working".into()).await, 200);
    // Fewer than the caps come between two of its requests: it is never the least recently used.
    for batch in 0..200 {
        let others: Vec<_> = (0..50)
            .map(|i| tokio::spawn(deny(format!("passing-{batch}-{i}"))))
            .collect();
        for other in others {
            assert_eq!(
                other.await.expect("the task ends"),
                200,
                "each passing namespace denies its own"
            );
        }
        // The working namespace keeps working: its session stays denied.
        assert_eq!(
            deny("working".into()).await,
            404,
            "batch {batch}: the denial is remembered"
        );
    }
    let journal: Value = mock.control().namespace("working").get("/journal").await;
    assert_eq!(journal.as_array().map(Vec::len), Some(201), "its whole journal is kept");
    let stats = mock.control().get("/stats").await;
    let paragraph_tenants = stats["tenants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["vendor"] == "paragraph")
        .unwrap()
        .clone();
    assert_eq!(paragraph_tenants["tenants_held"], 64);
    assert!(
        paragraph_tenants["tenants_forgotten_with_changes"].as_u64().unwrap() >= 9_900,
        "{paragraph_tenants}"
    );
    assert!(
        stats["journal"]["namespaces_forgotten"].as_u64().unwrap() >= 9_900,
        "{stats}"
    );
    mock.running.stop().await.unwrap();
}
