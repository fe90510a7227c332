//! A resolver that needs no network: did:key and did:jwk documents are derived from the DID, and
//! did:web (or other) documents are served from what it was given.

use std::collections::BTreeMap;

use medcred_model::Did;
use serde_json::Value;

use super::derive::{did_jwk_document, did_key_document};
use super::{DidResolver, ResolveError};

/// Derives did:key and did:jwk documents and serves the DID documents it was given; anything else
/// is [`ResolveError::Unavailable`] (did:web) or [`ResolveError::MethodNotSupported`].
#[derive(Debug, Clone, Default)]
pub struct OfflineResolver {
    documents: BTreeMap<String, Value>,
}

impl OfflineResolver {
    /// A resolver that knows only the derivable methods.
    pub fn new() -> Self {
        Self::default()
    }

    /// Also serve `document` for the DID in its `id`. A document that cannot be served is
    /// dropped: one without an `id` that is a DID, or one for did:key or did:jwk (whose documents
    /// are always derived from the DID, never taken from outside). Use [`Self::insert`] to learn
    /// about that.
    pub fn with_document(mut self, document: Value) -> Self {
        // Dropping is documented above; `insert` reports it.
        let _ = self.insert(document);
        self
    }

    /// Also serve `document` for the DID in its `id`, replacing an earlier one for the same DID.
    /// Fails with [`ResolveError::InvalidDid`] for a document [`Self::with_document`] would drop.
    pub fn insert(&mut self, document: Value) -> Result<(), ResolveError> {
        let id = document.get("id").and_then(Value::as_str).ok_or(ResolveError::InvalidDid)?;
        let did: Did = id.parse().map_err(|_| ResolveError::InvalidDid)?;
        if derived(&did) {
            return Err(ResolveError::InvalidDid);
        }
        self.documents.insert(did.as_str().to_owned(), document);
        Ok(())
    }
}

fn derived(did: &Did) -> bool {
    matches!(did.method(), "key" | "jwk")
}

impl DidResolver for OfflineResolver {
    fn resolve(&self, did: &str) -> Result<Value, ResolveError> {
        let did: Did = did.parse().map_err(|_| ResolveError::InvalidDid)?;
        match did.method() {
            "key" => did_key_document(did.as_str()),
            "jwk" => did_jwk_document(did.as_str()),
            _ => match self.documents.get(did.as_str()) {
                Some(doc) => Ok(doc.clone()),
                None if did.method() == "web" => {
                    Err(ResolveError::Unavailable("did:web needs network; give its DID document".into()))
                }
                None => Err(ResolveError::MethodNotSupported),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn serves_given_documents_and_refuses_the_rest() {
        let doc = json!({"id": "did:web:board.example", "verificationMethod": []});
        let r = OfflineResolver::new().with_document(doc.clone());
        assert_eq!(r.resolve("did:web:board.example"), Ok(doc));
        assert!(matches!(r.resolve("did:web:other.example"), Err(ResolveError::Unavailable(_))));
        assert_eq!(r.resolve("did:ion:abc"), Err(ResolveError::MethodNotSupported));
        for bad in ["", "did:web:board.example#key-1", "https://board.example", "did:web:"] {
            assert_eq!(r.resolve(bad), Err(ResolveError::InvalidDid), "{bad}");
        }
        assert!(r.resolve("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK").is_ok());
    }

    #[test]
    fn given_documents_need_an_id_and_cannot_override_derived_methods() {
        let mut r = OfflineResolver::new();
        assert_eq!(r.insert(json!({"verificationMethod": []})), Err(ResolveError::InvalidDid));
        assert_eq!(r.insert(json!({"id": "not a did"})), Err(ResolveError::InvalidDid));
        let key = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
        let fake = json!({"id": key, "verificationMethod": []});
        assert_eq!(r.insert(fake.clone()), Err(ResolveError::InvalidDid));
        let r = r.with_document(fake);
        assert_ne!(r.resolve(key).expect("derived")["verificationMethod"], json!([]));
    }
}
