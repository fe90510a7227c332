//! An issuance request, checked: parsed once from the VC-API `credential` JSON (or a CSV row, via
//! the same constructors) into typed claims, with every problem named by field.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde_json::{Map, Value};

use crate::context::{CONTEXT_URL, VC_V2};
use crate::did::Did;
use crate::document::CredentialKind;
use crate::error::{text, Collector, FieldError, ValidationErrors};
use crate::license::{license_number_ok, LicenseClaims, MAX_NAME, MAX_RESTRICTION, MAX_RESTRICTIONS};
use crate::patient::{PatientClaims, Portrait, MAX_PATIENT_ID};

/// The subject claims of a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claims {
    /// A medical license.
    License(LicenseClaims),
    /// A patient identity.
    Patient(PatientClaims),
}

impl Claims {
    /// Which credential type these claims make.
    pub fn kind(&self) -> CredentialKind {
        match self {
            Claims::License(_) => CredentialKind::License,
            Claims::Patient(_) => CredentialKind::Patient,
        }
    }
}

/// A checked request to issue one credential.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueRequest {
    /// The claims about the subject.
    pub claims: Claims,
    /// The holder's DID, when known (becomes `credentialSubject.id` / `sub`).
    pub holder: Option<Did>,
    /// Start of validity.
    pub valid_from: DateTime<Utc>,
    /// End of validity (required for licenses).
    pub valid_until: Option<DateTime<Utc>>,
    /// A client-chosen `urn:uuid:` id, if the request carried one.
    pub id: Option<String>,
    /// The `issuer` the request named, if any; the issuer service checks it is the board's DID.
    pub claimed_issuer: Option<String>,
}

const LICENSE_FIELDS: &[&str] = &[
    "id",
    "type",
    "practitionerName",
    "licenseType",
    "licenseNumber",
    "jurisdiction",
    "originalIssueDate",
    "specialty",
    "restrictions",
    "npi",
    "multistatePrivilege",
];
const PATIENT_FIELDS: &[&str] = &[
    "id",
    "type",
    "givenName",
    "familyName",
    "birthDate",
    "patientIdentifier",
    "portrait",
    "ageOver18",
    "ageOver21",
    "ageOver65",
];

impl IssueRequest {
    /// Parse the VC-API `credential` object. `now` is the default `validFrom`.
    pub fn from_vc_json(credential: &Value, now: DateTime<Utc>) -> Result<Self, ValidationErrors> {
        let mut c = Collector::default();
        let Some(obj) = credential.as_object() else {
            c.push("credential", "not_an_object", "credential must be a JSON object");
            return Err(c.finish().expect_err("one error"));
        };

        check_context(obj, &mut c);
        let kind = credential_kind(obj, &mut c);
        let id = obj.get("id").and_then(|v| c.take(urn_uuid(v)));
        let claimed_issuer = obj.get("issuer").and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Object(o) => o.get("id").and_then(Value::as_str).map(str::to_owned),
            _ => {
                c.push("issuer", "malformed_issuer", "issuer must be a DID string or an object with an id");
                None
            }
        });
        let valid_from = match obj.get("validFrom") {
            None => Some(now),
            Some(v) => c.take(date_time("validFrom", v)),
        };
        let valid_until = obj.get("validUntil").and_then(|v| c.take(date_time("validUntil", v)));

        let subject = match obj.get("credentialSubject") {
            Some(Value::Object(s)) => Some(s),
            Some(_) => {
                c.push("credentialSubject", "not_an_object", "credentialSubject must be one JSON object");
                None
            }
            None => {
                c.push("credentialSubject", "required", "credentialSubject is required");
                None
            }
        };

        let holder = subject.and_then(|s| s.get("id")).and_then(|v| {
            c.take(str_field("credentialSubject.id", v).and_then(|s| Did::parse_field(&s, "credentialSubject.id")))
        });

        let claims = match (kind, subject) {
            (Some(CredentialKind::License), Some(s)) => license_claims(s, &mut c).map(Claims::License),
            (Some(CredentialKind::Patient), Some(s)) => patient_claims(s, &mut c).map(Claims::Patient),
            _ => None,
        };

        if let (Some(Claims::License(_)), None) = (&claims, valid_until) {
            if obj.get("validUntil").is_none() {
                c.push("validUntil", "required", "a license credential needs validUntil (its expiry)");
            }
        }
        if let (Some(from), Some(until)) = (valid_from, valid_until) {
            if until <= from {
                c.push("validUntil", "validity_inverted", "validUntil must be after validFrom");
            }
        }
        if let (Some(Claims::License(l)), Some(from)) = (&claims, valid_from) {
            if l.original_issue_date > from.date_naive() {
                c.push("credentialSubject.originalIssueDate", "date_in_future", "originalIssueDate is after validFrom");
            }
        }
        if let (Some(Claims::Patient(p)), Some(from)) = (&claims, valid_from) {
            if p.birth_date > from.date_naive() {
                c.push("credentialSubject.birthDate", "date_in_future", "birthDate is after validFrom");
            } else if p.age_on(from.date_naive()) > 150 {
                c.push("credentialSubject.birthDate", "implausible_date", "birthDate is more than 150 years ago");
            }
        }

        c.finish()?;
        match (claims, valid_from) {
            (Some(claims), Some(valid_from)) => {
                Ok(IssueRequest { claims, holder, valid_from, valid_until, id, claimed_issuer })
            }
            _ => Err(ValidationErrors(vec![FieldError::new("credential", "invalid", "credential could not be read")])),
        }
    }
}

fn check_context(obj: &Map<String, Value>, c: &mut Collector) {
    let Some(ctx) = obj.get("@context") else { return };
    let urls: Vec<&str> = match ctx {
        Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
        Value::String(s) => vec![s.as_str()],
        _ => {
            c.push("@context", "malformed_context", "@context must be a URL or a list of URLs");
            return;
        }
    };
    if urls.first() != Some(&VC_V2) {
        c.push("@context", "malformed_context", format!("@context must start with {VC_V2}"));
    }
    if let Some(other) = urls.iter().find(|u| **u != VC_V2 && **u != CONTEXT_URL) {
        c.push("@context", "unsupported_context", format!("context {other:?} is not bundled; use {CONTEXT_URL}"));
    }
}

fn credential_kind(obj: &Map<String, Value>, c: &mut Collector) -> Option<CredentialKind> {
    let types: Vec<&str> = match obj.get("type") {
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        Some(Value::String(s)) => vec![s.as_str()],
        _ => {
            c.push("type", "required", "type must list VerifiableCredential and a medcred credential type");
            return None;
        }
    };
    if !types.contains(&"VerifiableCredential") {
        c.push("type", "missing_type", "type must include VerifiableCredential");
    }
    let ours: Vec<CredentialKind> = types.iter().filter_map(|t| CredentialKind::from_type_name(t)).collect();
    match ours.as_slice() {
        [k] => Some(*k),
        [] => {
            c.push(
                "type",
                "unsupported_type",
                "type must include MedicalLicenseCredential or PatientIdentityCredential",
            );
            None
        }
        _ => {
            c.push("type", "ambiguous_type", "a credential has exactly one medcred type");
            None
        }
    }
}

fn reject_unknown(s: &Map<String, Value>, known: &[&str], c: &mut Collector) {
    for k in s.keys().filter(|k| !known.contains(&k.as_str())) {
        c.push(
            &format!("credentialSubject.{k}"),
            "unknown_field",
            format!("{k} is not a field of this credential type"),
        );
    }
}

fn str_field(field: &str, v: &Value) -> Result<String, FieldError> {
    v.as_str()
        .map(str::to_owned)
        .ok_or_else(|| FieldError::new(field, "not_a_string", format!("{field} must be a string")))
}

fn required<'a>(s: &'a Map<String, Value>, key: &str, c: &mut Collector) -> Option<&'a Value> {
    let v = s.get(key);
    if v.is_none() {
        c.push(&format!("credentialSubject.{key}"), "required", format!("{key} is required"));
    }
    v
}

fn date(field: &str, v: &Value) -> Result<NaiveDate, FieldError> {
    let s = str_field(field, v)?;
    NaiveDate::parse_from_str(&s, "%Y-%m-%d")
        .map_err(|_| FieldError::new(field, "malformed_date", format!("{field} must be a date like 2024-01-31")))
}

fn date_time(field: &str, v: &Value) -> Result<DateTime<Utc>, FieldError> {
    let s = str_field(field, v)?;
    DateTime::parse_from_rfc3339(&s).map(|d| d.with_timezone(&Utc)).map_err(|_| {
        FieldError::new(
            field,
            "malformed_date_time",
            format!("{field} must be an RFC 3339 date-time like 2025-01-01T00:00:00Z"),
        )
    })
}

fn urn_uuid(v: &Value) -> Result<String, FieldError> {
    let s = str_field("id", v)?;
    let ok = s.strip_prefix("urn:uuid:").is_some_and(|u| {
        u.len() == 36
            && u.bytes()
                .enumerate()
                .all(|(i, b)| if [8, 13, 18, 23].contains(&i) { b == b'-' } else { b.is_ascii_hexdigit() })
    });
    if ok {
        Ok(s.to_ascii_lowercase())
    } else {
        Err(FieldError::new("id", "malformed_id", "id must be a urn:uuid: URN (or left out: the issuer assigns one)"))
    }
}

fn subject_text(s: &Map<String, Value>, key: &str, max: usize, c: &mut Collector) -> Option<String> {
    let field = format!("credentialSubject.{key}");
    required(s, key, c).and_then(|v| c.take(str_field(&field, v).and_then(|x| text(&field, &x, max))))
}

fn license_claims(s: &Map<String, Value>, c: &mut Collector) -> Option<LicenseClaims> {
    reject_unknown(s, LICENSE_FIELDS, c);
    let practitioner_name = subject_text(s, "practitionerName", MAX_NAME, c);
    let license_type = required(s, "licenseType", c)
        .and_then(|v| c.take(str_field("credentialSubject.licenseType", v).and_then(|x| x.parse())));
    let license_number = required(s, "licenseNumber", c).and_then(|v| {
        c.take(str_field("credentialSubject.licenseNumber", v).and_then(|x| {
            let x = x.trim().to_owned();
            if license_number_ok(&x) {
                Ok(x)
            } else {
                Err(FieldError::new(
                    "credentialSubject.licenseNumber",
                    "malformed_license_number",
                    "licenseNumber must be 1-64 letters, digits, '-', '.' or '/'",
                ))
            }
        }))
    });
    let jurisdiction = required(s, "jurisdiction", c)
        .and_then(|v| c.take(str_field("credentialSubject.jurisdiction", v).and_then(|x| x.parse())));
    let original_issue_date =
        required(s, "originalIssueDate", c).and_then(|v| c.take(date("credentialSubject.originalIssueDate", v)));
    let specialty = s.get("specialty").and_then(|v| {
        c.take(
            str_field("credentialSubject.specialty", v).and_then(|x| text("credentialSubject.specialty", &x, MAX_NAME)),
        )
    });
    let restrictions = match s.get("restrictions") {
        None => Vec::new(),
        Some(Value::Array(items)) if items.len() <= MAX_RESTRICTIONS => items
            .iter()
            .enumerate()
            .filter_map(|(i, v)| {
                let f = format!("credentialSubject.restrictions[{i}]");
                c.take(str_field(&f, v).and_then(|x| text(&f, &x, MAX_RESTRICTION)))
            })
            .collect(),
        Some(Value::Array(_)) => {
            c.push("credentialSubject.restrictions", "too_many", format!("at most {MAX_RESTRICTIONS} restrictions"));
            Vec::new()
        }
        Some(_) => {
            c.push("credentialSubject.restrictions", "not_a_list", "restrictions must be a list of strings");
            Vec::new()
        }
    };
    let npi = s.get("npi").and_then(|v| c.take(str_field("credentialSubject.npi", v).and_then(|x| x.parse())));
    let multistate_privilege = match s.get("multistatePrivilege") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            c.push(
                "credentialSubject.multistatePrivilege",
                "not_a_boolean",
                "multistatePrivilege must be true or false",
            );
            false
        }
    };
    if let (true, Some(t)) = (multistate_privilege, license_type) {
        if !crate::vocab::LicenseType::nurse_compact_eligible(t) {
            c.push(
                "credentialSubject.multistatePrivilege",
                "not_compact_eligible",
                format!("a {t} license cannot carry a Nurse Licensure Compact multistate privilege"),
            );
        }
    }
    Some(LicenseClaims {
        practitioner_name: practitioner_name?,
        license_type: license_type?,
        license_number: license_number?,
        jurisdiction: jurisdiction?,
        original_issue_date: original_issue_date?,
        specialty,
        restrictions,
        npi,
        multistate_privilege,
    })
}

fn patient_claims(s: &Map<String, Value>, c: &mut Collector) -> Option<PatientClaims> {
    reject_unknown(s, PATIENT_FIELDS, c);
    for derived in ["ageOver18", "ageOver21", "ageOver65"] {
        if s.contains_key(derived) {
            c.push(
                &format!("credentialSubject.{derived}"),
                "derived_field",
                format!("{derived} is computed by the issuer from birthDate"),
            );
        }
    }
    let given_name = subject_text(s, "givenName", MAX_NAME, c);
    let family_name = subject_text(s, "familyName", MAX_NAME, c);
    let birth_date = required(s, "birthDate", c).and_then(|v| c.take(date("credentialSubject.birthDate", v)));
    let patient_identifier = subject_text(s, "patientIdentifier", MAX_PATIENT_ID, c);
    let portrait = s
        .get("portrait")
        .and_then(|v| c.take(str_field("credentialSubject.portrait", v).and_then(|x| Portrait::parse(&x))));
    Some(PatientClaims {
        given_name: given_name?,
        family_name: family_name?,
        birth_date: birth_date?,
        patient_identifier: patient_identifier?,
        portrait,
    })
}

/// Format a timestamp the way credentials carry it (seconds precision, `Z`).
pub fn xsd_date_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-01-01T00:00:00Z".parse().expect("time")
    }

    fn license() -> Value {
        json!({
            "@context": [VC_V2, CONTEXT_URL],
            "type": ["VerifiableCredential", "MedicalLicenseCredential"],
            "validFrom": "2026-01-01T00:00:00Z",
            "validUntil": "2028-01-01T00:00:00Z",
            "credentialSubject": {
                "id": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
                "practitionerName": "Jane Q. Doe",
                "licenseType": "RN",
                "licenseNumber": "RN-0012345",
                "jurisdiction": "US-NJ",
                "originalIssueDate": "2015-06-01",
                "restrictions": [],
                "npi": "1234567893",
                "multistatePrivilege": true
            }
        })
    }

    fn codes(v: &Value) -> Vec<(String, &'static str)> {
        IssueRequest::from_vc_json(v, now()).expect_err("invalid").0.into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn parses_a_license() {
        let r = IssueRequest::from_vc_json(&license(), now()).expect("valid");
        let Claims::License(l) = r.claims else { unreachable!("license") };
        assert_eq!(l.license_type.code(), "RN");
        assert_eq!(l.jurisdiction.as_str(), "US-NJ");
        assert!(l.multistate_privilege);
        assert!(r.holder.is_some());
    }

    #[test]
    fn names_each_bad_field() {
        let mut v = license();
        v["credentialSubject"]["licenseType"] = json!("Shaman");
        v["credentialSubject"]["jurisdiction"] = json!("New Jersey");
        v["credentialSubject"]["id"] = json!("not-a-did");
        v["validUntil"] = json!("2025-01-01T00:00:00Z");
        let got = codes(&v);
        for want in [
            ("credentialSubject.licenseType", "unknown_license_type"),
            ("credentialSubject.jurisdiction", "malformed_jurisdiction"),
            ("credentialSubject.id", "malformed_did"),
            ("validUntil", "validity_inverted"),
        ] {
            assert!(got.iter().any(|(f, c)| f == want.0 && *c == want.1), "missing {want:?} in {got:?}");
        }
    }

    #[test]
    fn rejects_unknown_and_oversized_fields() {
        let mut v = license();
        v["credentialSubject"]["favouriteColour"] = json!("blue");
        v["credentialSubject"]["practitionerName"] = json!("x".repeat(MAX_NAME + 1));
        let got = codes(&v);
        assert!(got.contains(&("credentialSubject.favouriteColour".into(), "unknown_field")));
        assert!(got.contains(&("credentialSubject.practitionerName".into(), "too_long")));
    }

    #[test]
    fn license_needs_expiry_and_compact_needs_a_nurse() {
        let mut v = license();
        v.as_object_mut().expect("obj").remove("validUntil");
        v["credentialSubject"]["licenseType"] = json!("MD");
        let got = codes(&v);
        assert!(got.contains(&("validUntil".into(), "required")));
        assert!(got.contains(&("credentialSubject.multistatePrivilege".into(), "not_compact_eligible")));
    }

    #[test]
    fn patient_age_flags_are_derived_not_given() {
        let v = json!({
            "type": ["VerifiableCredential", "PatientIdentityCredential"],
            "credentialSubject": {"givenName": "Ada", "familyName": "Lovelace", "birthDate": "1990-12-10",
                                  "patientIdentifier": "MRN-42", "ageOver18": true}
        });
        assert_eq!(codes(&v), vec![("credentialSubject.ageOver18".to_string(), "derived_field")]);
    }

    #[test]
    fn rejects_non_objects_and_foreign_contexts() {
        assert_eq!(codes(&json!([1, 2]))[0].1, "not_an_object");
        let mut v = license();
        v["@context"] = json!([VC_V2, "https://evil.example/ctx"]);
        assert!(codes(&v).contains(&("@context".into(), "unsupported_context")));
    }
}
