//! The configuration file (`--config FILE` or `MEDCRED_CONFIG`): TOML, read and checked before the
//! command line is parsed. Every key stands for one flag (the table in [`keys`]); its value becomes
//! that flag's default, so a flag beats its environment variable, which beats the file, which
//! beats the built-in default. An unknown key or a bad value stops the program with the file, the
//! line, the key, what was wrong and what is expected — every problem in the file at once.

mod apply;
pub(crate) mod keys;

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::de::{DeTable, DeValue};
use toml::Spanned;

pub(crate) use apply::{apply, config_arg, config_path};
use keys::{Key, Kind, SECTIONS};

/// A configuration file, checked: the flag values it sets.
#[derive(Debug, Clone)]
pub(crate) struct ConfigFile {
    /// Where it was read from.
    pub(crate) path: PathBuf,
    /// The keys it sets, in file order.
    pub(crate) entries: Vec<Entry>,
}

/// One key of the file with the flag values it stands for (already checked).
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// The key.
    pub(crate) key: &'static Key,
    /// The flag's values, as the flag would be written (one, or one per list item).
    pub(crate) values: Vec<String>,
}

impl ConfigFile {
    /// Whether the file sets the flag `arg`.
    pub(crate) fn sets(&self, arg: &str) -> bool {
        self.entries.iter().any(|e| e.key.arg == arg)
    }
}

/// One problem in a configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// The line (from 1), when known.
    pub(crate) line: Option<usize>,
    /// The dotted key, when the problem is a key's.
    pub(crate) key: Option<String>,
    /// What is wrong and what is expected.
    pub(crate) message: String,
}

/// Why a configuration file was refused: it could not be read, or it has problems.
#[derive(Debug)]
pub(crate) struct ConfigError {
    path: PathBuf,
    problems: Vec<Problem>,
}

impl ConfigError {
    fn one(path: &Path, problem: Problem) -> Self {
        Self { path: path.to_owned(), problems: vec![problem] }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(f, "the configuration file {} has {n} problem{}", self.path.display(), if n == 1 { "" } else { "s" })?;
        for p in &self.problems {
            write!(f, "\n  {}", self.path.display())?;
            if let Some(line) = p.line {
                write!(f, ":{line}")?;
            }
            match &p.key {
                Some(key) => write!(f, ": {key}: {}", p.message)?,
                None => write!(f, ": {}", p.message)?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

/// Read and check the configuration file at `path`.
pub(crate) fn load(path: &Path) -> Result<ConfigFile, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        ConfigError::one(path, Problem { line: None, key: None, message: format!("cannot be read: {e}") })
    })?;
    parse(path, &text)
}

/// Check the TOML `text` (read from `path`, which only names it in messages).
pub(crate) fn parse(path: &Path, text: &str) -> Result<ConfigFile, ConfigError> {
    let lines = Lines(text);
    let root = DeTable::parse(text).map_err(|e| {
        let line = e.span().map(|s| lines.of(&s));
        ConfigError::one(path, Problem { line, key: None, message: format!("not valid TOML: {}", e.message().trim()) })
    })?;
    let mut reader = Reader { lines, entries: Vec::new(), problems: Vec::new() };
    for (name, value) in root.get_ref() {
        let name_str = name.get_ref().as_ref();
        if SECTIONS.contains(&name_str) {
            match value.get_ref() {
                DeValue::Table(table) => {
                    for (key, value) in table {
                        reader.key(&format!("{name_str}.{}", key.get_ref()), key, value);
                    }
                }
                other => reader.problem(
                    name.span(),
                    name_str,
                    format!("is of type {}; expected a table ([{name_str}])", other.type_str()),
                ),
            }
        } else {
            reader.key(name_str, name, value);
        }
    }
    if reader.problems.is_empty() {
        Ok(ConfigFile { path: path.to_owned(), entries: reader.entries })
    } else {
        Err(ConfigError { path: path.to_owned(), problems: reader.problems })
    }
}

/// Byte offsets to line numbers.
#[derive(Clone, Copy)]
struct Lines<'a>(&'a str);

impl Lines<'_> {
    fn of(&self, span: &Range<usize>) -> usize {
        let end = span.start.min(self.0.len());
        self.0.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
    }
}

struct Reader<'a> {
    lines: Lines<'a>,
    entries: Vec<Entry>,
    problems: Vec<Problem>,
}

impl Reader<'_> {
    fn problem(&mut self, span: Range<usize>, key: &str, message: String) {
        self.problems.push(Problem { line: Some(self.lines.of(&span)), key: Some(key.to_owned()), message });
    }

    fn key(&mut self, dotted: &str, name: &Spanned<std::borrow::Cow<'_, str>>, value: &Spanned<DeValue<'_>>) {
        let Some(key) = keys::find(dotted) else {
            let message = match dotted.split_once('.') {
                Some((section, _)) => format!("unknown key in [{section}]; known keys: {}", keys::names_in(section)),
                None => format!(
                    "unknown key; known top-level keys: {}, and the tables {}",
                    keys::names_in(""),
                    SECTIONS.iter().map(|s| format!("[{s}]")).collect::<Vec<_>>().join(", ")
                ),
            };
            return self.problem(name.span(), dotted, message);
        };
        let lines = self.lines;
        let problems = &mut self.problems;
        let mut report = |span: Range<usize>, key: String, message: String| {
            problems.push(Problem { line: Some(lines.of(&span)), key: Some(key), message });
        };
        if let Some(values) = check(key, value, &mut report) {
            self.entries.push(Entry { key, values });
        }
    }
}

/// A value's problems go to `report(span, dotted key, message)`; the flag values if none.
fn check(
    key: &'static Key,
    value: &Spanned<DeValue<'_>>,
    report: &mut dyn FnMut(Range<usize>, String, String),
) -> Option<Vec<String>> {
    let span = value.span();
    let wrong_type = |expected: &str| format!("is of type {}; expected {expected}", value.get_ref().type_str());
    match (key.kind, value.get_ref()) {
        (Kind::Bool, DeValue::Boolean(b)) => Some(vec![b.to_string()]),
        (Kind::Bool, _) => {
            report(span, key.name.into(), wrong_type("true or false"));
            None
        }
        (Kind::Count { min, .. }, DeValue::Integer(i)) => {
            let n = integer(i.as_str(), i.radix()).filter(|n| *n >= min);
            if n.is_none() {
                report(
                    span,
                    key.name.into(),
                    format!("{} is out of range; expected {}", i.as_str(), key.kind.expected()),
                );
            }
            n.map(|n| vec![n.to_string()])
        }
        (Kind::RateTable, DeValue::Table(table)) => {
            let mut out = Vec::new();
            let mut ok = true;
            // `CLASS = "RATE"` per client; the `account` table's `CLASS = "RATE"` per account.
            let account = table.iter().find(|(k, _)| k.get_ref() == "account");
            let per_account = match account.map(|(_, v)| v.get_ref()) {
                Some(DeValue::Table(t)) => t.iter().map(|(class, rate)| (class, rate, true)).collect(),
                _ => Vec::new(),
            };
            let per_client = table
                .iter()
                .filter(|(k, v)| k.get_ref() != "account" || !matches!(v.get_ref(), DeValue::Table(_)))
                .map(|(class, rate)| (class, rate, false));
            for (class, rate, account) in per_client.chain(per_account) {
                let dotted = format!("{}{}.{}", key.name, if account { ".account" } else { "" }, class.get_ref());
                let setting = match rate.get_ref() {
                    DeValue::String(rate) => keys::check_rate(class.get_ref(), rate, account),
                    other => {
                        Err(format!("is of type {}; expected a rate such as \"30/min\" or \"off\"", other.type_str()))
                    }
                };
                match setting {
                    Ok(s) => out.push(s),
                    Err(why) => {
                        report(rate.span(), dotted, why);
                        ok = false;
                    }
                }
            }
            ok.then_some(out)
        }
        (Kind::RateTable, _) => {
            report(span, key.name.into(), wrong_type("a table of CLASS = \"RATE\" ([serve.rate_limits])"));
            None
        }
        (kind, DeValue::Array(items)) if kind.is_list() => {
            let mut out = Vec::new();
            let mut ok = true;
            for (i, item) in items.iter().enumerate() {
                let dotted = format!("{}[{i}]", key.name);
                match item.get_ref() {
                    DeValue::String(s) => match kind.check_str(s) {
                        Ok(v) => out.push(v),
                        Err(why) => {
                            report(item.span(), dotted, why);
                            ok = false;
                        }
                    },
                    other => {
                        report(item.span(), dotted, format!("is of type {}; expected a string", other.type_str()));
                        ok = false;
                    }
                }
            }
            ok.then_some(out)
        }
        (kind, _) if kind.is_list() => {
            report(span, key.name.into(), wrong_type("an array of strings"));
            None
        }
        (kind, DeValue::String(s)) => match kind.check_str(s) {
            Ok(v) => Some(vec![v]),
            Err(why) => {
                report(span, key.name.into(), why);
                None
            }
        },
        (kind, _) => {
            report(span, key.name.into(), wrong_type(&kind.expected()));
            None
        }
    }
}

/// A TOML integer's text (sign, underscores, 0x/0o/0b prefix) as a `u64`, if it is one.
fn integer(text: &str, radix: u32) -> Option<u64> {
    let digits: String = text.chars().filter(|c| *c != '_').collect();
    let digits = digits.strip_prefix('+').unwrap_or(&digits);
    let digits = ["0x", "0o", "0b"].iter().find_map(|p| digits.strip_prefix(p)).unwrap_or(digits);
    u64::from_str_radix(digits, radix).ok()
}

#[cfg(test)]
mod tests;
