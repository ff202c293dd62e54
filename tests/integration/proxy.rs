//! `understudy proxy` over HTTP: in front of an Understudy (live mode) every answer is conforming or
//! a registered departure and no drift is recorded; in front of a drifted server the drift is flagged
//! in the response header, the journal and the report, with the credentials redacted; an upstream
//! that does not answer gets a 502 that names it.

use serde_json::json;
use understudy::check::{check, CheckOptions};
use understudy::report::Outcome;
use understudy::vendors::paragraph;
use understudy::Options;

use crate::drift_proxy::{self, rename, unchanged_request, Drift};
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
    let report = std::env::temp_dir().join(format!("understudy-drift-{}.md", std::process::id()));
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
