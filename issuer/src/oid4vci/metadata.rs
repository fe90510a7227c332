//! `GET /.well-known/openid-credential-issuer` (OpenID4VCI 1.0 §12.2, Credential Issuer Metadata)
//! and `GET /.well-known/oauth-authorization-server` (RFC 8414 with OpenID4VCI §12.3).
//!
//! One Credential Issuer per deployment: its identifier is the public URL, it is its own
//! Authorization Server (no `authorization_servers`), and every board's credentials are offered
//! through it. Which board signs is decided by the offer: the issued credential's `issuer` / `iss`
//! is that board's DID, and a wallet learns the board from the credential, not from this document.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use medcred_formats::Format;
use serde_json::{json, Map, Value};

use super::config::{claims_of, display_of, oid4vci_format, w3c_context, Configuration, CONFIGURATIONS};
use super::proof::PROOF_ALGS;
use super::{CREDENTIAL_PATH, NONCE_PATH, PRE_AUTHORIZED_GRANT, TOKEN_PATH};
use crate::service::Issuer;

/// The JSON of one credential configuration.
fn configuration_json(c: &Configuration) -> Value {
    let mut o = Map::new();
    o.insert("format".into(), json!(oid4vci_format(c.format)));
    o.insert("scope".into(), json!(c.id));
    let (binding, signing) = match c.format {
        Format::SdJwtVc => {
            o.insert("vct".into(), json!(c.kind.vct()));
            (json!(["jwk"]), json!(["EdDSA"]))
        }
        Format::EddsaRdfc2022 => {
            o.insert(
                "credential_definition".into(),
                json!({"@context": w3c_context(), "type": ["VerifiableCredential", c.kind.type_name()]}),
            );
            (json!(["did:key", "did:jwk"]), json!(["eddsa-rdfc-2022"]))
        }
        Format::VcJwt | Format::EddsaJcs2022 => {
            o.insert("credential_definition".into(), json!({"type": ["VerifiableCredential", c.kind.type_name()]}));
            (json!(["did:key", "did:jwk"]), json!(["EdDSA"]))
        }
    };
    o.insert("cryptographic_binding_methods_supported".into(), binding);
    o.insert("credential_signing_alg_values_supported".into(), signing);
    o.insert("proof_types_supported".into(), json!({"jwt": {"proof_signing_alg_values_supported": PROOF_ALGS}}));
    let claims: Vec<Value> = claims_of(c.kind)
        .iter()
        .map(|claim| {
            let path: Vec<&str> =
                if c.format == Format::SdJwtVc { claim.sd_jwt.to_vec() } else { vec!["credentialSubject", claim.w3c] };
            json!({"path": path, "mandatory": claim.mandatory, "display": [{"name": claim.label, "locale": "en-US"}]})
        })
        .collect();
    let (name, description) = display_of(c.kind);
    o.insert(
        "credential_metadata".into(),
        json!({"display": [{"name": name, "locale": "en-US", "description": description}], "claims": claims}),
    );
    Value::Object(o)
}

/// The Credential Issuer Metadata of the deployment at `public_url`.
pub fn credential_issuer_metadata(public_url: &str) -> Value {
    let configurations: Map<String, Value> =
        CONFIGURATIONS.iter().map(|c| (c.id.to_owned(), configuration_json(c))).collect();
    json!({
        "credential_issuer": public_url,
        "credential_endpoint": format!("{public_url}{CREDENTIAL_PATH}"),
        "nonce_endpoint": format!("{public_url}{NONCE_PATH}"),
        "display": [{"name": "medcred licensing boards", "locale": "en-US"}],
        "credential_configurations_supported": configurations,
    })
}

/// The OAuth 2.0 Authorization Server Metadata (RFC 8414 §2) of the deployment at `public_url`:
/// only the pre-authorized code grant, anonymous (no client authentication).
pub fn authorization_server_metadata(public_url: &str) -> Value {
    json!({
        "issuer": public_url,
        "token_endpoint": format!("{public_url}{TOKEN_PATH}"),
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "token_endpoint_auth_methods_supported": ["none"],
        "pre-authorized_grant_anonymous_access_supported": true,
    })
}

/// `GET /.well-known/openid-credential-issuer`.
pub(crate) async fn credential_issuer(State(issuer): State<Issuer>) -> impl IntoResponse {
    ([(header::CACHE_CONTROL, "max-age=300")], Json(credential_issuer_metadata(issuer.public_url())))
}

/// `GET /.well-known/oauth-authorization-server`.
pub(crate) async fn authorization_server(State(issuer): State<Issuer>) -> impl IntoResponse {
    ([(header::CACHE_CONTROL, "max-age=300")], Json(authorization_server_metadata(issuer.public_url())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_configuration_says_how_to_bind_and_prove() {
        let m = credential_issuer_metadata("https://issuer.example");
        assert_eq!(m["credential_endpoint"], "https://issuer.example/oid4vci/credential");
        let sd = &m["credential_configurations_supported"]["PatientIdentityCredential_dc+sd-jwt"];
        assert_eq!(sd["vct"], "https://medcred.org/vct/PatientIdentity");
        assert_eq!(sd["cryptographic_binding_methods_supported"], json!(["jwk"]));
        assert_eq!(sd["credential_metadata"]["claims"][5]["path"], json!(["age_equal_or_over", "18"]));
        let ldp = &m["credential_configurations_supported"]["MedicalLicenseCredential_ldp_vc"];
        assert_eq!(ldp["credential_definition"]["type"][1], "MedicalLicenseCredential");
        assert_eq!(ldp["credential_metadata"]["claims"][0]["path"], json!(["credentialSubject", "practitionerName"]));
        for (_, c) in m["credential_configurations_supported"].as_object().expect("object") {
            assert_eq!(
                c["proof_types_supported"]["jwt"]["proof_signing_alg_values_supported"],
                json!(["EdDSA", "ES256"])
            );
        }
    }
}
