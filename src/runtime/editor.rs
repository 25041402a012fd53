//! `E`: hands a document to `$VISUAL`/`$EDITOR` and reads it back (blocking; the runtime
//! gives the editor the terminal first).

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::process::Command;

/// The editor command: the configured one, else `$VISUAL`, `$EDITOR`, `vi`.
pub fn editor_command(configured: Option<&str>) -> String {
    configured
        .map(str::to_owned)
        .or_else(|| std::env::var("VISUAL").ok())
        .or_else(|| std::env::var("EDITOR").ok())
        .filter(|e| !e.trim().is_empty())
        .unwrap_or_else(|| "vi".into())
}

/// Runs `command` (through `sh`, so `code -w` works) on a private temporary file holding
/// `text`, waits for it, and returns the file's text. Blocking: call it where blocking is fine.
pub fn run_editor(command: &str, text: &str) -> Result<String, String> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let path = std::env::temp_dir().join(format!("prospect-{}-{nanos}.toml", std::process::id()));
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // The document holds personal data.
        opts.mode(0o600);
    }
    let written = opts
        .open(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()));
    if let Err(e) = written {
        let _ = fs::remove_file(&path);
        return Err(format!("cannot write the temporary file: {e}"));
    }
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("{command} \"$1\""))
        .arg("prospect-editor")
        .arg(&path)
        .status();
    let result = match status {
        Ok(s) if s.success() => {
            fs::read_to_string(&path).map_err(|e| format!("cannot read the edited file back: {e}"))
        }
        Ok(s) => Err(format!("{command} exited with {s}; nothing was changed")),
        Err(e) => Err(format!("cannot start {command}: {e}")),
    };
    let _ = fs::remove_file(&path);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_editor_edits_a_temporary_file_that_is_removed_afterwards() {
        let out = run_editor("sed -i 's/old/new/'", "email = \"old@example.com\"\n");
        assert_eq!(out, Ok("email = \"new@example.com\"\n".to_string()));
        let failed = run_editor("false", "x");
        assert!(failed.is_err_and(|e| e.contains("exited")));
    }
}
