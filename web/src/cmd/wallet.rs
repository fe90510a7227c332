//! `medcred wallet init|receive|list|show|status|present`: a holder's wallet on the command line — a
//! directory with the holder key (Ed25519, did:jwk, 0600) and the credentials received over
//! OpenID4VCI — presenting them over OpenID4VP after showing who asks, what and why.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};
use medcred_wallet::present::{answer, choose, Choice, VerifiedRequest};
use medcred_wallet::{Client, KnownStatus, TxCode, Wallet};
use serde_json::Value;

use crate::cli::Global;

/// `medcred wallet …`.
#[derive(Debug, Args)]
pub(crate) struct WalletArgs {
    /// The wallet directory. Default: <data dir>/wallet.
    #[arg(long, global = true, env = "MEDCRED_WALLET_DIR")]
    pub(crate) wallet_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub(crate) command: WalletCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum WalletCommand {
    /// Create a wallet: a new holder key (did:jwk) in the wallet directory.
    Init,
    /// Receive the credential an offer (openid-credential-offer://…) carries or points to.
    Receive {
        /// The offer URL, as in the issuer's QR code.
        offer_url: String,
        /// The transaction code (PIN) the issuer sent separately; asked on stdin if not given.
        #[arg(long)]
        pin: Option<String>,
    },
    /// List the credentials in the wallet.
    List,
    /// Print one credential (numbered as `list` shows) with what the wallet knows of it.
    Show {
        /// Its number in `list`.
        n: usize,
    },
    /// Refresh the status of every credential (or of one, numbered as `list` shows) from its
    /// board's status lists, fetched whole, and print it: active, suspended or revoked.
    Status {
        /// Its number in `list` (default: all).
        n: Option<usize>,
    },
    /// Answer a presentation request (openid4vp://… or its https request URI): shows who asks,
    /// what and why, asks for consent, and sends only what the request needs.
    Present {
        /// The request link, as in the verifier's QR code.
        link: String,
        /// Consent without asking (for scripts).
        #[arg(long)]
        yes: bool,
    },
}

fn read_pin(tx: &TxCode) -> anyhow::Result<String> {
    let mut prompt = String::from("Transaction code");
    if let Some(d) = &tx.description {
        prompt = format!("{prompt} ({})", d.chars().take(300).collect::<String>());
    }
    eprint!("{prompt}: ");
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let pin = line.trim().to_owned();
    anyhow::ensure!(!pin.is_empty(), "no transaction code given");
    Ok(pin)
}

async fn receive(dir: &Path, offer_url: &str, pin: Option<String>) -> anyhow::Result<()> {
    let mut wallet = Wallet::open(dir)?;
    let client = Client::new()?;
    let offer = client.resolve_offer(offer_url).await?;
    eprintln!("offer from {} for {}", offer.credential_issuer, offer.credential_configuration_ids.join(", "));
    let pin = match (offer.pre_authorized()?.tx_code, pin) {
        (Some(tx), None) => Some(tokio::task::spawn_blocking(move || read_pin(&tx)).await??),
        (_, pin) => pin,
    };
    let received = client.receive(&mut wallet, &offer, pin.as_deref()).await?;
    for c in &received {
        println!(
            "received {} ({}) from {}",
            c.types.last().map(String::as_str).unwrap_or("credential"),
            c.format,
            c.issuer
        );
    }
    Ok(())
}

fn ask_consent() -> anyhow::Result<bool> {
    eprint!("Share this? [y/N] ");
    std::io::stderr().flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
}

/// Print who asks, what and why, and which credential answers each query.
fn describe_request(request: &VerifiedRequest, wallet: &Wallet) -> Vec<Option<Choice>> {
    match &request.client_name {
        Some(name) => println!("{name} (the name it gives itself) asks for credentials"),
        None => println!("A verifier asks for credentials"),
    }
    println!("  verifier:  {} (request signed by its key)", request.did);
    if let Some(p) = &request.purpose {
        println!("  why:       {p}");
    }
    let mut choices = Vec::new();
    for cq in &request.dcql.credentials {
        let asked: Vec<String> = cq.claims.iter().flatten().map(|c| c.path.display()).collect::<Vec<_>>();
        println!(
            "  what:      a {} credential{}",
            cq.format,
            if asked.is_empty() { String::new() } else { format!(" — {}", asked.join(", ")) }
        );
        let choice = choose(cq, wallet.credentials());
        match &choice {
            Some(c) => {
                let held = &wallet.credentials()[c.index];
                println!(
                    "  answer:    your credential {} ({}, {}, from {}), disclosing {}",
                    c.index + 1,
                    held.types.last().map(String::as_str).unwrap_or("credential"),
                    held.format,
                    held.issuer,
                    if c.disclose.is_empty() { "no optional claims".to_owned() } else { c.disclose.join(", ") }
                );
            }
            None => println!("  answer:    none of your credentials answers this"),
        }
        choices.push(choice);
    }
    choices
}

async fn present(dir: &Path, link: &str, yes: bool) -> anyhow::Result<()> {
    let wallet = Wallet::open(dir)?;
    let client = Client::new()?;
    let request = client.fetch_request(link).await?;
    let choices = describe_request(&request, &wallet);
    let Some(choices) = choices.into_iter().collect::<Option<Vec<Choice>>>() else {
        client.decline(&request).await?;
        anyhow::bail!(
            "this wallet holds no credential that answers the request; the verifier was told (access_denied)"
        );
    };
    let consent = yes || tokio::task::spawn_blocking(ask_consent).await??;
    if !consent {
        client.decline(&request).await?;
        println!("declined; the verifier was told (access_denied)");
        return Ok(());
    }
    let token = answer(&request, wallet.key(), wallet.credentials(), &choices, chrono::Utc::now())?;
    let answer = client.send_presentation(&request, token).await?;
    println!("sent to {} ({})", request.did, request.response_mode);
    if let Some(uri) = answer.get("redirect_uri").and_then(Value::as_str) {
        println!("the verifier asks you to continue at {uri}");
    }
    Ok(())
}

async fn refresh(dir: &Path, only: Option<usize>) -> anyhow::Result<()> {
    let mut w = Wallet::open(dir)?;
    let count = w.credentials().len();
    if let Some(n) = only {
        anyhow::ensure!((1..=count).contains(&n), "no credential {n}; the wallet holds {count}");
    }
    let client = Client::new()?;
    let mut failed = 0;
    for i in 0..count {
        if only.is_some_and(|n| n != i + 1) {
            continue;
        }
        let c = w.credentials()[i].clone();
        let kind = c.types.last().map(String::as_str).unwrap_or("-").to_owned();
        match client.refresh_status(&c).await {
            Ok(Some(state)) => {
                let checked_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                w.set_status(&c.id, KnownStatus { state, checked_at })?;
                println!("{:>3}  {:<40} {}", i + 1, kind, state.as_str().to_uppercase());
            }
            Ok(None) => println!("{:>3}  {:<40} no status list (cannot be revoked)", i + 1, kind),
            Err(e) => {
                failed += 1;
                println!("{:>3}  {:<40} could not check: {e}", i + 1, kind);
            }
        }
    }
    anyhow::ensure!(failed == 0, "{failed} status(es) could not be checked");
    Ok(())
}

pub(crate) async fn run(g: &Global, args: WalletArgs) -> anyhow::Result<()> {
    let dir = args.wallet_dir.unwrap_or_else(|| g.data_dir.join("wallet"));
    match args.command {
        WalletCommand::Init => {
            let w = Wallet::init(&dir).with_context(|| format!("creating a wallet in {}", dir.display()))?;
            println!("wallet created in {}", dir.display());
            println!("holder DID: {}", w.key().did());
        }
        WalletCommand::Receive { offer_url, pin } => receive(&dir, &offer_url, pin).await?,
        WalletCommand::Present { link, yes } => present(&dir, &link, yes).await?,
        WalletCommand::Status { n } => refresh(&dir, n).await?,
        WalletCommand::List => {
            let w = Wallet::open(&dir)?;
            println!("holder DID: {}", w.key().did());
            for (i, c) in w.credentials().iter().enumerate() {
                let kind = c.types.last().map(String::as_str).unwrap_or("-");
                let status = c.status.as_ref().map(|s| s.state.as_str()).unwrap_or("not checked");
                println!("{:>3}  {:<12} {:<40} {:<11} {}  {}", i + 1, c.format, kind, status, c.issuer, c.received_at);
            }
            if w.credentials().is_empty() {
                println!("(no credentials yet: medcred wallet receive <offer-url>)");
            }
        }
        WalletCommand::Show { n } => {
            let w = Wallet::open(&dir)?;
            let c = n
                .checked_sub(1)
                .and_then(|i| w.credentials().get(i))
                .with_context(|| format!("no credential {n}; the wallet holds {}", w.credentials().len()))?;
            println!("{}", serde_json::to_string_pretty(c)?);
        }
    }
    Ok(())
}
