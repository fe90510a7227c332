//! [`anchor`]: sends the anchor transaction for a checkpoint and waits for its receipt.

use alloy::eips::BlockNumberOrTag;
use alloy::network::{EthereumWallet, ReceiptResponse, TransactionBuilder};
use alloy::primitives::U256;
use alloy::providers::{PendingTransactionError, Provider, ProviderBuilder, WatchTxError};
use alloy::rpc::types::TransactionRequest;

use crate::config::ChainConfig;
use crate::error::AnchorError;
use crate::payload::payload;
use crate::record::Anchor;
use crate::rpc::Endpoint;

/// Anchors the checkpoint (`origin`, `size`, `root`): sends a 0-value transaction whose input is
/// [`payload`]`(origin, size, root)` to [`ChainConfig::recipient`], waits up to
/// [`ChainConfig::receipt_timeout`] for one confirmation, and returns where it landed.
///
/// Gas, fees, nonce and chain id are filled in from the node. A receipt timeout does not mean the
/// transaction is lost: it may still be mined, so look its hash up before sending another.
pub async fn anchor(config: &ChainConfig, origin: &str, size: u64, root: [u8; 32]) -> Result<Anchor, AnchorError> {
    let endpoint = Endpoint::parse(&config.rpc_url)?;
    let from = config.signer.address();
    let provider =
        ProviderBuilder::new().wallet(EthereumWallet::from(config.signer.signer())).connect_http(endpoint.url.clone());

    let chain_id = endpoint.call("eth_chainId", provider.get_chain_id()).await?;
    if let Some(expected) = config.chain_id.filter(|expected| *expected != chain_id) {
        return Err(AnchorError::WrongChain { expected, actual: chain_id });
    }

    let tx = TransactionRequest::default()
        .with_from(from)
        .with_to(config.recipient())
        .with_value(U256::ZERO)
        .with_input(payload(origin, size, root))
        .with_chain_id(chain_id);
    let pending = endpoint.call("eth_sendRawTransaction", provider.send_transaction(tx)).await?;
    let tx_hash = pending.tx_hash().0;
    tracing::debug!(tx_hash = %hex::encode(tx_hash), size, "anchor transaction sent");

    let timeout = config.receipt_timeout;
    let receipt = match tokio::time::timeout(timeout, pending.with_timeout(Some(timeout)).get_receipt()).await {
        Ok(Ok(receipt)) => receipt,
        Err(_) | Ok(Err(PendingTransactionError::TxWatcher(WatchTxError::Timeout))) => {
            return Err(AnchorError::ReceiptTimeout { tx_hash, timeout })
        }
        Ok(Err(PendingTransactionError::TransportError(error))) => {
            return Err(endpoint.error("eth_getTransactionReceipt", error))
        }
        Ok(Err(error)) => {
            return Err(AnchorError::Rpc { method: "eth_getTransactionReceipt", source: Box::new(error) })
        }
    };
    if !receipt.status() {
        return Err(AnchorError::Reverted { tx_hash });
    }
    let block_number = receipt.block_number().ok_or(AnchorError::NotMined { tx_hash })?;
    let block_time = block_time(&endpoint, &provider, block_number).await?;

    tracing::info!(
        tx_hash = %hex::encode(tx_hash), block_number, block_time, chain_id, gas_used = receipt.gas_used(), size,
        "checkpoint root anchored"
    );
    Ok(Anchor { tx_hash, block_number, block_time, chain_id })
}

/// The timestamp (unix seconds) in the header of block `number`.
pub(crate) async fn block_time(endpoint: &Endpoint, provider: &impl Provider, number: u64) -> Result<u64, AnchorError> {
    let block = endpoint
        .call("eth_getBlockByNumber", provider.get_block_by_number(BlockNumberOrTag::Number(number)))
        .await?
        .ok_or_else(|| AnchorError::Rpc {
            method: "eth_getBlockByNumber",
            source: format!("node has no block {number} although a receipt names it").into(),
        })?;
    Ok(block.header.timestamp)
}
