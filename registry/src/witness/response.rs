//! C2SP tlog-witness §add-checkpoint responses: the `409 Conflict` body (`text/x.tlog.size`: the
//! latest cosigned size and a newline) and the `200` body (one or more cosignature lines), both
//! formatted for the witness and parsed strictly for the log.

use super::text;
use crate::note::{Note, NoteSignature};

/// Content type of the 409 body that carries the witness's latest cosigned size.
pub const SIZE_CONTENT_TYPE: &str = "text/x.tlog.size";
/// Largest 200 body the client parser accepts.
pub const MAX_RESPONSE_SIZE: usize = 64 * 1024;

/// Why a witness response body is malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResponseError {
    /// The 409 body is not a canonical decimal followed by a newline.
    #[error("malformed text/x.tlog.size body")]
    SizeBody,
    /// The 200 body is empty, too large, or not only well-formed signature lines.
    #[error("malformed cosignature response")]
    Cosignatures,
}

/// The 409 body: `<size>\n`.
pub fn format_size_body(size: u64) -> String {
    format!("{size}\n")
}

/// Parses a 409 `text/x.tlog.size` body.
pub fn parse_size_body(body: &[u8]) -> Result<u64, ResponseError> {
    std::str::from_utf8(body)
        .ok()
        .and_then(|s| s.strip_suffix('\n'))
        .and_then(text::decimal)
        .ok_or(ResponseError::SizeBody)
}

/// Parses a 200 body into its signature lines (not verified: add them to the checkpoint note and
/// verify it with the witness keys you trust, which ignores lines from unknown keys).
pub fn parse_cosignatures(body: &[u8]) -> Result<Vec<NoteSignature>, ResponseError> {
    let bad = ResponseError::Cosignatures;
    if body.is_empty() || body.len() > MAX_RESPONSE_SIZE {
        return Err(bad);
    }
    let lines = std::str::from_utf8(body).map_err(|_| bad.clone())?;
    let lines = lines.strip_suffix('\n').ok_or(bad.clone())?;
    if lines.split('\n').any(|l| !l.starts_with("\u{2014} ")) {
        return Err(bad);
    }
    // Signature lines are only parsed as part of a note: give them a placeholder text.
    let note = Note::parse(format!("-\n\n{lines}\n").as_bytes()).map_err(|_| bad)?;
    Ok(note.signatures().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    // The spec's example response.
    const SPEC_EXAMPLE: &str = "\
— witness.example/w1 CMp+6LWBU0anHGH5aNDTJkH/gj79sG+T6+iP2ThYN5krrDJbR1HDnucjL39QsZTSvVjyQLrdk3DXDqI5G2HgLatVs0pWh6Up69HVOw==
— witness.example/w1 I7rEps0pvK2UqkS2gSpVUDhrhVtQV9lgF6pRrWAvjJHjyWpW7VcE3SiOlVlbQNt64vWhO+DlkL0+UfzuOBMh9ChdMkP1vi/lCAsmlw==
— witness.example/w2 AWui8Sk55XjYLOijihBjhqEH6nS1ndDymE0a+6idX7pLcnoB+dhnz0854aLZgrrKbYKA7nC3HNJhm/kWl7oJlqU3rXXvpysAdyP3wQ==
";

    #[test]
    fn size_bodies() {
        assert_eq!(format_size_body(20_852_014), "20852014\n");
        assert_eq!(parse_size_body(b"20852014\n"), Ok(20_852_014));
        assert_eq!(parse_size_body(b"0\n"), Ok(0));
        for bad in [&b""[..], b"\n", b"12", b"012\n", b"12\n\n", b"12 \n", b"-1\n", b"\xff\n"] {
            assert_eq!(parse_size_body(bad), Err(ResponseError::SizeBody), "{bad:?}");
        }
    }

    #[test]
    fn cosignature_bodies() {
        let sigs = parse_cosignatures(SPEC_EXAMPLE.as_bytes()).expect("well-formed");
        assert_eq!(sigs.len(), 3);
        assert_eq!(sigs[2].name.as_str(), "witness.example/w2");
        let back: String = sigs.iter().map(NoteSignature::to_line).collect();
        assert_eq!(back, SPEC_EXAMPLE);
        let first_line = SPEC_EXAMPLE.lines().next().expect("a line");
        for bad in [
            String::new(),
            "\n".to_owned(),
            first_line.to_owned(),
            format!("{first_line}\n\n"),
            format!("\n{first_line}\n"),
            format!("{first_line}\nhello\n"),
            format!("x\n\n{first_line}\n"),
            "— w AAAA\n".to_owned(),
        ] {
            assert_eq!(parse_cosignatures(bad.as_bytes()), Err(ResponseError::Cosignatures), "{bad:?}");
        }
    }
}
