//! Key binding (RFC 9901 §4.3, §7.3): the holder's `kb+jwt` over the presentation's `sd_hash`,
//! signed with the key the issuer put in `cnf`.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::disclosure::sha256_b64;
use crate::error::FormatError;
use crate::jwt::{decode, sign_compact, verify, JwsSigner, SignerKey, VerifierKey};

/// The `typ` of a key-binding JWT.
pub const TYP_KB_JWT: &str = "kb+jwt";

/// How far in the future a key-binding JWT's `iat` may be (clock skew), in seconds.
pub const KB_FUTURE_LEEWAY_SECS: i64 = 60;

/// What the holder puts in a key-binding JWT, and the key it signs with.
#[derive(Debug, Clone)]
pub struct KbParams {
    /// The verifier the presentation is for (`aud`).
    pub aud: String,
    /// The verifier's nonce.
    pub nonce: String,
    /// Issued-at, seconds since the epoch (the holder's clock, passed in).
    pub iat: i64,
    /// The holder's private key; its public half must be the credential's `cnf.jwk`.
    pub holder: SignerKey,
}

/// What a verifier requires of the key-binding JWT; giving one makes key binding mandatory.
#[derive(Debug, Clone)]
pub struct KbExpectation {
    /// The verifier's own identifier, which `aud` must equal.
    pub aud: String,
    /// The nonce the verifier issued for this presentation.
    pub nonce: String,
    /// The verifier's current time.
    pub now: DateTime<Utc>,
    /// How old `iat` may be.
    pub max_age: chrono::Duration,
}

/// A checked key-binding JWT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyBinding {
    /// Its `aud`.
    pub aud: String,
    /// Its `nonce`.
    pub nonce: String,
    /// Its `iat`, seconds since the epoch.
    pub iat: i64,
    /// The holder key (from `cnf.jwk`) that signed it.
    pub holder_key: VerifierKey,
}

/// `sd_hash` of a presentation: base64url(SHA-256(everything up to and including the last `~`)).
pub fn sd_hash(presented: &str) -> String {
    sha256_b64(presented)
}

/// Sign the key-binding JWT for `presented` (issuer JWT and disclosures, ending in `~`).
pub(crate) fn sign(presented: &str, p: &KbParams) -> Result<String, FormatError> {
    let header = json!({"alg": p.holder.alg(), "typ": TYP_KB_JWT});
    let payload = json!({"iat": p.iat, "aud": p.aud, "nonce": p.nonce, "sd_hash": sd_hash(presented)});
    let payload = serde_json::to_vec(&payload).map_err(|e| FormatError::Signing(e.to_string()))?;
    sign_compact(&header, &payload, &p.holder)
}

fn invalid(why: impl std::fmt::Display) -> FormatError {
    FormatError::BadSignature(format!("key binding: {why}"))
}

/// Check a key-binding JWT: `typ`, signature by `holder_key`, `sd_hash` over `presented`, and,
/// when `expect` is given, `aud`, `nonce` and `iat` within `[now - max_age, now + leeway]`.
pub(crate) fn check(
    kb_jwt: &str,
    presented: &str,
    holder_key: &VerifierKey,
    expect: Option<&KbExpectation>,
) -> Result<KeyBinding, FormatError> {
    let decoded = decode(kb_jwt)?;
    if decoded.typ() != Some(TYP_KB_JWT) {
        return Err(invalid(format!("typ {:?} is not kb+jwt", decoded.typ().unwrap_or_default())));
    }
    verify(&decoded, holder_key).map_err(|e| invalid(format!("not signed by the cnf key ({e})")))?;
    let claims = decoded.claims()?;
    let string =
        |name: &str| claims.get(name).and_then(Value::as_str).ok_or_else(|| invalid(format!("no string {name}")));
    if string("sd_hash")? != sd_hash(presented) {
        return Err(invalid("sd_hash does not match the presentation"));
    }
    let kb = KeyBinding {
        aud: string("aud")?.to_owned(),
        nonce: string("nonce")?.to_owned(),
        iat: claims.get("iat").and_then(Value::as_i64).ok_or_else(|| invalid("no integer iat"))?,
        holder_key: holder_key.clone(),
    };
    if let Some(e) = expect {
        if kb.aud != e.aud {
            return Err(invalid("aud is not this verifier"));
        }
        if kb.nonce != e.nonce {
            return Err(invalid("nonce does not match"));
        }
        let now = e.now.timestamp();
        if kb.iat > now.saturating_add(KB_FUTURE_LEEWAY_SECS) {
            return Err(invalid("iat is in the future"));
        }
        if kb.iat < now.saturating_sub(e.max_age.num_seconds()) {
            return Err(invalid("iat is too old"));
        }
    }
    Ok(kb)
}
