//! The four vendors. Each module names its operation, its spec file and its departures at the top,
//! and plugs into the server through [`crate::vendor::Vendor`] in the same way: a `State` per tenant
//! seeded from its fixture, an error shape, one handler per operation, and session specs and views
//! for the control API.

pub mod dynamic;
pub mod moonkey;
pub mod nango;
pub mod paragraph;

use crate::departures::Departure;
use crate::vendor::Vendor;

/// Every vendor, by name, in the order of the startup line.
pub const NAMES: [&str; 4] = [
    moonkey::MoonKey::NAME,
    dynamic::Dynamic::NAME,
    paragraph::Paragraph::NAME,
    nango::Nango::NAME,
];

/// Something done once per vendor type: starting its server, registering its control endpoints…
pub trait VendorVisitor {
    fn visit<V: Vendor>(&mut self) -> Result<(), String>;
}

/// Visits every vendor, in the order of [`NAMES`]. The only place that lists the vendor types.
pub fn visit_all(visitor: &mut impl VendorVisitor) -> Result<(), String> {
    visitor.visit::<moonkey::MoonKey>()?;
    visitor.visit::<dynamic::Dynamic>()?;
    visitor.visit::<paragraph::Paragraph>()?;
    visitor.visit::<nango::Nango>()
}

/// The whole register of departures, vendor by vendor.
pub fn departures() -> Vec<&'static Departure> {
    struct Collect(Vec<&'static Departure>);
    impl VendorVisitor for Collect {
        fn visit<V: Vendor>(&mut self) -> Result<(), String> {
            self.0.extend(V::departures());
            Ok(())
        }
    }
    let mut collect = Collect(Vec::new());
    // Collecting static lists cannot fail.
    let _ = visit_all(&mut collect);
    collect.0
}
