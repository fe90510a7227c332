#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::Path;

use super::*;

fn problems(text: &str) -> Vec<Problem> {
    match parse(Path::new("t.toml"), text) {
        Ok(f) => panic!("accepted: {:?}", f.entries),
        Err(e) => e.problems,
    }
}

fn values(text: &str, arg: &str) -> Vec<String> {
    let file = parse(Path::new("t.toml"), text).unwrap();
    file.entries.into_iter().find(|e| e.key.arg == arg).map(|e| e.values).unwrap_or_default()
}

#[test]
fn the_example_file_sets_every_key() {
    let text = include_str!("../../../docs/medcred.example.toml");
    let file = parse(Path::new("docs/medcred.example.toml"), text).unwrap();
    for key in keys::KEYS {
        assert!(file.sets(key.arg), "the example does not show {}", key.name);
    }
}

#[test]
fn values_become_flag_values() {
    assert_eq!(values("[serve]\nlisten = \"0.0.0.0:9\"\n", "listen"), ["0.0.0.0:9"]);
    assert_eq!(values("log_json = true\n", "log_json"), ["true"]);
    assert_eq!(values("[serve]\nmax_in_flight = 1_000\n", "max_in_flight"), ["1000"]);
    assert_eq!(values("[anchor]\nchain_id = 0x7a69\n", "anchor_chain_id"), ["31337"]);
    assert_eq!(
        values("[serve.rate_limits]\nverify = \"off\"\nsignin = \"5/h\"\n", "rate_limits"),
        ["signin=5/h", "verify=off"]
    );
    assert_eq!(
        values(
            "[serve.rate_limits]\nissue = \"9/s\"\n\n[serve.rate_limits.account]\nsignin = \"3/min\"\n",
            "rate_limits"
        ),
        ["issue=9/s", "signin.account=3/min"]
    );
    assert_eq!(values("[serve.rate_limits]\naccount = { status = \"off\" }\n", "rate_limits"), ["status.account=off"]);
    assert_eq!(values("[trust]\nkeys = []\n", "trust_list_keys"), Vec::<String>::new());
}

#[test]
fn unknown_keys_are_named_with_their_line() {
    let p = problems("data_dir = \"d\"\n\n[serve]\nlisten = \"127.0.0.1:1\"\nlisten_addr = \"x\"\n");
    assert_eq!(p.len(), 1);
    assert_eq!(p[0].line, Some(5));
    assert_eq!(p[0].key.as_deref(), Some("serve.listen_addr"));
    assert!(p[0].message.contains("unknown key in [serve]") && p[0].message.contains("listen"), "{}", p[0].message);
    let p = problems("databse_url = \"sqlite::memory:\"\n");
    assert_eq!((p[0].line, p[0].key.as_deref()), (Some(1), Some("databse_url")));
    assert!(p[0].message.contains("database_url"), "{}", p[0].message);
    let p = problems("[server]\nlisten = \"x\"\n");
    assert_eq!(p[0].key.as_deref(), Some("server"));
    let p = problems("[serve.rate_limits]\nlogin = \"1/s\"\n");
    assert_eq!((p[0].line, p[0].key.as_deref()), (Some(2), Some("serve.rate_limits.login")));
    assert!(p[0].message.contains("signin, issue, status, verify, oid4vc"), "{}", p[0].message);
}

#[test]
fn bad_values_say_which_key_what_and_what_is_expected() {
    let cases: &[(&str, usize, &str, &str)] = &[
        ("[serve]\nlisten = \"localhost\"\n", 2, "serve.listen", "127.0.0.1:8080"),
        ("[serve]\nlisten = 8080\n", 2, "serve.listen", "is of type integer"),
        ("[serve]\nmax_in_flight = 0\n", 2, "serve.max_in_flight", "at least 1"),
        ("[serve]\nmax_in_flight = -3\n", 2, "serve.max_in_flight", "at least 1"),
        ("[serve]\nmonitor_every = \"5m\"\n", 2, "serve.monitor_every", "whole number of seconds"),
        ("log_json = \"yes\"\n", 1, "log_json", "true or false"),
        ("database_url = \"mysql://u:hunter2@h/db\"\n", 1, "database_url", "postgres://"),
        ("public_url = \"medcred.example\"\n", 1, "public_url", "https://"),
        ("[serve.rate_limits]\nverify = \"10/fortnight\"\n", 2, "serve.rate_limits.verify", "N/min"),
        ("[serve.rate_limits.account]\nlogin = \"1/s\"\n", 2, "serve.rate_limits.account.login", "status"),
        ("[witness]\npeers = [\"https://w.example\"]\n", 2, "witness.peers[0]", "URL=KEY"),
        ("[trust]\nkeys = [\"z6Mk\", 7]\n", 2, "trust.keys[0]", "Multikey"),
        ("[anchor]\nevery = 0\n", 2, "anchor.every", "at least 1"),
        ("[tls]\ncert = \"\"\n", 2, "tls.cert", "non-empty"),
        ("serve = 1\n", 1, "serve", "expected a table"),
    ];
    for (text, line, key, expected) in cases {
        let p = problems(text);
        assert_eq!(p[0].line, Some(*line), "{text}");
        assert_eq!(p[0].key.as_deref(), Some(*key), "{text}");
        assert!(p[0].message.contains(expected), "{text}: {}", p[0].message);
        assert!(!p[0].message.contains("hunter2"), "a password in a message");
    }
    // Every problem at once.
    assert_eq!(problems("log_json = 1\n[serve]\nlisten = \"x\"\nnope = 1\n").len(), 3);
}

#[test]
fn broken_toml_names_the_line() {
    let e = parse(Path::new("t.toml"), "data_dir = \"d\"\n[serve\n").unwrap_err();
    assert_eq!(e.problems[0].line, Some(2));
    assert!(
        e.to_string().starts_with("the configuration file t.toml has 1 problem\n  t.toml:2: not valid TOML"),
        "{e}"
    );
    let e = load(Path::new("/nonexistent/medcred.toml")).unwrap_err();
    assert!(e.to_string().contains("cannot be read"), "{e}");
}

#[test]
fn passwords_are_redacted() {
    assert_eq!(keys::redact_url("postgres://u:hunter2@h:5432/db"), "postgres://u:[redacted]@h:5432/db");
    assert_eq!(keys::redact_url("postgres://u@h/db"), "postgres://u@h/db");
    assert_eq!(keys::redact_url("postgres://u@h/db?password=hunter2&x=1"), "postgres://u@h/db?password=[redacted]&x=1");
    assert_eq!(keys::redact_url("sqlite://data/m.sqlite?mode=rwc"), "sqlite://data/m.sqlite?mode=rwc");
}
