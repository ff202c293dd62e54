//! `--fixtures FILE` replaces the default data; a bad file stops the start with the file, the entry
//! and the problem named.

use std::process::Command;

use serde_json::json;
use understudy::Fixtures;
use understudy::Options;

use understudy::vendors::{moonkey, nango};

use crate::default_data;
use crate::harness::{Call, Mock};

const FIXTURES: &str = r#"
moonkey:
  sessions:
    - session_id: sess_FixtureOne
      session_token: FixtureTokenOne
nango:
  sessions:
    - token: nango_connect_session_1111111111111111111111111111111111111111111111111111111111111111
"#;

#[tokio::test]
async fn a_fixtures_file_replaces_the_default_data() {
    let fixtures = Fixtures::parse("test.yaml", FIXTURES).unwrap();
    let mock = Mock::start_with(Options {
        fixtures,
        ..Options::ephemeral()
    })
    .await;
    let delete = Call::to(&moonkey::DELETE_SESSION).bearer(moonkey::EXAMPLE_SECRET_KEY);
    assert_eq!(
        mock.send(delete.clone().json(json!({"session_token": "FixtureTokenOne"})))
            .await
            .status,
        200
    );
    let default = json!({"session_token": default_data::moonkey_session_token()});
    assert_eq!(
        mock.send(delete.json(default)).await.status,
        404,
        "the default data is replaced"
    );
    let token = "nango_connect_session_1111111111111111111111111111111111111111111111111111111111111111";
    assert_eq!(
        mock.send(Call::to(&nango::DELETE_CONNECT_SESSION).bearer(token))
            .await
            .status,
        204
    );
    assert_eq!(
        mock.control().get("/dynamic/sessions").await,
        json!([]),
        "a vendor the file leaves out has no data"
    );
}

#[tokio::test]
async fn a_bad_fixture_names_the_file_the_entry_and_the_problem() {
    for (text, expected) in [
        (
            "dynamic:\n  sessions:\n    - id: 95b11417-f18f-457f-8804-68e361f9164f\n    - id: NOPE\n",
            "bad.yaml: dynamic.sessions[1]: id must be a lowercase UUID",
        ),
        (
            "nango:\n  sessions:\n    - tokn: x\n",
            "bad.yaml: nango.sessions[0].tokn: unknown field `tokn`",
        ),
        ("acme:\n  sessions: []\n", "bad.yaml: unknown vendor `acme`"),
        ("- a list\n", "bad.yaml: a fixtures file is a mapping"),
    ] {
        let fixtures = Fixtures::parse("bad.yaml", text);
        let error = match fixtures {
            Err(error) => error,
            Ok(fixtures) => understudy::start(Options {
                fixtures,
                ..Options::ephemeral()
            })
            .await
            .err()
            .expect("refused"),
        };
        assert!(error.contains(expected), "expected {expected:?} in {error:?}");
    }
}

#[test]
fn the_binary_refuses_a_bad_fixtures_file_with_its_path() {
    let temporary = tempfile::Builder::new()
        .prefix("understudy-bad-fixtures-")
        .tempdir()
        .unwrap();
    let path = temporary.path().join("fixtures.json");
    std::fs::write(&path, r#"{"paragraph": {"sessions": [{"status": "approved"}]}}"#).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_understudy"))
        .args(["--ephemeral-ports", "--fixtures"])
        .arg(&path)
        .output()
        .expect("understudy runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(&path.display().to_string()) && stderr.contains("paragraph.sessions[0].status"),
        "{stderr}"
    );
}

#[tokio::test]
async fn the_embedded_default_data_holds_the_documented_identifiers() {
    let mock = Mock::start().await;
    let control = mock.control();
    let moonkey = control.get("/moonkey/sessions").await;
    assert_eq!(moonkey[0]["session_id"], default_data::moonkey_session_id());
    assert_eq!(moonkey[0]["session_token"], default_data::moonkey_session_token());
    assert_eq!(moonkey[0]["user_id"], default_data::moonkey_user_id());
    let paragraph = control.get("/paragraph/sessions").await;
    let statuses: Vec<(&str, &str)> = paragraph
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["session_id"].as_str().unwrap(), s["status"].as_str().unwrap()))
        .collect();
    for expected in [
        (default_data::paragraph_session_id("pending"), "pending"),
        (default_data::paragraph_session_id("completed"), "completed"),
        (default_data::paragraph_session_id("expired"), "expired"),
    ] {
        assert!(statuses.contains(&expected), "{expected:?} in {statuses:?}");
    }
    assert_eq!(
        control.get("/nango/sessions").await[0]["token"],
        default_data::nango_token()
    );
}
