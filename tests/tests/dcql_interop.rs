//! DCQL cross-checked with an independent implementation: the `dcql` library from npm
//! (OpenWallet Foundation Labs, pinned in tests/interop/package.json) must accept every query our
//! templates produce, in every format, and agree with `medcred_model::dcql::check_answer` on
//! whether each of a set of credentials — complete, missing a claim, a wrong value, with and
//! without the optional portrait, under age — answers it. Node runs `tests/interop/dcql.mjs`;
//! the library is installed with `npm ci` when missing (the npm registry is reachable on the
//! development and CI machines).

use std::io::Write;
use std::process::{Command, Stdio};

use medcred_model::context::{VCT_LICENSE, VCT_PATIENT};
use medcred_model::dcql::{check_answer, expand_type, templates::Template, Holding};
use medcred_tests::interop::{ensure_packages, interop_dir};
use serde_json::{json, Value};

/// (kind, SD-JWT VC claims) of each sample credential: what a holder discloses.
fn samples() -> Vec<(&'static str, Value)> {
    let license = |t: &str, j: &str| json!({"name": "Grace Hopper", "license_type": t, "license_number": "RN-1", "jurisdiction": j});
    let mut missing = license("RN", "US-NJ");
    missing.as_object_mut().map(|o| o.remove("license_number"));
    vec![
        ("license", license("RN", "US-NJ")),
        ("license", license("MD", "US-NY")),
        ("license", license("RN", "CA-ON")),
        ("license", missing),
        (
            "patient",
            json!({"given_name": "Ada", "family_name": "Lovelace", "birthdate": "1990-12-10",
                           "picture": "data:image/png;base64,iVBORw0KGgo=", "age_equal_or_over": {"18": true}}),
        ),
        (
            "patient",
            json!({"given_name": "Ada", "family_name": "Lovelace", "birthdate": "1990-12-10",
                           "age_equal_or_over": {"18": false}}),
        ),
        ("patient", json!({"given_name": "Ada", "age_equal_or_over": {"21": true}})),
    ]
}

/// The W3C form of SD-JWT VC claims (credentialSubject members).
fn w3c_subject(sd: &Value) -> Value {
    let mut s = serde_json::Map::new();
    for (k, v) in sd.as_object().into_iter().flatten() {
        let name = match k.as_str() {
            "name" => "practitionerName",
            "license_type" => "licenseType",
            "license_number" => "licenseNumber",
            "given_name" => "givenName",
            "family_name" => "familyName",
            "birthdate" => "birthDate",
            "picture" => "portrait",
            "age_equal_or_over" => {
                for (age, over) in v.as_object().into_iter().flatten() {
                    s.insert(format!("ageOver{age}"), over.clone());
                }
                continue;
            }
            other => other,
        };
        s.insert(name.to_owned(), v.clone());
    }
    Value::Object(s)
}

#[test]
fn the_dcql_library_agrees_with_our_templates_and_matching() {
    ensure_packages().expect("the npm packages of tests/interop");
    let mut cases = Vec::new();
    let mut ours = Vec::new();
    for template in Template::ALL {
        for format in ["dc+sd-jwt", "ldp_vc", "jwt_vc_json"] {
            let query = template.query(format).expect("template");
            let cq = &query.credentials[0];
            for (kind, sd) in samples() {
                let (presentation, types, claims) = if format == "dc+sd-jwt" {
                    let vct = if kind == "license" { VCT_LICENSE } else { VCT_PATIENT };
                    let p = json!({"credential_format": format, "vct": vct, "claims": sd,
                                   "cryptographic_holder_binding": true});
                    (p, vec![vct.to_owned()], sd.clone())
                } else {
                    let name = if kind == "license" { "MedicalLicenseCredential" } else { "PatientIdentityCredential" };
                    let types = vec!["VerifiableCredential".to_owned(), name.to_owned()];
                    let claims = json!({"type": types, "credentialSubject": w3c_subject(&sd)});
                    // The library takes the fully expanded types, as §B.1.1 compares them.
                    let expanded: Vec<String> = types.iter().map(|t| expand_type(t)).collect();
                    let p = json!({"credential_format": format, "type": expanded, "claims": claims,
                                   "cryptographic_holder_binding": true});
                    (p, types, claims)
                };
                let answer = check_answer(cq, &Holding { format, types: &types, claims: &claims, disclosed: None });
                ours.push((template.name(), format, kind, answer.is_ok()));
                cases.push(json!({"query": query.to_json(), "presentation": presentation}));
            }
        }
    }
    let mut node = Command::new("node")
        .arg(interop_dir().join("dcql.mjs"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("node runs");
    node.stdin.take().expect("stdin").write_all(Value::Array(cases).to_string().as_bytes()).expect("write");
    let out = node.wait_with_output().expect("node output");
    assert!(out.status.success(), "dcql.mjs failed");
    let theirs: Vec<Value> = serde_json::from_slice(&out.stdout).expect("JSON results");
    assert_eq!(theirs.len(), ours.len());
    let mut satisfied = 0;
    for ((template, format, kind, ok), result) in ours.iter().zip(&theirs) {
        assert_eq!(result["valid_query"], true, "{template} in {format}: the library refuses our query: {result}");
        assert_eq!(result["satisfied"], *ok, "{template} in {format}, {kind}: ours {ok}, the library's {result}");
        satisfied += usize::from(*ok);
    }
    // Both outcomes were exercised in earnest.
    assert!(satisfied > 10 && satisfied < ours.len() - 10, "{satisfied} of {}", ours.len());
}
