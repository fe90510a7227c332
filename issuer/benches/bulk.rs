//! Bulk issuance throughput: a synthetic CSV of N licenses (default 100,000; `MEDCRED_BENCH_ROWS`)
//! issued into a fresh SQLite database per format, next to the raw cost of one Ed25519 signature
//! (ed25519-dalek) measured in the same run, so our overhead shows as a ratio.
//!
//! Run: `cargo bench -p medcred-issuer --bench bulk` (release profile). Prints a Markdown table.

use std::sync::Arc;
use std::time::Instant;

use ed25519_dalek::{Signer, SigningKey};
use medcred_formats::Format;
use medcred_issuer::{FixedClock, Issuer, MasterKey, NewBoard};

fn csv(rows: usize) -> String {
    let mut s = String::from(
        "practitioner_name,license_type,license_number,jurisdiction,original_issue_date,valid_from,valid_until,specialty,restrictions,npi,multistate_privilege,holder_did\n",
    );
    let types = ["RN", "LPN", "APRN", "MD", "DO", "PA", "PharmD"];
    for i in 0..rows {
        let t = types[i % types.len()];
        let multistate = if t == "RN" || t == "LPN" { "true" } else { "" };
        s.push_str(&format!(
            "Practitioner {i},{t},{t}-{i:08},US-NJ,2015-06-01,2026-01-01T00:00:00Z,2028-01-01T00:00:00Z,General practice,,1234567893,{multistate},\n"
        ));
    }
    s
}

fn main() {
    let rows: usize = std::env::var("MEDCRED_BENCH_ROWS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let data = csv(rows);

    // Raw signature cost: one thread, over a message the size of a signed hash input.
    let key = SigningKey::from_bytes(&[9u8; 32]);
    let msg = [7u8; 64];
    let n_sig = 20_000;
    let t = Instant::now();
    for _ in 0..n_sig {
        std::hint::black_box(key.sign(std::hint::black_box(&msg)));
    }
    let sig_per_s_one = n_sig as f64 / t.elapsed().as_secs_f64();
    let raw_all = sig_per_s_one * threads as f64;

    println!(
        "bulk issuance, {rows} rows, {threads} threads, SQLite (synchronous=FULL, WAL), one transaction per {} rows",
        medcred_issuer::bulk::BATCH
    );
    println!();
    println!("raw ed25519-dalek signature: {:.0}/s on one thread, {:.2} µs each; ×{threads} threads = {raw_all:.0}/s ceiling", sig_per_s_one, 1e6 / sig_per_s_one);
    println!();
    println!("| format | rows | seconds | credentials/s | raw signatures/s ({threads} threads) | ratio raw/ours |");
    println!("|---|---:|---:|---:|---:|---:|");
    for format in Format::ALL {
        let dir = tempfile::tempdir().expect("tmp");
        let (secs, issued) = rt.block_on(async {
            let db = medcred_store::testing::fresh_sqlite(dir.path()).await.expect("db");
            let clock = Arc::new(FixedClock("2026-02-01T00:00:00Z".parse().expect("t")));
            let issuer = Issuer::new(db, MasterKey::generate(), clock, "https://board.example.org");
            let board = issuer
                .create_board(&NewBoard {
                    slug: "bench".into(),
                    name: "Bench Board".into(),
                    did_key: false,
                    host_did: false,
                })
                .await
                .expect("board")
                .board;
            let t = Instant::now();
            let report = issuer.issue_bulk(&board, data.as_bytes(), format, &|_| {}).await.expect("bulk");
            (t.elapsed().as_secs_f64(), report.progress.issued)
        });
        assert_eq!(issued as usize, rows, "every row issued");
        let rate = rows as f64 / secs;
        println!("| {format} | {rows} | {secs:.1} | {rate:.0} | {raw_all:.0} | {:.1}× |", raw_all / rate);
    }
}
