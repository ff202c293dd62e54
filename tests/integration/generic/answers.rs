//! How the generic engine answers, claim by claim: routing the document's way, 404 and 405 in the
//! document's error shape with CORS, refusals with the status the document gives, negotiation,
//! forcing, HEAD, and seeds.

use std::path::PathBuf;

use serde_json::{json, Value};

use super::{name_of, reference, serve};

fn document(file: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/documents")).join(file)
}

struct Served {
    running: understudy::Running,
    http: reqwest::Client,
}

impl Served {
    async fn new(files: &[&str], seed: u64) -> Self {
        let files: Vec<PathBuf> = files.iter().map(|f| document(f)).collect();
        Self {
            running: serve(&files, seed).await,
            http: reqwest::Client::new(),
        }
    }

    /// The base URL of the API a test document is served as (or of `control`).
    fn url(&self, file: &str) -> String {
        let name = if file == "control" {
            file.to_string()
        } else {
            name_of(&document(file))
        };
        self.running.url(&name).expect("the API is served").to_string()
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> (u16, reqwest::header::HeaderMap, Value, Vec<u8>) {
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.expect("the body arrives").to_vec();
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (status, headers, json, bytes)
    }

    async fn journal(&self, namespace: &str) -> Vec<Value> {
        let control = self.url("control");
        super::journal(&control, namespace).await
    }
}

#[tokio::test]
async fn a_literal_beats_a_variable_and_parameters_inside_a_segment_are_routed() {
    let served = Served::new(&["users-routing-3.1.yaml", "twilio-like-3.0.yaml"], 0).await;
    let users = served.url("users-routing-3.1.yaml");
    let namespace = "literal";
    for path in ["/users/me", "/users/usr_1", "/users/usr_1/orders", "/users/me/"] {
        served
            .send(
                served
                    .http
                    .get(format!("{users}{path}"))
                    .bearer_auth("t")
                    .header("x-understudy-namespace", namespace),
            )
            .await;
    }
    let operations: Vec<String> = served
        .journal(namespace)
        .await
        .iter()
        .map(|e| e["operation"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        operations,
        ["getCurrentUser", "getUser", "listUserOrders", "getCurrentUser"]
    );
    let twilio = served.url("twilio-like-3.0.yaml");
    let (status, _, body, _) = served
        .send(
            served
                .http
                .get(format!(
                    "{twilio}/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef.json"
                ))
                .basic_auth("AC0123456789abcdef0123456789abcdef", Some("secret")),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let reference = reference(&document("twilio-like-3.0.yaml"));
    let bytes = serde_json::to_vec(&body).unwrap();
    assert_eq!(
        reference
            .responses()
            .check("GET", "/2010-04-01/Accounts/{AccountSid}.json", 200, &bytes),
        Ok(())
    );
}

#[tokio::test]
async fn unknown_paths_and_methods_get_404_and_405_in_the_documents_shape_with_cors_and_are_journaled() {
    let served = Served::new(&["pets-crud-3.0.yaml"], 0).await;
    let pets = served.url("pets-crud-3.0.yaml");
    let origin = "http://localhost:5173";
    let (status, headers, body, _) = served
        .send(
            served
                .http
                .get(format!("{pets}/nothing/here"))
                .header("origin", origin)
                .header("x-understudy-namespace", "unrouted"),
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(headers["access-control-allow-origin"], origin);
    assert_eq!(body["error"]["code"], "not_found", "the document's Error shape: {body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("/nothing/here"));
    let (status, headers, body, _) = served
        .send(
            served
                .http
                .patch(format!("{pets}/pets"))
                .header("origin", origin)
                .header("x-understudy-namespace", "unrouted"),
        )
        .await;
    assert_eq!(status, 405);
    assert_eq!(headers["allow"], "GET, HEAD, OPTIONS, POST");
    assert_eq!(headers["access-control-allow-origin"], origin);
    assert!(body["error"]["message"].is_string(), "{body}");
    let journal = served.journal("unrouted").await;
    let statuses: Vec<u64> = journal.iter().map(|e| e["status"].as_u64().unwrap()).collect();
    assert_eq!(statuses, [404, 405]);
    // Outside the base path, nothing routes either.
    let root = pets.trim_end_matches("/v2");
    let (status, _, _, _) = served.send(served.http.get(format!("{root}/pets"))).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_request_that_breaks_the_document_gets_the_status_and_shape_the_document_gives() {
    let served = Served::new(&["pets-crud-3.0.yaml", "users-routing-3.1.yaml"], 0).await;
    let pets = served.url("pets-crud-3.0.yaml");
    // No API key where the document asks for one: 401, in the document's shape.
    let (status, _, body, _) = served.send(served.http.get(format!("{pets}/pets"))).await;
    assert_eq!(status, 401);
    assert_eq!(body["error"]["code"], "unauthorized", "{body}");
    // A body that breaks the schema: 422, documented, with the violations listed.
    let (status, _, body, _) = served
        .send(
            served
                .http
                .post(format!("{pets}/pets"))
                .header("x-api-key", "k")
                .json(&json!({"name": 12})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["error"]["message"].as_str().unwrap().contains("body"), "{body}");
    // A query parameter out of its bounds, where 400 is documented and 422 is not.
    let (status, _, body, _) = served
        .send(
            served
                .http
                .get(format!("{pets}/pets?limit=100000"))
                .header("x-api-key", "k"),
        )
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"]["code"], "bad_request", "{body}");
    // A public operation of a secured document takes no credentials.
    let users = served.url("users-routing-3.1.yaml");
    let (status, _, body, _) = served
        .send(served.http.post(format!("{users}/users")).json(&json!({
            "email": "grace@example.com", "displayName": "Grace", "password": "correct-horse-battery"
        })))
        .await;
    assert_eq!(status, 201, "{body}");
    assert!(body.get("password").is_none(), "writeOnly fields are not sent: {body}");
}

#[tokio::test]
async fn the_answer_is_negotiated_forced_by_example_or_generated_on_request() {
    let served = Served::new(&["users-routing-3.1.yaml"], 0).await;
    let users = served.url("users-routing-3.1.yaml");
    let sign_up = json!({"email": "grace@example.com", "displayName": "Grace", "password": "correct-horse-battery"});
    let (status, _, example, _) = served
        .send(served.http.post(format!("{users}/users")).json(&sign_up))
        .await;
    assert_eq!(status, 201);
    // A create: the documented example, with what was sent over it and an id of its own, made
    // like the example's (its prefix and length).
    assert_eq!(example["displayName"], "Grace", "{example}");
    let id = example["id"].as_str().unwrap();
    assert!(
        id.starts_with("usr_") && id.len() == "usr_4Fq9XbT2mLk7Rz1P".len() && id != "usr_4Fq9XbT2mLk7Rz1P",
        "{example}"
    );
    let (_, _, generated, _) = served
        .send(
            served
                .http
                .post(format!("{users}/users"))
                .header("prefer", "dynamic=true")
                .json(&sign_up),
        )
        .await;
    assert_ne!(generated, example, "dynamic=true generates");
    let reference = reference(&document("users-routing-3.1.yaml"));
    let bytes = serde_json::to_vec(&generated).unwrap();
    assert_eq!(reference.responses().check("POST", "/users", 201, &bytes), Ok(()));
    let (status, _, _, _) = served
        .send(
            served
                .http
                .get(format!("{users}/users/me"))
                .bearer_auth("t")
                .header("accept", "text/html"),
        )
        .await;
    assert_eq!(status, 406, "nothing documented fits text/html");
    let (status, headers, _, bytes) = served
        .send(served.http.head(format!("{users}/users/me")).bearer_auth("t"))
        .await;
    assert_eq!((status, bytes.len()), (200, 0), "HEAD is GET without a body");
    assert!(headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
}

#[tokio::test]
async fn generation_repeats_for_a_seed_and_changes_with_it() {
    let body = |seed| async move {
        let served = Served::new(&["no-examples-3.1.yaml"], seed).await;
        let base = served.url("no-examples-3.1.yaml");
        let (status, _, _, bytes) = served
            .send(
                served
                    .http
                    .get(format!("{base}/warehouses"))
                    .header("prefer", "code=200")
                    .header("authorization", "Bearer t")
                    .header("x-api-key", "k"),
            )
            .await;
        assert_eq!(status, 200);
        bytes
    };
    let first = body(1).await;
    assert_eq!(first, body(1).await, "the same seed, the same bytes");
    assert_ne!(first, body(2).await, "another seed, another body");
}
