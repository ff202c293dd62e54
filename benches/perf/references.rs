//! The two reference servers the benchmark measures Understudy against, each answering the Dynamic
//! revoke with a fixed Session body: bare hyper (the floor of any Rust HTTP server here) and bare
//! dropshot with the same route and path parameter (the floor of the framework Understudy uses).

use std::net::SocketAddr;

use crate::SESSION_BODY;

/// The bare hyper reference: every request gets the fixed Session body.
pub fn serve_hyper() {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("a port");
        println!(
            "{{\"dynamic\":\"http://{}/api/v0\"}}",
            listener.local_addr().expect("an address")
        );
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(async move {
                let service = hyper::service::service_fn(|_request| async {
                    let mut response = hyper::Response::new(http_body_util::Full::new(bytes::Bytes::from_static(
                        SESSION_BODY.as_bytes(),
                    )));
                    response.headers_mut().insert(
                        http::header::CONTENT_TYPE,
                        http::HeaderValue::from_static("application/json"),
                    );
                    Ok::<_, std::convert::Infallible>(response)
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                    .await;
            });
        }
    });
}

/// The bare dropshot reference: the revoke's route and path parameter, a fixed body.
pub fn serve_dropshot() {
    #[derive(serde::Deserialize, schemars::JsonSchema)]
    struct SessionPath {
        #[serde(rename = "sessionId")]
        #[allow(dead_code)]
        session_id: String,
    }
    #[dropshot::endpoint { method = PUT, path = "/api/v0/sessions/{sessionId}/revoke" }]
    async fn revoke(
        _rqctx: dropshot::RequestContext<()>,
        _path: dropshot::Path<SessionPath>,
    ) -> Result<hyper::Response<dropshot::Body>, dropshot::HttpError> {
        let mut response = hyper::Response::new(dropshot::Body::from(SESSION_BODY));
        response.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        Ok(response)
    }
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    runtime.block_on(async {
        let mut api = dropshot::ApiDescription::new();
        api.register(revoke).expect("the endpoint registers");
        let log = dropshot::ConfigLogging::StderrTerminal {
            level: dropshot::ConfigLoggingLevel::Warn,
        }
        .to_logger("reference")
        .expect("a logger");
        let config = dropshot::ConfigDropshot {
            bind_address: SocketAddr::from(([127, 0, 0, 1], 0)),
            default_handler_task_mode: dropshot::HandlerTaskMode::Detached,
            ..Default::default()
        };
        let server = dropshot::ServerBuilder::new(api, (), log)
            .config(config)
            .start()
            .expect("the server starts");
        println!("{{\"dynamic\":\"http://{}/api/v0\"}}", server.local_addr());
        let _ = server.await;
    });
}
