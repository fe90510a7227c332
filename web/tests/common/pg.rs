//! Throwaway PostgreSQL clusters for the tests that need their own (an outage, a streaming
//! replica): initdb into a temporary directory, a free loopback port, trust auth; as the
//! `postgres` user when the tests run as root. Never the shared server on :5432.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use super::free_port;

/// A PostgreSQL cluster of its own in a temporary directory; stopped (immediate) when dropped.
pub(crate) struct Cluster {
    _dir: tempfile::TempDir,
    pub(crate) data: PathBuf,
    bin: PathBuf,
    pub(crate) port: u16,
    sockets: PathBuf,
    as_postgres: bool,
}

/// The newest installed PostgreSQL's binaries.
fn pg_bin() -> PathBuf {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL is installed under /usr/lib/postgresql")
        .filter_map(|e| {
            let e = e.ok()?;
            Some((e.file_name().to_str()?.parse().ok()?, e.path().join("bin")))
        })
        .filter(|(_, bin)| bin.join("initdb").exists())
        .collect();
    versions.sort();
    versions.pop().expect("an initdb under /usr/lib/postgresql/*/bin").1
}

fn running_as_root() -> bool {
    let out = Command::new("id").arg("-u").output().expect("id -u");
    String::from_utf8_lossy(&out.stdout).trim() == "0"
}

impl Cluster {
    /// A temporary directory (owned by `postgres` when running as root) with a socket directory
    /// and a free port; no cluster in it yet.
    fn empty() -> Cluster {
        let dir = tempfile::tempdir().unwrap();
        let as_postgres = running_as_root();
        if as_postgres {
            // initdb refuses to run as root: the cluster belongs to `postgres`.
            let ok = Command::new("chown").args(["-R", "postgres:"]).arg(dir.path()).status().unwrap();
            assert!(ok.success(), "chown the cluster's directory to postgres");
        }
        let sockets = dir.path().join("sockets");
        std::fs::create_dir(&sockets).unwrap();
        if as_postgres {
            assert!(Command::new("chown").args(["postgres:"]).arg(&sockets).status().unwrap().success());
        }
        Cluster {
            data: dir.path().join("pg"),
            bin: pg_bin(),
            port: free_port("127.0.0.1"),
            sockets,
            as_postgres,
            _dir: dir,
        }
    }

    /// A new cluster (initdb), not started.
    pub(crate) fn init() -> Cluster {
        let cluster = Cluster::empty();
        let mut initdb = cluster.tool("initdb");
        initdb.arg("-D").arg(&cluster.data).args(["-A", "trust", "-U", "postgres", "--no-sync"]);
        cluster.run(initdb, "initdb");
        cluster
    }

    /// Let a standby on this machine stream from this cluster: a `host replication` trust line
    /// for 127.0.0.1 (`wal_level=replica` is passed at [`Cluster::start`]). Before starting.
    pub(crate) fn allow_replication(&self) {
        use std::io::Write as _;
        let hba = self.data.join("pg_hba.conf");
        let mut f = std::fs::OpenOptions::new().append(true).open(&hba).expect("open pg_hba.conf");
        writeln!(f, "host replication postgres 127.0.0.1/32 trust").expect("write pg_hba.conf");
    }

    /// A hot standby of `primary` (running, with [`Cluster::allow_replication`]): `pg_basebackup
    /// -R` into a directory of its own, streaming the WAL; not started.
    pub(crate) fn standby_of(primary: &Cluster) -> Cluster {
        let standby = Cluster::empty();
        let mut backup = standby.tool("pg_basebackup");
        backup
            .arg("-D")
            .arg(&standby.data)
            .args(["-h", "127.0.0.1", "-p", &primary.port.to_string(), "-U", "postgres", "-R", "-X", "stream"])
            .arg("--no-sync");
        standby.run(backup, "pg_basebackup");
        standby
    }

    /// `bin/NAME`, run as `postgres` when the test runs as root.
    pub(crate) fn tool(&self, name: &str) -> Command {
        let path = self.bin.join(name);
        let mut c = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        };
        c.stdin(Stdio::null());
        c
    }

    fn run(&self, mut c: Command, what: &str) {
        let out = c.output().unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(
            out.status.success(),
            "{what} failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn pg_ctl(&self, args: &[&str]) -> Command {
        let mut c = self.tool("pg_ctl");
        c.arg("-D").arg(&self.data).args(args);
        c
    }

    /// Start and wait until it accepts connections (a standby: read-only ones, `hot_standby`).
    pub(crate) fn start(&self) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -c unix_socket_directories={} -c fsync=off \
             -c wal_level=replica -c hot_standby=on",
            self.port,
            self.sockets.display()
        );
        let log = self.data.join("server.log");
        let mut c = self.pg_ctl(&["-w", "-t", "30", "-o", &options, "-l"]);
        c.arg(&log).arg("start");
        self.run(c, "pg_ctl start");
    }

    /// Stop, disconnecting every client (`-m fast`).
    pub(crate) fn stop(&self) {
        self.run(self.pg_ctl(&["-w", "-t", "30", "-m", "fast", "stop"]), "pg_ctl stop");
    }

    /// Run one SQL statement with psql on database `db`; its output (unaligned, tuples only).
    pub(crate) fn psql(&self, db: &str, sql: &str) -> String {
        let mut c = self.tool("psql");
        c.args(["-X", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", &self.port.to_string()])
            .args(["-U", "postgres", "-d", db, "-c", sql]);
        let out = c.output().expect("run psql");
        assert!(out.status.success(), "psql {sql:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).trim().to_owned()
    }

    /// The URL of the `postgres` database.
    pub(crate) fn url(&self) -> String {
        self.url_of("postgres")
    }

    /// The URL of database `db`.
    pub(crate) fn url_of(&self, db: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{db}", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let _ = self.pg_ctl(&["-m", "immediate", "stop"]).stdout(Stdio::null()).stderr(Stdio::null()).status();
    }
}
