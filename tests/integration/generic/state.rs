//! State inferred from a document, over HTTP: what is created is there to read, list, change and
//! act on, gone after delete and 404 after that; parents scope their items; ids are made from
//! their schemas or given by the client; namespaces are apart and reset; and every answer keeps to
//! the document (or, for a 404 it does not document, says so).

use std::path::PathBuf;

use reqwest::Method;
use serde_json::{json, Value};

use super::reference;

const NAMESPACE: &str = "state-test";

fn document(file: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/documents")).join(file)
}

/// One API of a running Understudy, with the document its answers are held to.
struct Api {
    base: String,
    control: String,
    reference: understudy::spec::Document,
    http: reqwest::Client,
    namespace: &'static str,
    _running: understudy::Running,
}

impl Api {
    async fn start(file: &str, options: understudy::Options) -> Api {
        let path = document(file);
        let name = super::name_of(&path);
        let running = understudy::start(understudy::Options {
            specs: vec![understudy::SpecSource {
                name: Some(name.clone()),
                path: path.clone(),
            }],
            no_vendors: true,
            ..options
        })
        .await
        .expect("understudy starts");
        Api {
            base: running.url(&name).unwrap().to_string(),
            control: running.url("control").unwrap().to_string(),
            reference: reference(&path),
            http: reqwest::Client::new(),
            namespace: NAMESPACE,
            _running: running,
        }
    }

    /// Sends a call and holds the answer to the document: a documented status with a valid body,
    /// or an undocumented 404 that says it is one.
    async fn call(&self, method: &str, template: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        self.call_as(method, template, path, body, "application/json").await
    }

    async fn call_as(
        &self,
        method: &str,
        template: &str,
        path: &str,
        body: Option<Value>,
        media: &str,
    ) -> (u16, Value) {
        let mut request = self
            .http
            .request(
                Method::from_bytes(method.as_bytes()).unwrap(),
                format!("{}{path}", self.base),
            )
            .bearer_auth("reader-token")
            .header(understudy::NAMESPACE_HEADER, self.namespace);
        if let Some(body) = body {
            request = request.header("content-type", media).body(body.to_string());
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let departure = response
            .headers()
            .get(understudy::DEPARTURE_HEADER)
            .map(|v| v.to_str().unwrap().to_string());
        assert!(
            response.headers().get(understudy::WARNING_HEADER).is_none(),
            "{method} {path}: {:?}",
            response.headers().get(understudy::WARNING_HEADER)
        );
        let bytes = response.bytes().await.unwrap();
        match departure.as_deref() {
            Some("state-undocumented-404") => assert_eq!(status, 404),
            Some(other) => panic!("{method} {path}: unexpected departure {other}"),
            None => assert_eq!(
                self.reference.responses().check(method, template, status, &bytes),
                Ok(()),
                "{method} {path} {status}: {}",
                String::from_utf8_lossy(&bytes)
            ),
        }
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    /// Creates a book (201) in the library document; its id.
    async fn create_lathe(&self) -> String {
        let lathe = json!({"title": "Lathe", "author": "Le Guin", "isbn": "9780380003419"});
        let (status, created) = self.call("POST", "/books", "/books", Some(lathe)).await;
        assert_eq!(status, 201, "{created}");
        created["id"].as_str().expect("a made id").to_string()
    }

    async fn control(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut request = self
            .http
            .request(
                Method::from_bytes(method.as_bytes()).unwrap(),
                format!("{}{path}", self.control),
            )
            .header(understudy::NAMESPACE_HEADER, self.namespace);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn a_book_is_created_read_listed_patched_replaced_lent_returned_and_deleted() {
    let api = Api::start("library-3.1.yaml", understudy::Options::ephemeral()).await;
    let dispossessed =
        json!({"title": "The Dispossessed", "author": "Ursula K. Le Guin", "isbn": "9780061054884", "shelf": "SF-110"});
    let (status, created) = api.call("POST", "/books", "/books", Some(dispossessed)).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    assert!(
        uuid::Uuid::parse_str(&id).is_ok(),
        "a uuid made from the id's schema: {id}"
    );
    assert_eq!(created["title"], "The Dispossessed", "request values win");

    let item = format!("/books/{id}");
    let (status, read) = api.call("GET", "/books/{bookId}", &item, None).await;
    assert_eq!((status, &read["isbn"]), (200, &json!("9780061054884")));

    // Listed with the two seeded from the list example, and filtered by a field-named parameter.
    let (_, all) = api.call("GET", "/books", "/books", None).await;
    let ids: Vec<&str> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&id.as_str()) && ids.len() >= 3, "{ids:?}");
    assert_eq!(all["total"], ids.len());
    let (_, paged) = api.call("GET", "/books", "/books?limit=1&offset=1", None).await;
    assert_eq!(paged["items"].as_array().unwrap().len(), 1);
    assert_eq!(paged["items"][0]["id"], all["items"][1]["id"], "offset 1 is the second");
    let (_, by_author) = api
        .call("GET", "/books", "/books?author=Ursula%20K.%20Le%20Guin", None)
        .await;
    assert!(by_author["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|b| b["author"] == "Ursula K. Le Guin"));

    let (status, patched) = api
        .call_as(
            "PATCH",
            "/books/{bookId}",
            &item,
            Some(json!({"publishedYear": 1974, "id": "nope"})),
            "application/merge-patch+json",
        )
        .await;
    assert_eq!(
        (status, &patched["publishedYear"], &patched["id"]),
        (200, &json!(1974), &json!(id)),
        "the id stays"
    );
    let (_, patched) = api
        .call_as(
            "PATCH",
            "/books/{bookId}",
            &item,
            Some(json!([{"op": "replace", "path": "/title", "value": "The Dispossessed: An Ambiguous Utopia"}])),
            "application/json-patch+json",
        )
        .await;
    assert_eq!(patched["title"], "The Dispossessed: An Ambiguous Utopia");
    assert_eq!(patched["publishedYear"], 1974, "earlier changes stay");
    let (status, replaced) = api
        .call(
            "PUT",
            "/books/{bookId}",
            &item,
            Some(json!({"title": "Always Coming Home", "author": "Ursula K. Le Guin", "isbn": "9780060150396"})),
        )
        .await;
    assert_eq!(
        (status, &replaced["id"], &replaced["isbn"]),
        (200, &json!(id), &json!("9780060150396"))
    );

    // A loan under the book: integer ids, scoped to it, and an action that stamps it.
    let loans = format!("{item}/loans");
    let (status, loan) = api
        .call(
            "POST",
            "/books/{bookId}/loans",
            &loans,
            Some(json!({"memberCardNumber": "LIB-004217", "dueOn": "2026-12-24"})),
        )
        .await;
    assert_eq!(status, 201, "{loan}");
    assert_eq!(loan["bookId"], json!(id), "the parent's value fills its field");
    let loan_id = loan["id"].as_i64().unwrap();
    let (_, listed) = api.call("GET", "/books/{bookId}/loans", &loans, None).await;
    let listed = listed
        .as_array()
        .or(listed["items"].as_array())
        .cloned()
        .unwrap_or_default();
    assert_eq!(listed.len(), 1, "only this book's loans: {listed:?}");
    let clock: Value = api.control("GET", "/clock", None).await.1;
    let returned_path = format!("{loans}/{loan_id}/return");
    let (status, returned) = api
        .call("POST", "/books/{bookId}/loans/{loanId}/return", &returned_path, None)
        .await;
    assert_eq!((status, &returned["status"]), (200, &json!("returned")), "{returned}");
    let stamp = returned["returnedAt"].as_str().unwrap().to_string();
    let stamped = stamp.parse::<chrono::DateTime<chrono::Utc>>().unwrap();
    let before = clock["now"]
        .as_str()
        .unwrap()
        .parse::<chrono::DateTime<chrono::Utc>>()
        .unwrap();
    let gap = (stamped - before).num_milliseconds();
    assert!(
        (0..5_000).contains(&gap),
        "stamped by the namespace's clock: {before} then {stamped}"
    );
    let (_, again) = api
        .call("POST", "/books/{bookId}/loans/{loanId}/return", &returned_path, None)
        .await;
    assert_eq!(again["returnedAt"], json!(stamp), "a repeat keeps the first stamp");

    let (status, _) = api.call("DELETE", "/books/{bookId}", &item, None).await;
    assert_eq!(status, 204);
    for (template, path) in [
        ("/books/{bookId}", item.clone()),
        ("/books/{bookId}/loans", loans.clone()),
        ("/books/{bookId}/loans/{loanId}", format!("{loans}/{loan_id}")),
    ] {
        let (status, body) = api.call("GET", template, &path, None).await;
        assert_eq!(status, 404, "{path} after the delete: {body}");
    }
    let (status, _) = api.call("DELETE", "/books/{bookId}", &item, None).await;
    assert_eq!(status, 404, "a second delete finds nothing");

    // The journal says what each call did.
    let journal = super::journal(&api.control, NAMESPACE).await;
    let steps: Vec<(String, String)> = journal
        .iter()
        .filter_map(|e| {
            Some((
                e["state_role"].as_str()?.to_string(),
                e["state_outcome"].as_str()?.to_string(),
            ))
        })
        .collect();
    assert_eq!(steps.first(), Some(&("create".to_string(), "created".to_string())));
    assert!(steps.contains(&("delete".to_string(), "deleted".to_string())));
    assert!(steps.contains(&("read".to_string(), "missing".to_string())));
}

#[tokio::test]
async fn client_supplied_ids_create_with_put_and_ids_named_by_extension_are_used() {
    let api = Api::start("library-3.1.yaml", understudy::Options::ephemeral()).await;
    let shelf = json!({"name": "Poetry", "floor": 2, "capacity": 120});
    let (status, created) = api
        .call("PUT", "/shelves/{shelfCode}", "/shelves/PO-201", Some(shelf.clone()))
        .await;
    assert_eq!(
        (status, &created["code"]),
        (201, &json!("PO-201")),
        "PUT creates where 201 is documented"
    );
    let (status, _) = api
        .call("PUT", "/shelves/{shelfCode}", "/shelves/PO-201", Some(shelf))
        .await;
    assert_eq!(status, 200, "and replaces after that");
    let (_, shelves) = api.call("GET", "/shelves", "/shelves", None).await;
    assert!(shelves.to_string().contains("PO-201"), "{shelves}");

    let (status, member) = api
        .call(
            "POST",
            "/members",
            "/members",
            Some(json!({"name": "Shevek", "email": "shevek@anarres.example"})),
        )
        .await;
    assert_eq!(status, 201, "{member}");
    let card = member["cardNumber"].as_str().unwrap();
    let (status, read) = api
        .call("GET", "/members/{memberNo}", &format!("/members/{card}"), None)
        .await;
    assert_eq!(
        (status, &read["name"]),
        (200, &json!("Shevek")),
        "x-understudy-id: cardNumber"
    );
}

#[tokio::test]
async fn namespaces_are_apart_reset_forgets_and_the_control_api_seeds() {
    let api = Api::start("library-3.1.yaml", understudy::Options::ephemeral()).await;
    let item = format!("/books/{}", api.create_lathe().await);
    let other = Api {
        namespace: "someone-else",
        ..api
    };
    let (status, _) = other.call("GET", "/books/{bookId}", &item, None).await;
    assert_eq!(status, 404, "another namespace does not see it");
    let api = Api {
        namespace: NAMESPACE,
        ..other
    };
    assert_eq!(api.call("GET", "/books/{bookId}", &item, None).await.0, 200);
    let (status, resources) = api.control("GET", "/apis/library-3-1/resources", None).await;
    assert_eq!(status, 200);
    let books = resources
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "books")
        .unwrap();
    assert_eq!(books["id_field"], "id");
    assert!(books["records"].as_u64().unwrap() >= 3);

    api.control("POST", "/reset", None).await;
    assert_eq!(
        api.call("GET", "/books/{bookId}", &item, None).await.0,
        404,
        "reset forgets it"
    );
    let seeded = json!({"id": "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5", "title": "Seeded", "author": "Control", "isbn": "9780000000002", "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z"});
    let (status, _) = api
        .control("POST", "/apis/library-3-1/resources/books", Some(seeded))
        .await;
    assert_eq!(status, 201);
    let (status, read) = api
        .call(
            "GET",
            "/books/{bookId}",
            "/books/0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5",
            None,
        )
        .await;
    assert_eq!((status, &read["title"]), (200, &json!("Seeded")));
}

#[tokio::test]
async fn an_action_alone_reproduces_dynamics_revoke_and_an_undocumented_404_is_said_to_be_one() {
    for (choice, missing_status) in [
        (understudy::UndocumentedStatus::Strict, 404),
        (understudy::UndocumentedStatus::Lenient, 200),
    ] {
        let api = Api::start(
            "dynamic-sessions.yaml",
            understudy::Options {
                undocumented_status: choice,
                ..understudy::Options::ephemeral()
            },
        )
        .await;
        let session =
            json!({"id": "95b11417-f18f-457f-8804-68e361f9164f", "userId": "u1", "createdAt": "2026-11-01T00:00:00Z"});
        let (status, _) = api
            .control("POST", "/apis/dynamic-sessions/resources/sessions", Some(session))
            .await;
        assert_eq!(status, 201);
        let path = "/sessions/95b11417-f18f-457f-8804-68e361f9164f/revoke";
        let (status, revoked) = api.call("PUT", "/sessions/{sessionId}/revoke", path, None).await;
        assert_eq!(status, 200, "{revoked}");
        assert!(revoked["revokedAt"].is_string(), "revoke sets revokedAt: {revoked}");
        let (_, again) = api.call("PUT", "/sessions/{sessionId}/revoke", path, None).await;
        assert_eq!(again["revokedAt"], revoked["revokedAt"], "idempotent");
        let (status, body) = api
            .call(
                "PUT",
                "/sessions/{sessionId}/revoke",
                "/sessions/00000000-0000-4000-8000-000000000000/revoke",
                None,
            )
            .await;
        assert_eq!(status, missing_status, "{choice:?}: {body}");
        if missing_status == 404 {
            assert_eq!(body["status"], 404, "application/problem+json: {body}");
        }
    }
}

#[tokio::test]
async fn created_and_updated_stamps_follow_the_namespaces_clock() {
    let api = Api::start("library-3.1.yaml", understudy::Options::ephemeral()).await;
    let parse = |text: &Value| chrono::DateTime::parse_from_rfc3339(text.as_str().unwrap()).unwrap();
    let (_, clock) = api.control("GET", "/clock", None).await;
    let start = parse(&clock["now"]);
    let lathe = json!({"title": "The Lathe of Heaven", "author": "Ursula K. Le Guin", "isbn": "9780380003419"});
    let (status, book) = api.call("POST", "/books", "/books", Some(lathe)).await;
    assert_eq!(status, 201, "{book}");
    let created = parse(&book["createdAt"]);
    assert!(
        (created - start).num_seconds().abs() <= 2,
        "createdAt is the namespace's clock at the create: {created} against {start}"
    );
    assert_eq!(
        book["updatedAt"], book["createdAt"],
        "not nullable: updated when created"
    );

    let (status, _) = api
        .control("POST", "/clock/advance", Some(json!({"seconds": 86400})))
        .await;
    assert_eq!(status, 200);
    let item = format!("/books/{}", book["id"].as_str().unwrap());
    let (status, patched) = api
        .call_as(
            "PATCH",
            "/books/{bookId}",
            &item,
            Some(json!({"publishedYear": 1971})),
            "application/merge-patch+json",
        )
        .await;
    assert_eq!(status, 200, "{patched}");
    assert_eq!(patched["createdAt"], book["createdAt"], "the creation stays");
    let updated = parse(&patched["updatedAt"]);
    assert!(
        (updated - created).num_seconds() >= 86400,
        "updatedAt is the advanced clock: {updated} after {created}"
    );
}

#[tokio::test]
async fn a_record_put_through_the_control_api_gets_its_id_typed_as_the_schema_says() {
    let api = Api::start("library-3.1.yaml", understudy::Options::ephemeral()).await;
    let book = api.create_lathe().await;
    // The body names no id: the path's `7` is stored as the integer the Loan schema asks for.
    let loan = json!({"bookId": book, "memberCardNumber": "LIB-004217", "loanedAt": "2026-11-01T10:00:00Z",
                      "dueOn": "2026-12-01", "returnedAt": null, "status": "active"});
    let (status, put) = api
        .control(
            "PUT",
            &format!("/apis/library-3-1/resources/loans/7?parents={book}"),
            Some(loan),
        )
        .await;
    assert_eq!(status, 200, "{put}");
    assert_eq!(put["record"]["id"], json!(7), "{put}");
    let (status, read) = api
        .call(
            "GET",
            "/books/{bookId}/loans/{loanId}",
            &format!("/books/{book}/loans/7"),
            None,
        )
        .await;
    assert_eq!((status, &read["id"]), (200, &json!(7)), "{read}");
    let (status, refused) = api
        .control(
            "PUT",
            &format!("/apis/library-3-1/resources/loans/8?parents={book}"),
            Some(json!(["not", "a", "record"])),
        )
        .await;
    assert_eq!(status, 400, "a record is an object: {refused}");
}

#[tokio::test]
async fn a_record_of_another_shape_than_the_answer_gives_the_answer_only_the_fields_that_fit() {
    // `call` refuses an answer with a warning and holds every other to the document.
    let api = Api::start("secrets-3.0.yaml", understudy::Options::ephemeral()).await;
    let secret = json!({"encrypted_value": "c2VjcmV0", "key_id": "568250167242549743"});
    let (status, created) = api
        .call("PUT", "/secrets/{secretName}", "/secrets/API_TOKEN", Some(secret))
        .await;
    assert_eq!(
        (status, &created),
        (201, &json!({})),
        "an empty object allows none of the record's fields"
    );
    let (status, read) = api
        .call("GET", "/secrets/{secretName}", "/secrets/API_TOKEN", None)
        .await;
    assert_eq!((status, &read["name"]), (200, &json!("API_TOKEN")), "{read}");
    assert!(read.get("encrypted_value").is_none(), "never read back: {read}");
    let (status, listed) = api.call("GET", "/secrets", "/secrets", None).await;
    assert_eq!((status, &listed["total_count"]), (200, &json!(1)), "{listed}");
    assert_eq!(listed["secrets"][0]["name"], "API_TOKEN", "{listed}");

    // A list of plain names for records that are objects: one generated name a record.
    for name in ["Rust", "Node"] {
        let (status, put) = api
            .control(
                "PUT",
                &format!("/apis/secrets-3-0/resources/templates/{name}"),
                Some(json!({"source": "target/\n"})),
            )
            .await;
        assert_eq!(status, 200, "{put}");
    }
    let (status, names) = api.call("GET", "/templates", "/templates", None).await;
    assert_eq!(status, 200, "{names}");
    let names = names.as_array().expect("a list");
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.iter().all(Value::is_string), "{names:?}");
}
