//! Each namespace's journal survives its neighbours' traffic.

use understudy::Options;

use super::harmless_calls;
use crate::harness::Mock;

#[tokio::test]
async fn a_quiet_namespaces_entries_survive_busy_neighbours() {
    let mock = Mock::start_with(Options {
        journal_limit: 100,
        ..Options::ephemeral()
    })
    .await;
    let nango = harmless_calls().remove(3);
    for _ in 0..10 {
        mock.send(nango.clone().namespace("quiet")).await;
    }
    for i in 0..500 {
        mock.send(nango.clone().namespace(&format!("busy-{}", i % 5))).await;
    }
    assert_eq!(mock.control().namespace("quiet").count("").await, 10);
    for i in 0..5 {
        let busy = mock.control().namespace(&format!("busy-{i}")).count("").await;
        assert_eq!(busy, 100, "busy-{i} keeps its last 100");
    }
}

#[tokio::test]
async fn past_the_total_limit_the_fullest_namespace_gives_way() {
    let mock = Mock::start_with(Options {
        journal_limit: 1000,
        journal_total_limit: 60,
        ..Options::ephemeral()
    })
    .await;
    let nango = harmless_calls().remove(3);
    for _ in 0..10 {
        mock.send(nango.clone().namespace("quiet")).await;
    }
    for _ in 0..200 {
        mock.send(nango.clone().namespace("flood")).await;
    }
    assert_eq!(mock.control().namespace("quiet").count("").await, 10);
    assert_eq!(mock.control().namespace("flood").count("").await, 50);
}
