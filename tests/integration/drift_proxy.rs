//! A deliberately drifted server for `understudy check` to catch: it stands in front of a real
//! Understudy, forwards every request, and changes the request or the answer the way a service
//! that drifted from its evidence would (a status changed, an error code renamed, a credential no
//! longer checked, state forgotten).

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;

/// A request as the drift sees it, before it is forwarded.
pub struct Exchange {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Exchange {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    pub fn set_header(&mut self, name: &str, value: &str) {
        self.headers.retain(|(n, _)| n != name);
        self.headers.push((name.to_string(), value.to_string()));
    }
}

/// An answer as the drift sees it, before it is returned.
pub struct Answer {
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
    /// Headers the drifted server adds (none unless the drift adds them).
    pub headers: Vec<(String, String)>,
}

/// One way a server can drift: what it does to the request, and to the answer.
pub struct Drift {
    pub name: &'static str,
    pub request: fn(&mut Exchange),
    pub answer: fn(&Exchange, &mut Answer),
}

pub fn unchanged_request(_: &mut Exchange) {}
pub fn unchanged_answer(_: &Exchange, _: &mut Answer) {}

/// Starts a drifted server in front of `upstream` (a host URL without a path); returns its URL.
pub async fn start(upstream: String, drift: &'static Drift) -> String {
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("a loopback port");
    let address = listener.local_addr().expect("an address");
    let upstream = Arc::new(upstream);
    let http = reqwest::Client::new();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let (upstream, http) = (upstream.clone(), http.clone());
            tokio::spawn(async move {
                let service = service_fn(move |request| forward(request, upstream.clone(), http.clone(), drift));
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    format!("http://{address}")
}

async fn forward(
    request: Request<hyper::body::Incoming>,
    upstream: Arc<String>,
    http: reqwest::Client,
    drift: &'static Drift,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    let mut exchange = Exchange {
        method: parts.method.to_string(),
        path: parts.uri.path_and_query().map_or("/".into(), |p| p.to_string()),
        headers: parts
            .headers
            .iter()
            .filter(|(name, _)| *name != http::header::HOST && *name != http::header::CONTENT_LENGTH)
            .map(|(name, value)| (name.to_string(), value.to_str().unwrap_or("").to_string()))
            .collect(),
        body: body.collect().await.map(|b| b.to_bytes().to_vec()).unwrap_or_default(),
    };
    (drift.request)(&mut exchange);
    let method = reqwest::Method::from_bytes(exchange.method.as_bytes()).expect("a method");
    let mut outgoing = http.request(method, format!("{upstream}{}", exchange.path));
    for (name, value) in &exchange.headers {
        outgoing = outgoing.header(name, value);
    }
    let response = outgoing
        .body(exchange.body.clone())
        .send()
        .await
        .expect("the upstream answers");
    let mut answer = Answer {
        status: response.status().as_u16(),
        content_type: response
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
        body: response.bytes().await.expect("a body").to_vec(),
        headers: Vec::new(),
    };
    (drift.answer)(&exchange, &mut answer);
    let mut builder = Response::builder().status(answer.status);
    if let Some(content_type) = &answer.content_type {
        builder = builder.header(http::header::CONTENT_TYPE, content_type);
    }
    for (name, value) in &answer.headers {
        builder = builder.header(name, value);
    }
    Ok(builder.body(Full::new(Bytes::from(answer.body))).expect("a response"))
}

/// Replaces `from` by `to` in the answer's body text.
pub fn rename(answer: &mut Answer, from: &str, to: &str) {
    let text = String::from_utf8_lossy(&answer.body).replace(from, to);
    answer.body = text.into_bytes();
}
