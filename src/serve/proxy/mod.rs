//! `understudy proxy`: relay a request to the real service, classify its answer against the
//! document and the register of departures, and keep the drifts seen.

pub(crate) mod classify;
pub(crate) mod drift_log;
pub(crate) mod relay;
pub(crate) mod upstream;
