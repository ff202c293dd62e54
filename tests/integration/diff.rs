//! `understudy diff` against a corpus of spec mutations: each one change to a vendored spec, with the
//! level the rules give it and why, written from the rules (direction decides: narrowing a request or
//! widening a response breaks clients), not from the tool's output. Equivalent spellings must come
//! out unchanged; a broken file must not load.

use std::process::Command;

use serde_json::{json, Value};
use understudy::diff;

/// A vendored spec as JSON, to mutate.
fn vendored(vendor: &str) -> Value {
    diff::load(&format!("{}/specs/{vendor}.yaml", env!("CARGO_MANIFEST_DIR")))
        .unwrap()
        .document
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
    let first: Vec<Case> = vec![
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
            "breaking",
            "response-pattern-removed",
            "the request accepts more (harmless); a response id may now be any string",
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
            "request-pattern-tightened",
            "a session id that was valid may be refused (proven: the new pattern accepts less)",
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
            "breaking",
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
    ];
    first.into_iter().chain(narrowing_by_any_keyword()).collect()
}

/// What a first corpus missed: a request that accepts less by any keyword breaks; a response
/// constraint removed or loosened breaks; a shared component is judged at each use in its own
/// direction; a pattern change whose direction cannot be proven is `unknown`; deprecations and new
/// servers are listed.
fn narrowing_by_any_keyword() -> Vec<Case> {
    const MOONKEY_REQUEST: &str = "/components/schemas/DeleteSessionRequest";
    const MOONKEY_MESSAGE: &str =
        "/paths/~1v1~1auth~1sessions~1delete/delete/responses/200/content/application~1json/schema/properties/message";
    const PARAGRAPH_SUCCESS: &str =
        "/paths/~1v1~1api~1auth~1sessions~1{sessionId}/delete/responses/200/content/application~1json/schema/properties/success";
    vec![
        (
            "moonkey",
            "the body becomes oneOf its three identifiers",
            |s| {
                at(s, MOONKEY_REQUEST)["oneOf"] = json!([
                    {"required": ["session_token"]},
                    {"required": ["session_jwt"]},
                    {"required": ["session_id"]}
                ]);
            },
            "breaking",
            "request-one-of-added",
            "a client sending two identifiers is now refused",
        ),
        (
            "moonkey",
            "the body gains anyOf",
            |s| {
                at(s, MOONKEY_REQUEST)["anyOf"] =
                    json!([{"required": ["session_token"]}, {"required": ["session_id"]}]);
            },
            "breaking",
            "request-any-of-added",
            "a body with only session_jwt is now refused",
        ),
        (
            "moonkey",
            "the body gains not",
            |s| {
                at(s, MOONKEY_REQUEST)["not"] = json!({"required": ["session_token", "session_id"]});
            },
            "breaking",
            "request-not-added",
            "a body with both is now refused",
        ),
        (
            "moonkey",
            "other properties must be strings",
            |s| {
                at(s, MOONKEY_REQUEST)["additionalProperties"] = json!({"type": "string"});
            },
            "breaking",
            "request-additional-properties-narrowed",
            "an extra numeric property is now refused",
        ),
        (
            "moonkey",
            "an unlisted property becomes required",
            |s| {
                at(s, MOONKEY_REQUEST)["required"] = json!(["app_id"]);
            },
            "breaking",
            "request-property-became-required",
            "a request without it is now refused, listed or not",
        ),
        (
            "moonkey",
            "session_id gains a const",
            |s| {
                at(s, &format!("{MOONKEY_REQUEST}/properties/session_id"))["const"] = json!("x");
            },
            "breaking",
            "request-enum-added",
            "`const` narrows like a one-value enum",
        ),
        (
            "moonkey",
            "the 200's message loses its minLength",
            |s| {
                at(s, MOONKEY_MESSAGE).as_object_mut().unwrap().remove("minLength");
            },
            "breaking",
            "response-limit-loosened",
            "clients may now receive an empty string",
        ),
        (
            "moonkey",
            "a request property is deprecated",
            |s| {
                at(s, &format!("{MOONKEY_REQUEST}/properties/session_jwt"))["deprecated"] = json!(true);
            },
            "non-breaking",
            "request-property-deprecated",
            "a warning, nothing refused",
        ),
        (
            "moonkey",
            "a servers entry is added",
            |s| {
                s["servers"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"url": "https://eu.api.moonkey.fun"}));
            },
            "non-breaking",
            "server-added",
            "another place to call; the first is unchanged",
        ),
        (
            "dynamic",
            "the shared uuid pattern accepts upper-case hex",
            |s| {
                at(s, "/components/schemas/uuid")["pattern"] =
                    json!("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
            },
            "breaking",
            "response-pattern-loosened",
            "the path parameter accepts more (harmless); a session id in a response may now be upper-case",
        ),
        (
            "dynamic",
            "the shared uuid pattern is rewritten past what can be compared",
            |s| {
                at(s, "/components/schemas/uuid")["pattern"] =
                    json!("^(?=[0-9a-f-]{36}$)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
            },
            "unknown",
            "response-pattern-changed",
            "a lookahead: neither direction can be proven, so both sides are unknown",
        ),
        (
            "dynamic",
            "the shared uuid maxLength is raised",
            |s| {
                at(s, "/components/schemas/uuid")["maxLength"] = json!(40);
            },
            "breaking",
            "response-limit-loosened",
            "a response id may now be longer",
        ),
        (
            "dynamic",
            "the path parameter is deprecated",
            |s| {
                s["components"]["parameters"]["sessionId"]["deprecated"] = json!(true);
            },
            "non-breaking",
            "request-parameter-deprecated",
            "a warning, nothing refused",
        ),
        (
            "dynamic",
            "a response property is deprecated",
            |s| {
                at(s, "/components/schemas/Session/properties/userAgent")["deprecated"] = json!(true);
            },
            "non-breaking",
            "response-property-deprecated",
            "a warning, nothing changes in the answer",
        ),
        (
            "paragraph",
            "the 200's enum is widened",
            |s| {
                at(s, PARAGRAPH_SUCCESS)["enum"] = json!([true, false]);
            },
            "breaking",
            "response-enum-value-added",
            "a response may now carry false where it was always true",
        ),
        (
            "paragraph",
            "a servers entry is added",
            |s| {
                s["servers"]
                    .as_array_mut()
                    .unwrap()
                    .push(json!({"url": "https://staging.api.paragraph.com/api"}));
            },
            "non-breaking",
            "server-added",
            "another place to call",
        ),
        (
            "nango",
            "the operation is deprecated",
            |s| {
                at(s, NANGO_OP)["deprecated"] = json!(true);
            },
            "non-breaking",
            "endpoint-deprecated",
            "a warning, nothing refused",
        ),
        (
            "nango",
            "an error property is deprecated",
            |s| {
                at(s, "/components/schemas/StdError/properties/error/properties/errors")["deprecated"] = json!(true);
            },
            "non-breaking",
            "response-property-deprecated",
            "a warning, nothing changes in the answer",
        ),
        (
            "nango",
            "error.errors' items gain a required key",
            |s| {
                at(
                    s,
                    "/components/schemas/StdError/properties/error/properties/errors/items",
                )["required"] = json!(["path"]);
            },
            "non-breaking",
            "response-property-became-required",
            "narrows what a response may carry",
        ),
        (
            "nango",
            "error.errors loses its item schema",
            |s| {
                at(s, "/components/schemas/StdError/properties/error/properties/errors")
                    .as_object_mut()
                    .unwrap()
                    .remove("items");
            },
            "breaking",
            "response-items-removed",
            "a response list may now hold anything",
        ),
    ]
}

fn write(name: &str, value: &Value) -> std::path::PathBuf {
    // One directory for the whole run, which the test binary's files share.
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let dir = DIR
        .get_or_init(|| tempfile::Builder::new().prefix("understudy-diff-").tempdir().unwrap())
        .path()
        .to_path_buf();
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}.yaml", name.replace([' ', '\'', ':', '[', ']'], "_")));
    std::fs::write(&path, serde_saphyr::to_string(value).unwrap()).unwrap();
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
            .env_remove("GITHUB_STEP_SUMMARY")
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

    // Removed when the test ends, whatever it leaves in it.
    let temporary = tempfile::Builder::new()
        .prefix("understudy-diff-broken-")
        .tempdir()
        .unwrap();
    let dir = temporary.path().to_path_buf();
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("broken.yaml");
    std::fs::write(&broken, "openapi: 3.1.0\npaths:\n  /x: [\n").unwrap();
    let refused = run(&["nango", broken.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(102));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("broken.yaml") && stderr.contains("line"), "{stderr}");
}

/// Dynamic's `uuid` is the path parameter's schema (a request) and the Session's `id` (a response).
fn with_uuid_pattern(pattern: &str) -> diff::Diff {
    let mut new = vendored("dynamic");
    at(&mut new, "/components/schemas/uuid")["pattern"] = json!(pattern);
    diff::diff(
        &diff::load("dynamic").unwrap(),
        &diff::load(write(&format!("uuid-{}", pattern.len()), &new).to_str().unwrap()).unwrap(),
    )
}

/// (rule, level, where) of each pattern finding.
fn pattern_findings(diff: &diff::Diff) -> Vec<(String, &'static str, String)> {
    diff.findings
        .iter()
        .filter(|f| f.id.contains("pattern"))
        .map(|f| (f.id.clone(), f.level.word(), f.location.clone()))
        .collect()
}

#[test]
fn a_shared_component_is_judged_at_each_use_in_its_own_direction() {
    let loosened = with_uuid_pattern("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    let found = pattern_findings(&loosened);
    let request = format!("{DYNAMIC_OP}/parameters/0/schema");
    let response = format!("{DYNAMIC_OP}/responses/200/content/application~1json/schema/properties/id");
    assert!(
        found.contains(&("request-pattern-loosened".into(), "non-breaking", request.clone())),
        "the parameter accepts more, which harms no client: {found:?}"
    );
    assert!(
        found.contains(&("response-pattern-loosened".into(), "breaking", response.clone())),
        "a session id in a response may now be upper-case: {found:?}"
    );
    assert_eq!(loosened.verdict, "breaking");

    // Tightened, the same component breaks the request side instead.
    let tightened = pattern_findings(&with_uuid_pattern(
        "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
    ));
    assert!(
        tightened.contains(&("request-pattern-tightened".into(), "breaking", request.clone())),
        "{tightened:?}"
    );
    assert!(
        tightened.contains(&("response-pattern-tightened".into(), "non-breaking", response.clone())),
        "{tightened:?}"
    );

    // Unprovable (a lookahead): unknown on both sides, neither side missed.
    let rewritten = pattern_findings(&with_uuid_pattern(
        "^(?=[0-9a-f-]{36}$)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
    ));
    assert!(
        rewritten.contains(&("request-pattern-changed".into(), "unknown", request)),
        "{rewritten:?}"
    );
    assert!(
        rewritten.contains(&("response-pattern-changed".into(), "unknown", response)),
        "{rewritten:?}"
    );
}

/// A GitHub workflow command parsed as the runner parses it: `::name k=v,k=v::data`, property
/// values unescaped for `%3A`, `%2C`, `%0D`, `%0A` and `%25`, the data for the last three only.
fn parse_command(line: &str) -> (String, Vec<(String, String)>, String) {
    let unescape_data = |s: &str| s.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%");
    let unescape_property = |s: &str| {
        s.replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%25", "%")
    };
    let rest = line.strip_prefix("::").expect("a command");
    let (head, data) = rest.split_once("::").expect("data after the properties");
    let (name, properties) = head.split_once(' ').unwrap_or((head, ""));
    let properties = properties
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').expect("key=value");
            (k.to_string(), unescape_property(v))
        })
        .collect();
    (name.to_string(), properties, unescape_data(data))
}

#[test]
fn github_annotations_escape_the_message_and_the_properties_each_by_its_own_rule() {
    let message = "100% of clients: those sending a, b, or c\nnow fail";
    let finding = diff::Finding {
        id: "request-one-of-added".into(),
        level: diff::Level::Breaking,
        direction: diff::Direction::Request,
        operation: "DELETE /v1/auth/sessions/delete".into(),
        location: "/paths/x".into(),
        line: Some(7),
        message: message.into(),
        impact: None,
    };
    let report = diff::Diff {
        old: "a".into(),
        new: "b".into(),
        verdict: "breaking",
        findings: vec![finding],
        mock_changes: vec![],
    };
    let file = "specs/pages/odd, name: v2.md";
    let out = diff::output::github(&report, file);
    assert_eq!(out.lines().count(), 1, "{out}");
    let (name, properties, data) = parse_command(out.trim_end());
    assert_eq!(name, "error");
    assert_eq!(
        properties,
        vec![
            ("file".to_string(), file.to_string()),
            ("line".to_string(), "7".to_string()),
            ("title".to_string(), "request-one-of-added".to_string()),
        ]
    );
    // Commas and colons reach the pull request as they are.
    assert_eq!(data, format!("DELETE /v1/auth/sessions/delete: {message}"));
    assert!(!out.contains("%2C now") && out.contains("a, b, or c"), "{out}");
}

/// A saved doc page whose yaml fence opens deep in the file, with keys like the document's in its
/// prose, holding `document`.
fn page(document: &Value) -> String {
    let mut page = String::from("# Nango API\n\n");
    for i in 0..40 {
        page.push_str(&format!(
            "Prose line {i}. servers:\n  - url: https://example.com\nmessage: not this one\n\n"
        ));
    }
    page.push_str("```yaml\n");
    page.push_str(&serde_saphyr::to_string(document).unwrap());
    page.push_str("```\n\nMore prose.\n");
    page
}

/// `document` saved as a doc page (see `page`), loaded as NEW and diffed against `vendor`'s spec;
/// with the page's lines.
fn diff_page(vendor: &str, document: &Value) -> (diff::Diff, Vec<String>) {
    let text = page(document);
    // Removed when the test ends, whatever it leaves in it.
    let temporary = tempfile::Builder::new()
        .prefix("understudy-diff-page-")
        .tempdir()
        .unwrap();
    let dir = temporary.path().to_path_buf();
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{vendor}-page.md"));
    std::fs::write(&path, &text).unwrap();
    let diff = diff::diff(
        &diff::load(vendor).unwrap(),
        &diff::load(path.to_str().unwrap()).unwrap(),
    );
    let fence = text.lines().position(|l| l.starts_with("```yaml")).unwrap() + 1;
    assert!(fence > 100, "the fence opens deep in the page: line {fence}");
    (diff, text.lines().map(str::to_string).collect())
}

/// The page's line that `id`'s finding names, trimmed.
fn named_line<'a>(diff: &diff::Diff, lines: &'a [String], id: &str) -> Vec<&'a str> {
    diff.findings
        .iter()
        .filter(|f| f.id == id)
        .map(|f| f.line.map_or("(no line)", |l| lines[l - 1].trim()))
        .collect()
}

#[test]
fn lines_in_a_doc_page_are_counted_in_the_page_from_the_parser_spans() {
    // The request body's own `required`, after a schema with a `required` of its own (keys are
    // written in order: `content` comes first): a text search for `required:` finds the schema's.
    let mut new = vendored("moonkey");
    let schema = new["components"]["schemas"]["DeleteSessionRequest"].clone();
    at(&mut new, &format!("{MOONKEY_OP}/requestBody"))["content"]["application/json"]["schema"] = schema;
    at(
        &mut new,
        &format!("{MOONKEY_OP}/requestBody/content/application~1json/schema"),
    )["required"] = json!(["session_id"]);
    at(&mut new, &format!("{MOONKEY_OP}/requestBody"))["required"] = json!(true);
    let (diff, lines) = diff_page("moonkey", &new);
    assert_eq!(
        named_line(&diff, &lines, "request-body-became-required"),
        ["required: true"],
        "{:?}",
        diff.findings
    );

    let mut new = vendored("nango");
    at(&mut new, &format!("{NANGO_OP}/responses"))["409"] = json!({"description": "Conflict"});
    new["servers"]
        .as_array_mut()
        .unwrap()
        .push(json!({"url": "https://eu.nango.dev"}));
    at(
        &mut new,
        "/components/schemas/StdError/properties/error/properties/message",
    )["deprecated"] = json!(true);
    let (diff, lines) = diff_page("nango", &new);
    let status = named_line(&diff, &lines, "response-status-added");
    assert!(
        status.len() == 1 && status[0].trim_start_matches(['\'', '"']).starts_with("409"),
        "{status:?}"
    );
    assert_eq!(
        named_line(&diff, &lines, "server-added"),
        ["- url: https://eu.nango.dev"]
    );
    // Reached through two `$ref`s, at each of the three error responses: the component's own line.
    assert_eq!(
        named_line(&diff, &lines, "response-property-deprecated"),
        ["message:", "message:", "message:"],
        "{:?}",
        diff.findings
    );
}

fn run_diff(args: &[&str], summary: Option<&std::path::Path>) -> std::process::Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_understudy"));
    command.arg("diff").args(args).env_remove("GITHUB_STEP_SUMMARY");
    if let Some(summary) = summary {
        command.env("GITHUB_STEP_SUMMARY", summary);
    }
    command.output().unwrap()
}

/// NEW: nango with its operation gone and a server added (one breaking, one harmless finding).
fn nango_removed() -> std::path::PathBuf {
    let mut new = vendored("nango");
    new["paths"].as_object_mut().unwrap().remove("/connect/session");
    new["servers"]
        .as_array_mut()
        .unwrap()
        .push(json!({"url": "https://eu.nango.dev"}));
    write("ci-removed", &new)
}

#[test]
fn sarif_output_reads_back_as_sarif_2_1_0() {
    let new = nango_removed();
    let out = run_diff(&["nango", new.to_str().unwrap(), "--format", "sarif"], None);
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let sarif: serde_sarif::sarif::Sarif = serde_json::from_slice(&out.stdout).expect("a SARIF log");
    assert_eq!(serde_json::to_value(&sarif.version).unwrap(), json!("2.1.0"));
    let run = &sarif.runs[0];
    assert_eq!(run.tool.driver.name, "understudy diff");
    let rules: Vec<&str> = run.tool.driver.rules.iter().flatten().map(|r| r.id.as_str()).collect();
    assert!(
        rules.contains(&"endpoint-removed") && rules.contains(&"server-added"),
        "{rules:?}"
    );
    let results = run.results.as_ref().expect("results");
    assert_eq!(results.len(), 2);
    let removed = results
        .iter()
        .find(|r| r.rule_id.as_deref() == Some("endpoint-removed"))
        .unwrap();
    assert_eq!(serde_json::to_value(removed.level).unwrap(), json!("error"));
    assert!(removed
        .message
        .text
        .as_deref()
        .unwrap_or("")
        .contains("DELETE /connect/session"));
    let added = results
        .iter()
        .find(|r| r.rule_id.as_deref() == Some("server-added"))
        .unwrap();
    assert_eq!(serde_json::to_value(added.level).unwrap(), json!("note"));
    let location = &added.locations.as_ref().unwrap()[0];
    let physical = location.physical_location.as_ref().unwrap();
    let uri = physical.artifact_location.as_ref().unwrap().uri.as_deref().unwrap();
    assert!(uri.ends_with("ci-removed.yaml"), "{uri}");
    let line = physical.region.as_ref().unwrap().start_line.unwrap();
    let text = std::fs::read_to_string(&new).unwrap();
    assert!(
        text.lines()
            .nth(line as usize - 1)
            .unwrap()
            .contains("https://eu.nango.dev"),
        "line {line}"
    );
}

#[test]
fn under_github_actions_the_markdown_report_is_appended_to_the_step_summary() {
    // Removed when the test ends, whatever it leaves in it.
    let temporary = tempfile::Builder::new()
        .prefix("understudy-diff-summary-")
        .tempdir()
        .unwrap();
    let dir = temporary.path().to_path_buf();
    std::fs::create_dir_all(&dir).unwrap();
    let summary = dir.join("summary.md");
    std::fs::write(&summary, "## An earlier step\n").unwrap();
    let new = nango_removed();
    let out = run_diff(&["nango", new.to_str().unwrap(), "--format", "github"], Some(&summary));
    assert_eq!(out.status.code(), Some(1));
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(
        written.starts_with("## An earlier step\n"),
        "appended, not replaced: {written}"
    );
    assert!(written.contains("### Spec diff: **breaking**"), "{written}");
    assert!(
        written.contains("`endpoint-removed`") && written.contains("`server-added`"),
        "{written}"
    );
    // Without the variable, nothing is written anywhere.
    let before = std::fs::read_to_string(&summary).unwrap();
    run_diff(&["nango", new.to_str().unwrap()], None);
    assert_eq!(std::fs::read_to_string(&summary).unwrap(), before);
}

/// Nango's StdError with a tree of `levels` levels, each referring twice to the next, and at the
/// bottom a value of type `bottom`.
fn tree(levels: usize, bottom: &str) -> Value {
    let mut spec = vendored("nango");
    let schemas = spec["components"]["schemas"].as_object_mut().unwrap();
    for i in 0..levels {
        let next = json!({"$ref": format!("#/components/schemas/Level{}", i + 1)});
        schemas.insert(
            format!("Level{i}"),
            json!({"type": "object", "properties": {"left": next, "right": next}}),
        );
    }
    schemas.insert(format!("Level{levels}"), json!({"type": bottom}));
    at(&mut spec, "/components/schemas/StdError/properties")["tree"] = json!({"$ref": "#/components/schemas/Level0"});
    spec
}

#[test]
fn components_that_refer_to_each_other_are_compared_once_per_use_not_once_per_path() {
    // 2^40 paths lead to the bottom, whose type changes in every error response.
    for (levels, verdict, rule) in [
        (40, "breaking", "response-type-changed"),
        // Past the depth the comparison goes to: unknown, never silence.
        (60, "unknown", "response-schema-too-deep"),
    ] {
        let started = std::time::Instant::now();
        let diff = diff::diff(
            &diff::load(
                write(&format!("levels-{levels}-old"), &tree(levels, "integer"))
                    .to_str()
                    .unwrap(),
            )
            .unwrap(),
            &diff::load(
                write(&format!("levels-{levels}-new"), &tree(levels, "string"))
                    .to_str()
                    .unwrap(),
            )
            .unwrap(),
        );
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(diff.verdict, verdict, "{levels}: {:?}", diff.findings);
        let ids: Vec<&str> = diff.findings.iter().map(|f| f.id.as_str()).collect();
        // Once in each of the three error responses.
        assert_eq!(ids, [rule; 3], "{levels}");
    }
}
