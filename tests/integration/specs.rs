//! The vendored specs are exactly what `understudy spec extract` takes from the saved vendor pages,
//! every spec has its provenance beside it, and build.rs reported what it normalised.

use std::path::Path;
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

#[test]
fn every_vendored_spec_equals_what_the_command_extracts_from_its_page() {
    let mut checked = Vec::new();
    for spec in understudy::spec::all() {
        let vendor = spec.name;
        let provenance: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(Path::new(ROOT).join(format!("specs/{vendor}.provenance.json")))
                .unwrap_or_else(|e| panic!("specs/{vendor}.provenance.json: {e}")),
        )
        .expect("provenance is JSON");
        assert!(
            provenance["page_url"]
                .as_str()
                .is_some_and(|url| url.starts_with("https://")),
            "{vendor}: page URL"
        );
        assert!(
            provenance["copied_on"].as_str().is_some_and(|d| d.len() == 10),
            "{vendor}: date"
        );
        let page = provenance["page_copy"]
            .as_str()
            .expect("page_copy names the saved page");

        let output = Command::new(env!("CARGO_BIN_EXE_understudy"))
            .current_dir(ROOT)
            .args(["spec", "extract", page])
            .output()
            .expect("understudy runs");
        assert!(
            output.status.success(),
            "{vendor}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let vendored = std::fs::read(Path::new(ROOT).join(format!("specs/{vendor}.yaml"))).unwrap();
        assert!(
            output.stdout == vendored,
            "specs/{vendor}.yaml differs from what `understudy spec extract {page}` prints"
        );
        checked.push(vendor);
    }
    let mut listed = understudy::vendors::NAMES.to_vec();
    listed.sort_unstable();
    checked.sort_unstable();
    assert_eq!(
        checked, listed,
        "every vendor of the list has a spec, and every spec a vendor"
    );
}

/// What adding a vendor takes (README, "Adding a vendor"): for every vendor of the list, its spec,
/// provenance and saved page under specs/, its section of the default data, its entries in the
/// register of departures, and its test file. Walks the list: no count is written down.
#[test]
fn every_listed_vendor_has_its_spec_page_default_data_departures_and_tests() {
    let root = Path::new(ROOT);
    let default_data: serde_json::Value =
        serde_yaml::from_str(&std::fs::read_to_string(root.join("src/state/fixtures/default.yaml")).unwrap()).unwrap();
    let test_main = std::fs::read_to_string(root.join("tests/integration/main.rs")).unwrap();
    let register = understudy::vendors::departures();
    for vendor in understudy::vendors::NAMES {
        for file in [
            format!("specs/{vendor}.yaml"),
            format!("specs/{vendor}.provenance.json"),
            format!("specs/pages/{vendor}.md"),
        ] {
            assert!(root.join(&file).is_file(), "{vendor}: {file} is missing");
        }
        assert!(
            understudy::spec::all().iter().any(|spec| spec.name == *vendor),
            "{vendor}: build.rs embedded no spec"
        );
        assert!(
            default_data
                .get(vendor)
                .is_some_and(|section| section["sessions"].is_array()),
            "{vendor}: src/state/fixtures/default.yaml has no `{vendor}.sessions`"
        );
        assert!(
            register.iter().any(|(declared_by, _)| declared_by == vendor),
            "{vendor}: the register of departures has no entry (every vendor so far departs from its spec somewhere)"
        );
        assert!(
            root.join(format!("tests/integration/{vendor}.rs")).is_file()
                && test_main.contains(&format!("mod {vendor};")),
            "{vendor}: tests/integration/{vendor}.rs is missing or not declared in tests/integration/main.rs"
        );
    }
}

#[test]
fn extracting_a_page_without_a_yaml_block_fails_with_the_file_named() {
    // Removed when the test ends, whatever it leaves in it.
    let temporary = tempfile::Builder::new()
        .prefix("understudy-extract-")
        .tempdir()
        .unwrap();
    let dir = temporary.path().to_path_buf();
    std::fs::create_dir_all(&dir).unwrap();
    let page = dir.join("empty.md");
    std::fs::write(&page, "# A page\n\nno spec here\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_understudy"))
        .args(["spec", "extract"])
        .arg(&page)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("empty.md") && stderr.contains("no fenced ```yaml block"),
        "{stderr}"
    );
}

#[test]
fn the_normalisation_report_records_what_progenitor_needed() {
    let report = understudy::generated::NORMALISATION_REPORT;
    for expected in [
        "## specs/moonkey.yaml",
        "`DELETE /connect/session` has no operationId: named `delete_connect_session`",
        "`revokeSessionById`: its error responses have different schemas",
        "`Session.ipAddress` is nullable: marked required",
        "`deleteAuthSession` 500: inline response schema hoisted",
    ] {
        assert!(report.contains(expected), "the report lacks {expected:?}:\n{report}");
    }
}

#[test]
fn each_vendor_is_served_under_its_production_base_path() {
    let base = |vendor: &str| understudy::spec::of(vendor).base_path.clone();
    assert_eq!(base("moonkey"), "");
    assert_eq!(base("dynamic"), "/api/v0");
    assert_eq!(base("paragraph"), "/api");
    assert_eq!(base("nango"), "");
}
