//! medcred wallet core: the holder's side of OpenID for Verifiable Credential Issuance 1.0.
//!
//! A wallet is a directory: `holder.jwk` (the Ed25519 holder key, a private JWK, mode 0600) and
//! `wallet.json` (the holder's did:jwk and the credentials received, each with its format, issuer,
//! types and time of receipt). Receiving a credential from an offer
//! (`openid-credential-offer://?credential_offer=…` or `…?credential_offer_uri=…`) runs the
//! pre-authorized code flow: fetch the issuer's metadata, exchange the code and the transaction
//! code (PIN) for an access token, get a `c_nonce`, sign a key proof, request the credential, check
//! it is bound to the holder key, store it.
//!
//! The protocol — parsing offers and metadata, building requests, the proof JWT, reading what was
//! received — is pure ([`offer`], [`metadata`], [`protocol`], [`received`]); HTTP is only in
//! [`client`], which runs natively (reqwest, rustls) and in the browser (reqwest over `fetch`).

pub mod client;
pub mod error;
pub mod holder;
pub mod key;
pub mod metadata;
pub mod offer;
pub mod present;
pub mod protocol;
pub mod received;
pub mod status;
pub mod store;

pub use client::Client;
pub use error::WalletError;
pub use holder::Holder;
pub use key::HolderKey;
pub use offer::{CredentialOffer, OfferRef, TxCode};
pub use received::StoredCredential;
pub use status::{CredentialState, KnownStatus};
pub use store::Wallet;
