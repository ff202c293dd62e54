//! The four vendors. Each module names its operation, its spec file and its departures at the top,
//! and plugs into the server through [`crate::server::Vendor`] in the same way:
//! a `State` per tenant with its default data, an error shape, and one handler per operation.

pub mod dynamic;
pub mod moonkey;
pub mod nango;
pub mod paragraph;

use crate::departures::Departure;
use crate::server::{Launcher, Vendor};

/// Starts every vendor's server, in the order of the startup line.
pub fn launch_all(launcher: &mut Launcher) -> Result<(), String> {
    launcher.launch::<moonkey::MoonKey>()?;
    launcher.launch::<dynamic::Dynamic>()?;
    launcher.launch::<paragraph::Paragraph>()?;
    launcher.launch::<nango::Nango>()?;
    Ok(())
}

/// The whole register of departures, vendor by vendor.
pub fn departures() -> Vec<&'static Departure> {
    [
        moonkey::MoonKey::departures(),
        dynamic::Dynamic::departures(),
        paragraph::Paragraph::departures(),
        nango::Nango::departures(),
    ]
    .into_iter()
    .flatten()
    .collect()
}
