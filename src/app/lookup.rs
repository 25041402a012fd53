//! `:` — find one prospect by id or by external reference.

use super::browse::open_detail;
use super::effect::Effect;
use super::state::{Lookup, RequestId, State, StatusKind};
use crate::api::{ApiError, Prospect};

/// Starts a look-up: a UUID may be an id or an external reference, so both are asked.
pub(super) fn start(state: &mut State, text: &str, fx: &mut Vec<Effect>) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    let by_id = if uuid::Uuid::parse_str(text).is_ok() {
        let req = state.next_request();
        fx.push(Effect::FetchById {
            req,
            id: text.to_string(),
        });
        Some(req)
    } else {
        None
    };
    let req = state.next_request();
    fx.push(Effect::FetchByRef {
        req,
        reference: text.to_string(),
    });
    // A newer look-up replaces an older one: the older answers are dropped.
    state.lookup = Some(Lookup {
        text: text.to_string(),
        by_id,
        by_ref: Some(req),
        id_result: None,
        ref_result: None,
    });
}

/// A one-prospect answer: for the open detail's reload, for the look-up, or for nobody.
pub(super) fn prospect_loaded(
    state: &mut State,
    req: RequestId,
    result: Result<Prospect, ApiError>,
) {
    if let Some(detail) = state.detail.as_mut().filter(|d| d.reload == Some(req)) {
        detail.reload = None;
        match result {
            Ok(p) => {
                detail.prospect = p;
            }
            Err(e) => state.set_status(StatusKind::Error, e.to_string()),
        }
        return;
    }
    let Some(lookup) = state.lookup.as_mut() else {
        return;
    };
    if lookup.by_id == Some(req) {
        lookup.id_result = Some(result);
    } else if lookup.by_ref == Some(req) {
        lookup.ref_result = Some(result);
    } else {
        return;
    }
    resolve(state);
}

enum Outcome {
    Wait,
    Found(Box<Prospect>),
    Failed(String),
}

/// Decides once enough answers are in: an id match wins over an external-reference match.
fn resolve(state: &mut State) {
    let Some(l) = state.lookup.as_ref() else {
        return;
    };
    let id_pending = l.by_id.is_some() && l.id_result.is_none();
    let ref_pending = l.by_ref.is_some() && l.ref_result.is_none();
    let outcome = match (&l.id_result, &l.ref_result) {
        (Some(Ok(p)), _) => Outcome::Found(Box::new(p.clone())),
        _ if id_pending => Outcome::Wait,
        (_, Some(Ok(p))) => Outcome::Found(Box::new(p.clone())),
        _ if ref_pending => Outcome::Wait,
        (a, b) => {
            // A real failure (401, timeout…) says more than "not found".
            let failure = [a, b]
                .into_iter()
                .flatten()
                .filter_map(|r| r.as_ref().err())
                .find(|e| !matches!(e, ApiError::NotFound { .. }));
            Outcome::Failed(match failure {
                Some(e) => e.to_string(),
                None => format!("No prospect with id or external reference {}", l.text),
            })
        }
    };
    match outcome {
        Outcome::Wait => {}
        Outcome::Found(p) => {
            state.lookup = None;
            if let Some(i) = state.list.rows.iter().position(|r| r.id == p.id) {
                state.list.selected = i;
            }
            open_detail(state, *p, true);
        }
        Outcome::Failed(text) => {
            state.lookup = None;
            state.set_status(StatusKind::Error, text);
        }
    }
}
