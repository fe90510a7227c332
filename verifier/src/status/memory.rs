//! An in-memory [`StatusSource`], for tests and offline verification.

use std::collections::BTreeMap;

use super::source::{FetchedStatusList, StatusSource, StatusSourceError};

/// Serves the lists it was given, by exact URL; any other URL is [`StatusSourceError::NotFound`].
#[derive(Debug, Clone, Default)]
pub struct MemoryStatusSource {
    lists: BTreeMap<String, FetchedStatusList>,
}

impl MemoryStatusSource {
    /// A source with no lists.
    pub fn new() -> Self {
        Self::default()
    }

    /// Also serve `list` for `url`, replacing an earlier one.
    pub fn with_list(mut self, url: impl Into<String>, list: FetchedStatusList) -> Self {
        self.insert(url, list);
        self
    }

    /// Serve `list` for `url`, replacing an earlier one.
    pub fn insert(&mut self, url: impl Into<String>, list: FetchedStatusList) {
        self.lists.insert(url.into(), list);
    }

    /// Stop serving `url`; what it served, if anything.
    pub fn remove(&mut self, url: &str) -> Option<FetchedStatusList> {
        self.lists.remove(url)
    }
}

impl StatusSource for MemoryStatusSource {
    fn fetch(&self, url: &str) -> Result<FetchedStatusList, StatusSourceError> {
        self.lists.get(url).cloned().ok_or(StatusSourceError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_by_exact_url() {
        let list = FetchedStatusList::new("doc").with_tlog_proof("proof");
        let mut s = MemoryStatusSource::new().with_list("https://b.example/s/1", list.clone());
        assert_eq!(s.fetch("https://b.example/s/1"), Ok(list.clone()));
        assert_eq!(s.fetch("https://b.example/s/1/"), Err(StatusSourceError::NotFound));
        assert_eq!(s.remove("https://b.example/s/1"), Some(list));
        assert_eq!(s.fetch("https://b.example/s/1"), Err(StatusSourceError::NotFound));
    }
}
