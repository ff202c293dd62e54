//! Bad bytes at the socket: malformed request lines, smuggling-shaped framing, stalled and trickled
//! connections. Each is refused with a 4xx or a close, within its timeout, and the server serves on.

use std::time::Duration;

use understudy::BODY_READ_TIMEOUT;

use super::{address, exchange, still_serving, Outcome};
use crate::default_data;
use crate::harness::Mock;

const SERVERS: [&str; 5] = ["moonkey", "dynamic", "paragraph", "nango", "control"];
const QUICK: Duration = Duration::from_secs(5);

#[tokio::test]
async fn malformed_and_smuggling_shaped_requests_are_refused_at_once() {
    let mock = Mock::start().await;
    let requests: Vec<(&str, Vec<u8>)> = vec![
        ("binary garbage", b"\x00\x01\x02\r\n\r\n".to_vec()),
        (
            "an unknown HTTP version",
            b"DELETE / HTTP/9.9\r\nHost: x\r\n\r\n".to_vec(),
        ),
        (
            "a negative Content-Length",
            b"DELETE / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n".to_vec(),
        ),
        (
            "two different Content-Lengths",
            b"DELETE / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\n{}".to_vec(),
        ),
        (
            "Content-Length beside chunked with a bad chunk size",
            b"DELETE / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".to_vec(),
        ),
        (
            "an unknown transfer coding",
            b"DELETE / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, identity\r\n\r\n".to_vec(),
        ),
        (
            "an obsolete folded header",
            b"DELETE / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\n\r\n".to_vec(),
        ),
        (
            "a space before the colon",
            b"DELETE / HTTP/1.1\r\nHost : x\r\n\r\n".to_vec(),
        ),
        (
            "a NUL in a header value",
            b"DELETE / HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n".to_vec(),
        ),
        (
            "a bare CR in the request line",
            b"DELETE /\rx HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
        ),
        ("a request line of spaces", b"   \r\n\r\n".to_vec()),
        ("an HTTP/0.9 request with a short path", b"GET /\r\n".to_vec()),
        (
            "a 70 KiB path",
            [
                b"GET /".as_slice(),
                &vec![b'a'; 70 * 1024],
                b" HTTP/1.1\r\nHost: x\r\n\r\n",
            ]
            .concat(),
        ),
        (
            "a 512 KiB header",
            [
                b"GET / HTTP/1.1\r\nHost: x\r\nX-Huge: ".as_slice(),
                &vec![b'x'; 512 * 1024],
                b"\r\n\r\n",
            ]
            .concat(),
        ),
    ];
    for server in SERVERS {
        let address = address(&mock, server);
        for (what, request) in &requests {
            let outcome = exchange(&address, &[request], Duration::ZERO, QUICK).await;
            assert!(outcome.is_refusal(), "{server}: {what}: {outcome:?}");
        }
    }
    still_serving(&mock).await;
}

#[tokio::test]
async fn a_stalled_body_gets_a_408_and_its_connection_closed() {
    let mock = Mock::start().await;
    let heads = [
        ("moonkey", "DELETE /v1/auth/sessions/delete".to_string()),
        (
            "dynamic",
            format!("PUT /api/v0/sessions/{}/revoke", default_data::dynamic_session_id()),
        ),
        ("paragraph", "DELETE /api/v1/api/auth/sessions/unknown".to_string()),
        ("nango", "DELETE /connect/session".to_string()),
        ("control", "POST /clock/advance".to_string()),
    ];
    // Twenty stalled connections at once, as the report had them: each sent its headers and 2 of
    // the 100 body bytes it announced, then nothing.
    let mut stalled = tokio::task::JoinSet::new();
    for i in 0..20 {
        let (server, line) = &heads[i % heads.len()];
        let address = address(&mock, server);
        let request =
            format!("{line} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{}}");
        let server = *server;
        stalled.spawn(async move {
            let started = std::time::Instant::now();
            let outcome = exchange(
                &address,
                &[request.as_bytes()],
                Duration::ZERO,
                BODY_READ_TIMEOUT + QUICK,
            )
            .await;
            (server, outcome, started.elapsed())
        });
    }
    while let Some(joined) = stalled.join_next().await {
        let (server, outcome, took) = joined.expect("the task ran");
        assert_eq!(
            outcome,
            Outcome::Answered {
                status: 408,
                closed: true
            },
            "{server}"
        );
        assert!(
            took >= BODY_READ_TIMEOUT,
            "{server}: answered after {took:?}, before the timeout"
        );
    }
    still_serving(&mock).await;
}

#[tokio::test]
async fn trickled_headers_and_bodies_within_the_timeouts_are_served() {
    let mock = Mock::start().await;
    let address = address(&mock, "nango");
    let token = default_data::nango_token();
    let request = format!(
        "DELETE /connect/session HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{{}}"
    );
    // Eight bytes at a time, 10 ms apart: about 2 s in all, well within both timeouts.
    let chunks: Vec<&[u8]> = request.as_bytes().chunks(8).collect();
    let outcome = exchange(&address, &chunks, Duration::from_millis(10), QUICK).await;
    assert_eq!(
        outcome,
        Outcome::Answered {
            status: 204,
            closed: true
        }
    );
}

#[tokio::test]
async fn idle_connections_do_not_keep_others_waiting() {
    let mock = Mock::start().await;
    let address = address(&mock, "paragraph");
    let mut idle = Vec::new();
    for _ in 0..300 {
        idle.push(tokio::net::TcpStream::connect(&address).await.expect("accepted"));
    }
    let started = std::time::Instant::now();
    still_serving(&mock).await;
    assert!(
        started.elapsed() < QUICK,
        "served with 300 idle connections open, in {:?}",
        started.elapsed()
    );
    drop(idle);
}

#[tokio::test]
async fn a_request_target_that_is_not_a_path_gets_a_400_on_every_port() {
    let mock = Mock::start().await;
    let refused: [(&str, &[u8]); 3] = [
        (
            "authority-form",
            b"GET 127.0.0.1:80 HTTP/1.1\r\nHost: 127.0.0.1:80\r\nConnection: close\r\n\r\n",
        ),
        (
            "authority-form, another method",
            b"DELETE example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nConnection: close\r\n\r\n",
        ),
        (
            "asterisk-form outside OPTIONS",
            b"GET * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        ),
    ];
    for server in SERVERS {
        let address = address(&mock, server);
        for (what, request) in refused {
            let outcome = exchange(&address, &[request], Duration::ZERO, QUICK).await;
            assert_eq!(
                outcome,
                Outcome::Answered {
                    status: 400,
                    closed: true
                },
                "{server}: {what}"
            );
        }
    }
    // The absolute form is still served (RFC 9112 §3.2.2: a server must accept it).
    let request = format!(
        "GET http://{}/clock HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        address(&mock, "control")
    );
    let outcome = exchange(&address(&mock, "control"), &[request.as_bytes()], Duration::ZERO, QUICK).await;
    assert_eq!(
        outcome,
        Outcome::Answered {
            status: 200,
            closed: true
        },
        "control: absolute-form"
    );
    still_serving(&mock).await;
}
