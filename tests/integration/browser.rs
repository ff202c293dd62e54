//! A real browser (headless Chromium) on a page served from another origin calls every vendor
//! operation with `fetch()` — preflights, credentials and all — and the test asserts what the page
//! read. Without a browser the test says it was skipped; under CI (`CI=true`) a missing browser fails.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use understudy::vendors::{dynamic, moonkey};

use crate::default_data;
use crate::harness::Mock;

/// `UNDERSTUDY_CHROMIUM`, or the first Chromium-like browser on `PATH`.
/// The browser, or `None` with the test named as skipped; under CI, where .ci/run installs it, a
/// missing browser fails the test instead.
fn browser_or_skip(test: &str) -> Option<PathBuf> {
    let found = find_browser();
    if found.is_none() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true and no Chromium: .ci/run installs it"
        );
        eprintln!("SKIPPED {test}: no Chromium on PATH (apt-get install chromium)");
    }
    found
}

fn find_browser() -> Option<PathBuf> {
    if let Some(explicit) = std::env::var_os("UNDERSTUDY_CHROMIUM") {
        return Some(PathBuf::from(explicit));
    }
    let dirs: Vec<PathBuf> = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()).collect();
    let names = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];
    names
        .iter()
        .flat_map(|name| dirs.iter().map(move |dir| dir.join(name)))
        .find(|path| path.is_file())
}

/// The page: one fetch per case, results written into `<pre id="results">` as JSON.
fn page(mock: &Mock) -> String {
    let cases = json!([
        ["moonkey_200", format!("{}/v1/auth/sessions/delete", mock.url("moonkey")), "DELETE",
         {"Authorization": format!("Bearer {}", moonkey::EXAMPLE_SECRET_KEY), "Content-Type": "application/json"},
         json!({"session_token": default_data::moonkey_session_token()}).to_string()],
        ["moonkey_401", format!("{}/v1/auth/sessions/delete", mock.url("moonkey")), "DELETE",
         {"Content-Type": "application/json"}, json!({"session_id": "x"}).to_string()],
        ["dynamic_200", format!("{}/sessions/{}/revoke", mock.url("dynamic"), default_data::dynamic_session_id()), "PUT",
         {"Authorization": format!("Bearer {}", dynamic::EXAMPLE_TOKEN)}, null],
        ["dynamic_401", format!("{}/sessions/{}/revoke", mock.url("dynamic"), default_data::dynamic_session_id()), "PUT", {}, null],
        ["paragraph_200", format!("{}/v1/api/auth/sessions/{}", mock.url("paragraph"), default_data::paragraph_session_id("pending")), "DELETE", {}, null],
        ["paragraph_404", format!("{}/v1/api/auth/sessions/{}", mock.url("paragraph"), default_data::paragraph_session_id("pending")), "DELETE", {}, null],
        // Paragraph's operation takes no credential, so its 401 can only be forced.
        ["paragraph_401", format!("{}/v1/api/auth/sessions/{}", mock.url("paragraph"), default_data::paragraph_session_id("completed")), "DELETE",
         {"Prefer": "code=401"}, null],
        ["nango_204", format!("{}/connect/session", mock.url("nango")), "DELETE",
         {"Authorization": format!("Bearer {}", default_data::nango_token())}, null],
        ["nango_401", format!("{}/connect/session", mock.url("nango")), "DELETE",
         {"Authorization": format!("Bearer {}", default_data::nango_token())}, null],
        ["nango_forced_500", format!("{}/connect/session", mock.url("nango")), "DELETE", {"Prefer": "code=500"}, null],
    ]);
    format!(
        r#"<!doctype html><html><body><pre id="results">pending</pre><script>
const cases = {cases};
(async () => {{
  const results = {{}};
  for (const [name, url, method, headers, body] of cases) {{
    try {{
      const response = await fetch(url, {{ method, headers, body: body ?? undefined, credentials: "include", mode: "cors" }});
      results[name] = {{ status: response.status, body: await response.text(), departure: response.headers.get("x-understudy-departure") }};
    }} catch (error) {{
      results[name] = {{ error: String(error) }};
    }}
  }}
  document.getElementById("results").textContent = JSON.stringify(results);
}})();
</script></body></html>"#
    )
}

/// Serves `html` to every request on a loopback port of its own (another origin than the mock's).
async fn serve_page(html: String) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let html = html.clone();
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request).await;
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    html.len()
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let _ = stream.write_all(html.as_bytes()).await;
            });
        }
    });
    format!("http://{address}/")
}

#[tokio::test]
async fn a_page_from_another_origin_reads_every_vendor_answer() {
    let Some(browser) = browser_or_skip("a_page_from_another_origin_reads_every_vendor_answer") else {
        return;
    };
    let mock = Mock::start().await;
    let url = serve_page(page(&mock)).await;
    let dom = chromium(&browser, &url, 20000, None).await;
    let results = dom
        .split_once("<pre id=\"results\">")
        .and_then(|(_, rest)| rest.split_once("</pre>"))
        .map(|(text, _)| {
            text.replace("&quot;", "\"")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&amp;", "&")
        })
        .unwrap_or_else(|| panic!("no results in the page: {dom}"));
    let results: Value = serde_json::from_str(&results).unwrap_or_else(|e| panic!("{e}: {results}"));

    let expect = |name: &str, status: u64| {
        let result = &results[name];
        assert_eq!(result["status"].as_u64(), Some(status), "{name}: {result}");
        result["body"]
            .as_str()
            .map(|b| serde_json::from_str::<Value>(b).unwrap_or(Value::Null))
            .unwrap_or(Value::Null)
    };
    assert_eq!(
        expect("moonkey_200", 200),
        json!({"message": "Successfully deleted session"})
    );
    assert_eq!(expect("moonkey_401", 401)["error_type"], "unauthorized");
    assert!(expect("dynamic_200", 200)["revokedAt"].is_string());
    assert_eq!(expect("dynamic_401", 401), json!({"error": "No jwt provided!"}));
    assert_eq!(expect("paragraph_200", 200), json!({"success": true}));
    assert_eq!(
        expect("paragraph_404", 404),
        json!({"success": false, "msg": "Session not found"})
    );
    assert_eq!(
        results["paragraph_404"]["departure"], "paragraph-404-not-pending",
        "exposed headers are readable"
    );
    assert_eq!(expect("nango_204", 204), Value::Null);
    assert_eq!(
        expect("nango_401", 401)["error"]["code"],
        "unknown_connect_session_token"
    );
    assert_eq!(
        expect("nango_forced_500", 500)["error"]["code"],
        "internal_server_error"
    );
}

/// Runs headless Chromium on `url`; returns the DOM after `budget_ms` of virtual time, and writes a
/// screenshot of that size to `screenshot` when one is asked for.
async fn chromium(
    browser: &std::path::Path,
    url: &str,
    budget_ms: u32,
    screenshot: Option<(&std::path::Path, &str)>,
) -> String {
    // A profile of its own: two Chromiums on one profile lock each other out (one prints nothing).
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let run = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let profile = std::env::temp_dir().join(format!("understudy-chromium-{}-{run}", std::process::id()));
    let mut command = tokio::process::Command::new(browser);
    command
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
        ])
        .args([
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--virtual-time-budget={budget_ms}"));
    match screenshot {
        Some((path, size)) => command
            .arg(format!("--screenshot={}", path.display()))
            .arg(format!("--window-size={size}")),
        None => command.arg("--dump-dom"),
    };
    let output = tokio::time::timeout(Duration::from_secs(90), command.arg(url).kill_on_drop(true).output())
        .await
        .expect("Chromium finished within 90 s")
        .expect("Chromium runs");
    let _ = std::fs::remove_dir_all(&profile);
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[tokio::test]
async fn the_dashboard_shows_requests_as_they_arrive_and_its_buttons_act() {
    let Some(browser) = browser_or_skip("the_dashboard_shows_requests_as_they_arrive_and_its_buttons_act") else {
        return;
    };
    let mock = Mock::start().await;
    let ns = "dashboard";
    let http = reqwest::Client::new();
    let deny = format!(
        "{}/v1/api/auth/sessions/{}",
        mock.url("paragraph"),
        default_data::paragraph_session_id("completed")
    );
    http.delete(&deny)
        .header(understudy::NAMESPACE_HEADER, ns)
        .send()
        .await
        .unwrap();
    http.delete(format!("{}/connect/session", mock.url("nango")))
        .header(understudy::NAMESPACE_HEADER, ns)
        .header("prefer", "code=429")
        .send()
        .await
        .unwrap();

    let page = format!("{}/?namespace={ns}", mock.url("control"));
    let dom = chromium(&browser, &page, 5000, None).await;
    let journal = dom
        .split_once("id=\"journal\"")
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("no journal: {dom}"));
    assert!(
        journal.contains("/api/v1/api/auth/sessions/"),
        "the deny shows: {journal}"
    );
    assert!(journal.contains("paragraph-404-not-pending"), "with its departure");
    assert!(
        journal.contains(">429<") && journal.contains("forced"),
        "the forced 429 shows, marked"
    );
    assert!(dom.contains("of 5 situations"), "coverage shows");
    assert!(
        dom.contains("1 operations, 1 compiled"),
        "the APIs served show, with their compiled operations"
    );

    // A button: advance the clock by 1800 s in this namespace.
    let before = mock.control().namespace(ns).now().await;
    chromium(&browser, &format!("{page}&click=advance-clock"), 5000, None).await;
    let after = mock.control().namespace(ns).now().await;
    assert!(
        after - before >= chrono::TimeDelta::seconds(1800),
        "the button moved the clock: {before} -> {after}"
    );

    // Screenshots to look at, wide and narrow, in the directory cargo keeps for integration tests.
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    eprintln!("dashboard screenshots: {}", dir.display());
    for (name, size) in [("dashboard-wide.png", "1280,900"), ("dashboard-narrow.png", "420,1100")] {
        let path = dir.join(name);
        chromium(&browser, &page, 3000, Some((&path, size))).await;
        assert!(path.is_file(), "screenshot {name}");
    }
}

#[tokio::test]
async fn the_dashboard_lists_each_apis_inferred_resources_and_their_records() {
    let Some(browser) = browser_or_skip("the_dashboard_lists_each_apis_inferred_resources_and_their_records") else {
        return;
    };
    let mock = Mock::serving("pets", "pets-crud-3.0.yaml", false).await;
    let ns = "dashboard-records";
    let created: serde_json::Value = reqwest::Client::new()
        .post(format!("{}/pets", mock.url("pets")))
        .header(understudy::NAMESPACE_HEADER, ns)
        .header("x-api-key", "dashboard-key")
        .json(&serde_json::json!({"name": "Pickle", "species": "rabbit"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].to_string();

    let dom = chromium(
        &browser,
        &format!("{}/?namespace={ns}", mock.url("control")),
        5000,
        None,
    )
    .await;
    let records = dom
        .split_once("id=\"records\"")
        .map(|(_, rest)| rest.split("</section>").next().unwrap_or(rest))
        .unwrap_or_else(|| panic!("no records section: {dom}"));
    assert!(records.contains(">pets</a>"), "the pets resource is listed: {records}");
    // Seeded from the document's examples (pet 42 and its neighbours), and the one created here.
    assert!(records.contains(" records"), "{records}");
    assert!(records.contains(">42<"), "a seeded record's id shows: {records}");
    let listed: Vec<serde_json::Value> = reqwest::Client::new()
        .get(format!("{}/apis/pets/resources/pets", mock.url("control")))
        .header(understudy::NAMESPACE_HEADER, ns)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        listed.iter().any(|r| r["id"].to_string().trim_matches('"') == id),
        "the created pet is held"
    );
    let count = format!(" {} records", listed.len());
    assert!(
        records.contains(&count),
        "the count is the namespace's ({count}): {records}"
    );
}
