//! Bearer-token authentication: an extractor that yields the caller's token row (board + role).

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use medcred_store::{BoardRow, Role, TokenRow};

use super::error::ApiError;
use crate::error::IssuerError;
use crate::service::Issuer;

/// An authenticated API caller.
#[derive(Debug, Clone)]
pub(crate) struct Caller(pub(crate) TokenRow);

impl Caller {
    /// Require that the caller acts for `board` (any role). Another board's caller gets 404 so
    /// that board ids do not leak through 403s.
    pub(crate) fn for_board(&self, board: &BoardRow) -> Result<(), ApiError> {
        if self.0.board_id == board.id {
            Ok(())
        } else {
            Err(IssuerError::NotFound("board").into())
        }
    }

    /// Require the admin role on `board`.
    pub(crate) fn admin_of(&self, board: &BoardRow) -> Result<(), ApiError> {
        self.for_board(board)?;
        if self.0.role == Role::Admin {
            Ok(())
        } else {
            Err(IssuerError::Forbidden("this action needs a board admin token").into())
        }
    }
}

impl FromRequestParts<Issuer> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, issuer: &Issuer) -> Result<Self, ApiError> {
        let header = parts.headers.get(axum::http::header::AUTHORIZATION).ok_or(IssuerError::Unauthenticated)?;
        let value = header.to_str().map_err(|_| IssuerError::Unauthenticated)?;
        let (scheme, token) = value.split_once(' ').ok_or(IssuerError::Unauthenticated)?;
        if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() || token.len() > 256 {
            return Err(IssuerError::Unauthenticated.into());
        }
        Ok(Caller(issuer.authenticate(token.trim()).await?))
    }
}
