//! The whole app — state, worker and a real sandbox on loopback — driven by keys on a
//! `TestBackend`.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::{App, Clipboard, TuiOptions};
use crate::api::{ApiClient, ClientConfig};
use crate::sandbox::{Sandbox, SandboxOptions};

/// Generous: the machine may be busy; polling returns as soon as the state is there.
const WAIT: Duration = Duration::from_secs(30);

async fn start(opts: SandboxOptions, size: (u16, u16)) -> (Sandbox, App<TestBackend>) {
    let sandbox = Sandbox::start(opts).await.expect("the sandbox starts");
    let config = ClientConfig::new(
        &sandbox.base_url(),
        sandbox.token(),
        sandbox.secret(),
        "sandbox",
    );
    let client = ApiClient::new(config).expect("a client");
    let terminal = Terminal::new(TestBackend::new(size.0, size.1)).expect("a terminal");
    let opts = TuiOptions {
        profile: "sandbox".into(),
        page_size: 20,
        ..TuiOptions::default()
    };
    let app = App::new(client, &opts, terminal, Clipboard::Memory(Vec::new())).expect("the app");
    (sandbox, app)
}

fn press(app: &mut App<TestBackend>, code: KeyCode) {
    app.key(KeyEvent::from(code));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn configuration_warnings_show_in_the_status_line() {
    let sandbox = Sandbox::start(SandboxOptions {
        count: 3,
        ..Default::default()
    })
    .await
    .expect("the sandbox starts");
    let config = ClientConfig::new(&sandbox.base_url(), sandbox.token(), sandbox.secret(), "t");
    let client = ApiClient::new(config).expect("a client");
    let terminal = Terminal::new(TestBackend::new(100, 20)).expect("a terminal");
    let opts = TuiOptions {
        warnings: vec!["config.toml holds a secret and is readable by other users".into()],
        ..TuiOptions::default()
    };
    let app = App::new(client, &opts, terminal, Clipboard::Memory(Vec::new())).expect("the app");
    assert!(
        app.screen()
            .contains("Warning: config.toml holds a secret and is readable by other users"),
        "{}",
        app.screen()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browse_search_and_look_up_against_the_sandbox() {
    let (sandbox, mut app) = start(
        SandboxOptions {
            count: 120,
            ..Default::default()
        },
        (140, 40),
    )
    .await;
    let first = app
        .wait_for(WAIT, |s, screen| {
            s.list.shown.is_some() && screen.contains("page 1 of 6")
        })
        .await
        .expect("draws");
    assert!(first, "the first page never showed:\n{}", app.screen());

    // Moving past the last row goes on to page 2 (prefetched), and back.
    press(&mut app, KeyCode::Char('G'));
    press(&mut app, KeyCode::Char('j'));
    let paged = app
        .wait_for(WAIT, |s, screen| {
            s.list.page == 2 && s.list.loading.is_none() && screen.contains("page 2 of 6")
        })
        .await
        .expect("draws");
    assert!(paged, "page 2 never showed:\n{}", app.screen());
    press(&mut app, KeyCode::Char('k'));
    assert_eq!((app.state.list.page, app.state.list.selected), (1, 19));

    press(&mut app, KeyCode::Char('/'));
    app.type_text("doe");
    press(&mut app, KeyCode::Enter);
    let searched = app
        .wait_for(WAIT, |s, _| {
            s.list.shown.as_ref().is_some_and(|k| k.search == "doe")
                && s.list.loading.is_none()
                && !s.list.rows.is_empty()
        })
        .await
        .expect("draws");
    assert!(searched, "the search never showed:\n{}", app.screen());
    for row in &app.state.list.rows {
        let text = format!("{} {}", row.full_name(), row.email).to_lowercase();
        assert!(text.contains("doe"), "{text} does not match the search");
    }

    press(&mut app, KeyCode::Char(':'));
    app.type_text("CRM-0042");
    press(&mut app, KeyCode::Enter);
    let found = app
        .wait_for(WAIT, |s, screen| {
            s.detail.is_some() && screen.contains("External reference CRM-0042")
        })
        .await
        .expect("draws");
    assert!(found, "the look-up never showed:\n{}", app.screen());
    assert!(app.screen().contains("john.doe@example.com"));

    press(&mut app, KeyCode::Char('y'));
    let id = app.state.detail.as_ref().map(|d| d.prospect.id.clone());
    assert_eq!(app.clipboard, Clipboard::Memory(id.into_iter().collect()));

    // `:` belongs to the list: back out of the detail first.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char(':'));
    app.type_text("no such reference");
    press(&mut app, KeyCode::Enter);
    let missing = app
        .wait_for(WAIT, |_, screen| {
            screen.contains("No prospect with id or external reference no such reference")
        })
        .await
        .expect("draws");
    assert!(missing, "no not-found message:\n{}", app.screen());

    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_uuid_finds_the_record_by_id_and_resizing_relays_out() {
    let (sandbox, mut app) = start(SandboxOptions::default(), (80, 24)).await;
    let ready = app
        .wait_for(WAIT, |s, _| s.list.shown.is_some())
        .await
        .expect("draws");
    assert!(ready);
    let target = app.state.list.rows[3].clone();
    press(&mut app, KeyCode::Char(':'));
    app.type_text(&target.id);
    press(&mut app, KeyCode::Enter);
    let found = app
        .wait_for(WAIT, |s, _| {
            s.detail
                .as_ref()
                .is_some_and(|d| d.prospect.id == target.id)
        })
        .await
        .expect("draws");
    assert!(found, "{}", app.screen());
    assert_eq!(app.state.list.selected, 3, "on this page, so selected");

    app.terminal.backend_mut().resize(140, 40);
    app.resize(140, 40);
    app.draw().expect("draws");
    let screen = app.screen();
    assert!(
        screen.lines().count() == 40 && screen.contains("page 1 of"),
        "{screen}"
    );
    sandbox.shutdown().await;
}
