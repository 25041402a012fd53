//! Where command output goes: stdout that a closed pipe ends quietly, CSV lines, and the
//! progress bar of a walk over every page.

use std::io::{IsTerminal, Write};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::failure::Failure;

/// Where list output goes; a closed pipe (`prospect list | head`) ends it quietly.
pub struct Out {
    w: std::io::BufWriter<std::io::StdoutLock<'static>>,
    pub closed: bool,
}

impl Out {
    pub fn new() -> Self {
        Out {
            w: std::io::BufWriter::new(std::io::stdout().lock()),
            closed: false,
        }
    }

    pub fn write(&mut self, s: &str) -> Result<(), Failure> {
        if self.closed {
            return Ok(());
        }
        match self.w.write_all(s.as_bytes()) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => Ok(other?),
        }
    }

    pub fn finish(mut self) -> Result<(), Failure> {
        match self.w.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
            other => Ok(other?),
        }
    }
}

/// One CSV record, quoted as needed, with its line ending.
pub fn csv_line<S: AsRef<str>>(fields: &[S]) -> Result<String, Failure> {
    let err = |e: String| Failure::other(format!("Cannot write CSV: {e}"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(fields.iter().map(AsRef::as_ref))
        .map_err(|e| err(e.to_string()))?;
    let bytes = w.into_inner().map_err(|e| err(e.to_string()))?;
    String::from_utf8(bytes).map_err(|e| err(e.to_string()))
}

/// Standard output that a closed pipe (`prospect history | head`) silences instead of failing:
/// what follows is dropped and the command goes on to its end (a batch is never cut short
/// because its reader left), exiting as it would have.
pub struct QuietStdout {
    w: std::io::StdoutLock<'static>,
    closed: bool,
}

/// Standard output for a command's results; see [`QuietStdout`].
pub fn stdout() -> QuietStdout {
    QuietStdout {
        w: std::io::stdout().lock(),
        closed: false,
    }
}

impl Write for QuietStdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.w.write(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.w.flush() {
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

pub fn progress_bar(total: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {human_pos}/{human_len} prospects, {eta} left{msg}")
    {
        bar.set_style(style);
    }
    *lock_bar() = Some(bar.clone());
    bar
}

/// The progress bar on screen, if any: notices go above it instead of through it.
static BAR: std::sync::Mutex<Option<ProgressBar>> = std::sync::Mutex::new(None);

fn lock_bar() -> std::sync::MutexGuard<'static, Option<ProgressBar>> {
    BAR.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The last notice and when, so a burst of the same notice is told once.
static LAST_NOTICE: std::sync::Mutex<Option<(String, std::time::Instant)>> =
    std::sync::Mutex::new(None);

/// How long the same notice is not repeated.
const NOTICE_QUIET: std::time::Duration = std::time::Duration::from_secs(3);

/// A `prospect: …` notice on stderr (above a progress bar that is drawing); the same notice
/// again within a few seconds (eight requests of one burst told to wait) is told once.
pub fn notice(text: &str) {
    {
        let mut last = LAST_NOTICE
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let now = std::time::Instant::now();
        if let Some((said, at)) = last.as_ref()
            && said == text
            && now.duration_since(*at) < NOTICE_QUIET
        {
            return;
        }
        *last = Some((text.to_string(), now));
    }
    let line = format!("prospect: {text}");
    match lock_bar()
        .as_ref()
        .filter(|b| !b.is_finished() && !b.is_hidden())
    {
        Some(bar) => bar.println(line),
        None => eprintln!("{line}"),
    }
}
