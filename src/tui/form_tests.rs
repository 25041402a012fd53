//! Correcting a record through the whole app against the real sandbox: the exact PATCH
//! bodies the sandbox received are asserted.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::{Value, json};

use super::{App, Clipboard, TuiOptions};
use crate::api::{ApiClient, ClientConfig};
use crate::app::form::Stage;
use crate::sandbox::{Sandbox, SandboxOptions};

const WAIT: Duration = Duration::from_secs(30);
const EMAIL: usize = 3;

struct Setup {
    sandbox: Sandbox,
    app: App<TestBackend>,
    dir: tempfile::TempDir,
}

/// The sandbox's options in these tests.
fn options() -> SandboxOptions {
    SandboxOptions {
        count: 60,
        ..Default::default()
    }
}

async fn start(editor: Option<&str>) -> Setup {
    // John James Doe, by his external reference.
    start_with(editor, "CRM-0042", |_| {}).await
}

/// The app on a fresh sandbox (changed first by `prepare`), showing the prospect `lookup`
/// finds in the detail.
async fn start_with(editor: Option<&str>, lookup: &str, prepare: impl FnOnce(&Sandbox)) -> Setup {
    let sandbox = Sandbox::start(options()).await.expect("the sandbox starts");
    prepare(&sandbox);
    let config = ClientConfig::new(
        &sandbox.base_url(),
        sandbox.token(),
        sandbox.secret(),
        "sandbox",
    );
    let client = ApiClient::new(config).expect("a client");
    let dir = tempfile::tempdir().expect("a temporary state dir");
    let terminal = Terminal::new(TestBackend::new(100, 30)).expect("a terminal");
    let opts = TuiOptions {
        profile: "sandbox".into(),
        page_size: 20,
        state_dir: Some(dir.path().to_path_buf()),
        editor: editor.map(str::to_owned),
        ..TuiOptions::default()
    };
    let mut app =
        App::new(client, &opts, terminal, Clipboard::Memory(Vec::new())).expect("the app");
    let ready = app
        .wait_for(WAIT, |s, _| s.list.shown.is_some())
        .await
        .expect("draws");
    assert!(ready, "{}", app.screen());
    press(&mut app, KeyCode::Char(':'));
    app.type_text(lookup);
    press(&mut app, KeyCode::Enter);
    let found = app
        .wait_for(WAIT, |s, _| s.detail.is_some())
        .await
        .expect("draws");
    assert!(found, "{}", app.screen());
    Setup { sandbox, app, dir }
}

fn press(app: &mut App<TestBackend>, code: KeyCode) {
    app.key(KeyEvent::from(code));
}

fn ctrl(app: &mut App<TestBackend>, c: char) {
    app.key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
}

fn focus(app: &mut App<TestBackend>, field: usize) {
    while app.state.form.as_ref().map(|f| f.focus) != Some(field) {
        press(app, KeyCode::Tab);
    }
}

/// Clears the focused field with the textarea's keys (head of line, delete to its end).
fn retype(app: &mut App<TestBackend>, text: &str) {
    ctrl(app, 'a');
    ctrl(app, 'k');
    app.type_text(text);
}

fn patch_bodies(sandbox: &Sandbox) -> Vec<Value> {
    sandbox
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| serde_json::from_str(&r.body).expect("a JSON body"))
        .collect()
}

fn john(sandbox: &Sandbox, app: &App<TestBackend>) -> crate::api::Prospect {
    let id = app
        .state
        .detail
        .as_ref()
        .map(|d| d.prospect.id.clone())
        .expect("a detail");
    sandbox.get_record(&id).expect("on the server")
}

async fn save_and_wait(app: &mut App<TestBackend>, saved: &str) {
    ctrl(app, 's');
    press(app, KeyCode::Enter);
    let done = app
        .wait_for(WAIT, |s, screen| s.form.is_none() && screen.contains(saved))
        .await
        .expect("draws");
    assert!(done, "not saved:\n{}", app.screen());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_the_email_sends_only_the_email_and_undo_sends_it_back() {
    let Setup {
        sandbox,
        mut app,
        dir,
    } = start(None).await;
    press(&mut app, KeyCode::Char('e'));
    focus(&mut app, EMAIL);
    retype(&mut app, "john.new@example.com");
    save_and_wait(&mut app, "Saved email").await;
    assert_eq!(
        patch_bodies(&sandbox),
        [json!({"email": "john.new@example.com"})]
    );
    assert!(
        app.screen().contains("john.new@example.com"),
        "the detail shows it"
    );
    assert_eq!(john(&sandbox, &app).email, "john.new@example.com");
    // The journal is written off the event loop: poll for it.
    let path = dir.path().join("journal.jsonl");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    let journal = loop {
        let journal = crate::edit::journal::read(&path).expect("reads");
        if !journal.is_empty() || std::time::Instant::now() > deadline {
            break journal;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    };
    assert_eq!(journal.len(), 1);
    assert_eq!(
        Value::Object(journal[0].previous.clone()),
        json!({"email": "john.doe@example.com"})
    );
    assert!(!journal[0].time.is_empty());

    press(&mut app, KeyCode::Char('u'));
    assert!(matches!(
        app.state.form.as_ref().map(|f| &f.stage),
        Some(Stage::Review { .. })
    ));
    press(&mut app, KeyCode::Enter);
    let undone = app
        .wait_for(WAIT, |s, _| {
            s.form.is_none()
                && s.last_save
                    .as_ref()
                    .is_some_and(|l| l.after.email == "john.doe@example.com")
        })
        .await
        .expect("draws");
    assert!(undone, "{}", app.screen());
    assert_eq!(
        patch_bodies(&sandbox),
        [
            json!({"email": "john.new@example.com"}),
            json!({"email": "john.doe@example.com"})
        ]
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clearing_the_middle_name_sends_null() {
    let Setup {
        sandbox, mut app, ..
    } = start(None).await;
    press(&mut app, KeyCode::Char('e'));
    focus(&mut app, 1);
    retype(&mut app, "");
    save_and_wait(&mut app, "Saved middleName").await;
    assert_eq!(patch_bodies(&sandbox), [json!({"middleName": null})]);
    assert_eq!(john(&sandbox, &app).middle_name, None);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_phone_is_refused_and_nothing_is_sent() {
    let Setup {
        sandbox, mut app, ..
    } = start(None).await;
    press(&mut app, KeyCode::Char('e'));
    focus(&mut app, 4);
    retype(&mut app, "+44 7101 231111");
    ctrl(&mut app, 's');
    let refused = app
        .wait_for(WAIT, |_, screen| {
            screen.contains("Cannot save: Phone is invalid")
        })
        .await
        .expect("draws");
    assert!(refused, "{}", app.screen());
    assert!(app.screen().contains("phoneNumber must be digits"));
    assert_eq!(
        app.state.form.as_ref().map(|f| &f.stage),
        Some(&Stage::Editing)
    );
    assert!(patch_bodies(&sandbox).is_empty());
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_on_the_server_meanwhile_is_shown_and_overwrite_sends_only_my_keys() {
    let Setup {
        sandbox, mut app, ..
    } = start(None).await;
    press(&mut app, KeyCode::Char('e'));
    focus(&mut app, EMAIL);
    retype(&mut app, "mine@example.com");
    // Someone else changes the email and the last name behind the user's back.
    let mut theirs = john(&sandbox, &app);
    theirs.email = "theirs@example.com".into();
    theirs.last_name = Some("Doe-Smith".into());
    sandbox.put_record(theirs);
    ctrl(&mut app, 's');
    press(&mut app, KeyCode::Enter);
    let conflict = app
        .wait_for(WAIT, |s, screen| {
            matches!(
                s.form.as_ref().map(|f| &f.stage),
                Some(Stage::Conflict { .. })
            ) && screen.contains("theirs@example.com")
        })
        .await
        .expect("draws");
    assert!(conflict, "{}", app.screen());
    assert!(
        patch_bodies(&sandbox).is_empty(),
        "nothing sent before choosing"
    );
    press(&mut app, KeyCode::Char('o'));
    let saved = app
        .wait_for(WAIT, |s, _| s.form.is_none())
        .await
        .expect("draws");
    assert!(saved, "{}", app.screen());
    assert_eq!(
        patch_bodies(&sandbox),
        [json!({"email": "mine@example.com"})]
    );
    let now = john(&sandbox, &app);
    assert_eq!(now.email, "mine@example.com");
    assert_eq!(
        now.last_name.as_deref(),
        Some("Doe-Smith"),
        "their change stays"
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_stopping_before_a_save_keeps_the_typed_values() {
    let Setup {
        sandbox, mut app, ..
    } = start(None).await;
    press(&mut app, KeyCode::Char('e'));
    focus(&mut app, EMAIL);
    retype(&mut app, "kept@example.com");
    sandbox.shutdown().await;
    ctrl(&mut app, 's');
    press(&mut app, KeyCode::Enter);
    let failed = app
        .wait_for(WAIT, |s, screen| {
            s.form.as_ref().is_some_and(|f| f.stage == Stage::Editing)
                && screen.contains("Cannot reach")
        })
        .await
        .expect("draws");
    assert!(failed, "{}", app.screen());
    let form = app.state.form.as_ref().expect("the form stays");
    assert_eq!(form.inputs[EMAIL].text(), "kept@example.com");
    assert!(app.screen().contains("kept@example.com"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_stopping_during_the_patch_keeps_the_typed_values_and_applies_nothing() {
    let Setup {
        mut sandbox,
        mut app,
        ..
    } = start(None).await;
    press(&mut app, KeyCode::Char('e'));
    focus(&mut app, EMAIL);
    retype(&mut app, "mine@example.com");
    // A change behind the user's back: the check before sending succeeds and finds it.
    let mut theirs = john(&sandbox, &app);
    theirs.email = "theirs@example.com".into();
    sandbox.put_record(theirs);
    ctrl(&mut app, 's');
    press(&mut app, KeyCode::Enter);
    let conflict = app
        .wait_for(WAIT, |s, _| {
            matches!(
                s.form.as_ref().map(|f| &f.stage),
                Some(Stage::Conflict { .. })
            )
        })
        .await
        .expect("draws");
    assert!(conflict, "{}", app.screen());
    let gets = sandbox.requests().len();
    // The server goes away between the check and the PATCH: "overwrite" sends into nothing.
    sandbox.stop().await;
    press(&mut app, KeyCode::Char('o'));
    assert!(
        matches!(
            app.state.form.as_ref().map(|f| &f.stage),
            Some(Stage::Sending { .. })
        ),
        "the PATCH is attempted"
    );
    let failed = app
        .wait_for(WAIT, |s, screen| {
            s.form.as_ref().is_some_and(|f| f.stage == Stage::Editing)
                && screen.contains("Cannot reach")
        })
        .await
        .expect("draws");
    assert!(failed, "{}", app.screen());
    let form = app.state.form.as_ref().expect("the form stays");
    assert_eq!(form.inputs[EMAIL].text(), "mine@example.com");
    assert!(app.screen().contains("mine@example.com"));
    assert_eq!(sandbox.requests().len(), gets, "nothing reached the server");
    assert!(patch_bodies(&sandbox).is_empty());
    assert_eq!(john(&sandbox, &app).email, "theirs@example.com");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn untouched_fields_with_line_breaks_and_control_characters_are_not_sent() {
    use crate::sandbox::data::CONTROL_CHARS_INDEX;
    let mut record =
        crate::sandbox::generate(options().count, options().seed).swap_remove(CONTROL_CHARS_INDEX);
    // Its last name carries ESC and BEL already; a line break too, and one in the address.
    record.last_name = record.last_name.map(|l| format!("{l}\r\nline two"));
    if let Some(a) = record.address.as_mut() {
        a.line1 = Some("1 Long\r\nRoad\u{7}".into());
    }
    let id = record.id.clone();
    let Setup {
        sandbox, mut app, ..
    } = start_with(None, &id, |sb| sb.put_record(record.clone())).await;
    assert_eq!(john(&sandbox, &app), record, "the detail shows it");
    press(&mut app, KeyCode::Char('e'));
    focus(&mut app, EMAIL);
    retype(&mut app, "mallory.new@example.net");
    save_and_wait(&mut app, "Saved email").await;
    assert_eq!(
        patch_bodies(&sandbox),
        [json!({"email": "mallory.new@example.net"})]
    );
    let now = john(&sandbox, &app);
    assert_eq!(now.last_name, record.last_name, "kept, line break and all");
    assert_eq!(now.address, record.address);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_external_editor_document_is_reviewed_and_sent() {
    let Setup {
        sandbox, mut app, ..
    } = start(Some("sed -i 's/john.doe@example.com/edited@example.com/'")).await;
    press(&mut app, KeyCode::Char('E'));
    let review = app
        .wait_for(WAIT, |s, _| {
            matches!(
                s.form.as_ref().map(|f| &f.stage),
                Some(Stage::Review { .. })
            )
        })
        .await
        .expect("draws");
    assert!(review, "{}", app.screen());
    assert!(
        app.screen().contains(r#"{"email":"edited@example.com"}"#),
        "{}",
        app.screen()
    );
    press(&mut app, KeyCode::Enter);
    let saved = app
        .wait_for(WAIT, |s, _| s.form.is_none())
        .await
        .expect("draws");
    assert!(saved, "{}", app.screen());
    assert_eq!(
        patch_bodies(&sandbox),
        [json!({"email": "edited@example.com"})]
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_left_by_a_crash_is_offered_back_and_restored() {
    let Setup {
        sandbox,
        mut app,
        dir,
    } = start(None).await;
    let original = john(&sandbox, &app);
    let mut edited = original.clone();
    edited.email = "drafted@example.com".into();
    let draft = crate::edit::draft::Draft {
        prospect_id: original.id.clone(),
        profile: "sandbox".into(),
        saved_at: "2026-11-26T17:21:03Z".into(),
        original,
        edited,
    };
    let drafts = super::local::drafts_dir(dir.path());
    crate::edit::draft::save(&drafts, &draft).expect("saved");
    press(&mut app, KeyCode::Char('e'));
    let offered = app
        .wait_for(WAIT, |_, screen| {
            screen.contains("A draft from 26 Nov 2026 17:21 UTC exists")
        })
        .await
        .expect("draws");
    assert!(offered, "{}", app.screen());
    press(&mut app, KeyCode::Char('r'));
    let form = app.state.form.as_ref().expect("the form");
    assert_eq!(form.inputs[EMAIL].text(), "drafted@example.com");
    // The restored draft is gone from disk: the live copy takes over.
    let gone = app
        .wait_for(WAIT, |_, _| {
            crate::edit::draft::load(&drafts, "sandbox", &draft.prospect_id)
                .is_ok_and(|d| d.is_none())
        })
        .await
        .expect("draws");
    assert!(gone);
    assert!(app.draft_slot().lock().is_ok_and(|d| d.is_some()));
    sandbox.shutdown().await;
}
