//! Over real HTTP, on both databases: a board offers a license over OpenID4VCI in each format,
//! the wallet crate receives it — offer by reference and by value, metadata, token with the PIN,
//! nonce, key proof — stores it bound to its did:jwk, and the deployment's own VC-API verifier
//! then verifies what the wallet holds. A wrong PIN is refused with the issuer's error code, and a
//! revoked license is neither offered nor delivered.

use medcred_tests::seed::rn_license;
use medcred_tests::{start, Backend, Server};
use medcred_wallet::{Client, Wallet, WalletError};
use serde_json::{json, Value};

async fn post(http: &reqwest::Client, url: String, token: Option<&str>, body: &Value) -> (u16, Value) {
    let mut req = http.post(url).json(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let resp = req.send().await.expect("request");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("JSON body"))
}

/// Issue the source license (Data Integrity, no holder) and return its id.
async fn source_credential(http: &reqwest::Client, server: &Server) -> String {
    let (status, issued) = post(
        http,
        format!("{}/credentials/issue", server.url),
        Some(&server.admin_token),
        &json!({"credential": rn_license(), "options": {"format": "eddsa-jcs-2022"}}),
    )
    .await;
    assert_eq!(status, 201, "{issued}");
    issued["verifiableCredential"]["id"].as_str().expect("id").to_owned()
}

async fn make_offer(http: &reqwest::Client, server: &Server, id: &str, format: &str) -> Value {
    let (status, offer) = post(
        http,
        format!("{}/boards/e2e/credentials/{id}/offer", server.url),
        Some(&server.admin_token),
        &json!({"format": format}),
    )
    .await;
    assert_eq!(status, 201, "{offer}");
    offer
}

/// The VC-API form of what the wallet holds: the object, or an enveloped compact credential.
fn vc_api_form(format: &str, credential: &Value) -> Value {
    match (format, credential) {
        ("ldp_vc", v) => v.clone(),
        (f, Value::String(s)) => {
            let media = if f == "dc+sd-jwt" { "application/dc+sd-jwt" } else { "application/vc+jwt" };
            json!({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": "EnvelopedVerifiableCredential", "id": format!("data:{media},{s}")})
        }
        (f, other) => unreachable!("{f}: unexpected credential {other}"),
    }
}

fn by_value_url(offer: &Value) -> String {
    let text = offer["credential_offer"].to_string();
    let encoded: String = text
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("openid-credential-offer://?credential_offer={encoded}")
}

async fn a_wallet_receives_every_format_and_it_verifies(backend: Backend) {
    let server = start(backend).await.expect("server");
    let http = reqwest::Client::new();
    let source = source_credential(&http, &server).await;
    let dir = tempfile::tempdir().expect("tmp");
    let mut wallet = Wallet::init(dir.path()).expect("wallet");
    let client = Client::new().expect("client");

    for (n, format) in ["dc+sd-jwt", "ldp_vc", "jwt_vc_json"].into_iter().enumerate() {
        let offer = make_offer(&http, &server, &source, format).await;
        // By reference (the QR code's URL) for two formats, by value for the third.
        let url = if n == 1 {
            by_value_url(&offer)
        } else {
            offer["openid_credential_offer_url"].as_str().expect("url").to_owned()
        };
        let resolved = client.resolve_offer(&url).await.expect("offer resolves");
        assert_eq!(resolved.credential_issuer, server.url);
        let tx = offer["tx_code"].as_str().expect("tx_code");
        let received = client.receive(&mut wallet, &resolved, Some(tx)).await.expect("received");
        assert_eq!(received.len(), 1, "{format}");
        let stored = &received[0];
        assert_eq!(stored.format, format);
        assert_eq!(stored.issuer, server.board_did);
        assert_eq!(stored.credential_issuer, server.url);
        let expected_type =
            if format == "dc+sd-jwt" { "https://medcred.org/vct/MedicalLicense" } else { "MedicalLicenseCredential" };
        assert_eq!(stored.types.last().map(String::as_str), Some(expected_type));

        // The deployment's own verifier verifies what the wallet holds.
        let (status, result) = post(
            &http,
            format!("{}/credentials/verify", server.url),
            None,
            &json!({"verifiableCredential": vc_api_form(format, &stored.credential)}),
        )
        .await;
        assert_eq!(status, 200, "{format}: {result:#}");
        assert_eq!(result["verified"], true, "{format}");
    }

    // The wallet kept all three, bound to its key, across a reopen.
    let reopened = Wallet::open(dir.path()).expect("reopen");
    assert_eq!(reopened.credentials().len(), 3);
    let jwt_vc = reopened.credentials()[2].credential.as_str().expect("compact");
    let payload = medcred_formats::jwt::decode(jwt_vc).expect("jws").claims().expect("claims");
    assert_eq!(payload["credentialSubject"]["id"], reopened.key().did());

    // A wrong PIN: the issuer's invalid_grant comes back as such, and nothing is stored.
    let offer = make_offer(&http, &server, &source, "dc+sd-jwt").await;
    let resolved =
        client.resolve_offer(offer["openid_credential_offer_url"].as_str().expect("url")).await.expect("offer");
    let tx = offer["tx_code"].as_str().expect("tx");
    let wrong = if tx == "111111" { "222222" } else { "111111" };
    let err = client.receive(&mut wallet, &resolved, Some(wrong)).await.expect_err("wrong PIN");
    assert!(matches!(&err, WalletError::Refused { status: 400, error, .. } if error == "invalid_grant"), "{err}");
    assert!(matches!(client.receive(&mut wallet, &resolved, None).await, Err(WalletError::TxCodeRequired)));
    assert_eq!(Wallet::open(dir.path()).expect("reopen").credentials().len(), 3);
    // The offer, once redeemed, is gone by reference too.
    client.receive(&mut wallet, &resolved, Some(tx)).await.expect("the right PIN still works");
    let gone = client.resolve_offer(offer["openid_credential_offer_url"].as_str().expect("url")).await;
    assert!(gone.is_err(), "a redeemed offer cannot be fetched again");

    // Once the board revokes the license, it is not offered again, and an offer made before the
    // revocation delivers nothing.
    let pending = make_offer(&http, &server, &source, "ldp_vc").await;
    let (status, body) = post(
        &http,
        format!("{}/boards/e2e/credentials/{source}/status", server.url),
        Some(&server.admin_token),
        &json!({"action": "revoke", "reason": "e2e"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = post(
        &http,
        format!("{}/boards/e2e/credentials/{source}/offer", server.url),
        Some(&server.admin_token),
        &json!({}),
    )
    .await;
    assert_eq!((status, body["code"].as_str()), (409, Some("credential_revoked")), "{body}");
    let resolved =
        client.resolve_offer(pending["openid_credential_offer_url"].as_str().expect("url")).await.expect("offer");
    let err = client.receive(&mut wallet, &resolved, pending["tx_code"].as_str()).await.expect_err("revoked");
    assert!(matches!(&err, WalletError::Refused { error, .. } if error == "credential_request_denied"), "{err}");
}

#[tokio::test]
async fn sqlite_wallet_receives_every_format() {
    a_wallet_receives_every_format_and_it_verifies(Backend::Sqlite).await;
}

#[tokio::test]
async fn postgres_wallet_receives_every_format() {
    a_wallet_receives_every_format_and_it_verifies(Backend::Postgres).await;
}
