//! Running the `medcred` binary as separate processes: one-shot commands and servers on chosen
//! loopback addresses, killed (SIGKILL) on drop.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

pub(crate) mod pg;

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_medcred");

/// A command line for `medcred --data-dir DATA …` with a clean environment and `public_url`.
pub(crate) fn command(data: &Path, public_url: &str) -> Command {
    let mut c = Command::new(BIN);
    with_clean_env(&mut c, data, public_url);
    c
}

/// Add `--data-dir DATA` and the clean environment of [`command`] to `c` (a command that runs
/// `medcred`, perhaps through a wrapper).
pub(crate) fn with_clean_env(c: &mut Command, data: &Path, public_url: &str) {
    c.arg("--data-dir")
        .arg(data)
        .env_remove("DATABASE_URL")
        .env_remove("MEDCRED_MASTER_KEY")
        .env_remove("MEDCRED_WITNESS_PEERS")
        .env_remove("MEDCRED_ANCHOR_RPC_URL")
        .env("MEDCRED_PUBLIC_URL", public_url)
        .env("RUST_LOG", "warn");
}

/// Run `medcred` to completion; panics with its output unless it succeeded.
pub(crate) fn run_ok(data: &Path, public_url: &str, args: &[&str]) -> String {
    let out: Output = command(data, public_url).args(args).output().expect("run medcred");
    assert!(
        out.status.success(),
        "medcred {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// A free TCP port on `ip` (bound and released; the kernel does not hand it out again at once).
pub(crate) fn free_port(ip: &str) -> u16 {
    TcpListener::bind((ip, 0)).expect("bind").local_addr().expect("addr").port()
}

/// `board create` and return the admin token it printed.
pub(crate) fn create_board(data: &Path, public_url: &str, slug: &str) -> String {
    let out = run_ok(data, public_url, &["board", "create", "--slug", slug, "--name", &format!("Board {slug}")]);
    out.lines()
        .find_map(|l| l.strip_prefix("admin token: "))
        .and_then(|rest| rest.split_whitespace().next())
        .expect("admin token printed")
        .to_owned()
}

/// The board's log origin and verifier key, from the MedcredLedger service of its DID document.
pub(crate) fn log_of(data: &Path, public_url: &str, slug: &str) -> (String, String) {
    let doc: serde_json::Value = serde_json::from_str(&run_ok(data, public_url, &["board", "show", slug])).unwrap();
    let service = doc["service"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["type"] == "MedcredLedger"))
        .expect("MedcredLedger service");
    (service["origin"].as_str().unwrap().to_owned(), service["noteKey"].as_str().unwrap().to_owned())
}

/// A `medcred serve` process; SIGKILLed when dropped.
pub(crate) struct Server {
    pub(crate) child: Child,
    /// `http://ip:port`, where it listens.
    pub(crate) url: String,
    /// What it wrote to stderr (its log), when started with [`Server::spawn_logged`].
    pub(crate) log: std::sync::Arc<std::sync::Mutex<String>>,
}

impl Server {
    /// Start `medcred serve --listen LISTEN EXTRA…` and wait until it prints that it listens.
    pub(crate) fn start(data: &Path, public_url: &str, listen: &str, extra: &[&str]) -> Server {
        let mut cmd = command(data, public_url);
        cmd.args(["serve", "--listen", listen]).args(extra);
        Server::spawn(cmd, listen)
    }

    /// Run `cmd` (a `medcred serve` command line, perhaps wrapped, e.g. in `sh -c`) and wait until
    /// it prints that it listens.
    pub(crate) fn spawn(cmd: Command, listen: &str) -> Server {
        Server::spawn_with(cmd, listen, false)
    }

    /// Like [`Server::spawn`], keeping its stderr (the log) in [`Server::log`] as well as
    /// passing it on to the test's stderr.
    pub(crate) fn spawn_logged(cmd: Command, listen: &str) -> Server {
        Server::spawn_with(cmd, listen, true)
    }

    fn spawn_with(mut cmd: Command, listen: &str, logged: bool) -> Server {
        let stderr = if logged { Stdio::piped() } else { Stdio::inherit() };
        let mut child = cmd.stdout(Stdio::piped()).stderr(stderr).spawn().expect("spawn medcred serve");
        let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        if let Some(err) = child.stderr.take() {
            let log = log.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(err).lines().map_while(Result::ok) {
                    eprintln!("{line}");
                    let mut log = log.lock().unwrap();
                    log.push_str(&line);
                    log.push('\n');
                }
            });
        }
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut url = None;
        for line in lines.by_ref() {
            let line = line.expect("read stdout");
            if let Some(rest) = line.strip_prefix("medcred listening on ") {
                url = Some(format!("http://{}", rest.split_whitespace().next().unwrap()));
                break;
            }
        }
        // Keep draining so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        let url = url.unwrap_or_else(|| panic!("medcred serve on {listen} exited before listening"));
        Server { child, url, log }
    }

    /// SIGKILL, no goodbye.
    pub(crate) fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Poll `check` until it returns `Some`, for at most `secs` seconds (short pauses between tries).
pub(crate) async fn eventually<T, F, Fut>(secs: u64, mut check: F) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(secs);
    loop {
        if let Some(v) = check().await {
            return Some(v);
        }
        if std::time::Instant::now() > deadline {
            return None;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// A local anvil chain node (from `MEDCRED_ANVIL` or `scripts/anvil.sh`, which installs it from
/// npm once) on 127.0.0.1 at a port anvil picks; killed when dropped.
pub(crate) struct Anvil {
    child: Child,
    /// JSON-RPC URL.
    pub(crate) url: String,
}

impl Anvil {
    pub(crate) fn start() -> Anvil {
        Anvil::start_on(0)
    }

    /// Start on `port` of 127.0.0.1 (0: anvil picks).
    pub(crate) fn start_on(port: u16) -> Anvil {
        let bin = match std::env::var_os("MEDCRED_ANVIL") {
            Some(p) => std::path::PathBuf::from(p),
            None => {
                let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/anvil.sh");
                let out = Command::new("bash").arg(&script).stderr(Stdio::inherit()).output().expect("run anvil.sh");
                assert!(out.status.success(), "{} failed", script.display());
                std::path::PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
            }
        };
        let mut child = Command::new(bin)
            .args(["--host", "127.0.0.1", "--port", &port.to_string(), "--hardfork", "prague"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn anvil");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut addr = None;
        for line in lines.by_ref() {
            if let Some(a) = line.expect("anvil stdout").trim().strip_prefix("Listening on ") {
                addr = Some(a.to_owned());
                break;
            }
        }
        std::thread::spawn(move || for _ in lines {});
        let addr = addr.expect("anvil exited before listening");
        Anvil { child, url: format!("http://{addr}") }
    }
}

impl Drop for Anvil {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A TCP listener on 127.0.0.1 that accepts every connection and never answers it (nor closes
/// it) while it lives: a peer that is up but hangs.
pub(crate) struct BlackHole {
    /// Where it listens.
    pub(crate) port: u16,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl BlackHole {
    pub(crate) fn start() -> BlackHole {
        let listener = TcpListener::bind(("127.0.0.1", 0)).expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for stream in listener.incoming() {
                if stopped.load(std::sync::atomic::Ordering::SeqCst) {
                    return;
                }
                held.extend(stream.ok());
            }
        });
        BlackHole { port, stop }
    }
}

impl Drop for BlackHole {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        // Wake the accept loop so it sees the flag and drops what it held.
        let _ = std::net::TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// A license for `POST /credentials/issue`, with the id `urn:uuid:{uuid}`.
pub(crate) fn license(uuid: &str, format: &str) -> serde_json::Value {
    serde_json::json!({
        "credential": {
            "id": format!("urn:uuid:{uuid}"),
            "type": ["VerifiableCredential", "MedicalLicenseCredential"],
            "validUntil": "2030-01-01T00:00:00Z",
            "credentialSubject": {"practitionerName": "Ada Byron", "licenseType": "RN", "licenseNumber": "RN-1",
                "jurisdiction": "US-NJ", "originalIssueDate": "2010-01-01"}
        },
        "options": {"format": format}
    })
}

/// `POST /credentials/issue` of a new license in `format`: (HTTP status, body, the credential id).
pub(crate) async fn issue(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    format: &str,
) -> (u16, serde_json::Value, String) {
    let id = format!("urn:uuid:{}", uuid::Uuid::new_v4());
    let r = http
        .post(format!("{url}/credentials/issue"))
        .bearer_auth(token)
        .json(&license(id.trim_start_matches("urn:uuid:"), format))
        .send()
        .await
        .expect("the server answers");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or_default(), id)
}

/// `POST /boards/{slug}/credentials/{id}/status` with `action` (revoke, suspend, reinstate).
pub(crate) async fn set_status(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    slug: &str,
    id: &str,
    action: &str,
) -> (u16, serde_json::Value) {
    let r = http
        .post(format!("{url}/boards/{slug}/credentials/{id}/status"))
        .bearer_auth(token)
        .json(&serde_json::json!({"action": action, "reason": "fault test"}))
        .send()
        .await
        .expect("the server answers");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or_default())
}

/// `GET /boards/{slug}/credentials/{id}/status`: (HTTP status, body).
pub(crate) async fn get_status(
    http: &reqwest::Client,
    url: &str,
    token: &str,
    slug: &str,
    id: &str,
) -> (u16, serde_json::Value) {
    let r = http
        .get(format!("{url}/boards/{slug}/credentials/{id}/status"))
        .bearer_auth(token)
        .send()
        .await
        .expect("the server answers");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or_default())
}

/// The issued credential of a `POST /credentials/issue` answer as verifier input: a JWT as is,
/// a JSON credential (or an enveloped one) as JSON text.
pub(crate) fn credential_text(answer: &serde_json::Value) -> String {
    match &answer["verifiableCredential"] {
        serde_json::Value::String(s) => s.clone(),
        v => v.to_string(),
    }
}
