//! Fifty concurrent deletes of one session, for every vendor: exactly one succeeds, whatever the
//! requests carry (here each carries a body padded to about 60 KB of whitespace, which kept the
//! check and the removal of Nango's delete apart long enough for two to succeed). The journal
//! agrees: one success per session.

use std::sync::Arc;

use serde_json::{json, Value};
use understudy::vendors::{dynamic, moonkey, nango, paragraph};

use crate::harness::{Call, Mock};

const ROUNDS: usize = 10;
const RACERS: usize = 50;

/// `{…}` padded with whitespace to about 60 KB: valid JSON, under the 64 KiB body limit.
fn padded(body: Value) -> Vec<u8> {
    let mut bytes = body.to_string().into_bytes();
    bytes.splice(1..1, std::iter::repeat_n(b' ', 60_000));
    bytes
}

/// Creates a session in `namespace` through the control API and returns the call that deletes it.
async fn session_and_its_delete(mock: &Mock, vendor: &str, namespace: &str) -> Call {
    let control = mock.control().namespace(namespace);
    let created = control.post(&format!("/{vendor}/sessions"), json!({})).await;
    let call = match vendor {
        "moonkey" => Call::to(&moonkey::DELETE_SESSION)
            .bearer(moonkey::EXAMPLE_SECRET_KEY)
            .header("content-type", "application/json")
            .raw_body(padded(json!({"session_id": created["session_id"]}))),
        "dynamic" => Call::to(&dynamic::REVOKE_SESSION)
            .param("sessionId", created["id"].as_str().expect("an id"))
            .bearer(dynamic::EXAMPLE_TOKEN)
            .header("content-type", "application/json")
            .raw_body(padded(json!({}))),
        "paragraph" => Call::to(&paragraph::DENY_SESSION)
            .param("sessionId", created["session_id"].as_str().expect("an id"))
            .header("content-type", "application/json")
            .raw_body(padded(json!({}))),
        "nango" => Call::to(&nango::DELETE_CONNECT_SESSION)
            .bearer(created["token"].as_str().expect("a token"))
            .header("content-type", "application/json")
            .raw_body(padded(json!({}))),
        other => panic!("no race for {other}"),
    };
    call.namespace(namespace)
}

async fn race(vendor: &'static str, success: u16) {
    let mock = Arc::new(Mock::start().await);
    for round in 0..ROUNDS {
        let namespace = format!("race-{vendor}-{round}");
        let delete = session_and_its_delete(&mock, vendor, &namespace).await;
        let mut racers = tokio::task::JoinSet::new();
        for _ in 0..RACERS {
            let (mock, delete) = (mock.clone(), delete.clone());
            racers.spawn(async move { mock.send(delete).await });
        }
        let mut answers = Vec::new();
        while let Some(response) = racers.join_next().await {
            answers.push(response.expect("the request task ran"));
        }
        let successes = answers.iter().filter(|r| r.status == success).count();
        if vendor == "dynamic" {
            // Revoking is idempotent: every racer gets 200, all with the one revocation time.
            let times: std::collections::HashSet<String> =
                answers.iter().map(|r| r.json()["revokedAt"].to_string()).collect();
            assert_eq!((successes, times.len()), (RACERS, 1), "round {round}: {times:?}");
        } else {
            assert_eq!(
                successes, 1,
                "{vendor} round {round}: {successes} of {RACERS} deletes succeeded"
            );
        }
        let journaled = mock
            .control()
            .namespace(&namespace)
            .count(&format!("vendor={vendor}&status={success}"))
            .await;
        assert_eq!(
            journaled as usize, successes,
            "{vendor} round {round}: the journal agrees"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nango_deletes_a_connect_session_exactly_once() {
    race("nango", 204).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moonkey_deletes_a_session_exactly_once() {
    race("moonkey", 200).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paragraph_denies_a_pending_session_exactly_once() {
    race("paragraph", 200).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dynamic_revokes_a_session_once_and_keeps_its_time() {
    race("dynamic", 200).await;
}
