//! `medcred issue-bulk`: one license per CSV row with a progress bar and an error report.

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use medcred_formats::Format;

use crate::cli::{Global, IssueBulkArgs};
use crate::config;

pub(crate) async fn run(g: &Global, args: IssueBulkArgs) -> anyhow::Result<()> {
    let format: Format = args.format.parse()?;
    let data = std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let issuer = config::issuer(g, config::public_url(g, None, false)).await?;
    let board = issuer.db().board_by_slug(&args.board).await.context("board")?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} rows {per_sec} eta {eta} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let report = issuer
        .issue_bulk(&board, &data, format, &|p| {
            bar.set_length(p.total);
            bar.set_position(p.issued + p.skipped + p.failed);
            bar.set_message(format!("issued {} skipped {} failed {}", p.issued, p.skipped, p.failed));
        })
        .await?;
    bar.finish();
    let p = report.progress;
    println!("{} rows: {} issued, {} already issued (skipped), {} refused", p.total, p.issued, p.skipped, p.failed);
    if !report.errors.is_empty() {
        let path = args.errors.unwrap_or_else(|| args.file.with_extension("errors.csv"));
        std::fs::write(&path, report.errors_csv()).with_context(|| format!("writing {}", path.display()))?;
        println!("error report: {}", path.display());
    }
    Ok(())
}
