//! Running the Chromium checks of `tests/browser/*.mjs` against a test server. They need the web
//! app's hydration bundle (`$MEDCRED_SITE_ROOT/pkg`, built by `scripts/build-app.sh`), Debian's
//! Chromium (`$CHROMIUM`, else `/usr/bin/chromium`), and node (`$NODE`, else `node` on the path)
//! with playwright-core in `tests/browser/node_modules`: `scripts/test.sh` provides them all.
//! Screenshots go to `$MEDCRED_SCREENSHOTS`, else `target/screenshots`.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

/// The line a script prints last when every check passed.
const ALL_PASSED: &str = "all browser checks passed";

/// `tests/browser`.
fn scripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("browser")
}

/// What the browser checks need, found and checked before a test sets anything up.
#[derive(Debug)]
pub struct Browser {
    node: OsString,
    chromium: PathBuf,
    screenshots: PathBuf,
}

impl Browser {
    /// Find the web app, Chromium and playwright-core; panics, saying what is missing and how to
    /// get it, when one is not there.
    pub fn require() -> Self {
        let site = std::env::var("MEDCRED_SITE_ROOT").expect(
            "MEDCRED_SITE_ROOT must name the built web app (run ./scripts/test.sh, which builds it with scripts/build-app.sh)",
        );
        assert!(Path::new(&site).join("pkg/medcred_app_bg.wasm").exists(), "no hydration bundle in {site}/pkg");
        let chromium = std::env::var_os("CHROMIUM").map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
        assert!(
            chromium.exists(),
            "no Chromium at {} (scripts/test.sh installs Debian's chromium; or set CHROMIUM)",
            chromium.display()
        );
        let playwright = scripts_dir().join("node_modules/playwright-core");
        assert!(
            playwright.is_dir(),
            "no {} (scripts/test.sh installs it: cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)",
            playwright.display()
        );
        let node = std::env::var_os("NODE").unwrap_or_else(|| "node".into());
        let screenshots = std::env::var_os("MEDCRED_SCREENSHOTS")
            .map_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/screenshots"), PathBuf::from);
        Self { node, chromium, screenshots }
    }

    /// `tests/browser/<name>`, to be given its environment with [`Script::env`] and run.
    pub fn script(&self, name: &str) -> Script {
        let mut command = tokio::process::Command::new(&self.node);
        command.arg(scripts_dir().join(name)).env("CHROMIUM", &self.chromium).env("SCREENSHOTS", &self.screenshots);
        Script { name: name.to_owned(), command }
    }
}

/// One browser script, about to run.
#[derive(Debug)]
#[must_use = "a script does nothing until it is run"]
pub struct Script {
    name: String,
    command: tokio::process::Command,
}

impl Script {
    /// Set the script's environment variable `key`.
    pub fn env(mut self, key: &str, value: impl AsRef<OsStr>) -> Self {
        self.command.env(key, value);
        self
    }

    /// Run the script and assert that every check passed: it exits with success and prints
    /// "all browser checks passed". Its output is printed either way, and quoted in the failure.
    pub async fn run(mut self) {
        let name = &self.name;
        let out = self.command.output().await.expect("node runs (the test machines have Node 20; or set NODE)");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        println!("{stdout}\n{stderr}");
        assert!(out.status.success(), "{name}: browser checks failed ({}):\n{stdout}\n{stderr}", out.status);
        assert!(stdout.contains(ALL_PASSED), "{name} did not say {ALL_PASSED:?}:\n{stdout}\n{stderr}");
    }
}
