//! The streaming views' shared flow: a scan's parts and its end go to the view of its kind
//! (an answer to a scan no view waits for is dropped), and `Esc` stops a running scan,
//! keeping what it found, then closes the view.

use super::effect::{Effect, RequestId};
use super::layers::Screen;
use super::msg::{Reply, ScanPart};
use super::scan_view::{Coverage, ScanKind};
use super::state::{State, StatusKind};
use super::{facet_flow, filter_flow, problems_flow};

/// The coverage of the view of `kind`, if it is there.
fn coverage(state: &mut State, kind: ScanKind) -> Option<&mut Coverage> {
    match kind {
        ScanKind::Problems => state.problems.as_mut().map(|p| &mut p.scan),
        ScanKind::Filter => state.filter.as_mut().map(|f| &mut f.scan),
        ScanKind::Facet => state.facet.as_mut().map(|f| &mut f.scan),
    }
}

/// The screen a kind of scan feeds.
pub fn screen(kind: ScanKind) -> Screen {
    match kind {
        ScanKind::Problems => Screen::Problems,
        ScanKind::Filter => Screen::Filter,
        ScanKind::Facet => Screen::Facet,
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

fn take(state: &mut State, kind: ScanKind, part: ScanPart) {
    match kind {
        ScanKind::Problems => {
            if let Some(p) = state.problems.as_mut() {
                problems_flow::take(p, part);
            }
        }
        ScanKind::Filter => {
            if let Some(f) = state.filter.as_mut() {
                filter_flow::take(f, part);
            }
        }
        ScanKind::Facet => {
            if let Some(f) = state.facet.as_mut() {
                facet_flow::take(f, part);
            }
        }
    }
}

/// `Esc` at the top of a streaming view: stops a running scan (keeping what it found), or
/// takes the view off the screen (what was under it shows again).
pub(super) fn back(state: &mut State, kind: ScanKind, fx: &mut Vec<Effect>) {
    match coverage(state, kind).and_then(Coverage::stop) {
        Some(req) => state.requests.cancel(req, fx),
        None => state.hide(screen(kind)),
    }
}
