//! Server limits remembered between runs: `limits.json` in the state directory, beside the
//! journal, `{base_url: {limit, learned_at}}`. A client that a server slowed down (429s) says
//! what it learned ([`crate::api::ApiClient::learned_limit`]); the next run against the same
//! base URL starts there instead of meeting the limit, and its `Retry-After`, again. An entry
//! counts for [`VALID_FOR`] after it was learned; the limit still probes upward from it.
//!
//! Pure apart from [`load`] and [`save`]; the time is passed in. A file that cannot be read
//! is never fatal: it is ignored with a warning (and replaced at the next write).

use std::collections::BTreeMap;
use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

/// How long a learned limit is used after it was learned.
pub const VALID_FOR: TimeDelta = TimeDelta::hours(1);

/// The file's name in the state directory.
pub const FILE_NAME: &str = "limits.json";

/// `limits.json` in the state directory `dir`.
pub fn path_in(dir: &Path) -> PathBuf {
    dir.join(FILE_NAME)
}

/// One server's limit and when it was learned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    /// Requests the server took at a time.
    pub limit: usize,
    pub learned_at: DateTime<Utc>,
}

/// Every remembered limit, by base URL.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Limits(BTreeMap<String, Entry>);

/// The key of a base URL: without a trailing `/`, so both spellings share one entry.
fn key(base_url: &str) -> &str {
    base_url.trim().trim_end_matches('/')
}

fn fresh(e: &Entry, now: DateTime<Utc>) -> bool {
    // One learned "in the future" (a clock set back) counts only within the same bound.
    e.learned_at <= now + VALID_FOR && now - e.learned_at < VALID_FOR
}

impl Limits {
    /// Reads the file's text; the error is one sentence.
    pub fn parse(text: &str) -> Result<Limits, String> {
        if text.trim().is_empty() {
            return Ok(Limits::default());
        }
        serde_json::from_str(text).map_err(|e| format!("it is not a limits file ({e})"))
    }

    /// The limit learned for `base_url` within [`VALID_FOR`] before `now`.
    pub fn remembered(&self, base_url: &str, now: DateTime<Utc>) -> Option<usize> {
        self.0
            .get(key(base_url))
            .filter(|e| fresh(e, now) && e.limit > 0)
            .map(|e| e.limit)
    }

    /// Records what a client learned of `base_url`'s limit at `now`: `learned` requests at a
    /// time, while it was configured for `configured`. A limit at or above the configured
    /// one says the server takes what it is asked: the entry goes. Expired entries go too.
    pub fn learn(&mut self, base_url: &str, learned: usize, configured: usize, now: DateTime<Utc>) {
        self.0.retain(|_, e| fresh(e, now));
        if learned >= configured || learned == 0 {
            self.0.remove(key(base_url));
        } else {
            self.0.insert(
                key(base_url).to_string(),
                Entry {
                    limit: learned,
                    learned_at: now,
                },
            );
        }
    }

    /// The file's text.
    pub fn to_text(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".into());
        s.push('\n');
        s
    }
}

/// Reads `path`: the limits, and a warning when the file exists but cannot be used (it is
/// then treated as empty). A missing file is no limit and no warning.
pub fn load(path: &Path) -> (Limits, Option<String>) {
    match fs::read_to_string(path) {
        Ok(text) => match Limits::parse(&text) {
            Ok(l) => (l, None),
            Err(e) => (
                Limits::default(),
                Some(format!(
                    "ignoring the remembered server limits in {}: {e}",
                    path.display()
                )),
            ),
        },
        Err(e) if e.kind() == io::ErrorKind::NotFound => (Limits::default(), None),
        Err(e) => (
            Limits::default(),
            Some(format!(
                "ignoring the remembered server limits in {}: {e}",
                path.display()
            )),
        ),
    }
}

/// Writes `limits` to `path` in one step (a private temporary file renamed over it): the
/// file readable by its owner only, its directory created 0700 as the journal's.
pub fn save(path: &Path, limits: &Limits) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    super::journal::create_private_dir(dir)?;
    let tmp = dir.join(format!(".{FILE_NAME}.{}", std::process::id()));
    let mut opts = OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let written = opts.open(&tmp).and_then(|mut f| {
        f.write_all(limits.to_text().as_bytes())?;
        f.sync_data()
    });
    match written.and_then(|()| fs::rename(&tmp, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    const URL: &str = "http://127.0.0.1:8080";

    #[test]
    fn a_learned_limit_is_remembered_for_an_hour_by_base_url() {
        let mut l = Limits::default();
        l.learn(URL, 2, 8, at(0));
        assert_eq!(l.remembered(URL, at(0)), Some(2));
        assert_eq!(l.remembered("http://127.0.0.1:8080/", at(60)), Some(2));
        assert_eq!(l.remembered(URL, at(3599)), Some(2));
        assert_eq!(l.remembered(URL, at(3600)), None, "expired");
        assert_eq!(l.remembered("http://other.test", at(0)), None);
        // Learned "later" than now by more than the bound: a clock set back, ignored.
        assert_eq!(l.remembered(URL, at(-3601)), None);
    }

    #[test]
    fn a_limit_at_the_configured_value_forgets_the_entry_and_expired_ones_go() {
        let mut l = Limits::default();
        l.learn(URL, 2, 8, at(0));
        l.learn("http://old.test", 1, 4, at(-7200));
        l.learn(URL, 8, 8, at(10));
        assert_eq!(l, Limits::default());
        l.learn("http://old.test", 1, 4, at(-7200));
        l.learn(URL, 3, 8, at(0));
        assert_eq!(
            l.0.len(),
            1,
            "the expired entry is dropped at the next write"
        );
    }

    #[test]
    fn the_text_reads_back_and_a_corrupt_one_is_an_error() {
        let mut l = Limits::default();
        l.learn(URL, 2, 8, at(0));
        let text = l.to_text();
        assert!(text.contains("\"limit\": 2"), "{text}");
        assert!(text.contains("\"learned_at\""), "{text}");
        assert_eq!(Limits::parse(&text), Ok(l));
        assert_eq!(Limits::parse(""), Ok(Limits::default()));
        assert!(Limits::parse("{not json").is_err());
        assert!(Limits::parse("[1, 2]").is_err());
        assert!(Limits::parse(r#"{"x": {"limit": -1, "learned_at": "now"}}"#).is_err());
    }

    #[test]
    fn save_writes_a_private_file_and_load_warns_on_a_bad_one() {
        let dir = tempfile::tempdir().unwrap();
        let path = path_in(&dir.path().join("state"));
        assert_eq!(
            load(&path),
            (Limits::default(), None),
            "missing: no warning"
        );
        let mut l = Limits::default();
        l.learn(URL, 2, 8, at(0));
        save(&path, &l).unwrap();
        assert_eq!(load(&path), (l, None));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&path), 0o600);
            assert_eq!(mode(&dir.path().join("state")), 0o700);
        }
        fs::write(&path, "garbage").unwrap();
        let (read, warning) = load(&path);
        assert_eq!(read, Limits::default());
        assert!(
            warning
                .unwrap()
                .contains("ignoring the remembered server limits")
        );
    }
}
