//! Does a credential answer a Credential Query? The verifier asks it of what was presented
//! ([`check_answer`]: right format and type, every asked claim disclosed — and which disclosures
//! were not asked for); the wallet asks it of what it holds ([`disclosure_for`]: the claims to
//! disclose, following §6.4.1: all `claims`, or the first satisfiable `claim_sets` option).

use serde_json::Value;

use super::path::Selected;
use super::query::{ClaimsQuery, CredentialQuery, Meta};
use crate::context::CONTEXT_URL;

/// A credential, held or presented, seen as claims paths see it.
#[derive(Debug, Clone, Copy)]
pub struct Holding<'a> {
    /// Its OpenID4VP format identifier (`dc+sd-jwt`, `ldp_vc`, `jwt_vc_json`).
    pub format: &'a str,
    /// Its types: the SD-JWT VC `vct`, or the W3C `type` values as written.
    pub types: &'a [String],
    /// SD-JWT VC: the claims (disclosures applied); W3C: the credential from its root.
    pub claims: &'a Value,
    /// SD-JWT VC: the JSON pointers of the claims the holder disclosed (selectively disclosable
    /// ones only), to find disclosures nobody asked for.
    pub disclosed: Option<&'a [String]>,
}

/// What a presented credential's answer to a Credential Query came to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answer {
    /// Why it does not answer (empty: it does). Names claims, never their values.
    pub problems: Vec<String>,
    /// The JSON pointers of the claims that answered.
    pub requested: Vec<String>,
    /// The JSON pointers of disclosed claims nobody asked for (SD-JWT VC).
    pub extra: Vec<String>,
}

impl Answer {
    /// Whether the credential answers the query.
    pub fn is_ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The fully expanded IRI of a type term of the VC Data Model v2.0 or medcred contexts
/// (§B.1.1 lets implementations expand without a JSON-LD processor when the result is the
/// same); other values are returned unchanged.
pub fn expand_type(term: &str) -> String {
    match term {
        "VerifiableCredential" | "VerifiablePresentation" => format!("https://www.w3.org/2018/credentials#{term}"),
        "MedicalLicenseCredential" | "PatientIdentityCredential" => {
            let base = CONTEXT_URL.trim_end_matches("/v1");
            format!("{base}#{term}")
        }
        other => other.to_owned(),
    }
}

/// Whether `format` and `types` fit the Credential Query; the reason when not.
pub fn type_matches(cq: &CredentialQuery, format: &str, types: &[String]) -> Result<(), String> {
    if cq.format != format {
        return Err(format!("asked for a {} credential, got {format}", cq.format));
    }
    match &cq.meta {
        Meta::SdJwt { vct_values } => {
            if types.iter().any(|t| vct_values.contains(t)) {
                Ok(())
            } else {
                Err(format!("the credential's vct is not one of {vct_values:?}"))
            }
        }
        Meta::W3c { type_values } => {
            let expanded: Vec<String> = types.iter().map(|t| expand_type(t)).collect();
            if type_values.iter().any(|alt| alt.iter().all(|t| expanded.contains(t) || types.contains(t))) {
                Ok(())
            } else {
                Err("the credential's types match none of the type_values alternatives".into())
            }
        }
        Meta::Other(_) => Err(format!("the format {format} is not supported")),
    }
}

/// The claims one Claims Query selects in `claims`, keeping only accepted values.
fn select<'a>(c: &ClaimsQuery, claims: &'a Value) -> Result<Vec<Selected<'a>>, String> {
    let name = c.path.display();
    let selected = c.path.select(claims).map_err(|_| format!("{name}: not disclosed"))?;
    let Some(values) = &c.values else { return Ok(selected) };
    let kept: Vec<Selected<'a>> = selected.into_iter().filter(|s| values.contains(s.value)).collect();
    if kept.is_empty() {
        return Err(format!("{name}: its value is not one of those asked for"));
    }
    Ok(kept)
}

/// The pointers of the first satisfiable option (all `claims`, or a `claim_sets` entry), or the
/// reasons the preferred option fails.
fn satisfy(cq: &CredentialQuery, claims: &Value) -> Result<Vec<String>, Vec<String>> {
    let Some(queries) = &cq.claims else { return Ok(Vec::new()) };
    let try_option = |option: Vec<&ClaimsQuery>| -> Result<Vec<String>, Vec<String>> {
        let mut pointers = Vec::new();
        let mut problems = Vec::new();
        for c in option {
            match select(c, claims) {
                Ok(s) => pointers.extend(s.into_iter().map(|s| s.pointer)),
                Err(why) => problems.push(why),
            }
        }
        if problems.is_empty() {
            Ok(pointers)
        } else {
            Err(problems)
        }
    };
    let Some(sets) = &cq.claim_sets else { return try_option(queries.iter().collect()) };
    let mut first_failure = None;
    for set in sets {
        let option: Vec<&ClaimsQuery> =
            set.iter().filter_map(|id| queries.iter().find(|c| c.id.as_deref() == Some(id.as_str()))).collect();
        match try_option(option) {
            Ok(p) => return Ok(p),
            Err(e) => {
                first_failure.get_or_insert(e);
            }
        }
    }
    Err(first_failure.unwrap_or_default())
}

/// Whether pointer `a` equals `b` or one lies inside the other.
fn related(a: &str, b: &str) -> bool {
    let inside = |x: &str, y: &str| x.len() > y.len() && x.starts_with(y) && x.as_bytes()[y.len()] == b'/';
    a == b || inside(a, b) || inside(b, a)
}

/// Check a verified, presented credential against the Credential Query it answers.
pub fn check_answer(cq: &CredentialQuery, h: &Holding<'_>) -> Answer {
    let mut answer = Answer::default();
    if let Err(why) = type_matches(cq, h.format, h.types) {
        answer.problems.push(why);
        return answer;
    }
    match satisfy(cq, h.claims) {
        Ok(pointers) => answer.requested = pointers,
        Err(problems) => answer.problems = problems,
    }
    if let Some(disclosed) = h.disclosed {
        answer.extra = disclosed.iter().filter(|d| !answer.requested.iter().any(|r| related(d, r))).cloned().collect();
    }
    answer
}

/// The claims (JSON pointers) to disclose from a held credential to answer `cq`, or `None` when
/// it cannot answer it (wrong format or type, a claim missing). For a credential without
/// selective disclosure the pointers only say what the verifier will read.
pub fn disclosure_for(cq: &CredentialQuery, h: &Holding<'_>) -> Option<Vec<String>> {
    type_matches(cq, h.format, h.types).ok()?;
    satisfy(cq, h.claims).ok()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::dcql::DcqlQuery;

    fn query(v: Value) -> CredentialQuery {
        DcqlQuery::from_json(&json!({"credentials": [v]})).expect("query").credentials.remove(0)
    }

    fn license_claims() -> Value {
        json!({"iss": "did:web:b", "vct": "https://medcred.org/vct/MedicalLicense", "name": "Grace Hopper",
               "license_type": "RN", "license_number": "RN-1", "jurisdiction": "US-NJ", "npi": "1234567893"})
    }

    fn rn() -> CredentialQuery {
        query(json!({"id": "license", "format": "dc+sd-jwt",
                     "meta": {"vct_values": ["https://medcred.org/vct/MedicalLicense"]},
                     "claims": [{"path": ["name"]}, {"path": ["license_type"], "values": ["RN"]}]}))
    }

    #[test]
    fn a_complete_answer_passes_and_extras_are_named() {
        let types = vec!["https://medcred.org/vct/MedicalLicense".to_owned()];
        let claims = license_claims();
        let disclosed = vec!["/name".to_owned(), "/license_type".to_owned(), "/npi".to_owned()];
        let h = Holding { format: "dc+sd-jwt", types: &types, claims: &claims, disclosed: Some(&disclosed) };
        let a = check_answer(&rn(), &h);
        assert!(a.is_ok(), "{a:?}");
        assert_eq!(a.requested, ["/name", "/license_type"]);
        assert_eq!(a.extra, ["/npi"]);
        assert_eq!(disclosure_for(&rn(), &h), Some(vec!["/name".to_owned(), "/license_type".to_owned()]));
    }

    #[test]
    fn missing_claims_wrong_values_and_wrong_types_fail() {
        let types = vec!["https://medcred.org/vct/MedicalLicense".to_owned()];
        let mut claims = license_claims();
        claims.as_object_mut().expect("object").remove("name");
        let h = Holding { format: "dc+sd-jwt", types: &types, claims: &claims, disclosed: None };
        assert_eq!(check_answer(&rn(), &h).problems, ["name: not disclosed"]);
        assert_eq!(disclosure_for(&rn(), &h), None);
        claims["name"] = json!("G");
        claims["license_type"] = json!("MD");
        let h = Holding { format: "dc+sd-jwt", types: &types, claims: &claims, disclosed: None };
        assert_eq!(check_answer(&rn(), &h).problems, ["license_type: its value is not one of those asked for"]);
        let other = vec!["https://example.org/other".to_owned()];
        let h = Holding { format: "dc+sd-jwt", types: &other, claims: &claims, disclosed: None };
        assert!(!check_answer(&rn(), &h).is_ok());
        let h = Holding { format: "ldp_vc", types: &types, claims: &claims, disclosed: None };
        assert!(check_answer(&rn(), &h).problems[0].contains("asked for a dc+sd-jwt credential"));
    }

    #[test]
    fn claim_sets_take_the_first_satisfiable_option() {
        let q = query(json!({"id": "p", "format": "dc+sd-jwt", "meta": {"vct_values": ["v"]},
            "claims": [{"id": "n", "path": ["given_name"]}, {"id": "pic", "path": ["picture"]}],
            "claim_sets": [["n", "pic"], ["n"]]}));
        let types = vec!["v".to_owned()];
        let with = json!({"given_name": "Ada", "picture": "data:"});
        let without = json!({"given_name": "Ada"});
        let h = |c| Holding { format: "dc+sd-jwt", types: &types, claims: c, disclosed: None };
        assert_eq!(disclosure_for(&q, &h(&with)), Some(vec!["/given_name".to_owned(), "/picture".to_owned()]));
        assert_eq!(disclosure_for(&q, &h(&without)), Some(vec!["/given_name".to_owned()]));
        assert_eq!(disclosure_for(&q, &h(&json!({"picture": "data:"}))), None);
    }

    #[test]
    fn w3c_types_match_expanded_or_as_written() {
        let q = query(json!({"id": "l", "format": "ldp_vc", "meta": {"type_values": [[
            "https://www.w3.org/2018/credentials#VerifiableCredential",
            "https://medcred.org/ns/credentials#MedicalLicenseCredential"]]},
            "claims": [{"path": ["credentialSubject", "licenseType"]}]}));
        let types = vec!["VerifiableCredential".to_owned(), "MedicalLicenseCredential".to_owned()];
        let vc = json!({"type": types, "credentialSubject": {"licenseType": "RN"}});
        let h = Holding { format: "ldp_vc", types: &types, claims: &vc, disclosed: None };
        assert!(check_answer(&q, &h).is_ok());
        let patient = vec!["VerifiableCredential".to_owned(), "PatientIdentityCredential".to_owned()];
        let h = Holding { format: "ldp_vc", types: &patient, claims: &vc, disclosed: None };
        assert!(!check_answer(&q, &h).is_ok());
    }

    #[test]
    fn nothing_asked_means_every_disclosure_is_extra() {
        let q = query(json!({"id": "x", "format": "dc+sd-jwt", "meta": {"vct_values": ["v"]}}));
        let types = vec!["v".to_owned()];
        let disclosed = vec!["/given_name".to_owned()];
        let claims = json!({"given_name": "Ada"});
        let a = check_answer(
            &q,
            &Holding { format: "dc+sd-jwt", types: &types, claims: &claims, disclosed: Some(&disclosed) },
        );
        assert!(a.is_ok());
        assert_eq!(a.extra, ["/given_name"]);
    }
}
