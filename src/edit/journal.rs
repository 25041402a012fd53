//! The local journal of changes sent: one JSON object per line in
//! `$XDG_STATE_HOME/prospect/journal.jsonl`, appended after every successful save.
//!
//! Each line is a [`JournalEntry`] serialized with camelCase keys (the same spelling as the
//! API's), e.g.
//! `{"time":"2026-11-26T17:21:03Z","profile":"sandbox","prospectId":"a2b9…","body":{"email":"new@example.com"},"previous":{"email":"old@example.com"},"status":200}`.
//!
//! The journal holds personal data (it may contain identification numbers), so the file is
//! created with mode 0600 and its directory with 0700.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::normalized_value;
use crate::api::model::Prospect;
use crate::patch::PatchBody;

/// One change sent to the API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JournalEntry {
    /// When the response arrived, RFC 3339 in UTC (passed in by the caller).
    pub time: String,
    /// The profile the change was sent with.
    pub profile: String,
    /// The prospect's id.
    pub prospect_id: String,
    /// The PATCH body exactly as sent.
    pub body: PatchBody,
    /// The value each key of `body` had before the change (see [`previous_values`]).
    pub previous: Map<String, Value>,
    /// The HTTP status of the response.
    pub status: u16,
    /// The batch (`prospect apply`, `revert`) the change belongs to; none for a single save.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<String>,
    /// Why the change was made (`apply --reason`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The journal file inside a state directory (the caller knows which: `edit` reads no config).
pub fn path_in(state_dir: &Path) -> PathBuf {
    state_dir.join("journal.jsonl")
}

/// The values the keys of `body` had in `before` (the record the change was computed
/// against), normalized as the diff normalizes them: `null` for empty, the address without
/// its `id`. This is the `previous` of a [`JournalEntry`].
pub fn previous_values(before: &Prospect, body: &PatchBody) -> Map<String, Value> {
    body.keys()
        .map(|k| (k.clone(), normalized_value(before, k)))
        .collect()
}

/// The body that undoes `entry`: each key it sent, set back to its previous value. A key
/// missing from `previous` is left out rather than guessed.
///
/// Feed it through the usual review: apply it to the record as it is now, diff, check
/// conflicts against the record the change produced, validate.
pub fn inverse_body(entry: &JournalEntry) -> PatchBody {
    entry
        .body
        .keys()
        .filter_map(|k| entry.previous.get(k).map(|v| (k.clone(), v.clone())))
        .collect()
}

/// The line that opens a batch, written before any of its changes is sent: if it cannot be
/// written, nothing is sent. Readers of [`JournalEntry`]s skip it (it has no `prospectId`);
/// pruning reads its `time` like any entry's.
///
/// `{"time":"2026-11-28T03:30:00Z","opensBatch":"20261128T033000-3f9a","profile":"sandbox","reason":"tidy","rows":47}`
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchOpening {
    /// When the batch started, RFC 3339 in UTC.
    pub time: String,
    /// The batch's id (the `batch` of its entries).
    pub opens_batch: String,
    pub profile: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// How many changes the batch is about to send.
    pub rows: usize,
}

/// Appends one entry as one line, creating the directory (0700) and file (0600) as needed.
///
/// The line is written with a single `write` on a file opened with `O_APPEND`, under an
/// exclusive advisory lock held from the check below to the write, so concurrent writers (the
/// workers of a batch, another `prospect`) never interleave. If the file's last line was cut
/// short (a crash mid-write), a newline is written first so the new entry starts on a line of
/// its own.
pub fn append(path: &Path, entry: &JournalEntry) -> io::Result<()> {
    append_line(path, entry)
}

/// Appends the line that opens a batch (see [`BatchOpening`]), as [`append`] does an entry.
pub fn append_opening(path: &Path, opening: &BatchOpening) -> io::Result<()> {
    append_line(path, opening)
}

fn append_line(path: &Path, record: &impl Serialize) -> io::Result<()> {
    let mut line = serde_json::to_vec(record).map_err(io::Error::other)?;
    line.push(b'\n');
    let mut file = open_for_append(path)?;
    file.lock()?;
    if ends_without_newline(&mut file)? {
        line.insert(0, b'\n');
    }
    file.write_all(&line)?;
    // Dropping the file releases the lock.
    file.sync_data()
}

/// Opens (creating as needed) the journal for appending: how a single change checks, before
/// it is sent, that it can be journaled.
pub fn open_for_append(path: &Path) -> io::Result<File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dir(dir)?;
    }
    let mut opts = OpenOptions::new();
    opts.read(true).append(true).create(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    opts.open(path)
}

fn ends_without_newline(file: &mut File) -> io::Result<bool> {
    let len = file.seek(SeekFrom::End(0))?;
    if len == 0 {
        return Ok(false);
    }
    file.seek(SeekFrom::Start(len - 1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

/// Creates `dir` and its parents; on Unix the directories created get mode 0700.
pub(crate) fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut b = fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(dir)
}

/// Takes group and other permissions off `dir` if it exists: the state directory, left 0755
/// by an older version. Only for a directory `prospect` owns (never a caller's `/tmp`).
pub fn make_private(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = match fs::metadata(dir) {
            Ok(m) if m.is_dir() => m.permissions().mode(),
            Ok(_) => return Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(e),
        };
        if mode & 0o077 != 0 {
            fs::set_permissions(dir, fs::Permissions::from_mode(mode & 0o700))?;
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Every entry of the journal, oldest first; a missing file is an empty journal.
///
/// Tolerant by design: a line that is not a valid entry (a last line cut short by a crash,
/// or a line damaged by hand) is skipped, never fatal. Only I/O errors are returned.
pub fn read(path: &Path) -> io::Result<Vec<JournalEntry>> {
    read_checked(path).map(|(entries, _)| entries)
}

/// As [`read`], with the numbers of the lines that were skipped (for a warning).
pub fn read_checked(path: &Path) -> io::Result<(Vec<JournalEntry>, Vec<usize>)> {
    let bytes = match read_file(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Vec::new(), Vec::new())),
        Err(e) => return Err(e),
    };
    let mut entries = Vec::new();
    let mut skipped = Vec::new();
    for (i, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice(line) {
            Ok(e) => entries.push(e),
            // The line that opens a batch is not a change: not damaged either.
            Err(_) if serde_json::from_slice::<BatchOpening>(line).is_ok() => {}
            Err(_) => skipped.push(i + 1),
        }
    }
    Ok((entries, skipped))
}

/// The journal's bytes; a journal that is not a regular file (a link to `/dev/full` or
/// `/dev/zero`, which never end) is an error rather than a read without end.
fn read_file(path: &Path) -> io::Result<Vec<u8>> {
    if !fs::metadata(path)?.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{} is not a regular file", path.display()),
        ));
    }
    fs::read(path)
}

/// The sentence warning of skipped lines, if any.
pub fn skipped_warning(path: &Path, skipped: &[usize]) -> Option<String> {
    (!skipped.is_empty()).then(|| {
        let lines: Vec<String> = skipped.iter().map(ToString::to_string).collect();
        format!(
            "{}: skipped damaged line(s) {} (a write cut short?)",
            path.display(),
            lines.join(", ")
        )
    })
}

/// What pruning reads of a line: its time. The rest is checked as JSON (a line cut short
/// fails and is kept) but not built, which makes pruning at start several times cheaper.
#[derive(Deserialize)]
struct TimeOf<'a> {
    #[serde(borrow)]
    time: std::borrow::Cow<'a, str>,
}

/// Drops entries older than `keep_from` (RFC 3339, UTC) by rewriting the file through a
/// private temporary file renamed over it; returns how many were dropped. Damaged lines are
/// kept as they are. Another process appending meanwhile could lose its line, so this runs
/// only at the start of a command that writes the journal itself.
pub fn prune(path: &Path, keep_from: &str) -> io::Result<usize> {
    let text = match read_file(path) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut kept = Vec::with_capacity(text.len());
    let mut dropped = 0;
    for line in text.split(|b| *b == b'\n') {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let old = serde_json::from_slice::<TimeOf>(line).is_ok_and(|e| &*e.time < keep_from);
        if old {
            dropped += 1;
        } else {
            kept.extend_from_slice(line);
            kept.push(b'\n');
        }
    }
    if dropped == 0 {
        return Ok(0);
    }
    let tmp = path.with_extension("jsonl.tmp");
    let mut opts = OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(&tmp)?;
    f.write_all(&kept)?;
    f.sync_data()?;
    fs::rename(&tmp, path)?;
    Ok(dropped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(id: &str, status: u16) -> JournalEntry {
        let body = json!({"email": "new@example.com", "middleName": null});
        let previous = json!({"email": "old@example.com", "middleName": "James"});
        JournalEntry {
            time: "2026-11-26T17:21:03Z".into(),
            profile: "sandbox".into(),
            prospect_id: id.into(),
            body: body.as_object().unwrap().clone(),
            previous: previous.as_object().unwrap().clone(),
            status,
            batch: None,
            reason: None,
        }
    }

    #[test]
    fn entries_are_appended_one_per_line_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/prospect/journal.jsonl");
        append(&path, &entry("a", 200)).unwrap();
        append(&path, &entry("b", 200)).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 2);
        assert!(text.ends_with('\n'));
        let first: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
        assert_eq!(first["prospectId"], "a");
        assert_eq!(first["body"]["middleName"], Value::Null);
        assert_eq!(read(&path).unwrap(), vec![entry("a", 200), entry("b", 200)]);
    }

    #[cfg(unix)]
    #[test]
    fn the_journal_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new/journal.jsonl");
        append(&path, &entry("a", 200)).unwrap();
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(&dir.path().join("new")), 0o700);
    }

    #[test]
    fn a_truncated_last_line_is_skipped_and_the_next_append_starts_a_new_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        append(&path, &entry("a", 200)).unwrap();
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(br#"{"time":"2026-11-26T17:2"#).unwrap();
        drop(f);
        assert_eq!(read(&path).unwrap(), vec![entry("a", 200)]);
        append(&path, &entry("c", 200)).unwrap();
        assert_eq!(read(&path).unwrap(), vec![entry("a", 200), entry("c", 200)]);
    }

    #[test]
    fn a_missing_journal_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        assert!(read(&dir.path().join("nope.jsonl")).unwrap().is_empty());
    }

    #[test]
    fn the_inverse_body_sets_the_sent_keys_back() {
        let inv = inverse_body(&entry("a", 200));
        assert_eq!(
            Value::Object(inv),
            json!({"email": "old@example.com", "middleName": "James"})
        );
    }

    #[test]
    fn previous_values_are_normalized_like_the_diff() {
        let before: Prospect = serde_json::from_value(json!({
            "id": "x", "email": "old@example.com", "middleName": "",
            "address": {"type": "STRUCTURED", "id": "addr-1", "line1": "1 High St",
                        "postcode": "", "country": "GBR"}
        }))
        .unwrap();
        let body = json!({"email": "n@example.com", "middleName": "M", "address": null});
        let prev = previous_values(&before, body.as_object().unwrap());
        assert_eq!(prev["email"], "old@example.com");
        assert_eq!(prev["middleName"], Value::Null);
        assert!(prev["address"].get("id").is_none());
        assert_eq!(prev["address"]["postcode"], Value::Null);
        assert_eq!(prev["address"]["line1"], "1 High St");
        assert_eq!(prev.len(), 3);
    }

    #[test]
    fn a_torn_line_is_named_in_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        append(&path, &entry("a", 200)).unwrap();
        fs::write(
            &path,
            format!("{}{{\"time\":\"20", fs::read_to_string(&path).unwrap()),
        )
        .unwrap();
        let (entries, skipped) = read_checked(&path).unwrap();
        assert_eq!(entries, vec![entry("a", 200)]);
        assert_eq!(skipped, [2]);
        assert!(skipped_warning(&path, &skipped).is_some_and(|w| w.contains("line(s) 2")));
    }

    #[test]
    fn two_writers_appending_at_once_never_interleave_or_lose_lines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let writers: Vec<_> = (0..2)
            .map(|w| {
                let path = path.clone();
                std::thread::spawn(move || {
                    for i in 0..200 {
                        let mut e = entry(&format!("{w}-{i}"), 200);
                        // Long lines make a torn write likelier to show.
                        e.reason = Some("x".repeat(2000));
                        append(&path, &e).unwrap();
                    }
                })
            })
            .collect();
        for w in writers {
            w.join().unwrap();
        }
        let (entries, skipped) = read_checked(&path).unwrap();
        assert!(skipped.is_empty(), "damaged lines {skipped:?}");
        assert_eq!(entries.len(), 400);
    }

    #[test]
    fn writers_racing_after_a_line_cut_short_write_no_empty_line() {
        for _ in 0..20 {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("journal.jsonl");
            fs::write(&path, br#"{"time":"2026-11-26T17:2"#).unwrap();
            let start = std::sync::Arc::new(std::sync::Barrier::new(8));
            let writers: Vec<_> = (0..8)
                .map(|w| {
                    let (path, start) = (path.clone(), start.clone());
                    std::thread::spawn(move || {
                        start.wait();
                        append(&path, &entry(&w.to_string(), 200)).unwrap();
                    })
                })
                .collect();
            for w in writers {
                w.join().unwrap();
            }
            let text = fs::read_to_string(&path).unwrap();
            assert!(!text.contains("\n\n"), "an empty line:\n{text}");
            assert_eq!(read(&path).unwrap().len(), 8);
        }
    }

    #[test]
    fn a_batch_opening_is_neither_an_entry_nor_damage() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let opening = BatchOpening {
            time: "2026-11-26T17:21:03Z".into(),
            opens_batch: "20261126T172103-3f9a".into(),
            profile: "sandbox".into(),
            reason: Some("tidy".into()),
            rows: 2,
        };
        append_opening(&path, &opening).unwrap();
        append(&path, &entry("a", 200)).unwrap();
        let (entries, skipped) = read_checked(&path).unwrap();
        assert_eq!(entries, vec![entry("a", 200)]);
        assert!(skipped.is_empty());
        // Pruned by its time like any entry.
        assert_eq!(prune(&path, "2027-01-01T00:00:00Z").unwrap(), 2);
    }

    #[test]
    fn pruning_drops_only_older_entries() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("journal.jsonl");
        let mut old = entry("old", 200);
        old.time = "2025-01-01T00:00:00Z".into();
        append(&path, &old).unwrap();
        append(&path, &entry("new", 200)).unwrap();
        // A line cut short by a crash is kept, however old it looks.
        let mut cut = serde_json::to_string(&old).unwrap();
        cut.truncate(cut.len() - 5);
        let mut f = OpenOptions::new().append(true).open(&path).unwrap();
        writeln!(f, "{cut}").unwrap();
        assert_eq!(prune(&path, "2026-01-01T00:00:00Z").unwrap(), 1);
        let text = fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert_eq!(lines[1], cut);
        assert_eq!(read_checked(&path).unwrap().0, vec![entry("new", 200)]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
        }
    }
}
