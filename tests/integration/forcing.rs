//! Forced responses: `Prefer` (code, example, delay) and control-API scenarios (status, delay,
//! dropped connection), in the vendor's shape and marked in the journal.

use std::time::{Duration, Instant};

use serde_json::json;
use understudy::vendors::{dynamic, moonkey, nango, paragraph};

use crate::default_data;
use crate::harness::{assert_snapshot, Call, Mock};

fn revoke() -> Call {
    Call::to(&dynamic::REVOKE_SESSION)
        .param("sessionId", default_data::dynamic_session_id())
        .bearer(dynamic::EXAMPLE_TOKEN)
}

#[tokio::test]
async fn prefer_code_answers_a_documented_status_from_the_spec_and_changes_nothing() {
    let mock = Mock::start().await;
    let forced = mock.send(revoke().header("prefer", "code=500")).await;
    assert_eq!(
        (forced.status, forced.json()),
        (500, json!({"error": "Internal Server Error"}))
    );
    assert!(forced.is_forced());
    assert_snapshot("forced__dynamic_500", &forced);
    let forbidden = mock.send(revoke().header("prefer", "code=403")).await;
    assert_eq!(forbidden.json(), json!({"error": "Access Forbidden"}));
    let real = mock.send(revoke()).await;
    assert!(
        real.json()["revokedAt"].is_string() && !real.is_forced(),
        "the forced answers revoked nothing"
    );
    let entries = mock.control().get("/journal").await;
    let forced: Vec<bool> = entries
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["forced"].as_bool().unwrap())
        .collect();
    assert_eq!(forced, vec![true, true, false], "the journal marks forced answers");
}

#[tokio::test]
async fn prefer_example_answers_the_named_spec_example() {
    let mock = Mock::start().await;
    let call = Call::to(&moonkey::DELETE_SESSION)
        .bearer(moonkey::EXAMPLE_SECRET_KEY)
        .json(json!({"session_id": "sess_unknown"}))
        .header("prefer", "example=DeleteSessionResp");
    let forced = mock.send(call).await;
    assert_eq!(
        (forced.status, forced.json()),
        (200, json!({"message": "Successfully deleted session"}))
    );
    let entries = mock.control().get("/journal").await;
    assert_eq!(
        (entries[0]["forced"].as_bool(), entries[0]["conforms"].as_bool()),
        (Some(true), Some(true))
    );
}

#[tokio::test]
async fn prefer_codes_the_spec_omits_answer_in_the_vendors_shape() {
    let mock = Mock::start().await;
    let nango = mock
        .send(Call::to(&nango::DELETE_CONNECT_SESSION).header("prefer", "code=429"))
        .await;
    assert_eq!(nango.json()["error"]["code"], "too_many_request");
    assert_eq!(nango.header("retry-after"), Some("1"));
    let moonkey = mock
        .send(Call::to(&moonkey::DELETE_SESSION).header("prefer", "code=503"))
        .await;
    assert_eq!(
        moonkey.json(),
        json!({"error_message": "Service Unavailable.", "error_type": "service_unavailable", "status_code": 503})
    );
    let paragraph =
        Call::to(&paragraph::DENY_SESSION).param("sessionId", default_data::paragraph_session_id("pending"));
    let forced = mock.send(paragraph.header("prefer", "code=500")).await;
    assert_eq!(forced.json(), json!({"success": false, "msg": "Internal Server Error"}));
}

#[tokio::test]
async fn prefer_delay_waits_before_answering() {
    let mock = Mock::start().await;
    let started = Instant::now();
    let response = mock.send(revoke().header("prefer", "delay=300")).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(response.status, 200, "a delay alone still answers as the vendor does");
}

#[tokio::test]
async fn a_scenario_answers_the_next_n_requests_in_its_namespace_only() {
    let mock = Mock::start().await;
    let control = mock.control().namespace("flaky");
    let scenario = json!({"vendor": "nango", "operation": "delete_connect_session", "times": 2, "status": 500});
    control.post("/scenarios", scenario).await;
    let delete = Call::to(&nango::DELETE_CONNECT_SESSION).bearer(default_data::nango_token());
    assert_eq!(
        mock.send(delete.clone()).await.status,
        204,
        "the default namespace is not affected"
    );
    for _ in 0..2 {
        let forced = mock.send(delete.clone().namespace("flaky")).await;
        assert_eq!((forced.status, forced.is_forced()), (500, true));
    }
    assert_eq!(
        mock.send(delete.namespace("flaky")).await.status,
        204,
        "the scenario is used up"
    );
    assert_eq!(control.get("/scenarios").await, json!([]));
}

#[tokio::test]
async fn a_scenario_can_drop_the_connection_or_delay() {
    let mock = Mock::start().await;
    let control = mock.control();
    control
        .post("/scenarios", json!({"vendor": "paragraph", "drop_connection": true}))
        .await;
    let url = format!(
        "{}/v1/api/auth/sessions/{}",
        mock.url("paragraph"),
        default_data::paragraph_session_id("pending")
    );
    let dropped = reqwest::Client::new()
        .delete(&url)
        .send()
        .await
        .and_then(|r| r.error_for_status());
    match dropped {
        Err(_) => {}
        Ok(response) => assert!(
            response.bytes().await.is_err(),
            "the connection closes without a complete answer"
        ),
    }
    let entries = control.get("/journal").await;
    assert_eq!(
        (entries[0]["status"].as_u64(), entries[0]["forced"].as_bool()),
        (Some(0), Some(true)),
        "journaled as dropped"
    );

    control
        .post("/scenarios", json!({"vendor": "paragraph", "delay_ms": 250}))
        .await;
    let started = Instant::now();
    let call = Call::to(&paragraph::DENY_SESSION).param("sessionId", default_data::paragraph_session_id("pending"));
    assert_eq!(
        mock.send(call).await.status,
        200,
        "the delayed request is answered normally"
    );
    assert!(started.elapsed() >= Duration::from_millis(250));

    let (status, body) = control
        .call("POST", "/scenarios", Some(json!({"vendor": "acme", "status": 500})))
        .await;
    assert_eq!(status, 400, "{body}");
}
