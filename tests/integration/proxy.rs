//! `understudy proxy` over HTTP: in front of an Understudy (live mode) every answer is conforming or
//! a registered departure and no drift is recorded; in front of a drifted server the drift is flagged
//! in the response header, the journal and the report, with the credentials redacted; an upstream
//! that does not answer gets a 502 that names it; a compressed answer is judged and relayed
//! decoded; hop-by-hop headers, those `Connection` names included, cross neither way.

use std::convert::Infallible;
use std::io::Write;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::json;
use understudy::check::{check, CheckOptions};
use understudy::report::Outcome;
use understudy::vendors::paragraph;
use understudy::Options;

use crate::drift_proxy::{self, rename, unchanged_request, Answer, Drift, Exchange};
use crate::harness::Mock;

/// A proxy relaying every vendor of `upstream_urls` (vendor -> base URL).
async fn proxy(upstreams: Vec<(String, String)>, report: Option<std::path::PathBuf>) -> Mock {
    Mock::start_with(Options {
        upstreams,
        drift_report: report,
        ..Options::ephemeral()
    })
    .await
}

fn all_upstreams(mock: &Mock) -> Vec<(String, String)> {
    understudy::vendors::NAMES
        .iter()
        .map(|vendor| (vendor.to_string(), mock.url(vendor)))
        .collect()
}

#[tokio::test]
async fn in_front_of_understudy_every_answer_conforms_or_is_registered() {
    let upstream = Mock::start().await;
    let proxy = proxy(all_upstreams(&upstream), None).await;
    // Every probe of every vendor, through the proxy; sessions come from the upstream's control API.
    let options = CheckOptions {
        targets: understudy::vendors::NAMES
            .iter()
            .map(|vendor| (vendor.to_string(), proxy.url(vendor)))
            .collect(),
        control: Some(upstream.url("control")),
        ..CheckOptions::default()
    };
    let reports = check(&options).await.expect("the check runs through the proxy");
    for report in &reports {
        let off: Vec<_> = report
            .probes
            .iter()
            .filter(|p| p.outcome != Outcome::Pass)
            .map(|p| (p.name, &p.reason))
            .collect();
        assert!(
            off.is_empty(),
            "{}: the proxy is not transparent: {off:?}",
            report.vendor
        );
    }
    let drifts = proxy.control().get("/drifts").await;
    assert_eq!(drifts, json!([]), "nothing a registered departure does not describe");

    // In one namespace, read the journal's classification of a conforming and a departing answer.
    let http = reqwest::Client::new();
    let deny = |id: &str| format!("{}/v1/api/auth/sessions/{id}", proxy.url("paragraph"));
    let created = upstream
        .control()
        .namespace("watched")
        .post("/paragraph/sessions", json!({}))
        .await;
    let id = created["session_id"].as_str().unwrap();
    for _ in 0..2 {
        let response = http
            .delete(deny(id))
            .header(understudy::NAMESPACE_HEADER, "watched")
            .send()
            .await
            .unwrap();
        let conformance = response.headers()["x-understudy-conformance"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(
            conformance == "conforms" || conformance == "departure=paragraph-404-not-pending",
            "{conformance}"
        );
    }
    let control = proxy.control().namespace("watched");
    assert_eq!(control.count("conformance=conforms").await, 1);
    assert_eq!(control.count("conformance=departure").await, 1);
    assert_eq!(control.count("conformance=drift").await, 0);
}

#[tokio::test]
async fn in_front_of_a_drifted_server_the_drift_is_flagged_everywhere() {
    static MSG_RENAMED: Drift = Drift {
        name: "msg renamed",
        request: unchanged_request,
        answer: |_, a| rename(a, "Session not found", "Not found"),
    };
    let upstream = Mock::start().await;
    let url = upstream.url("paragraph");
    let host = url.split('/').take(3).collect::<Vec<_>>().join("/");
    let drifted = drift_proxy::start(host.clone(), &MSG_RENAMED).await;
    let temporary = tempfile::Builder::new().prefix("understudy-drift-").tempdir().unwrap();
    let report = temporary.path().join("drift.md");
    let proxy = proxy(
        vec![("paragraph".into(), format!("{drifted}{}", &url[host.len()..]))],
        Some(report.clone()),
    )
    .await;
    let http = reqwest::Client::new();
    let unknown = format!(
        "{}{}",
        proxy.url("paragraph"),
        paragraph::DENY_SESSION.template.replace("{sessionId}", "unknown")
    );
    for _ in 0..3 {
        let response = http
            .delete(&unknown)
            .header("authorization", "Bearer secret-that-must-not-show")
            .header(understudy::NAMESPACE_HEADER, "drift")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404);
        assert_eq!(
            response.headers()["x-understudy-conformance"],
            "drift",
            "a 404 with another body is drift"
        );
        assert_eq!(
            response.json::<serde_json::Value>().await.unwrap()["msg"],
            "Not found",
            "relayed as it came"
        );
    }
    let entries = proxy
        .control()
        .namespace("drift")
        .get("/journal?conformance=drift")
        .await;
    assert_eq!(entries.as_array().map(Vec::len), Some(3));
    let reason = entries[0]["conformance_reason"].as_str().unwrap_or_default();
    assert!(reason.contains("no registered departure answers 404"), "{reason}");

    let drifts = proxy.control().get("/drifts").await;
    assert_eq!(drifts.as_array().map(Vec::len), Some(1), "one distinct drift: {drifts}");
    assert_eq!(drifts[0]["times"], 3);
    let written = std::fs::read_to_string(&report).expect("the report file is written");
    let served = reqwest::get(format!("{}/drifts/report", proxy.url("control")))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for text in [&written, &served] {
        assert!(
            text.contains("### `paragraph-drift-1`: DELETE /v1/api/auth/sessions/{sessionId} answered 404"),
            "{text}"
        );
        assert!(text.contains("- **Spec says**: status 404 is not documented"), "{text}");
        assert!(
            text.contains(r#"{"msg":"Not found","success":false}"#),
            "the exchange is the evidence: {text}"
        );
        assert!(
            text.contains("Bearer <redacted>") && !text.contains("secret-that-must-not-show"),
            "{text}"
        );
    }
}

#[tokio::test]
async fn an_upstream_that_does_not_answer_gets_a_502_naming_it() {
    let proxy = proxy(vec![("nango".into(), "http://127.0.0.1:9".into())], None).await;
    let response = reqwest::Client::new()
        .delete(format!("{}/connect/session", proxy.url("nango")))
        .header("origin", "http://localhost:5173")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 502);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "http://localhost:5173",
        "CORS as the mock does it"
    );
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["upstream"], "nango");
    assert!(body["error"].as_str().unwrap().contains("http://127.0.0.1:9"), "{body}");
    assert_eq!(proxy.control().count("conformance=unreachable").await, 1);
    assert!(
        proxy.running.url("moonkey").is_none(),
        "only the proxied vendors listen"
    );
}

#[tokio::test]
async fn a_body_the_proxy_cannot_read_whole_is_not_relayed() {
    let upstream = Mock::start().await;
    let proxy = proxy(vec![("nango".into(), upstream.url("nango"))], None).await;
    let response = reqwest::Client::new()
        .delete(format!("{}/connect/session", proxy.url("nango")))
        .header("content-type", "application/json")
        .header(understudy::NAMESPACE_HEADER, "big")
        .body(vec![b' '; 70 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413, "not sent upstream without its body");
    assert_eq!(response.headers()["x-understudy-conformance"], "not_relayed");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["upstream"], "nango");
    assert_eq!(
        proxy.control().namespace("big").count("conformance=not_relayed").await,
        1
    );
    assert_eq!(
        upstream.control().namespace("big").count("").await,
        0,
        "the upstream saw nothing"
    );
}

/// What a browser sends (Chrome's list): two of these codings the proxy cannot undo.
const BROWSER_ACCEPT_ENCODING: &str = "gzip, deflate, br, zstd";

/// A client that, like `curl` without `--compressed`, shows the bytes as they came.
fn raw_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_gzip()
        .no_deflate()
        .no_brotli()
        .no_zstd()
        .build()
        .expect("a client")
}

/// The `Accept-Encoding` each request to [`gzip_when_asked`] carried.
static ASKED_TO_GZIP: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Gzips the answer when the request accepts gzip, as most services do.
fn gzip_when_asked(exchange: &Exchange, answer: &mut Answer) {
    let asked = exchange.header("accept-encoding").unwrap_or_default().to_string();
    let gzip = asked
        .split(',')
        .any(|coding| coding.split(';').next().map(str::trim) == Some("gzip"));
    ASKED_TO_GZIP.lock().expect("not poisoned").push(asked);
    if gzip {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(&answer.body).expect("gzip into memory");
        answer.body = encoder.finish().expect("gzip into memory");
        answer.headers.push(("content-encoding".into(), "gzip".into()));
    }
}

/// A proxy for Paragraph in front of `drift` in front of an Understudy; the upstream Understudy.
async fn paragraph_behind(drift: &'static Drift) -> (Mock, Mock) {
    let upstream = Mock::start().await;
    let url = upstream.url("paragraph");
    let host = url.split('/').take(3).collect::<Vec<_>>().join("/");
    let drifted = drift_proxy::start(host.clone(), drift).await;
    let proxy = proxy(
        vec![("paragraph".into(), format!("{drifted}{}", &url[host.len()..]))],
        None,
    )
    .await;
    (upstream, proxy)
}

#[tokio::test]
async fn a_gzipped_answer_is_judged_decoded_and_the_client_reads_it() {
    static GZIPPED: Drift = Drift {
        name: "gzips when asked",
        request: unchanged_request,
        answer: gzip_when_asked,
    };
    let (upstream, proxy) = paragraph_behind(&GZIPPED).await;
    let created = upstream
        .control()
        .namespace("gzip")
        .post("/paragraph/sessions", json!({}))
        .await;
    let deny = format!(
        "{}{}",
        proxy.url("paragraph"),
        paragraph::DENY_SESSION
            .template
            .replace("{sessionId}", created["session_id"].as_str().unwrap())
    );
    // Denied, then denied again: a conforming answer, then a registered departure, both gzipped.
    for expected in ["conforms", "departure=paragraph-404-not-pending"] {
        let response = raw_client()
            .delete(&deny)
            .header("accept-encoding", BROWSER_ACCEPT_ENCODING)
            .header(understudy::NAMESPACE_HEADER, "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["x-understudy-conformance"], expected);
        assert!(
            response.headers().get("content-encoding").is_none(),
            "the body is decoded, so no coding is announced: {:?}",
            response.headers()
        );
        let length = response.headers().get("content-length").cloned();
        let body = response.bytes().await.unwrap();
        if let Some(length) = length {
            assert_eq!(
                length.to_str().unwrap(),
                body.len().to_string(),
                "the decoded body's length"
            );
        }
        let json: serde_json::Value = serde_json::from_slice(&body).expect("the client reads JSON");
        assert!(json.get("success").is_some(), "Paragraph's answer: {json}");
    }
    let asked = ASKED_TO_GZIP.lock().expect("not poisoned").clone();
    assert_eq!(asked.len(), 2, "{asked:?}");
    for accept in &asked {
        let codings: Vec<&str> = accept.split(',').map(str::trim).collect();
        assert!(codings.contains(&"gzip"), "the upstream may compress: {accept}");
        assert!(
            codings.iter().all(|c| ["gzip", "deflate"].contains(c)),
            "the upstream is asked only for codings the proxy undoes: {accept}"
        );
    }
    let control = proxy.control().namespace("gzip");
    assert_eq!(control.count("conformance=conforms").await, 1);
    assert_eq!(control.count("conformance=departure").await, 1);
    assert_eq!(control.count("conformance=drift").await, 0);
    assert_eq!(proxy.control().get("/drifts").await, json!([]));
}

#[tokio::test]
async fn an_answer_in_a_coding_the_proxy_cannot_undo_is_relayed_as_it_came_and_not_judged() {
    static BROTLI_UNASKED: Drift = Drift {
        name: "answers in br, asked or not",
        request: unchanged_request,
        answer: |_, answer| answer.headers.push(("content-encoding".into(), "br".into())),
    };
    let (_upstream, proxy) = paragraph_behind(&BROTLI_UNASKED).await;
    let unknown = format!(
        "{}{}",
        proxy.url("paragraph"),
        paragraph::DENY_SESSION.template.replace("{sessionId}", "unknown")
    );
    let response = raw_client()
        .delete(&unknown)
        .header("accept-encoding", BROWSER_ACCEPT_ENCODING)
        .header(understudy::NAMESPACE_HEADER, "br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["x-understudy-conformance"], "drift");
    assert_eq!(response.headers()["content-encoding"], "br", "relayed as it came");
    let entries = proxy.control().namespace("br").get("/journal?conformance=drift").await;
    let reason = entries[0]["conformance_reason"].as_str().unwrap_or_default();
    assert!(
        reason.contains("content coding `br`") && reason.contains("not judged"),
        "the reason names the coding, not the bytes: {reason}"
    );
}

/// A stand-in upstream that keeps the headers of every request and answers 204 with a header its
/// `Connection` header names, and one that is end to end.
async fn recording_upstream() -> (String, Arc<Mutex<Vec<http::HeaderMap>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a loopback port");
    let address = listener.local_addr().expect("an address");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let kept = seen.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let seen = kept.clone();
            let service = service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                seen.lock().expect("not poisoned").push(request.headers().clone());
                let response = hyper::Response::builder()
                    .status(204)
                    .header("connection", "x-hop-answer")
                    .header("x-hop-answer", "for the proxy only")
                    .header("x-end-to-end-answer", "kept")
                    .body(Full::new(Bytes::new()))
                    .expect("a response");
                async move { Ok::<_, Infallible>(response) }
            });
            tokio::spawn(hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service));
        }
    });
    (format!("http://{address}"), seen)
}

#[tokio::test]
async fn headers_named_in_connection_cross_neither_way() {
    let (upstream, seen) = recording_upstream().await;
    let proxy = proxy(vec![("nango".into(), upstream)], None).await;
    let response = reqwest::Client::new()
        .delete(format!("{}/connect/session", proxy.url("nango")))
        .header("connection", "x-hop-request, keep-alive")
        .header("x-hop-request", "for the proxy only")
        .header("keep-alive", "timeout=5")
        .header("x-end-to-end-request", "kept")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    let headers = response.headers();
    assert_eq!(headers["x-end-to-end-answer"], "kept");
    assert!(headers.get("x-hop-answer").is_none(), "{headers:?}");
    assert!(
        headers.get_all("connection").iter().all(|v| v != "x-hop-answer"),
        "{headers:?}"
    );

    let seen = seen.lock().expect("not poisoned");
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0]["x-end-to-end-request"], "kept");
    for hop in ["x-hop-request", "keep-alive", "connection"] {
        assert!(seen[0].get(hop).is_none(), "{hop} reached the upstream: {:?}", seen[0]);
    }
}

#[tokio::test]
async fn a_departure_covers_what_it_describes_not_a_field_beside_it() {
    static EXTRA_FIELD: Drift = Drift {
        name: "a field beside the registered payload",
        request: unchanged_request,
        answer: |_, a| {
            rename(
                a,
                r#""code":"unknown_connect_session_token""#,
                r#""code":"unknown_connect_session_token","retryable":true"#,
            )
        },
    };
    let upstream = Mock::start().await;
    let url = upstream.url("nango");
    let drifted = drift_proxy::start(url.clone(), &EXTRA_FIELD).await;
    let faithful = proxy(vec![("nango".into(), url)], None).await;
    let beside = proxy(vec![("nango".into(), drifted)], None).await;
    let http = reqwest::Client::new();
    let unknown_token = |base: String| {
        http.delete(format!("{base}/connect/session"))
            .bearer_auth("nango_connect_session_0000000000000000000000000000000000000000000000000000000000000000")
            .send()
    };
    let registered = unknown_token(faithful.url("nango")).await.unwrap();
    assert_eq!(registered.status(), 401);
    let classified = registered.headers()["x-understudy-conformance"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        classified.starts_with("departure=nango-"),
        "the live 401 with its payload is a registered departure: {classified}"
    );
    let extra = unknown_token(beside.url("nango")).await.unwrap();
    assert_eq!(extra.status(), 401);
    assert_eq!(
        extra.headers()["x-understudy-conformance"],
        "drift",
        "a field the departure does not describe is drift"
    );
    assert!(extra.text().await.unwrap().contains("retryable"), "relayed as it came");
}
