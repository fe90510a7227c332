//! What a test puts on its server before the checks: credentials the board issues and offers to a
//! holder's wallet, a hospital, and people who sign in.

use anyhow::{bail, Context};
use medcred_app::auth::{Accounts, NewUser};
use medcred_store::UserRole;
use serde_json::{json, Value};

use crate::Server;

/// An offer of a credential to a holder's wallet (OpenID4VCI, pre-authorized code with a PIN).
#[derive(Debug, Clone)]
pub struct Offer {
    /// The `openid-credential-offer://` link.
    pub url: String,
    /// The PIN (`tx_code`) the holder types.
    pub pin: String,
}

/// A person who signs in to the web app.
#[derive(Debug, Clone)]
pub struct Account {
    /// The sign-in e-mail address.
    pub email: String,
    /// The generated password.
    pub password: String,
}

/// An RN license for Grace Hopper in US-NJ, to be issued.
pub fn rn_license() -> Value {
    json!({
        "type": ["VerifiableCredential", "MedicalLicenseCredential"],
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": {
            "practitionerName": "Grace Hopper", "licenseType": "RN", "licenseNumber": "RN-4242",
            "jurisdiction": "US-NJ", "originalIssueDate": "2012-09-01"
        }
    })
}

/// Ada Lovelace's patient identity (medical record number MRN-000042), to be issued.
pub fn patient_identity() -> Value {
    json!({
        "type": ["VerifiableCredential", "PatientIdentityCredential"],
        "validUntil": "2030-01-01T00:00:00Z",
        "credentialSubject": {"givenName": "Ada", "familyName": "Lovelace", "birthDate": "1990-12-10",
            "patientIdentifier": "MRN-000042"}
    })
}

impl Server {
    /// The board issues `credential` as `eddsa-jcs-2022`; the issued credential (its `id` names it).
    pub async fn issue(&self, credential: Value) -> anyhow::Result<Value> {
        let resp = reqwest::Client::new()
            .post(format!("{}/credentials/issue", self.url))
            .bearer_auth(&self.admin_token)
            .json(&json!({"credential": credential, "options": {"format": "eddsa-jcs-2022"}}))
            .send()
            .await
            .context("issue request")?;
        let status = resp.status();
        let body = resp.text().await.context("issue answer")?;
        if status != reqwest::StatusCode::CREATED {
            bail!("issuing answered {status}: {body}");
        }
        let body: Value = serde_json::from_str(&body).context("issue answer")?;
        let issued = &body["verifiableCredential"];
        if !issued["id"].is_string() {
            bail!("issued no credential with an id: {body}");
        }
        Ok(issued.clone())
    }

    /// The board offers its credential `id` to a holder's wallet in `format` (`dc+sd-jwt`,
    /// `jwt_vc_json`, …).
    pub async fn offer(&self, id: &str, format: &str) -> anyhow::Result<Offer> {
        let resp = reqwest::Client::new()
            .post(format!("{}/boards/e2e/credentials/{id}/offer", self.url))
            .bearer_auth(&self.admin_token)
            .json(&json!({"format": format}))
            .send()
            .await
            .context("offer request")?;
        let status = resp.status();
        let body = resp.text().await.context("offer answer")?;
        if status != reqwest::StatusCode::CREATED {
            bail!("offering {format} answered {status}: {body}");
        }
        let body: Value = serde_json::from_str(&body).context("offer answer")?;
        let (Some(url), Some(pin)) = (body["openid_credential_offer_url"].as_str(), body["tx_code"].as_str()) else {
            bail!("an offer without a link or PIN: {body}");
        };
        Ok(Offer { url: url.to_owned(), pin: pin.to_owned() })
    }

    /// A hospital `slug` named `name`.
    pub async fn add_hospital(&self, slug: &str, name: &str) -> anyhow::Result<()> {
        medcred_hospital::create_hospital(&self.issuer, slug, name).await?;
        Ok(())
    }

    /// St Mary's Hospital (`st-mary`) and its verifier at the desk, Hal Desk
    /// (`verifier@st-mary.example`).
    pub async fn st_marys_desk(&self) -> anyhow::Result<Account> {
        self.add_hospital("st-mary", "St Mary's Hospital").await?;
        self.add_user("st-mary", "verifier@st-mary.example", Some("Hal Desk"), UserRole::HospitalVerifier).await
    }

    /// A person at the board or hospital `org_slug` (which of the two: `role`'s), with a generated
    /// password.
    pub async fn add_user(
        &self,
        org_slug: &str,
        email: &str,
        name: Option<&str>,
        role: UserRole,
    ) -> anyhow::Result<Account> {
        let new = NewUser {
            org_kind: role.org_kind(),
            org_slug: org_slug.into(),
            email: email.into(),
            name: name.map(Into::into),
            role,
            password: None,
        };
        let (_, password) = Accounts::new(self.issuer.clone()).add_user(new).await?;
        let password = password.context("a generated password")?;
        Ok(Account { email: email.to_owned(), password: password.to_string() })
    }
}
