//! Warm in-process verification, per format, next to ssi 0.16 verifying the same credential in
//! the same run (so the engine's overhead is a ratio), plus one presentation of each shape.
//!
//! Cases (criterion ids):
//! - `credential/medcred/<format>`: the engine on a license by a did:key issuer, no status —
//!   issuer binding, proof, validity, trust (required, accredited) and schema;
//! - `credential/medcred+status/<format>`: the same by the board (did:web), its status proven
//!   against the ledger — two W3C entries (or the token list), tlog-proof, 2-of-2 witness policy;
//!   every list's signature checked again on every call;
//! - `credential/medcred+status+memo/<format>`: the same with a warm memo of checked list
//!   signatures (`MemoryVerifiedLists`, as the verifier service keeps one): the ledger proof and
//!   the issuer binding of the lists still run on every call, their signatures do not;
//! - `credential/ssi/<format>`: ssi's own verification of the `credential/medcred` input
//!   (signature and validity dates only; not `eddsa-jcs-2022`, which ssi does not implement);
//! - `presentation/medcred/<shape>`: Data Integrity VP (each suite, one credential), `vp+jwt`
//!   (one enveloped `vc+jwt`), SD-JWT + KB-JWT — challenge, domain, holder binding, credential.
//!
//! "Warm": resolvers, status lists, trust list, contexts and ssi's parameters are built once; each
//! iteration parses and verifies the input from its text. The async engine runs on a
//! current-thread tokio runtime (`block_on` inside the measured closure).
//!
//! Run: `cargo bench -p medcred-verifier --bench verify -- --warm-up-time 1 --measurement-time 3`.
//! Instruction counts: `MEDCRED_BENCH_CALLGRIND=<case id>` (e.g. `credential/ssi/vc+jwt`) runs
//! that case once to warm up, then `MEDCRED_BENCH_CALLGRIND_RUNS` times (default 10) inside
//! `callgrind_measured`; run the bench binary under
//! `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*callgrind_measured*'`.

#[path = "../tests/common/mod.rs"]
mod common;
#[path = "verify/fixtures.rs"]
mod fixtures;
#[path = "verify/ssi_side.rs"]
mod ssi_side;

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion};
use medcred_formats::Format;
use medcred_verifier::{
    verify_credential_with, verify_presentation, PresentationExpectations, PresentationReport, Report, Verdict,
    VerifyContext,
};
use tokio::runtime::Runtime;

use common::ledger::policy;
use common::{now, skew};
use fixtures::Fixtures;
use ssi_side::Ssi;

/// One measured case.
#[derive(Clone, Copy)]
enum Case {
    Medcred(Format),
    MedcredStatus(Format),
    MedcredStatusMemo(Format),
    Ssi(Format),
    Presentation(usize),
}

/// The fixtures, the verification contexts over them, ssi's parameters and the runtime.
struct Bench<'a> {
    fixtures: &'a Fixtures,
    plain: VerifyContext<'a>,
    status: VerifyContext<'a>,
    status_memo: VerifyContext<'a>,
    expect: PresentationExpectations,
    ssi: Ssi,
    rt: Runtime,
}

impl<'a> Bench<'a> {
    fn new(fixtures: &'a Fixtures, rt: Runtime) -> Self {
        let plain = VerifyContext::new(&fixtures.resolver, now())
            .with_skew(skew())
            .with_trust_list(&fixtures.trust)
            .requiring_trust();
        let status = VerifyContext::new(&fixtures.ledger_resolver, now())
            .with_skew(skew())
            .with_trust_list(&fixtures.trust)
            .requiring_trust()
            .with_status_source(&fixtures.source)
            .with_witness_policy(policy());
        let status_memo = status.clone().with_verified_lists(&fixtures.memo);
        Bench { fixtures, plain, status, status_memo, expect: fixtures::expectations(), ssi: Ssi::new(now()), rt }
    }

    /// Every case, in report order.
    fn cases(&self) -> Vec<Case> {
        let mut cases = Vec::new();
        for format in Format::ALL {
            cases.push(Case::Medcred(format));
            cases.push(Case::MedcredStatus(format));
            cases.push(Case::MedcredStatusMemo(format));
            if Ssi::supports(format) {
                cases.push(Case::Ssi(format));
            }
        }
        cases.extend((0..self.fixtures.presentations.len()).map(Case::Presentation));
        cases
    }

    /// The criterion group, function and parameter of `case`.
    fn id(&self, case: Case) -> (&'static str, &'static str, String) {
        match case {
            Case::Medcred(f) => ("credential", "medcred", f.to_string()),
            Case::MedcredStatus(f) => ("credential", "medcred+status", f.to_string()),
            Case::MedcredStatusMemo(f) => ("credential", "medcred+status+memo", f.to_string()),
            Case::Ssi(f) => ("credential", "ssi", f.to_string()),
            Case::Presentation(i) => ("presentation", "medcred", self.fixtures.presentations[i].shape.to_owned()),
        }
    }

    fn input(&self, case: Case) -> &'a str {
        let find = |list: &'a [(Format, String)], format| {
            list.iter().find(|(f, _)| *f == format).map(|(_, s)| s.as_str()).unwrap_or_default()
        };
        match case {
            Case::Medcred(f) | Case::Ssi(f) => find(&self.fixtures.plain, f),
            Case::MedcredStatus(f) | Case::MedcredStatusMemo(f) => find(&self.fixtures.with_status, f),
            Case::Presentation(i) => &self.fixtures.presentations[i].input,
        }
    }

    /// Verify `input` as `case` says: `Ok(())` when the verdict is valid (ssi: accepted),
    /// otherwise the report (or ssi's reason).
    fn run(&self, case: Case, input: &str) -> Result<(), String> {
        self.rt.block_on(async {
            match case {
                Case::Medcred(_) => judged(&verify_credential_with(input, &self.plain).await),
                Case::MedcredStatus(_) => judged(&verify_credential_with(input, &self.status).await),
                Case::MedcredStatusMemo(_) => judged(&verify_credential_with(input, &self.status_memo).await),
                Case::Presentation(_) => judged(&verify_presentation(input, &self.plain, &self.expect).await),
                Case::Ssi(format) => self.ssi.verify(format, input).await,
            }
        })
    }
}

/// A report with a verdict.
trait Judged: serde::Serialize {
    fn verdict(&self) -> Verdict;
}

impl Judged for Report {
    fn verdict(&self) -> Verdict {
        self.verdict
    }
}

impl Judged for PresentationReport {
    fn verdict(&self) -> Verdict {
        self.verdict
    }
}

/// `Ok(())` for a valid verdict, otherwise the whole report (serialized only then, so that a
/// measured call does no more than verify).
fn judged(report: &impl Judged) -> Result<(), String> {
    if report.verdict() == Verdict::Valid {
        Ok(())
    } else {
        Err(serde_json::to_string_pretty(report).unwrap_or_default())
    }
}

/// The measured calls of the callgrind mode; its name is the `--toggle-collect` pattern.
#[inline(never)]
fn callgrind_measured(bench: &Bench<'_>, case: Case, runs: usize) {
    for _ in 0..runs {
        let _ = black_box(bench.run(case, black_box(bench.input(case))));
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    let fixtures = rt.block_on(Fixtures::build());
    let bench = Bench::new(&fixtures, rt);
    // Every case must verify before it is timed: a benchmark of a failing path measures nothing.
    for case in bench.cases() {
        let (group, function, parameter) = bench.id(case);
        let outcome = bench.run(case, bench.input(case));
        assert!(
            outcome.is_ok(),
            "{group}/{function}/{parameter} does not verify: {}",
            outcome.err().unwrap_or_default()
        );
    }
    for format in Format::ALL {
        let input = bench.input(Case::Ssi(format));
        if Ssi::supports(format) {
            let tampered = bench.rt.block_on(bench.ssi.verify(format, &ssi_side::tampered(format, input)));
            let why = tampered.err().unwrap_or_default();
            assert!(!why.is_empty(), "ssi accepts a tampered {format} credential");
            eprintln!("credential/ssi/{format}: rejects a tampered copy ({why})");
        } else {
            let why = bench.rt.block_on(bench.ssi.verify(format, input)).err().unwrap_or_default();
            eprintln!("credential/ssi/{format}: not measured ({why})");
        }
    }

    if let Ok(wanted) = std::env::var("MEDCRED_BENCH_CALLGRIND") {
        let runs = std::env::var("MEDCRED_BENCH_CALLGRIND_RUNS").ok().and_then(|n| n.parse().ok()).unwrap_or(10);
        let case = bench.cases().into_iter().find(|c| {
            let (g, f, p) = bench.id(*c);
            format!("{g}/{f}/{p}") == wanted
        });
        let Some(case) = case else {
            eprintln!("no case {wanted}");
            std::process::exit(2);
        };
        let _ = bench.run(case, bench.input(case));
        callgrind_measured(&bench, case, runs);
        eprintln!("{wanted}: {runs} runs measured");
        return;
    }

    let mut c = Criterion::default().configure_from_args();
    for group_name in ["credential", "presentation"] {
        let mut group = c.benchmark_group(group_name);
        for case in bench.cases() {
            let (g, function, parameter) = bench.id(case);
            if g != group_name {
                continue;
            }
            let input = bench.input(case);
            group.bench_function(BenchmarkId::new(function, parameter), |b| {
                b.iter(|| bench.run(case, black_box(input)))
            });
        }
        group.finish();
    }
    c.final_summary();
}
