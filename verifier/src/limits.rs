//! Input limits checked before any deep parsing: total size and JSON nesting depth.

use crate::detect::SyntaxError;

/// The largest input accepted, in bytes (1 MiB; a credential with a portrait is ~100 KB).
pub const MAX_INPUT_LEN: usize = 1 << 20;

/// The deepest JSON nesting accepted (objects and arrays). medcred credentials nest about 4 deep.
pub const MAX_JSON_DEPTH: usize = 64;

/// Refuse inputs larger than [`MAX_INPUT_LEN`].
pub fn check_len(input: &[u8]) -> Result<(), SyntaxError> {
    if input.len() > MAX_INPUT_LEN {
        return Err(SyntaxError::TooLarge { len: input.len(), max: MAX_INPUT_LEN });
    }
    Ok(())
}

/// Refuse JSON text nesting deeper than [`MAX_JSON_DEPTH`], in one linear pass without
/// recursion and without parsing (brackets inside strings do not count). Malformed JSON is left
/// for the parser to report.
pub fn check_depth(json: &[u8]) -> Result<(), SyntaxError> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for &b in json {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > MAX_JSON_DEPTH {
                    return Err(SyntaxError::TooDeep { max: MAX_JSON_DEPTH });
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(n: usize) -> String {
        format!("{}{}", "[".repeat(n), "]".repeat(n))
    }

    #[test]
    fn depth_limit_counts_brackets_outside_strings_only() {
        assert!(check_depth(nested(MAX_JSON_DEPTH).as_bytes()).is_ok());
        assert!(matches!(check_depth(nested(MAX_JSON_DEPTH + 1).as_bytes()), Err(SyntaxError::TooDeep { .. })));
        let in_string = format!(r#"{{"a": "{}\"{}"}}"#, "[".repeat(500), "{".repeat(500));
        assert!(check_depth(in_string.as_bytes()).is_ok());
        assert!(check_depth(b"]]]]{").is_ok(), "unbalanced input is the parser's to reject");
    }

    #[test]
    fn size_limit() {
        assert!(check_len(&vec![b' '; MAX_INPUT_LEN]).is_ok());
        assert!(matches!(check_len(&vec![b' '; MAX_INPUT_LEN + 1]), Err(SyntaxError::TooLarge { .. })));
    }
}
