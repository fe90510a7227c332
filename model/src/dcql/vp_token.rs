//! Reading a `vp_token` (OpenID4VP 1.0 §8.1): a JSON object keyed by Credential Query id, each
//! an array of presentations. The hospital takes exactly one presentation for its query's one
//! Credential Query, so anything else in the token is refused rather than ignored.

use serde_json::{Map, Value};

use super::query::CredentialQuery;

/// The single presentation `vp_token` holds for `cq`: a string (a JWT or an SD-JWT) or a JSON
/// object (a Data Integrity presentation, as text). The token may itself be JSON text. The reason
/// when the token answers anything else, or not exactly once.
pub fn presentation_of(vp_token: &Value, cq: &CredentialQuery) -> Result<String, String> {
    let token: Map<String, Value> = match vp_token {
        Value::Object(o) => o.clone(),
        Value::String(s) => serde_json::from_str(s).map_err(|_| "vp_token is not a JSON object".to_owned())?,
        _ => return Err("vp_token is not a JSON object".into()),
    };
    if let Some(k) = token.keys().find(|k| **k != cq.id) {
        return Err(format!("vp_token answers {k:?}, which the query does not ask"));
    }
    let list = token.get(&cq.id).ok_or_else(|| format!("vp_token has no presentation for {:?}", cq.id))?;
    match list.as_array().map(Vec::as_slice) {
        Some([Value::String(s)]) => Ok(s.clone()),
        Some([o @ Value::Object(_)]) => Ok(o.to_string()),
        Some([_]) => Err("a presentation is a string or a JSON object".into()),
        _ => Err(format!("vp_token[{:?}] must be an array of exactly one presentation", cq.id)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::dcql::Template;

    #[test]
    fn vp_tokens_must_answer_the_query_exactly() {
        let q = Template::AgeOver18.query("dc+sd-jwt").expect("q");
        let cq = &q.credentials[0];
        assert_eq!(presentation_of(&json!({"age": ["a~b~"]}), cq).expect("one"), "a~b~");
        assert_eq!(presentation_of(&json!(r#"{"age": [{"x": 1}]}"#), cq).expect("text"), r#"{"x":1}"#);
        for bad in [
            json!({"age": []}),
            json!({"age": ["a", "b"]}),
            json!({"other": ["a"]}),
            json!("x"),
            json!([1]),
            json!({"age": [1]}),
            json!({"age": ["a"], "more": ["b"]}),
        ] {
            assert!(presentation_of(&bad, cq).is_err(), "{bad}");
        }
    }
}
