//! The TUI while a scan streams in: `cargo bench --bench tui_scan`.
//!
//! The problems view fed a check over 100,000 records in parts of 100 (one finding in ten
//! records, 10,000 in all), the filter view (`F`) fed 100,000 matches in parts of 100, and the
//! facet view (`%`) fed the counts of 100,000 distinct emails: the time `update` takes for each
//! part and for a key pressed between parts, and a frame at 140×40. Prints medians and maxima,
//! asserts nothing.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use prospect::api::Prospect;
use prospect::app::msg::ScanPart;
use prospect::app::{self, ApiCall, ApiRequest, Effect, Msg, Reply, RequestId, State};
use prospect::scan::{Progress, RuleSet};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn stats(label: &str, mut v: Vec<Duration>) {
    v.sort();
    let max = v.last().copied().unwrap_or_default();
    println!(
        "{label:<48} median {:>10.3?}   max {max:>10.3?}",
        v[v.len() / 2]
    );
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default();
    let rules = RuleSet::new(&[], today);
    let mut records = prospect::sandbox::generate(100_000, 42);
    for (i, p) in records.iter_mut().enumerate() {
        if i % 10 == 0 {
            p.phone_number = Some(format!("+44 7700 {i:06}"));
        }
    }
    let mut state = State::new("bench", None, false, 50);
    app::update(&mut state, Msg::Resize(140, 40));
    let fx = app::update(&mut state, key('!'));
    let req = started(&fx, |r| matches!(r, ApiRequest::Check { .. })).expect("! starts a check");
    stream(&mut state, req, &records, "", |n, chunk| Reply::Scanned {
        progress: progress(n),
        part: ScanPart::Findings {
            findings: chunk.iter().flat_map(|p| rules.check(p)).collect(),
            today,
        },
    });
    frames(&state, "frame 140x40 with 10,000 findings");
    filter_view(&records);
    facet_view(&records);
}

/// `%` on the email (100,000 distinct values): the worker counts and sends every value counted
/// so far, sorted, every tenth page (it sends at most every 250 ms); keys between parts.
fn facet_view(records: &[Prospect]) {
    use prospect::scan::facet::{Facet, FacetField};
    let mut state = State::new("bench", None, false, 50);
    app::update(&mut state, Msg::Resize(140, 40));
    app::update(&mut state, key('%'));
    for _ in 0..3 {
        app::update(&mut state, key('j'));
    }
    let enter = Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    let fx = app::update(&mut state, enter);
    let req = started(&fx, |r| matches!(r, ApiRequest::Facet { .. })).expect("% starts a count");
    let field = FacetField::parse("email").expect("a field");
    let mut facet = Facet::new(field, prospect::scan::keys::By::Exact, false);
    let (mut parts, mut keys, mut counting) = (Vec::new(), Vec::new(), Vec::new());
    for (n, chunk) in records.chunks(100).enumerate() {
        for p in chunk {
            facet.add(p);
        }
        if n % 10 == 9 {
            let t = Instant::now();
            let counts = facet.report(0);
            counting.push(t.elapsed());
            let msg = Msg::Api {
                req,
                reply: Reply::Scanned {
                    progress: progress(n),
                    part: ScanPart::Counts(counts),
                },
            };
            let t = Instant::now();
            app::update(&mut state, msg);
            parts.push(t.elapsed());
        }
        let t = Instant::now();
        app::update(&mut state, key(if n % 2 == 0 { 'j' } else { 'k' }));
        keys.push(t.elapsed());
    }
    stats("%: worker: sort every value counted so far", counting);
    stats("%: update: the counts so far (100,000 values)", parts);
    stats("%: a key while the counts stream in", keys);
    frames(&state, "%: frame 140x40 with 100,000 values");
}

/// The request among `fx` that `is` picks.
fn started(fx: &[Effect], is: impl Fn(&ApiRequest) -> bool) -> Option<prospect::app::RequestId> {
    fx.iter().find_map(|e| match e {
        Effect::Api(ApiCall { req, request }) if is(request) => Some(*req),
        _ => None,
    })
}

/// `F` with every record matching, fed in parts as the worker sends them.
fn filter_view(records: &[prospect::api::Prospect]) {
    use prospect::app::filter::MatchRow;
    let mut state = State::new("bench", None, false, 50);
    app::update(&mut state, Msg::Resize(140, 40));
    app::update(&mut state, key('F'));
    for c in "email~@".chars() {
        app::update(&mut state, key(c));
    }
    let enter = Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    let fx = app::update(&mut state, enter);
    let req = started(&fx, |r| matches!(r, ApiRequest::Filter { .. })).expect("F starts a scan");
    stream(&mut state, req, records, "F: ", |n, chunk| Reply::Scanned {
        progress: progress(n),
        part: ScanPart::Matches(chunk.iter().map(MatchRow::of).collect()),
    });
    frames(&state, "F: frame 140x40 with 100,000 matches");
}

/// How far a scan has got after its `n`th page of 100 (of 100,000 records).
fn progress(n: usize) -> Progress {
    Progress {
        scanned: (n as u64 + 1) * 100,
        total: 100_000,
        pages: n as u64 + 1,
        server_limit: None,
    }
}

/// Feeds the records a page of 100 at a time as `reply` makes them, with a key between pages;
/// prints how long each part and each key took.
fn stream(
    state: &mut State,
    req: RequestId,
    records: &[Prospect],
    label: &str,
    reply: impl Fn(usize, &[Prospect]) -> Reply,
) {
    let (mut parts, mut keys) = (Vec::new(), Vec::new());
    for (n, chunk) in records.chunks(100).enumerate() {
        let msg = Msg::Api {
            req,
            reply: reply(n, chunk),
        };
        let t = Instant::now();
        app::update(state, msg);
        parts.push(t.elapsed());
        let t = Instant::now();
        app::update(state, key(if n % 2 == 0 { 'j' } else { 'k' }));
        keys.push(t.elapsed());
    }
    stats(&format!("{label}update: one part of 100 records"), parts);
    stats(&format!("{label}a key while the scan streams in"), keys);
}

/// Draws 50 frames at 140×40 and prints how long they took.
fn frames(state: &State, label: &str) {
    let mut terminal = Terminal::new(TestBackend::new(140, 40)).expect("terminal");
    let mut frames = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        terminal
            .draw(|f| {
                prospect::ui::render(state, f);
            })
            .expect("draw");
        frames.push(t.elapsed());
    }
    stats(label, frames);
}
