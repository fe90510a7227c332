//! C2SP signed-note §Signatures keys: key names, key IDs, verifier keys
//! (`<name>+<hex key ID>+<base64(type ‖ public key)>`) and signer keys, for Ed25519 (type 0x01)
//! and tlog-cosignature v1 Ed25519 (type 0x04).

use std::fmt;
use std::str::FromStr;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest as _, Sha256};

/// Why a key name, verifier key or signer key was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    /// Key names must be non-empty, without Unicode spaces, `+` or control characters.
    #[error("invalid key name")]
    Name,
    /// The key text does not have the `name+keyid+base64` shape.
    #[error("malformed key text")]
    Malformed,
    /// The key ID is not 8 hex digits.
    #[error("key ID is not 8 hex digits")]
    KeyIdFormat,
    /// The key material is not standard padded base64.
    #[error("key material is not valid base64")]
    Base64,
    /// The signature type byte is not one this crate verifies (0x01 or 0x04).
    #[error("unsupported signature type 0x{0:02x}")]
    UnsupportedType(u8),
    /// The key material is not 1 type byte and 32 key bytes.
    #[error("key material has {0} bytes, expected 33")]
    Length(usize),
    /// The 32 bytes are not a valid Ed25519 public key.
    #[error("not a valid Ed25519 public key")]
    PublicKey,
    /// The key ID does not match the one derived from name, type and key.
    #[error("key ID does not match the key")]
    KeyIdMismatch,
    /// A signer key does not start with `PRIVATE+KEY+`.
    #[error("signer key must start with PRIVATE+KEY+")]
    NotPrivate,
    /// The key has a different signature type than this use needs.
    #[error("wrong signature type for this use")]
    WrongType,
}

/// A key name: non-empty, no Unicode whitespace, no `+`, no control characters.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct KeyName(String);

impl KeyName {
    /// Checks and wraps a key name.
    pub fn new(name: impl Into<String>) -> Result<KeyName, KeyError> {
        let name = name.into();
        let bad = |c: char| c.is_whitespace() || c == '+' || c.is_control();
        if name.is_empty() || name.chars().any(bad) {
            return Err(KeyError::Name);
        }
        Ok(KeyName(name))
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for KeyName {
    type Err = KeyError;

    fn from_str(s: &str) -> Result<KeyName, KeyError> {
        KeyName::new(s)
    }
}

impl fmt::Display for KeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The 4-byte key ID that starts every signature, shown as 8 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct KeyId(pub [u8; 4]);

impl KeyId {
    /// `SHA-256(name ‖ 0x0A ‖ type ‖ public key)[:4]`.
    pub fn derive(name: &KeyName, kind: SignatureType, public_key: &[u8; 32]) -> KeyId {
        let mut h = Sha256::new();
        h.update(name.as_str().as_bytes());
        h.update(b"\n");
        h.update([kind.byte()]);
        h.update(public_key);
        let digest = h.finalize();
        KeyId([digest[0], digest[1], digest[2], digest[3]])
    }

    fn parse_hex(s: &str) -> Result<KeyId, KeyError> {
        if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(KeyError::KeyIdFormat);
        }
        let mut out = [0u8; 4];
        hex::decode_to_slice(s, &mut out).map_err(|_| KeyError::KeyIdFormat)?;
        Ok(KeyId(out))
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

/// The signature types this crate signs and verifies (signed-note §Signature types).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum SignatureType {
    /// 0x01: Ed25519 over the note text (a log's own checkpoint signature).
    Ed25519,
    /// 0x04: tlog-cosignature v1, timestamped Ed25519 (a witness cosignature).
    CosignatureV1,
}

impl SignatureType {
    /// The type identifier byte.
    pub fn byte(self) -> u8 {
        match self {
            SignatureType::Ed25519 => 0x01,
            SignatureType::CosignatureV1 => 0x04,
        }
    }

    fn from_byte(b: u8) -> Result<SignatureType, KeyError> {
        match b {
            0x01 => Ok(SignatureType::Ed25519),
            0x04 => Ok(SignatureType::CosignatureV1),
            other => Err(KeyError::UnsupportedType(other)),
        }
    }
}

/// Splits `type ‖ 32 bytes` from base64.
fn decode_material(b64: &str) -> Result<(SignatureType, [u8; 32]), KeyError> {
    let raw = B64.decode(b64).map_err(|_| KeyError::Base64)?;
    let (&type_byte, key) = raw.split_first().ok_or(KeyError::Length(0))?;
    let kind = SignatureType::from_byte(type_byte)?;
    let key = <[u8; 32]>::try_from(key).map_err(|_| KeyError::Length(raw.len()))?;
    Ok((kind, key))
}

fn encode_material(kind: SignatureType, key: &[u8; 32]) -> String {
    let mut raw = Vec::with_capacity(33);
    raw.push(kind.byte());
    raw.extend_from_slice(key);
    B64.encode(raw)
}

/// A trusted public key: whose signatures a verifier accepts.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct VerifierKey {
    name: KeyName,
    kind: SignatureType,
    key: VerifyingKey,
    id: KeyId,
}

impl VerifierKey {
    /// A verifier key from its parts; the key ID is derived.
    pub fn new(name: KeyName, kind: SignatureType, key: VerifyingKey) -> VerifierKey {
        let id = KeyId::derive(&name, kind, key.as_bytes());
        VerifierKey { name, kind, key, id }
    }

    /// The key name.
    pub fn name(&self) -> &KeyName {
        &self.name
    }

    /// The key ID.
    pub fn key_id(&self) -> KeyId {
        self.id
    }

    /// The signature type.
    pub fn kind(&self) -> SignatureType {
        self.kind
    }

    /// The Ed25519 public key.
    pub fn public_key(&self) -> &VerifyingKey {
        &self.key
    }
}

impl FromStr for VerifierKey {
    type Err = KeyError;

    /// Parses `<name>+<8 hex digits>+<base64(type ‖ 32-byte key)>`; the key ID must match.
    fn from_str(s: &str) -> Result<VerifierKey, KeyError> {
        let (name, rest) = s.split_once('+').ok_or(KeyError::Malformed)?;
        let (id, b64) = rest.split_once('+').ok_or(KeyError::Malformed)?;
        let name = KeyName::new(name)?;
        let id = KeyId::parse_hex(id)?;
        let (kind, key) = decode_material(b64)?;
        let key = VerifyingKey::from_bytes(&key).map_err(|_| KeyError::PublicKey)?;
        let vk = VerifierKey::new(name, kind, key);
        if vk.id != id {
            return Err(KeyError::KeyIdMismatch);
        }
        Ok(vk)
    }
}

impl fmt::Display for VerifierKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let material = encode_material(self.kind, self.key.as_bytes());
        write!(f, "{}+{}+{}", self.name, self.id, material)
    }
}

/// A private signing key with its name and type. `Debug` never shows the secret.
#[derive(Clone)]
pub(crate) struct SignerKey {
    pub(crate) name: KeyName,
    pub(crate) kind: SignatureType,
    pub(crate) key: SigningKey,
    pub(crate) id: KeyId,
}

impl SignerKey {
    pub(crate) fn new(name: KeyName, kind: SignatureType, key: SigningKey) -> SignerKey {
        let id = KeyId::derive(&name, kind, key.verifying_key().as_bytes());
        SignerKey { name, kind, key, id }
    }

    /// Parses `PRIVATE+KEY+<name>+<hex key ID>+<base64(type ‖ 32-byte seed)>` (the Go
    /// `sumdb/note` signer key format); the key ID must match the derived public key.
    pub(crate) fn parse(s: &str, want: SignatureType) -> Result<SignerKey, KeyError> {
        let rest = s.strip_prefix("PRIVATE+KEY+").ok_or(KeyError::NotPrivate)?;
        let (name, rest) = rest.split_once('+').ok_or(KeyError::Malformed)?;
        let (id, b64) = rest.split_once('+').ok_or(KeyError::Malformed)?;
        let name = KeyName::new(name)?;
        let id = KeyId::parse_hex(id)?;
        let (kind, seed) = decode_material(b64)?;
        if kind != want {
            return Err(KeyError::WrongType);
        }
        let signer = SignerKey::new(name, kind, SigningKey::from_bytes(&seed));
        if signer.id != id {
            return Err(KeyError::KeyIdMismatch);
        }
        Ok(signer)
    }

    pub(crate) fn verifier(&self) -> VerifierKey {
        VerifierKey::new(self.name.clone(), self.kind, self.key.verifying_key())
    }

    /// The signer key text; it contains the secret seed.
    pub(crate) fn to_secret_string(&self) -> String {
        let material = encode_material(self.kind, self.key.as_bytes());
        format!("PRIVATE+KEY+{}+{}+{}", self.name, self.id, material)
    }
}

impl fmt::Debug for SignerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignerKey")
            .field("name", &self.name)
            .field("kind", &self.kind)
            .field("id", &self.id)
            .field("key", &"[redacted]")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Verifier keys published with golang.org/x/mod sumdb/note and transparency-dev/formats tests.
    const PETER: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const PETER_SKEY: &str = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const REMORA: &str = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2";
    const PLUS: &str = "TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6";

    #[test]
    fn published_verifier_keys_parse_and_print_back() {
        for (text, kind) in
            [(PETER, SignatureType::Ed25519), (PLUS, SignatureType::Ed25519), (REMORA, SignatureType::CosignatureV1)]
        {
            let vk: VerifierKey = text.parse().expect("published key");
            assert_eq!(vk.kind(), kind);
            assert_eq!(vk.to_string(), text);
        }
    }

    #[test]
    fn signer_key_derives_the_published_verifier_key() {
        let sk = SignerKey::parse(PETER_SKEY, SignatureType::Ed25519).expect("published key");
        assert_eq!(sk.verifier().to_string(), PETER);
        assert_eq!(sk.to_secret_string(), PETER_SKEY);
        assert!(!format!("{sk:?}").contains("AYEKF"));
        assert_eq!(SignerKey::parse(PETER_SKEY, SignatureType::CosignatureV1).err(), Some(KeyError::WrongType));
        assert_eq!(
            SignerKey::parse(&PETER_SKEY["PRIVATE+".len()..], SignatureType::Ed25519).err(),
            Some(KeyError::NotPrivate)
        );
    }

    #[test]
    fn mangled_verifier_keys_are_refused() {
        let cases = [
            ("", KeyError::Malformed),
            ("PeterNeumann", KeyError::Malformed),
            ("PeterNeumann+c74f20a3", KeyError::Malformed),
            ("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", KeyError::Name),
            ("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", KeyError::Name),
            ("PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", KeyError::KeyIdFormat),
            ("PeterNeumann+c74f20ag+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", KeyError::KeyIdFormat),
            ("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", KeyError::KeyIdMismatch),
            ("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T", KeyError::Base64),
            ("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW!", KeyError::Base64),
            ("PeterNeumann+c74f20a3+Apc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW=", KeyError::Base64),
            ("PeterNeumann+c74f20a3+AQ==", KeyError::Length(1)),
            ("PeterNeumann+c74f20a3+", KeyError::Length(0)),
            ("PeterNeumann+c74f20a3+AhpzZBxQ8OEWh6DDFvOEqqIF+xWSaqr8sMTiLNbLXRNY", KeyError::UnsupportedType(2)),
        ];
        for (text, want) in cases {
            assert_eq!(text.parse::<VerifierKey>().err(), Some(want), "{text:?}");
        }
    }

    #[test]
    fn key_names_follow_the_spec() {
        assert!(KeyName::new("example.com/log").is_ok());
        for bad in ["", "a b", "a+b", "a\u{a0}b", "a\tb", "a\u{2003}b", "a\u{7f}"] {
            assert_eq!(KeyName::new(bad), Err(KeyError::Name), "{bad:?}");
        }
    }
}
