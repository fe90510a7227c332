//! Bearer-token authentication: an extractor that yields the caller's token row (board + role).

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use medcred_store::{BoardRow, Role, TokenRow};

use super::error::ApiError;
use crate::error::IssuerError;
use crate::service::Issuer;

/// An authenticated API caller.
#[derive(Debug, Clone)]
pub struct Caller(pub TokenRow);

impl Caller {
    /// Require that the caller acts for `board` (any role). Another board's caller gets 404 so
    /// that board ids do not leak through 403s.
    pub fn for_board(&self, board: &BoardRow) -> Result<(), ApiError> {
        if self.0.board_id == board.id {
            Ok(())
        } else {
            Err(IssuerError::NotFound("board").into())
        }
    }

    /// Who acted, for audit records: the token's label and id (never the token).
    pub fn actor(&self) -> String {
        format!("token:{} ({})", self.0.id, self.0.label)
    }

    /// Require the admin role on `board`.
    pub fn admin_of(&self, board: &BoardRow) -> Result<(), ApiError> {
        self.for_board(board)?;
        if self.0.role == Role::Admin {
            Ok(())
        } else {
            Err(IssuerError::Forbidden("this action needs a board admin token").into())
        }
    }
}

impl<S> FromRequestParts<S> for Caller
where
    Issuer: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let issuer = Issuer::from_ref(state);
        let header = parts.headers.get(axum::http::header::AUTHORIZATION).ok_or(IssuerError::Unauthenticated)?;
        let value = header.to_str().map_err(|_| IssuerError::Unauthenticated)?;
        let (scheme, token) = value.split_once(' ').ok_or(IssuerError::Unauthenticated)?;
        if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() || token.len() > 256 {
            return Err(IssuerError::Unauthenticated.into());
        }
        Ok(Caller(issuer.authenticate(token.trim()).await?))
    }
}
