//! Where status lists come from: the [`StatusSource`] trait the engine defines, and what a source
//! hands back for one list URL ([`FetchedStatusList`]).

use serde_json::Value;

/// A status list document as fetched (or cached) by the caller before verifying, with the ledger
/// proof that came with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchedStatusList {
    /// The list document, verbatim: a W3C `BitstringStatusListCredential` (JSON, Data Integrity
    /// or `vc+jwt` secured) for a `credentialStatus` entry, or an IETF Token Status List in JWT
    /// form (`typ: statuslist+jwt`, compact) for an SD-JWT VC `status` claim.
    pub document: String,
    /// The C2SP tlog-proof (`c2sp.org/tlog-proof@v1`) text of the issuer's ledger snapshot leaf
    /// that records this list, if the caller has one.
    ///
    /// The medcred server publishes it for `{public}/boards/{slug}/status/{list}/{purpose}` in the
    /// JSON at `{url}/bundle` (member `tlogProof`). A Token Status List
    /// (`{public}/boards/{slug}/status/{list}/token`) has no bundle of its own: one snapshot leaf
    /// records both purposes of a list, so the `tlogProof` of either `…/{list}/revocation/bundle`
    /// or `…/{list}/suspension/bundle` proves the token list too.
    ///
    /// Keep the document and its proof together (take both from one bundle): a proof of
    /// another version of the list does not record these bits, which the check reports as the
    /// server contradicting its own ledger.
    pub tlog_proof: Option<String>,
}

impl FetchedStatusList {
    /// A list document without a ledger proof.
    pub fn new(document: impl Into<String>) -> Self {
        Self { document: document.into(), tlog_proof: None }
    }

    /// The same list with its ledger proof.
    pub fn with_tlog_proof(self, proof: impl Into<String>) -> Self {
        Self { tlog_proof: Some(proof.into()), ..self }
    }

    /// Read the medcred server's bundle JSON, `{"statusListCredential": <credential>, "tlogProof":
    /// "<text>"}` (the credential as a JSON object or as a string; `tlogProof` may be absent).
    pub fn from_bundle_json(bundle: &Value) -> Result<Self, StatusSourceError> {
        let malformed = |why: &str| StatusSourceError::Malformed(format!("status list bundle: {why}"));
        let document = match bundle.get("statusListCredential") {
            Some(Value::String(s)) => s.clone(),
            Some(v @ Value::Object(_)) => v.to_string(),
            Some(_) => return Err(malformed("statusListCredential is neither an object nor a string")),
            None => return Err(malformed("no statusListCredential")),
        };
        let tlog_proof = match bundle.get("tlogProof") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => return Err(malformed("tlogProof is not a string")),
        };
        Ok(Self { document, tlog_proof })
    }
}

/// Gives the status list published at a URL, from what the caller fetched or cached beforehand.
///
/// Synchronous on purpose, like [`crate::DidResolver`]: the engine does no I/O of its own. Every
/// error means "could not check" for the credentials pointing at that list, never "invalid".
pub trait StatusSource: Send + Sync {
    /// The list published at `url` (a `statusListCredential` or `status_list.uri`, verbatim).
    fn fetch(&self, url: &str) -> Result<FetchedStatusList, StatusSourceError>;
}

/// Why a status list could not be given. None of these says the credential is bad.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatusSourceError {
    /// The source has no list for this URL (e.g. HTTP 404, or nothing cached offline).
    #[error("no status list is available for this URL")]
    NotFound,
    /// The list cannot be obtained right now (network needed, server down...).
    #[error("status list unavailable: {0}")]
    Unavailable(String),
    /// What was fetched cannot be read as a list (or a bundle).
    #[error("{0}")]
    Malformed(String),
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_the_server_bundle() {
        let vc = json!({"id": "https://b.example/s/1/revocation", "type": ["VerifiableCredential"]});
        let b = FetchedStatusList::from_bundle_json(&json!({"statusListCredential": vc, "tlogProof": "p"}))
            .expect("bundle");
        assert_eq!(b, FetchedStatusList::new(vc.to_string()).with_tlog_proof("p"));
        let without = FetchedStatusList::from_bundle_json(&json!({"statusListCredential": "x"})).expect("bundle");
        assert_eq!(without.tlog_proof, None);
        for bad in [json!({}), json!({"statusListCredential": 1}), json!({"statusListCredential": "x", "tlogProof": 2})]
        {
            assert!(matches!(FetchedStatusList::from_bundle_json(&bad), Err(StatusSourceError::Malformed(_))), "{bad}");
        }
    }
}
