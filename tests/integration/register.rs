//! The register of departures in specs/DEPARTURES.md is the one the code answers by.

#[test]
fn the_committed_register_matches_the_code() {
    let rendered = understudy::departures::render_markdown(&understudy::vendors::register());
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/specs/DEPARTURES.md");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == rendered,
        "specs/DEPARTURES.md is out of date: run `cargo run -- departures > specs/DEPARTURES.md` and review the diff"
    );
}

#[test]
fn departure_ids_are_unique_and_belong_to_their_vendor() {
    let departures = understudy::vendors::register();
    let mut ids: Vec<&str> = departures.iter().map(|(_, d)| d.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), departures.len(), "duplicate departure ids");
    for (vendor, departure) in departures {
        assert!(
            departure.id.starts_with(&format!("{vendor}-")),
            "{} is filed under {vendor}",
            departure.id
        );
        assert!(
            !departure.evidence.is_empty() && !departure.live.is_empty() && !departure.spec.is_empty(),
            "{}",
            departure.id
        );
    }
}

/// The register and the probe catalogues cannot disagree: every departure a probe expects is in its
/// vendor's register, and every register entry is shown by at least one probe.
#[test]
fn the_register_and_the_probe_catalogues_agree() {
    let register = understudy::vendors::departures();
    let rows = understudy::check::catalogue_rows();
    for row in &rows {
        if let Some(id) = row.departure {
            assert!(
                register.iter().any(|(vendor, d)| *vendor == row.vendor && d.id == id),
                "{} probe {} expects {id}, which {}'s register does not list",
                row.vendor,
                row.probe,
                row.vendor
            );
        }
    }
    for (vendor, departure) in &register {
        assert!(
            rows.iter()
                .any(|r| r.vendor == *vendor && r.departure == Some(departure.id)),
            "no probe of {vendor} shows the departure {}",
            departure.id
        );
    }
}
