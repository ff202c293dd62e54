//! One server under test: a child process (Understudy, or a reference server that is this very
//! benchmark binary started with a flag), the time from exec to its first answer, and what /proc
//! says of its memory and CPU.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::{support, DYNAMIC_TOKEN};

pub struct Server {
    pub name: &'static str,
    child: Child,
    urls: serde_json::Value,
    pub startup: Duration,
    /// Resident memory once started and answering (MB).
    pub rss_started: f64,
}

/// Resident memory split as /proc reports it (MB): the peak, the current, and the current's
/// anonymous (heap, stacks) and file-backed (the executable's pages) parts.
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    pub peak: f64,
    pub now: f64,
    pub anon: f64,
    pub file: f64,
}

impl Server {
    /// Understudy, with `extra` arguments. `UNDERSTUDY_BIN` measures another build.
    pub fn understudy(name: &'static str, extra: &[&str]) -> Self {
        let binary = std::env::var("UNDERSTUDY_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_understudy").to_string());
        let mut command = Command::new(binary);
        command.args(["--ephemeral-ports"]).args(extra);
        // An unknown session: a 404 that touches no state, as a first request.
        Self::spawn(name, command, "00000000-0000-4000-8000-000000000000")
    }

    /// A reference server: this binary with `--serve-hyper` or `--serve-dropshot`.
    pub fn reference(name: &'static str, flag: &str) -> Self {
        let mut command = Command::new(std::env::current_exe().expect("the bench knows itself"));
        command.arg(flag);
        Self::spawn(name, command, crate::SESSION_ID)
    }

    /// Starts the process and times exec to its first answered revoke (with curl, as a client would).
    fn spawn(name: &'static str, mut command: Command, session: &str) -> Self {
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
        let probe = format!("{}/sessions/{session}/revoke", urls["dynamic"].as_str().expect("a URL"));
        loop {
            let answered = Command::new("curl")
                .args(["-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "PUT", "-H"])
                .arg(format!("authorization: Bearer {DYNAMIC_TOKEN}"))
                .arg(&probe)
                .output()
                .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
                .unwrap_or_default();
            if answered.starts_with('2') || answered.starts_with('4') {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let mut server = Self {
            name,
            startup: started.elapsed(),
            child,
            urls,
            rss_started: 0.0,
        };
        server.rss_started = server.memory().now;
        server
    }

    pub fn url(&self, server: &str) -> String {
        self.urls[server].as_str().expect("a URL").to_string()
    }

    pub fn memory(&self) -> Memory {
        let mb = |field| support::status_mb(self.child.id(), field).unwrap_or(0.0);
        Memory {
            peak: mb("VmHWM:"),
            now: mb("VmRSS:"),
            anon: mb("RssAnon:"),
            file: mb("RssFile:"),
        }
    }

    /// CPU seconds the process has used (user and system).
    pub fn cpu_seconds(&self) -> f64 {
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
