//! The streaming views' shared flow: a scan's parts and its end go to the view of its kind
//! (an answer to a scan no view waits for is dropped), and `Esc` stops a running scan,
//! keeping what it found, then closes the view.

use super::effect::{Effect, RequestId};
use super::msg::{Reply, ScanPart};
use super::scan_view::{Coverage, ScanKind};
use super::state::{State, StatusKind};

/// The coverage of the view of `kind`, if it is there.
fn coverage(state: &mut State, kind: ScanKind) -> Option<&mut Coverage> {
    match kind {
        ScanKind::Problems => state.problems.as_mut().map(|p| &mut p.scan),
        ScanKind::Filter => state.filter.as_mut().map(|f| &mut f.scan),
        ScanKind::Facet => state.facet.as_mut().map(|f| &mut f.scan),
    }
}

/// A part or the end of the scan `req` of `kind`.
pub(super) fn answered(state: &mut State, kind: ScanKind, req: RequestId, reply: Reply) {
    let Some(scan) = coverage(state, kind).filter(|c| c.is(req)) else {
        return;
    };
    match reply {
        Reply::Scanned { progress, part } => {
            scan.progress = progress;
            take(state, kind, part);
        }
        Reply::ScanEnded(result) => {
            if let Some(text) = scan.end(result) {
                state.set_status(StatusKind::Error, text);
            }
        }
        Reply::Page(_)
        | Reply::Prospect(_)
        | Reply::Clustered(_)
        | Reply::Planned(_)
        | Reply::Sending { .. }
        | Reply::Sent { .. } => {}
    }
}

/// What a part brought goes to the view of its kind (a part of another kind is ignored).
fn take(state: &mut State, kind: ScanKind, part: ScanPart) {
    match (kind, part) {
        (ScanKind::Problems, ScanPart::Findings { findings, today }) => {
            if let Some(p) = state.problems.as_mut() {
                p.today = Some(today);
                p.findings.extend(findings);
            }
        }
        (ScanKind::Filter, ScanPart::Matches(items)) => {
            if let Some(f) = state.filter.as_mut() {
                f.matches.extend(items);
            }
        }
        (ScanKind::Facet, ScanPart::Counts(counts)) => {
            if let Some(f) = state.facet.as_mut() {
                f.counts = Some(counts);
                f.selected = f.selected.min(f.rows().len().saturating_sub(1));
            }
        }
        (_, part) => debug_assert!(false, "a {kind:?} scan sent {part:?}"),
    }
}

/// `Esc` at the top of a streaming view: stops a running scan (keeping what it found), or
/// takes the view off the screen (what was under it shows again).
pub(super) fn back(state: &mut State, kind: ScanKind, fx: &mut Vec<Effect>) {
    match coverage(state, kind).and_then(Coverage::stop) {
        Some(req) => state.requests.cancel(req, fx),
        None => state.hide(kind.screen()),
    }
}
