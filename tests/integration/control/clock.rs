//! The clock: moving a namespace's time expires tokens, auth sessions and JWTs there, and nowhere else.

use crate::default_data;
use crate::harness::{Call, Mock};
use serde_json::json;
use understudy::vendors::{moonkey, nango, paragraph};

#[tokio::test]
async fn the_clock_expires_tokens_sessions_and_jwts() {
    let mock = Mock::start().await;
    let control = mock.control().namespace("clock");
    let token = control.post("/nango/sessions", json!({})).await["token"]
        .as_str()
        .unwrap()
        .to_string();
    let pending = control.post("/paragraph/sessions", json!({})).await["session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let jwt = control.post("/moonkey/sessions", json!({})).await["session_jwt"]
        .as_str()
        .unwrap()
        .to_string();

    let before = control.get("/clock").await["now"].as_str().unwrap().to_string();
    let after = control.post("/clock/advance", json!({"seconds": 30 * 60})).await;
    assert!(after["now"].as_str().unwrap() > before.as_str());

    let nango = mock
        .send(
            Call::to(&nango::DELETE_CONNECT_SESSION)
                .bearer(&token)
                .namespace("clock"),
        )
        .await;
    assert_eq!(
        (nango.status, nango.json()["error"]["code"].as_str()),
        (401, Some("unknown_connect_session_token"))
    );
    let deny = Call::to(&paragraph::DENY_SESSION)
        .param("sessionId", &pending)
        .namespace("clock");
    assert_eq!(
        mock.send(deny).await.status,
        404,
        "a pending session expires after 15 minutes"
    );
    let moonkey = Call::to(&moonkey::DELETE_SESSION)
        .bearer(moonkey::EXAMPLE_SECRET_KEY)
        .namespace("clock");
    assert_eq!(
        mock.send(moonkey.json(json!({"session_jwt": jwt}))).await.json()["error_type"],
        "session_jwt_expired"
    );

    let default_ns = mock
        .send(Call::to(&nango::DELETE_CONNECT_SESSION).bearer(default_data::nango_token()))
        .await;
    assert_eq!(default_ns.status, 204, "the other namespaces' clocks did not move");
    let (status, _) = control
        .call("POST", "/clock/advance", Some(json!({"seconds": -5})))
        .await;
    assert_eq!(status, 400, "the clock does not go back");
}
