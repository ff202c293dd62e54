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
    // sent at least once.
    let tenants = |count| wrk::round_robin_bearers("PUT", "dyn_benchTenant", 44, count);
    let thousand_tenants = load(tenants(1_000), 100_000);
    // Past the tenant cap (4096 a vendor): from here on the oldest tenants are forgotten.
    let ten_thousand_tenants = load(tenants(10_000), 100_000);
    let many_tenants = load(tenants(100_000), 200_000);
    let namespaces = |count| wrk::cycling_namespaces(count, bearer.clone());
    let thousand_namespaces = load(namespaces(1_000), 100_000);
    let ten_thousand_namespaces = load(namespaces(10_000), 100_000);
    let many_namespaces = load(namespaces(100_000), 200_000);
    let steps = vec![
        Step {
            what: "requests (Dynamic revoke)",
            at: vec![million, (million.0 + two_million.0, two_million.1)],
        },
        Step {
            what: "tenants seen (credentials)",
            at: vec![
                (1_000, thousand_tenants.1),
                (10_000, ten_thousand_tenants.1),
                (100_000, many_tenants.1),
            ],
        },
        Step {
            what: "namespaces seen",
            at: vec![
                (1_000, thousand_namespaces.1),
                (10_000, ten_thousand_namespaces.1),
                (100_000, many_namespaces.1),
            ],
        },
    ];
    (steps, unexpected)
}
