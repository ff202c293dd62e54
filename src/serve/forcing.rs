//! Forced responses: a `Prefer` header on one request (compatible with Prism's `code=`, `example=`
//! and `dynamic=true`, plus `delay=` in milliseconds), or scenarios set through the control API for
//! clients that cannot add headers ("the next N requests to operation X in namespace Y answer
//! status S / after D ms / by dropping the connection").

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The longest delay a request can ask for, so that a typo cannot park a connection for hours.
pub const MAX_DELAY: Duration = Duration::from_secs(60);

/// What to do instead of (or before) the vendor's own answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Forcing {
    /// Answer this status in the vendor's shape.
    pub status: Option<u16>,
    /// Answer the spec example of this name.
    pub example: Option<String>,
    /// Wait this long first.
    pub delay: Option<Duration>,
    /// Close the connection without an answer.
    pub drop_connection: bool,
    /// Generate the body from the schema even where the document gives an example
    /// (`Prefer: dynamic=true`, as Prism's).
    pub dynamic: bool,
}

impl Forcing {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// Reads `Prefer: code=500, example=Name, delay=250`. Preferences are separated by `,` or `;`;
/// unknown or malformed ones are ignored, as RFC 7240 asks of servers.
pub fn from_prefer(header: &str) -> Forcing {
    let mut forcing = Forcing::default();
    for preference in header.split([',', ';']) {
        let Some((name, value)) = preference.split_once('=') else {
            continue;
        };
        let value = value.trim().trim_matches('"');
        match name.trim().to_ascii_lowercase().as_str() {
            "code" => forcing.status = value.parse().ok().filter(|s| (100..=599).contains(s)),
            "example" if !value.is_empty() => forcing.example = Some(value.to_string()),
            "dynamic" => forcing.dynamic = value.eq_ignore_ascii_case("true"),
            "delay" => forcing.delay = value.parse().ok().map(|ms| Duration::from_millis(ms).min(MAX_DELAY)),
            _ => {}
        }
    }
    forcing
}

/// A scenario as the control API takes it.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct ScenarioSpec {
    /// A vendor's name, as in the startup line.
    pub vendor: String,
    /// Only this operation id; every operation of the vendor when absent.
    #[serde(default)]
    pub operation: Option<String>,
    /// How many matching requests it applies to.
    #[serde(default = "one")]
    pub times: u32,
    /// Answer this status in the vendor's shape.
    #[serde(default)]
    pub status: Option<u16>,
    /// Wait this many milliseconds first (at most 60000).
    #[serde(default)]
    pub delay_ms: Option<u64>,
    /// Close the connection without an answer.
    #[serde(default)]
    pub drop_connection: bool,
}

fn one() -> u32 {
    1
}

/// A scenario waiting for requests.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Scenario {
    pub id: u64,
    pub namespace: String,
    pub remaining: u32,
    #[serde(flatten)]
    pub spec: ScenarioSpec,
}

#[derive(Default)]
pub struct Scenarios {
    /// A std `Mutex`: taking a scenario is a scan of a short list, with no `.await` under the lock.
    pending: Mutex<Vec<Scenario>>,
    next_id: AtomicU64,
}

impl Scenarios {
    pub fn add(&self, namespace: &str, spec: ScenarioSpec) -> Result<Scenario, String> {
        if spec.times == 0 {
            return Err("times must be at least 1".into());
        }
        if spec.status.is_some_and(|s| !(100..=599).contains(&s)) {
            return Err("status must be between 100 and 599".into());
        }
        if spec.status.is_none() && spec.delay_ms.is_none() && !spec.drop_connection {
            return Err("a scenario needs a status, a delay_ms or drop_connection".into());
        }
        let scenario = Scenario {
            id: self.next_id.fetch_add(1, Ordering::Relaxed) + 1,
            namespace: namespace.to_string(),
            remaining: spec.times,
            spec,
        };
        self.lock().push(scenario.clone());
        Ok(scenario)
    }

    pub fn list(&self, namespace: &str) -> Vec<Scenario> {
        self.lock()
            .iter()
            .filter(|s| s.namespace == namespace)
            .cloned()
            .collect()
    }

    pub fn clear(&self, namespace: &str) {
        self.lock().retain(|s| s.namespace != namespace);
    }

    /// Uses up one application of the oldest scenario that matches the request, if any.
    pub fn take(&self, vendor: &str, operation: &str, namespace: &str) -> Option<Forcing> {
        let mut pending = self.lock();
        if pending.is_empty() {
            return None;
        }
        let index = pending.iter().position(|s| {
            s.namespace == namespace
                && s.spec.vendor == vendor
                && s.spec.operation.as_deref().is_none_or(|o| o == operation)
        })?;
        let scenario = &mut pending[index];
        scenario.remaining -= 1;
        let forcing = Forcing {
            status: scenario.spec.status,
            example: None,
            delay: scenario
                .spec
                .delay_ms
                .map(|ms| Duration::from_millis(ms).min(MAX_DELAY)),
            drop_connection: scenario.spec.drop_connection,
            dynamic: false,
        };
        if scenario.remaining == 0 {
            pending.remove(index);
        }
        Some(forcing)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Scenario>> {
        crate::state::locks::lock(&self.pending)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefer_reads_code_example_and_delay_and_ignores_the_rest() {
        let forcing = from_prefer("code=503, example=\"Down\"; delay=250, respond-async, wait=5, code=x");
        assert_eq!(forcing.status, None, "the last malformed code wins as none");
        assert_eq!(forcing.example.as_deref(), Some("Down"));
        assert_eq!(forcing.delay, Some(Duration::from_millis(250)));
        assert_eq!(from_prefer("code=404").status, Some(404));
        assert_eq!(from_prefer("delay=99999999").delay, Some(MAX_DELAY));
        assert!(from_prefer("return=minimal").is_empty());
    }

    #[test]
    fn a_scenario_applies_to_the_next_n_matching_requests_only() {
        let scenarios = Scenarios::default();
        let spec = ScenarioSpec {
            vendor: "nango".into(),
            operation: Some("delete_connect_session".into()),
            times: 2,
            status: Some(500),
            delay_ms: None,
            drop_connection: false,
        };
        scenarios.add("ns", spec).unwrap();
        assert_eq!(
            scenarios.take("nango", "delete_connect_session", "other"),
            None,
            "another namespace"
        );
        assert_eq!(
            scenarios.take("dynamic", "delete_connect_session", "ns"),
            None,
            "another vendor"
        );
        assert_eq!(
            scenarios
                .take("nango", "delete_connect_session", "ns")
                .and_then(|f| f.status),
            Some(500)
        );
        assert!(scenarios.take("nango", "delete_connect_session", "ns").is_some());
        assert_eq!(scenarios.take("nango", "delete_connect_session", "ns"), None, "used up");
    }

    #[test]
    fn a_scenario_must_do_something() {
        let spec = ScenarioSpec {
            vendor: "nango".into(),
            operation: None,
            times: 1,
            status: None,
            delay_ms: None,
            drop_connection: false,
        };
        assert!(Scenarios::default().add("ns", spec).is_err());
    }
}
