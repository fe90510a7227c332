//! Accounts and sign-in for the web app (server side only, `ssr`): argon2id password hashes,
//! sign-in that answers the same way — in words and in time — whether or not an email exists,
//! lockout after repeated failures, sessions kept only as hashes with idle and absolute
//! timeouts, and the CSRF checks every form post passes.

pub mod csrf;
pub mod error;
pub mod password;
pub mod service;
pub mod session;

pub use error::AuthError;
pub use service::{Accounts, NewUser, Org, SignedIn};
