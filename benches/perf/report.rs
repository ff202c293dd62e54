//! What the benchmark prints: the scenario table with ratios to the references and to the compiled
//! Dynamic revoke, the generic engine against its target, the servers' start-up and memory, what a
//! large document costs, and the flatness steps; as a table for people or as JSON (`--json`) for
//! machines.

use crate::flatness::Step;
use crate::load::LoadFigures;
use crate::server::Memory;
use crate::wrk::Measured;
use crate::Options;

/// One scenario's medians over its rounds.
pub struct Row {
    pub name: &'static str,
    pub rps: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub cpu_us: f64,
    pub unexpected: u64,
}

impl Row {
    pub fn of(name: &'static str, runs: &[Measured]) -> Self {
        let median = |value: fn(&Measured) -> f64| {
            let mut values: Vec<f64> = runs.iter().map(value).collect();
            values.sort_by(|a, b| a.total_cmp(b));
            values[values.len() / 2]
        };
        Self {
            name,
            rps: median(|m| m.rps),
            p50_ms: median(|m| m.p50_ms),
            p99_ms: median(|m| m.p99_ms),
            cpu_us: median(|m| m.cpu_us),
            unexpected: runs.iter().map(|m| m.unexpected).sum(),
        }
    }
}

/// A server's start-up and memory, read before it was stopped.
pub struct ServerFigures {
    pub name: &'static str,
    pub startup_ms: f64,
    /// Resident once started and answering its first request (MB).
    pub rss_started: f64,
    pub memory: Memory,
}

pub struct Report<'a> {
    pub options: &'a Options,
    /// The references first: bare hyper, then bare dropshot.
    pub rows: &'a [Row],
    pub servers: &'a [ServerFigures],
    /// Understudy's peak resident memory after its Dynamic revoke scenario (MB).
    pub under_dynamic_load: f64,
    pub steps: &'a [Step],
    pub load: &'a LoadFigures,
}

/// The generic engine's throughput target, as a share of the compiled Dynamic revoke's.
const GENERIC_TARGET: f64 = 0.8;
/// A large document's targets: its start-up time (spawn to startup line), and the memory it adds.
const LOAD_TARGET_MS: f64 = 1000.0;
const LOAD_TARGET_MB: f64 = 20.0;

fn verdict(met: bool) -> &'static str {
    if met {
        "met"
    } else {
        "NOT MET"
    }
}

impl Report<'_> {
    fn references(&self) -> (f64, f64) {
        (self.rows[0].rps, self.rows[1].rps)
    }

    /// The compiled path's row: the Dynamic revoke 200 on the same Understudy.
    fn compiled(&self) -> &Row {
        self.rows
            .iter()
            .find(|r| r.name == crate::DYNAMIC_REVOKE)
            .expect("the Dynamic revoke scenario")
    }

    fn generic_rows(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| crate::generic::NAMES.contains(&r.name))
    }

    fn state_rows(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| crate::state::NAMES.contains(&r.name))
    }

    /// What one inferred record costs in resident memory (bytes): the server holding
    /// [`crate::state::RECORDS`] of them against the same server without them, both once started.
    fn bytes_per_record(&self) -> Option<(f64, f64, f64)> {
        let with = self.servers.get(crate::INFERRED_RECORDS)?.rss_started;
        let without = self.servers.get(crate::UNDERSTUDY)?.rss_started;
        Some((
            with,
            without,
            (with - without) * 1024.0 * 1024.0 / f64::from(crate::state::RECORDS),
        ))
    }

    pub fn print_table(&self) {
        let (hyper, dropshot) = self.references();
        let compiled = self.compiled().rps;
        println!(
            "wrk -t2 -c32, {} s per run, median of {} rounds (the scenarios take turns)\n",
            self.options.seconds, self.options.runs
        );
        println!(
            "{:<54} {:>8} {:>7} {:>7} {:>9} {:>8} {:>7} {:>8}",
            "scenario", "req/s", "p50 ms", "p99 ms", "CPU µs/r", "÷dropsh", "÷hyper", "÷revoke"
        );
        for row in self.rows {
            println!(
                "{:<54} {:>8.0} {:>7.2} {:>7.2} {:>9.1} {:>8.2} {:>7.2} {:>8.2}{}",
                row.name,
                row.rps,
                row.p50_ms,
                row.p99_ms,
                row.cpu_us,
                row.rps / dropshot,
                row.rps / hyper,
                row.rps / compiled,
                if row.unexpected > 0 { "  WRONG ANSWERS" } else { "" }
            );
        }
        let revoke = self.compiled();
        println!(
            "\ngeneric engine against the compiled path ({}: {:.0} req/s, {:.1} CPU µs/r); target ≥ {:.2} × its req/s",
            revoke.name, revoke.rps, revoke.cpu_us, GENERIC_TARGET
        );
        for row in self.generic_rows() {
            let ratio = row.rps / revoke.rps;
            println!(
                "{:<54} {:>8.0} req/s  {:.2} × revoke  {:.2} × dropshot  CPU/r {:.2} × revoke  {}",
                row.name,
                row.rps,
                ratio,
                row.rps / dropshot,
                row.cpu_us / revoke.cpu_us,
                verdict(ratio >= GENERIC_TARGET)
            );
        }
        println!("\nstate inferred from a document, against the same compiled path (no target)");
        for row in self.state_rows() {
            println!(
                "{:<54} {:>8.0} req/s  {:.2} × revoke  {:.2} × dropshot  CPU/r {:.2} × revoke",
                row.name,
                row.rps,
                row.rps / revoke.rps,
                row.rps / dropshot,
                row.cpu_us / revoke.cpu_us,
            );
        }
        println!(
            "\n{:<38} {:>9} {:>10} {:>10} {:>10} {:>10}",
            "server (RSS in MB)", "start ms", "started", "peak", "anon now", "file now"
        );
        for server in self.servers {
            println!(
                "{:<38} {:>9.1} {:>10.1} {:>10.1} {:>10.1} {:>10.1}",
                server.name,
                server.startup_ms,
                server.rss_started,
                server.memory.peak,
                server.memory.anon,
                server.memory.file
            );
        }
        println!(
            "understudy's peak after its Dynamic revoke scenario (default journal): {:.1} MB",
            self.under_dynamic_load
        );
        if let Some((with, without, bytes)) = self.bytes_per_record() {
            println!(
                "memory per inferred record: ({with:.1} − {without:.1} MB started) ÷ {} = {bytes:.0} bytes",
                crate::state::RECORDS
            );
        }
        let load = self.load;
        println!(
            "\na large document: {} operations ({:.0} KB of YAML), generated; against tests/documents/pets-crud-3.0.yaml",
            load.operations, load.document_kb
        );
        println!(
            "  spawn to startup line (median of {}): {:.1} ms, against {:.1} ms for the tiny one (+{:.1} ms); target < {:.0} ms: {}",
            load.loads,
            load.large_ms,
            load.tiny_ms,
            load.large_ms - load.tiny_ms,
            LOAD_TARGET_MS,
            verdict(load.large_ms < LOAD_TARGET_MS)
        );
        println!(
            "  RSS started: {:.1} MB, against {:.1} MB for the tiny one (+{:.1} MB)",
            load.large_rss,
            load.tiny_rss,
            load.large_rss - load.tiny_rss
        );
        println!(
            "  RSS after one request to every operation: {:.1} MB (+{:.1} MB over the tiny one started); target < +{:.0} MB: {}{}",
            load.large_rss_after,
            load.large_rss_after - load.tiny_rss,
            LOAD_TARGET_MB,
            verdict(load.large_rss_after - load.tiny_rss < LOAD_TARGET_MB),
            if load.unexpected > 0 { "  WRONG ANSWERS" } else { "" }
        );
        println!(
            "    of which anonymous (heap) {:.1} → {:.1} MB (+{:.1}), file-backed (the executable's pages) {:.1} → {:.1} MB (+{:.1})",
            load.tiny_anon,
            load.large_anon_after,
            load.large_anon_after - load.tiny_anon,
            load.tiny_file,
            load.large_file_after,
            load.large_file_after - load.tiny_file
        );
        if !self.steps.is_empty() {
            println!("\nmemory as use grows (one fresh understudy)");
            for step in self.steps {
                let points: Vec<String> = step
                    .at
                    .iter()
                    .map(|(amount, mb)| format!("{amount}: {mb:.1} MB"))
                    .collect();
                println!(
                    "{:<28} {}  (last ÷ first ×{:.2})",
                    step.what,
                    points.join(" → "),
                    step.ratio()
                );
            }
        }
    }

    pub fn print_json(&self) {
        let (hyper, dropshot) = self.references();
        let compiled = self.compiled();
        let scenarios: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|row| {
                serde_json::json!({
                    "scenario": row.name, "rps": row.rps, "p50_ms": row.p50_ms, "p99_ms": row.p99_ms,
                    "cpu_us_per_request": row.cpu_us, "vs_dropshot": row.rps / dropshot,
                    "vs_hyper": row.rps / hyper, "vs_dynamic_revoke": row.rps / compiled.rps,
                    "unexpected_answers": row.unexpected,
                })
            })
            .collect();
        let versus = |row: &Row| {
            serde_json::json!({
                "scenario": row.name, "rps": row.rps, "vs_dynamic_revoke": row.rps / compiled.rps,
                "vs_dropshot": row.rps / dropshot, "cpu_vs_dynamic_revoke": row.cpu_us / compiled.cpu_us,
            })
        };
        let generic: Vec<serde_json::Value> = self
            .generic_rows()
            .map(|row| {
                let mut figures = versus(row);
                figures["target_vs_dynamic_revoke"] = GENERIC_TARGET.into();
                figures["met"] = (row.rps / compiled.rps >= GENERIC_TARGET).into();
                figures
            })
            .collect();
        let state: Vec<serde_json::Value> = self.state_rows().map(versus).collect();
        let bytes_per_record = self.bytes_per_record().map(|(_, _, bytes)| bytes);
        let load = self.load;
        let load = serde_json::json!({
            "operations": load.operations, "document_kb": load.document_kb, "loads": load.loads,
            "startup_line_ms": load.large_ms, "tiny_startup_line_ms": load.tiny_ms,
            "rss_started_mb": load.large_rss, "tiny_rss_started_mb": load.tiny_rss,
            "rss_after_every_operation_mb": load.large_rss_after,
            "anon_after_every_operation_mb": load.large_anon_after, "file_after_every_operation_mb": load.large_file_after,
            "tiny_anon_started_mb": load.tiny_anon, "tiny_file_started_mb": load.tiny_file,
            "target_startup_ms": LOAD_TARGET_MS, "target_added_mb": LOAD_TARGET_MB,
            "unexpected_answers": load.unexpected,
        });
        let servers: Vec<serde_json::Value> = self
            .servers
            .iter()
            .map(|s| {
                serde_json::json!({
                    "server": s.name, "startup_ms": s.startup_ms, "rss_started_mb": s.rss_started,
                    "rss_peak_mb": s.memory.peak, "rss_anon_mb": s.memory.anon, "rss_file_mb": s.memory.file,
                })
            })
            .collect();
        let steps: Vec<serde_json::Value> = self
            .steps
            .iter()
            .map(|step| {
                let points: Vec<serde_json::Value> = step
                    .at
                    .iter()
                    .map(|(amount, mb)| serde_json::json!({"amount": amount, "rss_mb": mb}))
                    .collect();
                serde_json::json!({"what": step.what, "points": points, "ratio": step.ratio()})
            })
            .collect();
        println!(
            "{:#}",
            serde_json::json!({
                "duration_s": self.options.seconds, "runs": self.options.runs,
                "scenarios": scenarios, "generic_vs_compiled": generic, "state_vs_compiled": state,
                "bytes_per_inferred_record": bytes_per_record, "large_document": load, "servers": servers,
                "rss_peak_under_dynamic_load_mb": self.under_dynamic_load, "memory_flatness": steps,
            })
        );
    }
}
