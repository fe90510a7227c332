//! RFC 8785 JSON Canonicalization Scheme (JCS) of a `serde_json::Value`.
//!
//! Written here rather than taken from `serde_jcs` 0.1: that crate sorts keys by their escaped
//! UTF-8 bytes (RFC 8785 §3.2.3 wants UTF-16 code units) and panics (`todo!`) on every number
//! when serde_json's `arbitrary_precision` feature is on, which ssi turns on in this workspace.
//! Numbers are printed as ECMAScript does (`ryu-js`, RFC 8785 §3.2.2.3).

use serde_json::{Map, Number, Value};

use crate::error::FormatError;

/// The largest integer an IEEE 754 double holds exactly (2^53); larger integers are not I-JSON.
const MAX_SAFE_INTEGER: u64 = 1 << 53;

/// The canonical form of `value` as a string.
///
/// Fails only on numbers JCS cannot represent faithfully: non-finite values and integers beyond
/// ±2^53 (RFC 7493 I-JSON), which a double would silently round; signing such a document would
/// let two different values share one signature.
pub fn canonicalize(value: &Value) -> Result<String, FormatError> {
    let mut out = String::new();
    write_value(&mut out, value)?;
    Ok(out)
}

/// The canonical form of `value` as UTF-8 bytes (what gets hashed).
pub fn canonical_bytes(value: &Value) -> Result<Vec<u8>, FormatError> {
    canonicalize(value).map(String::into_bytes)
}

fn write_value(out: &mut String, value: &Value) -> Result<(), FormatError> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, n)?,
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item)?;
            }
            out.push(']');
        }
        Value::Object(map) => write_object(out, map)?,
    }
    Ok(())
}

fn write_object(out: &mut String, map: &Map<String, Value>) -> Result<(), FormatError> {
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    // RFC 8785 §3.2.3: order by the UTF-16 code units of the (unescaped) names.
    entries.sort_by(|(a, _), (b, _)| a.encode_utf16().cmp(b.encode_utf16()));
    out.push('{');
    for (i, (key, value)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, key);
        out.push(':');
        write_value(out, value)?;
    }
    out.push('}');
    Ok(())
}

fn write_number(out: &mut String, n: &Number) -> Result<(), FormatError> {
    let too_big = || FormatError::malformed("JSON number", format!("{n} is beyond ±2^53 (not I-JSON)"));
    if let Some(i) = n.as_i64() {
        if i.unsigned_abs() > MAX_SAFE_INTEGER {
            return Err(too_big());
        }
        out.push_str(&i.to_string());
    } else if let Some(u) = n.as_u64() {
        if u > MAX_SAFE_INTEGER {
            return Err(too_big());
        }
        out.push_str(&u.to_string());
    } else {
        let f = n
            .as_f64()
            .filter(|f| f.is_finite())
            .ok_or_else(|| FormatError::malformed("JSON number", format!("{n} is not a finite double")))?;
        out.push_str(ryu_js::Buffer::new().format_finite(f));
    }
    Ok(())
}

/// RFC 8785 §3.2.2.2: escape `"`, `\` and the C0 controls (short forms where JSON has them,
/// otherwise `\u00xx` in lower case); everything else is written as is.
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if c < ' ' => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn jcs(text: &str) -> String {
        canonicalize(&serde_json::from_str(text).expect("json")).expect("jcs")
    }

    #[test]
    fn rfc8785_section_3_2_4_example() {
        // RFC 8785 §3.2.4 (input and output of the whole transformation).
        let input = r#"{
          "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
          "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
          "literals": [null, true, false]
        }"#;
        let want = r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#;
        assert_eq!(jcs(input), want);
    }

    #[test]
    fn rfc8785_section_3_2_3_sorts_by_utf16_code_units() {
        // RFC 8785 §3.2.3: U+1F600 (a surrogate pair, 0xD83D…) sorts before U+FB33 in UTF-16,
        // though after it in UTF-8 or by code point.
        let input = r#"{"\u20ac":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh",
          "1":"One","\ud83d\ude00":"Emoji: Grinning Face","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis"}"#;
        let got: Vec<String> = serde_json::from_str::<Map<String, Value>>(&jcs(input))
            .expect("canonical output parses")
            .values()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect();
        let want = [
            "Carriage Return",
            "One",
            "Control",
            "Latin Small Letter O With Diaeresis",
            "Euro Sign",
            "Emoji: Grinning Face",
            "Hebrew Letter Dalet With Dagesh",
        ];
        assert_eq!(got, want);
    }

    #[test]
    fn cyberphone_weird_names() {
        // cyberphone/json-canonicalization testdata/input/weird.json -> testdata/output/weird.json
        // (a prefix key "a" must sort before "a!" though '!' < '"').
        let input = r#"{"\u20ac":"Euro Sign","1":"One","\u0080":"Control\u007f","\ud83d\ude02":"Smiley",
          "\u00f6":"Latin Small Letter O With Diaeresis","\ufb33":"Hebrew Letter Dalet With Dagesh",
          "</script>":"Browser Challenge"}"#;
        let want = "{\"1\":\"One\",\"</script>\":\"Browser Challenge\",\"\u{80}\":\"Control\u{7f}\",\
                    \"\u{f6}\":\"Latin Small Letter O With Diaeresis\",\"\u{20ac}\":\"Euro Sign\",\
                    \"\u{1f602}\":\"Smiley\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}";
        assert_eq!(jcs(input), want);
        assert_eq!(jcs(r#"{"a!":1,"a":2}"#), r#"{"a":2,"a!":1}"#);
    }

    #[test]
    fn rfc8785_appendix_b_numbers() {
        let cases: &[(u64, &str)] = &[
            (0x0000000000000000, "0"),
            (0x8000000000000000, "0"),
            (0x0000000000000001, "5e-324"),
            (0x8000000000000001, "-5e-324"),
            (0x7fefffffffffffff, "1.7976931348623157e+308"),
            (0xffefffffffffffff, "-1.7976931348623157e+308"),
            (0x4340000000000000, "9007199254740992"),
            (0xc340000000000000, "-9007199254740992"),
            (0x4430000000000000, "295147905179352830000"),
            (0x44b52d02c7e14af5, "9.999999999999997e+22"),
            (0x44b52d02c7e14af6, "1e+23"),
            (0x44b52d02c7e14af7, "1.0000000000000001e+23"),
            (0x444b1ae4d6e2ef4e, "999999999999999700000"),
            (0x444b1ae4d6e2ef4f, "999999999999999900000"),
            (0x444b1ae4d6e2ef50, "1e+21"),
            (0x3eb0c6f7a0b5ed8c, "9.999999999999997e-7"),
            (0x3eb0c6f7a0b5ed8d, "0.000001"),
            (0x41b3de4355555553, "333333333.3333332"),
            (0x41b3de4355555554, "333333333.33333325"),
            (0x41b3de4355555555, "333333333.3333333"),
            (0x41b3de4355555556, "333333333.3333334"),
            (0x41b3de4355555557, "333333333.33333343"),
            (0xbecbf647612f3696, "-0.0000033333333333333333"),
            (0x43143ff3c1cb0959, "1424953923781206.2"), // a tie: round to even
        ];
        for &(bits, want) in cases {
            let v = json!(f64::from_bits(bits));
            assert_eq!(canonicalize(&v).expect("finite"), want, "{bits:016x}");
        }
    }

    #[test]
    fn number_literals_as_parsed() {
        assert_eq!(
            jcs("[1e21, 1e-7, -0, -0.0, 1.0, 100, 1E+2, 0.1, 1e20]"),
            "[1e+21,1e-7,0,0,1,100,100,0.1,100000000000000000000]"
        );
        assert_eq!(jcs("[9007199254740992, -9007199254740992]"), "[9007199254740992,-9007199254740992]");
    }

    #[test]
    fn rejects_what_a_double_cannot_hold() {
        for text in ["9007199254740993", "-9007199254740993", "18446744073709551615", "1e400"] {
            // (Without serde_json's arbitrary_precision, 1e400 already fails to parse.)
            let Ok(v) = serde_json::from_str::<Value>(text) else {
                continue;
            };
            assert!(canonicalize(&v).is_err(), "{text} should be rejected");
        }
    }

    #[test]
    fn escapes_only_what_rfc8785_escapes() {
        let v = json!({"k": "\u{0}\u{1f}\u{7f}\u{2028}/\"\\\u{8}\u{c}"});
        assert_eq!(canonicalize(&v).expect("jcs"), "{\"k\":\"\\u0000\\u001f\u{7f}\u{2028}/\\\"\\\\\\b\\f\"}");
    }

    #[test]
    fn ignores_insertion_order() {
        assert_eq!(jcs(r#"{"b":[{"d":1,"c":2}],"a":null}"#), r#"{"a":null,"b":[{"c":2,"d":1}]}"#);
    }
}
