//! `medcred verify`: an offline check of a credential file — format, signature, issuer binding,
//! validity period. did:web issuers need their DID document given with `--did-doc`.

use anyhow::Context;
use medcred_verifier::{verify_credential, OfflineResolver, Verdict};

use crate::cli::VerifyArgs;

pub(crate) async fn run(args: VerifyArgs) -> anyhow::Result<()> {
    let input = std::fs::read_to_string(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let mut resolver = OfflineResolver::default();
    for path in &args.did_docs {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let doc: serde_json::Value =
            serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))?;
        resolver = resolver.with_document(doc);
    }
    let report = verify_credential(input.trim(), &resolver, chrono::Utc::now(), chrono::Duration::seconds(60)).await;
    println!("{}", serde_json::to_string_pretty(&report)?);
    match report.verdict {
        Verdict::Valid => Ok(()),
        other => anyhow::bail!("verdict: {other:?}"),
    }
}
