//! The generic engine's stateless scenarios: two test documents served by the same Understudy as the
//! vendors (`--spec`), and three requests that take the engine's three stateless paths: a GET
//! answered from the document's example, a GET answered by a body generated from the schema, and a
//! POST refused for its body. (The operations with inferred state are `state`'s.) Before the load,
//! one request of each is checked more closely than wrk can (the exact body, the status the document
//! gives, no warning), so that the load measures the path it is named for.

use serde_json::Value;

use crate::client;
use crate::wrk::{self, Expect, Scenario};

/// The API names the documents are served under, and their files.
pub const PETS: (&str, &str) = ("pets", "pets-crud-3.0.yaml");
const SECURITY: (&str, &str) = ("security", "security-mix-3.0.yaml");

/// The credential the pets document's security asks for (any value is accepted).
pub const PETS_KEY: &str = "bench-key";
/// A bearer token for the security document's `GET /me` (any value is accepted).
const BEARER: &str = "Bearer bench-token";
/// A pet that breaks the Pet schema (`name` is a string; `species` is required).
const BAD_PET: &str = r#"{"name":12}"#;

/// The generic scenarios' names, as the report shows them.
pub const EXAMPLE: &str = "generic: GET by documented example 200";
pub const GENERATED: &str = "generic: GET by generated body 200";
pub const REFUSED: &str = "generic: POST refused for its body 422";
pub const NAMES: [&str; 3] = [EXAMPLE, GENERATED, REFUSED];

pub fn file(name: &str) -> String {
    format!("{}/tests/documents/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// The `--spec` arguments that add the documents to Understudy's vendors.
pub fn spec_args() -> Vec<String> {
    [PETS, SECURITY]
        .iter()
        .flat_map(|(name, path)| ["--spec".to_string(), format!("{name}={}", file(path))])
        .collect()
}

/// The base URLs of the two documents' APIs in a startup line.
pub struct Urls {
    pub pets: String,
    pub security: String,
}

impl Urls {
    pub fn of(server: &crate::server::Server) -> Self {
        Self {
            pets: server.url(PETS.0),
            security: server.url(SECURITY.0),
        }
    }
}

/// The three requests, as scenarios on `server`.
pub fn scenarios(server: usize, urls: &Urls) -> Vec<Scenario> {
    vec![
        Scenario {
            name: EXAMPLE,
            server,
            url: format!("{}/health", urls.security),
            lua: wrk::fixed("GET", &[], None),
            expect: Expect::Success,
        },
        Scenario {
            name: GENERATED,
            server,
            url: format!("{}/me", urls.security),
            lua: wrk::fixed("GET", &[("Authorization", BEARER.to_string())], None),
            expect: Expect::Success,
        },
        Scenario {
            name: REFUSED,
            server,
            url: format!("{}/pets", urls.pets),
            lua: wrk::fixed(
                "POST",
                &[
                    ("X-API-Key", PETS_KEY.to_string()),
                    ("Content-Type", "application/json".to_string()),
                ],
                Some(BAD_PET),
            ),
            expect: Expect::Error,
        },
    ]
}

/// One request of each scenario, checked closely: the example is the document's, byte for byte as
/// JSON; the generated body is an object with every required property of the schema and no warning
/// (a body that failed its own check is sent with `x-understudy-warning`); the refusal has a status
/// the operation documents for it (422, or 400) in the document's error shape. The problems found.
pub fn check(urls: &Urls) -> Vec<String> {
    let mut problems = Vec::new();
    let mut expect = |what: &str, ok: Result<(), String>| {
        if let Err(why) = ok {
            problems.push(format!("{what}: {why}"));
        }
    };
    let pets_doc = document(PETS.1);
    let security_doc = document(SECURITY.1);

    let example =
        &security_doc["paths"]["/health"]["get"]["responses"]["200"]["content"]["application/json"]["example"];
    expect(
        EXAMPLE,
        client::send("GET", &format!("{}/health", urls.security), &[], None).and_then(|answer| {
            if answer.status == 200 && &answer.json() == example && !example.is_null() {
                Ok(())
            } else {
                Err(format!("not the documented example: {}", answer.describe()))
            }
        }),
    );

    let schema = &security_doc["paths"]["/me"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    let required: Vec<&str> = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let no_example = schema.get("example").is_none();
    expect(
        GENERATED,
        client::send(
            "GET",
            &format!("{}/me", urls.security),
            &[("Authorization", BEARER)],
            None,
        )
        .and_then(|answer| {
            let body = answer.json();
            let whole = no_example && !required.is_empty() && required.iter().all(|p| body.get(p).is_some());
            match (answer.status, answer.header("x-understudy-warning")) {
                (200, None) if whole => Ok(()),
                (_, Some(warning)) => Err(format!("warned {warning:?}: {}", answer.describe())),
                _ => Err(format!("not a generated caller: {}", answer.describe())),
            }
        }),
    );

    let documented: Vec<&String> = pets_doc["paths"]["/pets"]["post"]["responses"]
        .as_object()
        .into_iter()
        .flat_map(|r| r.keys())
        .collect();
    expect(
        REFUSED,
        client::send(
            "POST",
            &format!("{}/pets", urls.pets),
            &[("X-API-Key", PETS_KEY)],
            Some(BAD_PET),
        )
        .and_then(|answer| {
            let status = answer.status.to_string();
            let shaped = answer.json()["error"]["message"].is_string();
            if (status == "422" || status == "400") && documented.contains(&&status) && shaped {
                Ok(())
            } else {
                Err(format!(
                    "not a documented refusal in the document's error shape: {}",
                    answer.describe()
                ))
            }
        }),
    );
    problems
}

pub fn document(name: &str) -> Value {
    let text = std::fs::read_to_string(file(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{name} is YAML: {e}"))
}
