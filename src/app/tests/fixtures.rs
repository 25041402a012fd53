//! Deterministic records, pages and keys for tests.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

use crate::api::{Address, Page, PageMeta, Prospect};
pub use crate::app::{ApiCall, ApiRequest, Effect, Local, Msg, Purpose, Reply, RequestId};
use crate::app::{State, init, update};

/// The `i`th test prospect (`0` is John James Doe).
pub fn prospect(i: usize) -> Prospect {
    let (first, middle, last) = match i {
        0 => ("John", Some("James"), "Doe"),
        _ => ("Person", None, "Number"),
    };
    let mut extra = serde_json::Map::new();
    extra.insert("partnerId".into(), json!("partner-7"));
    extra.insert(
        "onboardingStates".into(),
        json!([{"id": "st-1", "state": "STARTED", "createDate": "2026-11-20T09:00:00.000Z"}]),
    );
    Prospect {
        id: format!("a2b9649e-df7f-4349-adff-{i:012}"),
        external_reference: Some(format!("CRM-{:04}", 42 + i)),
        first_name: Some(first.into()),
        middle_name: middle.map(Into::into),
        last_name: Some(if i == 0 {
            last.into()
        } else {
            format!("{last} {i}")
        }),
        email: if i == 0 {
            "john.doe@example.com".into()
        } else {
            format!("person{i}@example.com")
        },
        address: Some(Address {
            kind: "STRUCTURED".into(),
            id: Some(json!("addr-1")),
            line1: Some("1 High Street".into()),
            line2: None,
            line3: None,
            postcode: Some("AB1 2CD".into()),
            country: Some("GBR".into()),
            extra: Default::default(),
        }),
        date_of_birth: Some("1990-02-03".into()),
        phone_number: Some("+447101231111".into()),
        identification_number: Some("QQ123456C".into()),
        create_date: Some("2026-11-26T17:21:03.000Z".into()),
        extra,
        irregular: Default::default(),
    }
}

/// A prospect whose strings carry terminal control characters and wide characters.
pub fn hostile() -> Prospect {
    let mut p = prospect(7);
    p.first_name = Some("Evil\u{1b}[2J\u{7}".into());
    p.last_name = Some("Name\r\nInjected\u{9b}31m".into());
    p.middle_name = Some("山田😀".into());
    p.email = "bell\u{7}@example.com".into();
    p
}

/// Page `page` of `total_items` rows, `per_page` a page, built from `prospect(i)`.
pub fn page(page: u64, per_page: u64, total_items: u64) -> Page {
    let start = (page - 1) * per_page;
    let end = (start + per_page).min(total_items);
    Page {
        items: (start..end).map(|i| prospect(i as usize)).collect(),
        meta: PageMeta {
            current_page: page,
            item_count: end.saturating_sub(start),
            items_per_page: per_page,
            total_items,
            total_pages: total_items.div_ceil(per_page),
        },
    }
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Sends each message, collecting every effect.
pub fn send(state: &mut State, msgs: impl IntoIterator<Item = Msg>) -> Vec<Effect> {
    msgs.into_iter().flat_map(|m| update(state, m)).collect()
}

/// Types text into whatever has the keyboard.
pub fn type_text(state: &mut State, text: &str) -> Vec<Effect> {
    send(state, text.chars().map(ch))
}

/// The list requests among `fx`: (req, search, page).
pub fn page_requests(fx: &[Effect]) -> Vec<(RequestId, Option<String>, u64)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Api(ApiCall {
                req,
                request: ApiRequest::Page { search, page, .. },
            }) => Some((*req, search.clone(), *page)),
            _ => None,
        })
        .collect()
}

/// A state of `per_page` rows a page and `total` rows, page 1 loaded (prefetch not answered).
pub fn loaded(per_page: u64, total: u64, size: (u16, u16)) -> State {
    let mut s = State::new("sandbox", None, false, per_page);
    s.size = size;
    let fx = init(&mut s);
    let (req, _, _) = page_requests(&fx)[0];
    update(
        &mut s,
        Msg::Api {
            req,
            reply: Reply::Page(Ok(page(1, per_page, total))),
        },
    );
    s
}

/// Answers the in-flight request for `page_no` of the search `search` with that page.
pub fn answer(
    state: &mut State,
    search: &str,
    page_no: u64,
    per_page: u64,
    total: u64,
) -> Vec<Effect> {
    let req = state
        .requests
        .find(|p| matches!(p, Purpose::ListPage(k) if k.search == search && k.page == page_no))
        .expect("a request for that page in flight");
    update(
        state,
        Msg::Api {
            req,
            reply: Reply::Page(Ok(page(page_no, per_page, total))),
        },
    )
}

/// Whether `fx` asks the runtime to quit.
pub fn quits(fx: &[Effect]) -> bool {
    fx.contains(&Effect::Local(Local::Quit))
}

/// The GETs by id among `fx`: (req, id).
pub fn fetches(fx: &[Effect]) -> Vec<(RequestId, String)> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Api(ApiCall {
                req,
                request: ApiRequest::ById { id },
            }) => Some((*req, id.clone())),
            _ => None,
        })
        .collect()
}
