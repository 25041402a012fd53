//! What the three streaming views (`!` problems, `F` filter, `%` facet) share: a scan over
//! every record answered in parts, its coverage in the title, `Esc` that stops it and keeps
//! what was found, and one way to take its parts and its end.

use super::effect::RequestId;
use super::screens::Screen;
use crate::present::thousands;
use crate::scan::{Progress, ScanError, ScanSummary};

/// Which streaming view a scan feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanKind {
    Problems,
    Filter,
    Facet,
}

impl ScanKind {
    /// The screen a kind of scan feeds.
    pub fn screen(self) -> Screen {
        match self {
            ScanKind::Problems => Screen::Problems,
            ScanKind::Filter => Screen::Filter,
            ScanKind::Facet => Screen::Facet,
        }
    }
}

/// How a scan ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// Every page was scanned: how many records.
    Complete(u64),
    /// Stopped with `Esc`: what was found is kept.
    Stopped,
    /// A page failed (after its retries): why.
    Failed(String),
}

/// A scan's progress, as every streaming view keeps it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Coverage {
    /// The scan in flight, while it runs.
    pub req: Option<RequestId>,
    pub progress: Progress,
    /// `None` while it runs.
    pub ended: Option<Ended>,
}

impl Coverage {
    /// A scan just started as `req`.
    pub fn running(req: RequestId) -> Self {
        Coverage {
            req: Some(req),
            ..Coverage::default()
        }
    }

    /// Whether `req` is this scan's request (an answer to an older scan is dropped).
    pub fn is(&self, req: RequestId) -> bool {
        self.req == Some(req)
    }

    /// Whether the scan is still running.
    pub fn is_running(&self) -> bool {
        self.req.is_some()
    }

    /// The scan ended: how, from its last answer. The error's sentence, if it failed.
    pub fn end(&mut self, result: Result<ScanSummary, ScanError>) -> Option<String> {
        self.req = None;
        match result {
            Ok(summary) => {
                let n = summary.records.max(self.progress.scanned);
                self.ended = Some(Ended::Complete(n));
                None
            }
            Err(e) => {
                let text = e.to_string();
                self.ended = Some(Ended::Failed(text.clone()));
                Some(text)
            }
        }
    }

    /// `Esc` while it runs: stops it, keeping what was found; the request to cancel.
    pub fn stop(&mut self) -> Option<RequestId> {
        let req = self.req.take()?;
        self.ended = Some(Ended::Stopped);
        Some(req)
    }

    /// How far it got, for the title: `scanning 3,400 of 10,000…`, `scanned 10,000 records`,
    /// `stopped at 3,400 of 10,000`, `failed after 3,400 of 10,000`.
    pub fn text(&self) -> String {
        let p = self.progress;
        let (scanned, total) = (thousands(p.scanned), thousands(p.total));
        match &self.ended {
            None => format!("scanning {scanned} of {total}…{}", p.limit_note()),
            Some(Ended::Complete(n)) => format!("scanned {} records", thousands(*n)),
            Some(Ended::Stopped) => format!("stopped at {scanned} of {total}"),
            Some(Ended::Failed(_)) => format!("failed after {scanned} of {total}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ApiError;

    #[test]
    fn the_title_says_how_far_the_scan_got_in_every_state() {
        let mut c = Coverage::running(RequestId(7));
        c.progress.scanned = 3_400;
        c.progress.total = 10_000;
        assert!(c.is(RequestId(7)) && !c.is(RequestId(6)));
        assert_eq!(c.text(), "scanning 3,400 of 10,000…");
        let mut stopped = c.clone();
        assert_eq!(stopped.stop(), Some(RequestId(7)));
        assert_eq!(stopped.stop(), None, "stopped once");
        assert_eq!(stopped.text(), "stopped at 3,400 of 10,000");
        let mut failed = c.clone();
        let error = ScanError {
            page: 35,
            source: ApiError::Config("boom".into()),
        };
        assert!(failed.end(Err(error)).is_some_and(|t| t.contains("boom")));
        assert_eq!(failed.text(), "failed after 3,400 of 10,000");
        let summary = ScanSummary {
            records: 10_000,
            ..ScanSummary::default()
        };
        assert_eq!(c.end(Ok(summary)), None);
        assert!(!c.is_running());
        assert_eq!(c.text(), "scanned 10,000 records");
    }
}
