//! In spec mode, a broad set of good and bad requests to all four APIs gets answers that either
//! validate against the vendor's spec or are departures the register lists (the harness checks
//! each; in spec mode a documented status must always validate).

use serde_json::json;
use understudy::exchange::Fidelity;
use understudy::vendors::{dynamic, moonkey, nango, paragraph};

use crate::harness::{Call, Mock};

fn calls() -> Vec<Call> {
    let moonkey = || Call::new("moonkey", "DELETE", "/v1/auth/sessions/delete");
    let dynamic = |id: &str| Call::new("dynamic", "PUT", "/sessions/{sessionId}/revoke").param("sessionId", id);
    let paragraph =
        |id: &str| Call::new("paragraph", "DELETE", "/v1/api/auth/sessions/{sessionId}").param("sessionId", id);
    let nango = || Call::new("nango", "DELETE", "/connect/session");
    let key = moonkey::EXAMPLE_SECRET_KEY;
    vec![
        moonkey()
            .bearer(key)
            .json(json!({"session_token": moonkey::state::DEFAULT_SESSION_TOKEN})),
        moonkey()
            .bearer(key)
            .json(json!({"session_token": moonkey::state::DEFAULT_SESSION_TOKEN})),
        moonkey().json(json!({"session_id": "x"})),
        moonkey()
            .bearer(key)
            .json(json!({"session_id": "a", "session_jwt": "b"})),
        moonkey().bearer(key).raw_body(vec![0xff, 0xfe, 0x00]),
        dynamic(dynamic::DEFAULT_SESSION_ID).bearer(dynamic::EXAMPLE_TOKEN),
        dynamic(dynamic::ANONYMOUS_SESSION_ID).bearer(dynamic::EXAMPLE_TOKEN),
        dynamic(dynamic::DEFAULT_SESSION_ID),
        dynamic(dynamic::DEFAULT_SESSION_ID).bearer(dynamic::RESTRICTED_TOKEN),
        dynamic("nope").bearer(dynamic::EXAMPLE_TOKEN),
        dynamic("11111111-1111-4111-8111-111111111111").bearer(dynamic::EXAMPLE_TOKEN),
        paragraph(paragraph::PENDING_SESSION_ID),
        paragraph(paragraph::PENDING_SESSION_ID),
        paragraph(paragraph::COMPLETED_SESSION_ID),
        nango().header("content-type", "application/xml"),
        nango(),
        nango().bearer(nango::EXAMPLE_SECRET_KEY),
        nango().bearer(nango::DEFAULT_TOKEN).query("a=1&b=2"),
        nango().bearer(nango::DEFAULT_TOKEN).json(json!({"x": 1})),
        nango()
            .bearer(nango::DEFAULT_TOKEN)
            .header("content-type", "application/json")
            .raw_body("{not json"),
        nango().bearer(nango::DEFAULT_TOKEN),
        nango().bearer(nango::DEFAULT_TOKEN),
    ]
}

#[tokio::test]
async fn every_answer_in_spec_mode_validates_or_is_a_registered_departure() {
    let mock = Mock::start_in(Fidelity::Spec).await;
    let mut statuses = Vec::new();
    for call in calls() {
        statuses.push(mock.send(call).await.status);
    }
    // The sweep reaches success and refusal alike (so the checks above had something to check).
    for expected in [200, 204, 400, 401, 403, 404, 415] {
        assert!(statuses.contains(&expected), "no call got {expected}: {statuses:?}");
    }
}

#[tokio::test]
async fn the_same_sweep_in_live_mode_departs_only_as_registered() {
    let mock = Mock::start_in(Fidelity::Live).await;
    let mut departures = Vec::new();
    for call in calls() {
        if let Some(id) = mock.send(call).await.departure() {
            departures.push(id.to_string());
        }
    }
    assert!(
        departures.iter().any(|d| d == "nango-401-payload"),
        "live Nango 401s carry payload: {departures:?}"
    );
}
