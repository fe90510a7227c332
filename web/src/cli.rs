//! Command-line interface (clap): every subcommand and its options.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// medcred — verifiable medical credentials: licensing boards issue, hospitals verify.
#[derive(Debug, Parser)]
#[command(name = "medcred", version, about, long_about = None)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    /// Log as JSON lines instead of text.
    #[arg(long, global = true, env = "MEDCRED_LOG_JSON")]
    pub(crate) log_json: bool,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every command shares.
#[derive(Debug, Args)]
pub(crate) struct Global {
    /// Directory for the SQLite database, the master key file and TLS files.
    #[arg(long, global = true, env = "MEDCRED_DATA_DIR", default_value = "data")]
    pub(crate) data_dir: PathBuf,
    /// Database URL (sqlite://… or postgres://…). Default: SQLite in the data directory.
    #[arg(long, global = true, env = "DATABASE_URL")]
    pub(crate) database_url: Option<String>,
    /// Public base URL of this deployment (names the boards' did:web). Default: from --listen.
    #[arg(long, global = true, env = "MEDCRED_PUBLIC_URL")]
    pub(crate) public_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the server (APIs, DID documents, contexts).
    Serve(ServeArgs),
    /// Run the all-in-one demo: SQLite, a seeded demo board and sample credentials; prints URLs
    /// and a working API token.
    Demo(ServeArgs),
    /// Manage licensing boards (issuers).
    #[command(subcommand)]
    Board(BoardCommand),
    /// Manage hospitals (verifier organisations with their own did:web, receipts and monitoring).
    #[command(subcommand)]
    Hospital(HospitalCommand),
    /// Issue one credential from a JSON file (the VC-API `credential` object).
    Issue(IssueArgs),
    /// Issue one license per row of a CSV file, with a progress bar and a per-row error report.
    /// Re-running skips rows already issued.
    IssueBulk(IssueBulkArgs),
    /// Check a credential file offline: format, signature, issuer binding, validity period.
    Verify(VerifyArgs),
    /// Revoke a credential for good (recorded on the board's ledger with a reason).
    Revoke(StatusArgs),
    /// Suspend a credential until it is reinstated.
    Suspend(StatusArgs),
    /// Lift a suspension (refused for a revoked credential).
    Reinstate(StatusArgs),
    /// Show a credential's status and its history.
    Status(StatusShowArgs),
    /// Manage the master key that seals board keys at rest.
    #[command(subcommand)]
    MasterKey(MasterKeyCommand),
    /// The witness role: this deployment's cosigning key and the logs it follows.
    #[command(subcommand)]
    Witness(WitnessCommand),
    /// Anchor a board's newest checkpoint on the configured EVM chain now.
    Anchor(AnchorNowArgs),
    /// A holder's wallet: a key (did:jwk) and the credentials received over OpenID4VCI.
    Wallet(crate::cmd::wallet::WalletArgs),
    /// People who sign in to the web app (board and hospital staff).
    #[command(subcommand)]
    User(UserCommand),
    /// Back up the whole database to FILE (SQLite: a consistent copy, safe while serving;
    /// PostgreSQL: pg_dump). Board keys stay sealed: keep the master key safe and apart.
    Backup(BackupArgs),
    /// Restore a backup into the configured database (stop the server first).
    Restore(RestoreArgs),
    /// The configuration: `config check` validates it without starting.
    #[command(subcommand)]
    Config(ConfigCommand),
}

#[derive(Debug, Subcommand)]
pub(crate) enum ConfigCommand {
    /// Check the configuration `serve` would run with (file, environment and these flags): every
    /// value, the database, the data directory, the master key, TLS and key files. Prints the
    /// effective configuration with secrets redacted; exits 1 if anything is wrong.
    Check(ServeArgs),
}

#[derive(Debug, Args)]
pub(crate) struct BackupArgs {
    /// The backup file to write (must not exist).
    pub(crate) file: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct RestoreArgs {
    /// The backup file (from `medcred backup`).
    pub(crate) file: PathBuf,
    /// Replace a database that already holds data.
    #[arg(long)]
    pub(crate) force: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum WitnessCommand {
    /// Print this deployment's witness verifier key (creating the key on first use). Give it to
    /// the registries that should ask this witness to cosign (`serve --witness-peer URL=KEY`).
    Key,
    /// Start cosigning the log ORIGIN signed by KEY (both from the log's
    /// `GET /boards/{slug}/log/checkpoints`, or its DID document's MedcredLedger service).
    Follow {
        /// The log's origin (first line of its checkpoints).
        origin: String,
        /// The log's verifier key (`name+hash+base64`).
        key: String,
    },
    /// List the logs this witness follows and the forks it refused.
    Show,
}

/// Where to anchor checkpoints (all optional: without an RPC URL, anchoring is off).
#[derive(Debug, Args, Clone)]
pub(crate) struct AnchorArgs {
    /// JSON-RPC URL of an EVM node to anchor checkpoint roots on.
    #[arg(long, env = "MEDCRED_ANCHOR_RPC_URL")]
    pub(crate) anchor_rpc_url: Option<String>,
    /// File holding the anchoring account's secp256k1 secret key (64 hex digits; keep it 0600).
    #[arg(long, env = "MEDCRED_ANCHOR_KEY_FILE")]
    pub(crate) anchor_key_file: Option<PathBuf>,
    /// Refuse to anchor unless the node reports this chain id.
    #[arg(long, env = "MEDCRED_ANCHOR_CHAIN_ID")]
    pub(crate) anchor_chain_id: Option<u64>,
    /// Seconds between anchoring rounds (each anchors every board with a new checkpoint).
    #[arg(long, env = "MEDCRED_ANCHOR_EVERY", default_value_t = 3600)]
    pub(crate) anchor_every: u64,
}

#[derive(Debug, Args)]
pub(crate) struct AnchorNowArgs {
    /// The board's slug.
    #[arg(long)]
    pub(crate) board: String,
    #[command(flatten)]
    pub(crate) anchor: AnchorArgs,
}

#[derive(Debug, Args)]
pub(crate) struct StatusArgs {
    /// The board's slug.
    #[arg(long)]
    pub(crate) board: String,
    /// Why (kept in the database; only its hash goes to the ledger).
    #[arg(long)]
    pub(crate) reason: String,
    /// Who is acting (recorded with the change).
    #[arg(long, default_value = "cli")]
    pub(crate) actor: String,
    /// The credential id (`urn:uuid:…`).
    pub(crate) credential: String,
}

#[derive(Debug, Args)]
pub(crate) struct StatusShowArgs {
    /// The board's slug.
    #[arg(long)]
    pub(crate) board: String,
    /// The credential id (`urn:uuid:…`).
    pub(crate) credential: String,
}

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address to listen on (port 0 picks a free port; the URL is printed).
    #[arg(long, env = "MEDCRED_LISTEN", default_value = "127.0.0.1:8080")]
    pub(crate) listen: SocketAddr,
    /// TLS certificate chain (PEM). With --tls-key, serves HTTPS. (Whether both are given is
    /// checked after the configuration file is read: either may come from it.)
    #[arg(long, env = "MEDCRED_TLS_CERT")]
    pub(crate) tls_cert: Option<PathBuf>,
    /// TLS private key (PEM).
    #[arg(long, env = "MEDCRED_TLS_KEY")]
    pub(crate) tls_key: Option<PathBuf>,
    /// (demo) Serve HTTPS with a self-signed certificate created in the data directory.
    #[arg(long)]
    pub(crate) self_signed: bool,
    /// Also act as a witness (C2SP tlog-witness at /witness/add-checkpoint) for the logs added
    /// with `medcred witness follow`.
    #[arg(long, env = "MEDCRED_WITNESS")]
    pub(crate) witness: bool,
    /// A witness to ask for cosignatures after every batch, as URL=KEY (URL ends in /witness;
    /// KEY from `medcred witness key` there). Repeat for each witness.
    #[arg(long = "witness-peer", env = "MEDCRED_WITNESS_PEERS", value_delimiter = ',')]
    pub(crate) witness_peers: Vec<String>,
    /// The signed trust list of accredited boards (a compact JWS, `medcred-trust-list+jwt`).
    #[arg(long, env = "MEDCRED_TRUST_LIST")]
    pub(crate) trust_list: Option<PathBuf>,
    /// A key that may sign the trust list (Ed25519 Multikey `z6Mk…` or did:key). Repeatable.
    #[arg(long = "trust-list-key", env = "MEDCRED_TRUST_LIST_KEYS", value_delimiter = ',')]
    pub(crate) trust_list_keys: Vec<String>,
    /// Seconds between hospital monitoring rounds (watched credentials are also re-checked
    /// right after each status change this deployment commits).
    #[arg(long, env = "MEDCRED_MONITOR_EVERY", default_value_t = 300)]
    pub(crate) monitor_every: u64,
    /// The web app's static files (the hydration bundle in `<dir>/pkg`, built by
    /// `scripts/build-app.sh`). Default: `$MEDCRED_SITE_ROOT`, else `./site`.
    #[arg(long)]
    pub(crate) site_root: Option<String>,
    /// A rate limit on POSTs: CLASS=RATE per client address, CLASS.account=RATE per account (API
    /// token, signed-in person, or the e-mail address a sign-in names); RATE is N/s, N/min, N/h or
    /// off, and CLASS=off lifts both. Classes (per client / per account): signin (30/min, 10/min),
    /// issue (200/s, 200/s), status (100/s, 100/s), verify (500/s, 500/s), oid4vc (50/s, none).
    /// Repeatable.
    #[arg(long = "rate-limit", env = "MEDCRED_RATE_LIMITS", value_delimiter = ',')]
    pub(crate) rate_limits: Vec<crate::edge::LimitSetting>,
    /// Requests answered at once; past this the server answers 503 with Retry-After.
    #[arg(long, env = "MEDCRED_MAX_IN_FLIGHT", default_value_t = crate::edge::DEFAULT_MAX_IN_FLIGHT)]
    pub(crate) max_in_flight: usize,
    /// This process's name among several `medcred serve` processes over one database (the
    /// holder named in the `leases` table). Default: host name, process id and a random suffix.
    #[arg(long, env = "MEDCRED_NODE_ID")]
    pub(crate) node_id: Option<String>,
    /// How long a role lease (a board's sequencer, the anchoring account, hospital monitoring)
    /// lasts unless renewed, in milliseconds; a dead process's roles move to another after it.
    #[arg(long, env = "MEDCRED_LEASE_MS", default_value_t = 15_000)]
    pub(crate) lease_ms: u64,
    /// Serve a PostgreSQL streaming replica (hot standby) read-only: no migrations (every one this
    /// binary knows must be applied already), no leases or roles, and every request that would
    /// write refused with 503 `read_only` before its handler runs (docs/scaling.md). Log heads
    /// are read every quarter of --lease-ms so revocations the replica replays are seen.
    #[arg(long, env = "MEDCRED_READ_ONLY", value_parser = clap::builder::BoolishValueParser::new())]
    pub(crate) read_only: bool,
    #[command(flatten)]
    pub(crate) anchor: AnchorArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum UserCommand {
    /// Add a person: prints a generated password (shown once) unless --password-stdin.
    Add {
        /// The board they work for (slug).
        #[arg(long, conflicts_with = "hospital", required_unless_present = "hospital")]
        board: Option<String>,
        /// The hospital they work for (slug).
        #[arg(long)]
        hospital: Option<String>,
        /// Their email (unique, without regard to case).
        #[arg(long)]
        email: String,
        /// board_admin, board_issuer, hospital_admin or hospital_verifier.
        #[arg(long)]
        role: String,
        /// Their name as the app shows it (default: the email).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from the first line of standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Give a person a new password (generated unless --password-stdin); lifts a lockout and
    /// ends their sessions.
    Password {
        /// Their email.
        #[arg(long)]
        email: String,
        /// Read the password from the first line of standard input.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List everyone: organisation, email, role, name.
    List,
}

#[derive(Debug, Subcommand)]
pub(crate) enum HospitalCommand {
    /// Create a hospital: a did:web, an Ed25519 key sealed at rest (it signs receipts and
    /// webhooks), and an admin API token (shown once).
    Create {
        /// URL-safe short name (2-40 of a-z, 0-9, '-').
        #[arg(long)]
        slug: String,
        /// Display name.
        #[arg(long)]
        name: String,
    },
    /// List hospitals.
    List,
    /// Mint an API token for a hospital (shown once).
    Token {
        /// The hospital's slug.
        slug: String,
        /// admin or verifier.
        #[arg(long, default_value = "verifier")]
        role: String,
        /// Who or what it is for.
        #[arg(long, default_value = "cli")]
        label: String,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum BoardCommand {
    /// Create a board: a DID, an Ed25519 key sealed at rest, and an admin API token (shown once).
    Create {
        /// URL-safe short name, e.g. nj-bon.
        #[arg(long)]
        slug: String,
        /// Display name, e.g. "New Jersey Board of Nursing".
        #[arg(long)]
        name: String,
        /// Use did:key instead of did:web (tests and offline demos).
        #[arg(long, conflicts_with = "host_did")]
        did_key: bool,
        /// Make this board the host's DID (did:web:<host>, served at /.well-known/did.json).
        #[arg(long)]
        host_did: bool,
    },
    /// List boards.
    List,
    /// Show a board's DID document.
    Show {
        /// Board slug.
        slug: String,
    },
    /// Add a new active key and retire the current one (it stays in the DID document).
    RotateKey {
        /// Board slug.
        slug: String,
    },
    /// A board key was stolen: take it out of the DID document now (what it signed stops
    /// verifying), rotate if it was the active key, and queue everything it signed for
    /// re-issuance (`medcred board reissue`).
    CompromiseKey {
        /// Board slug.
        slug: String,
        /// The stolen key, e.g. key-1.
        key_id: String,
        /// From when the key is believed to be in other hands (RFC 3339); default: its creation.
        #[arg(long)]
        since: Option<String>,
    },
    /// Re-issue every credential queued by a key compromise under the board's new key, and
    /// revoke the old ones ("key compromise") through the ledger. Resumable: run it again after
    /// an interruption.
    Reissue {
        /// Board slug.
        slug: String,
    },
    /// Mint an API token for a board (shown once).
    Token {
        /// Board slug.
        slug: String,
        /// admin or issuer.
        #[arg(long, default_value = "issuer")]
        role: String,
        /// What the token is for.
        #[arg(long, default_value = "cli")]
        label: String,
    },
}

#[derive(Debug, Args)]
pub(crate) struct IssueArgs {
    /// Issuing board slug.
    #[arg(long)]
    pub(crate) board: String,
    /// eddsa-rdfc-2022, eddsa-jcs-2022, vc+jwt or dc+sd-jwt.
    #[arg(long, default_value = "eddsa-rdfc-2022")]
    pub(crate) format: String,
    /// The credential JSON file.
    pub(crate) file: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct IssueBulkArgs {
    /// Issuing board slug.
    #[arg(long)]
    pub(crate) board: String,
    /// eddsa-rdfc-2022, eddsa-jcs-2022, vc+jwt or dc+sd-jwt.
    #[arg(long, default_value = "eddsa-rdfc-2022")]
    pub(crate) format: String,
    /// Where to write the per-row error report (CSV). Default: <file>.errors.csv.
    #[arg(long)]
    pub(crate) errors: Option<PathBuf>,
    /// The CSV file (columns: practitioner_name, license_type, license_number, jurisdiction,
    /// original_issue_date, valid_from, valid_until, specialty, restrictions, npi,
    /// multistate_privilege, holder_did).
    pub(crate) file: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {
    /// DID documents to use for did:web issuers (offline); did:key and did:jwk need none.
    #[arg(long = "did-doc")]
    pub(crate) did_docs: Vec<PathBuf>,
    /// The credential file (JSON, or a compact vc+jwt / dc+sd-jwt).
    pub(crate) file: PathBuf,
}

#[derive(Debug, Subcommand)]
pub(crate) enum MasterKeyCommand {
    /// Re-seal every board key under a new master key written to NEW_KEY_FILE (mode 0600). Then
    /// replace the old key file (or MEDCRED_MASTER_KEY) with the new one.
    Rotate {
        /// Where to write the new master key (must not exist).
        new_key_file: PathBuf,
    },
    /// Print the id (fingerprint) of the loaded master key.
    Id,
}
