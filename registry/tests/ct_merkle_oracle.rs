//! Cross-checks `medcred_registry::merkle` (RFC 9162 §2.1) against the independent `ct-merkle` 0.3
//! crate: equal roots, byte-identical proofs, each side's proofs verified by the other, forgeries
//! rejected by both.
//!
//! ct-merkle hashes leaf *data* itself (`SHA-256(0x00 ‖ data)`, like [`Hash::leaf`]), so it gets
//! the data and our side gets `Hash::leaf(data)`. It uses digest 0.11, hence the `sha2` 0.11
//! dev-dependency. Limits of the oracle, covered by our unit tests instead: ct-merkle only proves
//! against its *current* size (so its trees are grown one leaf at a time), has no consistency
//! proof from the empty tree (`OldTreeEmpty`) and no storage-backed generation.

use ct_merkle::mem_backed_tree::MemoryBackedTree;
use ct_merkle::{ConsistencyProof as CtConsistency, InclusionProof as CtInclusion, RootHash};
use medcred_registry::merkle::{verify_consistency, verify_inclusion, Hash, MemoryTree, ProofError};
use sha2_digest011::Sha256;

type CtTree = MemoryBackedTree<Sha256, Vec<u8>>;

fn data(i: u64) -> Vec<u8> {
    format!("medcred revocation entry {i}").into_bytes()
}

fn ct_hash(h: &Hash) -> ct_merkle::digest::Output<Sha256> {
    ct_merkle::digest::Output::<Sha256>::from(h.0)
}

fn ct_root(h: &Hash, size: u64) -> RootHash<Sha256> {
    RootHash::new(ct_hash(h), size)
}

fn bytes(path: &[Hash]) -> Vec<u8> {
    path.iter().flat_map(|h| h.0).collect()
}

fn hashes(bytes: &[u8]) -> Vec<Hash> {
    bytes.chunks(32).map(|c| Hash::try_from(c).expect("32-byte chunks")).collect()
}

/// Every path altered in one way: a flipped byte in each element, truncated at either end,
/// extended at either end.
fn mangled(path: &[Hash]) -> Vec<Vec<Hash>> {
    let mut out = Vec::new();
    for (i, _) in path.iter().enumerate() {
        let mut p = path.to_vec();
        p[i].0[(i * 7) % 32] ^= 0x01;
        out.push(p);
    }
    if !path.is_empty() {
        out.push(path[1..].to_vec());
        out.push(path[..path.len() - 1].to_vec());
    }
    let extra = Hash::leaf(b"extra");
    let mut p = path.to_vec();
    p.push(extra);
    out.push(p);
    let mut p = vec![extra];
    p.extend_from_slice(path);
    out.push(p);
    out
}

/// Both trees grown together; counts comparisons with the oracle.
struct Pair {
    ours: MemoryTree,
    theirs: CtTree,
    /// Roots of ours at every size so far (index = size).
    roots: Vec<Hash>,
    oracle_checks: u64,
    /// Wrong-size claims with the true root that both verifiers accept (see `check_inclusion`).
    same_shape_accepted: u64,
}

impl Pair {
    fn new() -> Pair {
        Pair {
            ours: MemoryTree::new(),
            theirs: CtTree::new(),
            roots: vec![Hash::empty_tree()],
            oracle_checks: 0,
            same_shape_accepted: 0,
        }
    }

    fn size(&self) -> u64 {
        self.ours.size()
    }

    fn grow_to(&mut self, size: u64) {
        while self.size() < size {
            let d = data(self.size());
            self.ours.append_data(&d);
            self.theirs.push(d);
            self.roots.push(self.ours.root());
            assert_eq!(
                self.theirs.root().as_bytes().as_slice(),
                self.ours.root().as_bytes(),
                "root of size {}",
                self.size()
            );
            self.oracle_checks += 1;
        }
    }

    fn root(&self, size: u64) -> Hash {
        self.roots[size as usize]
    }

    /// Inclusion of `index` in the current tree (ct-merkle can only prove at its current size).
    fn check_inclusion(&mut self, index: u64) {
        let size = self.size();
        let root = self.root(size);
        let leaf = Hash::leaf(&data(index));
        let ct_root_now = self.theirs.root();

        let ours = self.ours.prove_inclusion(index, size).expect("in range");
        let theirs = self.theirs.prove_inclusion(index as usize);
        assert_eq!(bytes(&ours.path), theirs.as_bytes(), "{index} of {size}");
        assert_eq!(ours.verify(&leaf, &root), Ok(()));
        assert_eq!(verify_inclusion(&leaf, index, size, &hashes(theirs.as_bytes()), &root), Ok(()));
        let ours_for_ct = CtInclusion::<Sha256>::try_from_bytes(bytes(&ours.path)).expect("32n");
        assert!(ct_root_now.verify_inclusion(&data(index), index, &ours_for_ct).is_ok());
        self.oracle_checks += 3;

        // Forged paths: both must reject.
        for path in mangled(&ours.path) {
            assert!(verify_inclusion(&leaf, index, size, &path, &root).is_err());
            let ct = CtInclusion::<Sha256>::try_from_bytes(bytes(&path)).expect("32n");
            assert!(ct_root_now.verify_inclusion(&data(index), index, &ct).is_err());
            self.oracle_checks += 1;
        }
        // Wrong leaf.
        let other = data(index + 1_000_000);
        assert_eq!(
            verify_inclusion(&Hash::leaf(&other), index, size, &ours.path, &root),
            Err(ProofError::RootMismatch)
        );
        assert!(ct_root_now.verify_inclusion(&other, index, &ours_for_ct).is_err());
        self.oracle_checks += 1;
        // Wrong index, in and out of range.
        let wrong = [index.wrapping_sub(1), index + 1, index ^ 1, size - 1 - index, size];
        for j in wrong.into_iter().filter(|&j| j != index && j <= size) {
            assert!(verify_inclusion(&leaf, j, size, &ours.path, &root).is_err());
            assert!(ct_root_now.verify_inclusion(&data(index), j, &ours_for_ct).is_err());
            self.oracle_checks += 1;
        }
        // Wrong size with that size's true root: both reject.
        for s in [size - 1, size + 1] {
            if index < s && (s as usize) < self.roots.len() {
                let r = self.root(s);
                assert!(verify_inclusion(&leaf, index, s, &ours.path, &r).is_err());
                assert!(ct_root(&r, s).verify_inclusion(&data(index), index, &ours_for_ct).is_err());
                self.oracle_checks += 1;
            }
        }
        // Wrong size with *this* root: RFC 9162 §2.1.3.2 does not bind the size to the path
        // shape (the size comes signed with the root), so a few such claims verify, e.g. leaf 0
        // of 3 leaves claimed in a tree of 4. We only require the same verdict as ct-merkle.
        for s in [size + 1, size + 2, size * 2] {
            let ours_ok = verify_inclusion(&leaf, index, s, &ours.path, &root).is_ok();
            let theirs_ok = ct_root(&root, s).verify_inclusion(&data(index), index, &ours_for_ct).is_ok();
            assert_eq!(ours_ok, theirs_ok, "{index} of {size} claimed as {s}");
            self.same_shape_accepted += u64::from(ours_ok);
            self.oracle_checks += 1;
        }
    }

    /// Consistency from `old` (1..=size) to the current tree.
    fn check_consistency(&mut self, old: u64) {
        let new = self.size();
        let (old_root, new_root) = (self.root(old), self.root(new));
        let ours = self.ours.prove_consistency(old, new).expect("old <= new");
        let theirs = self.theirs.prove_consistency((new - old) as usize);
        assert_eq!(bytes(&ours.path), theirs.as_bytes(), "{old} -> {new}");
        assert_eq!(ours.verify(&old_root, &new_root), Ok(()));
        assert_eq!(verify_consistency(old, new, &hashes(theirs.as_bytes()), &old_root, &new_root), Ok(()));
        let ct_new = ct_root(&new_root, new);
        let ct_old = ct_root(&old_root, old);
        let ours_for_ct = CtConsistency::<Sha256>::try_from_bytes(bytes(&ours.path)).expect("32n");
        assert!(ct_new.verify_consistency(&ct_old, &ours_for_ct).is_ok());
        self.oracle_checks += 3;

        for path in mangled(&ours.path) {
            assert!(verify_consistency(old, new, &path, &old_root, &new_root).is_err());
            let ct = CtConsistency::<Sha256>::try_from_bytes(bytes(&path)).expect("32n");
            assert!(ct_new.verify_consistency(&ct_old, &ct).is_err());
            self.oracle_checks += 1;
        }
        // Wrong roots.
        let bogus = Hash::leaf(b"bogus");
        // (A power-of-two old root is itself the first proof element, so a wrong one shows
        // as a new-root mismatch.)
        assert!(matches!(
            verify_consistency(old, new, &ours.path, &bogus, &new_root),
            Err(ProofError::OldRootMismatch | ProofError::NewRootMismatch)
        ));
        assert!(ct_new.verify_consistency(&ct_root(&bogus, old), &ours_for_ct).is_err());
        assert_eq!(verify_consistency(old, new, &ours.path, &old_root, &bogus), Err(ProofError::NewRootMismatch));
        assert!(ct_root(&bogus, new).verify_consistency(&ct_old, &ours_for_ct).is_err());
        self.oracle_checks += 2;
        // Wrong sizes, each with its own true root.
        for (o, n) in [(old.wrapping_sub(1), new), (old + 1, new), (old, new - 1), (old, new + 1)] {
            if o == 0 || o > n || n as usize >= self.roots.len() || (o, n) == (old, new) {
                continue;
            }
            let (ro, rn) = (self.root(o), self.root(n));
            let ours_ok = verify_consistency(o, n, &ours.path, &ro, &rn).is_ok();
            let theirs_ok = ct_root(&rn, n).verify_consistency(&ct_root(&ro, o), &ours_for_ct).is_ok();
            assert!(!ours_ok, "{old} -> {new} accepted as {o} -> {n}");
            assert!(!theirs_ok, "ct-merkle: {old} -> {new} accepted as {o} -> {n}");
            self.oracle_checks += 1;
        }
    }
}

#[test]
fn every_size_to_130_every_leaf_every_old_size() {
    let mut pair = Pair::new();
    let mut proofs = 0u64;
    for size in 1..=130 {
        pair.grow_to(size);
        for index in 0..size {
            pair.check_inclusion(index);
            proofs += 1;
        }
        for old in 1..=size {
            pair.check_consistency(old);
            proofs += 1;
        }
    }
    println!(
        "sizes 1..=130: {proofs} proofs, {} comparisons with ct-merkle, \
         {} same-shape size claims accepted by both",
        pair.oracle_checks, pair.same_shape_accepted
    );
    assert!(pair.same_shape_accepted > 0, "the RFC ambiguity exists; see check_inclusion");
    assert_eq!(proofs, 2 * (130 * 131 / 2));
}

#[test]
fn large_sizes_every_leaf_sampled_old_sizes() {
    let mut pair = Pair::new();
    let mut proofs = 0u64;
    for size in [1000u64, 1025, 4097] {
        pair.grow_to(size);
        for index in 0..size {
            pair.check_inclusion(index);
            proofs += 1;
        }
        let mut olds: Vec<u64> = (1..=70).collect();
        for b in 6..13 {
            let p = 1u64 << b;
            olds.extend([p - 1, p, p + 1]);
        }
        olds.extend((1..size).step_by(37));
        olds.extend([size - 1, size]);
        olds.sort_unstable();
        olds.dedup();
        for old in olds.into_iter().filter(|&o| o <= size) {
            pair.check_consistency(old);
            proofs += 1;
        }
    }
    println!("sizes 1000, 1025, 4097: {proofs} proofs, {} comparisons with ct-merkle", pair.oracle_checks);
}

#[test]
fn ct_merkle_has_no_proof_from_the_empty_tree_but_we_accept_it() {
    // ct-merkle rejects old size 0 (OldTreeEmpty); RFC 9162 leaves it undefined. We follow
    // transparency-dev: empty proof, and the old root must be the empty-tree hash.
    let mut pair = Pair::new();
    pair.grow_to(5);
    let new_root = pair.root(5);
    let ct = CtConsistency::<Sha256>::try_from_bytes(Vec::new()).expect("empty");
    assert!(ct_root(&new_root, 5).verify_consistency(&ct_root(&Hash::empty_tree(), 0), &ct).is_err());
    let ours = pair.ours.prove_consistency(0, 5).expect("0 <= 5");
    assert!(ours.path.is_empty());
    assert_eq!(ours.verify(&Hash::empty_tree(), &new_root), Ok(()));
}
