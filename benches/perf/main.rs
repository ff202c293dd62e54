//! The performance benchmark: Understudy against two reference servers that live here (bare hyper
//! and bare dropshot, each answering the Dynamic revoke with a fixed body), all measured in one run
//! with wrk. The scenarios take turns, round after round, so that the machine's drift falls on
//! every server alike. Per scenario it prints requests per second, p50 and p99 latency, server CPU
//! per request and the ratio to each reference (medians of `--runs` rounds); per server, start-up
//! time (exec to first answer) and resident memory; then whether memory stays flat as requests,
//! tenants and namespaces grow. A scenario whose answers are not all of the kind it expects fails
//! the run: a measurement of the wrong path is no measurement.
//!
//! The same Understudy also serves two test documents (`--spec`), whose scenarios measure the generic
//! engine (`generic`) against the compiled Dynamic revoke. The state it infers (`state`: a read, a
//! create then a read, and the same in a namespace of 100,000 inferred records) is measured on
//! Understudys of its own serving the same documents: the records the creates leave behind slow
//! every later request's malloc, and the Dynamic revoke is measured beside them too. A document of 400
//! operations generated at run time measures what a large document costs in start-up time and memory
//! (`load`).
//!
//! Run it with `benches/run` (which installs wrk), or
//! `cargo bench --bench perf -- [--duration SECONDS] [--runs N] [--json] [--skip-flatness]`.

mod client;
mod flatness;
mod generic;
mod load;
mod references;
mod report;
mod server;
mod state;
#[path = "../support/mod.rs"]
#[allow(dead_code)] // this benchmark reads /proc through it, and starts its own servers
mod support;
mod wrk;

use std::process::Command;

use report::{Report, Row, ServerFigures};
use server::Server;
use wrk::{Expect, Measured, Scenario};

/// The example credentials the startup output prints (each vendor's `DEFAULT_CREDENTIAL`).
const DYNAMIC_TOKEN: &str = "dyn_aGLjTe3TUN40vSE75sTtgUx9AjIe0q4n3LFC";
const MOONKEY_KEY: &str = "sk_test_pRqweh3wvWmJAAVYv7Z0T5iPLzFM4ql0muoyQcjOxGeN3p1r";
/// Another MoonKey app: its sessions' JWTs verify, then are not found in the example app.
const OTHER_MOONKEY_KEY: &str = "sk_live_uBjYxOPfB3AYuAwZVLWDs3l5ufchhbFjy66LoihSWQS1VxUI";
/// The Dynamic session the references answer for, and the default data's first Dynamic session.
const SESSION_ID: &str = "95b11417-f18f-457f-8804-68e361f9164f";
/// What the references answer: the Session the mock answers for the same revoke.
const SESSION_BODY: &str = r#"{"createdAt":"2026-11-24T04:00:00.000Z","id":"95b11417-f18f-457f-8804-68e361f9164f","ipAddress":"203.0.113.7","revokedAt":"2026-11-24T05:00:00.000Z","userAgent":"Mozilla/5.0"}"#;

/// The compiled path the generic scenarios are held to, by its scenario's name.
const DYNAMIC_REVOKE: &str = "dynamic revoke 200";

/// The servers, by their index in [`start_servers`].
const HYPER: usize = 0;
const DROPSHOT: usize = 1;
pub const UNDERSTUDY: usize = 2;
const JOURNAL_OFF: usize = 3;
const HUNDRED_THOUSAND: usize = 4;
pub const INFERRED_RECORDS: usize = 5;
/// The state scenarios' own Understudy: their creates leave tens of thousands of records behind, and
/// a heap full of them slows glibc's malloc for every request after (README, "Performance"), so the
/// compiled path is measured on a server that does not carry them, and again on this one.
const INFERRED_STATE: usize = 6;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("--serve-hyper") => return references::serve_hyper(),
        Some("--serve-dropshot") => return references::serve_dropshot(),
        // The large document the load measurement generates, written out to look at or profile.
        Some("--write-large-document") => return load::write(args.get(2).map_or("large-3.0.yaml", String::as_str)),
        _ => {}
    }
    let value = |flag: &str, default: u64| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let options = Options {
        seconds: value("--duration", 10),
        runs: value("--runs", 3).max(1) as usize,
        json: args.iter().any(|a| a == "--json"),
        flatness: !args.iter().any(|a| a == "--skip-flatness"),
    };
    if Command::new("wrk").arg("--version").output().is_err() {
        eprintln!("perf: wrk is not on PATH (benches/run installs it: apt-get install wrk)");
        std::process::exit(2);
    }
    if !run(&options) {
        std::process::exit(1);
    }
}

struct Options {
    seconds: u64,
    runs: usize,
    json: bool,
    flatness: bool,
}

/// Identifiers of the embedded default data, read where the server reads them.
struct Defaults {
    moonkey_session_id: String,
    moonkey_token: String,
    paragraph_pending: String,
    nango_token: String,
}

impl Defaults {
    fn read() -> Self {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/state/fixtures/default.yaml");
        let text = std::fs::read_to_string(path).expect("the default data");
        let data: serde_json::Value = serde_yaml::from_str(&text).expect("the default data is YAML");
        let text = |pointer: &str| {
            data.pointer(pointer)
                .and_then(|v| v.as_str())
                .expect(pointer)
                .to_string()
        };
        let pending = data["paragraph"]["sessions"]
            .as_array()
            .and_then(|sessions| sessions.iter().find(|s| s["status"] == "pending"))
            .and_then(|s| s["id"].as_str())
            .expect("a pending Paragraph session");
        Self {
            moonkey_session_id: text("/moonkey/sessions/0/session_id"),
            moonkey_token: text("/moonkey/sessions/0/session_token"),
            paragraph_pending: pending.to_string(),
            nango_token: text("/nango/sessions/0/token"),
        }
    }
}

fn start_servers() -> Vec<Server> {
    // A tenant holding 100,000 sessions: a fixtures file with that many Dynamic sessions.
    let fixtures = std::env::temp_dir().join("understudy-perf-100k.yaml");
    let mut yaml = String::from("dynamic:\n  sessions:\n");
    for i in 0..100_000u32 {
        yaml.push_str(&format!("    - id: {i:08x}-0000-4000-8000-000000000000\n"));
    }
    yaml.push_str(&format!("    - id: {SESSION_ID}\n"));
    std::fs::write(&fixtures, yaml).expect("the fixtures file");
    // The vendors as always, and the generic scenarios' documents beside them.
    let specs = generic::spec_args();
    let specs: Vec<&str> = specs.iter().map(String::as_str).collect();
    // The same documents, the pets API holding 100,000 inferred records (and no vendor data).
    let records = state::large_fixtures();
    let mut with_records = specs.clone();
    with_records.extend(["--fixtures", records.to_str().unwrap_or_default()]);
    let servers = vec![
        Server::reference("bare hyper", "--serve-hyper"),
        Server::reference("bare dropshot", "--serve-dropshot"),
        Server::understudy("understudy (+2 --spec docs)", &specs),
        Server::understudy("understudy, journal off", &["--journal-limit", "0"]),
        Server::understudy(
            "understudy, 100,000 sessions",
            &["--fixtures", fixtures.to_str().unwrap_or_default()],
        ),
        Server::understudy("understudy, 100,000 inferred records", &with_records),
        Server::understudy("understudy, inferred state (+2 --spec docs)", &specs),
    ];
    let _ = std::fs::remove_file(records);
    servers
}

/// Every scenario, for one round: `round` keeps the fresh namespaces of different rounds apart, and
/// the JWTs are issued afresh (they live 300 seconds).
fn scenarios(servers: &[Server], defaults: &Defaults, round: usize) -> Vec<Scenario> {
    let u = &servers[UNDERSTUDY];
    let control = u.url("control");
    let revoke = |server: usize, session: &str| format!("{}/sessions/{session}/revoke", servers[server].url("dynamic"));
    let bearer = |token: &str| vec![("Authorization", format!("Bearer {token}"))];
    let json_bearer = |token: &str| {
        vec![
            ("Authorization", format!("Bearer {token}")),
            ("Content-Type", "application/json".to_string()),
        ]
    };
    let put_revoke = wrk::fixed("PUT", &bearer(DYNAMIC_TOKEN), None);
    let fresh = |name: &str, request: String| wrk::fresh_namespace_each(&format!("{name}-{round}"), request);
    let moonkey = format!("{}/v1/auth/sessions/delete", u.url("moonkey"));
    let moonkey_delete = |body: String| wrk::fixed("DELETE", &json_bearer(MOONKEY_KEY), Some(&body));
    let own_jwt = session_jwt(&control, &defaults.moonkey_session_id);
    let foreign_jwt = jwt_of_another_app(&control);
    let paragraph = |session: &str| format!("{}/v1/api/auth/sessions/{session}", u.url("paragraph"));
    let nango = format!("{}/connect/session", u.url("nango"));
    let urls = generic::Urls::of(u);
    let state_pets = servers[INFERRED_STATE].url(generic::PETS.0);
    let large_pets = servers[INFERRED_RECORDS].url(generic::PETS.0);
    let scenario = |name, server, url: String, lua, expect| Scenario {
        name,
        server,
        url,
        lua,
        expect,
    };
    use Expect::{Error, Success};
    vec![
        scenario(
            "reference: bare hyper",
            HYPER,
            revoke(HYPER, SESSION_ID),
            put_revoke.clone(),
            Success,
        ),
        scenario(
            "reference: bare dropshot",
            DROPSHOT,
            revoke(DROPSHOT, SESSION_ID),
            put_revoke.clone(),
            Success,
        ),
        // First on its server, so that the memory read after it is Dynamic's load alone.
        scenario(
            DYNAMIC_REVOKE,
            UNDERSTUDY,
            revoke(UNDERSTUDY, SESSION_ID),
            put_revoke.clone(),
            Success,
        ),
        scenario(
            "dynamic revoke 200, journal off",
            JOURNAL_OFF,
            revoke(JOURNAL_OFF, SESSION_ID),
            put_revoke.clone(),
            Success,
        ),
        scenario(
            "dynamic revoke 200, 1,000 tenants round-robin",
            UNDERSTUDY,
            revoke(UNDERSTUDY, SESSION_ID),
            wrk::round_robin_bearers("PUT", "dyn_benchTenant", 44, 1_000),
            Success,
        ),
        scenario(
            "dynamic revoke 200, a tenant of 100,000 sessions",
            HUNDRED_THOUSAND,
            revoke(HUNDRED_THOUSAND, SESSION_ID),
            put_revoke.clone(),
            Success,
        ),
        scenario(
            "dynamic revoke 404 (unknown session)",
            UNDERSTUDY,
            revoke(UNDERSTUDY, "00000000-0000-4000-8000-000000000000"),
            put_revoke,
            Error,
        ),
        scenario(
            "moonkey by session_token 200 (fresh namespace)",
            UNDERSTUDY,
            moonkey.clone(),
            fresh(
                "mk-token",
                moonkey_delete(format!(r#"{{"session_token":"{}"}}"#, defaults.moonkey_token)),
            ),
            Success,
        ),
        scenario(
            "moonkey by session_token 404",
            UNDERSTUDY,
            moonkey.clone(),
            moonkey_delete(r#"{"session_token":"UnknownToken0000"}"#.into()),
            Error,
        ),
        scenario(
            "moonkey by session_jwt (RS256) 200 (fresh namespace)",
            UNDERSTUDY,
            moonkey.clone(),
            fresh("mk-jwt", moonkey_delete(format!(r#"{{"session_jwt":"{own_jwt}"}}"#))),
            Success,
        ),
        scenario(
            "moonkey by session_jwt (RS256) 404",
            UNDERSTUDY,
            moonkey,
            moonkey_delete(format!(r#"{{"session_jwt":"{foreign_jwt}"}}"#)),
            Error,
        ),
        scenario(
            "paragraph deny 200 (fresh namespace)",
            UNDERSTUDY,
            paragraph(&defaults.paragraph_pending),
            fresh("paragraph", wrk::fixed("DELETE", &[], None)),
            Success,
        ),
        scenario(
            "paragraph deny 404",
            UNDERSTUDY,
            paragraph("unknown"),
            wrk::fixed("DELETE", &[], None),
            Error,
        ),
        scenario(
            "nango 204 (fresh namespace)",
            UNDERSTUDY,
            nango.clone(),
            fresh("nango", wrk::fixed("DELETE", &bearer(&defaults.nango_token), None)),
            Success,
        ),
        scenario(
            "nango 401 (unknown token)",
            UNDERSTUDY,
            nango,
            wrk::fixed(
                "DELETE",
                &bearer(&format!("nango_connect_session_{}", "0".repeat(64))),
                None,
            ),
            Error,
        ),
    ]
    .into_iter()
    .chain(generic::scenarios(UNDERSTUDY, &urls))
    .chain(state::scenarios(
        INFERRED_STATE,
        &state_pets,
        INFERRED_RECORDS,
        &large_pets,
    ))
    .chain([scenario(
        "dynamic revoke 200, beside inferred state",
        INFERRED_STATE,
        revoke(INFERRED_STATE, SESSION_ID),
        wrk::fixed("PUT", &bearer(DYNAMIC_TOKEN), None),
        Success,
    )])
    .collect()
}

/// Runs everything and prints it; false when a scenario got answers of the wrong kind.
fn run(options: &Options) -> bool {
    let defaults = Defaults::read();
    let servers = start_servers();
    // One request of each generic and state scenario, checked more closely than wrk checks the load.
    let urls = generic::Urls::of(&servers[UNDERSTUDY]);
    let mut problems = generic::check(&urls);
    problems.extend(state::check(
        &servers[INFERRED_STATE].url(generic::PETS.0),
        &servers[INFERRED_RECORDS].url(generic::PETS.0),
    ));
    for problem in &problems {
        eprintln!("perf: {problem}");
    }
    let mut measured: Vec<Vec<Measured>> = Vec::new();
    let mut names = Vec::new();
    let mut under_dynamic_load = None;
    for round in 0..options.runs {
        for (i, scenario) in scenarios(&servers, &defaults, round).iter().enumerate() {
            let result = wrk::run(scenario, &servers[scenario.server], options.seconds);
            if result.unexpected > 0 {
                eprintln!(
                    "perf: {}: {} of {} answers were not {:?} ({})",
                    scenario.name, result.unexpected, result.requests, scenario.expect, result.errors
                );
            }
            if i == measured.len() {
                measured.push(Vec::new());
                names.push(scenario.name);
            }
            measured[i].push(result);
            if scenario.name == DYNAMIC_REVOKE && under_dynamic_load.is_none() {
                under_dynamic_load = Some(servers[UNDERSTUDY].memory().peak);
            }
        }
        eprintln!("perf: round {} of {} done", round + 1, options.runs);
    }
    let rows: Vec<Row> = names
        .iter()
        .zip(&measured)
        .map(|(name, runs)| Row::of(name, runs))
        .collect();
    let figures: Vec<ServerFigures> = servers
        .iter()
        .map(|server| ServerFigures {
            name: server.name,
            startup_ms: server.startup.as_secs_f64() * 1000.0,
            rss_started: server.rss_started,
            memory: server.memory(),
        })
        .collect();
    let under_dynamic_load = under_dynamic_load.unwrap_or(0.0);
    drop(servers);
    eprintln!("perf: loading a large document");
    let load = load::measure();
    let (steps, flatness_unexpected) = if options.flatness {
        flatness::measure()
    } else {
        (Vec::new(), 0)
    };
    let unexpected: u64 =
        rows.iter().map(|r| r.unexpected).sum::<u64>() + flatness_unexpected + load.unexpected + problems.len() as u64;
    let report = Report {
        options,
        rows: &rows,
        servers: &figures,
        under_dynamic_load,
        steps: &steps,
        load: &load,
    };
    if options.json {
        report.print_json();
    } else {
        report.print_table();
    }
    if unexpected > 0 {
        eprintln!("perf: {unexpected} answers were not of the kind their scenario expects: the figures above measure the wrong path");
    }
    unexpected == 0
}

/// A fresh session JWT of the default MoonKey session (issued now: they live 300 seconds).
fn session_jwt(control: &str, session_id: &str) -> String {
    control_call(&["-s", &format!("{control}/moonkey/sessions/{session_id}")])
}

/// A session JWT that the mock signed for another app's session: verified (RS256), then a 404 in
/// the example app, every time.
fn jwt_of_another_app(control: &str) -> String {
    control_call(&[
        "-s",
        "-X",
        "POST",
        &format!("{control}/moonkey/sessions?credential={OTHER_MOONKEY_KEY}"),
        "-H",
        "content-type: application/json",
        "-d",
        "{}",
    ])
}

/// The `session_jwt` of what a control call answers.
fn control_call(curl: &[&str]) -> String {
    let output = Command::new("curl").args(curl).output().expect("curl runs");
    let session: serde_json::Value = serde_json::from_slice(&output.stdout).expect("a session");
    session["session_jwt"].as_str().expect("a JWT").to_string()
}
