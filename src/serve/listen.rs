//! Binding one dropshot server: the configuration every server of Understudy shares (body limit,
//! detached handler tasks), and [`Served`], a started server with its URL and a way to stop it.

use std::net::SocketAddr;
use std::pin::Pin;

use dropshot::{ApiDescription, ConfigDropshot, HandlerTaskMode, ServerBuilder};

/// Closes one server, waiting for its requests in flight.
type StopFn = Box<dyn FnOnce() -> Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send>> + Send + Sync>;

/// One running server.
pub struct Served {
    pub name: &'static str,
    /// Base URL including the spec's base path, e.g. `http://127.0.0.1:4011/api/v0`.
    pub url: String,
    /// Credentials and identifiers that work out of the box, for the startup output.
    pub defaults: Vec<(&'static str, String)>,
    /// The `Authorization: Bearer` credential that works with the default data, if any.
    pub bearer: Option<String>,
    stop: StopFn,
}

impl Served {
    /// Closes the server, waiting for its requests in flight.
    pub async fn stop(self) -> Result<(), String> {
        (self.stop)().await
    }

    pub fn new<C: dropshot::ServerContext>(
        name: &'static str,
        url: String,
        defaults: Vec<(&'static str, String)>,
        bearer: Option<String>,
        server: dropshot::HttpServer<C>,
    ) -> Self {
        Self {
            name,
            url,
            defaults,
            bearer,
            stop: Box::new(move || Box::pin(server.close())),
        }
    }
}

/// Starts one dropshot server.
pub fn start_server<C: dropshot::ServerContext>(
    api: ApiDescription<C>,
    context: C,
    address: SocketAddr,
    log: &slog::Logger,
    name: &'static str,
    body_limit: usize,
) -> Result<dropshot::HttpServer<C>, String> {
    let config = ConfigDropshot {
        bind_address: address,
        // Vendor handlers read bodies themselves (RawRequest), with this limit and vendor answers.
        default_request_body_max_bytes: body_limit,
        default_handler_task_mode: HandlerTaskMode::Detached,
        ..Default::default()
    };
    ServerBuilder::new(api, context, log.new(slog::o!("server" => name)))
        .config(config)
        .start()
        .map_err(|e| format!("{name}: cannot listen on {address}: {e}"))
}
