//! The credential type's own rules (check 8): a medcred license or patient identity carries its
//! required fields, each well-formed (license type from the vocabulary, ISO 3166-2 jurisdiction,
//! NPI check digit, dates...). The rules are the issuer's own ([`IssueRequest::from_vc_json`]),
//! applied to the verified credential.
//!
//! An SD-JWT VC discloses only some claims: each disclosed claim must be a known, well-formed
//! field of its type, and an undisclosed one is not missing. Credentials of other types have no
//! rules here (not applicable).

use chrono::{DateTime, Utc};
use medcred_formats::Format;
use medcred_model::context::{CONTEXT_URL, VC_V2};
use medcred_model::{CredentialKind, FieldError, IssueRequest};
use serde_json::{json, Map, Value};

use crate::report::Outcome;

/// SD-JWT VC claim names and the W3C `credentialSubject` fields they carry, per type.
const LICENSE_CLAIMS: &[(&str, &str)] = &[
    ("name", "practitionerName"),
    ("license_type", "licenseType"),
    ("license_number", "licenseNumber"),
    ("jurisdiction", "jurisdiction"),
    ("original_issue_date", "originalIssueDate"),
    ("specialty", "specialty"),
    ("restrictions", "restrictions"),
    ("npi", "npi"),
    ("multistate_privilege", "multistatePrivilege"),
];
const PATIENT_CLAIMS: &[(&str, &str)] = &[
    ("given_name", "givenName"),
    ("family_name", "familyName"),
    ("birthdate", "birthDate"),
    ("patient_identifier", "patientIdentifier"),
    ("picture", "portrait"),
];
/// SD-JWT VC claims about the token itself, never subject fields.
const TECHNICAL: &[&str] = &["iss", "vct", "jti", "iat", "nbf", "exp", "cnf", "status", "sub"];

/// The type-rules outcome for verified `claims` of a credential in `format` with `types`.
pub(crate) fn check(format: Format, types: &[String], claims: &Map<String, Value>, now: DateTime<Utc>) -> Outcome {
    let kind = types.iter().find_map(|t| {
        [CredentialKind::License, CredentialKind::Patient].into_iter().find(|k| k.type_name() == t || k.vct() == t)
    });
    let Some(kind) = kind else {
        return Outcome::NotApplicable;
    };
    let (mut credential, partial) = if format == Format::SdJwtVc {
        match from_sd_jwt(kind, claims) {
            Ok(c) => (c, true),
            Err(why) => return Outcome::failed(why),
        }
    } else {
        (Value::Object(claims.clone()), false)
    };
    // The age flags are the issuer's own computation: taken out here, checked against birthDate.
    let ages = take_age_flags(&mut credential);
    let (request, errors): (Option<IssueRequest>, Vec<FieldError>) = match IssueRequest::from_vc_json(&credential, now)
    {
        Ok(r) => (Some(r), Vec::new()),
        Err(e) => (None, e.0),
    };
    let mut errors: Vec<String> = errors
        .into_iter()
        // The id's form is the issuer's choice; an undisclosed claim is not a missing one.
        .filter(|e| e.code != "malformed_id")
        .filter(|e| !(partial && e.code == "required" && e.field.starts_with("credentialSubject.")))
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect();
    errors.extend(age_flag_errors(&ages, request.as_ref()));
    if errors.is_empty() {
        Outcome::Passed
    } else {
        Outcome::failed(format!("not a well-formed {}: {}", kind.type_name(), errors.join("; ")))
    }
}

/// The `ageOverN` members taken out of `credentialSubject`.
fn take_age_flags(credential: &mut Value) -> Vec<(u32, Value)> {
    let Some(subject) = credential.get_mut("credentialSubject").and_then(Value::as_object_mut) else {
        return Vec::new();
    };
    let names: Vec<String> = subject.keys().filter(|k| k.starts_with("ageOver")).cloned().collect();
    names
        .into_iter()
        .filter_map(|k| {
            let v = subject.remove(&k)?;
            Some((k["ageOver".len()..].parse().unwrap_or(0), v))
        })
        .collect()
}

/// Each age flag is one medcred computes (18, 21, 65), a boolean, and — when the birth date is
/// known — true exactly when the subject was that old at `validFrom`.
fn age_flag_errors(ages: &[(u32, Value)], request: Option<&IssueRequest>) -> Vec<String> {
    let patient = request.and_then(|r| match &r.claims {
        medcred_model::Claims::Patient(p) => Some((p, r.valid_from)),
        medcred_model::Claims::License(_) => None,
    });
    let mut errors = Vec::new();
    for (age, value) in ages {
        let field = format!("credentialSubject.ageOver{age}");
        let Some(over) = value.as_bool().filter(|_| [18, 21, 65].contains(age)) else {
            errors.push(format!("{field}: not an age flag medcred issues (18, 21 or 65, a boolean)"));
            continue;
        };
        if let Some((p, from)) = patient {
            if (p.age_on(from.date_naive()) >= *age) != over {
                errors.push(format!("{field}: contradicts birthDate"));
            }
        }
    }
    errors
}

/// The W3C credential an SD-JWT VC's disclosed claims stand for, or the unknown claim.
fn from_sd_jwt(kind: CredentialKind, claims: &Map<String, Value>) -> Result<Value, String> {
    let names = match kind {
        CredentialKind::License => LICENSE_CLAIMS,
        CredentialKind::Patient => PATIENT_CLAIMS,
    };
    let mut subject = Map::new();
    for (name, value) in claims {
        if TECHNICAL.contains(&name.as_str()) {
            continue;
        }
        if let Some((_, field)) = names.iter().find(|(n, _)| n == name) {
            subject.insert((*field).to_owned(), value.clone());
        } else if kind == CredentialKind::Patient && name == "age_equal_or_over" {
            let Some(ages) = value.as_object() else {
                return Err("age_equal_or_over is not an object".into());
            };
            for (age, over) in ages {
                subject.insert(format!("ageOver{age}"), over.clone());
            }
        } else {
            return Err(format!("{name} is not a claim of a {}", kind.type_name()));
        }
    }
    let date = |claim: &str| -> Result<Option<Value>, String> {
        match claims.get(claim) {
            None => Ok(None),
            Some(v) => v
                .as_i64()
                .and_then(|t| DateTime::<Utc>::from_timestamp(t, 0))
                .map(|t| Some(json!(t.to_rfc3339())))
                .ok_or_else(|| format!("{claim} is not a NumericDate")),
        }
    };
    let mut vc = Map::new();
    vc.insert("@context".into(), json!([VC_V2, CONTEXT_URL]));
    vc.insert("type".into(), json!(["VerifiableCredential", kind.type_name()]));
    if let Some(from) = date("nbf")? {
        vc.insert("validFrom".into(), from);
    }
    if let Some(until) = date("exp")? {
        vc.insert("validUntil".into(), until);
    }
    vc.insert("credentialSubject".into(), Value::Object(subject));
    Ok(Value::Object(vc))
}
