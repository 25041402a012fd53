//! Unsaved form content written to disk when the app panics or is told to stop
//! (SIGTERM/SIGHUP), and offered back the next time the same prospect is edited.
//!
//! One file per profile and prospect in the drafts directory (by default
//! `$XDG_STATE_HOME/prospect/drafts/`), named `draft.<profile>.<id>.json` with both parts
//! escaped so that any profile name or id gives a distinct, safe file name. Files are written
//! to a temporary name and renamed, so a crash mid-write never leaves half a draft.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::api::model::Prospect;

/// A form's unsaved state. Serialized with camelCase keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Draft {
    /// The prospect's id.
    pub prospect_id: String,
    /// The profile the form was opened with.
    pub profile: String,
    /// When the draft was written, RFC 3339 in UTC (passed in by the caller).
    pub saved_at: String,
    /// The version the form was opened from: the base for the diff and for conflict checks.
    pub original: Prospect,
    /// The form's content.
    pub edited: Prospect,
}

/// The drafts directory inside a state directory (the caller knows which).
pub fn dir_in(state_dir: &Path) -> PathBuf {
    state_dir.join("drafts")
}

/// The draft file for a profile and prospect id inside `dir`.
pub fn path(dir: &Path, profile: &str, id: &str) -> PathBuf {
    let mut name = String::with_capacity(profile.len() + id.len() + 16);
    name.push_str("draft.");
    escape_into(&mut name, profile);
    name.push('.');
    escape_into(&mut name, id);
    name.push_str(".json");
    dir.join(name)
}

/// Keeps ASCII letters, digits, `-` and `_`; every other byte becomes `%XX`. Injective, so
/// two different names never share a file, and never yields `/`, `.` or `..`.
pub(crate) fn escape_into(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xF)]));
        }
    }
}

/// Writes `draft` to its file in `dir` (created 0700 if missing) with mode 0600, through a
/// temporary file and a rename; returns the file's path.
///
/// Synchronous, lock-free and independent of the terminal and the async runtime, so it can be
/// called from a panic hook or a signal-handling path. A previous draft of the same prospect
/// is replaced.
pub fn save(dir: &Path, draft: &Draft) -> io::Result<PathBuf> {
    super::journal::create_private_dir(dir)?;
    let bytes = serde_json::to_vec_pretty(draft).map_err(io::Error::other)?;
    let target = path(dir, &draft.profile, &draft.prospect_id);
    write_private(&target, &bytes)?;
    Ok(target)
}

/// Writes `bytes` to `target` with mode 0600, through a temporary file and a rename, so a
/// reader never sees half a file.
pub(crate) fn write_private(target: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut tmp = target.to_path_buf().into_os_string();
    tmp.push(format!(".{}.tmp", std::process::id()));
    let tmp = PathBuf::from(tmp);
    // A stale temporary file could carry wider permissions than 0600: start afresh.
    let _ = fs::remove_file(&tmp);
    let mut opts = OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let written = opts.open(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    if let Err(e) = written.and_then(|()| fs::rename(&tmp, target)) {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    Ok(())
}

/// The saved draft for a profile and prospect id, or `None` when there is none.
///
/// A file that cannot be decoded, or that belongs to another profile or prospect, is an
/// `InvalidData` error: the caller decides whether to tell the user or [`discard`] it.
pub fn load(dir: &Path, profile: &str, id: &str) -> io::Result<Option<Draft>> {
    let bytes = match fs::read(path(dir, profile, id)) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let draft: Draft = serde_json::from_slice(&bytes)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("damaged draft: {e}")))?;
    if draft.profile != profile || draft.prospect_id != id {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the draft file belongs to another profile or prospect",
        ));
    }
    Ok(Some(draft))
}

/// Removes the draft for a profile and prospect id; no draft is not an error.
pub fn discard(dir: &Path, profile: &str, id: &str) -> io::Result<()> {
    match fs::remove_file(path(dir, profile, id)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn draft(profile: &str, id: &str) -> Draft {
        let original: Prospect = serde_json::from_value(json!({
            "id": id, "email": "old@example.com", "firstName": "Zoë\u{1b}[31m",
            "address": {"type": "STRUCTURED", "id": "addr-1", "line1": "1 High St",
                        "country": "GBR"},
            "partnerId": "p-1"
        }))
        .unwrap();
        let mut edited = original.clone();
        edited.email = "new@example.com".into();
        edited.middle_name = Some(String::new());
        Draft {
            prospect_id: id.into(),
            profile: profile.into(),
            saved_at: "2026-11-26T17:21:03Z".into(),
            original,
            edited,
        }
    }

    #[test]
    fn a_saved_draft_loads_back_and_is_discarded() {
        let dir = tempfile::tempdir().unwrap();
        let d = draft("sandbox", "a2b9649e-df7f-4349-adff-1c57283fef10");
        let p = save(dir.path(), &d).unwrap();
        assert!(p.starts_with(dir.path()));
        let back = load(dir.path(), "sandbox", &d.prospect_id).unwrap();
        assert_eq!(back, Some(d.clone()));
        // The unknown field and the address id survive, and the edit is intact.
        let back = back.unwrap();
        assert_eq!(back.original.extra["partnerId"], "p-1");
        assert_eq!(
            crate::patch::diff(&back.original, &back.edited),
            crate::patch::diff(&d.original, &d.edited)
        );
        discard(dir.path(), "sandbox", &d.prospect_id).unwrap();
        assert_eq!(load(dir.path(), "sandbox", &d.prospect_id).unwrap(), None);
        discard(dir.path(), "sandbox", &d.prospect_id).unwrap();
        // Only the draft was ever in the directory: no temporary file left behind.
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn drafts_are_kept_per_profile_and_prospect() {
        let dir = tempfile::tempdir().unwrap();
        save(dir.path(), &draft("prod", "x")).unwrap();
        save(dir.path(), &draft("sandbox", "x")).unwrap();
        assert_eq!(load(dir.path(), "prod", "y").unwrap(), None);
        assert_eq!(
            load(dir.path(), "prod", "x").unwrap().unwrap().profile,
            "prod"
        );
        let mut newer = draft("prod", "x");
        newer.saved_at = "2026-11-27T00:00:00Z".into();
        save(dir.path(), &newer).unwrap();
        assert_eq!(load(dir.path(), "prod", "x").unwrap(), Some(newer));
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn hostile_names_stay_inside_the_directory_and_do_not_collide() {
        let dir = tempfile::tempdir().unwrap();
        let a = path(dir.path(), "../../etc", "/passwd");
        assert_eq!(a.parent(), Some(dir.path()));
        let name = a.file_name().unwrap().to_str().unwrap();
        assert!(!name.contains('/') && !name.contains(".."));
        assert_ne!(path(dir.path(), "a/b", "c"), path(dir.path(), "a_b", "c"));
        assert_ne!(path(dir.path(), "a.b", "c"), path(dir.path(), "a", "b.c"));
        save(dir.path(), &draft("../x", "a/../b")).unwrap();
        assert!(load(dir.path(), "../x", "a/../b").unwrap().is_some());
    }

    #[cfg(unix)]
    #[test]
    fn the_draft_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = save(&dir.path().join("drafts"), &draft("sandbox", "x")).unwrap();
        assert_eq!(fs::metadata(p).unwrap().permissions().mode() & 0o777, 0o600);
    }

    #[test]
    fn a_damaged_draft_is_invalid_data() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(path(dir.path(), "p", "x"), b"{not json").unwrap();
        let e = load(dir.path(), "p", "x").unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidData);
    }
}
