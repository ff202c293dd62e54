//! Every request example the specs pair with a response example is answered with exactly that
//! response, out of the box, using each vendor's default credential.

use crate::harness::{Call, Mock};

#[tokio::test]
async fn every_spec_example_pair_is_answered_with_the_example_response() {
    let mut pairs_checked = 0;
    for spec in understudy::spec::all() {
        for pair in spec.example_pairs() {
            // A fresh server per pair: each example starts from the default data.
            let mock = Mock::start().await;
            let (method, template) = (pair.operation.method, pair.operation.template);
            let mut call = Call::raw(spec.name, method, template);
            // The credential a newcomer would use: the one Understudy prints at startup.
            if let Some(bearer) = mock.running.bearer(spec.name) {
                call = call.bearer(bearer);
            }
            if let Some(body) = pair.request_body.clone() {
                call = call.json(body);
            }
            let response = mock.send(call).await;
            assert_eq!(response.status, pair.status, "{} {} {}", spec.name, method, template);
            assert_eq!(
                response.json(),
                pair.response_body,
                "{} {} {}",
                spec.name,
                method,
                template
            );
            pairs_checked += 1;
        }
    }
    assert!(
        pairs_checked >= 1,
        "the specs pair at least MoonKey's DeleteSessionReq with DeleteSessionResp"
    );
}
