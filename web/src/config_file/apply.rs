//! Where the configuration file is named (`--config FILE`, else `MEDCRED_CONFIG`), and how its
//! values reach the flags: as clap defaults, under a flag and its environment variable.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Arg, Command};

use super::keys::Scope;
use super::{ConfigFile, Entry};

/// The subcommands (as paths from the root) whose flags each scope sets.
fn commands(scope: Scope) -> &'static [&'static [&'static str]] {
    match scope {
        Scope::Global => &[&[]],
        Scope::Serve => &[&["serve"], &["demo"], &["config", "check"]],
        Scope::Anchor => &[&["serve"], &["demo"], &["config", "check"], &["anchor"]],
    }
}

/// The `--config FILE` flag. The file is read before the command line is parsed
/// ([`config_path`]); the flag is declared so that clap accepts it and documents it.
pub(crate) fn config_arg() -> Arg {
    Arg::new("config")
        .long("config")
        .global(true)
        .env("MEDCRED_CONFIG")
        .value_name("FILE")
        .help("A TOML configuration file (docs/medcred.example.toml): flag > environment > file > default")
}

/// The file named by `--config FILE` / `--config=FILE` in `args` (before a `--`), else by
/// `MEDCRED_CONFIG` (`env`) when it is not empty.
pub(crate) fn config_path(args: &[OsString], env: Option<OsString>) -> Option<PathBuf> {
    let mut it = args.iter().skip(1);
    while let Some(arg) = it.next() {
        if arg == "--" {
            break;
        }
        if arg == "--config" {
            return it.next().map(PathBuf::from);
        }
        if let Some(value) = arg.to_str().and_then(|a| a.strip_prefix("--config=")) {
            return Some(PathBuf::from(value));
        }
    }
    env.filter(|v| !v.is_empty()).map(PathBuf::from)
}

/// `cmd` with the file's values as the defaults of the flags they stand for.
pub(crate) fn apply(mut cmd: Command, file: &ConfigFile) -> Command {
    for entry in &file.entries {
        for path in commands(entry.key.scope) {
            cmd = at(cmd, path, entry);
        }
    }
    cmd
}

fn at(cmd: Command, path: &[&str], entry: &Entry) -> Command {
    match path.split_first() {
        None => cmd.mut_arg(entry.key.arg, |arg| with_default(arg, entry)),
        Some((name, rest)) => cmd.mut_subcommand(*name, |sub| at(sub, rest, entry)),
    }
}

fn with_default(arg: Arg, entry: &Entry) -> Arg {
    if entry.values.is_empty() {
        // An empty list in the file: no default (the built-in default is empty too).
        return arg;
    }
    arg.default_values(entry.values.iter().cloned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_flag_names_the_file_before_the_environment() {
        let env = || Some(OsString::from("env.toml"));
        assert_eq!(config_path(&os(&["medcred", "--config", "a.toml", "serve"]), env()), Some("a.toml".into()));
        assert_eq!(config_path(&os(&["medcred", "serve", "--config=b.toml"]), env()), Some("b.toml".into()));
        assert_eq!(config_path(&os(&["medcred", "serve"]), env()), Some("env.toml".into()));
        assert_eq!(config_path(&os(&["medcred", "serve"]), Some(OsString::new())), None);
        assert_eq!(config_path(&os(&["medcred", "wallet", "--", "--config", "x"]), None), None);
    }
}
