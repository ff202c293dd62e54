//! A benchmark: what `understudy proxy` adds to a request.
//! Starts the `understudy` binary as a mock and a second one as a proxy in front of it, sends the
//! same request directly and through the proxy, interleaved, and prints medians and p99s of both and
//! their difference. Run it with `cargo bench --bench proxy_overhead`.

#[path = "support/mod.rs"]
mod support;

use std::time::Instant;
use support::{median_p99_max, Process};

const SAMPLES: usize = 3_000;

#[tokio::main(worker_threads = 2)]
async fn main() {
    let mock = Process::start(&["--ephemeral-ports", "--journal-limit", "0"]);
    let upstream = format!("dynamic={}", mock.url("dynamic"));
    let proxy = Process::start(&[
        "proxy",
        "--upstream",
        &upstream,
        "--ephemeral-ports",
        "--journal-limit",
        "0",
    ]);
    let http = reqwest::Client::new();
    let path = "/sessions/00000000-0000-4000-8000-000000000000/revoke";
    let send = |base: String| {
        let http = http.clone();
        async move {
            let started = Instant::now();
            let response = http
                .put(format!("{base}{path}"))
                .bearer_auth("dyn_aGLjTe3TUN40vSE75sTtgUx9AjIe0q4n3LFC")
                .send()
                .await
                .expect("answered");
            assert_eq!(response.status().as_u16(), 404);
            response.bytes().await.expect("a body");
            started.elapsed()
        }
    };
    let (mut direct, mut proxied) = (Vec::new(), Vec::new());
    for i in 0..SAMPLES + 200 {
        let (d, p) = (send(mock.url("dynamic")).await, send(proxy.url("dynamic")).await);
        if i >= 200 {
            direct.push(d);
            proxied.push(p);
        }
    }
    let (direct, proxied) = (median_p99_max(direct), median_p99_max(proxied));
    println!(
        "Dynamic revoke (404, a registered departure), {SAMPLES} of each, interleaved: direct median {:?} p99 {:?}; through the proxy median {:?} p99 {:?}; the proxy adds {:?} at the median (ratio {:.2})",
        direct.0,
        direct.1,
        proxied.0,
        proxied.1,
        proxied.0.saturating_sub(direct.0),
        proxied.0.as_secs_f64() / direct.0.as_secs_f64()
    );
}
