//! The wallet's side of a request: serving the signed request object (`GET` on the request URI)
//! and taking the answer at the response URI (§8.2 `direct_post`, §8.3.1 `direct_post.jwt`):
//! decrypt it if encrypted, check `state`, take the request once (a replay or a late answer is
//! refused), verify the presentation with the request's nonce and client id, check it answers
//! the DCQL query, record it as a hospital verification, and wake whoever waits.
//!
//! Disclosed beyond the query (SD-JWT VC disclosures nobody asked for): accepted — the wallet
//! broke the rule, not the holder's credential — but those claims are removed from the recorded
//! report (and so from the receipt and any page) and the `dcql` check's detail names them (their
//! paths, never their values). The presented text itself is kept as received, because it is the
//! signed evidence the receipt's hash points to.

use medcred_formats::sd_jwt;
use medcred_formats::Format;
use medcred_model::dcql::{check_answer, presentation_of, CredentialQuery, DcqlQuery, Holding};
use medcred_store::{HospitalRow, Oid4vpRequestRow, VerificationRow};
use medcred_verifier::{
    presented_credentials, Check, CheckName, Outcome, PresentationExpectations, PresentationReport, Verdict,
};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use super::create::key_context;
use super::error::{invalid, Oid4vpError};
use super::jwe::{decrypt, public_of};
use super::request_object::{claims, client_id, sign};
use super::state::{STATUS_FAILED, STATUS_PENDING, STATUS_VERIFIED};
use crate::error::HospitalError;
use crate::service::Hospitals;
use crate::verify::{hospital_policy, to_json, verdict_name, KIND_PRESENTATION};

/// The form parameters of an Authorization Response.
#[derive(Debug, Clone, Default)]
pub struct ResponseForm {
    /// `vp_token` (JSON object text).
    pub vp_token: Option<String>,
    /// `state`.
    pub state: Option<String>,
    /// `response`: the JWE of `direct_post.jwt`.
    pub response: Option<String>,
    /// `error`, when the wallet declines.
    pub error: Option<String>,
    /// `error_description`.
    pub error_description: Option<String>,
}

impl ResponseForm {
    /// Read form pairs; a parameter given twice is refused.
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Result<Self, Oid4vpError> {
        let mut f = ResponseForm::default();
        for (k, v) in pairs {
            let slot = match k.as_str() {
                "vp_token" => &mut f.vp_token,
                "state" => &mut f.state,
                "response" => &mut f.response,
                "error" => &mut f.error,
                "error_description" => &mut f.error_description,
                _ => continue,
            };
            if slot.replace(v).is_some() {
                return Err(invalid(format!("{k} is given twice")));
            }
        }
        Ok(f)
    }
}

/// What the response endpoint answers the wallet (§8.2): no redirect for cross-device flows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalletAnswer {
    /// Where to send the user agent, if anywhere.
    pub redirect_uri: Option<String>,
}

impl WalletAnswer {
    /// The JSON body.
    pub fn to_json(&self) -> Value {
        match &self.redirect_uri {
            Some(u) => json!({"redirect_uri": u}),
            None => json!({}),
        }
    }
}

/// The response URI of request `id`.
pub(crate) fn response_uri(public_url: &str, id: &str) -> String {
    format!("{public_url}/oid4vp/responses/{id}")
}

/// The parameters of the answer, decrypted when it came encrypted.
struct Params {
    vp_token: Option<Value>,
    state: Option<String>,
    error: Option<String>,
}

fn error_code(s: &str) -> String {
    let code: String = s.chars().filter(|c| c.is_ascii_lowercase() || *c == '_').take(64).collect();
    if code.is_empty() {
        "unknown_error".into()
    } else {
        code
    }
}

/// The OpenID4VP format of a credential's securing format.
fn oid4vp_format(f: Option<Format>) -> &'static str {
    match f {
        Some(Format::SdJwtVc) => "dc+sd-jwt",
        Some(Format::EddsaRdfc2022 | Format::EddsaJcs2022) => "ldp_vc",
        Some(Format::VcJwt) => "jwt_vc_json",
        None => "unknown",
    }
}

/// Remove the claim at JSON pointer `ptr` from `v` (nothing if absent).
fn remove_pointer(v: &mut Value, ptr: &str) {
    let Some((parent, last)) = ptr.rsplit_once('/') else { return };
    let last = last.replace("~1", "/").replace("~0", "~");
    match v.pointer_mut(parent) {
        Some(Value::Object(o)) => {
            o.remove(&last);
        }
        Some(Value::Array(a)) => {
            if let Ok(i) = last.parse::<usize>() {
                if i < a.len() {
                    a.remove(i);
                }
            }
        }
        _ => {}
    }
}

/// The `dcql` check of a verified presentation, stripping from its credential report the claims
/// disclosed beyond the query.
fn dcql_check(cq: &CredentialQuery, text: &str, report: &mut PresentationReport) -> Check {
    let [credential] = report.credentials.as_mut_slice() else {
        return Check::new(
            CheckName::Dcql,
            Outcome::failed(format!("{} credentials presented; the query asks for one", report.credentials.len())),
        );
    };
    if credential.subject.is_null() {
        return Check::new(
            CheckName::Dcql,
            Outcome::could_not_check("not checked: the credential did not verify, so what it discloses is unknown"),
        );
    }
    let format = oid4vp_format(credential.format);
    let view = if format == "dc+sd-jwt" {
        let mut v = credential.subject.clone();
        if let Some(o) = v.as_object_mut() {
            o.insert("vct".into(), json!(credential.types.first()));
            o.insert("iss".into(), json!(credential.issuer));
        }
        v
    } else {
        json!({"type": credential.types, "issuer": credential.issuer, "credentialSubject": credential.subject})
    };
    let disclosed: Option<Vec<String>> = (format == "dc+sd-jwt").then(|| {
        presented_credentials(text)
            .first()
            .and_then(|c| sd_jwt::disclosable_claims(c).ok())
            .map(|(_, pointers)| pointers)
            .unwrap_or_default()
    });
    let answer =
        check_answer(cq, &Holding { format, types: &credential.types, claims: &view, disclosed: disclosed.as_deref() });
    if !answer.is_ok() {
        return Check::new(CheckName::Dcql, Outcome::failed(answer.problems.join("; ")));
    }
    let mut detail = format!("answers credential query {:?}", cq.id);
    if !answer.extra.is_empty() {
        for p in &answer.extra {
            remove_pointer(&mut credential.subject, p);
        }
        detail.push_str(&format!(
            "; warning: the wallet disclosed {} claim(s) not asked for ({}), left out of this record and its receipt",
            answer.extra.len(),
            answer.extra.join(", ")
        ));
    }
    Check::new(CheckName::Dcql, Outcome::Passed).with_detail(Some(detail))
}

impl Hospitals {
    async fn request_and_hospital(&self, id: &str) -> Result<(Oid4vpRequestRow, HospitalRow), Oid4vpError> {
        if id.len() > 64 {
            return Err(Oid4vpError::UnknownRequest);
        }
        let row = self.db().oid4vp_request(id).await.map_err(HospitalError::from)?;
        let hospital = self.db().hospital_by_id(&row.hospital_id).await.map_err(HospitalError::from)?;
        Ok((row, hospital))
    }

    fn refuse_if_done(&self, row: &Oid4vpRequestRow) -> Result<(), Oid4vpError> {
        if row.status != STATUS_PENDING {
            return Err(invalid("this request has already been answered"));
        }
        if self.now().timestamp() >= row.expires_at {
            return Err(invalid("this request has expired"));
        }
        Ok(())
    }

    /// The signed request object of request `id` (§5.10.1, `application/oauth-authz-req+jwt`).
    /// Refused once the request is answered or expired.
    pub async fn request_object(&self, id: &str) -> Result<String, Oid4vpError> {
        let (row, hospital) = self.request_and_hospital(id).await?;
        self.refuse_if_done(&row)?;
        let enc_jwk = match &row.enc_key_sealed {
            Some(sealed) => {
                let private = self.open_sealed(sealed, &key_context(&row.id))?;
                let text = std::str::from_utf8(&private)
                    .map_err(|_| HospitalError::Internal("a response key is not UTF-8".into()))?;
                Some(public_of(text)?)
            }
            None => None,
        };
        let key = self.signing_key(&hospital).await?;
        let claims =
            claims(&row, &hospital, &response_uri(self.public_url(), &row.id), enc_jwk, self.now().timestamp());
        Ok(sign(&claims, &key)?)
    }

    fn params(&self, row: &Oid4vpRequestRow, form: ResponseForm) -> Result<Params, Oid4vpError> {
        let encrypted = row.response_mode == "direct_post.jwt";
        match (form.response, encrypted) {
            (Some(jwe), true) => {
                let sealed = row.enc_key_sealed.as_ref().ok_or_else(|| invalid("this request has no response key"))?;
                let private = self.open_sealed(sealed, &key_context(&row.id))?;
                let text = std::str::from_utf8(&private)
                    .map_err(|_| HospitalError::Internal("a response key is not UTF-8".into()))?;
                let inner = decrypt(&jwe, text, row.enc_kid.as_deref())?;
                let get = |k: &str| inner.get(k).and_then(Value::as_str).map(str::to_owned);
                Ok(Params { vp_token: inner.get("vp_token").cloned(), state: get("state"), error: get("error") })
            }
            (Some(_), false) => {
                Err(invalid("this request asked for response_mode direct_post, not an encrypted response"))
            }
            (None, true) if form.vp_token.is_some() => {
                Err(invalid("this request asked for an encrypted response (direct_post.jwt)"))
            }
            (None, _) => {
                Ok(Params { vp_token: form.vp_token.map(Value::String), state: form.state, error: form.error })
            }
        }
    }

    /// Take the wallet's answer to request `id`.
    pub async fn answer_presentation_request(&self, id: &str, form: ResponseForm) -> Result<WalletAnswer, Oid4vpError> {
        let (row, hospital) = self.request_and_hospital(id).await?;
        self.refuse_if_done(&row)?;
        // An unencrypted error response keeps the state outside (§8.3.1); read it there too.
        let outer_state = form.state.clone();
        let params = self.params(&row, form)?;
        let state = params.state.or(outer_state);
        if state.as_deref() != Some(row.state.as_str()) {
            return Err(invalid("state does not match this request"));
        }
        if params.error.is_none() && params.vp_token.is_none() {
            return Err(invalid("the response has neither vp_token nor error"));
        }
        if !self.db().oid4vp_take(&row.id, self.now().timestamp()).await.map_err(HospitalError::from)? {
            let again = self.db().oid4vp_request(&row.id).await.map_err(HospitalError::from)?;
            self.refuse_if_done(&again)?;
            return Err(invalid("this request has already been answered"));
        }
        let result = match (params.error, params.vp_token) {
            (Some(error), _) => Err(format!("the wallet declined: {}", error_code(&error))),
            (None, Some(token)) => self.verify_answer(&row, &hospital, &token).await,
            (None, None) => Err("no vp_token".into()),
        };
        let outcome = match &result {
            Ok((verification, verdict)) => {
                self.db().oid4vp_finish(&row.id, STATUS_VERIFIED, Some(verification), Some(verdict), None).await
            }
            Err(why) => self.db().oid4vp_finish(&row.id, STATUS_FAILED, None, None, Some(why)).await,
        };
        self.presentation_changes().bump();
        outcome.map_err(HospitalError::from)?;
        tracing::info!(request = %row.id, hospital = %hospital.slug, ok = result.is_ok(), "presentation request answered");
        match result {
            Ok(_) => Ok(WalletAnswer { redirect_uri: None }),
            Err(why) if why.starts_with("the wallet declined") => Ok(WalletAnswer { redirect_uri: None }),
            Err(why) => Err(invalid(why)),
        }
    }

    /// Verify the presentation in `token` for `row` and record it: the verification's id and
    /// verdict, or why nothing could be recorded (a failed request).
    async fn verify_answer(
        &self,
        row: &Oid4vpRequestRow,
        hospital: &HospitalRow,
        token: &Value,
    ) -> Result<(String, String), String> {
        let query: DcqlQuery = serde_json::from_str(&row.dcql_query)
            .ok()
            .and_then(|v: Value| DcqlQuery::from_json(&v).ok())
            .ok_or("the stored query is unreadable")?;
        let cq = &query.credentials[0];
        let text = presentation_of(token, cq)?;
        let expect = PresentationExpectations::new(Some(row.nonce.clone()), Some(client_id(&hospital.did)));
        let mut report = self.verifier().presentation(&text, &expect, &hospital_policy()).await;
        if let Some(Outcome::Failed { reason }) =
            report.checks.iter().find(|c| c.name == CheckName::Syntax).map(|c| &c.outcome)
        {
            return Err(format!("not a verifiable presentation: {reason}"));
        }
        let check = dcql_check(cq, &text, &mut report);
        report.checks.push(check);
        report.verdict = Verdict::of(&report.checks);
        let report_json = to_json(&report).map_err(|e| e.to_string())?;
        let verification = VerificationRow {
            id: format!("urn:uuid:{}", uuid::Uuid::new_v4()),
            hospital_id: hospital.id.clone(),
            kind: KIND_PRESENTATION.to_owned(),
            verdict: verdict_name(report.verdict).to_owned(),
            presented_sha256: hex::encode(Sha256::digest(text.as_bytes())),
            presented: text,
            report: report_json.to_string(),
            // Who asked: the creator of the request, through it.
            actor: format!("{} via OpenID4VP request {}", row.actor, row.id),
            at: self.now().timestamp(),
        };
        self.db().insert_verification(&verification).await.map_err(|e| {
            tracing::error!(request = %row.id, error = %e, "recording a presentation failed");
            "the verification could not be recorded".to_owned()
        })?;
        Ok((verification.id, verification.verdict))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_refuse_repeated_parameters_and_pointers_remove() {
        let pairs = |v: &[(&str, &str)]| v.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect();
        assert!(ResponseForm::from_pairs(pairs(&[("state", "a"), ("state", "b")])).is_err());
        let f = ResponseForm::from_pairs(pairs(&[("state", "a"), ("vp_token", "{}"), ("x", "y")])).expect("form");
        assert_eq!((f.state.as_deref(), f.vp_token.as_deref()), (Some("a"), Some("{}")));
        let mut v = json!({"a": 1, "b": {"c": 2, "d": 3}, "e~f": 4});
        remove_pointer(&mut v, "/b/c");
        remove_pointer(&mut v, "/e~0f");
        remove_pointer(&mut v, "/nope/x");
        assert_eq!(v, json!({"a": 1, "b": {"d": 3}}));
        assert_eq!(error_code("access_denied"), "access_denied");
        assert_eq!(error_code("<script>"), "script");
    }
}
