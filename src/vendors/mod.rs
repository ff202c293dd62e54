//! The vendors, and the one list of them. Each vendor is a folder here with the same layout: `mod.rs`
//! names its operation and spec and implements `crate::serve::vendor::Vendor` (its sessions, its handler);
//! `error.rs` holds its error shape (`crate::serve::vendor::VendorError`) and its departures from the spec.
//!
//! Adding a vendor adds one line to `vendor_list!` below: its server, port flag, startup line entry,
//! control endpoints, register section and the test harness's generic checks all follow from it.

use std::sync::Arc;

use crate::departures::Departure;
use crate::probe::Catalogue;
use crate::serve::vendor::{Vendor, VendorContext};

/// A vendor of the list: one whose context the control API can reach by type.
pub(crate) trait Listed: Vendor {
    fn context(contexts: &Contexts) -> &Arc<VendorContext<Self>>;
}

/// Something done once per vendor type: registering its control endpoints, collecting its departures…
pub(crate) trait VendorVisitor {
    fn visit<V: Listed>(&mut self) -> Result<(), String>;
}

/// Builds each vendor's context (and, at start-up, its server), vendor by vendor.
pub(crate) trait ContextBuilder {
    fn build<V: Listed>(&mut self) -> Result<Arc<VendorContext<V>>, String>;
}

/// Declares the vendor modules and everything that is written once per vendor.
macro_rules! vendor_list {
    ($($module:ident :: $vendor:ident),+ $(,)?) => {
        /// Every vendor's name, in the order of the list (and of the startup output).
        pub const NAMES: &[&str] = &[$(<$module::$vendor as Vendor>::NAME),+];

        /// Every vendor's context, one field each.
        pub(crate) struct Contexts {
            $($module: Arc<VendorContext<$module::$vendor>>,)+
        }

        impl Contexts {
            /// Builds every vendor's context, in the order of the list.
            pub(crate) fn build(builder: &mut impl ContextBuilder) -> Result<Self, String> {
                Ok(Self { $($module: builder.build::<$module::$vendor>()?,)+ })
            }

            /// What each vendor's store holds and has forgotten.
            pub(crate) fn stats(&self) -> Vec<(&'static str, crate::state::store::StoreStats)> {
                vec![$((<$module::$vendor as Vendor>::NAME, self.$module.store.stats())),+]
            }

            /// Puts every vendor's data in `namespace` back to the fixtures.
            pub(crate) fn reset_namespace(&self, namespace: &str) {
                $(self.$module.store.reset_namespace(namespace);)+
            }
        }

        $(impl Listed for $module::$vendor {
            fn context(contexts: &Contexts) -> &Arc<VendorContext<Self>> {
                &contexts.$module
            }
        })+

        /// Visits every vendor, in the order of the list.
        pub(crate) fn visit_all(visitor: &mut impl VendorVisitor) -> Result<(), String> {
            $(visitor.visit::<$module::$vendor>()?;)+
            Ok(())
        }

        /// A vendor's probe catalogue, by name.
        pub(crate) fn catalogue(vendor: &str) -> Option<Catalogue> {
            $(if vendor == <$module::$vendor as Vendor>::NAME {
                return Some(<$module::$vendor as Vendor>::catalogue());
            })+
            None
        }

        /// A vendor's compiled operations, by name (none for a name that is no vendor's).
        pub(crate) fn compiled_operations(vendor: &str) -> Vec<&'static crate::operation::Operation> {
            $(if vendor == <$module::$vendor as Vendor>::NAME {
                return <$module::$vendor as Vendor>::overrides().iter().map(|o| o.operation).collect();
            })+
            Vec::new()
        }

        /// A vendor's example credential (empty where its credential does not separate apps), by name.
        pub(crate) fn default_credential(vendor: &str) -> Option<&'static str> {
            $(if vendor == <$module::$vendor as Vendor>::NAME {
                return Some(<$module::$vendor as Vendor>::DEFAULT_CREDENTIAL);
            })+
            None
        }

        /// Each vendor's name and default port, in the order of the list.
        pub const DEFAULT_PORTS: &[(&str, u16)] = &[
            $((<$module::$vendor as Vendor>::NAME, <$module::$vendor as Vendor>::DEFAULT_PORT)),+
        ];
    };
}

pub mod dynamic;
pub mod moonkey;
pub mod nango;
pub mod paragraph;

// The list: one line per vendor, in the order of the startup output.
vendor_list! {
    moonkey::MoonKey,
    dynamic::Dynamic,
    paragraph::Paragraph,
    nango::Nango,
}

/// The whole register: every vendor's entries, then what the vendors' siblings infer, then those
/// of state inferred from any document (filed under `state`).
pub fn register() -> Vec<(&'static str, &'static Departure)> {
    struct Collect(Vec<(&'static str, &'static Departure)>);
    impl VendorVisitor for Collect {
        fn visit<V: Listed>(&mut self) -> Result<(), String> {
            self.0.extend(V::inferred().iter().map(|d| (V::NAME, *d)));
            Ok(())
        }
    }
    let mut entries = departures();
    let mut inferred = Collect(Vec::new());
    // Collecting static lists cannot fail.
    let _ = visit_all(&mut inferred);
    entries.extend(inferred.0);
    entries.push(("state", &crate::departures::UNDOCUMENTED_NOT_FOUND));
    entries.push(("state", &crate::departures::UNDOCUMENTED_CONFLICT));
    entries
}

/// The whole register of departures, vendor by vendor: each with the name of its vendor.
pub fn departures() -> Vec<(&'static str, &'static Departure)> {
    struct Collect(Vec<(&'static str, &'static Departure)>);
    impl VendorVisitor for Collect {
        fn visit<V: Listed>(&mut self) -> Result<(), String> {
            self.0.extend(V::departures().iter().map(|d| (V::NAME, *d)));
            Ok(())
        }
    }
    let mut collect = Collect(Vec::new());
    // Collecting static lists cannot fail.
    let _ = visit_all(&mut collect);
    collect.0
}
