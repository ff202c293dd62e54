//! What the process-level benchmarks share: an `understudy` process started with some arguments,
//! its startup JSON line read for the URLs, its resident memory read from /proc, and the process
//! killed when the benchmark is done; and the quantiles they print.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running `understudy` binary. `UNDERSTUDY_BIN` measures another build (an earlier commit, say)
/// with the same figures.
pub struct Process {
    child: Child,
    /// The startup line: each server's name and its base URL.
    pub urls: serde_json::Value,
}

impl Process {
    pub fn start(args: &[&str]) -> Self {
        let binary = std::env::var("UNDERSTUDY_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_understudy").to_string());
        let mut child = Command::new(binary)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("understudy starts");
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().expect("stdout"))
            .read_line(&mut line)
            .expect("the startup line");
        Self {
            urls: serde_json::from_str(&line).expect("the startup line is JSON"),
            child,
        }
    }

    pub fn url(&self, server: &str) -> String {
        url(&self.urls, server)
    }

    /// The process id, to read more of /proc with [`status_mb`].
    #[allow(dead_code)] // not every benchmark reads /proc
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory in MB, from /proc.
    #[allow(dead_code)] // not every benchmark measures memory
    pub fn rss_mb(&self) -> f64 {
        status_mb(self.child.id(), "VmRSS:").expect("VmRSS")
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A memory field of a process's /proc status (`VmRSS:`, `VmHWM:`, `RssAnon:`…), in MB; `None` once
/// the process is gone.
pub fn status_mb(pid: u32, field: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())?;
    Some(kb / 1024.0)
}

/// A server's base URL from a startup line.
pub fn url(urls: &serde_json::Value, server: &str) -> String {
    urls[server].as_str().expect("a URL").to_string()
}

/// The median, the 99th percentile and the maximum of some timings.
pub fn median_p99_max(mut samples: Vec<Duration>) -> (Duration, Duration, Duration) {
    samples.sort_unstable();
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q) as usize];
    (at(0.5), at(0.99), *samples.last().expect("samples"))
}
