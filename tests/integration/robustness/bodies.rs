//! Bad input never gets a 5xx, never hangs, and never stops the server.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use understudy::vendors::{dynamic, moonkey, nango, paragraph};

use crate::default_data;
use crate::harness::{Call, Mock};

fn operations() -> Vec<Call> {
    vec![
        Call::to(&moonkey::DELETE_SESSION).bearer(moonkey::EXAMPLE_SECRET_KEY),
        Call::to(&dynamic::REVOKE_SESSION)
            .param("sessionId", default_data::dynamic_anonymous_session_id())
            .bearer(dynamic::EXAMPLE_TOKEN),
        Call::to(&paragraph::DENY_SESSION).param("sessionId", "unknown"),
        Call::to(&nango::DELETE_CONNECT_SESSION).bearer(&format!("nango_connect_session_{}", "0".repeat(64))),
    ]
}

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
    for call in operations() {
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
            operations()
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

#[tokio::test]
async fn unknown_methods_long_paths_and_huge_headers_are_refused_with_4xx() {
    let mock = Mock::start().await;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    for call in operations() {
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
        let long_path = format!("{}/{}", mock.url(call.vendor), "a".repeat(64 * 1024));
        if let Ok(response) = http.delete(&long_path).send().await {
            assert!(
                response.status().is_client_error(),
                "a 64 KiB path: {}",
                response.status()
            );
        }
        let huge_header = "x".repeat(256 * 1024);
        if let Ok(response) = http.delete(&url).header("x-huge", huge_header).send().await {
            assert!(
                response.status().is_client_error(),
                "a 256 KiB header: {}",
                response.status()
            );
        }
    }
    still_serving(&mock).await;
}

#[tokio::test]
async fn garbage_on_the_socket_does_not_stop_the_server() {
    let mock = Mock::start().await;
    let address = mock.url("nango").trim_start_matches("http://").to_string();
    for garbage in [
        &b"\x00\x01\x02\r\n\r\n"[..],
        b"DELETE /connect/session HTTP/9.9\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n",
    ] {
        let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
        stream.write_all(garbage).await.unwrap();
        let mut answer = Vec::new();
        let read = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
        assert!(read.is_ok(), "the server closed or answered within 5 s");
        let text = String::from_utf8_lossy(&answer);
        assert!(!text.starts_with("HTTP/1.1 5"), "{text}");
    }
    still_serving(&mock).await;
}

async fn still_serving(mock: &Mock) {
    for call in operations() {
        let response = mock.send(call).await;
        assert!(response.status < 500);
    }
}
