//! Paragraph `DELETE /api/v1/api/auth/sessions/{sessionId}`: only a pending session can be denied,
//! and a denied session is gone.

use understudy::generated::paragraph::Client;
use understudy::Fidelity;

use understudy::vendors::paragraph;

use crate::default_data;
use crate::harness::{assert_snapshot, Call, Mock};

fn deny(session_id: &str) -> Call {
    Call::to(&paragraph::DENY_SESSION).param("sessionId", session_id)
}

#[tokio::test]
async fn a_pending_session_is_denied_once_and_then_gone() {
    let mock = Mock::start().await;
    let client = Client::new(&mock.url("paragraph"));
    let denied = client
        .delete_auth_session()
        .session_id(default_data::paragraph_session_id("pending"))
        .send()
        .await
        .expect("a pending session is denied");
    assert!(denied.success);
    let again = mock.send(deny(default_data::paragraph_session_id("pending"))).await;
    assert_eq!(again.status, 404);
    assert_eq!(
        again.json(),
        serde_json::json!({"success": false, "msg": "Session not found"})
    );
}

#[tokio::test]
async fn only_pending_sessions_can_be_denied_in_both_modes() {
    for fidelity in [Fidelity::Live, Fidelity::Spec] {
        let mock = Mock::start_in(fidelity).await;
        for (name, id) in [
            ("completed", default_data::paragraph_session_id("completed")),
            ("expired", default_data::paragraph_session_id("expired")),
            ("unknown", "no-such-session"),
        ] {
            let response = mock.send(deny(id)).await;
            assert_eq!(response.status, 404, "{name} in {fidelity:?} mode");
            assert_eq!(response.json()["success"], false);
            assert_snapshot(&format!("paragraph__{name}"), &response);
        }
        let denied = mock.send(deny(default_data::paragraph_session_id("pending"))).await;
        assert_eq!(denied.status, 200);
        assert_snapshot("paragraph__denied", &denied);
    }
}
