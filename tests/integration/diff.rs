//! `understudy diff` against a corpus of spec mutations: each one change to a vendored spec, with the
//! level the rules give it and why, written from the rules (direction decides: narrowing a request or
//! widening a response breaks clients), not from the tool's output. Equivalent spellings must come
//! out unchanged; a broken file must not load.

use std::process::Command;

use serde_json::{json, Value};
use understudy::diff;

/// A vendored spec as JSON, to mutate.
fn vendored(vendor: &str) -> Value {
    let text = std::fs::read_to_string(format!("{}/specs/{vendor}.yaml", env!("CARGO_MANIFEST_DIR"))).unwrap();
    serde_yaml::from_str(&text).unwrap()
}

/// (vendor, case, mutation, expected verdict, a rule id that must be among the findings, why)
type Case = (
    &'static str,
    &'static str,
    fn(&mut Value),
    &'static str,
    &'static str,
    &'static str,
);

const MOONKEY_OP: &str = "/paths/~1v1~1auth~1sessions~1delete/delete";
const DYNAMIC_OP: &str = "/paths/~1sessions~1{sessionId}~1revoke/put";
const PARAGRAPH_OP: &str = "/paths/~1v1~1api~1auth~1sessions~1{sessionId}/delete";
const NANGO_OP: &str = "/paths/~1connect~1session/delete";

fn at<'a>(spec: &'a mut Value, pointer: &str) -> &'a mut Value {
    spec.pointer_mut(pointer).unwrap_or_else(|| panic!("no {pointer}"))
}

fn corpus() -> Vec<Case> {
    vec![
        // MoonKey
        (
            "moonkey",
            "a 404 is documented",
            |s| {
                at(s, &format!("{MOONKEY_OP}/responses"))["404"] = json!({"description": "Not found"});
            },
            "unknown",
            "response-status-added",
            "a response may carry a new status: clients may not handle it",
        ),
        (
            "moonkey",
            "the body becomes required",
            |s| {
                at(s, &format!("{MOONKEY_OP}/requestBody"))["required"] = json!(true);
            },
            "breaking",
            "request-body-became-required",
            "narrows what a request may carry",
        ),
        (
            "moonkey",
            "session_token becomes required",
            |s| {
                at(s, "/components/schemas/DeleteSessionRequest")["required"] = json!(["session_token"]);
            },
            "breaking",
            "request-property-became-required",
            "a request without it is now refused",
        ),
        (
            "moonkey",
            "session_token loses its minLength",
            |s| {
                at(s, "/components/schemas/DeleteSessionRequest/properties/session_token")
                    .as_object_mut()
                    .unwrap()
                    .remove("minLength");
            },
            "non-breaking",
            "request-limit-loosened",
            "widens what a request may carry",
        ),
        (
            "moonkey",
            "session_id gains a maxLength",
            |s| {
                at(s, "/components/schemas/DeleteSessionRequest/properties/session_id")["maxLength"] = json!(10);
            },
            "breaking",
            "request-limit-tightened",
            "narrows what a request may carry",
        ),
        (
            "moonkey",
            "the base path moves",
            |s| {
                at(s, "/servers/0")["url"] = json!("https://api.moonkey.fun/v2");
            },
            "breaking",
            "base-path-changed",
            "every client's URLs change",
        ),
        (
            "moonkey",
            "a description changes",
            |s| {
                at(s, "/components/schemas/DeleteSessionRequest/properties/session_id")["description"] =
                    json!("Another text.");
            },
            "non-breaking",
            "request-description-changed",
            "documentation only",
        ),
        (
            "moonkey",
            "the secret key is no longer required",
            |s| {
                s["security"] = json!([{}]);
            },
            "non-breaking",
            "security-removed",
            "anonymous callers are let in; nobody is refused",
        ),
        // Dynamic
        (
            "dynamic",
            "the path parameter is renamed",
            |s| {
                let paths = s["paths"].as_object_mut().unwrap();
                let item = paths.remove("/sessions/{sessionId}/revoke").unwrap();
                paths.insert("/sessions/{id}/revoke".into(), item);
                s["components"]["parameters"]["sessionId"]["name"] = json!("id");
            },
            "unchanged",
            "",
            "the same operation under another parameter name",
        ),
        (
            "dynamic",
            "nullable is spelled as in 3.1",
            |s| {
                at(s, "/components/schemas/Session/properties/ipAddress")
                    .as_object_mut()
                    .unwrap()
                    .remove("nullable");
                at(s, "/components/schemas/Session/properties/ipAddress")["type"] = json!(["string", "null"]);
            },
            "unchanged",
            "",
            "`nullable: true` and a type list with null mean the same",
        ),
        (
            "dynamic",
            "the Session schema is inlined",
            |s| {
                let session = s["components"]["schemas"]["Session"].clone();
                at(s, &format!("{DYNAMIC_OP}/responses/200/content/application~1json"))["schema"] = session;
            },
            "unchanged",
            "",
            "a `$ref` and the schema it names are the same",
        ),
        (
            "dynamic",
            "revokedAt may no longer be null",
            |s| {
                at(s, "/components/schemas/Session/properties/revokedAt")
                    .as_object_mut()
                    .unwrap()
                    .remove("nullable");
            },
            "non-breaking",
            "response-became-not-nullable",
            "narrows what a response may carry",
        ),
        (
            "dynamic",
            "createdAt becomes nullable",
            |s| {
                at(s, "/components/schemas/Session/properties/createdAt")["nullable"] = json!(true);
            },
            "breaking",
            "response-became-nullable",
            "a response may now carry null where clients expect a time",
        ),
        (
            "dynamic",
            "userAgent is removed from the Session",
            |s| {
                at(s, "/components/schemas/Session/properties")
                    .as_object_mut()
                    .unwrap()
                    .remove("userAgent");
            },
            "unknown",
            "response-property-removed",
            "an optional property gone: clients that read it may break",
        ),
        (
            "dynamic",
            "a 404 is documented",
            |s| {
                at(s, &format!("{DYNAMIC_OP}/responses"))["404"] = json!({"description": "Not found"});
            },
            "unknown",
            "response-status-added",
            "a new status in a response",
        ),
        (
            "dynamic",
            "the bearer becomes an API key header",
            |s| {
                s["components"]["securitySchemes"]["bearerAuth"] =
                    json!({"type": "apiKey", "in": "header", "name": "x-api-key"});
            },
            "breaking",
            "security-changed",
            "clients send the old credential",
        ),
        (
            "dynamic",
            "the uuid pattern is dropped",
            |s| {
                at(s, "/components/schemas/uuid")
                    .as_object_mut()
                    .unwrap()
                    .remove("pattern");
            },
            "unknown",
            "response-pattern-removed",
            "the request accepts more (harmless), a response id may be any string (unknown)",
        ),
        (
            "dynamic",
            "createdAt becomes a date",
            |s| {
                at(s, "/components/schemas/Session/properties/createdAt")["format"] = json!("date");
            },
            "breaking",
            "response-format-changed",
            "clients that parse a date-time get a date",
        ),
        (
            "dynamic",
            "the uuid pattern allows only lower-case v4 ids",
            |s| {
                at(s, "/components/schemas/uuid")["pattern"] =
                    json!("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
            },
            "breaking",
            "request-pattern-changed",
            "a session id that was valid may be refused",
        ),
        (
            "dynamic",
            "the 403 is no longer documented",
            |s| {
                at(s, &format!("{DYNAMIC_OP}/responses"))
                    .as_object_mut()
                    .unwrap()
                    .remove("403");
            },
            "non-breaking",
            "response-non-success-status-removed",
            "an error clients no longer need to handle",
        ),
        // Paragraph
        (
            "paragraph",
            "anonymous callers now need an API key",
            |s| {
                s["security"] = json!([{"apiKey": []}]);
                s["components"] =
                    json!({"securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "x-api-key"}}});
            },
            "breaking",
            "security-added",
            "every anonymous caller is refused (oasdiff rates security changes harmless)",
        ),
        (
            "paragraph",
            "a 404 is documented",
            |s| {
                at(s, &format!("{PARAGRAPH_OP}/responses"))["404"] = json!({"description": "Session not found"});
            },
            "unknown",
            "response-status-added",
            "a new status; it resolves the registered 404",
        ),
        (
            "paragraph",
            "the 200 is no longer documented",
            |s| {
                at(s, &format!("{PARAGRAPH_OP}/responses"))
                    .as_object_mut()
                    .unwrap()
                    .remove("200");
            },
            "breaking",
            "response-success-status-removed",
            "the success clients wait for is gone",
        ),
        (
            "paragraph",
            "enum: [true] is spelled const: true",
            |s| {
                let success = at(
                    s,
                    &format!("{PARAGRAPH_OP}/responses/200/content/application~1json/schema/properties/success"),
                );
                success.as_object_mut().unwrap().remove("enum");
                success["const"] = json!(true);
            },
            "unchanged",
            "",
            "`const` and a one-value `enum` mean the same",
        ),
        (
            "paragraph",
            "the 200's enum is dropped",
            |s| {
                at(
                    s,
                    &format!("{PARAGRAPH_OP}/responses/200/content/application~1json/schema/properties/success"),
                )
                .as_object_mut()
                .unwrap()
                .remove("enum");
            },
            "unknown",
            "response-enum-removed",
            "a response may now carry false where it was always true (oasdiff misses it)",
        ),
        (
            "paragraph",
            "the 500 loses msg",
            |s| {
                let schema = at(
                    s,
                    &format!("{PARAGRAPH_OP}/responses/500/content/application~1json/schema"),
                );
                schema["properties"].as_object_mut().unwrap().remove("msg");
                schema["required"] = json!(["success"]);
            },
            "breaking",
            "response-property-removed",
            "a required property clients read is gone",
        ),
        (
            "paragraph",
            "the operation is deprecated",
            |s| {
                at(s, PARAGRAPH_OP)["deprecated"] = json!(true);
            },
            "non-breaking",
            "endpoint-deprecated",
            "a warning, nothing refused",
        ),
        (
            "paragraph",
            "a required query parameter appears",
            |s| {
                at(s, PARAGRAPH_OP)["parameters"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"name": "reason", "in": "query", "required": true, "schema": {"type": "string"}}));
            },
            "breaking",
            "new-required-request-parameter",
            "requests without it are refused",
        ),
        // Nango
        (
            "nango",
            "StdError's error object gains payload",
            |s| {
                at(s, "/components/schemas/StdError/properties/error/properties")["payload"] =
                    json!({"type": "object"});
            },
            "breaking",
            "response-property-added-to-closed-object",
            "StdError is closed: strict parsers refuse a new field (oasdiff has no rule)",
        ),
        (
            "nango",
            "StdError opens its additional properties",
            |s| {
                at(s, "/components/schemas/StdError")
                    .as_object_mut()
                    .unwrap()
                    .remove("additionalProperties");
            },
            "breaking",
            "response-additional-properties-opened",
            "a closed response may now carry anything",
        ),
        (
            "nango",
            "the 404 is no longer documented",
            |s| {
                at(s, &format!("{NANGO_OP}/responses"))
                    .as_object_mut()
                    .unwrap()
                    .remove("404");
            },
            "non-breaking",
            "response-non-success-status-removed",
            "an error clients no longer need to handle",
        ),
        (
            "nango",
            "the 204 becomes a 200",
            |s| {
                let responses = at(s, &format!("{NANGO_OP}/responses")).as_object_mut().unwrap();
                responses.remove("204");
                responses.insert("200".into(), json!({"description": "Deleted"}));
            },
            "breaking",
            "response-success-status-removed",
            "clients waiting for 204 see another status",
        ),
        (
            "nango",
            "the operation is removed",
            |s| {
                s["paths"].as_object_mut().unwrap().remove("/connect/session");
            },
            "breaking",
            "endpoint-removed",
            "removed without deprecation",
        ),
        (
            "nango",
            "the operation is removed after deprecation",
            |s| {
                // OLD is the vendored spec; here the removal is judged against a deprecated OLD below.
                s["paths"].as_object_mut().unwrap().remove("/connect/session");
            },
            "unknown",
            "endpoint-removed-after-deprecation",
            "clients that have not moved break; whether they have is not in the spec",
        ),
        (
            "nango",
            "error.code gains an enum",
            |s| {
                at(s, "/components/schemas/StdError/properties/error/properties/code")["enum"] =
                    json!(["invalid_body"]);
            },
            "non-breaking",
            "response-enum-added",
            "narrows what a response may carry",
        ),
        (
            "nango",
            "a required header parameter appears",
            |s| {
                at(s, NANGO_OP)["parameters"] =
                    json!([{"name": "X-Request-Id", "in": "header", "required": true, "schema": {"type": "string"}}]);
            },
            "breaking",
            "new-required-request-parameter",
            "requests without it are refused; the mock must check it",
        ),
    ]
}

fn write(name: &str, value: &Value) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("understudy-diff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}.yaml", name.replace([' ', '\'', ':', '[', ']'], "_")));
    std::fs::write(&path, serde_yaml::to_string(value).unwrap()).unwrap();
    path
}

#[test]
fn every_mutation_gets_its_expected_verdict() {
    let mut wrong = Vec::new();
    let mut per_vendor = std::collections::BTreeMap::new();
    for (vendor, case, mutate, verdict, rule, why) in corpus() {
        *per_vendor.entry(vendor).or_insert(0) += 1;
        let mut old = vendored(vendor);
        if case.contains("after deprecation") {
            at(&mut old, NANGO_OP)["deprecated"] = json!(true);
        }
        let mut new = old.clone();
        mutate(&mut new);
        let old = diff::load(write(&format!("{vendor}-{case}-old"), &old).to_str().unwrap()).unwrap();
        let new = diff::load(write(&format!("{vendor}-{case}"), &new).to_str().unwrap()).unwrap();
        let diff = diff::diff(&old, &new);
        let rules: Vec<&str> = diff.findings.iter().map(|f| f.id.as_str()).collect();
        if diff.verdict != verdict || (!rule.is_empty() && !rules.contains(&rule)) {
            wrong.push(format!(
                "{vendor}: {case}: expected {verdict} with {rule:?} ({why}), got {} with {rules:?}",
                diff.verdict
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(per_vendor.values().all(|n| *n >= 6), "{per_vendor:?}");
}

#[test]
fn each_vendored_spec_diffed_with_itself_is_unchanged() {
    for vendor in understudy::vendors::NAMES {
        let path = format!("{}/specs/{vendor}.yaml", env!("CARGO_MANIFEST_DIR"));
        let diff = diff::diff(&diff::load(vendor).unwrap(), &diff::load(&path).unwrap());
        assert_eq!(diff.verdict, "unchanged", "{vendor}: {:?}", diff.findings);
        // Key order and JSON for YAML change nothing either.
        let reordered = write(&format!("{vendor}-as-json"), &vendored(vendor));
        let diff = diff::diff(
            &diff::load(&path).unwrap(),
            &diff::load(reordered.to_str().unwrap()).unwrap(),
        );
        assert_eq!(diff.verdict, "unchanged", "{vendor} as sorted JSON");
    }
}

#[test]
fn findings_say_what_they_mean_for_the_register_and_the_mock() {
    let mut new = vendored("paragraph");
    at(&mut new, &format!("{PARAGRAPH_OP}/responses"))["404"] = json!({"description": "Session not found"});
    let diff = diff::diff(
        &diff::load("paragraph").unwrap(),
        &diff::load(write("impact", &new).to_str().unwrap()).unwrap(),
    );
    let added = diff
        .findings
        .iter()
        .find(|f| f.id == "response-status-added")
        .expect("the 404");
    assert!(
        added
            .impact
            .as_deref()
            .unwrap_or("")
            .contains("resolves departure paragraph-404-not-pending"),
        "{added:?}"
    );
    assert!(added.line.is_some(), "the line in NEW");
    assert!(
        diff.mock_changes
            .iter()
            .any(|c| c.contains("paragraph-404-not-pending")),
        "{:?}",
        diff.mock_changes
    );
}

#[test]
fn the_binary_loads_pages_fails_on_breaking_and_refuses_a_broken_file() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_understudy"))
            .arg("diff")
            .args(args)
            .output()
            .unwrap()
    };
    let root = env!("CARGO_MANIFEST_DIR");
    // A saved doc page against the vendored spec: the same document.
    let same = run(&["nango", &format!("{root}/specs/pages/nango.md")]);
    assert_eq!(same.status.code(), Some(0), "{}", String::from_utf8_lossy(&same.stderr));
    assert!(String::from_utf8_lossy(&same.stdout).contains(": unchanged"));

    let mut new = vendored("nango");
    new["paths"].as_object_mut().unwrap().remove("/connect/session");
    let removed = write("binary-removed", &new);
    let breaking = run(&["nango", removed.to_str().unwrap(), "--format", "json"]);
    assert_eq!(breaking.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&breaking.stdout).unwrap();
    assert_eq!(report["verdict"], "breaking");
    assert_eq!(report["findings"][0]["id"], "endpoint-removed");
    assert_eq!(
        run(&["nango", removed.to_str().unwrap(), "--fail-on", "never"])
            .status
            .code(),
        Some(0)
    );
    let github = run(&["nango", removed.to_str().unwrap(), "--format", "github"]);
    assert!(
        String::from_utf8_lossy(&github.stdout).starts_with("::error file="),
        "{}",
        String::from_utf8_lossy(&github.stdout)
    );
    let junit = run(&["nango", removed.to_str().unwrap(), "--format", "junit"]);
    assert!(String::from_utf8_lossy(&junit.stdout).contains("<failure message="));

    let dir = std::env::temp_dir().join(format!("understudy-diff-broken-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken.yaml");
    std::fs::write(&broken, "openapi: 3.1.0\npaths:\n  /x: [\n").unwrap();
    let refused = run(&["nango", broken.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(102));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("broken.yaml") && stderr.contains("line"), "{stderr}");
}
