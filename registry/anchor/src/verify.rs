//! [`verify_anchor`]: checks on the chain that an [`Anchor`] really anchors a checkpoint.

use alloy::consensus::Transaction as _;
use alloy::network::ReceiptResponse;
use alloy::primitives::B256;
use alloy::providers::{Provider, ProviderBuilder};

use crate::client::block_time;
use crate::error::{AnchorError, Mismatch};
use crate::payload::{parse_payload, AnchorPayload};
use crate::record::Anchor;
use crate::rpc::Endpoint;

/// Checks, against the node at `rpc_url`, that `anchor` anchors the checkpoint (`origin`, `size`,
/// `root`): the node is on `anchor.chain_id`, the transaction exists and succeeded, it is in block
/// `anchor.block_number` whose header time is `anchor.block_time`, and its input is exactly the
/// anchor payload of that checkpoint.
///
/// `Err(AnchorError::Mismatch(_))` means the chain contradicts the anchor; any other error means the
/// check could not be made (node unreachable, wrong chain, transaction unknown or pending).
pub async fn verify_anchor(
    rpc_url: &str,
    anchor: &Anchor,
    origin: &str,
    size: u64,
    root: [u8; 32],
) -> Result<(), AnchorError> {
    let endpoint = Endpoint::parse(rpc_url)?;
    let provider = ProviderBuilder::new().connect_http(endpoint.url.clone());
    let tx_hash = anchor.tx_hash;

    let chain_id = endpoint.call("eth_chainId", provider.get_chain_id()).await?;
    if chain_id != anchor.chain_id {
        return Err(AnchorError::WrongChain { expected: anchor.chain_id, actual: chain_id });
    }
    let tx = endpoint
        .call("eth_getTransactionByHash", provider.get_transaction_by_hash(B256::from(tx_hash)))
        .await?
        .ok_or(AnchorError::NotFound { tx_hash })?;
    let receipt = endpoint
        .call("eth_getTransactionReceipt", provider.get_transaction_receipt(B256::from(tx_hash)))
        .await?
        .ok_or(AnchorError::NotMined { tx_hash })?;

    if !receipt.status() {
        return Err(Mismatch::Reverted.into());
    }
    check_payload(tx.input(), &AnchorPayload::new(origin, size, root))?;

    let block_number = receipt.block_number().ok_or(AnchorError::NotMined { tx_hash })?;
    if block_number != anchor.block_number {
        return Err(Mismatch::BlockNumber { claimed: anchor.block_number, actual: block_number }.into());
    }
    let block_time = block_time(&endpoint, &provider, block_number).await?;
    if block_time != anchor.block_time {
        return Err(Mismatch::BlockTime { claimed: anchor.block_time, actual: block_time }.into());
    }
    Ok(())
}

/// Compares a transaction's input with the expected payload, naming the first field that differs.
fn check_payload(input: &[u8], expected: &AnchorPayload) -> Result<(), Mismatch> {
    let actual = parse_payload(input).map_err(Mismatch::NotAnAnchor)?;
    if actual.origin_hash != expected.origin_hash {
        return Err(Mismatch::Origin);
    }
    if actual.size != expected.size {
        return Err(Mismatch::Size { expected: expected.size, actual: actual.size });
    }
    if actual.root != expected.root {
        return Err(Mismatch::Root { expected: expected.root, actual: actual.root });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payload::{payload, PayloadError};

    const ORIGIN: &str = "medcred.example/revocation/1";

    #[test]
    fn names_the_field_that_differs() {
        let expected = AnchorPayload::new(ORIGIN, 10, [1; 32]);
        assert_eq!(check_payload(&payload(ORIGIN, 10, [1; 32]), &expected), Ok(()));
        assert_eq!(check_payload(&payload("other.example/log", 10, [1; 32]), &expected), Err(Mismatch::Origin));
        assert_eq!(
            check_payload(&payload(ORIGIN, 11, [1; 32]), &expected),
            Err(Mismatch::Size { expected: 10, actual: 11 })
        );
        assert_eq!(
            check_payload(&payload(ORIGIN, 10, [2; 32]), &expected),
            Err(Mismatch::Root { expected: [1; 32], actual: [2; 32] })
        );
        assert_eq!(check_payload(b"", &expected), Err(Mismatch::NotAnAnchor(PayloadError::Length(0))));
    }
}
