//! Coverage: which situations of each vendor's probe catalogue a suite's requests exercised. Running
//! the whole catalogue (`understudy check`) exercises every one, which also holds every tag the
//! handlers write to a probe's name; a few requests exercise exactly those; the binary writes the
//! report on shutdown.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::{json, Value};
use understudy::check::{check, CheckOptions};
use understudy::vendors::{moonkey, nango};

use crate::default_data;
use crate::harness::{Call, Mock};

fn situation<'a>(coverage: &'a Value, vendor: &str, name: &str) -> &'a Value {
    let vendor = coverage["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["vendor"] == vendor)
        .unwrap();
    vendor["situations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap()
}

#[tokio::test]
async fn the_whole_catalogue_exercises_every_situation() {
    let mock = Mock::start().await;
    let options = CheckOptions {
        targets: understudy::vendors::NAMES
            .iter()
            .map(|v| (v.to_string(), mock.url(v)))
            .collect(),
        control: Some(mock.url("control")),
        ..CheckOptions::default()
    };
    check(&options).await.expect("the check runs");
    let coverage = mock.control().get("/coverage?all_namespaces=true").await;
    let missed: Vec<String> = coverage["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|v| {
            let vendor = v["vendor"].as_str().unwrap().to_string();
            v["situations"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|s| s["exercised"] != true)
                .map(move |s| format!("{vendor} {}", s["name"]))
        })
        .collect();
    assert!(missed.is_empty(), "never exercised: {missed:?}");
    assert_eq!(coverage["exercised"], coverage["total"]);
    let repeat = situation(&coverage, "nango", "delete_again");
    assert!(
        repeat["note"].as_str().unwrap_or_default().contains("unknown_token"),
        "{repeat}"
    );
}

#[tokio::test]
async fn a_few_requests_exercise_exactly_their_situations() {
    let mock = Mock::start().await;
    let ns = "a-suite";
    mock.send(
        Call::to(&nango::DELETE_CONNECT_SESSION)
            .bearer(default_data::nango_token())
            .namespace(ns),
    )
    .await;
    mock.send(
        Call::to(&moonkey::DELETE_SESSION)
            .bearer(moonkey::EXAMPLE_SECRET_KEY)
            .json(json!({}))
            .namespace(ns),
    )
    .await;
    mock.send(
        Call::to(&nango::DELETE_CONNECT_SESSION)
            .header("prefer", "code=429")
            .namespace(ns),
    )
    .await;
    let coverage = mock.control().namespace(ns).get("/coverage").await;
    assert_eq!(situation(&coverage, "nango", "delete")["exercised"], true);
    assert_eq!(situation(&coverage, "moonkey", "no_identifier")["exercised"], true);
    assert_eq!(
        situation(&coverage, "moonkey", "two_identifiers")["exercised"],
        false,
        "a 400 of another kind"
    );
    assert_eq!(situation(&coverage, "nango", "expired_token")["exercised"], false);
    let nango = coverage["vendors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["vendor"] == "nango")
        .unwrap();
    assert_eq!(nango["forced_statuses"], json!([429]));
    assert_eq!(coverage["exercised"], 2);
    let other = mock.control().namespace("someone-else").get("/coverage").await;
    assert_eq!(other["exercised"], 0, "coverage is per namespace");
}

#[tokio::test]
async fn inferred_state_counts_each_roles_outcomes() {
    let mock = Mock::serving("pets", "pets-crud-3.0.yaml", true).await;
    let ns = "state-coverage";
    let http = ::reqwest::Client::new();
    let base = mock.url("pets");
    let send = |method: ::reqwest::Method, path: String, body: Option<Value>| {
        let mut request = http
            .request(method, format!("{base}{path}"))
            .header(understudy::NAMESPACE_HEADER, ns)
            .header("x-api-key", "coverage-key");
        if let Some(body) = body {
            request = request.json(&body);
        }
        request.send()
    };
    let created: Value = send(
        ::reqwest::Method::POST,
        "/pets".into(),
        Some(json!({"name": "Pip", "species": "bird"})),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let item = format!("/pets/{}", created["id"]);
    for (method, expected) in [
        (::reqwest::Method::GET, 200),
        (::reqwest::Method::DELETE, 204),
        (::reqwest::Method::GET, 404),
    ] {
        let status = send(method.clone(), item.clone(), None).await.unwrap().status();
        assert_eq!(status, expected, "{method} {item}");
    }
    let coverage = mock.control().namespace(ns).get("/coverage").await;
    let exercised = |name: &str| situation(&coverage, "pets", name)["exercised"].clone();
    assert_eq!(exercised("createPet create created"), true);
    assert_eq!(exercised("getPet read read"), true);
    assert_eq!(exercised("getPet read missing"), true, "the read after the delete");
    assert_eq!(exercised("deletePet delete deleted"), true);
    assert_eq!(
        exercised("deletePet delete missing"),
        false,
        "no second delete was sent"
    );
    assert_eq!(exercised("updatePet patch patched"), false);
    assert_eq!(situation(&coverage, "pets", "getPet read missing")["times"], 1);
}

#[test]
fn the_binary_writes_the_coverage_report_on_shutdown() {
    // Removed when the test ends, whatever it leaves in it.
    let temporary = tempfile::Builder::new()
        .prefix("understudy-coverage-")
        .tempdir()
        .unwrap();
    let dir = temporary.path().to_path_buf();
    std::fs::create_dir_all(&dir).unwrap();
    let report = dir.join("coverage.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_understudy"))
        .args(["--ephemeral-ports", "--coverage-report", report.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap())
        .read_line(&mut line)
        .unwrap();
    let urls: Value = serde_json::from_str(&line).unwrap();
    let status = reqwest::blocking_delete(&format!(
        "{}/v1/api/auth/sessions/unknown",
        urls["paragraph"].as_str().unwrap()
    ));
    assert_eq!(status, 404);
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());
    let json: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(
        json["exercised"], 2,
        "unknown_session, and deny_again counted with it: {json}"
    );
    let markdown = std::fs::read_to_string(dir.join("coverage.json.md")).unwrap();
    assert!(markdown.contains("- [x] `unknown_session`"), "{markdown}");
}

/// A DELETE with no async runtime around (the test above is synchronous).
mod reqwest {
    pub fn blocking_delete(url: &str) -> u16 {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        runtime.block_on(async {
            ::reqwest::Client::new()
                .delete(url)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        })
    }
}
