//! Namespaces: parallel clients in their own namespaces never see each other's data.

use crate::default_data;
use crate::harness::{Call, Mock};
use serde_json::json;
use understudy::vendors::{dynamic, nango};

#[tokio::test]
async fn sixteen_parallel_clients_in_sixteen_namespaces_do_not_cross_talk() {
    let mock = std::sync::Arc::new(Mock::start().await);
    let mut clients = Vec::new();
    for i in 0..16 {
        let mock = mock.clone();
        clients.push(tokio::spawn(async move {
            let namespace = format!("ci-worker-{i}");
            let control = mock.control().namespace(&namespace);
            let created = control
                .post("/dynamic/sessions", json!({"user_agent": format!("worker {i}")}))
                .await;
            let id = created["id"].as_str().unwrap().to_string();
            let revoke = Call::to(&dynamic::REVOKE_SESSION)
                .param("sessionId", &id)
                .bearer(dynamic::EXAMPLE_TOKEN)
                .namespace(&namespace);
            let revoked = mock.send(revoke).await;
            assert_eq!(
                (revoked.status, revoked.json()["userAgent"].clone()),
                (200, json!(format!("worker {i}")))
            );
            let nango = Call::to(&nango::DELETE_CONNECT_SESSION)
                .bearer(default_data::nango_token())
                .namespace(&namespace);
            assert_eq!(
                mock.send(nango).await.status,
                204,
                "each namespace has its own default token"
            );
            assert_eq!(
                control.count("vendor=dynamic&operation=revokeSessionById").await,
                1,
                "worker {i}"
            );
            assert_eq!(control.count("").await, 2, "worker {i} sees only its own requests");
            assert_eq!(
                control.get("/dynamic/sessions").await.as_array().unwrap().len(),
                3,
                "two defaults and its own"
            );
        }));
    }
    for client in clients {
        client.await.expect("a worker passed");
    }
}
