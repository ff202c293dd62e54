//! A property over every test document: a concrete path built from any template, with any values
//! (percent-encoded, `/` and spaces included) that are not a literal of the document, routes back
//! to that template's operation, as the journal records it.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;

use super::{documents, fill_template, name_of, operations, reference, serve};

/// Values for a path parameter: letters, digits and characters that need encoding.
fn values() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec("[A-Za-z0-9_~ /%é]{1,10}", 4)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_path_built_from_any_template_routes_back_to_that_template() {
    let files = documents();
    let running = serve(&files, 0).await;
    let control = running.url("control").expect("control is served").to_string();
    let client = reqwest::Client::new();
    let mut runner = TestRunner::new(Config {
        cases: 6,
        ..Config::default()
    });
    for file in &files {
        let document = reference(file);
        let name = name_of(file);
        let base = running.url(&name).expect("the document is served").to_string();
        let literals: Vec<String> = operations(document.json())
            .iter()
            .flat_map(|(_, t, _, _)| {
                t.split(['/', '{', '}', '.', '-', ':'])
                    .map(str::to_string)
                    .collect::<Vec<_>>()
            })
            .collect();
        for (method, template, _, _) in operations(document.json()) {
            let expected = document
                .json()
                .pointer(&format!(
                    "/paths/{}/{}/operationId",
                    template.replace('~', "~0").replace('/', "~1"),
                    method.to_lowercase()
                ))
                .and_then(Value::as_str)
                .map(str::to_string);
            let namespace = format!("route-{name}-{method}-{}", template.len());
            let result = runner.run(&values(), |values| {
                let values: Vec<String> = values.into_iter().filter(|v| !literals.contains(v)).collect();
                prop_assume!(values.len() == 4);
                // Values inside a segment with other text (`{Sid}.json`) keep clear of the separators.
                let mut index = 0;
                let path = fill_template(&template, |_| {
                    index += 1;
                    let value = &values[index % values.len()];
                    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
                });
                let (status, id) = tokio::task::block_in_place(|| {
                    tokio::runtime::Handle::current().block_on(async {
                        let response = client
                            .request(
                                reqwest::Method::from_bytes(method.as_bytes()).unwrap(),
                                format!("{base}{path}"),
                            )
                            .header("x-understudy-namespace", &namespace)
                            .send()
                            .await
                            .expect("the server answers");
                        let status = response.status().as_u16();
                        let journal: Value = client
                            .get(format!("{control}/journal"))
                            .header("x-understudy-namespace", &namespace)
                            .send()
                            .await
                            .expect("the control API answers")
                            .json()
                            .await
                            .expect("the journal is JSON");
                        let last = journal.as_array().and_then(|e| e.last()).cloned().unwrap_or_default();
                        (status, last)
                    })
                });
                // A 404 the operation answers (a path value its schema refuses, where the operation
                // documents only 404) names the operation; an unrouted one names none.
                let routed = id["operation"].as_str().is_some_and(|o| o != "(no operation)");
                prop_assert!(
                    status != 404 || routed,
                    "{} {} ({}) was not found",
                    method,
                    path,
                    template
                );
                prop_assert_ne!(status, 405, "{} {} ({}) was refused its method", method, path, template);
                if let Some(expected) = &expected {
                    prop_assert_eq!(id["operation"].as_str(), Some(expected.as_str()), "{} {}", method, path);
                }
                prop_assert_eq!(id["method"].as_str(), Some(method.as_str()));
                Ok(())
            });
            result.unwrap_or_else(|e| panic!("{name}: {template}: {e}"));
        }
    }
    running.stop().await.expect("understudy stops");
}
