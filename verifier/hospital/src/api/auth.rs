//! Bearer-token authentication for hospital routes: the caller's token row, and the checks that
//! it acts for the hospital named in the path (another hospital's caller gets 404, so that
//! hospital names do not leak through 403s) with the role the route needs.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use medcred_store::{HospitalRole, HospitalRow, HospitalTokenRow};

use crate::error::HospitalError;
use crate::service::Hospitals;

/// An authenticated hospital API caller.
#[derive(Debug, Clone)]
pub(crate) struct Caller(pub(crate) HospitalTokenRow);

impl Caller {
    /// The hospital `slug`, if the caller acts for it (any role).
    pub(crate) async fn hospital(&self, hospitals: &Hospitals, slug: &str) -> Result<HospitalRow, HospitalError> {
        let h = hospitals.db().hospital_by_slug(slug).await?;
        if h.id == self.0.hospital_id {
            Ok(h)
        } else {
            Err(HospitalError::NotFound("hospital"))
        }
    }

    /// The hospital `slug`, if the caller is its admin.
    pub(crate) async fn admin_of(&self, hospitals: &Hospitals, slug: &str) -> Result<HospitalRow, HospitalError> {
        let h = self.hospital(hospitals, slug).await?;
        if self.0.role == HospitalRole::Admin {
            Ok(h)
        } else {
            Err(HospitalError::Forbidden("this action needs a hospital admin token"))
        }
    }

    /// Who acted, for records: the token's id and label (never the token).
    pub(crate) fn actor(&self) -> String {
        format!("token:{} ({})", self.0.id, self.0.label)
    }
}

impl<S> FromRequestParts<S> for Caller
where
    Hospitals: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = HospitalError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, HospitalError> {
        let hospitals = Hospitals::from_ref(state);
        let header = parts.headers.get(axum::http::header::AUTHORIZATION).ok_or(HospitalError::Unauthenticated)?;
        let value = header.to_str().map_err(|_| HospitalError::Unauthenticated)?;
        let (scheme, token) = value.split_once(' ').ok_or(HospitalError::Unauthenticated)?;
        if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() || token.len() > 256 {
            return Err(HospitalError::Unauthenticated);
        }
        Ok(Caller(hospitals.authenticate(token.trim()).await?))
    }
}
