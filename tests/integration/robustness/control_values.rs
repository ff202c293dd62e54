//! Absurd control-API values are refused with a 400 that says what is allowed, and leave the
//! namespace working: its clock, its journal and its vendors.

use serde_json::{json, Value};

use super::still_serving;
use understudy::vendors::nango;

use crate::harness::{Call, Mock};

/// Every call is a 4xx or a 2xx; the namespace's clock, journal and a vendor still answer after it.
async fn refused_or_done(mock: &Mock, namespace: &str, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let control = mock.control().namespace(namespace);
    let (status, answer) = control.call(method, path, body.clone()).await;
    assert!(
        (200..300).contains(&status) || (400..500).contains(&status),
        "{method} {path} {body:?}: {status} {answer}"
    );
    assert_eq!(
        control.call("GET", "/clock", None).await.0,
        200,
        "after {path} {body:?}"
    );
    assert_eq!(control.call("GET", "/journal/count", None).await.0, 200);
    let nango = Call::to(&nango::DELETE_CONNECT_SESSION)
        .bearer(&format!("nango_connect_session_{}", "0".repeat(64)))
        .namespace(namespace);
    assert_eq!(mock.send(nango).await.status, 401, "the vendor answers in {namespace}");
    (status, answer)
}

#[tokio::test]
async fn clock_moves_out_of_range_are_refused_with_the_range() {
    let mock = Mock::start().await;
    for body in [
        json!({"milliseconds": i64::MAX}),
        json!({"milliseconds": i64::MIN}),
        json!({"seconds": i64::MAX}),
        json!({"seconds": i64::MIN}),
        json!({"seconds": 9_000_000_000_000_i64}),
        json!({"seconds": -1}),
        json!({"seconds": 3_155_760_001_i64}),
        json!({"seconds": 1, "milliseconds": -5000}),
    ] {
        let (status, answer) = refused_or_done(&mock, "clock", "POST", "/clock/advance", Some(body.clone())).await;
        assert_eq!(status, 400, "{body}: {answer}");
        let message = answer["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("100 years") || message.contains("0 or more"),
            "{body}: the message gives the range: {message}"
        );
    }
    let (status, _) = refused_or_done(&mock, "clock", "POST", "/clock/advance", Some(json!({"seconds": 9e12}))).await;
    assert_eq!(status, 400, "a float is not whole seconds");

    // Advances that each fit but add up past the range: the last is refused and changes nothing.
    let ninety_years: i64 = 90 * 365 * 86_400;
    let (first, moved) = refused_or_done(
        &mock,
        "sum",
        "POST",
        "/clock/advance",
        Some(json!({"seconds": ninety_years})),
    )
    .await;
    assert_eq!(first, 200, "{moved}");
    let (second, answer) = refused_or_done(
        &mock,
        "sum",
        "POST",
        "/clock/advance",
        Some(json!({"seconds": ninety_years})),
    )
    .await;
    assert_eq!(second, 400, "{answer}");
    assert!(
        answer["message"].as_str().unwrap_or_default().contains("at most"),
        "{answer}"
    );
    let time = |value: &Value| chrono::DateTime::parse_from_rfc3339(value["now"].as_str().unwrap_or_default()).ok();
    let now = time(&mock.control().namespace("sum").get("/clock").await).expect("a time");
    let moved = time(&moved).expect("a time");
    assert!(
        now >= moved && now - moved < chrono::TimeDelta::minutes(1),
        "the refused move changed nothing: {moved} then {now}"
    );
    still_serving(&mock).await;
}

#[tokio::test]
async fn absurd_scenarios_sessions_and_filters_are_refused() {
    let mock = Mock::start().await;
    let cases: Vec<(&str, &str, Option<Value>)> = vec![
        ("POST", "/scenarios", Some(json!({"vendor": "nango", "status": 0}))),
        ("POST", "/scenarios", Some(json!({"vendor": "nango", "status": 65536}))),
        ("POST", "/scenarios", Some(json!({"vendor": "nango", "status": 600}))),
        (
            "POST",
            "/scenarios",
            Some(json!({"vendor": "nango", "times": 0, "status": 500})),
        ),
        (
            "POST",
            "/scenarios",
            Some(json!({"vendor": "nango", "times": 4_294_967_296_u64, "status": 500})),
        ),
        ("POST", "/scenarios", Some(json!({"vendor": "nango", "delay_ms": -1}))),
        (
            "POST",
            "/scenarios",
            Some(json!({"vendor": "x".repeat(10_000), "status": 500})),
        ),
        (
            "POST",
            "/scenarios",
            Some(json!({"vendor": "nango", "operation": "nope", "status": 500})),
        ),
        (
            "POST",
            "/paragraph/sessions",
            Some(json!({"expires_in_seconds": 4_294_967_296_u64})),
        ),
        (
            "POST",
            "/paragraph/sessions",
            Some(json!({"device_name": "d".repeat(101)})),
        ),
        ("POST", "/paragraph/sessions", Some(json!({"id": ""}))),
        ("POST", "/dynamic/sessions", Some(json!({"age_seconds": -1}))),
        ("POST", "/dynamic/sessions", Some(json!({"id": "NOT-A-UUID"}))),
        (
            "POST",
            "/moonkey/sessions",
            Some(json!({"session_token": "t".repeat(129)})),
        ),
        ("POST", "/moonkey/sessions", Some(json!({"user_id": "user_ü"}))),
        (
            "POST",
            "/nango/sessions",
            Some(json!({"token": "nango_connect_session_short"})),
        ),
        ("GET", "/journal?status=70000", None),
        ("GET", "/journal/count?status=-1", None),
        ("GET", "/moonkey/sessions?credential=%00", None),
        ("GET", "/dynamic/sessions?credential=dyn_short", None),
    ];
    for (method, path, body) in cases {
        let (status, answer) = refused_or_done(&mock, "absurd", method, path, body.clone()).await;
        assert!(
            (400..500).contains(&status),
            "{method} {path} {body:?} was accepted: {answer}"
        );
    }
    // 100,000 levels of nesting: refused by the JSON reader's depth limit, not by the stack.
    let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    for path in ["/scenarios", "/nango/sessions", "/clock/advance"] {
        let response = reqwest::Client::new()
            .post(format!("{}{path}", mock.url("control")))
            .header("content-type", "application/json")
            .body(nested.clone())
            .send()
            .await
            .expect("the control API answers");
        assert_eq!(response.status(), 400, "{path}");
    }
    // Values at the edge of their range are accepted, and the server works with them.
    for (path, body) in [
        (
            "/scenarios",
            json!({"vendor": "paragraph", "times": u32::MAX, "delay_ms": u64::MAX}),
        ),
        ("/paragraph/sessions", json!({"expires_in_seconds": u32::MAX})),
        ("/dynamic/sessions", json!({"age_seconds": u32::MAX})),
    ] {
        let (status, answer) = refused_or_done(&mock, "edge", "POST", path, Some(body.clone())).await;
        assert!((200..300).contains(&status), "{path} {body}: {answer}");
    }
    let (status, _) = mock
        .control()
        .namespace("edge")
        .call("DELETE", "/scenarios", None)
        .await;
    assert_eq!(status, 204);
    still_serving(&mock).await;
}
