//! The vendors' own SDKs against Understudy: the programs in `examples/` run the happy path and one
//! error through MoonKey's `streambird` (Python), Dynamic's `@dynamic-labs/sdk-api` and Paragraph's
//! `@paragraph-com/sdk` (Node), with the base URLs the startup output tells each SDK. Without the
//! pinned packages the test says it was skipped; under CI (`CI=true`, where `.ci/run` installs them)
//! a missing package fails it.

use std::path::Path;
use std::process::Command;

use crate::harness::Mock;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Why the SDK cannot run here, if it cannot.
fn missing(program: &str, probe: &[&str]) -> Option<String> {
    let ran = Command::new(program)
        .args(probe)
        .current_dir(Path::new(ROOT).join("examples"))
        .output();
    match ran {
        Ok(output) if output.status.success() => None,
        Ok(output) => Some(
            String::from_utf8_lossy(&output.stderr)
                .lines()
                .last()
                .unwrap_or("")
                .to_string(),
        ),
        Err(e) => Some(format!("{program}: {e}")),
    }
}

async fn run_example(program: &str, example: &str, url: String) -> String {
    let output = tokio::process::Command::new(program)
        .arg(Path::new(ROOT).join("examples").join(example))
        .arg(&url)
        .current_dir(Path::new(ROOT).join("examples"))
        .output()
        .await
        .expect("the example runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{example} against {url}: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_vendors_own_sdks_work_against_understudy() {
    let checks = [
        (
            "python3",
            vec!["-c", "import streambird"],
            "pip install -r examples/requirements.txt",
        ),
        (
            "node",
            vec!["-e", "require('@dynamic-labs/sdk-api'); require('@paragraph-com/sdk')"],
            "npm ci --prefix examples",
        ),
    ];
    for (program, probe, install) in &checks {
        if let Some(why) = missing(program, probe) {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true and the SDKs are missing ({why}): .ci/run installs them"
            );
            eprintln!("SKIPPED the_vendors_own_sdks_work_against_understudy: {why} ({install})");
            return;
        }
    }
    let mock = Mock::start().await;
    let moonkey = run_example("python3", "moonkey_streambird.py", mock.url("moonkey")).await;
    assert!(
        moonkey.contains("happy path: {'message': 'Successfully deleted session'}"),
        "{moonkey}"
    );
    assert!(moonkey.contains("error path: StreambirdResourceNotFound"), "{moonkey}");
    let dynamic = run_example("node", "dynamic_sdk.cjs", mock.url("dynamic")).await;
    assert!(
        dynamic.contains("\"revokedAt\":\"") && dynamic.contains("error path: 404"),
        "{dynamic}"
    );
    let paragraph = run_example("node", "paragraph_sdk.cjs", mock.url("paragraph")).await;
    assert!(paragraph.contains("happy path: {\"success\":true}"), "{paragraph}");
    assert!(
        paragraph.contains("error path: 404 {\"msg\":\"Session not found\",\"success\":false}"),
        "{paragraph}"
    );
}
