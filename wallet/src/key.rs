//! The holder key: Ed25519, identified by its did:jwk (the JWK in JCS form, base64url), kept as a
//! private JWK. Prints as `[redacted]`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::SigningKey;
use medcred_formats::jwt::SignerKey;
use medcred_formats::keys::{multibase_public, public_jwk};
use serde_json::{json, Value};
use zeroize::Zeroizing;

use crate::error::WalletError;

/// The holder's signing key.
#[derive(Clone)]
pub struct HolderKey {
    signing: SigningKey,
    did: String,
}

impl std::fmt::Debug for HolderKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HolderKey").field("did", &self.did).field("secret", &"[redacted]").finish()
    }
}

impl HolderKey {
    /// A new random key.
    pub fn generate() -> Self {
        Self::from_signing(SigningKey::generate(&mut rand::rngs::OsRng))
    }

    fn from_signing(signing: SigningKey) -> Self {
        let jwk = public_jwk(&signing.verifying_key());
        let jcs = medcred_formats::jcs::canonicalize(&jwk).unwrap_or_default();
        let did = format!("did:jwk:{}", URL_SAFE_NO_PAD.encode(jcs));
        HolderKey { signing, did }
    }

    /// The public JWK (OKP, Ed25519).
    pub fn public_jwk(&self) -> Value {
        public_jwk(&self.signing.verifying_key())
    }

    /// The holder's DID: `did:jwk:…`.
    pub fn did(&self) -> &str {
        &self.did
    }

    /// The verification method of the did:jwk (`#0`).
    pub fn did_jwk_kid(&self) -> String {
        format!("{}#0", self.did)
    }

    /// The same key as a did:key (`did:key:z6Mk…`) and its verification method.
    pub fn did_key(&self) -> (String, String) {
        let mb = multibase_public(&self.signing.verifying_key());
        (format!("did:key:{mb}"), format!("did:key:{mb}#{mb}"))
    }

    /// The key as a JWS signer (EdDSA).
    pub fn signer(&self) -> SignerKey {
        SignerKey::Ed25519(self.signing.clone())
    }

    /// The key as a Data Integrity signer naming verification method `vm`.
    pub fn issuer_key(&self, vm: &str) -> medcred_formats::IssuerKey {
        medcred_formats::IssuerKey::new(self.signing.clone(), vm)
    }

    /// The private JWK (to store in a 0600 file).
    pub fn to_private_jwk(&self) -> Zeroizing<String> {
        let mut jwk = self.public_jwk();
        jwk["d"] = json!(URL_SAFE_NO_PAD.encode(self.signing.as_bytes()));
        Zeroizing::new(jwk.to_string())
    }

    /// Read a private JWK written by [`Self::to_private_jwk`].
    pub fn from_private_jwk(text: &str) -> Result<Self, WalletError> {
        let bad = |why: &str| WalletError::Storage { path: "holder key".into(), why: why.into() };
        let jwk: Value = serde_json::from_str(text).map_err(|_| bad("not a JWK"))?;
        if jwk["kty"] != "OKP" || jwk["crv"] != "Ed25519" {
            return Err(bad("not an Ed25519 OKP JWK"));
        }
        let d = jwk["d"].as_str().ok_or_else(|| bad("no private key (d)"))?;
        let raw = Zeroizing::new(URL_SAFE_NO_PAD.decode(d).map_err(|_| bad("d is not base64url"))?);
        let bytes: &[u8; 32] = raw.as_slice().try_into().map_err(|_| bad("d is not 32 bytes"))?;
        let key = Self::from_signing(SigningKey::from_bytes(bytes));
        if key.public_jwk()["x"] != jwk["x"] {
            return Err(bad("x does not match d"));
        }
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_jwk_round_trips_and_debug_hides_it() {
        let k = HolderKey::generate();
        let back = HolderKey::from_private_jwk(&k.to_private_jwk()).expect("reads");
        assert_eq!(back.did(), k.did());
        assert!(k.did().starts_with("did:jwk:eyJjcnYiOiJFZDI1NTE5Iiwia3R5IjoiT0tQIiwieCI6"), "JCS member order");
        assert!(!format!("{k:?}").contains(k.to_private_jwk().as_str()));
        assert!(format!("{k:?}").contains("[redacted]"));
        let mut tampered: Value = serde_json::from_str(&k.to_private_jwk()).expect("json");
        tampered["x"] = HolderKey::generate().public_jwk()["x"].clone();
        assert!(HolderKey::from_private_jwk(&tampered.to_string()).is_err());
        assert!(HolderKey::from_private_jwk("{\"kty\":\"EC\"}").is_err());
    }
}
