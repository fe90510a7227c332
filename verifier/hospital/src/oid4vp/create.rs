//! Creating a presentation request: from a template or the hospital's own DCQL query, with a
//! fresh nonce and state, and — for `direct_post.jwt` — a P-256 key made for this request only,
//! its private half sealed under the master key and bound to the request id.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use medcred_model::dcql::{DcqlQuery, Template, FORMAT_SD_JWT};
use medcred_store::{HospitalRow, Oid4vpRequestRow};
use rand::RngCore;
use serde_json::Value;

use super::jwe::new_key;
use super::state::{PresentationRequest, STATUS_PENDING};
use crate::error::HospitalError;
use crate::service::Hospitals;

/// How long a request lives unless told otherwise (5 minutes).
pub const DEFAULT_LIFETIME_SECS: i64 = 300;
/// Longest lifetime allowed.
pub const MAX_LIFETIME_SECS: i64 = 3600;

/// How the wallet sends its answer (§8.2, §8.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ResponseMode {
    /// A form POST to the response URI.
    DirectPost,
    /// The same, with the answer encrypted to the verifier (JWE), the default.
    #[default]
    DirectPostJwt,
}

impl ResponseMode {
    /// The `response_mode` value.
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseMode::DirectPost => "direct_post",
            ResponseMode::DirectPostJwt => "direct_post.jwt",
        }
    }

    /// The mode named `s`.
    pub fn parse(s: &str) -> Option<Self> {
        [ResponseMode::DirectPost, ResponseMode::DirectPostJwt].into_iter().find(|m| m.as_str() == s)
    }
}

/// What a hospital asks for.
#[derive(Debug, Clone, Default)]
pub struct NewPresentationRequest {
    /// A template (exclusive with `dcql_query`).
    pub template: Option<Template>,
    /// The format a template is asked in (`dc+sd-jwt` unless said).
    pub format: Option<String>,
    /// The hospital's own DCQL query (exactly one Credential Query).
    pub dcql_query: Option<Value>,
    /// Why (shown to the holder); the template's purpose unless said.
    pub purpose: Option<String>,
    /// How the wallet answers.
    pub response_mode: ResponseMode,
    /// Seconds until it expires (1 to 3600; 300 unless said).
    pub lifetime_secs: Option<i64>,
}

impl NewPresentationRequest {
    /// A request from `template`, in SD-JWT VC, encrypted answer, default lifetime.
    pub fn from_template(template: Template) -> Self {
        Self { template: Some(template), ..Self::default() }
    }
}

fn bad(code: &'static str, message: impl Into<String>) -> HospitalError {
    HospitalError::bad_request(code, message)
}

/// A random URL-safe value (256 bits).
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The checked query of `new`, as this verifier can use it: one Credential Query in a known
/// format, holder binding required, no credential sets, not `multiple`.
pub(crate) fn checked_query(new: &NewPresentationRequest) -> Result<DcqlQuery, HospitalError> {
    let query = match (&new.template, &new.dcql_query) {
        (Some(t), None) => t
            .query(new.format.as_deref().unwrap_or(FORMAT_SD_JWT))
            .map_err(|e| bad("unsupported_format", e.to_string()))?,
        (None, Some(q)) => {
            if new.format.is_some() {
                return Err(bad("invalid_request", "format goes with a template; a dcql_query names its own"));
            }
            DcqlQuery::from_json(q).map_err(|e| bad("invalid_dcql_query", e.to_string()))?
        }
        _ => return Err(bad("invalid_request", "give exactly one of template and dcql_query")),
    };
    let unsupported = |why: &str| bad("unsupported_dcql_query", why.to_owned());
    if query.credentials.len() != 1 || query.credential_sets.is_some() {
        return Err(unsupported(
            "this verifier asks for one credential per request (one credential query, no credential_sets)",
        ));
    }
    let cq = &query.credentials[0];
    if !cq.is_known_format() {
        return Err(unsupported("the format must be dc+sd-jwt, ldp_vc or jwt_vc_json"));
    }
    if cq.multiple || !cq.require_cryptographic_holder_binding {
        return Err(unsupported("multiple credentials, or presentations without holder binding, are not accepted"));
    }
    Ok(query)
}

fn checked_purpose(p: Option<&str>) -> Result<Option<String>, HospitalError> {
    let Some(p) = p.map(str::trim).filter(|p| !p.is_empty()) else { return Ok(None) };
    if p.chars().count() > 300 || p.chars().any(char::is_control) {
        return Err(bad("malformed_purpose", "purpose must be at most 300 printable characters"));
    }
    Ok(Some(p.to_owned()))
}

/// The sealing context of a request's response key.
pub(crate) fn key_context(request_id: &str) -> String {
    format!("medcred/oid4vp-response-key/v1/{request_id}")
}

impl Hospitals {
    /// Create a presentation request for `hospital` (`actor` is recorded: a token id and
    /// label, or a signed-in user). Returns its state: pending, with the request URI and the
    /// `openid4vp://` link for the QR code.
    pub async fn create_presentation_request(
        &self,
        hospital: &HospitalRow,
        new: NewPresentationRequest,
        actor: &str,
    ) -> Result<PresentationRequest, HospitalError> {
        let query = checked_query(&new)?;
        let purpose = match checked_purpose(new.purpose.as_deref())? {
            Some(p) => Some(p),
            None => new.template.map(|t| t.purpose().to_owned()),
        };
        let lifetime = new.lifetime_secs.unwrap_or(DEFAULT_LIFETIME_SECS);
        if !(1..=MAX_LIFETIME_SECS).contains(&lifetime) {
            return Err(bad("invalid_request", format!("expires_in must be 1 to {MAX_LIFETIME_SECS} seconds")));
        }
        let id = uuid::Uuid::new_v4().to_string();
        let (enc_kid, enc_key_sealed) = match new.response_mode {
            ResponseMode::DirectPost => (None, None),
            ResponseMode::DirectPostJwt => {
                let kid = format!("enc-{}", &random_token()[..12]);
                let (_, private) = new_key(&kid)?;
                (Some(kid), Some(self.seal(private.as_bytes(), &key_context(&id))))
            }
        };
        let now = self.now().timestamp();
        let row = Oid4vpRequestRow {
            id,
            hospital_id: hospital.id.clone(),
            template: new.template.map(|t| t.name().to_owned()),
            dcql_query: query.to_json().to_string(),
            purpose,
            response_mode: new.response_mode.as_str().to_owned(),
            nonce: random_token(),
            state: random_token(),
            enc_kid,
            enc_key_sealed,
            status: STATUS_PENDING.to_owned(),
            verification_id: None,
            verdict: None,
            error: None,
            actor: actor.to_owned(),
            created_at: now,
            expires_at: now + lifetime,
            answered_at: None,
        };
        self.db().insert_oid4vp_request(&row).await?;
        tracing::info!(request = %row.id, hospital = %hospital.slug, mode = %row.response_mode, "presentation request created");
        Ok(PresentationRequest::from_row(&row, hospital, self.public_url(), now))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn queries_this_verifier_cannot_use_are_refused_with_a_code() {
        let code = |n: NewPresentationRequest| match checked_query(&n) {
            Err(HospitalError::BadRequest { code, .. }) => code,
            Err(_) => "other error",
            Ok(_) => "ok",
        };
        assert_eq!(code(NewPresentationRequest::from_template(Template::AgeOver18)), "ok");
        assert_eq!(code(NewPresentationRequest::default()), "invalid_request");
        let cq = json!({"id": "a", "format": "dc+sd-jwt", "meta": {"vct_values": ["v"]}});
        let custom = |q: Value| NewPresentationRequest { dcql_query: Some(q), ..Default::default() };
        assert_eq!(code(custom(json!({"credentials": [cq]}))), "ok");
        assert_eq!(code(custom(json!({"credentials": []}))), "invalid_dcql_query");
        let mut two = cq.clone();
        two["id"] = json!("b");
        assert_eq!(code(custom(json!({"credentials": [cq, two]}))), "unsupported_dcql_query");
        let mdoc = json!({"id": "m", "format": "mso_mdoc", "meta": {"doctype_value": "x"}});
        assert_eq!(code(custom(json!({"credentials": [mdoc]}))), "unsupported_dcql_query");
        let mut loose = cq.clone();
        loose["require_cryptographic_holder_binding"] = json!(false);
        assert_eq!(code(custom(json!({"credentials": [loose]}))), "unsupported_dcql_query");
        let f = NewPresentationRequest {
            format: Some("mso_mdoc".into()),
            ..NewPresentationRequest::from_template(Template::RnLicense)
        };
        assert_eq!(code(f), "unsupported_format");
        assert!(checked_purpose(Some("a\u{7}b")).is_err());
        assert_eq!(checked_purpose(Some("  ")).expect("ok"), None);
    }
}
