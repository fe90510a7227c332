//! DCQL queries (OpenID4VP 1.0 §6), as the wallet reads them from a verifier's request and the
//! hospital from its own stored requests, and the answer check both sides run on a credential.
//! The first line is the query, the rest the credential's claims. A parsed query writes out to
//! JSON that parses back to the same query; a credential that answers a query has every claim
//! the answer names, the wallet would disclose exactly those, and the claims disclosed beyond
//! them are reported, none related to an asked claim. The rest is also read as the `vp_token` the
//! hospital takes (`presentation_of`): a presentation it yields is the token's only entry, under
//! the query's id.
#![no_main]

use libfuzzer_sys::fuzz_target;
use medcred_fuzz::first_line;
use medcred_model::dcql::{check_answer, disclosure_for, presentation_of, DcqlQuery, Holding};
use serde_json::Value;

fn types_of(claims: &Value) -> Vec<String> {
    let strings = |v: &Value| match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    [strings(&claims["vct"]), strings(&claims["type"])].concat()
}

fn related(a: &str, b: &str) -> bool {
    a == b || a.starts_with(&format!("{b}/")) || b.starts_with(&format!("{a}/"))
}

fuzz_target!(|data: &[u8]| {
    let (query, claims) = first_line(data);
    let Ok(query) = serde_json::from_slice::<Value>(query) else { return };
    let Ok(query) = DcqlQuery::from_json(&query) else { return };
    assert_eq!(DcqlQuery::from_json(&query.to_json()).as_ref(), Ok(&query), "a query that does not round-trip");
    let claims: Value = serde_json::from_slice(claims).unwrap_or(Value::Null);
    let types = types_of(&claims);
    let disclosed: Vec<String> =
        claims.as_object().map_or_else(Vec::new, |o| o.keys().map(|k| format!("/{k}")).collect());
    for cq in &query.credentials {
        if let Ok(presentation) = presentation_of(&claims, cq) {
            let token = match &claims {
                Value::String(s) => serde_json::from_str(s).expect("a token read from text"),
                other => other.clone(),
            };
            let entries = token.as_object().expect("a token is an object");
            assert_eq!(entries.len(), 1);
            match &entries[&cq.id].as_array().expect("an array")[..] {
                [Value::String(s)] => assert_eq!(s, &presentation),
                [o] => assert_eq!(o.to_string(), presentation),
                _ => panic!("not exactly one presentation"),
            }
        }
        let holding =
            Holding { format: &cq.format, types: &types, claims: &claims, disclosed: Some(disclosed.as_slice()) };
        let answer = check_answer(cq, &holding);
        if answer.is_ok() {
            for pointer in &answer.requested {
                assert!(claims.pointer(pointer).is_some(), "answered with {pointer}, which the claims lack");
            }
            assert_eq!(disclosure_for(cq, &holding).as_ref(), Some(&answer.requested));
            for extra in &answer.extra {
                assert!(disclosed.contains(extra) && !answer.requested.iter().any(|r| related(extra, r)));
            }
        }
    }
});
