//! The whole app — state, worker and a real sandbox on loopback — driven by keys on a
//! `TestBackend` through the one harness.

use crossterm::event::KeyCode;

use super::harness::{Harness, Setup};
use super::{Clipboard, TuiOptions};
use crate::sandbox::SandboxOptions;

fn setup(count: usize, size: (u16, u16)) -> Setup {
    Setup {
        sandbox: SandboxOptions {
            count,
            ..SandboxOptions::default()
        },
        size,
        ..Setup::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configuration_warnings_show_in_the_status_line() {
    let setup = Setup {
        tui: TuiOptions {
            warnings: vec!["config.toml holds a secret and is readable by other users".into()],
            ..TuiOptions::default()
        },
        ..setup(3, (100, 20))
    };
    let h = Harness::start(setup, |_| {}).await;
    assert!(
        h.screen()
            .contains("Warning: config.toml holds a secret and is readable by other users"),
        "{}",
        h.screen()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browse_search_and_look_up_against_the_sandbox() {
    let mut h = Harness::start(setup(120, (140, 40)), |_| {}).await;
    h.until("the first page", |s, screen| {
        s.list.shown.is_some() && screen.contains("page 1 of 6")
    })
    .await;

    // Moving past the last row goes on to page 2 (prefetched), and back.
    h.press(KeyCode::Char('G'));
    h.press(KeyCode::Char('j'));
    h.until("page 2", |s, screen| {
        s.list.page == 2 && s.list.loading.is_none() && screen.contains("page 2 of 6")
    })
    .await;
    h.press(KeyCode::Char('k'));
    assert_eq!((h.state().list.page, h.state().list.selected), (1, 19));

    h.press(KeyCode::Char('/'));
    h.type_text("doe");
    h.press(KeyCode::Enter);
    h.until("the search results", |s, _| {
        s.list.shown.as_ref().is_some_and(|k| k.search == "doe")
            && s.list.loading.is_none()
            && !s.list.rows.is_empty()
    })
    .await;
    for row in &h.state().list.rows {
        let text = format!("{} {}", row.full_name(), row.email).to_lowercase();
        assert!(text.contains("doe"), "{text} does not match the search");
    }

    h.press(KeyCode::Char(':'));
    h.type_text("CRM-0042");
    h.press(KeyCode::Enter);
    h.until("the looked-up record", |s, screen| {
        s.detail.is_some() && screen.contains("External reference CRM-0042")
    })
    .await;
    assert!(h.screen().contains("john.doe@example.com"));

    h.press(KeyCode::Char('y'));
    let id = h.state().detail.as_ref().map(|d| d.prospect.id.clone());
    assert_eq!(h.app.clipboard, Clipboard::Memory(id.into_iter().collect()));

    // `:` belongs to the list: back out of the detail first.
    h.press(KeyCode::Esc);
    h.press(KeyCode::Char(':'));
    h.type_text("no such reference");
    h.press(KeyCode::Enter);
    h.until("the not-found message", |_, screen| {
        screen.contains("No prospect with id or external reference no such reference")
    })
    .await;
    h.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_uuid_finds_the_record_by_id_and_resizing_relays_out() {
    let mut h = Harness::start(setup(500, (80, 24)), |_| {}).await;
    h.first_page().await;
    let target = h.state().list.rows[3].clone();
    h.look_up(&target.id).await;
    assert_eq!(
        h.state().detail.as_ref().map(|d| d.prospect.id.clone()),
        Some(target.id.clone())
    );
    assert_eq!(h.state().list.selected, 3, "on this page, so selected");

    h.app.terminal.backend_mut().resize(140, 40);
    h.app.resize(140, 40);
    h.app.draw().expect("draws");
    let screen = h.screen();
    assert!(
        screen.lines().count() == 40 && screen.contains("page 1 of"),
        "{screen}"
    );
    h.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_detail_scrolls_only_as_far_as_the_frame_laid_out() {
    let mut h = Harness::start(setup(30, (80, 12)), |_| {}).await;
    h.first_page().await;
    h.press(KeyCode::Enter);
    for _ in 0..200 {
        h.press(KeyCode::Char('j'));
    }
    h.until("the scroll clamped to the content", |s, _| {
        s.viewport.detail_max_scroll.is_some()
            && s.detail.as_ref().map(|d| d.scroll) == s.viewport.detail_max_scroll
    })
    .await;
    let max = h.state().viewport.detail_max_scroll.unwrap_or_default();
    assert!(max > 0 && max < 200, "max scroll {max}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_look_up_prompt_finds_an_external_reference_of_only_dots() {
    let mut h = Harness::start(setup(5, (140, 40)), |sb| {
        let mut p = sb
            .get_record(crate::sandbox::data::JOHN_DOE_ID)
            .expect("John");
        p.id = "a2b9649e-df7f-4349-adff-000000000099".into();
        p.external_reference = Some("..".into());
        p.first_name = Some("Dotty".into());
        sb.put_record(p);
    })
    .await;
    h.first_page().await;
    h.look_up("..").await;
    h.until("the record with reference ..", |s, _| {
        s.detail
            .as_ref()
            .is_some_and(|d| d.prospect.first_name.as_deref() == Some("Dotty"))
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configured_keys_drive_the_app_on_the_sandbox() {
    let prefs = crate::prefs::from_text(
        "[keys]\nnext_page = [\"J\"]\nsearch = [\"f\"]\nbogus = [\"x\"]\n",
        "config.toml",
    );
    let setup = Setup {
        tui: TuiOptions {
            keys: prefs.keys,
            warnings: prefs.warnings,
            ..Setup::default().tui
        },
        ..setup(60, (100, 30))
    };
    let mut h = Harness::start(setup, |_| {}).await;
    h.until("the first page and the warning", |s, screen| {
        s.list.shown.is_some() && screen.contains("config.toml line 4: unknown action `bogus`")
    })
    .await;
    // `n` no longer pages; `J` does.
    h.press(KeyCode::Char('n'));
    assert_eq!(h.state().list.page, 1);
    h.press(KeyCode::Char('J'));
    h.until("page 2", |s, screen| {
        s.list.page == 2 && screen.contains("page 2 of 3")
    })
    .await;
    h.press(KeyCode::Char('f'));
    assert!(h.state().prompt.is_some(), "f opens the search");
    assert!(h.screen().contains("Enter ok"), "{}", h.screen());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mouse_selects_opens_scrolls_focuses_and_presses_dialog_keys() {
    let mut h = Harness::start(setup(60, (140, 30)), |_| {}).await;
    h.until("the first page", |s, screen| {
        s.list.shown.is_some() && screen.contains("Jean-Luc")
    })
    .await;
    // A click selects the row under it; a second click there opens it.
    let (x, y) = h.find_on_screen("Jean-Luc").unwrap();
    h.click(x, y);
    assert_eq!(
        h.state().selected_row().map(|p| p.email.as_str()),
        Some("jean-luc.smith-jones@example.co.uk")
    );
    let selected = h.state().list.selected;
    assert!(h.state().detail.is_none());
    h.click(x, y);
    h.until("the detail of the clicked row", |s, _| {
        s.detail.as_ref().map(|d| d.prospect.id.clone())
            == s.list.rows.get(selected).map(|p| p.id.clone())
    })
    .await;
    // The wheel over the list moves the selection; over the detail it scrolls the detail.
    h.click(x, y);
    h.wheel(x, y, true);
    assert_eq!(h.state().list.selected, selected + 3);
    let d = h.state().viewport.detail_area.unwrap();
    h.click(d.x + 2, d.y + 2);
    assert_eq!(h.state().focus, crate::app::Focus::Detail);
    h.wheel(d.x + 2, d.y + 2, true);
    h.until("the detail scrolled", |s, _| {
        s.detail.as_ref().is_some_and(|d| d.scroll > 0)
    })
    .await;
    // The help scrolls with the wheel.
    h.press(KeyCode::Char('?'));
    h.until("the help", |s, _| s.viewport.help_area.is_some())
        .await;
    h.wheel(10, 10, true);
    assert_eq!(h.state().help.scroll, 3);
    h.press(KeyCode::Esc);

    // In the form a click focuses a field, and a dialog's key is a button.
    h.press(KeyCode::Char('e'));
    h.until("the form", |s, _| {
        s.form.is_some() && !s.viewport.form_fields.is_empty()
    })
    .await;
    let (row, field) = h.state().viewport.form_fields[3];
    h.click(40, row);
    assert_eq!(h.state().form.as_ref().map(|f| f.focus), Some(field));
    h.app
        .key(crossterm::event::KeyEvent::from(KeyCode::Char('x')));
    h.press(KeyCode::Esc);
    h.until("the discard dialog's buttons", |s, _| {
        !s.viewport.buttons.is_empty()
    })
    .await;
    let (x, y) = h.find_on_screen("keep editing").unwrap();
    h.click(x, y);
    assert_eq!(
        h.state().form.as_ref().map(|f| f.stage.clone()),
        Some(crate::app::form::Stage::Editing),
        "{}",
        h.screen()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prompt_history_lasts_across_runs_per_profile_without_identification_numbers() {
    let mut h = Harness::start(setup(60, (120, 30)), |_| {}).await;
    h.first_page().await;
    let id_number = h
        .state()
        .list
        .rows
        .iter()
        .find_map(|p| p.identification_number.clone())
        .expect("a row with an identification number");
    h.press(KeyCode::Char('/'));
    h.type_text("doe");
    h.press(KeyCode::Enter);
    h.press(KeyCode::Char('/'));
    h.retype_prompt(&id_number);
    h.press(KeyCode::Enter);
    h.look_up("CRM-0042").await;
    let file = crate::edit::history::path_in(h.dir.path(), "sandbox");
    let deadline = std::time::Instant::now() + super::harness::WAIT;
    let text = loop {
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        if text.contains("CRM-0042") || std::time::Instant::now() > deadline {
            break text;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    };
    assert!(text.contains("doe") && text.contains("CRM-0042"), "{text}");
    assert!(!text.contains(&id_number), "{text}");

    // A second run of the same profile recalls both with ↑; another profile has none.
    let again = |profile: &str| Setup {
        tui: TuiOptions {
            profile: profile.into(),
            state_dir: Some(h.dir.path().to_path_buf()),
            ..Setup::default().tui
        },
        ..setup(60, (120, 30))
    };
    let mut second = Harness::start(again("sandbox"), |_| {}).await;
    second.first_page().await;
    second.press(KeyCode::Char('/'));
    second.press(KeyCode::Up);
    assert_eq!(second.prompt_text(), Some("doe".into()));
    second.press(KeyCode::Esc);
    second.press(KeyCode::Char(':'));
    second.press(KeyCode::Up);
    assert_eq!(second.prompt_text(), Some("CRM-0042".into()));
    let mut other = Harness::start(again("production"), |_| {}).await;
    other.first_page().await;
    other.press(KeyCode::Char('/'));
    other.press(KeyCode::Up);
    assert_eq!(other.prompt_text(), Some(String::new()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_page_is_asked_for_before_the_terminal_is_set_up() {
    let sb = crate::sandbox::Sandbox::start(SandboxOptions {
        count: 5,
        ..SandboxOptions::default()
    })
    .await
    .unwrap();
    let client = crate::api::ApiClient::new(crate::api::ClientConfig::new(
        &sb.base_url(),
        sb.token(),
        sb.secret(),
        "sandbox",
    ))
    .unwrap();
    let opts = TuiOptions::default();
    // No terminal yet: only the prelude runs.
    let prelude = super::Prelude::start(client, &opts);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !sb
        .requests()
        .iter()
        .any(|r| r.path_and_query.contains("page=1") && r.status == 200)
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the first page was not asked for"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    // The app built around it later gets the answer.
    let terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(100, 20)).unwrap();
    let mut app =
        super::App::started(prelude, &opts, terminal, Clipboard::Memory(Vec::new())).unwrap();
    while app.state.list.shown.is_none() {
        assert!(std::time::Instant::now() < deadline, "the page never came");
        if let Some(msg) = app.msgs.recv().await {
            app.dispatch(msg);
        }
    }
}

/// Frames drawn so far by the app's terminal.
fn frames(h: &mut Harness) -> usize {
    h.app.terminal.get_frame().count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frame_is_drawn_again_only_when_its_layout_changes_what_shows() {
    let mut h = Harness::start(setup(30, (100, 30)), |_| {}).await;
    h.app.draw().expect("draws");
    assert!(
        h.state().viewport.list_rows.is_none(),
        "no rows before the page"
    );
    first_page_undrawn(&mut h).await;
    // Its rows are somewhere new on screen (the mouse's business): one frame.
    let before = frames(&mut h);
    h.app.draw().expect("draws");
    assert!(h.state().viewport.list_rows.is_some());
    assert_eq!(frames(&mut h), before + 1);
    assert!(h.screen().contains("page 1 of"), "{}", h.screen());

    // The detail opens: how far it scrolls is learnt from the frame, and may clamp a
    // scroll, so that frame is drawn again.
    h.press(KeyCode::Enter);
    let before = frames(&mut h);
    h.app.draw().expect("draws");
    assert!(
        h.state().viewport.detail_max_scroll.is_some(),
        "{}",
        h.screen()
    );
    assert_eq!(frames(&mut h), before + 2);
}

/// Until the first page is in the state, nothing drawn meanwhile.
async fn first_page_undrawn(h: &mut Harness) {
    let deadline = std::time::Instant::now() + super::harness::WAIT;
    while h.state().list.shown.is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "the first page never came"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        h.app.drain();
    }
}

fn held(h: &Harness) -> usize {
    h.app.held_jobs.as_ref().map_or(0, Vec::len)
}

/// The app as the real loop runs it (jobs held while a frame is drawn), its first page drawn.
async fn first_page_painted() -> Harness {
    let mut h = Harness::start(setup(60, (100, 30)), |_| {}).await;
    h.app.held_jobs = Some(Vec::new());
    first_page_undrawn(&mut h).await;
    h.app.draw().expect("draws");
    h.app.frame_drawn();
    assert_eq!(held(&h), 1, "the next page waits while the terminal paints");
    h
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_pages_prefetch_waits_for_the_paint_until_a_key() {
    let mut h = first_page_painted().await;
    h.app.draw().expect("draws");
    h.app.frame_drawn();
    assert_eq!(held(&h), 1, "still within the pause");
    // A key: the user reads no longer, nothing waits.
    h.press(KeyCode::Char('j'));
    h.app.draw().expect("draws");
    h.app.frame_drawn();
    assert_eq!(held(&h), 0);
    h.until("page 2 fetched in the background", |s, _| {
        s.list.cache.contains(&crate::app::requests::PageKey {
            search: String::new(),
            page: 2,
        })
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_pages_prefetch_goes_after_the_pause() {
    let mut h = first_page_painted().await;
    let deadline = std::time::Instant::now() + super::harness::WAIT;
    while held(&h) > 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the prefetch never left"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        h.app.frame_drawn();
    }
    // Later pages are not held back: only the first paint waits.
    h.press(KeyCode::Char('n'));
    h.app.draw().expect("draws");
    h.app.frame_drawn();
    assert_eq!(held(&h), 0);
}
