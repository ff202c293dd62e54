//! In spec mode, a broad set of good and bad requests to all four APIs gets answers that either
//! validate against the vendor's spec or are departures the register lists (the harness checks
//! each; in spec mode a documented status must always validate).

use serde_json::json;
use understudy::vendors::{dynamic, moonkey, nango, paragraph};
use understudy::Fidelity;

use crate::default_data;
use crate::harness::{Call, Mock};

fn calls() -> Vec<Call> {
    let moonkey = || Call::to(&moonkey::DELETE_SESSION);
    let dynamic = |id: &str| Call::to(&dynamic::REVOKE_SESSION).param("sessionId", id);
    let paragraph = |id: &str| Call::to(&paragraph::DENY_SESSION).param("sessionId", id);
    let nango = || Call::to(&nango::DELETE_CONNECT_SESSION);
    let key = moonkey::EXAMPLE_SECRET_KEY;
    vec![
        moonkey()
            .bearer(key)
            .json(json!({"session_token": default_data::moonkey_session_token()})),
        moonkey()
            .bearer(key)
            .json(json!({"session_token": default_data::moonkey_session_token()})),
        moonkey().json(json!({"session_id": "x"})),
        moonkey()
            .bearer(key)
            .json(json!({"session_id": "a", "session_jwt": "b"})),
        moonkey().bearer(key).raw_body(vec![0xff, 0xfe, 0x00]),
        dynamic(default_data::dynamic_session_id()).bearer(dynamic::EXAMPLE_TOKEN),
        dynamic(default_data::dynamic_anonymous_session_id()).bearer(dynamic::EXAMPLE_TOKEN),
        dynamic(default_data::dynamic_session_id()),
        dynamic(default_data::dynamic_session_id()).bearer(default_data::dynamic_restricted_token()),
        dynamic("nope").bearer(dynamic::EXAMPLE_TOKEN),
        dynamic("11111111-1111-4111-8111-111111111111").bearer(dynamic::EXAMPLE_TOKEN),
        paragraph(default_data::paragraph_session_id("pending")),
        paragraph(default_data::paragraph_session_id("pending")),
        paragraph(default_data::paragraph_session_id("completed")),
        nango().header("content-type", "application/xml"),
        nango(),
        nango().bearer(nango::EXAMPLE_SECRET_KEY),
        nango().bearer(default_data::nango_token()).query("a=1&b=2"),
        nango().bearer(default_data::nango_token()).json(json!({"x": 1})),
        nango()
            .bearer(default_data::nango_token())
            .header("content-type", "application/json")
            .raw_body("{not json"),
        nango().bearer(default_data::nango_token()),
        nango().bearer(default_data::nango_token()),
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
