use std::time::Duration;

use crossterm::event::KeyCode;

use super::fixtures::*;
use crate::api::{ApiError, Page, PageMeta};
use crate::app::state::{PromptKind, StatusKind};
use crate::app::{Effect, Focus, Msg, RequestId, State, Viewport, init, update};

#[test]
fn the_first_page_is_asked_for_and_the_next_one_prefetched() {
    let mut s = State::new("sandbox", None, false, 50);
    let fx = init(&mut s);
    assert_eq!(page_requests(&fx), [(RequestId(1), None, 1)]);
    assert!(matches!(
        fx[0],
        Effect::Api(ApiCall {
            request: ApiRequest::Page { limit: 50, .. },
            ..
        })
    ));
    assert!(s.busy());
    let fx = answer(&mut s, "", 1, 50, 120);
    assert_eq!(s.list.rows.len(), 50);
    assert_eq!(page_requests(&fx), [(RequestId(2), None, 2)]);
}

#[test]
fn search_result_from_an_older_query_is_dropped() {
    let mut s = loaded(3, 7, (80, 24));
    update(&mut s, ch('/'));
    type_text(&mut s, "d");
    let older = page_requests(&send(&mut s, [Msg::Tick(200)]));
    type_text(&mut s, "o");
    let newer = page_requests(&send(&mut s, [Msg::Tick(400)]));
    assert_eq!(older.len(), 1);
    assert_eq!(newer.len(), 1);
    assert_eq!(newer[0].1.as_deref(), Some("do"));

    let stale = Page {
        items: vec![hostile()],
        meta: PageMeta {
            current_page: 1,
            total_items: 1,
            total_pages: 1,
            ..Default::default()
        },
    };
    update(
        &mut s,
        Msg::Api {
            req: older[0].0,
            reply: Reply::Page(Ok(stale)),
        },
    );
    assert_eq!(s.list.rows[0].id, prospect(0).id, "the old rows stay");
    assert_eq!(s.list.search, "do");
    assert!(s.list.loading.is_some());

    answer(&mut s, "do", 1, 2, 2);
    assert_eq!(s.list.rows.len(), 2);
    assert!(s.list.loading.is_none());
    assert_eq!(s.list.shown.as_ref().map(|k| k.search.as_str()), Some("do"));
}

#[test]
fn moving_past_the_last_row_goes_to_the_next_page_and_back() {
    let mut s = loaded(3, 7, (80, 24));
    answer(&mut s, "", 2, 3, 7); // the prefetch arrives
    send(&mut s, [ch('j'), key(KeyCode::Down)]);
    assert_eq!(s.list.selected, 2);
    let fx = update(&mut s, ch('j'));
    assert_eq!(s.list.page, 2, "the cached page shows at once");
    assert_eq!(s.list.selected, 0);
    assert_eq!(s.list.rows[0].id, prospect(3).id);
    assert_eq!(
        page_requests(&fx),
        [(RequestId(3), None, 3)],
        "page 3 is prefetched"
    );

    update(&mut s, ch('k'));
    assert_eq!(s.list.page, 1);
    assert_eq!(s.list.selected, 2, "back on the previous page's last row");
    assert_eq!(s.list.rows[2].id, prospect(2).id);
    assert!(update(&mut s, key(KeyCode::Up)).is_empty());
    assert_eq!(s.list.selected, 1);
}

#[test]
fn the_first_row_of_the_first_page_stays_put() {
    let mut s = loaded(3, 7, (80, 24));
    assert!(update(&mut s, ch('k')).is_empty());
    assert_eq!((s.list.page, s.list.selected), (1, 0));
}

#[test]
fn an_uncached_page_keeps_the_old_rows_with_a_spinner_until_it_arrives() {
    let mut s = loaded(3, 7, (80, 24));
    // The prefetch of page 2 is on its way: paging waits for it instead of asking again.
    let fx = update(&mut s, ch('n'));
    assert!(page_requests(&fx).is_empty());
    assert_eq!(s.list.rows[0].id, prospect(0).id);
    assert!(s.busy());
    answer(&mut s, "", 2, 3, 7);
    assert_eq!(s.list.rows[0].id, prospect(3).id);

    send(&mut s, [ch('G')]);
    assert_eq!(s.list.selected, 2);
    send(&mut s, [ch('g')]);
    assert_eq!(s.list.selected, 0);
    send(&mut s, [key(KeyCode::PageUp)]);
    assert_eq!(s.list.page, 1, "page 1 came from the cache");
    send(&mut s, [key(KeyCode::End), key(KeyCode::Home)]);
    assert_eq!(s.list.selected, 0);
}

#[test]
fn search_is_debounced_by_tick_messages() {
    let mut s = loaded(3, 7, (80, 24));
    update(&mut s, ch('/'));
    let fx = type_text(&mut s, "do");
    assert!(page_requests(&fx).is_empty());
    assert!(fx.contains(&Effect::Local(Local::ScheduleTick {
        after: Duration::from_millis(200)
    })));
    assert!(page_requests(&update(&mut s, Msg::Tick(150))).is_empty());
    type_text(&mut s, "e"); // due again 200 ms after this key
    assert!(page_requests(&update(&mut s, Msg::Tick(300))).is_empty());
    let fx = update(&mut s, Msg::Tick(350));
    assert_eq!(page_requests(&fx)[0].1.as_deref(), Some("doe"));
    assert!(page_requests(&update(&mut s, Msg::Tick(900))).is_empty());
}

#[test]
fn enter_keeps_the_search_and_esc_restores_the_previous_one() {
    let mut s = loaded(3, 7, (80, 24));
    update(&mut s, ch('/'));
    type_text(&mut s, "doe");
    let fx = update(&mut s, key(KeyCode::Enter));
    assert_eq!(
        page_requests(&fx)[0].1.as_deref(),
        Some("doe"),
        "no wait on Enter"
    );
    assert!(s.prompt.is_none());
    assert_eq!(s.history.search, ["doe"]);
    answer(&mut s, "doe", 1, 3, 1);

    update(&mut s, ch('/'));
    assert_eq!(s.prompt.as_ref().map(|p| p.input.text()), Some("doe"));
    type_text(&mut s, "x");
    update(&mut s, Msg::Tick(1000));
    assert_eq!(s.list.search, "doex");
    update(&mut s, key(KeyCode::Esc));
    assert!(s.prompt.is_none());
    assert_eq!(s.list.search, "doe", "Esc restores the search from before");
    assert_eq!(
        s.list.shown.as_ref().map(|k| k.search.as_str()),
        Some("doe")
    );
}

#[test]
fn esc_in_the_list_clears_an_active_search() {
    let mut s = loaded(3, 7, (80, 24));
    update(&mut s, ch('/'));
    type_text(&mut s, "doe");
    update(&mut s, key(KeyCode::Enter));
    let fx = update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.list.search, "");
    assert_eq!(
        s.list.rows[0].id,
        prospect(0).id,
        "the unfiltered page is cached"
    );
    assert!(!quits(&fx));
}

#[test]
fn up_and_down_in_the_search_prompt_recall_earlier_searches() {
    let mut s = loaded(3, 7, (80, 24));
    for text in ["alpha", "beta"] {
        update(&mut s, ch('/'));
        send(&mut s, [ctrl('u')]);
        type_text(&mut s, text);
        update(&mut s, key(KeyCode::Enter));
    }
    update(&mut s, ch('/'));
    let text = |s: &State| s.prompt.as_ref().map(|p| p.input.text().to_string());
    update(&mut s, key(KeyCode::Up));
    assert_eq!(text(&s).as_deref(), Some("beta"));
    update(&mut s, key(KeyCode::Up));
    assert_eq!(text(&s).as_deref(), Some("alpha"));
    update(&mut s, key(KeyCode::Up));
    assert_eq!(text(&s).as_deref(), Some("alpha"));
    update(&mut s, key(KeyCode::Down));
    assert_eq!(text(&s).as_deref(), Some("beta"));
    update(&mut s, key(KeyCode::Down));
    assert_eq!(text(&s).as_deref(), Some(""));
}

fn every_error() -> Vec<ApiError> {
    vec![
        ApiError::Unauthorized {
            profile: "sandbox".into(),
            detail: String::new(),
        },
        ApiError::Forbidden {
            profile: "sandbox".into(),
            detail: "read only".into(),
        },
        ApiError::NotFound {
            what: "no such page".into(),
        },
        ApiError::Validation {
            messages: vec!["limit must not be greater than 100".into()],
        },
        ApiError::RateLimited {
            retry_after: Some(Duration::from_secs(3)),
        },
        ApiError::Server {
            status: 503,
            detail: String::new(),
        },
        ApiError::Status {
            status: 418,
            detail: String::new(),
        },
        ApiError::Timeout {
            host: "api.example.test".into(),
            secs: 30,
        },
        ApiError::Connection {
            host: "127.0.0.1".into(),
            detail: "Connection refused".into(),
        },
        ApiError::Decode {
            status: 200,
            detail: "expected JSON but got an HTML page".into(),
        },
        ApiError::Config("The base URL must start with https://".into()),
    ]
}

#[test]
fn each_error_is_told_in_the_status_line() {
    for error in every_error() {
        let mut s = State::new("sandbox", None, false, 50);
        let fx = init(&mut s);
        let req = page_requests(&fx)[0].0;
        update(
            &mut s,
            Msg::Api {
                req,
                reply: Reply::Page(Err(error.clone())),
            },
        );
        let status = s.status.clone().expect("a status");
        assert_eq!(status.kind, StatusKind::Error);
        assert_eq!(status.text, error.to_string());
        assert_eq!(s.list.error.as_deref(), Some(error.to_string().as_str()));
        assert!(!s.busy());
        // `r` tries again.
        assert_eq!(page_requests(&update(&mut s, ch('r'))).len(), 1);
    }
}

#[test]
fn a_failed_prefetch_says_nothing() {
    let mut s = loaded(3, 7, (80, 24));
    let req = s
        .requests
        .find(|p| matches!(p, Purpose::ListPage(_)))
        .expect("the prefetch in flight");
    update(
        &mut s,
        Msg::Api {
            req,
            reply: Reply::Page(Err(every_error().remove(5))),
        },
    );
    assert!(s.status.is_none());
    assert!(!s.busy());
}

#[test]
fn question_mark_toggles_help_and_esc_or_q_close_it() {
    let mut s = loaded(3, 7, (80, 24));
    update(&mut s, ch('?'));
    assert!(s.help.open);
    update(&mut s, ch('?'));
    assert!(!s.help.open);
    update(&mut s, ch('?'));
    update(&mut s, key(KeyCode::Esc));
    assert!(!s.help.open);
    update(&mut s, ch('?'));
    let fx = update(&mut s, ch('q'));
    assert!(!s.help.open);
    assert!(fx.is_empty(), "q closes help, it does not quit");
}

#[test]
fn q_backs_out_of_the_detail_and_quits_from_the_list() {
    let mut s = loaded(3, 7, (80, 24));
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.focus, Focus::Detail);
    assert_eq!(
        s.detail.as_ref().map(|d| d.prospect.id.clone()),
        Some(prospect(0).id)
    );
    assert!(update(&mut s, ch('q')).is_empty());
    assert!(s.detail.is_none());
    assert_eq!(s.focus, Focus::List);
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, key(KeyCode::Esc));
    assert!(s.detail.is_none(), "Esc backs out too");
    assert_eq!(update(&mut s, ch('q')), [Effect::Local(Local::Quit)]);
}

#[test]
fn ctrl_c_quits_even_from_a_prompt_where_q_is_text() {
    let mut s = loaded(3, 7, (80, 24));
    update(&mut s, ch(':'));
    assert!(update(&mut s, ch('q')).is_empty());
    assert_eq!(s.prompt.as_ref().map(|p| p.kind), Some(PromptKind::Lookup));
    assert_eq!(update(&mut s, ctrl('c')), [Effect::Local(Local::Quit)]);
}

#[test]
fn an_error_stays_past_the_fade_until_the_next_key() {
    let mut s = loaded(3, 7, (80, 24));
    update(&mut s, Msg::Tick(1000));
    s.set_status(StatusKind::Error, "Unknown field");
    assert!(!s.wants_ticks() || s.busy(), "an error needs no fade ticks");
    update(&mut s, Msg::Tick(60_000));
    assert_eq!(
        s.status.as_ref().map(|st| st.text.as_str()),
        Some("Unknown field")
    );
    update(&mut s, ch('j'));
    assert!(s.status.is_none(), "the next key dismisses it");
}

#[test]
fn y_copies_the_id_and_the_message_fades_after_four_seconds() {
    let mut s = loaded(3, 7, (80, 24));
    update(&mut s, Msg::Tick(1000));
    let fx = update(&mut s, ch('y'));
    assert_eq!(fx, [Effect::Local(Local::CopyToClipboard(prospect(0).id))]);
    let text = s.status.as_ref().map(|st| st.text.clone());
    assert_eq!(text, Some(format!("Copied id {}", prospect(0).id)));
    update(&mut s, Msg::Tick(4999));
    assert!(s.status.is_some());
    update(&mut s, Msg::Tick(5000));
    assert!(s.status.is_none());

    let fx = update(&mut s, ch('Y'));
    let Effect::Local(Local::CopyToClipboard(json)) = &fx[0] else {
        panic!("expected a copy, got {fx:?}");
    };
    assert_eq!(
        json,
        &serde_json::to_string_pretty(&prospect(0)).unwrap_or_default()
    );
}

#[test]
fn tab_switches_focus_and_m_reveals_in_the_detail() {
    let mut s = loaded(3, 7, (140, 40));
    update(&mut s, ch('j'));
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.focus, Focus::Detail);
    update(&mut s, ch('m'));
    assert!(s.detail.as_ref().is_some_and(|d| d.reveal));
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.focus, Focus::List);
    // Side by side, the open detail follows the selection.
    update(&mut s, ch('j'));
    assert_eq!(
        s.detail.as_ref().map(|d| d.prospect.id.clone()),
        Some(prospect(2).id)
    );
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.focus, Focus::Detail);
}

#[test]
fn detail_scrolls_within_what_the_last_frame_laid_out() {
    let mut s = loaded(3, 7, (80, 12));
    update(&mut s, key(KeyCode::Enter));
    update(
        &mut s,
        Msg::Viewport(Viewport {
            detail_max_scroll: Some(9),
            help_max_scroll: None,
            ..Viewport::default()
        }),
    );
    send(&mut s, (0..100).map(|_| ch('j')));
    assert_eq!(s.detail.as_ref().map(|d| d.scroll), Some(9), "clamped");
    update(&mut s, ch('k'));
    assert_eq!(s.detail.as_ref().map(|d| d.scroll), Some(8));
    send(&mut s, (0..3).map(|_| key(KeyCode::PageUp)));
    assert_eq!(s.detail.as_ref().map(|d| d.scroll), Some(0));
    // A smaller frame (a resize) clamps at once.
    send(&mut s, (0..5).map(|_| ch('j')));
    update(
        &mut s,
        Msg::Viewport(Viewport {
            detail_max_scroll: Some(2),
            help_max_scroll: None,
            ..Viewport::default()
        }),
    );
    assert_eq!(s.detail.as_ref().map(|d| d.scroll), Some(2));
}

#[test]
fn reload_drops_the_cache_and_asks_again() {
    let mut s = loaded(3, 7, (80, 24));
    answer(&mut s, "", 2, 3, 7);
    assert_eq!(s.list.cache.len(), 2);
    update(&mut s, key(KeyCode::Enter));
    let fx = update(&mut s, ctrl('r'));
    assert_eq!(s.list.cache.len(), 0);
    assert_eq!(page_requests(&fx).len(), 1);
    assert!(
        fx.iter()
            .any(|e| matches!(e, Effect::Api(ApiCall { request: ApiRequest::ById { id }, .. }) if *id == prospect(0).id))
    );
}

#[test]
fn key_releases_are_ignored() {
    let mut s = loaded(3, 7, (80, 24));
    let mut ev = crossterm::event::KeyEvent::from(KeyCode::Char('q'));
    ev.kind = crossterm::event::KeyEventKind::Release;
    assert!(update(&mut s, Msg::Key(ev)).is_empty(), "no quit, nothing");
}

#[test]
fn a_retry_of_what_the_user_waits_on_is_told_and_a_prefetch_retries_quietly() {
    let mut s = State::new("sandbox", None, false, 50);
    let fx = init(&mut s);
    let first = page_requests(&fx)[0].0;
    update(
        &mut s,
        Msg::Retrying {
            req: first,
            text: "Rate limited: retrying in 3 s".into(),
        },
    );
    let status = s.status.as_ref().map(|st| (st.kind, st.text.as_str()));
    assert_eq!(
        status,
        Some((StatusKind::Info, "Rate limited: retrying in 3 s"))
    );

    let fx = answer(&mut s, "", 1, 50, 120);
    s.status = None;
    let prefetch = page_requests(&fx)[0].0;
    update(
        &mut s,
        Msg::Retrying {
            req: prefetch,
            text: "Server error (503): retrying in 1 s".into(),
        },
    );
    assert_eq!(s.status, None);
}

#[test]
fn a_new_search_cancels_the_pages_of_the_old_one() {
    let mut s = loaded(3, 7, (80, 24));
    update(&mut s, ch('/'));
    type_text(&mut s, "doe");
    update(&mut s, key(KeyCode::Enter));
    let doe = s
        .requests
        .find(|p| matches!(p, Purpose::ListPage(k) if k.search == "doe"))
        .expect("the search is asked for");
    update(&mut s, ch('/'));
    update(&mut s, ctrl('u'));
    type_text(&mut s, "smith");
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(
        fx.contains(&Effect::Cancel(doe)),
        "the slow old search stops: {fx:?}"
    );
    assert!(
        !s.requests
            .any(|p| matches!(p, Purpose::ListPage(k) if k.search == "doe"))
    );
    // Its answer, should it come anyway, changes nothing.
    update(
        &mut s,
        Msg::Api {
            req: doe,
            reply: Reply::Page(Ok(page(1, 3, 7))),
        },
    );
    assert_ne!(
        s.list.shown.as_ref().map(|k| k.search.as_str()),
        Some("doe")
    );
}

#[test]
fn a_stale_cannot_reach_leaves_the_title_once_a_request_succeeds() {
    let mut s = loaded(20, 45, (80, 24));
    // Page 2 (the prefetch, now waited for) fails: the server is down.
    update(&mut s, ch('n'));
    let req = s
        .requests
        .find(|p| matches!(p, Purpose::ListPage(k) if k.page == 2))
        .expect("page 2 in flight");
    let down = ApiError::Connection {
        host: "127.0.0.1".into(),
        detail: "Connection refused".into(),
    };
    update(
        &mut s,
        Msg::Api {
            req,
            reply: Reply::Page(Err(down)),
        },
    );
    assert!(s.list.error.as_deref().unwrap().starts_with("Cannot reach"));
    // The server is back: a look-up by id succeeds.
    update(&mut s, ch(':'));
    type_text(&mut s, &prospect(0).id);
    let fx = update(&mut s, key(KeyCode::Enter));
    let req = fx
        .iter()
        .find_map(|e| match e {
            Effect::Api(ApiCall { req, .. }) => Some(*req),
            _ => None,
        })
        .expect("a fetch of the prospect");
    update(
        &mut s,
        Msg::Api {
            req,
            reply: Reply::Prospect(Ok(prospect(0))),
        },
    );
    assert_eq!(s.list.error, None);
}
