//! RFC 9162 proof cost against tree size: building and verifying an inclusion proof, and a
//! consistency proof, in trees of 10^3, 10^6 and 10^7 leaves (a path grows as log2 n: 10, 20 and
//! 24 hashes). Trees are built in memory once per size, outside the measurement.
//!
//! Run: `cargo bench -p medcred-registry --bench proofs`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use medcred_registry::merkle::{verify_consistency, verify_inclusion, Hash, MemoryTree};

fn tree(n: u64) -> MemoryTree {
    MemoryTree::from_leaf_hashes((0..n).map(|i| Hash::leaf(&i.to_be_bytes())))
}

fn proofs(c: &mut Criterion) {
    let mut group = c.benchmark_group("inclusion");
    for n in [1_000u64, 1_000_000, 10_000_000] {
        let t = tree(n);
        let root = t.root();
        let index = n / 3;
        let leaf = Hash::leaf(&index.to_be_bytes());
        group.bench_with_input(BenchmarkId::new("prove", n), &n, |b, &n| {
            b.iter(|| t.prove_inclusion(black_box(index), n).expect("prove"))
        });
        let proof = t.prove_inclusion(index, n).expect("prove");
        eprintln!("inclusion proof at n={n}: {} hashes", proof.path.len());
        group.bench_with_input(BenchmarkId::new("verify", n), &n, |b, &n| {
            b.iter(|| verify_inclusion(black_box(&leaf), index, n, &proof.path, &root).expect("verify"))
        });
        let old = n / 2 + 1;
        let old_root = t.root_at(old).expect("root");
        let consistency = t.prove_consistency(old, n).expect("prove");
        group.bench_with_input(BenchmarkId::new("consistency_verify", n), &n, |b, &n| {
            b.iter(|| verify_consistency(old, n, black_box(&consistency.path), &old_root, &root).expect("verify"))
        });
    }
    group.finish();
}

criterion_group!(benches, proofs);
criterion_main!(benches);
