//! Generated inputs (proptest): arbitrary JSON and arbitrary bytes as vendor request bodies, and
//! arbitrary JSON as control-API bodies. Vendors answer each in their own shape, within the spec or
//! a registered departure (the harness checks every answer) and never with a 5xx; the control API
//! answers 2xx or 4xx. Each case runs in a namespace that is reset afterwards.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Map, Value};

use super::harmless_calls;
use understudy::vendors::nango;

use crate::default_data;
use crate::harness::{Call, Mock};

const NAMESPACE: &str = "generated";

/// Keys the vendors and the control API look for, and a few they do not.
const KEYS: [&str; 14] = [
    "session_token",
    "session_jwt",
    "session_id",
    "token",
    "vendor",
    "operation",
    "status",
    "times",
    "delay_ms",
    "seconds",
    "milliseconds",
    "id",
    "never_expires",
    "other",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(any::<char>(), 0..24).prop_map(String::from_iter)
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        text().prop_map(Value::from),
        prop::sample::select(vec!["nango", "moonkey", "dynamic", "paragraph", ""]).prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS.to_vec()), inner), 0..6).prop_map(|fields| Value::Object(
                fields
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect::<Map<_, _>>()
            )),
        ]
    })
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        3 => json_value().prop_map(|v| v.to_string().into_bytes()),
        1 => prop::collection::vec(any::<u8>(), 0..256),
    ]
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

/// The call for each vendor, in the generated namespace; Nango with a live token, so that its
/// body checks (which come after authentication) are reached.
fn vendor_calls() -> Vec<Call> {
    let mut calls = harmless_calls();
    calls[3] = Call::to(&nango::DELETE_CONNECT_SESSION).bearer(default_data::nango_token());
    calls.into_iter().map(|call| call.namespace(NAMESPACE)).collect()
}

#[test]
fn generated_vendor_bodies_get_the_vendors_answers() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let mock = runtime.block_on(Mock::start());
    let calls = vendor_calls();
    runner(96)
        .run(&(0..calls.len(), body()), |(vendor, body)| {
            let call = calls[vendor]
                .clone()
                .header("content-type", "application/json")
                .raw_body(body);
            // `send` fails the test on a 5xx, or on an answer outside the spec without a departure.
            let response = runtime.block_on(mock.send(call));
            prop_assert!(response.status < 500);
            runtime.block_on(mock.control().namespace(NAMESPACE).post("/reset", json!({})));
            Ok(())
        })
        .expect("every generated body got a vendor answer");
}

#[test]
fn generated_control_bodies_get_2xx_or_4xx() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let mock = runtime.block_on(Mock::start());
    let paths = [
        "/scenarios",
        "/clock/advance",
        "/moonkey/sessions",
        "/dynamic/sessions",
        "/paragraph/sessions",
        "/nango/sessions",
    ];
    runner(96)
        .run(&(prop::sample::select(paths.to_vec()), json_value()), |(path, body)| {
            let control = mock.control().namespace(NAMESPACE);
            let (status, answer) = runtime.block_on(control.call("POST", path, Some(body.clone())));
            prop_assert!(
                (200..300).contains(&status) || (400..500).contains(&status),
                "POST {} {}: {} {}",
                path,
                body,
                status,
                answer
            );
            runtime.block_on(control.post("/reset", json!({})));
            Ok(())
        })
        .expect("every generated control body got a 2xx or a 4xx");
    runtime.block_on(super::still_serving(&mock));
}
