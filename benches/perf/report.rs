//! What the benchmark prints: the scenario table with ratios to the references, the servers' start-up
//! and memory, and the flatness steps; as a table for people or as JSON (`--json`) for machines.

use crate::flatness::Step;
use crate::serve::start::Memory;
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
}

impl Report<'_> {
    fn references(&self) -> (f64, f64) {
        (self.rows[0].rps, self.rows[1].rps)
    }

    pub fn print_table(&self) {
        let (hyper, dropshot) = self.references();
        println!(
            "wrk -t2 -c32, {} s per run, median of {} rounds (the scenarios take turns)\n",
            self.options.seconds, self.options.runs
        );
        println!(
            "{:<54} {:>8} {:>7} {:>7} {:>9} {:>8} {:>7}",
            "scenario", "req/s", "p50 ms", "p99 ms", "CPU µs/r", "÷dropsh", "÷hyper"
        );
        for row in self.rows {
            println!(
                "{:<54} {:>8.0} {:>7.2} {:>7.2} {:>9.1} {:>8.2} {:>7.2}{}",
                row.name,
                row.rps,
                row.p50_ms,
                row.p99_ms,
                row.cpu_us,
                row.rps / dropshot,
                row.rps / hyper,
                if row.unexpected > 0 { "  WRONG ANSWERS" } else { "" }
            );
        }
        println!(
            "\n{:<30} {:>9} {:>10} {:>10} {:>10} {:>10}",
            "server (RSS in MB)", "start ms", "started", "peak", "anon now", "file now"
        );
        for server in self.servers {
            println!(
                "{:<30} {:>9.1} {:>10.1} {:>10.1} {:>10.1} {:>10.1}",
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
        let scenarios: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|row| {
                serde_json::json!({
                    "scenario": row.name, "rps": row.rps, "p50_ms": row.p50_ms, "p99_ms": row.p99_ms,
                    "cpu_us_per_request": row.cpu_us, "vs_dropshot": row.rps / dropshot,
                    "vs_hyper": row.rps / hyper, "unexpected_answers": row.unexpected,
                })
            })
            .collect();
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
                "scenarios": scenarios, "servers": servers,
                "rss_peak_under_dynamic_load_mb": self.under_dynamic_load, "memory_flatness": steps,
            })
        );
    }
}
