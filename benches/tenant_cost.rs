//! A benchmark: what tenants cost. Starts the `understudy` binary
//! and prints figures: its RSS idle, after 10,000 new MoonKey tenants (distinct secret keys) and
//! 10,000 new Paragraph tenants (distinct namespaces) that only read, and after 10,000 more that
//! each change their data; and an existing tenant's latency while new tenants stream in, against the
//! same tenant's latency with no churn, measured in the same run. Run it with
//! `cargo bench --bench tenant_cost`.

#[path = "support/mod.rs"]
mod support;

use std::time::{Duration, Instant};
use support::{median_p99_max, url, Process};

const TENANTS: usize = 10_000;
const SAMPLES: usize = 2_000;

/// A well-formed MoonKey secret key, distinct for each `i`.
fn key(i: usize) -> String {
    format!("sk_test_{i:0>48}")
}

async fn new_tenants(http: &reqwest::Client, urls: &serde_json::Value, from: usize, change: bool) {
    let moonkey = format!("{}/v1/auth/sessions/delete", url(urls, "moonkey"));
    let paragraph = format!("{}/v1/api/auth/sessions/", url(urls, "paragraph"));
    let default_moonkey = "sess_vItppcBkSfHGf4X7C5FVSB6bmMy";
    let default_paragraph = "3f6c2a9e-8b1d-4e57-a0c4-7d2e9f1b6a35";
    for i in from..from + TENANTS {
        // Deleting an unknown session only reads; deleting the default one changes the tenant's data.
        let (session, pending) = if change {
            (default_moonkey, default_paragraph)
        } else {
            ("sess_unknown", "unknown")
        };
        let status = http
            .delete(&moonkey)
            .bearer_auth(key(i))
            .json(&serde_json::json!({"session_id": session}))
            .send()
            .await
            .expect("answered")
            .status();
        assert_eq!(status.as_u16(), if change { 200 } else { 404 });
        let status = http
            .delete(format!("{paragraph}{pending}"))
            .header("x-understudy-namespace", format!("tenant-{i}"))
            .send()
            .await
            .expect("answered")
            .status();
        assert_eq!(status.as_u16(), if change { 200 } else { 404 });
    }
}

/// An existing tenant's request latency, `SAMPLES` times.
async fn neighbour_latencies(http: &reqwest::Client, server: &Process) -> Vec<Duration> {
    let url = format!(
        "{}/sessions/00000000-0000-4000-8000-000000000000/revoke",
        server.url("dynamic")
    );
    let mut samples = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let started = Instant::now();
        let response = http
            .put(&url)
            .bearer_auth("dyn_aGLjTe3TUN40vSE75sTtgUx9AjIe0q4n3LFC")
            .send()
            .await
            .expect("answered");
        assert_eq!(response.status().as_u16(), 404);
        samples.push(started.elapsed());
    }
    samples
}

#[tokio::main(worker_threads = 2)]
async fn main() {
    let server = Process::start(&["--ephemeral-ports", "--journal-limit", "0"]);
    let http = reqwest::Client::new();
    neighbour_latencies(&http, &server).await;
    let idle = server.rss_mb();
    new_tenants(&http, &server.urls, 0, false).await;
    let read_only = server.rss_mb();
    new_tenants(&http, &server.urls, TENANTS, true).await;
    let changed = server.rss_mb();
    println!("RSS: idle {idle:.1} MB; after {TENANTS} MoonKey and {TENANTS} Paragraph tenants that only read {read_only:.1} MB; after {TENANTS} more of each that changed their data {changed:.1} MB");
    println!("(each vendor keeps at most 4096 tenants: the oldest are forgotten past it)");

    let quiet = median_p99_max(neighbour_latencies(&http, &server).await);
    let churn = {
        let (http, urls) = (http.clone(), server.urls.clone());
        tokio::spawn(async move {
            let started = Instant::now();
            new_tenants(&http, &urls, 2 * TENANTS, false).await;
            (2 * TENANTS) as f64 / started.elapsed().as_secs_f64()
        })
    };
    let busy = median_p99_max(neighbour_latencies(&http, &server).await);
    let churn_rate = churn.await.expect("the churn ran");
    println!(
        "an existing tenant's latency, median / p99 / max: quiet {:?} / {:?} / {:?}; while new tenants arrive at {churn_rate:.0} per second {:?} / {:?} / {:?}; median ratio {:.2}",
        quiet.0, quiet.1, quiet.2, busy.0, busy.1, busy.2,
        busy.0.as_secs_f64() / quiet.0.as_secs_f64()
    );
}
