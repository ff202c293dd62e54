//! Test plumbing: start a server, describe a call, send it, and check the response against the
//! vendor's spec — every response a test sees must validate against the spec or carry a departure
//! header naming an entry of the register for that vendor.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use understudy::spec::Nonconformance;
use understudy::{Fidelity, Operation, Options, Running, DEPARTURE_HEADER};

/// A running Understudy and an HTTP client for it.
pub struct Mock {
    pub running: Running,
    pub fidelity: Fidelity,
    http: reqwest::Client,
}

impl Mock {
    pub async fn start() -> Self {
        Self::start_in(Fidelity::Live).await
    }

    pub async fn start_in(fidelity: Fidelity) -> Self {
        Self::start_with(Options {
            fidelity,
            ..Options::ephemeral()
        })
        .await
    }

    /// Understudy serving the test document `file` (in tests/documents/) as `name`, beside the
    /// vendors unless `alone`.
    pub async fn serving(name: &str, file: &str, alone: bool) -> Self {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/documents")
            .join(file);
        Self::start_with(Options {
            specs: vec![understudy::SpecSource {
                name: Some(name.into()),
                path,
            }],
            no_vendors: alone,
            ..Options::ephemeral()
        })
        .await
    }

    pub async fn start_with(options: Options) -> Self {
        let fidelity = options.fidelity;
        let running = understudy::start(options)
            .await
            .expect("understudy starts on ephemeral ports");
        Self {
            running,
            fidelity,
            http: reqwest::Client::new(),
        }
    }

    pub fn control(&self) -> Control<'_> {
        Control {
            mock: self,
            namespace: None,
        }
    }

    pub fn url(&self, vendor: &str) -> String {
        self.running.url(vendor).expect("every vendor is served").to_string()
    }

    /// Sends a call and checks the response against the spec (see [`Response::check_against_spec`]).
    pub async fn send(&self, call: Call) -> Response {
        let url = format!(
            "{}{}{}",
            self.url(call.vendor),
            call.path,
            call.query.as_ref().map(|q| format!("?{q}")).unwrap_or_default()
        );
        let method = reqwest::Method::from_bytes(call.method.as_bytes()).expect("a valid method");
        let mut request = self.http.request(method, url);
        for (name, value) in &call.headers {
            request = request.header(name, value);
        }
        if let Some(body) = call.body.clone() {
            request = request.body(body);
        }
        let response = request.send().await.expect("the server answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.bytes().await.expect("the body arrives").to_vec();
        let response = Response {
            call,
            status,
            headers,
            body,
        };
        response.check_against_spec(self.fidelity);
        response
    }
}

/// An HTTP client that sends `Authorization: Bearer <token>` with every request, for the generated
/// clients (progenitor leaves credentials to the reqwest client it is given).
pub fn bearer_client(token: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(
        reqwest::header::AUTHORIZATION,
        format!("Bearer {token}").parse().expect("a header-safe token"),
    );
    reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("a reqwest client")
}

/// One request to a vendor operation, described as the spec describes the operation.
#[derive(Debug, Clone)]
pub struct Call {
    pub vendor: &'static str,
    pub method: &'static str,
    /// The spec's path template, for validation.
    pub template: &'static str,
    /// The concrete path under the base path.
    pub path: String,
    pub query: Option<String>,
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
}

impl Call {
    /// A call to one of the vendors' operations, as the vendor module names it.
    pub fn to(operation: &'static Operation) -> Self {
        Self::raw(operation.vendor, operation.method, operation.template)
    }

    /// A call to an operation the spec describes (for tests that walk the specs themselves).
    pub fn raw(vendor: &'static str, method: &'static str, template: &'static str) -> Self {
        Self {
            vendor,
            method,
            template,
            path: template.to_string(),
            query: None,
            headers: Vec::new(),
            body: None,
        }
    }

    /// Fills `{name}` in the path.
    pub fn param(mut self, name: &str, value: &str) -> Self {
        self.path = self.path.replace(&format!("{{{name}}}"), value);
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Sends the call in a namespace of its own (replacing any namespace set before).
    pub fn namespace(mut self, namespace: &str) -> Self {
        self.headers.retain(|(name, _)| name != understudy::NAMESPACE_HEADER);
        self.header(understudy::NAMESPACE_HEADER, namespace)
    }

    pub fn bearer(self, token: &str) -> Self {
        self.header("authorization", &format!("Bearer {token}"))
    }

    pub fn query(mut self, query: &str) -> Self {
        self.query = Some(query.to_string());
        self
    }

    /// A JSON body with `Content-Type: application/json`.
    pub fn json(self, body: Value) -> Self {
        self.header("content-type", "application/json")
            .raw_body(body.to_string().into_bytes())
    }

    pub fn raw_body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some(body.into());
        self
    }
}

#[derive(Debug)]
pub struct Response {
    pub call: Call,
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{} is not JSON ({e}): {:?}",
                self.describe(),
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn is_forced(&self) -> bool {
        self.headers.contains_key(understudy::FORCED_HEADER)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn departure(&self) -> Option<&str> {
        self.headers.get(DEPARTURE_HEADER).and_then(|v| v.to_str().ok())
    }

    fn describe(&self) -> String {
        format!(
            "{} {} {} -> {}",
            self.call.vendor, self.call.method, self.call.path, self.status
        )
    }

    /// Every response validates against the vendor's spec, or departs from it as a registered entry
    /// of this vendor says. In spec mode a departure may only be a status the spec does not document:
    /// a documented status always gets a body that validates.
    pub fn check_against_spec(&self, fidelity: Fidelity) {
        let spec = understudy::spec::of(self.call.vendor);
        let verdict = spec
            .responses()
            .check(self.call.method, self.call.template, self.status, &self.body);
        if self.is_forced() {
            // A forced status the spec documents must still get a body that fits it.
            let undocumented = matches!(verdict, Err(Nonconformance::UndocumentedStatus(_)));
            assert!(
                verdict.is_ok() || undocumented,
                "{}: forced, and breaks the spec: {verdict:?}",
                self.describe()
            );
            return;
        }
        assert!(
            self.status < 500,
            "{} is a server error: {:?}",
            self.describe(),
            String::from_utf8_lossy(&self.body)
        );
        let Err(nonconformance) = verdict else { return };
        let departure = self.departure().unwrap_or_else(|| {
            panic!(
                "{} does not conform to specs/{}.yaml and names no departure: {nonconformance}",
                self.describe(),
                self.call.vendor
            )
        });
        assert!(
            registered_departures(self.call.vendor).contains(departure),
            "{} names departure {departure:?}, which the register has no entry for under {}",
            self.describe(),
            self.call.vendor
        );
        if fidelity == Fidelity::Spec {
            assert!(
                matches!(nonconformance, Nonconformance::UndocumentedStatus(_)),
                "in spec mode {} answered a documented status with a body that breaks the spec: {nonconformance}",
                self.describe()
            );
        }
    }

    /// The response as a snapshot: status, the headers that matter to a client, and the body with
    /// volatile fields redacted by [`assert_snapshot`].
    pub fn snapshot(&self) -> Value {
        let body = if self.body.is_empty() { Value::Null } else { self.json() };
        json!({
            "status": self.status,
            "content-type": self.headers.get("content-type").and_then(|v| v.to_str().ok()),
            "departure": self.departure(),
            "body": body,
        })
    }
}

fn registered_departures(vendor: &str) -> HashSet<&'static str> {
    understudy::vendors::departures()
        .into_iter()
        .filter(|(declared_by, _)| *declared_by == vendor)
        .map(|(_, d)| d.id)
        .collect()
}

/// Compares the response with `snapshots/<name>.snap` (timestamps redacted).
pub fn assert_snapshot(name: &str, response: &Response) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.set_info(&format!(
        "{} {} {}",
        response.call.vendor, response.call.method, response.call.path
    ));
    settings.add_redaction(".body.createdAt", "[timestamp]");
    settings.add_redaction(".body.revokedAt", "[timestamp]");
    settings.bind(|| insta::assert_json_snapshot!(name, response.snapshot()));
}

/// The control API of a [`Mock`], in one namespace.
pub struct Control<'a> {
    mock: &'a Mock,
    namespace: Option<String>,
}

impl Control<'_> {
    pub fn namespace(mut self, namespace: &str) -> Self {
        self.namespace = Some(namespace.to_string());
        self
    }

    /// Sends a control call; returns the status and the JSON body (`null` when empty).
    pub async fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("{}{path}", self.mock.url("control"));
        let mut request = self
            .mock
            .http
            .request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), url);
        if let Some(namespace) = &self.namespace {
            request = request.header(understudy::NAMESPACE_HEADER, namespace);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("the control API answers");
        let status = response.status().as_u16();
        let bytes = response.bytes().await.unwrap();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).expect("control answers JSON")
        };
        (status, body)
    }

    pub async fn get(&self, path: &str) -> Value {
        let (status, body) = self.call("GET", path, None).await;
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    pub async fn post(&self, path: &str, body: Value) -> Value {
        let (status, answer) = self.call("POST", path, Some(body)).await;
        assert!(
            status == 200 || status == 201 || status == 204,
            "POST {path}: {status} {answer}"
        );
        answer
    }

    /// The namespace's time.
    pub async fn now(&self) -> DateTime<Utc> {
        let now = self.get("/clock").await;
        let text = now["now"].as_str().expect("the clock answers a time");
        DateTime::parse_from_rfc3339(text)
            .expect("an RFC 3339 time")
            .with_timezone(&Utc)
    }

    /// Moves the namespace's clock forward.
    pub async fn advance(&self, seconds: i64) -> DateTime<Utc> {
        self.post("/clock/advance", json!({"seconds": seconds})).await;
        self.now().await
    }

    /// How many journal entries match `query` (`vendor=…&operation=…&status=…`).
    pub async fn count(&self, query: &str) -> u64 {
        self.get(&format!("/journal/count?{query}")).await["count"]
            .as_u64()
            .expect("a count")
    }
}
