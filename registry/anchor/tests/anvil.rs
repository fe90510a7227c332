//! End-to-end: anchor a checkpoint root on a local anvil chain and verify it, including the
//! mismatch, not-found, wrong-chain and unreachable cases. anvil comes from `MEDCRED_ANVIL` (path to
//! the binary) or else from `scripts/anvil.sh`, which installs it from npm once; never skipped.

#![allow(clippy::unwrap_used, clippy::panic, clippy::expect_used)]

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use alloy::network::ReceiptResponse;
use alloy::primitives::B256;
use alloy::providers::{Provider, ProviderBuilder};
use medcred_anchor::{anchor, payload, verify_anchor, Anchor, AnchorError, ChainConfig, Mismatch, PayloadError};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

/// anvil's first prefunded dev account (mnemonic "test test … junk"); public knowledge, test only.
const DEV_KEY: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const ANVIL_CHAIN_ID: u64 = 31337;
const ORIGIN: &str = "medcred.example/revocation/1";

/// The anvil binary: `MEDCRED_ANVIL`, or whatever `scripts/anvil.sh` prints (installing it if needed).
fn anvil_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("MEDCRED_ANVIL") {
        let path = PathBuf::from(path);
        assert!(path.is_file(), "MEDCRED_ANVIL={} is not a file", path.display());
        return path;
    }
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/anvil.sh");
    let output = std::process::Command::new("bash")
        .arg(&script)
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
    assert!(
        output.status.success(),
        "{} failed ({}); set MEDCRED_ANVIL to an anvil binary",
        script.display(),
        output.status
    );
    PathBuf::from(String::from_utf8(output.stdout).unwrap().trim())
}

/// A running anvil on 127.0.0.1 (port chosen by anvil), killed when dropped.
struct Anvil {
    _child: Child,
    url: String,
}

async fn start_anvil() -> Anvil {
    let mut child = Command::new(anvil_binary())
        .args(["--host", "127.0.0.1", "--port", "0", "--hardfork", "prague"])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn anvil");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    // anvil prints "Listening on 127.0.0.1:<port>" once bound.
    let addr = tokio::time::timeout(Duration::from_secs(30), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(addr) = line.trim().strip_prefix("Listening on ") {
                return addr.to_owned();
            }
        }
        panic!("anvil exited before listening");
    })
    .await
    .expect("anvil did not start listening within 30s");
    // Keep reading its log so that a full pipe never blocks it.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });

    let url = format!("http://{addr}");
    let provider = ProviderBuilder::new().connect_http(url.parse().unwrap());
    for _ in 0..100 {
        if provider.get_block_number().await.is_ok() {
            return Anvil { _child: child, url };
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("anvil at {url} did not answer eth_blockNumber");
}

/// A loopback URL on which nothing listens (a port just bound and released).
fn dead_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

#[tokio::test]
async fn anchors_and_verifies_on_anvil() {
    let anvil = start_anvil().await;
    let mut config = ChainConfig::new(anvil.url.clone(), DEV_KEY.parse().unwrap());
    config.chain_id = Some(ANVIL_CHAIN_ID);
    config.receipt_timeout = Duration::from_secs(30);
    let root = [0x5a; 32];
    let size = 1234;

    let anchored = anchor(&config, ORIGIN, size, root).await.unwrap();
    assert_eq!(anchored.chain_id, ANVIL_CHAIN_ID);
    assert!(anchored.block_number >= 1);
    assert!(anchored.block_time > 1_600_000_000, "{anchored:?}");
    verify_anchor(&anvil.url, &anchored, ORIGIN, size, root).await.unwrap();

    // The anchor survives a JSON round trip.
    let json = serde_json::to_string(&anchored).unwrap();
    let reread: Anchor = serde_json::from_str(&json).unwrap();
    verify_anchor(&anvil.url, &reread, ORIGIN, size, root).await.unwrap();

    // Gas: 21,000 plus calldata at the EIP-7623 floor price (10 gas per token, 4 tokens per
    // non-zero byte), which exceeds the standard 4/16 gas for a payload-only transaction.
    let provider = ProviderBuilder::new().connect_http(anvil.url.parse().unwrap());
    let receipt = provider.get_transaction_receipt(B256::from(anchored.tx_hash)).await.unwrap().unwrap();
    let bytes = payload(ORIGIN, size, root);
    let tokens: u64 = bytes.iter().map(|b| if *b == 0 { 1 } else { 4 }).sum();
    eprintln!("anchor tx: {} payload bytes, gas used {}", bytes.len(), receipt.gas_used());
    assert_eq!(receipt.gas_used(), 21_000 + 10 * tokens);

    // The chain says something different: mismatch.
    let wrong_root = verify_anchor(&anvil.url, &anchored, ORIGIN, size, [0x5b; 32]).await.unwrap_err();
    assert!(matches!(wrong_root, AnchorError::Mismatch(Mismatch::Root { .. })), "{wrong_root:?}");
    assert!(wrong_root.is_mismatch());
    let wrong_size = verify_anchor(&anvil.url, &anchored, ORIGIN, size + 1, root).await.unwrap_err();
    assert!(
        matches!(wrong_size, AnchorError::Mismatch(Mismatch::Size { expected: 1235, actual: 1234 })),
        "{wrong_size:?}"
    );
    let wrong_origin = verify_anchor(&anvil.url, &anchored, "other.example/log", size, root).await.unwrap_err();
    assert!(matches!(wrong_origin, AnchorError::Mismatch(Mismatch::Origin)), "{wrong_origin:?}");
    let moved = Anchor { block_number: anchored.block_number + 1, ..anchored };
    let wrong_block = verify_anchor(&anvil.url, &moved, ORIGIN, size, root).await.unwrap_err();
    assert!(matches!(wrong_block, AnchorError::Mismatch(Mismatch::BlockNumber { .. })), "{wrong_block:?}");
    let backdated = Anchor { block_time: anchored.block_time - 3600, ..anchored };
    let wrong_time = verify_anchor(&anvil.url, &backdated, ORIGIN, size, root).await.unwrap_err();
    assert!(matches!(wrong_time, AnchorError::Mismatch(Mismatch::BlockTime { .. })), "{wrong_time:?}");

    // A second anchor of the same log goes into its own transaction; neither verifies as the other.
    let second = anchor(&config, ORIGIN, size + 1, [0x6b; 32]).await.unwrap();
    assert_ne!(second.tx_hash, anchored.tx_hash);
    verify_anchor(&anvil.url, &second, ORIGIN, size + 1, [0x6b; 32]).await.unwrap();
    assert!(verify_anchor(&anvil.url, &second, ORIGIN, size, root).await.unwrap_err().is_mismatch());

    // Could not check: unknown transaction, wrong chain.
    let bogus = Anchor { tx_hash: [0x42; 32], ..anchored };
    let not_found = verify_anchor(&anvil.url, &bogus, ORIGIN, size, root).await.unwrap_err();
    assert!(matches!(not_found, AnchorError::NotFound { tx_hash } if tx_hash == [0x42; 32]), "{not_found:?}");
    assert!(!not_found.is_mismatch());
    let other_chain = Anchor { chain_id: 1, ..anchored };
    let wrong_chain = verify_anchor(&anvil.url, &other_chain, ORIGIN, size, root).await.unwrap_err();
    assert!(matches!(wrong_chain, AnchorError::WrongChain { expected: 1, actual: ANVIL_CHAIN_ID }), "{wrong_chain:?}");
    let mut mainnet = config.clone();
    mainnet.chain_id = Some(1);
    let refused = anchor(&mainnet, ORIGIN, size, root).await.unwrap_err();
    assert!(matches!(refused, AnchorError::WrongChain { expected: 1, actual: ANVIL_CHAIN_ID }), "{refused:?}");

    // A plain transfer (not an anchor) is a mismatch, not an error.
    let transfer = anchor_like_transfer(&anvil.url).await;
    let not_anchor = verify_anchor(&anvil.url, &transfer, ORIGIN, size, root).await.unwrap_err();
    assert!(
        matches!(not_anchor, AnchorError::Mismatch(Mismatch::NotAnAnchor(PayloadError::Length(0)))),
        "{not_anchor:?}"
    );
}

/// Sends a 1-wei transfer with empty input and returns it as if it were an anchor.
async fn anchor_like_transfer(url: &str) -> Anchor {
    use alloy::network::{EthereumWallet, TransactionBuilder};
    use alloy::primitives::{Address, U256};
    use alloy::rpc::types::TransactionRequest;
    use alloy::signers::local::PrivateKeySigner;

    let signer: PrivateKeySigner = DEV_KEY.parse().unwrap();
    let provider = ProviderBuilder::new().wallet(EthereumWallet::from(signer)).connect_http(url.parse().unwrap());
    let tx = TransactionRequest::default().with_to(Address::repeat_byte(0x11)).with_value(U256::from(1));
    let receipt = provider.send_transaction(tx).await.unwrap().get_receipt().await.unwrap();
    let block_number = receipt.block_number().unwrap();
    let block = provider.get_block_by_number(block_number.into()).await.unwrap().unwrap();
    Anchor {
        tx_hash: receipt.transaction_hash().0,
        block_number,
        block_time: block.header.timestamp,
        chain_id: ANVIL_CHAIN_ID,
    }
}

#[tokio::test]
async fn unreachable_node_is_an_error_not_a_panic() {
    let url = dead_url();
    let anchored = Anchor { tx_hash: [1; 32], block_number: 1, block_time: 1, chain_id: ANVIL_CHAIN_ID };
    let error = verify_anchor(&url, &anchored, ORIGIN, 1, [0; 32]).await.unwrap_err();
    assert!(matches!(error, AnchorError::Unreachable { .. }), "{error:?}");
    assert!(!error.is_mismatch());

    let config = ChainConfig::new(url, DEV_KEY.parse().unwrap());
    let error = anchor(&config, ORIGIN, 1, [0; 32]).await.unwrap_err();
    assert!(matches!(error, AnchorError::Unreachable { .. }), "{error:?}");

    let bad = ChainConfig::new("ws://127.0.0.1:1", DEV_KEY.parse().unwrap());
    assert!(matches!(anchor(&bad, ORIGIN, 1, [0; 32]).await, Err(AnchorError::BadConfig(_))));
}
