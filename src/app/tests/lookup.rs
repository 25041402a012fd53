use crossterm::event::KeyCode;

use super::fixtures::*;
use crate::api::ApiError;
use crate::app::state::StatusKind;
use crate::app::{Effect, Focus, Msg, RequestId, State, update};

/// A look-up; its effects but the history's (`history` tests those).
fn look_up(s: &mut State, text: &str) -> Vec<Effect> {
    update(s, ch(':'));
    type_text(s, text);
    let mut fx = update(s, key(KeyCode::Enter));
    fx.retain(|e| !matches!(e, Effect::Local(crate::app::Local::SaveHistory(_))));
    fx
}

fn not_found(what: &str) -> ApiError {
    ApiError::NotFound { what: what.into() }
}

#[test]
fn a_uuid_is_asked_of_both_endpoints() {
    let mut s = loaded(3, 7, (80, 24));
    let id = prospect(5).id;
    let fx = look_up(&mut s, &id);
    assert_eq!(
        fx,
        [
            Effect::Api(ApiCall {
                req: RequestId(3),
                request: ApiRequest::ById { id: id.clone() }
            }),
            Effect::Api(ApiCall {
                req: RequestId(4),
                request: ApiRequest::ByRef {
                    reference: id.clone()
                }
            }),
        ]
    );
    assert!(s.busy());
}

#[test]
fn other_text_is_asked_of_the_external_reference_endpoint_only() {
    let mut s = loaded(3, 7, (80, 24));
    let fx = look_up(&mut s, "  ACME 42/7 ");
    assert_eq!(
        fx,
        [Effect::Api(ApiCall {
            req: RequestId(3),
            request: ApiRequest::ByRef {
                reference: "ACME 42/7".into()
            }
        })]
    );
}

#[test]
fn an_id_match_is_preferred_over_an_external_reference_match() {
    let mut s = loaded(3, 7, (80, 24));
    let fx = look_up(&mut s, &prospect(1).id);
    let [
        Effect::Api(ApiCall {
            req: by_id,
            request: ApiRequest::ById { .. },
        }),
        Effect::Api(ApiCall {
            req: by_ref,
            request: ApiRequest::ByRef { .. },
        }),
    ] = fx[..]
    else {
        panic!("expected both look-ups, got {fx:?}");
    };
    update(
        &mut s,
        Msg::Api {
            req: by_ref,
            reply: Reply::Prospect(Ok(prospect(6))),
        },
    );
    assert!(s.detail.is_none(), "waits for the id answer");
    update(
        &mut s,
        Msg::Api {
            req: by_id,
            reply: Reply::Prospect(Ok(prospect(1))),
        },
    );
    let shown = s.detail.as_ref().map(|d| d.prospect.id.clone());
    assert_eq!(shown, Some(prospect(1).id));
    assert_eq!(s.focus, Focus::Detail);
    assert_eq!(
        s.list.selected, 1,
        "selected since it is on the current page"
    );
    assert!(s.lookup.is_none());
}

#[test]
fn an_external_reference_match_shows_when_the_id_is_unknown() {
    let mut s = loaded(3, 7, (80, 24));
    let uuid = "0b7f4a8e-3c1d-4e52-9a6b-2d8c1f0e7a35";
    look_up(&mut s, uuid);
    update(
        &mut s,
        Msg::Api {
            req: RequestId(3),
            reply: Reply::Prospect(Err(not_found("no prospect with id x"))),
        },
    );
    update(
        &mut s,
        Msg::Api {
            req: RequestId(4),
            reply: Reply::Prospect(Ok(prospect(6))),
        },
    );
    assert_eq!(
        s.detail.as_ref().map(|d| d.prospect.id.clone()),
        Some(prospect(6).id)
    );
    assert_eq!(s.list.selected, 0, "not on this page: the selection stays");
}

/// The look-ups by external reference among the effects: (request, reference).
fn by_ref(fx: &[Effect]) -> Vec<(RequestId, String)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Api(ApiCall {
                req,
                request: ApiRequest::ByRef { reference },
            }) => Some((*req, reference.clone())),
            _ => None,
        })
        .collect()
}

fn missed(req: RequestId, what: &str) -> Msg {
    Msg::Api {
        req,
        reply: Reply::Prospect(Err(not_found(what))),
    }
}

#[test]
fn nothing_found_says_so_in_the_status_line() {
    let mut s = loaded(3, 7, (80, 24));
    look_up(&mut s, "CRM-9999");
    // Not found: the reference is asked in lower case before anything is said.
    let fx = update(&mut s, missed(RequestId(3), "no CRM-9999"));
    let asked = by_ref(&fx);
    assert_eq!(asked, [(RequestId(4), "crm-9999".to_string())]);
    assert!(s.status.is_none(), "nothing said yet");
    update(&mut s, missed(RequestId(4), "no crm-9999"));
    let status = s.status.clone().expect("a status");
    assert_eq!(status.kind, StatusKind::Error);
    assert_eq!(
        status.text,
        "No prospect with id or external reference CRM-9999"
    );
    assert!(s.detail.is_none() && s.lookup.is_none());
}

#[test]
fn a_miss_says_did_you_mean_only_when_another_case_is_found() {
    let mut s = loaded(3, 7, (80, 24));
    look_up(&mut s, "crm-0042");
    let fx = update(&mut s, missed(RequestId(3), "no crm-0042"));
    let asked = by_ref(&fx);
    assert_eq!(asked, [(RequestId(4), "CRM-0042".to_string())]);
    update(
        &mut s,
        Msg::Api {
            req: RequestId(4),
            reply: Reply::Prospect(Ok(prospect(0))),
        },
    );
    let status = s.status.clone().expect("a status");
    assert_eq!(status.kind, StatusKind::Error);
    assert_eq!(
        status.text,
        "No prospect with id or external reference crm-0042 — did you mean CRM-0042?"
    );
    assert!(s.detail.is_none(), "a near miss is said, not opened");
}

#[test]
fn a_real_failure_is_told_rather_than_not_found() {
    let mut s = loaded(3, 7, (80, 24));
    look_up(&mut s, &prospect(1).id);
    let unauthorized = ApiError::Unauthorized {
        profile: "sandbox".into(),
        detail: String::new(),
    };
    update(
        &mut s,
        Msg::Api {
            req: RequestId(3),
            reply: Reply::Prospect(Err(not_found("x"))),
        },
    );
    update(
        &mut s,
        Msg::Api {
            req: RequestId(4),
            reply: Reply::Prospect(Err(unauthorized.clone())),
        },
    );
    assert_eq!(s.status.map(|st| st.text), Some(unauthorized.to_string()));
}

#[test]
fn answers_to_an_older_look_up_are_dropped() {
    let mut s = loaded(3, 7, (80, 24));
    look_up(&mut s, "CRM-0001");
    look_up(&mut s, "CRM-0043");
    update(
        &mut s,
        Msg::Api {
            req: RequestId(3),
            reply: Reply::Prospect(Ok(prospect(0))),
        },
    );
    assert!(s.detail.is_none());
    update(
        &mut s,
        Msg::Api {
            req: RequestId(4),
            reply: Reply::Prospect(Ok(prospect(1))),
        },
    );
    assert_eq!(s.detail.map(|d| d.prospect.id), Some(prospect(1).id));
}

#[test]
fn esc_closes_the_look_up_prompt_without_asking() {
    let mut s = loaded(3, 7, (80, 24));
    update(&mut s, ch(':'));
    type_text(&mut s, "CRM");
    assert!(update(&mut s, key(KeyCode::Esc)).is_empty());
    assert!(s.prompt.is_none() && s.lookup.is_none());
}

#[test]
fn a_newer_look_up_cancels_the_older_one_and_its_late_answer_is_dropped() {
    let mut s = loaded(3, 7, (80, 24));
    look_up(&mut s, "CRM-0001");
    let fx = look_up(&mut s, "CRM-0002");
    // RequestId(3) asked for CRM-0001; it is cancelled before CRM-0002 is asked (4).
    assert_eq!(fx[0], Effect::Cancel(RequestId(3)));
    update(
        &mut s,
        Msg::Api {
            req: RequestId(3),
            reply: Reply::Prospect(Ok(prospect(1))),
        },
    );
    assert!(s.detail.is_none(), "the older look-up's answer is dropped");
    assert!(s.lookup.is_some(), "the newer look-up still waits");
    update(
        &mut s,
        Msg::Api {
            req: RequestId(4),
            reply: Reply::Prospect(Ok(prospect(2))),
        },
    );
    assert_eq!(
        s.detail.as_ref().map(|d| d.prospect.id.clone()),
        Some(prospect(2).id)
    );
    assert!(s.lookup.is_none());
    assert!(!s.requests.any(|p| matches!(p, Purpose::Lookup(_))));
}

#[test]
fn closing_the_detail_cancels_its_reload() {
    let mut s = loaded(3, 7, (80, 24));
    update(&mut s, key(KeyCode::Enter));
    let fx = update(&mut s, ch('r'));
    let reload = fetches(&fx)
        .first()
        .map(|(r, _)| *r)
        .expect("the detail is reloaded");
    assert!(s.detail_reloading());
    let fx = update(&mut s, ch('q'));
    assert_eq!(fx, [Effect::Cancel(reload)]);
    assert!(!s.detail_reloading());
}
