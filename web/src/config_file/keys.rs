//! The keys of the configuration file: which flag each one sets, and what its value must be.
//! Keys at the top level apply to every command; `[serve]`, `[tls]`, `[witness]` and `[trust]` to
//! `serve`, `demo` and `config check`; `[anchor]` to those and `anchor`.

use std::net::SocketAddr;

use crate::edge::LimitSetting;

/// The tables a file may have (`serve.rate_limits` is a table inside `[serve]`).
pub(crate) const SECTIONS: &[&str] = &["serve", "tls", "witness", "trust", "anchor"];

/// Which commands a key's flag belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// A global flag: every command.
    Global,
    /// `serve`, `demo` and `config check`.
    Serve,
    /// Those and `anchor`.
    Anchor,
}

/// What a value must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A file or directory path (a non-empty string).
    Path,
    /// A name (a non-empty string).
    Name,
    /// `sqlite:…` or `postgres://…`.
    DatabaseUrl,
    /// An `http://` or `https://` URL with a host.
    HttpUrl,
    /// An IP address and port.
    SocketAddr,
    /// `true` or `false`.
    Bool,
    /// A whole number of at least `min`, in `unit`.
    Count {
        /// The smallest value allowed.
        min: u64,
        /// What is counted ("seconds", "requests", …).
        unit: &'static str,
    },
    /// A table of limit class to rate.
    RateTable,
    /// A list of witnesses, `URL=KEY`.
    WitnessPeers,
    /// A list of trust list keys (Multikey or did:key).
    TrustKeys,
}

impl Kind {
    /// Whether the value is an array.
    pub(crate) fn is_list(self) -> bool {
        matches!(self, Kind::WitnessPeers | Kind::TrustKeys)
    }

    /// What is expected, for messages.
    pub(crate) fn expected(self) -> String {
        match self {
            Kind::Path => "a path (a non-empty string)".into(),
            Kind::Name => "a name (a non-empty string)".into(),
            Kind::DatabaseUrl => "a database URL, \"sqlite://PATH?mode=rwc\" or \"postgres://USER@HOST/DB\"".into(),
            Kind::HttpUrl => "an http:// or https:// URL such as \"https://medcred.example\"".into(),
            Kind::SocketAddr => "an IP address and port such as \"127.0.0.1:8080\" or \"[::]:443\"".into(),
            Kind::Bool => "true or false".into(),
            Kind::Count { min, unit } => format!("a whole number of {unit}, at least {min}"),
            Kind::RateTable => "a table of CLASS = \"RATE\"".into(),
            Kind::WitnessPeers => "an array of \"URL=KEY\" strings".into(),
            Kind::TrustKeys => "an array of Ed25519 keys (\"z6Mk…\" or \"did:key:z6Mk…\")".into(),
        }
    }

    /// Check one string value (an item of a list kind); the flag value it stands for.
    pub(crate) fn check_str(self, s: &str) -> Result<String, String> {
        let expected = || self.expected();
        match self {
            Kind::Path | Kind::Name if s.trim().is_empty() => Err(format!("is empty; expected {}", expected())),
            Kind::Path | Kind::Name => Ok(s.to_owned()),
            Kind::DatabaseUrl => {
                let ok = s.starts_with("sqlite:") || s.starts_with("postgres://") || s.starts_with("postgresql://");
                if ok {
                    Ok(s.to_owned())
                } else {
                    Err(format!("{:?} is not a database URL; expected {}", redact_url(s), expected()))
                }
            }
            Kind::HttpUrl => {
                let host = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://"));
                match host.and_then(|h| h.split('/').next()) {
                    Some(h) if !h.is_empty() && !s.chars().any(char::is_whitespace) => Ok(s.to_owned()),
                    _ => Err(format!("{s:?} is not a URL; expected {}", expected())),
                }
            }
            Kind::SocketAddr => match s.parse::<SocketAddr>() {
                Ok(_) => Ok(s.to_owned()),
                Err(_) => Err(format!("{s:?} is not an address and port; expected {}", expected())),
            },
            Kind::WitnessPeers => match crate::roles::witness_peers(&[s.to_owned()]) {
                Ok(_) => Ok(s.to_owned()),
                Err(e) => Err(format!("{e}; expected \"https://witness.example/witness=NAME+HASH+KEY\"")),
            },
            Kind::TrustKeys => match crate::trust::parse_key(s) {
                Ok(_) => Ok(s.to_owned()),
                Err(_) => Err(format!("{s:?} is not an Ed25519 Multikey; expected \"z6Mk…\" or \"did:key:z6Mk…\"")),
            },
            Kind::Bool | Kind::Count { .. } | Kind::RateTable => {
                Err(format!("is of type string; expected {}", expected()))
            }
        }
    }
}

/// One key of the file.
#[derive(Debug)]
pub(crate) struct Key {
    /// The dotted name (`serve.listen`).
    pub(crate) name: &'static str,
    /// The id of the flag it sets (the field of the clap struct).
    pub(crate) arg: &'static str,
    /// Which commands have that flag.
    pub(crate) scope: Scope,
    /// What the value must be.
    pub(crate) kind: Kind,
    /// Whether the value may hold a secret (printed redacted).
    pub(crate) secret: bool,
}

const fn key(name: &'static str, arg: &'static str, scope: Scope, kind: Kind) -> Key {
    Key { name, arg, scope, kind, secret: false }
}

const SECONDS: Kind = Kind::Count { min: 1, unit: "seconds" };

/// Every key, in the order `config check` prints them.
pub(crate) static KEYS: &[Key] = &[
    key("data_dir", "data_dir", Scope::Global, Kind::Path),
    Key { secret: true, ..key("database_url", "database_url", Scope::Global, Kind::DatabaseUrl) },
    key("public_url", "public_url", Scope::Global, Kind::HttpUrl),
    key("log_json", "log_json", Scope::Global, Kind::Bool),
    key("serve.listen", "listen", Scope::Serve, Kind::SocketAddr),
    key("serve.max_in_flight", "max_in_flight", Scope::Serve, Kind::Count { min: 1, unit: "requests" }),
    key("serve.monitor_every", "monitor_every", Scope::Serve, SECONDS),
    key("serve.site_root", "site_root", Scope::Serve, Kind::Path),
    key("serve.node_id", "node_id", Scope::Serve, Kind::Name),
    key("serve.lease_ms", "lease_ms", Scope::Serve, Kind::Count { min: 1, unit: "milliseconds" }),
    key("serve.read_only", "read_only", Scope::Serve, Kind::Bool),
    key("serve.rate_limits", "rate_limits", Scope::Serve, Kind::RateTable),
    key("tls.cert", "tls_cert", Scope::Serve, Kind::Path),
    key("tls.key", "tls_key", Scope::Serve, Kind::Path),
    key("witness.enabled", "witness", Scope::Serve, Kind::Bool),
    key("witness.peers", "witness_peers", Scope::Serve, Kind::WitnessPeers),
    key("trust.list", "trust_list", Scope::Serve, Kind::Path),
    key("trust.keys", "trust_list_keys", Scope::Serve, Kind::TrustKeys),
    key("anchor.rpc_url", "anchor_rpc_url", Scope::Anchor, Kind::HttpUrl),
    key("anchor.key_file", "anchor_key_file", Scope::Anchor, Kind::Path),
    key("anchor.chain_id", "anchor_chain_id", Scope::Anchor, Kind::Count { min: 0, unit: "(a chain id)" }),
    key("anchor.every", "anchor_every", Scope::Anchor, SECONDS),
];

/// The key named `dotted`.
pub(crate) fn find(dotted: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.name == dotted)
}

/// The keys of `section` ("" for the top level), for messages.
pub(crate) fn names_in(section: &str) -> String {
    let names: Vec<&str> = KEYS
        .iter()
        .filter_map(|k| match k.name.split_once('.') {
            Some((s, rest)) if s == section => Some(rest),
            None if section.is_empty() => Some(k.name),
            _ => None,
        })
        .collect();
    names.join(", ")
}

/// A `[serve.rate_limits]` entry as the `--rate-limit` value `CLASS=RATE` (per client), or one of
/// `[serve.rate_limits.account]` as `CLASS.account=RATE` (`account` set).
pub(crate) fn check_rate(class: &str, rate: &str, account: bool) -> Result<String, String> {
    let spec = if account { format!("{class}.account={rate}") } else { format!("{class}={rate}") };
    spec.parse::<LimitSetting>().map(|_| spec.clone()).map_err(|e| {
        format!(
            "{e}; expected a class (signin, issue, status, verify, oid4vc) = \"N/s\", \"N/min\", \"N/h\" or \"off\""
        )
    })
}

/// `url` with any password replaced by `[redacted]`: in the user info
/// (`postgres://u:[redacted]@host/db`) and in a `password=` query parameter.
pub(crate) fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{user}:[redacted]@{host}"),
            None => authority.to_owned(),
        },
        None => authority.to_owned(),
    };
    let path = match path.split_once('?') {
        Some((path, query)) => {
            let params: Vec<String> = query
                .split('&')
                .map(|p| match p.split_once('=') {
                    Some((name, _)) if name.eq_ignore_ascii_case("password") => format!("{name}=[redacted]"),
                    _ => p.to_owned(),
                })
                .collect();
            format!("{path}?{}", params.join("&"))
        }
        None => path.to_owned(),
    };
    format!("{scheme}://{authority}{path}")
}
