//! Speed of the TUI's pure core: `cargo bench --bench tui`.
//!
//! Frames rendered on a `TestBackend` and key messages through `update`; medians are printed,
//! nothing is asserted (machines here are noisy).

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use prospect::api::{Page, PageMeta};
use prospect::app::{self, ApiCall, ApiRequest, Effect, Msg, Reply, State};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// A state showing the first page of `page_size` generated prospects.
fn loaded_state(page_size: u64, width: u16, height: u16) -> State {
    let mut state = State::new("bench", None, false, page_size);
    app::update(&mut state, Msg::Resize(width, height));
    let fx = app::init(&mut state);
    let req = fx
        .iter()
        .find_map(|e| match e {
            Effect::Api(ApiCall {
                req,
                request: ApiRequest::Page { .. },
            }) => Some(*req),
            _ => None,
        })
        .expect("init asks for the first page");
    let items = prospect::sandbox::generate(page_size as usize, 42);
    let meta = PageMeta {
        current_page: 1,
        item_count: page_size,
        items_per_page: page_size,
        total_items: 10_000,
        total_pages: 10_000 / page_size,
    };
    app::update(
        &mut state,
        Msg::Api {
            req,
            reply: Reply::Page(Ok(Page { items, meta })),
        },
    );
    state
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn main() {
    for (w, h, detail) in [
        (80, 24, false),
        (140, 40, false),
        (140, 40, true),
        (250, 80, true),
    ] {
        let mut state = loaded_state(50, w, h);
        if detail {
            app::update(&mut state, key(KeyCode::Enter));
        }
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        let mut times = Vec::new();
        for _ in 0..300 {
            let t = Instant::now();
            terminal
                .draw(|f| {
                    prospect::ui::render(&state, f);
                })
                .expect("draw");
            times.push(t.elapsed());
        }
        println!(
            "render {w}x{h}{}: median {:?} per frame",
            if detail { " with detail" } else { "" },
            median(times)
        );
    }

    let mut state = loaded_state(100, 140, 40);
    let t = Instant::now();
    let mut effects = 0;
    for i in 0..100_000 {
        let code = if i % 2 == 0 {
            KeyCode::Char('j')
        } else {
            KeyCode::Char('k')
        };
        effects += app::update(&mut state, key(code)).len();
    }
    println!(
        "update: 100000 j/k keys in {:?} ({:?} per key, {effects} effects)",
        t.elapsed(),
        t.elapsed() / 100_000
    );
}
