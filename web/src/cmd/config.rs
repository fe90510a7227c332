//! `medcred config check`: the configuration `serve` would start with (flags, environment,
//! configuration file, defaults), printed with where each value came from and secrets redacted,
//! then every check that needs no running server — values, data directory, database, master key,
//! TLS files, anchoring key, trust list. Exit status 0 when all pass, 1 otherwise.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::parser::ValueSource;
use clap::{ArgMatches, Command};
use medcred_issuer::MasterKey;
use medcred_store::Probe;

use crate::cli::{ConfigCommand, Global, ServeArgs};
use crate::config_file::keys::{redact_url, Kind, KEYS};
use crate::config_file::ConfigFile;
use crate::edge::{LimitClass, Limits, Per};

/// How long `config check` waits for the database.
const DATABASE_TIMEOUT: Duration = Duration::from_secs(5);

/// Where one effective value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A command-line flag.
    Flag,
    /// An environment variable.
    Env(String),
    /// The configuration file.
    File,
    /// The built-in default.
    Default,
}

/// One configuration key's effective value.
#[derive(Debug, Clone)]
pub(crate) struct Setting {
    /// The key, as in the file.
    pub(crate) name: &'static str,
    /// The flag values (empty: not set).
    pub(crate) values: Vec<String>,
    /// Where they came from.
    pub(crate) origin: Origin,
    kind: Kind,
    secret: bool,
}

/// The effective configuration of `config check`, read from its parsed command line.
#[derive(Debug, Clone, Default)]
pub(crate) struct Effective {
    /// The configuration file, if any.
    pub(crate) file: Option<PathBuf>,
    /// Every key, in [`KEYS`] order.
    pub(crate) settings: Vec<Setting>,
}

impl Effective {
    /// The settings of `config check` in `matches` (parsed by `command`), with their origins.
    /// Empty for any other command.
    pub(crate) fn of(command: &Command, matches: &ArgMatches, file: Option<&ConfigFile>) -> Self {
        let Some(check) = matches.subcommand_matches("config").and_then(|m| m.subcommand_matches("check")) else {
            return Self::default();
        };
        let Some(check_cmd) = command.find_subcommand("config").and_then(|c| c.find_subcommand("check")) else {
            return Self::default();
        };
        let settings = KEYS
            .iter()
            .map(|key| {
                let values: Vec<String> = check
                    .get_raw(key.arg)
                    .map(|raw| raw.map(|v| v.to_string_lossy().into_owned()).collect())
                    .unwrap_or_default();
                let env = || {
                    let arg = check_cmd.get_arguments().find(|a| a.get_id() == key.arg);
                    arg.and_then(|a| a.get_env()).map(|e| e.to_string_lossy().into_owned()).unwrap_or_default()
                };
                let origin = match check.value_source(key.arg) {
                    Some(ValueSource::CommandLine) => Origin::Flag,
                    Some(ValueSource::EnvVariable) => Origin::Env(env()),
                    _ if file.is_some_and(|f| f.sets(key.arg)) => Origin::File,
                    _ => Origin::Default,
                };
                Setting { name: key.name, values, origin, kind: key.kind, secret: key.secret }
            })
            .collect();
        Self { file: file.map(|f| f.path.clone()), settings }
    }

    /// The configuration as TOML, secrets redacted, each value followed by its origin.
    pub(crate) fn to_toml(&self, limits: &Limits) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "# Effective configuration (configuration file: {})",
            self.file.as_ref().map_or("none".into(), |p| p.display().to_string())
        );
        let mut section = "";
        for s in &self.settings {
            let (table, key) = s.name.split_once('.').unwrap_or(("", s.name));
            if table != section {
                section = table;
                let _ = writeln!(out, "\n[{table}]");
            }
            if s.kind == Kind::RateTable {
                for (table, per) in [("serve.rate_limits", Per::Client), ("serve.rate_limits.account", Per::Account)] {
                    let _ = writeln!(out, "\n[{table}] # {}", origin_text(&s.origin));
                    for class in LimitClass::ALL {
                        let rate = limits.rate(class, per).map_or("off".into(), |r| r.to_string());
                        let _ = writeln!(out, "{} = \"{rate}\"", class.name());
                    }
                }
                section = "serve.rate_limits.account";
                continue;
            }
            let value = match (s.values.as_slice(), s.kind) {
                ([], _) => {
                    let _ = writeln!(out, "# {key} is not set");
                    continue;
                }
                (values, kind) if kind.is_list() => {
                    format!("[{}]", values.iter().map(|v| quoted(v)).collect::<Vec<_>>().join(", "))
                }
                ([v, ..], Kind::Bool) => toml_bool(v),
                ([v, ..], Kind::Count { .. }) => v.clone(),
                ([v, ..], _) if s.secret => quoted(&redact_url(v)),
                ([v, ..], _) => quoted(v),
            };
            let _ = writeln!(out, "{key} = {value} # {}", origin_text(&s.origin));
        }
        out
    }
}

/// A flag's value as TOML: the environment may say `1`, `yes` or `on` where a file says `true`.
fn toml_bool(v: &str) -> String {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "y" | "on" => "true".into(),
        "0" | "false" | "no" | "n" | "off" | "" => "false".into(),
        _ => quoted(v),
    }
}

fn quoted(s: &str) -> String {
    format!("{s:?}")
}

fn origin_text(origin: &Origin) -> String {
    match origin {
        Origin::Flag => "flag".into(),
        Origin::Env(name) => format!("environment {name}"),
        Origin::File => "configuration file".into(),
        Origin::Default => "default".into(),
    }
}

/// Run `config` subcommands.
pub(crate) async fn run(g: &Global, command: ConfigCommand, effective: &Effective) -> anyhow::Result<()> {
    match command {
        ConfigCommand::Check(args) => check(g, &args, effective).await,
    }
}

/// One check's result: what was looked at, and the problem if any.
struct Outcome {
    what: String,
    problem: Option<String>,
}

fn outcome(what: impl Into<String>, result: anyhow::Result<String>) -> Outcome {
    match result {
        Ok(detail) => Outcome { what: format!("{}: {detail}", what.into()), problem: None },
        Err(e) => Outcome { what: what.into(), problem: Some(format!("{e:#}")) },
    }
}

async fn check(g: &Global, args: &ServeArgs, effective: &Effective) -> anyhow::Result<()> {
    print!("{}", effective.to_toml(&Limits::with(&args.rate_limits)));
    let tls = super::serve::tls_of(args);
    let public_url = crate::config::public_url(g, Some(args.listen), args.tls_cert.is_some());
    let (database_url, database) = database(g);
    let mut outcomes = vec![
        outcome("values", values(args)),
        outcome("public URL", Ok(public_url)),
        outcome(format!("data directory {}", g.data_dir.display()), data_dir_writable(&g.data_dir)),
    ];
    let probe = match database {
        _ if args.read_only => {
            let result = read_only_database(g).await;
            outcomes.push(outcome(format!("database {database_url} (read-only)"), result));
            match &g.database_url {
                Some(url) => medcred_store::probe(url, DATABASE_TIMEOUT).await.ok(),
                None => None,
            }
        }
        Database::NotYet(path) => {
            outcomes.push(outcome(
                format!("database {database_url}"),
                Ok(format!("{} does not exist yet; serve creates it", path.display())),
            ));
            None
        }
        Database::Url(url) => {
            let probed = medcred_store::probe(&url, DATABASE_TIMEOUT).await;
            let result = match &probed {
                Ok(p) if p.schema => Ok("reachable, medcred's tables are there".to_owned()),
                Ok(_) => Ok("reachable, empty (serve creates the tables)".to_owned()),
                Err(e) => Err(anyhow::anyhow!("not reachable: {e}")),
            };
            outcomes.push(outcome(format!("database {database_url}"), result));
            probed.ok()
        }
    };
    outcomes.push(outcome("master key", master_key(&g.data_dir, probe.as_ref())));
    match tls {
        Ok(Some(tls)) => outcomes.push(outcome("TLS", tls_files(&tls.cert, &tls.key).await)),
        Ok(None) => outcomes.push(outcome("TLS", Ok("off (plain HTTP)".into()))),
        Err(e) => outcomes.push(outcome("TLS", Err(e))),
    }
    outcomes.push(outcome("anchoring", anchoring(args)));
    outcomes.push(outcome("trust list", trust_list(args)));

    println!("\n# Checks");
    let failed = outcomes.iter().filter(|o| o.problem.is_some()).count();
    for o in &outcomes {
        match &o.problem {
            None => println!("ok    {}", o.what),
            Some(problem) => println!("FAIL  {}: {problem}", o.what),
        }
    }
    if failed > 0 {
        anyhow::bail!("{failed} of {} configuration checks failed", outcomes.len());
    }
    println!("\nconfiguration ok");
    Ok(())
}

/// The values clap cannot check on its own: pairs and ranges.
fn values(args: &ServeArgs) -> anyhow::Result<String> {
    let mut problems = Vec::new();
    if args.max_in_flight == 0 {
        problems.push("max_in_flight (--max-in-flight) must be at least 1".to_owned());
    }
    if args.monitor_every == 0 {
        problems.push("monitor_every (--monitor-every) must be at least 1 second".to_owned());
    }
    if let Err(e) = crate::roles::witness_peers(&args.witness_peers) {
        problems.push(e.to_string());
    }
    if args.read_only {
        if let Err(e) = crate::roles::check_read_only(args) {
            problems.push(e.to_string());
        }
    }
    if problems.is_empty() {
        Ok(format!("listen {}, max in flight {}", args.listen, args.max_in_flight))
    } else {
        anyhow::bail!(problems.join("; "))
    }
}

/// `serve --read-only`'s database: a PostgreSQL URL whose schema has every migration this binary
/// knows (opened without migrating, as serve opens it).
async fn read_only_database(g: &Global) -> anyhow::Result<String> {
    let Some(url) = &g.database_url else {
        anyhow::bail!("--read-only needs --database-url (DATABASE_URL) naming a PostgreSQL replica")
    };
    let db = tokio::time::timeout(DATABASE_TIMEOUT, medcred_store::Db::open_read_only(url))
        .await
        .map_err(|_| anyhow::anyhow!("no answer within {} s", DATABASE_TIMEOUT.as_secs()))??;
    db.close().await;
    Ok("reachable, every migration of this binary applied (nothing migrated)".into())
}

enum Database {
    /// The default SQLite file, not created yet.
    NotYet(PathBuf),
    /// A database to probe.
    Url(String),
}

/// The database URL (redacted, for display) and what to probe.
fn database(g: &Global) -> (String, Database) {
    match &g.database_url {
        Some(url) => (redact_url(url), Database::Url(url.clone())),
        None => {
            let path = g.data_dir.join("medcred.sqlite");
            let url = format!("sqlite://{}", path.display());
            if path.exists() {
                (url.clone(), Database::Url(url))
            } else {
                (url, Database::NotYet(path))
            }
        }
    }
}

/// The data directory can be written (or created, if it does not exist yet).
fn data_dir_writable(dir: &Path) -> anyhow::Result<String> {
    let existing = dir.ancestors().find(|a| a.exists()).unwrap_or(Path::new("."));
    let probe = existing.join(format!(".medcred-config-check-{}", std::process::id()));
    std::fs::write(&probe, b"").map_err(|e| anyhow::anyhow!("{} is not writable: {e}", existing.display()))?;
    let _ = std::fs::remove_file(&probe);
    if existing == dir {
        Ok("writable".into())
    } else {
        Ok(format!("does not exist yet; {} is writable, serve creates it", existing.display()))
    }
}

/// The master key is there and readable, and the database's board keys are sealed under it.
fn master_key(data_dir: &Path, probe: Option<&Probe>) -> anyhow::Result<String> {
    let file = data_dir.join("master.key");
    let (key, source) = match std::env::var("MEDCRED_MASTER_KEY") {
        Ok(v) => (
            Some(MasterKey::from_base64(&v).map_err(|e| anyhow::anyhow!("MEDCRED_MASTER_KEY: {e}"))?),
            "MEDCRED_MASTER_KEY".to_owned(),
        ),
        Err(_) if file.exists() => (Some(MasterKey::load_or_create(&file)?), file.display().to_string()),
        Err(_) => (None, file.display().to_string()),
    };
    let sealed_under = probe.and_then(|p| p.master_key_id.clone());
    match (key, sealed_under) {
        (Some(key), Some(id)) if key.id() == id => Ok(format!("{source}, id {id}, matches the database")),
        (Some(key), Some(id)) => {
            anyhow::bail!("{source} holds master key {}, but the database's keys are sealed under {id}", key.id())
        }
        (Some(key), None) => Ok(format!("{source}, id {} (the database records none yet)", key.id())),
        (None, Some(id)) => anyhow::bail!(
            "no master key (neither MEDCRED_MASTER_KEY nor {source}), but the database's keys are sealed under {id}"
        ),
        (None, None) => Ok(format!("{source} does not exist yet; serve creates it")),
    }
}

/// The TLS certificate and key files load as a rustls server configuration.
async fn tls_files(cert: &Path, key: &Path) -> anyhow::Result<String> {
    // As in `server::serve`: one crypto provider for the process.
    let _ = rustls::crypto::ring::default_provider().install_default();
    axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
        .await
        .map_err(|e| anyhow::anyhow!("certificate {} and key {}: {e}", cert.display(), key.display()))?;
    Ok(format!("certificate {} and key {} load", cert.display(), key.display()))
}

/// The anchoring chain settings, reading the signer key file.
fn anchoring(args: &ServeArgs) -> anyhow::Result<String> {
    match crate::roles::anchor_settings(&args.anchor)? {
        Some(s) => Ok(format!("every {} s, key file readable", s.every.as_secs())),
        None if args.anchor.anchor_key_file.is_some() => {
            anyhow::bail!("an anchoring key file without an RPC URL: give --anchor-rpc-url (anchor.rpc_url)")
        }
        None => Ok("off".into()),
    }
}

/// The trust list file reads and verifies with the trust keys (its rollback check needs the
/// database and happens at start).
fn trust_list(args: &ServeArgs) -> anyhow::Result<String> {
    let Some(file) = &args.trust_list else {
        return Ok("none (issuer trust is not checked)".into());
    };
    if args.trust_list_keys.is_empty() {
        anyhow::bail!("--trust-list needs at least one --trust-list-key (trust.keys) to check its signature");
    }
    let keys = args.trust_list_keys.iter().map(|k| crate::trust::parse_key(k)).collect::<anyhow::Result<Vec<_>>>()?;
    let jws = std::fs::read_to_string(file).map_err(|e| anyhow::anyhow!("reading {}: {e}", file.display()))?;
    let list = medcred_verifier::trust::TrustList::from_signed(&jws, &keys, chrono::Utc::now(), None)
        .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    Ok(format!("{}: {} accredited issuer(s), sequence {}", file.display(), list.entries.len(), list.sequence))
}
