//! What every server of one Understudy process shares: the fidelity mode, the namespaces' clocks,
//! the journal and the forced-response scenarios. The vendors' pipeline writes to it; the control
//! API reads and changes it.

use crate::clock::Clock;
use crate::exchange::Fidelity;
use crate::forcing::Scenarios;
use crate::journal::Journal;

pub struct Shared {
    pub fidelity: Fidelity,
    pub clock: Clock,
    pub journal: Journal,
    pub scenarios: Scenarios,
}
