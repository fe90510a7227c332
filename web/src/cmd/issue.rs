//! `medcred issue`: issue one credential from a JSON file, print the secured credential.

use anyhow::{anyhow, Context};
use medcred_formats::Format;
use medcred_model::IssueRequest;

use crate::cli::{Global, IssueArgs};
use crate::config;

pub(crate) async fn run(g: &Global, args: IssueArgs) -> anyhow::Result<()> {
    let format: Format = args.format.parse()?;
    let text = std::fs::read_to_string(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", args.file.display()))?;
    let issuer = config::issuer(g, config::public_url(g, None, false)).await?;
    let board = issuer.db().board_by_slug(&args.board).await.context("board")?;
    let req = IssueRequest::from_vc_json(&json, issuer.clock().now()).map_err(|e| anyhow!("{e}"))?;
    let issued = issuer.issue(&board, &req, format).await?;
    match issued.secured {
        medcred_issuer::Secured::Json(v) => println!("{}", serde_json::to_string_pretty(&v)?),
        medcred_issuer::Secured::Compact(s) => println!("{s}"),
    }
    Ok(())
}
