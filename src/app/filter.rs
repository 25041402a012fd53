//! `F` — a filter on any field: every page is scanned and the matches stream into a list
//! whose title says how much has been covered ("12 matches · scanned 3,400 of 10,000").

use super::effect::RequestId;
use super::problems::thousands;
use crate::api::Prospect;
use crate::scan::Progress;

/// The filter view: the matches found so far.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FilterView {
    /// The filter as typed.
    pub text: String,
    /// The scan in flight, while it runs.
    pub req: Option<RequestId>,
    /// The matching records, in list order.
    pub matches: Vec<Prospect>,
    pub progress: Progress,
    /// `None` while scanning; then `Ok(true)` when every page was scanned, `Ok(false)` when
    /// stopped with `Esc`, `Err` when a page failed.
    pub ended: Option<Result<bool, String>>,
    /// Whether the view is on screen (it hides while a match opened from it is shown).
    pub open: bool,
    pub selected: usize,
}

impl FilterView {
    /// The title: the filter, the matches and the coverage.
    pub fn title(&self) -> String {
        let n = self.matches.len();
        let matches = format!(
            "{} match{}",
            thousands(n as u64),
            if n == 1 { "" } else { "es" }
        );
        let (scanned, total) = (
            thousands(self.progress.scanned),
            thousands(self.progress.total),
        );
        let state = match &self.ended {
            None => format!("scanning {scanned} of {total}…"),
            Some(Ok(true)) => format!("scanned {scanned} of {total}"),
            Some(Ok(false)) => format!("stopped at {scanned} of {total}"),
            Some(Err(_)) => format!("failed after {scanned} of {total}"),
        };
        format!("{} · {matches} · {state}", self.text)
    }
}
