//! CORS over HTTP: every answer to a vendor operation (success, error, forced) echoes the Origin and
//! allows credentials, and every operation answers its preflight.

use crate::default_data;
use crate::harness::{Call, Mock};
use understudy::vendors::{dynamic, moonkey, nango, paragraph};

const ORIGIN: &str = "http://localhost:5173";

fn operations() -> Vec<(Call, &'static str)> {
    vec![
        (
            Call::to(&moonkey::DELETE_SESSION).bearer(moonkey::EXAMPLE_SECRET_KEY),
            "DELETE",
        ),
        (
            Call::to(&dynamic::REVOKE_SESSION)
                .param("sessionId", default_data::dynamic_session_id())
                .bearer(dynamic::EXAMPLE_TOKEN),
            "PUT",
        ),
        (
            Call::to(&paragraph::DENY_SESSION).param("sessionId", default_data::paragraph_session_id("pending")),
            "DELETE",
        ),
        (
            Call::to(&nango::DELETE_CONNECT_SESSION).bearer(default_data::nango_token()),
            "DELETE",
        ),
    ]
}

#[tokio::test]
async fn every_answer_carries_cors_headers_for_the_origin() {
    let mock = Mock::start().await;
    for (call, _) in operations() {
        for variant in [
            call.clone(),
            call.clone().header("authorization", "Bearer nope"),
            call.clone().header("prefer", "code=500"),
        ] {
            let response = mock.send(variant.header("origin", ORIGIN)).await;
            assert_eq!(
                response.header("access-control-allow-origin"),
                Some(ORIGIN),
                "{} {}",
                call.vendor,
                response.status
            );
            assert_eq!(response.header("access-control-allow-credentials"), Some("true"));
            assert!(response
                .header("access-control-expose-headers")
                .is_some_and(|h| h.contains("x-understudy-departure")));
        }
    }
}

#[tokio::test]
async fn every_operation_answers_its_preflight() {
    let mock = Mock::start().await;
    let http = reqwest::Client::new();
    for (call, method) in operations() {
        let url = format!("{}{}", mock.url(call.vendor), call.path);
        let response = http
            .request(reqwest::Method::OPTIONS, &url)
            .header("origin", ORIGIN)
            .header("access-control-request-method", method)
            .header(
                "access-control-request-headers",
                "authorization, content-type, prefer, x-understudy-namespace",
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status().as_u16(), 204, "{url}");
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        assert_eq!(header("access-control-allow-origin"), ORIGIN);
        assert_eq!(header("access-control-allow-methods"), method);
        assert!(header("access-control-allow-headers").contains("x-understudy-namespace"));
        assert_eq!(header("access-control-allow-credentials"), "true");
    }
}

/// The control port, from a page on `origin`: the preflight's status and the CORS origin of an
/// answer (a 404 of dropshot's own included).
async fn control_from(mock: &Mock, origin: &str) -> (u16, Option<String>, Option<String>) {
    let client = reqwest::Client::new();
    let control = mock.url("control");
    let preflight = client
        .request(reqwest::Method::OPTIONS, format!("{control}/journal"))
        .header("origin", origin)
        .header("access-control-request-method", "DELETE")
        .header("access-control-request-headers", "x-understudy-namespace")
        .send()
        .await
        .unwrap();
    let allowed_header = preflight
        .headers()
        .get("access-control-allow-headers")
        .map(|v| v.to_str().unwrap().to_string());
    let unknown = client
        .get(format!("{control}/no-such-control-path"))
        .header("origin", origin)
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 404, "dropshot's 404 is relayed as it is");
    let echoed = unknown
        .headers()
        .get("access-control-allow-origin")
        .map(|v| v.to_str().unwrap().to_string());
    (preflight.status().as_u16(), allowed_header, echoed)
}

#[tokio::test]
async fn the_control_api_answers_pages_on_this_machine() {
    let mock = Mock::start().await;
    for origin in [
        "http://localhost:6006",
        "http://127.0.0.1:5173",
        "http://storybook.localhost",
    ] {
        let (preflight, allowed_header, echoed) = control_from(&mock, origin).await;
        assert_eq!(preflight, 204, "{origin}");
        assert_eq!(allowed_header.as_deref(), Some("x-understudy-namespace"));
        assert_eq!(echoed.as_deref(), Some(origin), "an error answer carries CORS too");
    }
    // A control call with a body goes through the front, and reads back.
    let before = mock.control().namespace("through-the-front").get("/clock").await;
    let (status, _) = mock
        .control()
        .namespace("through-the-front")
        .call("POST", "/clock/advance", Some(serde_json::json!({"seconds": 86_400})))
        .await;
    assert_eq!(status, 200);
    let after = mock.control().namespace("through-the-front").get("/clock").await;
    let day = |v: &serde_json::Value| {
        v["now"]
            .as_str()
            .unwrap()
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap()
    };
    assert!((day(&after) - day(&before)).num_hours() >= 24, "{before} → {after}");
}

#[tokio::test]
async fn the_control_api_refuses_other_pages_unless_named() {
    let mock = Mock::start().await;
    let (preflight, _, echoed) = control_from(&mock, "http://app.example.test:5173").await;
    assert_eq!(preflight, 403, "a page from elsewhere may not reset a developer's mock");
    assert_eq!(echoed, None);

    let named = Mock::start_with(understudy::Options {
        control_cors_origins: vec!["http://app.example.test:5173".into()],
        ..understudy::Options::ephemeral()
    })
    .await;
    let (preflight, _, echoed) = control_from(&named, "http://app.example.test:5173").await;
    assert_eq!(preflight, 204);
    assert_eq!(echoed.as_deref(), Some("http://app.example.test:5173"));
    let (preflight, _, _) = control_from(&named, "http://other.example.test:5173").await;
    assert_eq!(preflight, 403);
}
