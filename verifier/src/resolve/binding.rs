//! Issuer binding in a DID document (DID Core §5.3, §5.3.2): a credential's verification method
//! must be defined by the document, listed under `assertionMethod` (by reference or embedded),
//! and controlled by the document's DID; then its public key is read.

use medcred_formats::jwt::VerifierKey;
use medcred_formats::FormatError;
use serde_json::{Map, Value};

use super::multikey::decode_multikey;

/// Why a verification method may not (or cannot) speak for the DID in assertions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BindingError {
    /// The verification method id is not a DID URL with a fragment (`did:…#…`, or `#…`).
    #[error("verification method {0:?} is not a DID URL with a fragment")]
    MalformedMethodId(String),
    /// The DID document is not usable: not an object, no string `id`, a relationship that is not
    /// a list, two methods with the same id.
    #[error("malformed DID document: {0}")]
    MalformedDocument(String),
    /// The document does not define this verification method (it may have been rotated away).
    #[error("the DID document does not define the verification method {0}")]
    UnknownMethod(String),
    /// The method is defined but not listed under the verification relationship the proof
    /// needs (`assertionMethod` for a credential, `authentication` for a presentation).
    #[error("verification method {method} is not listed under {relationship}")]
    NotListed {
        /// The verification method id.
        method: String,
        /// The relationship it is missing from.
        relationship: &'static str,
    },
    /// The method's `controller` is not the document's DID.
    #[error("verification method {method} is controlled by {controller:?}, not by {did}")]
    WrongController {
        /// The verification method id.
        method: String,
        /// Its controller, as written (empty when absent).
        controller: String,
        /// The document's DID.
        did: String,
    },
    /// The method's key is of a type this engine does not verify with.
    #[error("unsupported key in the verification method: {0}")]
    UnsupportedKey(String),
    /// The method's key is malformed.
    #[error("malformed key in the verification method: {0}")]
    MalformedKey(String),
}

/// The verifier key of `vm_id` if it may make assertions for the DID of `doc`:
/// [`assertion_method`] then [`verification_key`].
pub fn assertion_key(doc: &Value, vm_id: &str) -> Result<VerifierKey, BindingError> {
    verification_key(assertion_method(doc, vm_id)?)
}

/// The verification method `vm_id` (absolute, or `#fragment` relative to the document's DID) as
/// defined by `doc`, provided it is listed under `assertionMethod` (by id, absolute or relative,
/// or embedded there) and its `controller` is the document's DID.
pub fn assertion_method<'d>(doc: &'d Value, vm_id: &str) -> Result<&'d Map<String, Value>, BindingError> {
    related_method(doc, vm_id, "assertionMethod")
}

/// [`assertion_method`] for any verification relationship (`authentication` for the holder of a
/// presentation).
pub fn related_method<'d>(
    doc: &'d Value,
    vm_id: &str,
    relationship: &'static str,
) -> Result<&'d Map<String, Value>, BindingError> {
    let doc = doc.as_object().ok_or_else(|| BindingError::MalformedDocument("not a JSON object".into()))?;
    let did =
        doc.get("id").and_then(Value::as_str).ok_or_else(|| BindingError::MalformedDocument("no string id".into()))?;
    let vm_id = absolute(did, vm_id);
    match vm_id.split_once('#') {
        Some((vm_did, fragment)) if !vm_did.is_empty() && !fragment.is_empty() => {
            if vm_did != did {
                return Err(BindingError::UnknownMethod(vm_id));
            }
        }
        _ => return Err(BindingError::MalformedMethodId(vm_id)),
    }
    let is_it = |id: Option<&str>| id.is_some_and(|id| absolute(did, id) == vm_id);
    let assertion = relationship_list(doc, relationship)?;
    let referenced = assertion.iter().any(|e| is_it(e.as_str()));
    let embedded = unique(
        assertion.iter().filter_map(Value::as_object).filter(|m| is_it(m.get("id").and_then(Value::as_str))),
        &vm_id,
    )?;
    let defined = unique(
        relationship_list(doc, "verificationMethod")?
            .iter()
            .filter_map(Value::as_object)
            .filter(|m| is_it(m.get("id").and_then(Value::as_str))),
        &vm_id,
    )?;
    let method = match (embedded, defined, referenced) {
        (Some(m), None, _) | (None, Some(m), true) => m,
        (Some(_), Some(_), _) => return Err(BindingError::MalformedDocument(format!("{vm_id} is defined twice"))),
        (None, None, true) => return Err(BindingError::UnknownMethod(vm_id)),
        (None, defined, false) => {
            let elsewhere =
                ["assertionMethod", "authentication", "keyAgreement", "capabilityInvocation", "capabilityDelegation"]
                    .iter()
                    .filter(|rel| **rel != relationship)
                    .any(|rel| {
                        doc.get(*rel)
                            .and_then(Value::as_array)
                            .is_some_and(|a| a.iter().any(|e| is_it(e.get("id").and_then(Value::as_str))))
                    });
            return Err(if defined.is_some() || elsewhere {
                BindingError::NotListed { method: vm_id, relationship }
            } else {
                BindingError::UnknownMethod(vm_id)
            });
        }
    };
    let controller = method.get("controller").and_then(Value::as_str).unwrap_or_default();
    if controller != did {
        return Err(BindingError::WrongController {
            method: vm_id,
            controller: controller.to_owned(),
            did: did.to_owned(),
        });
    }
    Ok(method)
}

/// The public key of a verification method: `publicKeyMultibase` (an Ed25519 or P-256 Multikey) or
/// `publicKeyJwk` (OKP Ed25519 or EC P-256), exactly one of them.
pub fn verification_key(method: &Map<String, Value>) -> Result<VerifierKey, BindingError> {
    let key_error = |e: FormatError| match e {
        FormatError::Unsupported(why) => BindingError::UnsupportedKey(why),
        other => BindingError::MalformedKey(other.to_string()),
    };
    match (method.get("publicKeyMultibase"), method.get("publicKeyJwk")) {
        (Some(_), Some(_)) => Err(BindingError::MalformedKey("both publicKeyMultibase and publicKeyJwk".into())),
        (Some(Value::String(mb)), None) => decode_multikey(mb).map_err(key_error),
        (Some(_), None) => Err(BindingError::MalformedKey("publicKeyMultibase is not a string".into())),
        (None, Some(jwk @ Value::Object(members))) => {
            if members.contains_key("d") {
                return Err(BindingError::MalformedKey("publicKeyJwk holds a private key".into()));
            }
            VerifierKey::from_jwk(jwk).map_err(key_error)
        }
        (None, Some(_)) => Err(BindingError::MalformedKey("publicKeyJwk is not a JSON object".into())),
        (None, None) => {
            let ty = method.get("type").and_then(Value::as_str).unwrap_or_default();
            Err(BindingError::UnsupportedKey(format!("a {ty:?} method without publicKeyMultibase or publicKeyJwk")))
        }
    }
}

/// `id` made absolute against `did` when it is a bare `#fragment`.
fn absolute(did: &str, id: &str) -> String {
    if id.starts_with('#') {
        format!("{did}{id}")
    } else {
        id.to_owned()
    }
}

/// The list under `name` (absent: empty).
fn relationship_list<'d>(doc: &'d Map<String, Value>, name: &str) -> Result<&'d [Value], BindingError> {
    match doc.get(name) {
        None => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(BindingError::MalformedDocument(format!("{name} is not a list"))),
    }
}

/// The only item of `it`, if any; two are ambiguous.
fn unique<'d>(
    mut it: impl Iterator<Item = &'d Map<String, Value>>,
    vm_id: &str,
) -> Result<Option<&'d Map<String, Value>>, BindingError> {
    let first = it.next();
    if it.next().is_some() {
        return Err(BindingError::MalformedDocument(format!("{vm_id} is defined twice")));
    }
    Ok(first)
}

#[cfg(test)]
mod tests {
    use ed25519_dalek::SigningKey;
    use medcred_formats::keys::{multibase_public, public_jwk};
    use serde_json::json;

    use super::*;

    const DID: &str = "did:web:board.example";

    fn key(n: u8) -> ed25519_dalek::VerifyingKey {
        SigningKey::from_bytes(&[n; 32]).verifying_key()
    }

    fn vm(id: &str, n: u8) -> Value {
        json!({"id": id, "type": "Multikey", "controller": DID, "publicKeyMultibase": multibase_public(&key(n))})
    }

    #[test]
    fn referenced_absolute_or_relative() {
        for (defined, listed) in
            [("#key-1", "#key-1"), ("did:web:board.example#key-1", "#key-1"), ("#key-1", "did:web:board.example#key-1")]
        {
            let doc = json!({"id": DID, "verificationMethod": [vm("#key-0", 0), vm(defined, 1)], "assertionMethod": [listed]});
            let k = assertion_key(&doc, "did:web:board.example#key-1").expect("bound");
            assert_eq!(k, VerifierKey::Ed25519(key(1)));
            assert_eq!(assertion_key(&doc, "#key-1").expect("relative"), k);
        }
    }

    #[test]
    fn embedded_under_assertion_method() {
        let doc = json!({"id": DID, "assertionMethod": [vm("#key-1", 1)]});
        assert_eq!(assertion_key(&doc, "did:web:board.example#key-1"), Ok(VerifierKey::Ed25519(key(1))));
    }

    #[test]
    fn refuses_methods_not_for_assertions() {
        let only_auth = json!({"id": DID, "verificationMethod": [vm("#key-1", 1)], "authentication": ["#key-1"]});
        assert!(matches!(
            assertion_key(&only_auth, "did:web:board.example#key-1"),
            Err(BindingError::NotListed { relationship: "assertionMethod", .. })
        ));
        let embedded_auth = json!({"id": DID, "authentication": [vm("#key-1", 1)], "assertionMethod": []});
        assert!(matches!(
            assertion_key(&embedded_auth, "did:web:board.example#key-1"),
            Err(BindingError::NotListed { relationship: "assertionMethod", .. })
        ));
        let dangling = json!({"id": DID, "assertionMethod": ["#key-1"]});
        assert!(matches!(assertion_key(&dangling, "did:web:board.example#key-1"), Err(BindingError::UnknownMethod(_))));
        let doc = json!({"id": DID, "verificationMethod": [vm("#key-1", 1)], "assertionMethod": ["#key-1"]});
        assert!(matches!(assertion_key(&doc, "did:web:board.example#key-2"), Err(BindingError::UnknownMethod(_))));
        assert!(matches!(assertion_key(&doc, "did:web:other.example#key-1"), Err(BindingError::UnknownMethod(_))));
        assert!(matches!(assertion_key(&doc, "did:web:board.example"), Err(BindingError::MalformedMethodId(_))));
    }

    #[test]
    fn controller_must_be_the_did() {
        let mut m = vm("#key-1", 1);
        m["controller"] = json!("did:web:attacker.example");
        let doc = json!({"id": DID, "verificationMethod": [m], "assertionMethod": ["#key-1"]});
        assert!(matches!(assertion_key(&doc, "#key-1"), Err(BindingError::WrongController { .. })));
        let mut m = vm("#key-1", 1);
        m.as_object_mut().expect("object").remove("controller");
        let doc = json!({"id": DID, "verificationMethod": [m], "assertionMethod": ["#key-1"]});
        assert!(matches!(assertion_key(&doc, "#key-1"), Err(BindingError::WrongController { .. })));
    }

    #[test]
    fn malformed_documents() {
        for doc in [
            json!([]),
            json!({"verificationMethod": []}),
            json!({"id": DID, "assertionMethod": "#key-1"}),
            json!({"id": DID, "verificationMethod": [vm("#key-1", 1), vm("#key-1", 2)], "assertionMethod": ["#key-1"]}),
        ] {
            assert!(matches!(assertion_key(&doc, "#key-1"), Err(BindingError::MalformedDocument(_))), "{doc}");
        }
    }

    #[test]
    fn keys_from_multibase_or_jwk() {
        let jwk_vm = json!({"id": "#k", "controller": DID, "publicKeyJwk": public_jwk(&key(2))});
        assert_eq!(verification_key(jwk_vm.as_object().expect("o")), Ok(VerifierKey::Ed25519(key(2))));
        let p256 = p256::ecdsa::SigningKey::from_slice(&[7u8; 32]).expect("p256");
        let ec = VerifierKey::P256(*p256.verifying_key());
        let ec_vm = json!({"id": "#k", "controller": DID, "publicKeyJwk": ec.to_jwk()});
        assert_eq!(verification_key(ec_vm.as_object().expect("o")), Ok(ec));

        let mut both = vm("#k", 1);
        both["publicKeyJwk"] = public_jwk(&key(1));
        assert!(matches!(verification_key(both.as_object().expect("o")), Err(BindingError::MalformedKey(_))));
        let mut private = jwk_vm.clone();
        private["publicKeyJwk"]["d"] = json!("AAAA");
        assert!(matches!(verification_key(private.as_object().expect("o")), Err(BindingError::MalformedKey(_))));
        let b58 = json!({"type": "Ed25519VerificationKey2018", "publicKeyBase58": "abc"});
        assert!(matches!(verification_key(b58.as_object().expect("o")), Err(BindingError::UnsupportedKey(_))));
        let x25519 = json!({"publicKeyMultibase": "z6LSbysY2xFMRpGMhb7tFTLMpeuPRaqaWM1yECx2AtzE3KCc"});
        assert!(matches!(verification_key(x25519.as_object().expect("o")), Err(BindingError::UnsupportedKey(_))));
        let rsa = json!({"publicKeyJwk": {"kty": "RSA", "n": "x", "e": "AQAB"}});
        assert!(matches!(verification_key(rsa.as_object().expect("o")), Err(BindingError::UnsupportedKey(_))));
    }
}
