//! The demo's people: a board administrator for the demo board, and a verifier and an
//! administrator for the demo hospital. Each demo start gives them fresh passwords, printed once
//! beside the URL.

use medcred_app::auth::{Accounts, AuthError, NewUser};
use medcred_issuer::Issuer;
use medcred_store::{OrgKind, UserRole};
use zeroize::Zeroizing;

use super::demo::{DEMO_BOARD, DEMO_HOSPITAL};

/// (email, role, name, organisation kind, organisation slug).
const PEOPLE: [(&str, UserRole, &str, OrgKind, &str); 3] = [
    ("admin@nj-bon.demo", UserRole::BoardAdmin, "Bea Board (demo)", OrgKind::Board, DEMO_BOARD),
    ("verifier@st-mary.demo", UserRole::HospitalVerifier, "Hal Desk (demo)", OrgKind::Hospital, DEMO_HOSPITAL),
    ("admin@st-mary.demo", UserRole::HospitalAdmin, "Hana HR (demo)", OrgKind::Hospital, DEMO_HOSPITAL),
];

/// Make sure the demo people exist and give each a new password: (email, role, password).
pub(crate) async fn seed(issuer: &Issuer) -> anyhow::Result<Vec<(&'static str, UserRole, Zeroizing<String>)>> {
    let accounts = Accounts::new(issuer.clone());
    let mut out = Vec::new();
    for (email, role, name, org_kind, org_slug) in PEOPLE {
        let new = NewUser {
            org_kind,
            org_slug: org_slug.into(),
            email: email.into(),
            name: Some(name.into()),
            role,
            password: None,
        };
        let password = match accounts.add_user(new).await {
            Ok((_, Some(p))) => p,
            Ok((_, None)) => anyhow::bail!("no password was generated for {email}"),
            Err(AuthError::EmailTaken) => accounts
                .reset_password(email, None)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no password was generated for {email}"))?,
            Err(e) => return Err(e.into()),
        };
        out.push((email, role, password));
    }
    Ok(out)
}
