//! Every operation × every documented status of every test document, forced with `Prefer: code=`:
//! the body validates against the document (no failure at all), and a second Understudy with the
//! same seed sends the same bytes.

use super::{documents, fill_template, name_of, operations, reference, serve};

/// The status a response key stands for when forced: itself, the first of its range, or (for
/// `default`) a status the operation documents no other way.
fn status_of(key: &str, keys: &[String]) -> u16 {
    if let Ok(status) = key.parse() {
        return status;
    }
    if let Some(class) = key.strip_suffix("XX").or_else(|| key.strip_suffix("xx")) {
        return class.parse::<u16>().unwrap_or(5) * 100;
    }
    // A status that neither a key of its own nor its range documents, so that `default` answers it.
    [500, 418, 302, 599]
        .into_iter()
        .find(|s| {
            let range = format!("{}XX", s / 100);
            !keys
                .iter()
                .any(|k| k == &s.to_string() || k.eq_ignore_ascii_case(&range))
        })
        .unwrap_or(599)
}

/// Sends every forced answer of every document to one server; returns each (label, status, bytes).
async fn sweep(seed: u64) -> Vec<(String, u16, Vec<u8>)> {
    let files = documents();
    let running = serve(&files, seed).await;
    let client = reqwest::Client::new();
    let mut answers = Vec::new();
    let mut failures = Vec::new();
    for file in &files {
        let document = reference(file);
        let base = running.url(&name_of(file)).expect("the document is served").to_string();
        for (method, template, _, keys) in operations(document.json()) {
            let path = fill_template(&template, |name| format!("{name}-1"));
            for key in &keys {
                let status = status_of(key, &keys);
                let response = client
                    .request(
                        reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                        format!("{base}{path}"),
                    )
                    .header("Prefer", format!("code={status}"))
                    .send()
                    .await
                    .expect("the server answers");
                let label = format!("{} {method} {template} {key}", name_of(file));
                let got = response.status().as_u16();
                let warning = response.headers().get("x-understudy-warning").cloned();
                let json = response
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.contains("json"));
                let body = response.bytes().await.expect("the body arrives").to_vec();
                if got != status {
                    failures.push(format!("{label}: forced {status}, got {got}"));
                }
                if let Some(warning) = warning {
                    failures.push(format!("{label}: warned {warning:?}"));
                }
                if method != "HEAD" && (json || body.is_empty()) {
                    if let Err(why) = document.responses().check(&method, &template, status, &body) {
                        failures.push(format!("{label}: {why}: {}", String::from_utf8_lossy(&body)));
                    }
                }
                answers.push((label, got, body));
            }
        }
    }
    // Coverage counts a generic API's operations × documented statuses: the sweep forced them all.
    let control = running.url("control").expect("control is served");
    let coverage = super::control_get(control, "/coverage?all_namespaces=true", None).await;
    for file in &files {
        let api = coverage["vendors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["vendor"] == name_of(file).as_str())
            .unwrap_or_else(|| panic!("{} has coverage", name_of(file)));
        assert!(api["total"].as_u64().unwrap() > 0);
        // Forcing answers no role of inferred state: those situations are the state tests'.
        let statuses: Vec<&serde_json::Value> = api["situations"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| !s["situation"].as_str().unwrap().ends_with("(inferred state)"))
            .collect();
        let missed: Vec<&serde_json::Value> = statuses
            .iter()
            .filter(|s| s["exercised"] != true)
            .map(|s| &s["name"])
            .collect();
        assert!(
            !statuses.is_empty() && missed.is_empty(),
            "{}: every documented status was forced; not {missed:?}",
            name_of(file)
        );
    }
    running.stop().await.expect("understudy stops");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
    answers
}

#[tokio::test]
async fn every_documented_status_of_every_operation_validates_and_repeats_byte_for_byte() {
    let first = sweep(7).await;
    assert!(
        first.len() > 150,
        "the sweep covers the documents ({} answers)",
        first.len()
    );
    let second = sweep(7).await;
    for ((label, _, a), (_, _, b)) in first.iter().zip(&second) {
        assert_eq!(
            String::from_utf8_lossy(a),
            String::from_utf8_lossy(b),
            "{label}: the same seed gives the same bytes"
        );
    }
}
