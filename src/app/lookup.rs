//! `:` — find one prospect by id or by external reference.

use super::browse::open_detail;
use super::effect::{ApiRequest, Effect};
use super::requests::{LookupBy, Purpose};
use super::state::{Lookup, State, StatusKind};
use crate::api::{ApiError, Prospect};

/// Starts a look-up: a UUID may be an id or an external reference, so both are asked.
/// A newer look-up replaces an older one: the older requests are cancelled.
pub(super) fn start(state: &mut State, text: &str, fx: &mut Vec<Effect>) {
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    state
        .requests
        .cancel_where(|p| matches!(p, Purpose::Lookup(_)), fx);
    let asked_id = uuid::Uuid::parse_str(text).is_ok();
    if asked_id {
        let request = ApiRequest::ById {
            id: text.to_string(),
        };
        state
            .requests
            .start(Purpose::Lookup(LookupBy::Id), request, fx);
    }
    let request = ApiRequest::ByRef {
        reference: text.to_string(),
    };
    state
        .requests
        .start(Purpose::Lookup(LookupBy::Reference), request, fx);
    state.lookup = Some(Lookup {
        text: text.to_string(),
        asked_id,
        id_result: None,
        ref_result: None,
        other_case: None,
    });
}

/// One answer of the current look-up.
pub(super) fn answered(
    state: &mut State,
    by: LookupBy,
    result: Result<Prospect, ApiError>,
    fx: &mut Vec<Effect>,
) {
    let Some(lookup) = state.lookup.as_mut() else {
        return;
    };
    match by {
        LookupBy::Id => lookup.id_result = Some(result),
        LookupBy::Reference => lookup.ref_result = Some(result),
        LookupBy::OtherCase(i) => {
            if let Some(slot) = lookup
                .other_case
                .as_mut()
                .and_then(|v| v.get_mut(usize::from(i)))
            {
                *slot = Some(result);
            }
        }
    }
    resolve(state, fx);
}

/// Nothing was found: asks the external reference in other cases, so the failure can say
/// "did you mean …?" only when the server holds such a record. Returns whether it asked.
fn ask_other_case(state: &mut State, fx: &mut Vec<Effect>) -> bool {
    let Some(text) = state
        .lookup
        .as_ref()
        .filter(|l| l.other_case.is_none())
        .map(|l| l.text.clone())
    else {
        return false;
    };
    let variants = crate::text::case_variants(&text);
    for (i, v) in variants.iter().enumerate() {
        let by = LookupBy::OtherCase(u8::try_from(i).unwrap_or(u8::MAX));
        let request = ApiRequest::ByRef {
            reference: v.clone(),
        };
        state.requests.start(Purpose::Lookup(by), request, fx);
    }
    if let Some(l) = state.lookup.as_mut() {
        l.other_case = Some(vec![None; variants.len()]);
    }
    !variants.is_empty()
}

enum Outcome {
    Wait,
    Found(Box<Prospect>),
    Failed(String),
    AskOtherCase,
}

/// Decides once enough answers are in: an id match wins over an external-reference match.
fn resolve(state: &mut State, fx: &mut Vec<Effect>) {
    let Some(l) = state.lookup.as_ref() else {
        return;
    };
    let id_pending = l.asked_id && l.id_result.is_none();
    let ref_pending = l.ref_result.is_none();
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
            match failure {
                Some(e) => Outcome::Failed(e.to_string()),
                None => match &l.other_case {
                    None => Outcome::AskOtherCase,
                    Some(answers) if answers.iter().any(Option::is_none) => Outcome::Wait,
                    Some(answers) => {
                        let found = answers
                            .iter()
                            .flatten()
                            .find_map(|r| r.as_ref().ok())
                            .and_then(|p| p.external_reference.clone());
                        let mut text =
                            format!("No prospect with id or external reference {}", l.text);
                        if let Some(r) = found {
                            text.push_str(&format!(" — did you mean {r}?"));
                        }
                        Outcome::Failed(text)
                    }
                },
            }
        }
    };
    match outcome {
        Outcome::Wait => {}
        Outcome::AskOtherCase => {
            if !ask_other_case(state, fx) {
                // No other case to try (digits only): nothing found.
                let text = state.lookup.take().map(|l| l.text).unwrap_or_default();
                let text = format!("No prospect with id or external reference {text}");
                state.set_status(StatusKind::Error, text);
            }
        }
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
