//! `understudy check` over HTTP: against Understudy itself every probe passes (live mode, and spec
//! mode with `--expect spec`); against deliberately drifted servers the probe that should catch each
//! drift fails and says why; with no control API, as against a real service, the session the user
//! gives reaches the happy path and the probes chained after it; the binary writes JUnit, keeps
//! credentials out of its output, says what it skipped, and exits 0, 1, 2 or 3 as documented.

use std::process::Command;

use understudy::check::{check, CheckOptions};
use understudy::report::{Outcome, VendorReport};
use understudy::vendors::{dynamic, moonkey, nango};
use understudy::Fidelity;

use crate::default_data;
use crate::drift_proxy::{self, rename, unchanged_answer, unchanged_request, Answer, Drift, Exchange};
use crate::harness::Mock;

fn options(mock: &Mock, expect: Fidelity) -> CheckOptions {
    CheckOptions {
        targets: understudy::vendors::NAMES
            .iter()
            .map(|vendor| (vendor.to_string(), mock.url(vendor)))
            .collect(),
        expect,
        control: Some(mock.url("control")),
        ..CheckOptions::default()
    }
}

fn failures(report: &VendorReport) -> Vec<String> {
    report
        .probes
        .iter()
        .filter(|p| p.outcome != Outcome::Pass)
        .map(|p| format!("{} {:?}: {}", p.name, p.outcome, p.reason))
        .collect()
}

#[tokio::test]
async fn every_probe_passes_against_understudy_in_live_mode() {
    let mock = Mock::start().await;
    let reports = check(&options(&mock, Fidelity::Live)).await.expect("the check runs");
    assert_eq!(reports.len(), understudy::vendors::NAMES.len());
    for report in &reports {
        assert!(
            report.probes.len() >= 5,
            "{}: {} probes",
            report.vendor,
            report.probes.len()
        );
        assert_eq!(failures(report), Vec::<String>::new(), "{}", report.vendor);
    }
    let moonkey = &reports[0];
    let departures = moonkey
        .probes
        .iter()
        .filter(|p| p.reason.starts_with("leaves the spec as registered"));
    assert!(
        departures.count() >= 5,
        "MoonKey's errors leave its spec, each as registered"
    );
}

#[tokio::test]
async fn every_probe_passes_with_expect_spec_against_spec_mode() {
    let mock = Mock::start_in(Fidelity::Spec).await;
    let reports = check(&options(&mock, Fidelity::Spec)).await.expect("the check runs");
    for report in &reports {
        assert_eq!(failures(report), Vec::<String>::new(), "{}", report.vendor);
    }
}

#[tokio::test]
async fn expect_spec_against_the_live_model_names_what_leaves_the_spec() {
    let mock = Mock::start().await;
    let mut options = options(&mock, Fidelity::Spec);
    options.targets.retain(|(vendor, _)| vendor == "nango");
    let reports = check(&options).await.expect("the check runs");
    let failed: Vec<&str> = reports[0]
        .probes
        .iter()
        .filter(|p| p.outcome == Outcome::Fail)
        .map(|p| p.name)
        .collect();
    assert!(
        failed.contains(&"unknown_token") && failed.contains(&"missing_authorization"),
        "{failed:?}"
    );
    assert!(reports[0]
        .probes
        .iter()
        .all(|p| p.outcome != Outcome::Fail || p.reason.contains("payload")));
}

/// (vendor, the drift, the probe that must catch it, what its reason must say)
fn drifts() -> Vec<(&'static str, &'static Drift, &'static str, &'static str)> {
    fn not_found_is_400(_: &Exchange, a: &mut Answer) {
        if a.status == 404 {
            a.status = 400;
        }
    }
    fn not_found_is_500(_: &Exchange, a: &mut Answer) {
        if a.status == 404 {
            a.status = 500;
        }
    }
    fn not_found_is_410(_: &Exchange, a: &mut Answer) {
        if a.status == 404 {
            a.status = 410;
        }
    }
    fn moonkey_key_unchecked(e: &mut Exchange) {
        e.set_header("authorization", &format!("Bearer {}", moonkey::EXAMPLE_SECRET_KEY));
    }
    fn dynamic_token_unchecked(e: &mut Exchange) {
        e.set_header("authorization", &format!("Bearer {}", dynamic::EXAMPLE_TOKEN));
    }
    fn moonkey_forgets(_: &Exchange, a: &mut Answer) {
        if a.status == 404 {
            a.status = 200;
            a.body = br#"{"message":"Successfully deleted session"}"#.to_vec();
        }
    }
    fn paragraph_forgets(_: &Exchange, a: &mut Answer) {
        if a.status == 404 {
            a.status = 200;
            a.body = br#"{"success":true}"#.to_vec();
        }
    }
    fn nango_answers_200(_: &Exchange, a: &mut Answer) {
        if a.status == 204 {
            a.status = 200;
            a.body = b"{}".to_vec();
            a.content_type = Some("application/json".into());
        }
    }
    fn nango_token_unchecked(e: &Exchange, a: &mut Answer) {
        if e.header("authorization").is_none() {
            a.status = 204;
            a.body.clear();
            a.content_type = None;
        }
    }
    fn nango_drops_payload(_: &Exchange, a: &mut Answer) {
        rename(a, r#","payload":{}"#, "");
    }
    // Each of these leaves the spec where no registered departure of the probe says the service does.
    fn dynamic_created_at_null(_: &Exchange, a: &mut Answer) {
        if a.status == 200 {
            set_field(a, "/createdAt", serde_json::Value::Null);
        }
    }
    fn paragraph_success_as_text(_: &Exchange, a: &mut Answer) {
        if a.status == 200 {
            a.body = br#"{"success":"true"}"#.to_vec();
        }
    }
    // `nango-401-payload` covers the `payload` it describes, not another field beside it.
    fn nango_401_gains_a_field(_: &Exchange, a: &mut Answer) {
        rename(a, r#""payload":{}"#, r#""payload":{},"retryable":true"#);
    }
    macro_rules! drift {
        ($name:expr, $request:expr, $answer:expr) => {{
            static DRIFT: Drift = Drift {
                name: $name,
                request: $request,
                answer: $answer,
            };
            &DRIFT
        }};
    }
    vec![
        (
            "moonkey",
            drift!("an unknown session is a 400", unchanged_request, not_found_is_400),
            "unknown_session",
            "status 400, expected 404",
        ),
        (
            "moonkey",
            drift!("error_type renamed", unchanged_request, |_, a| rename(
                a,
                "session_not_found",
                "not_found"
            )),
            "unknown_session",
            "/error_type is \"not_found\"",
        ),
        (
            "moonkey",
            drift!(
                "the secret key is no longer checked",
                moonkey_key_unchecked,
                unchanged_answer
            ),
            "no_authorization",
            "expected 401",
        ),
        (
            "moonkey",
            drift!("a deleted session is forgotten", unchanged_request, moonkey_forgets),
            "delete_again",
            "status 200, expected 404",
        ),
        (
            "dynamic",
            drift!("an unknown session is a 500", unchanged_request, not_found_is_500),
            "unknown_session",
            "status 500, expected 404",
        ),
        (
            "dynamic",
            drift!("401 message renamed", unchanged_request, |_, a| rename(
                a,
                "No jwt provided!",
                "Missing token"
            )),
            "no_authorization",
            "/error is \"Missing token\"",
        ),
        (
            "dynamic",
            drift!(
                "the token is no longer checked",
                dynamic_token_unchecked,
                unchanged_answer
            ),
            "no_authorization",
            "status 404, expected 401",
        ),
        (
            "paragraph",
            drift!("a session not pending is a 410", unchanged_request, not_found_is_410),
            "unknown_session",
            "status 410, expected 404",
        ),
        (
            "paragraph",
            drift!("msg renamed", unchanged_request, |_, a| rename(
                a,
                "Session not found",
                "Not found"
            )),
            "unknown_session",
            "/msg is \"Not found\"",
        ),
        (
            "paragraph",
            drift!("a denied session is forgotten", unchanged_request, paragraph_forgets),
            "deny_again",
            "status 200, expected 404",
        ),
        (
            "nango",
            drift!(
                "the delete answers 200 with a body",
                unchanged_request,
                nango_answers_200
            ),
            "delete",
            "status 200, expected 204",
        ),
        (
            "nango",
            drift!("error code renamed", unchanged_request, |_, a| rename(
                a,
                "unknown_connect_session_token",
                "invalid_token"
            )),
            "unknown_token",
            "/error/code is \"invalid_token\"",
        ),
        (
            "nango",
            drift!(
                "the token is no longer checked",
                unchanged_request,
                nango_token_unchecked
            ),
            "missing_authorization",
            "status 204, expected 401",
        ),
        (
            "nango",
            drift!("auth errors lose their payload", unchanged_request, nango_drops_payload),
            "unknown_token",
            "/error/payload is missing",
        ),
        (
            "dynamic",
            drift!(
                "a revoked session's createdAt is null",
                unchanged_request,
                dynamic_created_at_null
            ),
            "revoke",
            "createdAt",
        ),
        (
            "paragraph",
            drift!(
                "the deny answers success as a string",
                unchanged_request,
                paragraph_success_as_text
            ),
            "deny_pending",
            "\"true\" is not of type \"boolean\"",
        ),
        (
            "nango",
            drift!(
                "auth errors carry a field beside payload",
                unchanged_request,
                nango_401_gains_a_field
            ),
            "unknown_token",
            "retryable",
        ),
    ]
}

/// Sets one field of a JSON answer.
fn set_field(answer: &mut Answer, pointer: &str, value: serde_json::Value) {
    let mut body: serde_json::Value = serde_json::from_slice(&answer.body).expect("a JSON answer");
    *body.pointer_mut(pointer).expect("the field is there") = value;
    answer.body = body.to_string().into_bytes();
}

#[tokio::test]
async fn each_drift_fails_the_probe_that_should_catch_it() {
    let mock = Mock::start().await;
    for (vendor, drift, probe, says) in drifts() {
        let url = mock.url(vendor);
        let host = url.split('/').take(3).collect::<Vec<_>>().join("/");
        let base_path = &url[host.len()..];
        let proxy = drift_proxy::start(host.clone(), drift).await;
        let options = CheckOptions {
            targets: vec![(vendor.to_string(), format!("{proxy}{base_path}"))],
            control: Some(mock.url("control")),
            ..CheckOptions::default()
        };
        let report = check(&options).await.expect("the check runs").remove(0);
        let caught = report.probes.iter().find(|p| p.name == probe).expect("the probe ran");
        assert_eq!(
            caught.outcome,
            Outcome::Fail,
            "{vendor}: {:?} went unseen by {probe}",
            drift.name
        );
        assert!(
            caught.reason.contains(says),
            "{vendor}: {:?}: {probe} says {:?}",
            drift.name,
            caught.reason
        );
    }
}

// The servers must keep serving while this thread waits for the binary: two worker threads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_writes_junit_keeps_credentials_out_and_exits_as_documented() {
    let mock = Mock::start().await;
    // Removed when the test ends, whatever it leaves in it.
    let temporary = tempfile::Builder::new().prefix("understudy-check-").tempdir().unwrap();
    let dir = temporary.path().to_path_buf();
    std::fs::create_dir_all(&dir).unwrap();
    let junit = dir.join("check.xml");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_understudy"))
            .arg("check")
            .args(args)
            .output()
            .expect("understudy runs")
    };
    let passed = run(&[
        "--vendor",
        "dynamic",
        "--target",
        &mock.url("dynamic"),
        "--control",
        &mock.url("control"),
        "--format",
        "junit",
        "--output",
        junit.to_str().unwrap(),
    ]);
    assert_eq!(
        passed.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&passed.stderr)
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        xml.contains("<testsuite name=\"dynamic ") && xml.contains("failures=\"0\""),
        "{xml}"
    );
    // quick-junit writes `name` before `classname`.
    assert!(
        xml.contains("<testcase name=\"revoke\" classname=\"understudy.dynamic\""),
        "{xml}"
    );

    // Every vendor at once, from a startup line; its `control` entry provisions the sessions.
    let all = run(&[
        "--vendor",
        "all",
        "--targets",
        &mock.running.startup_line(),
        "--format",
        "json",
    ]);
    assert_eq!(all.status.code(), Some(0), "{}", String::from_utf8_lossy(&all.stdout));
    let reports: serde_json::Value = serde_json::from_slice(&all.stdout).expect("JSON on stdout");
    let vendors: Vec<&str> = reports
        .as_array()
        .expect("one report per vendor")
        .iter()
        .filter_map(|r| r["vendor"].as_str())
        .collect();
    assert_eq!(vendors, understudy::vendors::NAMES);
    for report in reports.as_array().unwrap() {
        assert_eq!(report["summary"]["failed"], 0, "{report}");
        assert_eq!(report["summary"]["skipped"], 0, "{report}");
    }

    let secret = "dyn_SecretTokenThatMustNotAppearAnywhere000000";
    let dry = run(&[
        "--vendor",
        "dynamic",
        "--target",
        &mock.url("dynamic"),
        "--credential",
        secret,
        "--dry-run",
        "--format",
        "json",
    ]);
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&dry.stdout),
        String::from_utf8_lossy(&dry.stderr)
    );
    assert!(!printed.contains(secret), "the credential was printed: {printed}");
    assert!(printed.contains("Bearer <redacted>"), "{printed}");

    let failed = run(&[
        "--vendor",
        "nango",
        "--target",
        &mock.url("nango"),
        "--control",
        &mock.url("control"),
        "--expect",
        "spec",
    ]);
    assert_eq!(
        failed.status.code(),
        Some(1),
        "live Nango leaves its spec: {}",
        String::from_utf8_lossy(&failed.stdout)
    );
    assert_eq!(
        run(&["--vendor", "nango", "--target", "http://127.0.0.1:9"])
            .status
            .code(),
        Some(3),
        "unreachable"
    );
    assert_eq!(
        run(&["--vendor", "acme", "--target", "http://127.0.0.1:9"])
            .status
            .code(),
        Some(2),
        "unknown vendor"
    );
    assert_eq!(
        run(&["--vendor", "nango", "--target", "http://127.0.0.1:9", "--only", "nope"])
            .status
            .code(),
        Some(2),
        "unknown probe"
    );
}

#[tokio::test]
async fn a_probe_that_cannot_be_provisioned_is_skipped_with_the_reason() {
    let mock = Mock::start().await;
    let options = CheckOptions {
        targets: vec![("moonkey".into(), mock.url("moonkey"))],
        ..CheckOptions::default()
    };
    let report = check(&options).await.expect("the check runs").remove(0);
    let skipped: Vec<&str> = report
        .probes
        .iter()
        .filter(|p| p.outcome == Outcome::Skip)
        .map(|p| p.name)
        .collect();
    assert!(
        skipped.contains(&"delete_by_id") && skipped.contains(&"no_identifier"),
        "{skipped:?}"
    );
    assert!(report
        .probes
        .iter()
        .filter(|p| p.outcome == Outcome::Skip)
        .all(|p| p.reason.contains("--credential") || p.reason.contains("--control")));
    let ran = report.probes.iter().find(|p| p.name == "no_authorization").unwrap();
    assert_eq!(ran.outcome, Outcome::Pass, "probes that need nothing still run");
}

/// What a user gives `check` against a real service, which has no control API: a session of the
/// default data (Nango's connect session token, Paragraph's pending session) and the credential.
fn given_by_hand(vendor: &str) -> (String, Option<&'static str>) {
    match vendor {
        "moonkey" => (
            default_data::moonkey_session_id().into(),
            Some(moonkey::EXAMPLE_SECRET_KEY),
        ),
        "dynamic" => (default_data::dynamic_session_id().into(), Some(dynamic::EXAMPLE_TOKEN)),
        "paragraph" => (default_data::paragraph_session_id("pending").into(), None),
        "nango" => (default_data::nango_token().into(), Some(nango::EXAMPLE_SECRET_KEY)),
        other => panic!("no session by hand for {other}"),
    }
}

/// `check` of one vendor at `target` with only `--session` and `--credential`.
async fn check_by_hand(vendor: &str, target: String) -> VendorReport {
    let (session, credential) = given_by_hand(vendor);
    let options = CheckOptions {
        targets: vec![(vendor.to_string(), target)],
        sessions: vec![(vendor.to_string(), session)],
        credentials: credential
            .map(|c| vec![(vendor.to_string(), c.to_string())])
            .unwrap_or_default(),
        ..CheckOptions::default()
    };
    check(&options).await.expect("the check runs").remove(0)
}

fn outcome_of(report: &VendorReport, probe: &str) -> (Outcome, String) {
    let found = report
        .probes
        .iter()
        .find(|p| p.name == probe)
        .unwrap_or_else(|| panic!("{}: no probe {probe}", report.vendor));
    (found.outcome, found.reason.clone())
}

#[tokio::test]
async fn without_a_control_api_the_given_session_reaches_the_happy_path_and_the_chained_probes() {
    let mock = Mock::start().await;
    // (vendor, its happy path, the probes that need the session it used up or borrow it first)
    let chains = [
        ("moonkey", "delete_by_id", &["delete_again"][..]),
        ("dynamic", "revoke", &["revoke_again"][..]),
        ("paragraph", "deny_pending", &["deny_again"][..]),
        (
            "nango",
            "delete",
            &["delete_again", "query_parameter", "non_empty_body"][..],
        ),
    ];
    assert_eq!(chains.len(), understudy::vendors::NAMES.len(), "every vendor");
    for (vendor, happy, chained) in chains {
        let report = check_by_hand(vendor, mock.url(vendor)).await;
        for probe in std::iter::once(&happy).chain(chained) {
            let (outcome, reason) = outcome_of(&report, probe);
            assert_eq!(outcome, Outcome::Pass, "{vendor}: {probe}: {reason}");
        }
        assert!(
            report.probes.iter().all(|p| p.outcome != Outcome::Fail),
            "{vendor}: {:?}",
            failures(&report)
        );
        // What still cannot run says why, and what would make it run.
        for skipped in report.probes.iter().filter(|p| p.outcome == Outcome::Skip) {
            assert!(
                skipped.reason.contains("--control"),
                "{vendor}: {} skipped: {}",
                skipped.name,
                skipped.reason
            );
        }
    }
}

fn never_deletes(_: &Exchange, a: &mut Answer) {
    if a.status == 404 {
        a.status = 200;
        a.body = br#"{"message":"Successfully deleted session"}"#.to_vec();
    }
}

/// A repeat revoke answers 409 instead of the session, unchanged.
fn revoke_again_is_409(e: &Exchange, a: &mut Answer) {
    // The paths this server has revoked: a std Mutex, held for no await.
    static REVOKED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    if e.method == "PUT" && a.status == 200 {
        let mut revoked = REVOKED.lock().expect("no test panics holding it");
        if revoked.contains(&e.path) {
            a.status = 409;
            a.body = br#"{"error":"Session already revoked"}"#.to_vec();
        } else {
            revoked.push(e.path.clone());
        }
    }
}

#[tokio::test]
async fn without_a_control_api_a_server_that_never_deletes_or_refuses_a_repeat_is_caught() {
    static NEVER_DELETES: Drift = Drift {
        name: "a deleted session is deleted again",
        request: unchanged_request,
        answer: never_deletes,
    };
    static REPEAT_IS_409: Drift = Drift {
        name: "a repeat revoke answers 409",
        request: unchanged_request,
        answer: revoke_again_is_409,
    };
    let mock = Mock::start().await;
    for (vendor, drift, probe, says) in [
        ("moonkey", &NEVER_DELETES, "delete_again", "status 200, expected 404"),
        ("dynamic", &REPEAT_IS_409, "revoke_again", "status 409, expected 200"),
    ] {
        let url = mock.url(vendor);
        let host = url.split('/').take(3).collect::<Vec<_>>().join("/");
        let proxy = drift_proxy::start(host.clone(), drift).await;
        let report = check_by_hand(vendor, format!("{proxy}{}", &url[host.len()..])).await;
        let (outcome, reason) = outcome_of(&report, probe);
        assert_eq!(
            outcome,
            Outcome::Fail,
            "{vendor}: {:?} went unseen: {reason}",
            drift.name
        );
        assert!(reason.contains(says), "{vendor}: {probe} says {reason:?}");
    }
}

// The servers must keep serving while this thread waits for the binary: two worker threads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_skip_is_said_on_the_last_line_and_fails_the_run_with_fail_on_skip() {
    let mock = Mock::start().await;
    let run = |format: &str, extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_understudy"))
            .args(["check", "--vendor", "moonkey", "--target", &mock.url("moonkey")])
            .args(["--session", default_data::moonkey_session_id()])
            .args(["--credential", moonkey::EXAMPLE_SECRET_KEY, "--format", format])
            .args(extra)
            .output()
            .expect("understudy runs")
    };
    let text = run("text", &[]);
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert_eq!(text.status.code(), Some(0), "a skip alone passes: {stdout}");
    let last = stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("skipped: ") && last.contains("not checked") && last.contains("--fail-on-skip"),
        "the last line: {last:?}"
    );

    let json = run("json", &[]);
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON on stdout");
    assert!(report["summary"]["skipped"].as_u64() > Some(0), "{report}");
    let stdout = String::from_utf8_lossy(&json.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(
        lines[lines.len() - 2].trim_start().starts_with("\"warning\": ") && lines[lines.len() - 1] == "}",
        "the warning ends the JSON report: {stdout}"
    );

    let failed = run("text", &["--fail-on-skip"]);
    assert_eq!(
        failed.status.code(),
        Some(1),
        "--fail-on-skip: {}",
        String::from_utf8_lossy(&failed.stdout)
    );
    let nothing_skipped = Command::new(env!("CARGO_BIN_EXE_understudy"))
        .args(["check", "--vendor", "moonkey", "--target", &mock.url("moonkey")])
        .args(["--control", &mock.url("control"), "--fail-on-skip"])
        .output()
        .expect("understudy runs");
    assert_eq!(
        nothing_skipped.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&nothing_skipped.stdout)
    );
    assert!(!String::from_utf8_lossy(&nothing_skipped.stdout).contains("skipped: "));
}

// The drifted server must keep serving while this thread waits for the binary.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_leaving_the_spec_unregistered_fails_the_run_and_junit_shows_it_redacted() {
    fn created_at_null(_: &Exchange, a: &mut Answer) {
        if a.status == 200 {
            set_field(a, "/createdAt", serde_json::Value::Null);
        }
    }
    static CREATED_AT_NULL: Drift = Drift {
        name: "a revoked session's createdAt is null",
        request: unchanged_request,
        answer: created_at_null,
    };
    let mock = Mock::start().await;
    let url = mock.url("dynamic");
    let host = url.split('/').take(3).collect::<Vec<_>>().join("/");
    let proxy = drift_proxy::start(host.clone(), &CREATED_AT_NULL).await;
    let target = format!("{proxy}{}", &url[host.len()..]);
    let run = |format: &str| {
        Command::new(env!("CARGO_BIN_EXE_understudy"))
            .args(["check", "--vendor", "dynamic", "--target", &target])
            .args([
                "--control",
                &mock.url("control"),
                "--only",
                "revoke",
                "--format",
                format,
            ])
            .output()
            .expect("understudy runs")
    };
    let text = run("text");
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert_eq!(text.status.code(), Some(1), "{stdout}");
    let row = stdout
        .lines()
        .find(|l| l.contains(" revoke "))
        .expect("a row for revoke");
    assert!(
        row.trim_start().starts_with("FAIL") && row.contains("createdAt") && row.contains("no departure of revoke"),
        "{row}"
    );

    let junit = run("junit");
    let xml = String::from_utf8_lossy(&junit.stdout);
    assert_eq!(junit.status.code(), Some(1), "{xml}");
    let read = quick_junit::Report::deserialize_from_str(&xml).expect("JUnit that reads back");
    let case = &read.test_suites[0].test_cases[0];
    assert_eq!(case.name.as_str(), "revoke");
    let out = case.system_out.as_deref().expect("the failed case carries its answer");
    assert!(
        out.starts_with("HTTP 200\n")
            && out.contains("content-type: application/json")
            && out.contains("\"createdAt\":null"),
        "{out}"
    );
}
