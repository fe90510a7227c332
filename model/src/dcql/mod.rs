//! DCQL, the Digital Credentials Query Language of OpenID for Verifiable Presentations 1.0 (§6,
//! §7): parse and check a query once ([`DcqlQuery::from_json`]), apply claims path pointers
//! ([`ClaimPath`], §7), and decide whether a credential answers a Credential Query — for the
//! verifier, what was presented ([`check_answer`]); for the wallet, which claims to disclose
//! ([`disclosure_for`]); read the presentation a `vp_token` holds for a query ([`presentation_of`]).
//! The query templates hospitals use are in [`templates`].
//!
//! Pure and wasm-safe: JSON in, values out. Formats understood: `dc+sd-jwt` (meta `vct_values`),
//! `ldp_vc` and `jwt_vc_json` (meta `type_values`, fully expanded type IRIs, §B.1.1).

mod answer;
mod error;
mod path;
mod query;
pub mod templates;
mod vp_token;

pub use templates::Template;

pub use answer::{check_answer, disclosure_for, expand_type, type_matches, Answer, Holding};
pub use error::DcqlError;
pub use path::{ClaimPath, PathElement, Selected};
pub use query::{ClaimsQuery, CredentialQuery, DcqlQuery, Meta, FORMAT_JWT_VC_JSON, FORMAT_LDP_VC, FORMAT_SD_JWT};
pub use vp_token::presentation_of;
