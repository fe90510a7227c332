//! A JSON body extractor whose rejections use the API's error shape (code + message) instead of
//! axum's plain-text ones.

use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::Json;
use serde::de::DeserializeOwned;

use crate::error::HospitalError;

/// Like `axum::Json`, with typed errors.
#[derive(Debug)]
pub(crate) struct ApiJson<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = HospitalError;

    async fn from_request(req: Request, state: &S) -> Result<Self, HospitalError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => {
                use axum::extract::rejection::JsonRejection as R;
                let code = match &rejection {
                    R::MissingJsonContentType(_) => "unsupported_media_type",
                    R::JsonSyntaxError(_) => "malformed_json",
                    R::JsonDataError(_) => "invalid_request",
                    _ if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => "body_too_large",
                    _ => "malformed_body",
                };
                let status = match rejection.status() {
                    s @ (StatusCode::PAYLOAD_TOO_LARGE | StatusCode::UNSUPPORTED_MEDIA_TYPE) => s,
                    _ => StatusCode::BAD_REQUEST,
                };
                Err(HospitalError::Refused { status, code, message: rejection.body_text() })
            }
        }
    }
}
