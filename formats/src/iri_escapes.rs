//! A guard in front of ssi's JSON-LD processing: strings whose percent-escapes do not decode to
//! UTF-8.
//!
//! ssi 0.16 parses IRIs with `iref` 3, which compares and hashes them through `pct-str` 2.0.0;
//! that crate unwraps the UTF-8 decoding of the escaped bytes, so an IRI such as
//! `https://x%dc.example/` (a lone byte 0xDC) panics the canonicalization (found by our fuzz
//! target `signed`; no fixed release of `pct-str` 2 exists). Which strings become IRIs depends on
//! the contexts (keys, `@id`, `@type`, terms typed `@id` or `@vocab`, relative references), so the
//! guard looks at every key and string value: a document holding such a string is refused as
//! malformed before ssi sees it. The only documents this refuses that JSON-LD itself would
//! accept are literals containing text like `%de` followed by a non-continuation byte, which a
//! license or identity credential has no reason to hold.

use serde_json::Value;

/// The first string in `value` (a key or a string value) whose `%XX` escapes decode to bytes
/// that are not UTF-8, if any.
pub(crate) fn first_bad_escape(value: &Value) -> Option<&str> {
    match value {
        Value::String(s) => bad(s).then_some(s.as_str()),
        Value::Array(items) => items.iter().find_map(first_bad_escape),
        Value::Object(map) => map.iter().find_map(|(k, v)| if bad(k) { Some(k.as_str()) } else { first_bad_escape(v) }),
        Value::Null | Value::Bool(_) | Value::Number(_) => None,
    }
}

/// Whether `s` decodes (each `%XX` with two hex digits as one byte, everything else as itself)
/// to bytes that are not UTF-8.
fn bad(s: &str) -> bool {
    if !s.contains('%') {
        return false;
    }
    let bytes = s.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escape = (bytes[i] == b'%').then(|| Some((hex(*bytes.get(i + 1)?)?, hex(*bytes.get(i + 2)?)?))).flatten();
        match escape {
            Some((hi, lo)) => {
                decoded.push(hi << 4 | lo);
                i += 3;
            }
            None => {
                decoded.push(bytes[i]);
                i += 1;
            }
        }
    }
    std::str::from_utf8(&decoded).is_err()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn utf8_escapes_and_plain_percent_signs_pass() {
        for s in ["https://example.org/caf%C3%A9", "50% off", "%", "%4", "100%", "%zz", "plain", "%41%42"] {
            assert!(!bad(s), "{s}");
        }
    }

    #[test]
    fn escapes_that_are_not_utf8_are_found_anywhere() {
        for s in ["https://x%dc.example/1", "%C3", "%ff", "a%C3%28b", "%e2%82"] {
            assert!(bad(s), "{s}");
        }
        let doc = json!({"a": [1, {"b": "ok"}, {"c": ["x", "urn:%dc"]}]});
        assert_eq!(first_bad_escape(&doc), Some("urn:%dc"));
        assert_eq!(first_bad_escape(&json!({"k%80": 1})), Some("k%80"));
        assert_eq!(first_bad_escape(&json!({"k": "v", "n": null, "t": true, "x": 1.5})), None);
    }
}
