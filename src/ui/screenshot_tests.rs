//! The README's screenshots, made from the real views on the demo data: this test fails when
//! a committed image differs from what the views draw now. To make them again:
//! `PROSPECT_WRITE_SCREENSHOTS=1 cargo test --lib screenshots_are_current`.

use std::path::PathBuf;

use crossterm::event::KeyCode;

use super::screenshot::to_svg;
use crate::app::State;
use crate::runtime::harness::{Harness, Setup, frame};
use crate::sandbox::SandboxOptions;

const SIZE: (u16, u16) = (130, 32);

fn shot(state: &State) -> String {
    let mut s = state.clone();
    // A fading message depends on timing, not on the screen being shown.
    s.status = None;
    to_svg(frame(&s, SIZE).backend().buffer(), None)
}

/// The demo: its sandbox (500 prospects, the default seed, `--problems` when asked) and
/// profile.
fn demo(problems: bool) -> Setup {
    Setup {
        sandbox: SandboxOptions {
            count: 500,
            problems,
            ..SandboxOptions::default()
        },
        size: SIZE,
        tui: crate::runtime::TuiOptions {
            profile: "demo".into(),
            ..crate::runtime::TuiOptions::default()
        },
    }
}

async fn idle(h: &mut Harness, what: &str, done: impl Fn(&State) -> bool) {
    h.until(what, |s, _| !s.busy() && done(s)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screenshots_are_current() {
    let mut h = Harness::start(demo(false), |_| {}).await;
    idle(&mut h, "the first page", |s| s.list.shown.is_some()).await;
    let mut shots = vec![("list", shot(h.state()))];
    h.press(KeyCode::Enter);
    idle(&mut h, "the detail", |s| s.detail.is_some()).await;
    shots.push(("detail", shot(h.state())));
    h.press(KeyCode::Char('e'));
    idle(&mut h, "the form", |s| s.form.is_some()).await;
    h.retype(3, "john.doe@example.org");
    h.ctrl('s');
    idle(&mut h, "the review", |s| {
        matches!(
            s.form.as_ref().map(|f| &f.stage),
            Some(crate::app::form::Stage::Review { .. })
        )
    })
    .await;
    shots.push(("review", shot(h.state())));

    // A change set: the form left, three rows marked, a phone number staged, then planned.
    h.press(KeyCode::Esc);
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('y'));
    h.press(KeyCode::Esc);
    idle(&mut h, "the list again", |s| {
        s.form.is_none() && s.detail.is_none()
    })
    .await;
    for _ in 0..3 {
        h.press(KeyCode::Char(' '));
    }
    h.press(KeyCode::Char('S'));
    for _ in 0..4 {
        h.press(KeyCode::Char('j'));
    }
    h.press(KeyCode::Enter);
    h.retype_prompt("+447700900123");
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('P'));
    h.ctrl('s');
    idle(&mut h, "the plan", |s| s.pending.plan.is_some()).await;
    shots.push(("pending", shot(h.state())));

    // The problems view on the demo with its planted defects (`--demo --problems`).
    let mut h = Harness::start(demo(true), |_| {}).await;
    idle(&mut h, "the first page", |s| s.list.shown.is_some()).await;
    h.press(KeyCode::Char('!'));
    idle(&mut h, "the check's end", |s| {
        s.problems.as_ref().is_some_and(|p| p.scan.ended.is_some())
    })
    .await;
    shots.push(("problems", shot(h.state())));

    // The facet view (`%`) of the country, where the planted misspellings show.
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char('%'));
    h.pick_field("address.country");
    idle(&mut h, "the count's end", |s| {
        s.facet.as_ref().is_some_and(|f| f.scan.ended.is_some())
    })
    .await;
    shots.push(("facet", shot(h.state())));

    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/screenshots");
    let write = std::env::var_os("PROSPECT_WRITE_SCREENSHOTS").is_some();
    for (name, svg) in shots {
        let path = dir.join(format!("{name}.svg"));
        if write {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &svg).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == svg,
            "{} is not what the views draw now: run PROSPECT_WRITE_SCREENSHOTS=1 cargo test --lib screenshots_are_current",
            path.display()
        );
    }
}
