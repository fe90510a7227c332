//! C2SP tlog-witness (c2sp.org/tlog-witness): the witness protocol between a log and the boards
//! that cosign its checkpoints, as pure functions.
//!
//! - [`AddCheckpointRequest`]: the `POST <submission prefix>/add-checkpoint` body, formatted by
//!   the log and parsed strictly by the witness.
//! - [`Witness::add_checkpoint`]: the witness's decision from the stored [`LogState`], with the
//!   spec's HTTP status for every refusal ([`WitnessError::http_status`]), and the tlog-cosignature
//!   v1 line on success.
//! - [`format_size_body`] / [`parse_size_body`], [`parse_cosignatures`]: the 409 and 200 bodies.
//! - [`WitnessPolicy`]: `k` of `n` trusted witnesses, for verifiers.
//!
//! Storage, HTTP and the clock stay outside: a service reads the state for
//! [`AddCheckpointRequest::origin`], calls [`Witness::add_checkpoint`] with the current time and
//! persists the new state in the same transaction before answering.

mod add_checkpoint;
mod policy;
mod request;
mod response;
pub(crate) mod text;

pub use add_checkpoint::{ConfigError, Cosigned, LogState, Witness, WitnessError};
pub use policy::{PolicyError, QuorumError, WitnessPolicy};
pub use request::{AddCheckpointRequest, RequestError, MAX_PROOF_LINES, MAX_REQUEST_SIZE};
pub use response::{
    format_size_body, parse_cosignatures, parse_size_body, ResponseError, MAX_RESPONSE_SIZE, SIZE_CONTENT_TYPE,
};
