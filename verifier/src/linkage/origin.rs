//! Web origins (RFC 6454) as Domain Linkage Credentials write them, in one comparable form:
//! `scheme://host[:port]`, lowercase, no default port, no trailing slash. The specification
//! writes origins with a scheme, its own JWT example without one (`identity.foundation`): a bare
//! host means `https`.

/// The normal form of `origin`, or `None` if it is not an http(s) origin (a path, query, user
/// info, an empty host, a bad port).
pub fn normalize_origin(origin: &str) -> Option<String> {
    let origin = origin.trim().to_ascii_lowercase();
    let (scheme, rest) = match origin.split_once("://") {
        Some((scheme @ ("http" | "https"), rest)) => (scheme, rest),
        Some(_) => return None,
        None => ("https", origin.as_str()),
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.is_empty() || rest.contains(['/', '?', '#', '@', '%']) || rest.contains(char::is_whitespace) {
        return None;
    }
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) if !rest.ends_with(']') => {
            (host, Some(port.parse::<u16>().ok().filter(|p| *p != 0 && !port.starts_with('+'))?))
        }
        _ => (rest, None),
    };
    let bracketed = host.starts_with('[') && host.ends_with(']') && host.len() > 2;
    let host_ok = if bracketed {
        host[1..host.len() - 1].bytes().all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
    } else {
        !host.is_empty() && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    };
    if !host_ok {
        return None;
    }
    Some(match (scheme, port) {
        ("https", Some(443)) | ("http", Some(80)) | (_, None) => format!("{scheme}://{host}"),
        (_, Some(port)) => format!("{scheme}://{host}:{port}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_forms() {
        for (given, normal) in [
            ("https://Board.Example/", "https://board.example"),
            ("board.example", "https://board.example"),
            ("https://board.example:443", "https://board.example"),
            ("http://localhost:8080", "http://localhost:8080"),
            ("http://127.0.0.1:80/", "http://127.0.0.1"),
            ("http://[::1]:8080", "http://[::1]:8080"),
            ("https://[::1]", "https://[::1]"),
        ] {
            assert_eq!(normalize_origin(given).as_deref(), Some(normal), "{given}");
        }
    }

    #[test]
    fn refuses_what_is_not_an_origin() {
        for bad in [
            "",
            "https://",
            "ftp://board.example",
            "https://board.example/path",
            "https://user@board.example",
            "https://board.example?q",
            "https://board.example:port",
            "https://board.example:0",
            "https://board.example:+80",
            "https://board.example:99999",
            "https://bo ard.example",
            "https://board%2eexample",
            "https://[zz]",
        ] {
            assert_eq!(normalize_origin(bad), None, "{bad}");
        }
    }
}
