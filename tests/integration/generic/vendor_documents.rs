//! A vendor given a fuller document (`--spec nango=FILE`): the compiled operation keeps answering
//! as the vendor does, statefully, with the siblings that share its state (a session the vendor's
//! own create made is the one its compiled operation acts on), and the document's other operations
//! are answered from it. A
//! document that lacks a compiled operation stops the start, naming it. And the vendors' own ports
//! answer an unknown path in the document's error shape, not dropshot's.

use std::path::PathBuf;

use reqwest::Method;
use serde_json::{json, Value};
use understudy::{Options, SpecSource};

fn document(file: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/documents")).join(file)
}

/// One call to a vendor's port in a namespace: its status, its body, and whether the body keeps to
/// the served document (`None` for a status the document does not give the operation).
async fn call(
    base: &str,
    method: reqwest::Method,
    path: &str,
    bearer: Option<&str>,
    body: Option<Value>,
    namespace: &str,
) -> (u16, Value, Vec<u8>) {
    let mut request = reqwest::Client::new()
        .request(method, format!("{base}{path}"))
        .header(understudy::NAMESPACE_HEADER, namespace);
    if let Some(token) = bearer {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let bytes = response.bytes().await.unwrap().to_vec();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null), bytes)
}

/// Holds an answer to the fuller document: a documented status with a valid body.
fn assert_conforms(reference: &understudy::spec::Document, method: &str, template: &str, status: u16, bytes: &[u8]) {
    assert_eq!(
        reference.responses().check(method, template, status, bytes),
        Ok(()),
        "{method} {template} {status}: {}",
        String::from_utf8_lossy(bytes)
    );
}

/// Understudy with the vendors, and `name`'s embedded document replaced by `file`.
async fn with_fuller(name: &str, file: &str) -> understudy::Running {
    understudy::start(Options {
        specs: vec![SpecSource {
            name: Some(name.into()),
            path: document(file),
        }],
        ..Options::ephemeral()
    })
    .await
    .expect("understudy starts with a fuller document")
}

#[tokio::test]
async fn a_nango_connect_session_made_by_the_create_is_read_then_deleted_by_the_compiled_delete() {
    let running = with_fuller("nango", "nango-connect.yaml").await;
    let startup: Value = serde_json::from_str(&running.startup_line()).unwrap();
    for name in ["moonkey", "dynamic", "paragraph", "nango", "control"] {
        assert!(startup.get(name).is_some(), "the startup line keeps {name}");
    }
    let reference = super::reference(&document("nango-connect.yaml"));
    let conforms = |method: &str, template: &str, status: u16, bytes: &[u8]| {
        assert_conforms(&reference, method, template, status, bytes)
    };
    let nango = running.url("nango").unwrap().to_string();
    let namespace = "nango-flow";
    let secret_key = "7c1e5a2f-9d4b-4e8a-b3c6-2f1d8e7a9b05";
    let sent =
        json!({"end_user": {"id": "user-8f2c41", "email": "ada@example.com"}, "allowed_integrations": ["github"]});
    let (status, created, bytes) = call(
        &nango,
        Method::POST,
        "/connect/sessions",
        Some(secret_key),
        Some(sent.clone()),
        namespace,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    conforms("POST", "/connect/sessions", status, &bytes);
    let token = created["data"]["token"].as_str().unwrap().to_string();
    assert!(
        token.starts_with("nango_connect_session_") && token.len() == 22 + 64,
        "{token}"
    );

    let (status, read, bytes) = call(&nango, Method::GET, "/connect/session", Some(&token), None, namespace).await;
    assert_eq!(status, 200, "{read}");
    conforms("GET", "/connect/session", status, &bytes);
    assert_eq!(
        read["data"]["end_user"], sent["end_user"],
        "the read answers what the create was given"
    );
    assert_eq!(read["data"]["allowed_integrations"], json!(["github"]));

    let (status, _, _) = call(
        &nango,
        Method::DELETE,
        "/connect/session",
        Some(&token),
        None,
        namespace,
    )
    .await;
    assert_eq!(status, 204, "the compiled delete accepts the token the create made");
    for method in [Method::GET, Method::DELETE] {
        let (status, body, _) = call(
            &nango,
            method.clone(),
            "/connect/session",
            Some(&token),
            None,
            namespace,
        )
        .await;
        assert_eq!(
            (status, body["error"]["code"].as_str()),
            (401, Some("unknown_connect_session_token")),
            "{method} after the delete"
        );
    }
    let (status, _, _) = call(
        &nango,
        Method::GET,
        "/connect/session",
        Some(&token),
        None,
        "another-namespace",
    )
    .await;
    assert_eq!(status, 401, "the session is its namespace's alone");

    // The create is refused as the service refuses it.
    let (status, body, _) = call(
        &nango,
        Method::POST,
        "/connect/sessions",
        None,
        Some(sent.clone()),
        namespace,
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("missing_auth_header"))
    );
    let (status, body, _) = call(
        &nango,
        Method::POST,
        "/connect/sessions",
        Some(&token),
        Some(sent),
        namespace,
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("invalid_secret_key_format")),
        "a connect session token is not a secret key"
    );
    let (status, body, bytes) = call(
        &nango,
        Method::POST,
        "/connect/sessions",
        Some(secret_key),
        Some(json!({"end_user": {}})),
        namespace,
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("invalid_body")),
        "{body}"
    );
    conforms("POST", "/connect/sessions", status, &bytes);

    let control = running.url("control").unwrap();
    let journal = super::journal(control, namespace).await;
    let answered: Vec<&str> = journal.iter().map(|e| e["answered_by"].as_str().unwrap()).collect();
    assert!(answered.iter().all(|a| *a == "override"), "{answered:?}");
    let operations: Vec<&str> = journal
        .iter()
        .take(3)
        .map(|e| e["operation"].as_str().unwrap())
        .collect();
    assert_eq!(
        operations,
        ["post_connect_sessions", "get_connect_session", "delete_connect_session"]
    );
    let apis = super::control_get(control, "/apis", None).await;
    let listed = apis.as_array().unwrap().iter().find(|a| a["name"] == "nango").unwrap();
    assert_eq!(
        listed["overridden"],
        json!(["delete_connect_session", "post_connect_sessions", "get_connect_session"])
    );
    assert!(
        listed["operations"].as_u64().unwrap() > 3,
        "the rest is served from the document"
    );
    let embedded = apis
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == "paragraph")
        .unwrap();
    assert_eq!(
        embedded["overridden"],
        json!(["deleteAuthSession"]),
        "siblings the embedded document lacks are not listed"
    );
    running.stop().await.unwrap();
}

#[tokio::test]
async fn a_paragraph_auth_session_made_by_the_create_is_polled_pending_denied_then_404() {
    let running = with_fuller("paragraph", "paragraph-auth.yaml").await;
    let reference = super::reference(&document("paragraph-auth.yaml"));
    let conforms = |method: &str, template: &str, status: u16, bytes: &[u8]| {
        assert_conforms(&reference, method, template, status, bytes)
    };
    let paragraph = running.url("paragraph").unwrap().to_string();
    let namespace = "paragraph-flow";
    let sent = json!({"deviceName": "ada@MacBook-Pro.local", "callbackUrl": "https://localhost:8976/callback"});
    let (status, created, bytes) = call(
        &paragraph,
        Method::POST,
        "/v1/api/auth/sessions",
        None,
        Some(sent),
        namespace,
    )
    .await;
    assert_eq!(status, 201, "{created}");
    conforms("POST", "/v1/api/auth/sessions", status, &bytes);
    let id = created["sessionId"].as_str().unwrap().to_string();
    assert!(created["verificationUrl"].as_str().unwrap().ends_with(&id));
    let item = format!("/v1/api/auth/sessions/{id}");
    let template = "/v1/api/auth/sessions/{sessionId}";

    let (status, polled, bytes) = call(&paragraph, Method::GET, &item, None, None, namespace).await;
    assert_eq!(status, 200);
    conforms("GET", template, status, &bytes);
    assert_eq!(
        polled,
        json!({"status": "pending", "deviceName": "ada@MacBook-Pro.local", "callbackUrl": "https://localhost:8976/callback"})
    );
    let (status, denied, bytes) = call(&paragraph, Method::DELETE, &item, None, None, namespace).await;
    assert_eq!(
        (status, &denied),
        (200, &json!({"success": true})),
        "the compiled deny denies the created session"
    );
    conforms("DELETE", template, status, &bytes);
    let (status, gone, bytes) = call(&paragraph, Method::GET, &item, None, None, namespace).await;
    assert_eq!(
        (status, &gone),
        (404, &json!({"message": "Session not found"})),
        "a denied session is deleted"
    );
    conforms("GET", template, status, &bytes);
    let (status, again, _) = call(&paragraph, Method::DELETE, &item, None, None, namespace).await;
    assert_eq!((status, again["success"].as_bool()), (404, Some(false)));

    // A completed session (made through the control API) hands over its API key, every poll alike.
    let control = running.url("control").unwrap().to_string();
    let response = reqwest::Client::new()
        .post(format!("{control}/paragraph/sessions"))
        .header(understudy::NAMESPACE_HEADER, namespace)
        .json(&json!({"status": "completed"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let completed: Value = response.json().await.unwrap();
    let item = format!("/v1/api/auth/sessions/{}", completed["session_id"].as_str().unwrap());
    let (status, first, bytes) = call(&paragraph, Method::GET, &item, None, None, namespace).await;
    conforms("GET", template, status, &bytes);
    assert_eq!(first["status"], "completed", "{first}");
    assert!(
        first["apiKey"].as_str().is_some_and(|k| k.starts_with("para_")),
        "{first}"
    );
    let (_, second, _) = call(&paragraph, Method::GET, &item, None, None, namespace).await;
    assert_eq!(first, second);

    // A body the document refuses, and a callback that is not HTTPS, in Paragraph's error shape.
    for body in [
        json!({"deviceName": 12}),
        json!({"callbackUrl": "http://localhost:8976/callback"}),
    ] {
        let (status, refused, _) = call(
            &paragraph,
            Method::POST,
            "/v1/api/auth/sessions",
            None,
            Some(body.clone()),
            namespace,
        )
        .await;
        assert_eq!(
            (status, refused["success"].as_bool()),
            (400, Some(false)),
            "{body}: {refused}"
        );
        assert!(refused["msg"].is_string());
    }
    running.stop().await.unwrap();
}

#[tokio::test]
async fn a_vendor_document_without_the_compiled_operation_stops_the_start_naming_it() {
    let error = understudy::start(Options {
        specs: vec![SpecSource {
            name: Some("dynamic".into()),
            path: document("pets-crud-3.0.yaml"),
        }],
        ..Options::ephemeral()
    })
    .await
    .err()
    .expect("the start fails");
    assert!(error.contains("PUT /sessions/{sessionId}/revoke"), "{error}");
    assert!(error.contains("pets-crud-3.0.yaml"), "{error}");
}

#[tokio::test]
async fn a_vendors_port_answers_an_unknown_path_in_its_documents_shape_with_cors() {
    let running = understudy::start(Options::ephemeral()).await.unwrap();
    let nango = running.url("nango").unwrap();
    let response = reqwest::Client::new()
        .get(format!("{nango}/no/such/path"))
        .header("origin", "http://localhost:3000")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(
        response.headers()["access-control-allow-origin"],
        "http://localhost:3000"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "not_found", "Nango's StdError shape: {body}");
    running.stop().await.unwrap();
}
