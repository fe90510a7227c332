//! The configuration file, run as a user runs it (the real `medcred` binary, a clean
//! environment): the example file parses, unknown keys and bad values stop every command with the
//! file, line and key, flags beat the environment which beats the file which beats the defaults,
//! the file's global keys reach every command, and `config check` exits 0 or 1.
#![allow(clippy::panic)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_medcred");

/// `medcred ARGS` with only `env` in its environment (and PATH).
fn medcred(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args).env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run medcred")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn succeeded(out: &Output) -> String {
    assert!(out.status.success(), "medcred failed:\n{}\n{}", stdout(out), stderr(out));
    stdout(out)
}

fn failed(out: &Output) -> String {
    assert_eq!(out.status.code(), Some(1), "medcred did not exit 1:\n{}\n{}", stdout(out), stderr(out));
    format!("{}{}", stdout(out), stderr(out))
}

/// A file `medcred.toml` in `dir` with `text`.
fn config(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("medcred.toml");
    std::fs::write(&path, text).expect("write config");
    path
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// The line of `config check`'s output that sets `key`.
fn line<'a>(out: &'a str, key: &str) -> &'a str {
    out.lines().find(|l| l.starts_with(&format!("{key} = "))).unwrap_or_else(|| panic!("no {key} in:\n{out}"))
}

#[test]
fn the_example_file_is_read_and_checked() {
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/medcred.example.toml");
    // Every value parses; the checks fail on what this machine lacks (its TLS files, its keys).
    let out = failed(&medcred(&["--config", example, "config", "check"], &[]));
    assert!(line(&out, "listen").contains("\"0.0.0.0:8443\" # configuration file"), "{out}");
    assert!(line(&out, "database_url").contains("postgres://medcred@127.0.0.1:5432/medcred"), "{out}");
    assert!(out.contains("verify = \"500/s\""), "{out}");
    assert!(out.contains("FAIL  TLS: certificate /etc/medcred/tls/fullchain.pem"), "{out}");
    assert!(out.contains("FAIL  anchoring: reading /etc/medcred/anchor.key"), "{out}");
    assert!(out.contains("configuration checks failed"), "{out}");
}

#[test]
fn a_good_file_passes_the_check_and_serves() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    let file = config(
        dir.path(),
        &format!(
            "data_dir = {:?}\npublic_url = \"https://board.example.org\"\n\n[serve]\nlisten = \"127.0.0.1:0\"\n\
             max_in_flight = 64\n\n[serve.rate_limits]\nverify = \"off\"\n",
            s(&data)
        ),
    );
    // The data directory from the file reaches other commands: the board's key and the master
    // key land there.
    let created = succeeded(&medcred(&["--config", s(&file), "board", "create", "--slug", "nj", "--name", "NJ"], &[]));
    assert!(created.contains("did:web:board.example.org:boards:nj"), "{created}");
    assert!(data.join("master.key").exists() && data.join("medcred.sqlite").exists());

    let out = succeeded(&medcred(&["config", "check"], &[("MEDCRED_CONFIG", s(&file))]));
    assert!(out.contains(&format!("(configuration file: {})", s(&file))), "{out}");
    assert!(line(&out, "max_in_flight").ends_with("64 # configuration file"), "{out}");
    assert!(line(&out, "monitor_every").ends_with("300 # default"), "{out}");
    assert!(out.contains("verify = \"off\"") && out.contains("signin = \"30/min\""), "{out}");
    assert!(out.contains("ok    database sqlite://"), "{out}");
    assert!(out.contains("medcred's tables are there"), "{out}");
    assert!(out.contains("matches the database"), "{out}");
    assert!(out.ends_with("configuration ok\n"), "{out}");

    // `serve` reads the same file: port 0 from it, the public URL from it.
    let mut child = Command::new(BIN)
        .args(["--config", s(&file), "serve"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn serve");
    // The line naming the address (serve may print others first, e.g. its node id).
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let first = lines
        .by_ref()
        .take(20)
        .map_while(Result::ok)
        .find(|l| l.starts_with("medcred listening on"))
        .unwrap_or_default();
    let _ = child.kill();
    let _ = child.wait();
    assert!(first.starts_with("medcred listening on 127.0.0.1:"), "{first:?}");
    assert!(!first.contains("127.0.0.1:0 "), "{first}");
    assert!(first.contains("(public URL https://board.example.org)"), "{first}");
}

#[test]
fn flags_beat_the_environment_which_beats_the_file_which_beats_the_default() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = s(&dir.path().join("data")).to_owned();
    let data_env = [("MEDCRED_DATA_DIR", data.as_str())];
    let check = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["config", "check"];
        all.extend_from_slice(args);
        stdout(&medcred(&all, &[&data_env[..], env].concat()))
    };
    let out = check(&[], &[]);
    assert!(line(&out, "listen").ends_with("\"127.0.0.1:8080\" # default"), "{out}");

    let file = config(dir.path(), "[serve]\nlisten = \"127.0.0.1:7001\"\n[witness]\nenabled = true\n");
    let with_file = [("MEDCRED_CONFIG", s(&file))];
    let out = check(&[], &with_file);
    assert!(line(&out, "listen").ends_with("\"127.0.0.1:7001\" # configuration file"), "{out}");
    assert!(line(&out, "enabled").ends_with("true # configuration file"), "{out}");

    let with_env = [with_file[0], ("MEDCRED_LISTEN", "127.0.0.1:7002"), ("MEDCRED_WITNESS", "false")];
    let out = check(&[], &with_env);
    assert!(line(&out, "listen").ends_with("\"127.0.0.1:7002\" # environment MEDCRED_LISTEN"), "{out}");
    assert!(line(&out, "enabled").ends_with("false # environment MEDCRED_WITNESS"), "{out}");
    // A flag the environment sets as 1 reads back as a TOML boolean (the check itself then
    // refuses read-only over SQLite).
    let out = check(&[], &[with_file[0], ("MEDCRED_READ_ONLY", "1")]);
    assert!(line(&out, "read_only").ends_with("true # environment MEDCRED_READ_ONLY"), "{out}");

    let out = check(&["--listen", "127.0.0.1:7003"], &with_env);
    assert!(line(&out, "listen").ends_with("\"127.0.0.1:7003\" # flag"), "{out}");

    // The data directory: the file's beats the default, the environment's beats the file's.
    let other = dir.path().join("other");
    let file = config(dir.path(), &format!("data_dir = {:?}\n", s(&other)));
    let out = stdout(&medcred(&["--config", s(&file), "config", "check"], &[]));
    assert!(line(&out, "data_dir").ends_with("# configuration file") && out.contains(s(&other)), "{out}");
    let out = check(&["--config", s(&file)], &[]);
    assert!(line(&out, "data_dir").contains(&format!("{data:?} # environment MEDCRED_DATA_DIR")), "{out}");
}

#[test]
fn unknown_keys_and_bad_values_stop_every_command() {
    let dir = tempfile::tempdir().expect("tmp");
    let file = config(dir.path(), "data_dir = \"d\"\n[serve]\nlisten = \"127.0.0.1:1\"\nlisten_on = \"x\"\n");
    for args in [&["config", "check"][..], &["board", "list"], &["serve"]] {
        let out = failed(&medcred(&[&["--config", s(&file)][..], args].concat(), &[]));
        assert!(out.contains(&format!("{}:4: serve.listen_on: unknown key in [serve]", s(&file))), "{out}");
    }
    assert!(!dir.path().join("d").exists(), "a refused file must not start anything");

    let file = config(
        dir.path(),
        "database_url = \"mysql://root:hunter2@db/x\"\n[serve.rate_limits]\nverify = \"9/fortnight\"\n",
    );
    let out = failed(&medcred(&["config", "check"], &[("MEDCRED_CONFIG", s(&file))]));
    assert!(out.contains("has 2 problems"), "{out}");
    assert!(out.contains(":1: database_url: \"mysql://root:[redacted]@db/x\" is not a database URL"), "{out}");
    assert!(out.contains(":3: serve.rate_limits.verify: \"fortnight\" is not a unit"), "{out}");
    assert!(!out.contains("hunter2"), "a password in the output:\n{out}");

    let out = failed(&medcred(&["--config", s(&dir.path().join("missing.toml")), "config", "check"], &[]));
    assert!(out.contains("missing.toml") && out.contains("cannot be read"), "{out}");
}

#[test]
fn config_check_fails_on_what_serve_would_fail_on() {
    let dir = tempfile::tempdir().expect("tmp");
    let data = dir.path().join("data");
    let env = [("MEDCRED_DATA_DIR", s(&data))];
    succeeded(&medcred(&["board", "create", "--slug", "nj", "--name", "NJ", "--did-key"], &env));

    // Another master key than the one the board keys are sealed under.
    let other = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let out = failed(&medcred(&["config", "check"], &[env[0], ("MEDCRED_MASTER_KEY", other)]));
    assert!(out.contains("FAIL  master key: MEDCRED_MASTER_KEY holds master key"), "{out}");
    // A TLS certificate without its key, and a database that does not answer.
    let out = failed(&medcred(
        &["config", "check", "--tls-cert", "/nonexistent/cert.pem"],
        &[env[0], ("DATABASE_URL", "postgres://medcred:hunter2@127.0.0.1:1/none")],
    ));
    assert!(out.contains("FAIL  TLS: a TLS certificate without its key"), "{out}");
    assert!(out.contains("FAIL  database postgres://medcred:[redacted]@127.0.0.1:1/none: not reachable"), "{out}");
    assert!(!out.contains("hunter2"), "a password in the output:\n{out}");
    // serve refuses the half TLS pair too, before binding.
    let out = failed(&medcred(&["serve", "--listen", "127.0.0.1:0", "--tls-key", "/nonexistent/key.pem"], &env));
    assert!(out.contains("a TLS key without its certificate"), "{out}");

    // A data directory that cannot be made (its parent is a file).
    let file = dir.path().join("plain-file");
    std::fs::write(&file, b"x").expect("write");
    let out = failed(&medcred(&["config", "check"], &[("MEDCRED_DATA_DIR", s(&file.join("data")))]));
    assert!(out.contains(&format!("FAIL  data directory {}/data: {} is not writable", s(&file), s(&file))), "{out}");
}
