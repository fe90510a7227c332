//! The request body as JSON, refused with the service's error shape: 413 past the size limit,
//! 415 without a JSON media type, 400 for malformed or too deeply nested JSON.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use serde_json::Value;

use medcred_verifier::limits::check_depth;

use crate::error::ApiError;

/// The largest request body: an engine input (1 MiB) wrapped in JSON with options.
pub(crate) const MAX_BODY: usize = (1 << 20) + (64 << 10);

/// A JSON object body.
#[derive(Debug)]
pub(crate) struct JsonBody(pub(crate) serde_json::Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for JsonBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let json_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| {
                let m = m.trim().to_ascii_lowercase();
                m == "application/json" || m.ends_with("+json")
            });
        if !json_type {
            return Err(ApiError {
                status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
                code: "unsupported_media_type",
                message: "send the request as application/json".into(),
            });
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| ApiError {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            code: "body_too_large",
            message: format!("the request body could not be read (at most {MAX_BODY} bytes): {e}"),
        })?;
        // Checked before parsing: serde_json would recurse up to its own limit first.
        if let Err(e) = check_depth(&bytes) {
            return Err(ApiError::bad_request("too_deep", e.to_string()));
        }
        match serde_json::from_slice::<Value>(&bytes) {
            Ok(Value::Object(m)) => Ok(JsonBody(m)),
            Ok(_) => Err(ApiError::bad_request("invalid_request", "the body must be a JSON object")),
            Err(e) => Err(ApiError::bad_request("malformed_json", format!("the body is not JSON: {e}"))),
        }
    }
}
