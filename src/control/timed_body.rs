//! A JSON request body that must arrive in time: dropshot's own `TypedBody` (same parsing, same
//! OpenAPI description), read within [`BODY_READ_TIMEOUT`]. A client that stalls mid-body gets a
//! 408 instead of holding its connection open.

use dropshot::{
    ApiEndpointBodyContentType, ClientErrorStatusCode, ExclusiveExtractor, ExtractorMetadata, HttpError,
    RequestContext, ServerContext, TypedBody,
};
use schemars::JsonSchema;
use serde::de::DeserializeOwned;

use crate::exchange::BODY_READ_TIMEOUT;

pub struct TimedBody<T: JsonSchema + DeserializeOwned + Send + Sync + 'static>(TypedBody<T>);

impl<T: JsonSchema + DeserializeOwned + Send + Sync + 'static> TimedBody<T> {
    pub fn into_inner(self) -> T {
        self.0.into_inner()
    }
}

#[async_trait::async_trait]
impl<T: JsonSchema + DeserializeOwned + Send + Sync + 'static> ExclusiveExtractor for TimedBody<T> {
    async fn from_request<Context: ServerContext>(
        rqctx: &RequestContext<Context>,
        request: http::Request<dropshot::Body>,
    ) -> Result<Self, HttpError> {
        match tokio::time::timeout(BODY_READ_TIMEOUT, TypedBody::from_request(rqctx, request)).await {
            Ok(body) => body.map(Self),
            Err(_) => Err(HttpError::for_client_error(
                None,
                ClientErrorStatusCode::REQUEST_TIMEOUT,
                format!(
                    "the request body did not arrive within {} seconds",
                    BODY_READ_TIMEOUT.as_secs()
                ),
            )),
        }
    }

    fn metadata(content_type: ApiEndpointBodyContentType) -> ExtractorMetadata {
        TypedBody::<T>::metadata(content_type)
    }
}
