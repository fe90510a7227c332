//! Passwords: argon2id (OWASP's parameters: 19 MiB, 2 passes, 1 lane) in PHC strings, a dummy
//! hash to verify against when an email is unknown (so that answer takes as long as a wrong
//! password), the length policy, and generated passwords.

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use rand::Rng;
use zeroize::Zeroizing;

use super::error::AuthError;

/// Shortest password accepted.
pub const MIN_LEN: usize = 12;
/// Longest password accepted (bounds the hashing work an attacker can ask for).
pub const MAX_LEN: usize = 256;

fn argon2() -> Argon2<'static> {
    // 19456 KiB, t = 2, p = 1: argon2's defaults, OWASP's recommendation for argon2id.
    Argon2::new(Algorithm::Argon2id, Version::V0x13, Params::default())
}

/// Refuse passwords that are too short or too long.
pub fn check_policy(password: &str) -> Result<(), AuthError> {
    let n = password.chars().count();
    if n < MIN_LEN {
        return Err(AuthError::Invalid {
            field: "password",
            message: format!("a password needs at least {MIN_LEN} characters"),
        });
    }
    if password.len() > MAX_LEN {
        return Err(AuthError::Invalid {
            field: "password",
            message: format!("a password has at most {MAX_LEN} bytes"),
        });
    }
    Ok(())
}

/// The argon2id PHC string of `password` with a fresh salt.
pub fn hash(password: &str) -> Result<String, AuthError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AuthError::Internal(e.to_string()))
}

/// Whether `password` matches the PHC string (constant time in the comparison; a malformed
/// string never matches).
pub fn verify(password: &str, phc: &str) -> bool {
    if password.len() > MAX_LEN {
        // Still spend the time of one verification, against the dummy.
        let _ = PasswordHash::new(dummy_hash()).map(|h| argon2().verify_password(b"", &h));
        return false;
    }
    match PasswordHash::new(phc) {
        Ok(h) => argon2().verify_password(password.as_bytes(), &h).is_ok(),
        Err(_) => false,
    }
}

/// A hash of a random password nobody knows, made once per process: unknown emails are checked
/// against it so that their answer costs the same as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let secret = generate();
        hash(&secret).unwrap_or_else(|_| {
            "$argon2id$v=19$m=19456,t=2,p=1$ZHVtbXlzYWx0ZHVtbXk$8FJy0lUeSg1mDqGNcnnRsQ1/3mx6k/4cSNZlzs3UpUs".to_owned()
        })
    })
}

/// A new random password: 20 characters from an alphabet without look-alikes (about 113 bits).
pub fn generate() -> Zeroizing<String> {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    let mut out = Zeroizing::new(String::with_capacity(24));
    for i in 0..20 {
        if i > 0 && i % 5 == 0 {
            out.push('-');
        }
        out.push(char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]));
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("correct horse battery", &h));
        assert!(!verify("correct horse batterx", &h));
        assert!(!verify("correct horse battery", "not a phc string"));
        assert!(!verify("anything", dummy_hash()));
    }

    #[test]
    fn policy_and_generated_passwords() {
        assert!(check_policy("short").is_err());
        assert!(check_policy(&"x".repeat(MAX_LEN + 1)).is_err());
        let p = generate();
        assert_eq!(p.len(), 23);
        assert!(check_policy(&p).is_ok());
        assert_ne!(*p, *generate());
    }
}
