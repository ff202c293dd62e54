//! Whether memory stays flat as use grows, on one fresh Understudy: its resident memory after one
//! million Dynamic revokes and after two million (the journal is full long before), after 1,000,
//! 10,000 and 100,000 tenants (the tenant cap holds the store), and after as many namespaces (the
//! journal's namespace and total limits hold it).

use crate::server::Server;
use crate::wrk::{self, Expect, Scenario};
use crate::{DYNAMIC_TOKEN, SESSION_ID};

/// Memory (MB) at growing amounts of the same use.
pub struct Step {
    pub what: &'static str,
    pub at: Vec<(u64, f64)>,
}

impl Step {
    /// Memory at the largest amount over memory at the smallest.
    pub fn ratio(&self) -> f64 {
        match (self.at.first(), self.at.last()) {
            (Some((_, first)), Some((_, last))) => last / first,
            _ => 0.0,
        }
    }
}

pub fn measure() -> (Vec<Step>, u64) {
    let server = Server::understudy("understudy, memory", &[]);
    let revoke = format!("{}/sessions/{SESSION_ID}/revoke", server.url("dynamic"));
    let mut unexpected = 0;
    let mut load = |lua: String, at_least: u64| {
        let scenario = Scenario {
            name: "memory",
            server: 0,
            url: revoke.clone(),
            lua,
            expect: Expect::Success,
        };
        let mut sent = 0;
        while sent < at_least {
            let measured = wrk::run(&scenario, &server, 5);
            if measured.requests == 0 {
                break;
            }
            sent += measured.requests;
            unexpected += measured.unexpected;
        }
        (sent, server.memory().now)
    };
    let bearer = wrk::fixed("PUT", &[("Authorization", format!("Bearer {DYNAMIC_TOKEN}"))], None);
    let million = load(bearer.clone(), 1_000_000);
    let two_million = load(bearer.clone(), 1_000_000);
    // Tenants: Dynamic environment tokens (dyn_ + 40 letters and digits), round-robin, each one
    // sent at least once. Past 10,000, beyond the tenant cap (4096 a vendor), the oldest are forgotten.
    let mut growing = |lua: &dyn Fn(u64) -> String| -> Vec<(u64, f64)> {
        [(1_000, 100_000), (10_000, 100_000), (100_000, 200_000)]
            .into_iter()
            .map(|(count, at_least)| (count, load(lua(count), at_least).1))
            .collect()
    };
    let tenants = growing(&|count| wrk::round_robin_bearers("PUT", "dyn_benchTenant", 44, count));
    let namespaces = growing(&|count| wrk::cycling_namespaces(count, bearer.clone()));
    let steps = vec![
        Step {
            what: "requests (Dynamic revoke)",
            at: vec![million, (million.0 + two_million.0, two_million.1)],
        },
        Step {
            what: "tenants seen (credentials)",
            at: tenants,
        },
        Step {
            what: "namespaces seen",
            at: namespaces,
        },
    ];
    (steps, unexpected)
}
