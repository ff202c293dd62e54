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
