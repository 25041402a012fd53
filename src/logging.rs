//! Logging with `tracing` to a file, never to the terminal, with secrets redacted.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// Replaces every occurrence of the known secrets (the token and the HMAC secret) with
/// `<redacted>`: a second line of defence behind never logging headers at all.
#[derive(Clone, Default)]
pub struct Redactor {
    secrets: Arc<Mutex<Vec<String>>>,
}

impl Redactor {
    /// Adds a value that must never be written out.
    pub fn add(&self, secret: &str) {
        // Very short values would redact ordinary words; real tokens are longer.
        if secret.len() >= 4
            && let Ok(mut s) = self.secrets.lock()
        {
            s.push(secret.to_string());
        }
    }

    /// The text with every known secret replaced.
    pub fn redact(&self, text: &str) -> String {
        let mut out = text.to_string();
        if let Ok(secrets) = self.secrets.lock() {
            for s in secrets.iter() {
                if out.contains(s.as_str()) {
                    out = out.replace(s.as_str(), "<redacted>");
                }
            }
        }
        out
    }
}

/// A log file writer that redacts each formatted line before it reaches the disk.
#[derive(Clone)]
struct RedactingFile {
    file: Arc<Mutex<std::fs::File>>,
    redactor: Redactor,
}

struct LineWriter<'a>(&'a RedactingFile);

/// One formatted log record as it is written: secrets redacted and control characters
/// escaped, so text from a server (a newline, an escape sequence) cannot forge a log line
/// or reach a terminal that shows the log; only the record's own line ending stays.
pub fn log_line(redactor: &Redactor, record: &str) -> String {
    let text = redactor.redact(record);
    let (body, end) = match text.strip_suffix('\n') {
        Some(body) => (body, "\n"),
        None => (text.as_str(), ""),
    };
    format!("{}{end}", crate::text::escape_control(body))
}

impl Write for LineWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = log_line(&self.0.redactor, &String::from_utf8_lossy(buf));
        let mut f = self
            .0
            .file
            .lock()
            .map_err(|_| std::io::Error::other("log file lock poisoned"))?;
        f.write_all(text.as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for RedactingFile {
    type Writer = LineWriter<'a>;
    fn make_writer(&'a self) -> Self::Writer {
        LineWriter(self)
    }
}

/// The default log file: `$XDG_STATE_HOME/prospect/prospect.log`.
pub fn default_log_path() -> Option<PathBuf> {
    crate::config::state_dir().map(|d| d.join("prospect.log"))
}

/// Starts logging to `path` (or the default). With an explicit path a failure is an error;
/// for the default path the app simply runs without a log.
pub fn init(
    path: Option<&Path>,
    verbose: u8,
    redactor: Redactor,
) -> Result<Option<PathBuf>, String> {
    let explicit = path.is_some();
    let Some(path) = path.map(Path::to_path_buf).or_else(default_log_path) else {
        return Ok(None);
    };
    let open = || -> std::io::Result<std::fs::File> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // The state directory by default: private, as the journal's.
            crate::edit::journal::create_private_dir(dir)?;
        }
        let mut opts = std::fs::OpenOptions::new();
        opts.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        opts.open(&path)
    };
    let file = match open() {
        Ok(f) => f,
        Err(e) if explicit => {
            return Err(format!("Cannot open the log file {}: {e}", path.display()));
        }
        Err(_) => return Ok(None),
    };
    let level = match verbose {
        0 => "info",
        1 => "debug",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_env("PROSPECT_LOG")
        .unwrap_or_else(|_| EnvFilter::new(format!("prospect={level},warn")));
    let writer = RedactingFile {
        file: Arc::new(Mutex::new(file)),
        redactor,
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(writer)
        .try_init();
    Ok(Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_secrets_are_redacted() {
        let r = Redactor::default();
        r.add("pk_test_4f1c2a");
        r.add("sk");
        assert_eq!(
            r.redact("token pk_test_4f1c2a sent; sky"),
            "token <redacted> sent; sky"
        );
    }

    #[test]
    fn a_newline_in_a_record_cannot_forge_a_log_line() {
        let r = Redactor::default();
        r.add("pk_test_4f1c2a");
        let forged = "WARN retrying error=busy\n2026-11-28T00:00:00Z  INFO fake: pk_test_4f1c2a\u{1b}]52;c;x\u{7}\n";
        let line = log_line(&r, forged);
        assert_eq!(line.matches('\n').count(), 1, "{line}");
        assert!(line.ends_with('\n'));
        assert!(line.contains("busy\\n2026"), "{line}");
        assert!(
            !line.contains('\u{1b}') && !line.contains("pk_test"),
            "{line}"
        );
    }
}
