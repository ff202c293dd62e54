//! Understudy as a hostile client and a busy CI farm would try it: bad bytes at the socket, stalled
//! and trickled connections, smuggling-shaped headers, oversized and deeply nested bodies, races on
//! every vendor's delete, absurd control-API values, and generated inputs. Every answer is a 4xx (or
//! the vendor's documented answer), or a closed connection: never a 5xx, never a panic, never a
//! connection held past its timeout; and the server keeps serving afterwards.

mod bodies;
mod control_values;
mod generated;
mod journal;
mod races;
mod sockets;

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use understudy::vendors::{dynamic, moonkey, nango, paragraph};

use crate::harness::{Call, Mock};

/// One call per vendor operation that the vendor answers without changing any state.
pub fn harmless_calls() -> Vec<Call> {
    vec![
        Call::to(&moonkey::DELETE_SESSION).bearer(moonkey::EXAMPLE_SECRET_KEY),
        Call::to(&dynamic::REVOKE_SESSION)
            .param("sessionId", "00000000-0000-4000-8000-000000000000")
            .bearer(dynamic::EXAMPLE_TOKEN),
        Call::to(&paragraph::DENY_SESSION).param("sessionId", "unknown"),
        Call::to(&nango::DELETE_CONNECT_SESSION).bearer(&format!("nango_connect_session_{}", "0".repeat(64))),
    ]
}

/// Every vendor still answers a well-formed call, below 500.
pub async fn still_serving(mock: &Mock) {
    for call in harmless_calls() {
        let response = mock.send(call).await;
        assert!(response.status < 500);
    }
    let (status, _) = mock.control().call("GET", "/clock", None).await;
    assert_eq!(status, 200, "the control API answers");
}

/// `host:port` of a server (a vendor's or `control`).
pub fn address(mock: &Mock, server: &str) -> String {
    let url = mock.url(server);
    let rest = url.trim_start_matches("http://");
    rest.split('/').next().unwrap_or(rest).to_string()
}

/// What a raw connection got back.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    /// An HTTP answer with this status; `closed` when the server also closed the connection.
    Answered { status: u16, closed: bool },
    /// Closed without an answer.
    Closed,
    /// Neither an answer nor a close within the wait.
    StillOpen,
}

impl Outcome {
    /// A 4xx, or a closed connection: how the server may refuse bad bytes.
    pub fn is_refusal(&self) -> bool {
        match self {
            Self::Answered { status, .. } => (400..500).contains(status),
            Self::Closed => true,
            Self::StillOpen => false,
        }
    }
}

/// Writes `chunks` to a new connection (pausing `pause` between them), then reads until the
/// server closes or `wait` passes.
pub async fn exchange(address: &str, chunks: &[&[u8]], pause: Duration, wait: Duration) -> Outcome {
    let mut stream = TcpStream::connect(address).await.expect("the server accepts");
    for (i, chunk) in chunks.iter().enumerate() {
        if i > 0 {
            tokio::time::sleep(pause).await;
        }
        if stream.write_all(chunk).await.is_err() {
            break;
        }
    }
    read_outcome(&mut stream, wait).await
}

/// Reads what the server sends until it closes or `wait` passes.
pub async fn read_outcome(stream: &mut TcpStream, wait: Duration) -> Outcome {
    let deadline = Instant::now() + wait;
    let mut received = Vec::new();
    let mut buffer = [0u8; 4096];
    let closed = loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break true,
            Ok(Ok(n)) => received.extend_from_slice(&buffer[..n]),
            Err(_) => break false,
        }
    };
    match status_of(&received) {
        Some(status) => Outcome::Answered { status, closed },
        None if closed => Outcome::Closed,
        None => Outcome::StillOpen,
    }
}

/// The status of the first response in `bytes` (`HTTP/1.1 408 …`).
fn status_of(bytes: &[u8]) -> Option<u16> {
    let text = std::str::from_utf8(bytes.get(..12)?).ok()?;
    text.strip_prefix("HTTP/1.")?.get(2..5)?.parse().ok()
}
