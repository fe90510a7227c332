//! The independent implementations in `tests/interop` (npm packages pinned in its package.json and
//! package-lock.json) and running their node scripts. `scripts/test.sh` installs them before the
//! suite; a test run alone installs them with `npm ci` when one is missing or at another version,
//! under a file lock so that parallel test processes do not install over each other.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context};
use serde_json::Value;

/// `tests/interop`.
pub fn interop_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("interop")
}

/// Whether every dependency of package.json is installed at its pinned version.
fn installed(dir: &Path) -> anyhow::Result<bool> {
    let manifest: Value = serde_json::from_slice(&std::fs::read(dir.join("package.json"))?)?;
    for (name, version) in manifest["dependencies"].as_object().into_iter().flatten() {
        let Ok(text) = std::fs::read(dir.join("node_modules").join(name).join("package.json")) else {
            return Ok(false);
        };
        let found: Value = serde_json::from_slice(&text)?;
        if found["version"] != *version {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Install the packages of `tests/interop` with `npm ci` unless they are all there.
pub fn ensure_packages() -> anyhow::Result<()> {
    let dir = interop_dir();
    if installed(&dir)? {
        return Ok(());
    }
    let lock = File::create(std::env::temp_dir().join("medcred-interop-npm.lock"))?;
    lock.lock()?;
    if !installed(&dir)? {
        let status = Command::new("npm")
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(&dir)
            .status()
            .context("npm runs (Node 20 and npm are installed on these machines)")?;
        if !status.success() {
            bail!("npm ci in tests/interop failed");
        }
    }
    Ok(())
}

/// Run `tests/interop/<script>` with node, `input` as JSON on stdin; its stdout as JSON. Blocking:
/// from async code call it through `tokio::task::spawn_blocking`, so that a server on the same
/// runtime keeps answering.
pub fn run_node(script: &str, input: &Value) -> anyhow::Result<Value> {
    let mut node = Command::new("node")
        .arg(interop_dir().join(script))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("node runs")?;
    node.stdin.take().context("stdin")?.write_all(input.to_string().as_bytes())?;
    let out = node.wait_with_output()?;
    if !out.status.success() {
        bail!("{script} exited with {}", out.status);
    }
    serde_json::from_slice(&out.stdout).with_context(|| format!("{script} printed no JSON"))
}
