//! Options that weaken verification (CONVENTIONS.md 13: dangerous knobs are named so). None is set
//! by default; every use shows in the detail of the check it weakened, so a report never hides it.

/// Dangerous verification options; [`Danger::default`] sets none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Danger {
    /// Accept a status read from a list that verified (signed by the credential's issuer, bit
    /// not set) even though it could not be proven against the issuer's ledger: no tlog-proof,
    /// no `MedcredLedger` service, a checkpoint too old, the witness policy not met. A ledger
    /// that *contradicts* the list still fails. The status check then passes with a detail
    /// that says the status was not proven.
    pub accept_unproven_status: bool,
}

impl Danger {
    /// The same options, also accepting unproven status ([`Danger::accept_unproven_status`]).
    pub fn accepting_unproven_status(self) -> Self {
        Self { accept_unproven_status: true, ..self }
    }
}
