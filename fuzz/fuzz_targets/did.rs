//! DIDs, DID URLs and DID documents, as the verifier and the wallet read them from credentials,
//! request objects and did:web servers. The first line is a DID or DID URL, the rest a DID
//! document. A parsed DID writes back unchanged; a did:key or did:jwk document derived from it
//! names it and binds its own key; a did:web maps to an https `did.json` URL (http only on this
//! machine) without `..`; a document the resolver takes is the one it serves back; a key the
//! binding rule picks is a method of that document, listed under `assertionMethod` and
//! controlled by its DID.
#![no_main]

use libfuzzer_sys::fuzz_target;
use medcred_fuzz::first_line;
use medcred_model::Did;
use medcred_verifier::resolve::assertion_method;
use medcred_verifier::{assertion_key, DidResolver, OfflineResolver};
use medcred_wallet::present::did_web::{document_url, method_key};
use serde_json::Value;

fn check_did(s: &str) {
    let Ok(did) = s.parse::<Did>() else { return };
    assert_eq!(did.to_string(), s);
    assert!(!did.method().is_empty() && did.method().bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()));
    if let Ok(doc) = OfflineResolver::new().resolve(s) {
        assert_eq!(doc["id"], s, "a derived document for another DID");
        if let Some(first) = doc["assertionMethod"].get(0).and_then(Value::as_str) {
            assert!(assertion_key(&doc, first).is_ok(), "a derived document that does not bind its own key");
        }
    }
    if let Ok(url) = document_url(s) {
        assert!(
            url.starts_with("https://") || url.starts_with("http://localhost") || url.starts_with("http://127.0.0.1")
        );
        assert!(url.ends_with("/did.json") && !url.contains("/../"), "{url}");
        let host = url.split_once("://").and_then(|(_, r)| r.split(['/', ':']).next()).unwrap_or_default();
        assert!(host.split('.').all(|l| !l.is_empty()), "a document URL with an empty host label: {url}");
    }
}

fuzz_target!(|data: &[u8]| {
    let (url, document) = first_line(data);
    let url = String::from_utf8_lossy(url);
    check_did(&url);
    check_did(url.split('#').next().unwrap_or_default());
    let Ok(doc) = serde_json::from_slice::<Value>(document) else { return };
    let mut resolver = OfflineResolver::new();
    if resolver.insert(doc.clone()).is_ok() {
        let id = doc["id"].as_str().expect("inserted under its id");
        assert_eq!(resolver.resolve(id).as_ref(), Ok(&doc), "the resolver serves another document");
    }
    if assertion_key(&doc, &url).is_ok() {
        let method = assertion_method(&doc, &url).expect("the same binding");
        assert_eq!(method.get("controller"), doc.get("id"), "a key not controlled by the document's DID");
    }
    if let Some(id) = doc["id"].as_str() {
        let _ = method_key(&doc, id, &url);
    }
});
