//! The list pane's logic: which page is shown, loaded, prefetched and cached.

use super::effect::{ApiRequest, Effect, RequestId};
use super::requests::{PageKey, Purpose};
use super::state::{Detail, Focus, PendingPage, Select, State, StatusKind};
use crate::api::{ApiError, Page, Prospect};

/// Shows a page: at once from the cache, else after asking the server (old rows stay meanwhile).
pub(super) fn show_page(
    state: &mut State,
    key: PageKey,
    select: Select,
    force: bool,
    fx: &mut Vec<Effect>,
) {
    state.list.search = key.search.clone();
    state.list.page = key.page;
    let cached = if force {
        None
    } else {
        state.list.cache.get(&key).cloned()
    };
    // Pages of another search are of no use any more: stop them using a connection.
    state.requests.cancel_where(
        |p| matches!(p, Purpose::ListPage(k) if k.search != key.search),
        fx,
    );
    if let Some(page) = cached {
        supersede_loading(state, fx);
        display(state, key, &page, select);
        prefetch_next(state, fx);
        return;
    }
    // A prefetch of this very page may already be on its way: wait for it instead.
    let in_flight = if force {
        None
    } else {
        state
            .requests
            .find(|p| matches!(p, Purpose::ListPage(k) if *k == key))
    };
    let req = match in_flight {
        Some(req) => req,
        None => request_page(state, key.clone(), fx),
    };
    if state.list.loading.as_ref().is_some_and(|l| l.req != req) {
        supersede_loading(state, fx);
    }
    state.list.loading = Some(PendingPage { req, key, select });
}

/// The page the list waited for is no longer wanted: its request is cancelled.
fn supersede_loading(state: &mut State, fx: &mut Vec<Effect>) {
    if let Some(old) = state.list.loading.take() {
        state.requests.cancel(old.req, fx);
    }
}

fn request_page(state: &mut State, key: PageKey, fx: &mut Vec<Effect>) -> RequestId {
    let request = ApiRequest::Page {
        search: (!key.search.is_empty()).then(|| key.search.clone()),
        page: key.page,
        limit: state.page_size,
    };
    state.requests.start(Purpose::ListPage(key), request, fx)
}

fn display(state: &mut State, key: PageKey, page: &Page, select: Select) {
    let list = &mut state.list;
    list.rows = page.items.clone();
    list.meta = Some(page.meta);
    list.shown = Some(key);
    list.error = None;
    let last = list.rows.len().saturating_sub(1);
    list.selected = match select {
        Select::First => 0,
        Select::Last => last,
        Select::Index(i) => i.min(last),
    };
}

/// Asks for the page after the shown one in the background, unless cached or on its way.
fn prefetch_next(state: &mut State, fx: &mut Vec<Effect>) {
    let (Some(shown), Some(meta)) = (&state.list.shown, state.list.meta) else {
        return;
    };
    if shown.page >= meta.total_pages {
        return;
    }
    let next = PageKey {
        search: shown.search.clone(),
        page: shown.page + 1,
    };
    let on_its_way = state
        .requests
        .any(|p| matches!(p, Purpose::ListPage(k) if *k == next));
    if !state.list.cache.contains(&next) && !on_its_way {
        request_page(state, next, fx);
    }
}

/// A list answer: cached in any case, shown only when it is the page the list waits for.
pub(super) fn page_loaded(
    state: &mut State,
    req: RequestId,
    key: PageKey,
    result: Result<Page, ApiError>,
    fx: &mut Vec<Effect>,
) {
    let waited = state.list.loading.as_ref().is_some_and(|l| l.req == req);
    match result {
        Ok(page) => {
            if waited {
                let select = state
                    .list
                    .loading
                    .take()
                    .map_or(Select::First, |l| l.select);
                display(state, key.clone(), &page, select);
                prefetch_next(state, fx);
            }
            state.list.cache.insert(key, page);
        }
        Err(e) if waited => {
            state.list.loading = None;
            let text = e.to_string();
            state.list.error = Some(text.clone());
            state.set_status(StatusKind::Error, text);
        }
        // A failed prefetch is not worth a message: the page is asked again when wanted.
        Err(_) => {}
    }
}

/// Where paging starts from: the page on its way, else the one shown; and the page count.
fn paging_base(state: &State) -> Option<(u64, u64)> {
    let shown = state.list.shown.as_ref()?;
    let total = state.list.meta.map_or(1, |m| m.total_pages.max(1));
    match &state.list.loading {
        Some(l) if l.key.search == shown.search => Some((l.key.page, total)),
        Some(_) => None,
        None => Some((shown.page, total)),
    }
}

/// The page after (or before) the paging base, if there is one.
fn neighbour(state: &State, forward: bool) -> Option<PageKey> {
    let (page, total) = paging_base(state)?;
    let page = if forward {
        Some(page + 1).filter(|p| *p <= total)
    } else {
        page.checked_sub(1).filter(|p| *p >= 1)
    }?;
    let search = state.list.shown.as_ref()?.search.clone();
    Some(PageKey { search, page })
}

/// `n`: the next page, first row.
pub(super) fn next_page(state: &mut State, fx: &mut Vec<Effect>) {
    if let Some(key) = neighbour(state, true) {
        show_page(state, key, Select::First, false, fx);
    }
}

/// `p`: the previous page, first row.
pub(super) fn prev_page(state: &mut State, fx: &mut Vec<Effect>) {
    if let Some(key) = neighbour(state, false) {
        show_page(state, key, Select::First, false, fx);
    }
}

/// `j`: the next row, or the first row of the next page.
pub(super) fn move_down(state: &mut State, fx: &mut Vec<Effect>) {
    if state.list.selected + 1 < state.list.rows.len() {
        state.list.selected += 1;
        follow_selection(state);
    } else if let Some(key) = neighbour(state, true).filter(|_| state.list.loading.is_none()) {
        show_page(state, key, Select::First, false, fx);
        follow_selection(state);
    }
}

/// `k`: the previous row, or the last row of the previous page.
pub(super) fn move_up(state: &mut State, fx: &mut Vec<Effect>) {
    if state.list.selected > 0 {
        state.list.selected -= 1;
        follow_selection(state);
    } else if let Some(key) = neighbour(state, false).filter(|_| state.list.loading.is_none()) {
        show_page(state, key, Select::Last, false, fx);
        follow_selection(state);
    }
}

/// `g` / `G`.
pub(super) fn select_edge(state: &mut State, last: bool) {
    state.list.selected = if last {
        state.list.rows.len().saturating_sub(1)
    } else {
        0
    };
    follow_selection(state);
}

/// Side by side, an open detail shows the selected row as the selection moves.
fn follow_selection(state: &mut State) {
    if !state.is_wide() || state.focus != Focus::List || state.detail.is_none() {
        return;
    }
    if let Some(p) = state.selected_row().cloned() {
        open_detail(state, p, false);
    }
}

/// Opens a prospect in the detail pane.
pub(super) fn open_detail(state: &mut State, prospect: Prospect, focus: bool) {
    if state
        .detail
        .as_ref()
        .is_some_and(|d| d.prospect.id == prospect.id)
    {
        if let Some(d) = state.detail.as_mut() {
            d.prospect = prospect;
        }
    } else {
        state.detail = Some(Detail {
            prospect,
            scroll: 0,
            reveal: false,
        });
    }
    if focus {
        state.focus = Focus::Detail;
    }
}

/// Makes `text` the active search (page 1), unless it already is.
pub(super) fn apply_search(state: &mut State, text: &str, fx: &mut Vec<Effect>) {
    state.list.debounce_due = None;
    let text = text.trim();
    if text == state.list.search {
        return;
    }
    let key = PageKey {
        search: text.to_string(),
        page: 1,
    };
    show_page(state, key, Select::First, false, fx);
}

/// `r`: drops the cache and asks for the current page (and the open record) again.
pub(super) fn reload(state: &mut State, fx: &mut Vec<Effect>) {
    state.list.cache.clear();
    let key = PageKey {
        search: state.list.search.clone(),
        page: state.list.page,
    };
    let select = Select::Index(state.list.selected);
    // Answers asked before the reload could be older than the reload's: drop them.
    state
        .requests
        .cancel_where(|p| matches!(p, Purpose::ListPage(_)), fx);
    state.list.loading = None;
    show_page(state, key, select, true, fx);
    if let Some(id) = state.detail.as_ref().map(|d| d.prospect.id.clone()) {
        state
            .requests
            .cancel_where(|p| matches!(p, Purpose::DetailReload { .. }), fx);
        let request = ApiRequest::ById { id: id.clone() };
        state
            .requests
            .start(Purpose::DetailReload { id }, request, fx);
    }
}

/// The open detail's reload answered (`Purpose::DetailReload`).
pub(super) fn detail_reloaded(state: &mut State, id: &str, result: Result<Prospect, ApiError>) {
    let Some(detail) = state.detail.as_mut().filter(|d| d.prospect.id == id) else {
        return;
    };
    match result {
        Ok(p) => detail.prospect = p,
        Err(e) => state.set_status(StatusKind::Error, e.to_string()),
    }
}

/// The detail closes; a reload of it is no longer wanted.
pub(super) fn close_detail(state: &mut State, fx: &mut Vec<Effect>) {
    state.detail = None;
    state.focus = Focus::List;
    state
        .requests
        .cancel_where(|p| matches!(p, Purpose::DetailReload { .. }), fx);
}
