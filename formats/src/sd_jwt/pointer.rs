//! JSON pointers (RFC 6901) as SD-JWT uses them to name disclosable and disclosed claims.

use crate::error::FormatError;

/// Split a pointer into unescaped reference tokens. The root pointer `""` has none.
pub(crate) fn parse(pointer: &str) -> Result<Vec<String>, FormatError> {
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let rest = pointer
        .strip_prefix('/')
        .ok_or_else(|| FormatError::malformed("JSON pointer", format!("{pointer:?} does not start with /")))?;
    rest.split('/').map(unescape).collect()
}

/// Undo `~1` → `/` and `~0` → `~`; any other `~` is an error.
fn unescape(token: &str) -> Result<String, FormatError> {
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        if c != '~' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('0') => out.push('~'),
            Some('1') => out.push('/'),
            _ => return Err(FormatError::malformed("JSON pointer", format!("bad escape in {token:?}"))),
        }
    }
    Ok(out)
}

/// `parent` extended by one reference token, escaped.
pub(crate) fn push(parent: &str, token: &str) -> String {
    format!("{parent}/{}", token.replace('~', "~0").replace('/', "~1"))
}

/// Parse an array index token: decimal without leading zeros (RFC 6901 §4).
pub(crate) fn index(token: &str) -> Option<usize> {
    if token.is_empty() || (token.len() > 1 && token.starts_with('0')) || !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.parse().ok()
}

/// Whether `a` and `b` are equal or one lies inside the other.
pub(crate) fn related(a: &str, b: &str) -> bool {
    let inside = |x: &str, y: &str| x.len() > y.len() && x.starts_with(y) && x.as_bytes()[y.len()] == b'/';
    a == b || inside(a, b) || inside(b, a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_escapes() {
        assert_eq!(parse("/a~1b/c~0d/0").expect("ok"), ["a/b", "c~d", "0"]);
        assert_eq!(push(&push("", "a/b"), "c~d"), "/a~1b/c~0d");
        assert!(parse("a").is_err());
        assert!(parse("/a~2").is_err());
        assert!(parse("").expect("root").is_empty());
    }

    #[test]
    fn indices_and_relations() {
        assert_eq!(index("10"), Some(10));
        assert_eq!(index("01"), None);
        assert_eq!(index("-1"), None);
        assert!(related("/age", "/age/18"));
        assert!(related("/age/18", "/age"));
        assert!(!related("/age", "/age_equal_or_over"));
    }
}
