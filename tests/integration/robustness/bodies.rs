//! Bad bodies and methods: malformed, invalid UTF-8, oversized and deeply nested bodies get each
//! vendor's own answer, and methods an operation does not have get a 4xx.

use std::time::Duration;

use super::{harmless_calls, still_serving};
use crate::harness::Mock;

#[tokio::test]
async fn malformed_invalid_utf8_and_oversized_bodies_get_vendor_answers() {
    let mock = Mock::start().await;
    let bodies: [Vec<u8>; 7] = [
        b"{\"session_token\": ".to_vec(),
        vec![0xc3, 0x28, 0xff],
        vec![b'a'; 1024 * 1024],
        b"null".to_vec(),
        // Nested past the JSON reader's depth limit, and past any stack's if it had none.
        format!("{}{}", "[".repeat(30_000), "]".repeat(30_000)).into_bytes(),
        format!("{}1{}", "{\"session_id\":".repeat(20_000), "}".repeat(20_000)).into_bytes(),
        // Invalid UTF-8 inside a JSON string.
        b"{\"session_id\": \"\xff\xfe\"}".to_vec(),
    ];
    for call in harmless_calls() {
        for body in &bodies {
            let call = call
                .clone()
                .header("content-type", "application/json")
                .raw_body(body.clone());
            // The harness asserts < 500 and that the answer is the spec's or a registered departure.
            let response = mock.send(call).await;
            assert!(response.status < 500);
        }
    }
    let moonkey = mock
        .send(
            harmless_calls()
                .remove(0)
                .header("content-type", "application/json")
                .raw_body(vec![b' '; 1024 * 1024]),
        )
        .await;
    assert_eq!(
        moonkey.json()["error_type"],
        "validation_error",
        "an oversized body is an invalid body"
    );
}

/// (Paths and headers too long for an HTTP client to send are sent at the socket: see `sockets.rs`.)
#[tokio::test]
async fn unknown_methods_are_refused_with_4xx() {
    let mock = Mock::start().await;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    for call in harmless_calls() {
        let url = format!("{}{}", mock.url(call.vendor), call.path);
        for method in ["GET", "POST", "PATCH", "PROPFIND"] {
            let response = http
                .request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), &url)
                .send()
                .await
                .unwrap();
            assert!(
                response.status().is_client_error(),
                "{method} {url}: {}",
                response.status()
            );
        }
    }
    still_serving(&mock).await;
}
