//! What every server of one Understudy process shares: the fidelity mode, the namespaces' clocks,
//! the journal, the forced-response scenarios, and the drifts a proxy has seen. The vendors' pipeline writes to it; the control
//! API reads and changes it.

use crate::exchange::Fidelity;
use crate::serve::forcing::Scenarios;
use crate::serve::proxy::drift_log::DriftLog;
use crate::spec::Document;
use crate::state::clock::Clock;
use crate::state::journal::Journal;

pub struct Shared {
    pub fidelity: Fidelity,
    pub clock: Clock,
    pub journal: Journal,
    pub scenarios: Scenarios,
    /// The unregistered departures `understudy proxy` has seen.
    pub drifts: DriftLog,
    /// The documents of the served APIs, by name: set once every API has started.
    pub apis: std::sync::OnceLock<Vec<&'static Document>>,
    /// The state inferred from each API's document, for those that have one: set with `apis`.
    pub states: std::sync::OnceLock<Vec<(&'static Document, std::sync::Arc<crate::state::records::Stateful>)>>,
}

impl Shared {
    /// The document of the served API called `name`.
    pub fn document(&self, name: &str) -> Option<&'static Document> {
        self.apis.get()?.iter().find(|d| d.name == name).copied()
    }

    /// The inferred state of the API called `name`, with its document.
    pub fn state(&self, name: &str) -> Option<(&'static Document, &crate::state::records::Stateful)> {
        self.states
            .get()?
            .iter()
            .find(|(d, _)| d.name == name)
            .map(|(d, s)| (*d, &**s))
    }
}
