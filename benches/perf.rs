//! The performance benchmark: Understudy against two reference servers that live here (bare hyper
//! and bare dropshot, each answering the Dynamic revoke with a fixed body), all measured in one run
//! with wrk. Per scenario it prints requests per second, p50 and p99 latency, server CPU per request
//! and the ratio to each reference (medians of `--runs`); per server, start-up time (exec to first
//! 200) and RSS idle and at its peak under load. Run it with `benches/run` (which installs wrk), or
//! `cargo bench --bench perf -- [--duration SECONDS] [--runs N] [--json]`.

use std::io::Write as _;
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SESSION_ID: &str = "95b11417-f18f-457f-8804-68e361f9164f";
const DYNAMIC_TOKEN: &str = "dyn_aGLjTe3TUN40vSE75sTtgUx9AjIe0q4n3LFC";
const MOONKEY_KEY: &str = "sk_test_pRqweh3wvWmJAAVYv7Z0T5iPLzFM4ql0muoyQcjOxGeN3p1r";
const OTHER_MOONKEY_KEY: &str = "sk_live_uBjYxOPfB3AYuAwZVLWDs3l5ufchhbFjy66LoihSWQS1VxUI";
/// What the references answer: the Session the mock answers for the same revoke.
const SESSION_BODY: &str = r#"{"createdAt":"2026-11-24T04:00:00.000Z","id":"95b11417-f18f-457f-8804-68e361f9164f","ipAddress":"203.0.113.7","revokedAt":"2026-11-24T05:00:00.000Z","userAgent":"Mozilla/5.0"}"#;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("--serve-hyper") => return serve_hyper(),
        Some("--serve-dropshot") => return serve_dropshot(),
        _ => {}
    }
    let value = |flag: &str, default: u64| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let duration = value("--duration", 10);
    let runs = value("--runs", 3) as usize;
    let json = args.iter().any(|a| a == "--json");
    if Command::new("wrk").arg("--version").output().is_err() {
        eprintln!("perf: wrk is not on PATH (benches/run installs it: apt-get install wrk)");
        std::process::exit(2);
    }
    run(duration, runs, json);
}

/// One server under test: a child process and where it listens.
struct Server {
    name: &'static str,
    child: Child,
    urls: serde_json::Value,
    startup: Duration,
}

impl Server {
    fn understudy(name: &'static str, extra: &[&str]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_understudy"));
        command.args(["--ephemeral-ports"]).args(extra);
        Self::spawn(
            name,
            command,
            "/api/v0/sessions/00000000-0000-4000-8000-000000000000/revoke",
            "dynamic",
        )
    }

    fn reference(name: &'static str, flag: &str) -> Self {
        let mut command = Command::new(std::env::current_exe().expect("the bench knows itself"));
        command.arg(flag);
        Self::spawn(
            name,
            command,
            &format!("/api/v0/sessions/{SESSION_ID}/revoke"),
            "dynamic",
        )
    }

    /// Starts the process and times exec to its first answered request.
    fn spawn(name: &'static str, mut command: Command, probe_path: &str, probe_server: &str) -> Self {
        let started = Instant::now();
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server starts");
        let mut line = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.as_mut().expect("stdout")),
            &mut line,
        )
        .expect("a startup line");
        let urls: serde_json::Value = serde_json::from_str(&line).expect("the startup line is JSON");
        let base = urls[probe_server].as_str().expect("a URL").to_string();
        let host = base.split('/').take(3).collect::<Vec<_>>().join("/");
        let probe = format!("{host}{probe_path}");
        loop {
            let answered = Command::new("curl")
                .args([
                    "-s",
                    "-o",
                    "/dev/null",
                    "-w",
                    "%{http_code}",
                    "-X",
                    "PUT",
                    "-H",
                    &format!("authorization: Bearer {DYNAMIC_TOKEN}"),
                    &probe,
                ])
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                .unwrap_or_default();
            if answered.starts_with('2') || answered.starts_with('4') {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        Self {
            name,
            startup: started.elapsed(),
            child,
            urls,
        }
    }

    fn url(&self, server: &str) -> String {
        self.urls[server].as_str().expect("a URL").to_string()
    }

    fn status(&self, field: &str) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 1024.0
    }

    /// CPU seconds the process has used (user and system).
    fn cpu_seconds(&self) -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map(|(_, rest)| rest)
            .unwrap_or("")
            .split_whitespace()
            .collect();
        let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        (ticks(11) + ticks(12)) / 100.0
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A load to put on one server.
struct Scenario {
    name: &'static str,
    server: usize,
    url: String,
    lua: String,
}

struct Measured {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    cpu_us: f64,
}

fn lua_request(method: &str, headers: &[(&str, String)], body: Option<&str>) -> String {
    let mut lua = format!("wrk.method = \"{method}\"\n");
    for (name, value) in headers {
        lua.push_str(&format!("wrk.headers[\"{name}\"] = \"{value}\"\n"));
    }
    if let Some(body) = body {
        lua.push_str(&format!("wrk.body = '{body}'\n"));
    }
    lua
}

fn wrk(scenario: &Scenario, server: &Server, seconds: u64) -> Measured {
    let script = std::env::temp_dir().join(format!("understudy-perf-{}.lua", scenario.name));
    std::fs::File::create(&script)
        .and_then(|mut f| f.write_all(scenario.lua.as_bytes()))
        .expect("a script");
    let cpu_before = server.cpu_seconds();
    let output = Command::new("wrk")
        .args(["-t2", "-c32", &format!("-d{seconds}s"), "--latency", "-s"])
        .arg(&script)
        .arg(&scenario.url)
        .output()
        .expect("wrk runs");
    let cpu = server.cpu_seconds() - cpu_before;
    let text = String::from_utf8_lossy(&output.stdout);
    let number = |prefix: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(prefix))
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let millis = |v: String| {
        let v = v.trim();
        if let Some(us) = v.strip_suffix("us") {
            us.parse::<f64>().unwrap_or(0.0) / 1000.0
        } else if let Some(ms) = v.strip_suffix("ms") {
            ms.parse().unwrap_or(0.0)
        } else if let Some(s) = v.strip_suffix('s') {
            s.parse::<f64>().unwrap_or(0.0) * 1000.0
        } else {
            0.0
        }
    };
    let rps: f64 = number("Requests/sec:").parse().unwrap_or(0.0);
    let requests = rps * seconds as f64;
    let non_2xx_or_expected = text.contains("Socket errors");
    if non_2xx_or_expected {
        eprintln!(
            "perf: {}: {}",
            scenario.name,
            text.lines().find(|l| l.contains("Socket errors")).unwrap_or("")
        );
    }
    Measured {
        rps,
        p50_ms: millis(number("50%")),
        p99_ms: millis(number("99%")),
        cpu_us: if requests > 0.0 { cpu * 1e6 / requests } else { 0.0 },
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

fn run(seconds: u64, runs: usize, json: bool) {
    // A tenant holding 100,000 sessions: a fixtures file with that many Dynamic sessions.
    let fixtures = std::env::temp_dir().join("understudy-perf-100k.yaml");
    let mut yaml = String::from("dynamic:\n  sessions:\n");
    for i in 0..100_000u32 {
        yaml.push_str(&format!("    - id: {i:08x}-0000-4000-8000-000000000000\n"));
    }
    yaml.push_str(&format!("    - id: {SESSION_ID}\n"));
    std::fs::write(&fixtures, yaml).expect("the fixtures file");

    let servers = [
        Server::reference("bare hyper", "--serve-hyper"),
        Server::reference("bare dropshot", "--serve-dropshot"),
        Server::understudy("understudy", &[]),
        Server::understudy("understudy, journal off", &["--journal-limit", "0"]),
        Server::understudy(
            "understudy, 100,000 sessions",
            &["--fixtures", fixtures.to_str().unwrap_or_default()],
        ),
    ];
    let idle: Vec<f64> = servers.iter().map(|s| s.status("VmRSS:")).collect();
    let u = &servers[2];
    let jwt = moonkey_jwt_of_another_app(&u.url("control"));
    let revoke = |base: &str| format!("{base}/sessions/{SESSION_ID}/revoke");
    let bearer = |token: &str| vec![("Authorization", format!("Bearer {token}"))];
    let json_bearer = |token: &str| {
        vec![
            ("Authorization", format!("Bearer {token}")),
            ("Content-Type", "application/json".to_string()),
        ]
    };
    let scenarios = vec![
        Scenario { name: "reference: bare hyper", server: 0, url: revoke(&servers[0].url("dynamic")), lua: lua_request("PUT", &bearer(DYNAMIC_TOKEN), None) },
        Scenario { name: "reference: bare dropshot", server: 1, url: revoke(&servers[1].url("dynamic")), lua: lua_request("PUT", &bearer(DYNAMIC_TOKEN), None) },
        Scenario { name: "dynamic revoke 200", server: 2, url: revoke(&u.url("dynamic")), lua: lua_request("PUT", &bearer(DYNAMIC_TOKEN), None) },
        Scenario {
            name: "dynamic revoke 200, 1,000 tenants round-robin",
            server: 2,
            url: revoke(&u.url("dynamic")),
            lua: "wrk.method = \"PUT\"\nlocal i = 0\nrequest = function()\n  i = i % 1000 + 1\n  return wrk.format(nil, nil, {[\"Authorization\"] = string.format(\"Bearer dyn_benchTenant%021d\", i)})\nend\n".into(),
        },
        Scenario { name: "dynamic revoke 404 (unknown session)", server: 2, url: format!("{}/sessions/00000000-0000-4000-8000-000000000000/revoke", u.url("dynamic")), lua: lua_request("PUT", &bearer(DYNAMIC_TOKEN), None) },
        Scenario { name: "dynamic revoke 200, journal off", server: 3, url: revoke(&servers[3].url("dynamic")), lua: lua_request("PUT", &bearer(DYNAMIC_TOKEN), None) },
        Scenario { name: "dynamic revoke 200, a tenant of 100,000 sessions", server: 4, url: revoke(&servers[4].url("dynamic")), lua: lua_request("PUT", &bearer(DYNAMIC_TOKEN), None) },
        Scenario { name: "moonkey by session_token 404", server: 2, url: format!("{}/v1/auth/sessions/delete", u.url("moonkey")), lua: lua_request("DELETE", &json_bearer(MOONKEY_KEY), Some(r#"{"session_token":"UnknownToken0000"}"#)) },
        Scenario { name: "moonkey by session_jwt (RS256) 404", server: 2, url: format!("{}/v1/auth/sessions/delete", u.url("moonkey")), lua: lua_request("DELETE", &json_bearer(MOONKEY_KEY), Some(&format!(r#"{{"session_jwt":"{jwt}"}}"#))) },
        Scenario { name: "paragraph deny 404", server: 2, url: format!("{}/v1/api/auth/sessions/unknown", u.url("paragraph")), lua: lua_request("DELETE", &[], None) },
        Scenario { name: "nango 401 (unknown token)", server: 2, url: format!("{}/connect/session", u.url("nango")), lua: lua_request("DELETE", &bearer(&format!("nango_connect_session_{}", "0".repeat(64))), None) },
    ];
    let mut results = Vec::new();
    for scenario in &scenarios {
        let server = &servers[scenario.server];
        let measured: Vec<Measured> = (0..runs).map(|_| wrk(scenario, server, seconds)).collect();
        results.push((
            scenario.name,
            median(measured.iter().map(|m| m.rps).collect()),
            median(measured.iter().map(|m| m.p50_ms).collect()),
            median(measured.iter().map(|m| m.p99_ms).collect()),
            median(measured.iter().map(|m| m.cpu_us).collect()),
        ));
        eprintln!("perf: {} done", scenario.name);
    }
    let peak: Vec<f64> = servers.iter().map(|s| s.status("VmHWM:")).collect();
    let (hyper, dropshot) = (results[0].1, results[1].1);
    if json {
        let scenarios: Vec<serde_json::Value> = results
            .iter()
            .map(|(name, rps, p50, p99, cpu)| serde_json::json!({"scenario": name, "rps": rps, "p50_ms": p50, "p99_ms": p99, "cpu_us_per_request": cpu, "vs_dropshot": rps / dropshot, "vs_hyper": rps / hyper}))
            .collect();
        let servers: Vec<serde_json::Value> = servers
            .iter()
            .zip(idle.iter().zip(&peak))
            .map(|(s, (idle, peak))| serde_json::json!({"server": s.name, "startup_ms": s.startup.as_secs_f64() * 1000.0, "rss_idle_mb": idle, "rss_peak_mb": peak}))
            .collect();
        println!(
            "{:#}",
            serde_json::json!({"duration_s": seconds, "runs": runs, "scenarios": scenarios, "servers": servers})
        );
        return;
    }
    println!("wrk -t2 -c32, {seconds} s per run, median of {runs} runs\n");
    println!(
        "{:<52} {:>9} {:>8} {:>8} {:>9} {:>8} {:>8}",
        "scenario", "req/s", "p50 ms", "p99 ms", "CPU µs/r", "÷dropsh", "÷hyper"
    );
    for (name, rps, p50, p99, cpu) in &results {
        println!(
            "{name:<52} {rps:>9.0} {p50:>8.2} {p99:>8.2} {cpu:>9.1} {:>8.2} {:>8.2}",
            rps / dropshot,
            rps / hyper
        );
    }
    println!(
        "\n{:<32} {:>12} {:>10} {:>10}",
        "server", "start ms", "RSS idle", "RSS peak"
    );
    for (server, (idle, peak)) in servers.iter().zip(idle.iter().zip(&peak)) {
        println!(
            "{:<32} {:>12.1} {:>8.1}MB {:>8.1}MB",
            server.name,
            server.startup.as_secs_f64() * 1000.0,
            idle,
            peak
        );
    }
}

/// A session JWT that the mock signed for another app's session: verified (RS256), then a 404 in
/// the example app, every time.
fn moonkey_jwt_of_another_app(control: &str) -> String {
    let output = Command::new("curl")
        .args([
            "-s",
            "-X",
            "POST",
            &format!("{control}/moonkey/sessions?credential={OTHER_MOONKEY_KEY}"),
            "-H",
            "content-type: application/json",
            "-d",
            "{}",
        ])
        .output()
        .expect("curl runs");
    let created: serde_json::Value = serde_json::from_slice(&output.stdout).expect("a created session");
    created["session_jwt"].as_str().expect("a JWT").to_string()
}

/// The bare hyper reference: every request gets the fixed Session body.
fn serve_hyper() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("a port");
        println!(
            "{{\"dynamic\":\"http://{}/api/v0\"}}",
            listener.local_addr().expect("an address")
        );
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(async move {
                let service = hyper::service::service_fn(|_request| async {
                    let mut response = hyper::Response::new(http_body_util::Full::new(bytes::Bytes::from_static(
                        SESSION_BODY.as_bytes(),
                    )));
                    response.headers_mut().insert(
                        http::header::CONTENT_TYPE,
                        http::HeaderValue::from_static("application/json"),
                    );
                    Ok::<_, std::convert::Infallible>(response)
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
}

/// The bare dropshot reference: the revoke's route and path parameter, a fixed body.
fn serve_dropshot() {
    #[derive(serde::Deserialize, schemars::JsonSchema)]
    struct SessionPath {
        #[serde(rename = "sessionId")]
        #[allow(dead_code)]
        session_id: String,
    }
    #[dropshot::endpoint { method = PUT, path = "/api/v0/sessions/{sessionId}/revoke" }]
    async fn revoke(
        _rqctx: dropshot::RequestContext<()>,
        _path: dropshot::Path<SessionPath>,
    ) -> Result<hyper::Response<dropshot::Body>, dropshot::HttpError> {
        let mut response = hyper::Response::new(dropshot::Body::from(SESSION_BODY));
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        Ok(response)
    }
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let mut api = dropshot::ApiDescription::new();
        api.register(revoke).expect("the endpoint registers");
        let log = dropshot::ConfigLogging::StderrTerminal {
            level: dropshot::ConfigLoggingLevel::Warn,
        }
        .to_logger("reference")
        .expect("a logger");
        let config = dropshot::ConfigDropshot {
            bind_address: SocketAddr::from(([127, 0, 0, 1], 0)),
            default_handler_task_mode: dropshot::HandlerTaskMode::Detached,
            ..Default::default()
        };
        let server = dropshot::ServerBuilder::new(api, (), log)
            .config(config)
            .start()
            .expect("the server starts");
        println!("{{\"dynamic\":\"http://{}/api/v0\"}}", server.local_addr());
        let _ = server.await;
    });
}
