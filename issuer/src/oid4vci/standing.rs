//! Whether a stored credential may still be offered and re-issued: not past its validity period,
//! not revoked, not suspended (the status bits of its slot, as the board's registry set them).

use medcred_store::{BoardRow, CredentialRow};

use crate::error::IssuerError;
use crate::service::Issuer;

/// Why a credential cannot be re-issued now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotIssuable {
    /// Its validity period has ended.
    Expired,
    /// The board revoked it.
    Revoked,
    /// The board suspended it.
    Suspended,
}

impl NotIssuable {
    /// Stable machine code.
    pub fn code(self) -> &'static str {
        match self {
            NotIssuable::Expired => "credential_expired",
            NotIssuable::Revoked => "credential_revoked",
            NotIssuable::Suspended => "credential_suspended",
        }
    }

    /// Human message.
    pub fn message(self) -> &'static str {
        match self {
            NotIssuable::Expired => "the credential's validity period has ended",
            NotIssuable::Revoked => "the board revoked this credential",
            NotIssuable::Suspended => "the board suspended this credential",
        }
    }
}

/// Bit `index` of a W3C bitstring (index 0 is the first byte's high bit).
fn bit(bits: &[u8], index: u64) -> bool {
    let byte = usize::try_from(index / 8).ok().and_then(|i| bits.get(i)).copied().unwrap_or(0);
    byte & (0x80 >> (index % 8)) != 0
}

/// `Ok(Err(why))` when `cred` must not be re-issued now.
pub async fn standing(
    issuer: &Issuer,
    board: &BoardRow,
    cred: &CredentialRow,
) -> Result<Result<(), NotIssuable>, IssuerError> {
    if cred.valid_until.is_some_and(|until| until <= issuer.clock().now().timestamp()) {
        return Ok(Err(NotIssuable::Expired));
    }
    if let (Some(list), Some(index)) = (cred.status_list, cred.status_index.and_then(|i| u64::try_from(i).ok())) {
        let row = issuer.db().status_list(&board.id, list).await?;
        if bit(&row.revocation, index) {
            return Ok(Err(NotIssuable::Revoked));
        }
        if bit(&row.suspension, index) {
            return Ok(Err(NotIssuable::Suspended));
        }
    }
    Ok(Ok(()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_are_read_high_bit_first() {
        let bits = [0b1000_0001, 0b0100_0000];
        assert!(bit(&bits, 0));
        assert!(!bit(&bits, 1));
        assert!(bit(&bits, 7));
        assert!(bit(&bits, 9));
        assert!(!bit(&bits, 1_000_000));
    }
}
