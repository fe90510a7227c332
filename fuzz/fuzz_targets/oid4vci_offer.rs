//! OpenID4VCI 1.0 credential offers and issuer metadata as the wallet reads them: the first line
//! is the offer link (`openid-credential-offer://?credential_offer=…` or `…_uri=…`), the rest an
//! offer object or the issuer's metadata. An accepted offer names an https (or loopback) issuer,
//! at least one configuration and a pre-authorized code; an offer by reference points to such a
//! URL; an accepted metadata document is the identifier's own.
#![no_main]

use libfuzzer_sys::fuzz_target;
use medcred_fuzz::first_line;
use medcred_wallet::metadata::{check_url, IssuerMetadata};
use medcred_wallet::offer::{parse_offer_url, CredentialOffer, OfferRef};
use serde_json::Value;

fn check_offer(offer: &CredentialOffer) {
    assert!(check_url(&offer.credential_issuer).is_ok());
    assert!(!offer.credential_configuration_ids.is_empty());
    let grant = offer.pre_authorized().expect("an accepted offer has a pre-authorized code");
    assert!(!grant.code.is_empty());
}

fuzz_target!(|data: &[u8]| {
    let (link, rest) = first_line(data);
    match parse_offer_url(&String::from_utf8_lossy(link)) {
        Ok(OfferRef::Value(offer)) => check_offer(&offer),
        Ok(OfferRef::Uri(uri)) => assert!(check_url(&uri).is_ok()),
        Err(_) => {}
    }
    let Ok(v) = serde_json::from_slice::<Value>(rest) else { return };
    if let Ok(offer) = CredentialOffer::from_json(v.clone()) {
        check_offer(&offer);
    }
    let identifier = v.get("credential_issuer").and_then(Value::as_str).unwrap_or("https://issuer.example").to_owned();
    if let Ok(metadata) = IssuerMetadata::from_json(v, &identifier) {
        assert_eq!(metadata.credential_issuer, identifier);
        assert!(check_url(&metadata.credential_endpoint).is_ok());
        assert!(metadata.authorization_server(None).is_ok());
    }
});
