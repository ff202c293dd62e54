//! Load from wrk: a scenario is one request shape (as a wrk Lua script) aimed at one server, with the
//! kind of answer it must get; a run is wrk for some seconds, read back as throughput, latency
//! quantiles, the server's CPU per request, and whether every answer was of the expected kind.

use std::io::Write as _;
use std::process::Command;

use crate::server::Server;

/// The answers a scenario must get: a measurement of the wrong path is no measurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Every answer 2xx.
    Success,
    /// Every answer 4xx or 5xx.
    Error,
}

/// One load to put on one server.
pub struct Scenario {
    pub name: &'static str,
    /// An index into the benchmark's servers.
    pub server: usize,
    pub url: String,
    pub lua: String,
    pub expect: Expect,
}

/// What one wrk run measured.
#[derive(Debug, Clone, Default)]
pub struct Measured {
    pub requests: u64,
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub cpu_us: f64,
    /// Answers that were not of the expected kind, and socket errors.
    pub unexpected: u64,
    /// wrk's own count of non-2xx answers and socket errors, to say which the unexpected were.
    pub errors: String,
}

/// A request with fixed method, headers and body.
pub fn fixed(method: &str, headers: &[(&str, String)], body: Option<&str>) -> String {
    let mut lua = format!("wrk.method = \"{method}\"\n");
    for (name, value) in headers {
        lua.push_str(&format!("wrk.headers[\"{name}\"] = \"{value}\"\n"));
    }
    if let Some(body) = body {
        lua.push_str(&format!("wrk.body = '{body}'\n"));
    }
    lua
}

/// `request` (from [`fixed`]) naming a namespace no request named before (`tag` keeps runs apart):
/// each one meets the default data afresh, so a delete succeeds every time.
pub fn fresh_namespace_each(tag: &str, request: String) -> String {
    let per_thread = format!(
        r#"local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
function init(args)
  prefix = "{tag}-" .. id .. "-"
end
"#
    );
    with_namespace(request, &per_thread, "prefix .. n")
}

/// `request` (from [`fixed`]) naming `count` namespaces in turn.
pub fn cycling_namespaces(count: u64, request: String) -> String {
    with_namespace(request, "", &format!("\"bench-\" .. (n % {count})"))
}

/// `request` with an `x-understudy-namespace` header computed by the Lua expression `namespace`
/// from the request counter `n`, after the Lua `prelude`.
fn with_namespace(mut request: String, prelude: &str, namespace: &str) -> String {
    request.push_str(prelude);
    request.push_str(&format!(
        r#"n = 0
function request()
  n = n + 1
  local headers = {{}}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  headers["x-understudy-namespace"] = {namespace}
  return wrk.format(nil, nil, headers)
end
"#
    ));
    request
}

/// Like [`fixed`], but the `Authorization` bearer cycles through `count` credentials made from
/// `prefix` padded with digits to `width` characters: as many tenants, round-robin.
pub fn round_robin_bearers(method: &str, prefix: &str, width: usize, count: u64) -> String {
    let digits = width - prefix.len();
    format!(
        r#"wrk.method = "{method}"
local i = 0
function request()
  i = i % {count} + 1
  return wrk.format(nil, nil, {{["Authorization"] = string.format("Bearer {prefix}%0{digits}d", i)}})
end
"#
    )
}

/// Runs wrk (2 threads, 32 connections) for `seconds` against the scenario's server.
pub fn run(scenario: &Scenario, server: &Server, seconds: u64) -> Measured {
    let script = std::env::temp_dir().join(format!("understudy-perf-{}.lua", std::process::id()));
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
    let field = |prefix: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(prefix))
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    // "123456 requests in 5.00s, 41.20MB read"
    let requests: u64 = text
        .lines()
        .find(|l| l.contains(" requests in "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let non_2xx: u64 = field("Non-2xx or 3xx responses:").parse().unwrap_or(0);
    // "Socket errors: connect 0, read 0, write 0, timeout 0"
    let socket_errors: u64 = field("Socket errors:")
        .split(',')
        .filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok())
        .sum();
    let unexpected = socket_errors
        + match scenario.expect {
            Expect::Success => non_2xx,
            Expect::Error => requests - non_2xx.min(requests),
        };
    let errors = if unexpected > 0 {
        format!(
            "non-2xx or 3xx: {non_2xx}; socket errors: {}",
            field("Socket errors:").trim()
        )
    } else {
        String::new()
    };
    Measured {
        errors,
        requests,
        rps: field("Requests/sec:").parse().unwrap_or(0.0),
        p50_ms: millis(&field("50%")),
        p99_ms: millis(&field("99%")),
        cpu_us: if requests > 0 { cpu * 1e6 / requests as f64 } else { 0.0 },
        unexpected,
    }
}

/// wrk's latency text (`512.00us`, `1.20ms`, `2.00s`) in milliseconds.
fn millis(text: &str) -> f64 {
    if let Some(us) = text.strip_suffix("us") {
        us.parse::<f64>().unwrap_or(0.0) / 1000.0
    } else if let Some(ms) = text.strip_suffix("ms") {
        ms.parse().unwrap_or(0.0)
    } else if let Some(s) = text.strip_suffix('s') {
        s.parse::<f64>().unwrap_or(0.0) * 1000.0
    } else {
        0.0
    }
}
