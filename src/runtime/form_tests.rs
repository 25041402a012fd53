//! Correcting a record through the whole app against the real sandbox: the exact PATCH
//! bodies the sandbox received are asserted.

use crossterm::event::KeyCode;
use serde_json::{Value, json};

use super::TuiOptions;
use super::harness::{Harness, Setup};
use crate::app::form::Stage;
use crate::sandbox::Sandbox;

const EMAIL: usize = 3;

async fn start(editor: Option<&str>) -> Harness {
    // John James Doe, by his external reference.
    start_with(editor, "CRM-0042", |_| {}).await
}

/// The app on a fresh sandbox (changed first by `prepare`), showing the prospect `lookup`
/// finds in the detail.
async fn start_with(editor: Option<&str>, lookup: &str, prepare: impl FnOnce(&Sandbox)) -> Harness {
    let mut setup = Setup::default();
    setup.tui = TuiOptions {
        editor: editor.map(str::to_owned),
        ..setup.tui
    };
    let mut h = Harness::start(setup, prepare).await;
    h.first_page().await;
    h.look_up(lookup).await;
    h
}

fn patch_bodies(sandbox: &Sandbox) -> Vec<Value> {
    sandbox
        .requests()
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .map(|r| serde_json::from_str(&r.body).expect("a JSON body"))
        .collect()
}

/// The record open in the detail, as the server has it now.
fn john(h: &Harness) -> crate::api::Prospect {
    let id = h
        .state()
        .detail
        .as_ref()
        .map(|d| d.prospect.id.clone())
        .expect("a detail");
    h.sandbox.get_record(&id).expect("on the server")
}

async fn save_and_wait(h: &mut Harness, saved: &str) {
    h.ctrl('s');
    h.press(KeyCode::Enter);
    h.until("the save", |s, screen| {
        s.form.is_none() && screen.contains(saved)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_the_email_sends_only_the_email_and_undo_sends_it_back() {
    let mut h = start(None).await;
    h.press(KeyCode::Char('e'));
    h.retype(EMAIL, "john.new@example.com");
    save_and_wait(&mut h, "Saved email").await;
    assert_eq!(
        patch_bodies(&h.sandbox),
        [json!({"email": "john.new@example.com"})]
    );
    assert!(
        h.screen().contains("john.new@example.com"),
        "the detail shows it"
    );
    assert_eq!(john(&h).email, "john.new@example.com");
    // The journal is written off the event loop: poll for it.
    let path = h.dir.path().join("journal.jsonl");
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

    h.press(KeyCode::Char('u'));
    assert!(matches!(
        h.app.state.form.as_ref().map(|f| &f.stage),
        Some(Stage::Review { .. })
    ));
    h.press(KeyCode::Enter);
    h.until("undone", |s, _| {
        s.form.is_none()
            && s.last_save
                .as_ref()
                .is_some_and(|l| l.after.email == "john.doe@example.com")
    })
    .await;
    assert_eq!(
        patch_bodies(&h.sandbox),
        [
            json!({"email": "john.new@example.com"}),
            json!({"email": "john.doe@example.com"})
        ]
    );
    h.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clearing_the_middle_name_sends_null() {
    let mut h = start(None).await;
    h.press(KeyCode::Char('e'));
    h.retype(1, "");
    save_and_wait(&mut h, "Saved middleName").await;
    assert_eq!(patch_bodies(&h.sandbox), [json!({"middleName": null})]);
    assert_eq!(john(&h).middle_name, None);
    h.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_phone_is_refused_and_nothing_is_sent() {
    let mut h = start(None).await;
    h.press(KeyCode::Char('e'));
    // A letter O typed for a zero: no phone number at all. (A number that parses is sent as
    // E.164 now, even one not valid for its region: that only warns.)
    h.retype(4, "+44 71O1 231111");
    h.ctrl('s');
    h.until("refused", |_, screen| {
        screen.contains("Cannot save: Phone is invalid")
    })
    .await;
    assert!(
        h.screen()
            .contains("phoneNumber must be a number such as +447123456789")
    );
    assert_eq!(
        h.app.state.form.as_ref().map(|f| &f.stage),
        Some(&Stage::Editing)
    );
    assert!(patch_bodies(&h.sandbox).is_empty());
    h.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_on_the_server_meanwhile_is_shown_and_overwrite_sends_only_my_keys() {
    let mut h = start(None).await;
    h.press(KeyCode::Char('e'));
    h.retype(EMAIL, "mine@example.com");
    // Someone else changes the email and the last name behind the user's back.
    let mut theirs = john(&h);
    theirs.email = "theirs@example.com".into();
    theirs.last_name = Some("Doe-Smith".into());
    h.sandbox.put_record(theirs);
    h.ctrl('s');
    h.press(KeyCode::Enter);
    h.until("conflict", |s, screen| {
        matches!(
            s.form.as_ref().map(|f| &f.stage),
            Some(Stage::Conflict { .. })
        ) && screen.contains("theirs@example.com")
    })
    .await;
    assert!(
        patch_bodies(&h.sandbox).is_empty(),
        "nothing sent before choosing"
    );
    h.press(KeyCode::Char('o'));
    h.until("saved", |s, _| s.form.is_none()).await;
    assert_eq!(
        patch_bodies(&h.sandbox),
        [json!({"email": "mine@example.com"})]
    );
    let now = john(&h);
    assert_eq!(now.email, "mine@example.com");
    assert_eq!(
        now.last_name.as_deref(),
        Some("Doe-Smith"),
        "their change stays"
    );
    h.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_stopping_before_a_save_keeps_the_typed_values() {
    let mut h = start(None).await;
    h.press(KeyCode::Char('e'));
    h.retype(EMAIL, "kept@example.com");
    h.sandbox.stop().await;
    h.ctrl('s');
    h.press(KeyCode::Enter);
    h.until("failed", |s, screen| {
        s.form.as_ref().is_some_and(|f| f.stage == Stage::Editing)
            && screen.contains("Cannot reach")
    })
    .await;
    let form = h.app.state.form.as_ref().expect("the form stays");
    assert_eq!(form.inputs[EMAIL].text(), "kept@example.com");
    assert!(h.screen().contains("kept@example.com"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_stopping_during_the_patch_keeps_the_typed_values_and_applies_nothing() {
    let mut h = start(None).await;
    h.press(KeyCode::Char('e'));
    h.retype(EMAIL, "mine@example.com");
    // A change behind the user's back: the check before sending succeeds and finds it.
    let mut theirs = john(&h);
    theirs.email = "theirs@example.com".into();
    h.sandbox.put_record(theirs);
    h.ctrl('s');
    h.press(KeyCode::Enter);
    h.until("conflict", |s, _| {
        matches!(
            s.form.as_ref().map(|f| &f.stage),
            Some(Stage::Conflict { .. })
        )
    })
    .await;
    let gets = h.sandbox.requests().len();
    // The server goes away between the check and the PATCH: "overwrite" sends into nothing.
    h.sandbox.stop().await;
    h.press(KeyCode::Char('o'));
    assert!(
        matches!(
            h.app.state.form.as_ref().map(|f| &f.stage),
            Some(Stage::Sending { .. })
        ),
        "the PATCH is attempted"
    );
    h.until("failed", |s, screen| {
        s.form.as_ref().is_some_and(|f| f.stage == Stage::Editing)
            && screen.contains("Cannot reach")
    })
    .await;
    let form = h.app.state.form.as_ref().expect("the form stays");
    assert_eq!(form.inputs[EMAIL].text(), "mine@example.com");
    assert!(h.screen().contains("mine@example.com"));
    assert_eq!(
        h.sandbox.requests().len(),
        gets,
        "nothing reached the server"
    );
    assert!(patch_bodies(&h.sandbox).is_empty());
    assert_eq!(john(&h).email, "theirs@example.com");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn untouched_fields_with_line_breaks_and_control_characters_are_not_sent() {
    use crate::sandbox::data::CONTROL_CHARS_INDEX;
    let mut record = crate::sandbox::generate(
        Setup::default().sandbox.count,
        Setup::default().sandbox.seed,
    )
    .swap_remove(CONTROL_CHARS_INDEX);
    // Its last name carries ESC and BEL already; a line break too, and one in the address.
    record.last_name = record.last_name.map(|l| format!("{l}\r\nline two"));
    if let Some(a) = record.address.as_mut() {
        a.line1 = Some("1 Long\r\nRoad\u{7}".into());
    }
    let id = record.id.clone();
    let mut h = start_with(None, &id, |sb| sb.put_record(record.clone())).await;
    assert_eq!(john(&h), record, "the detail shows it");
    h.press(KeyCode::Char('e'));
    h.retype(EMAIL, "mallory.new@example.net");
    save_and_wait(&mut h, "Saved email").await;
    assert_eq!(
        patch_bodies(&h.sandbox),
        [json!({"email": "mallory.new@example.net"})]
    );
    let now = john(&h);
    assert_eq!(now.last_name, record.last_name, "kept, line break and all");
    assert_eq!(now.address, record.address);
    h.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_external_editor_document_is_reviewed_and_sent() {
    let mut h = start(Some("sed -i 's/john.doe@example.com/edited@example.com/'")).await;
    h.press(KeyCode::Char('E'));
    h.until("review", |s, _| {
        matches!(
            s.form.as_ref().map(|f| &f.stage),
            Some(Stage::Review { .. })
        )
    })
    .await;
    assert!(
        h.screen().contains(r#"{"email":"edited@example.com"}"#),
        "{}",
        h.screen()
    );
    h.press(KeyCode::Enter);
    h.until("saved", |s, _| s.form.is_none()).await;
    assert_eq!(
        patch_bodies(&h.sandbox),
        [json!({"email": "edited@example.com"})]
    );
    h.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_left_by_a_crash_is_offered_back_and_restored() {
    let mut h = start(None).await;
    let original = john(&h);
    let mut edited = original.clone();
    edited.email = "drafted@example.com".into();
    let draft = crate::edit::draft::Draft {
        prospect_id: original.id.clone(),
        profile: "sandbox".into(),
        saved_at: "2026-11-26T17:21:03Z".into(),
        original,
        edited,
    };
    let drafts = crate::edit::draft::dir_in(h.dir.path());
    crate::edit::draft::save(&drafts, &draft).expect("saved");
    h.press(KeyCode::Char('e'));
    h.until("offered", |_, screen| {
        screen.contains("A draft from 26 Nov 2026 17:21 UTC exists")
    })
    .await;
    h.press(KeyCode::Char('r'));
    let form = h.app.state.form.as_ref().expect("the form");
    assert_eq!(form.inputs[EMAIL].text(), "drafted@example.com");
    // The restored draft is gone from disk: the live copy takes over.
    h.until("gone", |_, _| {
        crate::edit::draft::load(&drafts, "sandbox", &draft.prospect_id).is_ok_and(|d| d.is_none())
    })
    .await;
    assert!(h.app.draft_slot().lock().is_ok_and(|d| d.is_some()));
    h.sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journal_that_cannot_be_opened_stops_the_save_and_keeps_the_form() {
    let mut h = start(None).await;
    // A directory where the journal file should be: it cannot be opened for appending.
    let path = crate::edit::journal::path_in(h.dir.path());
    std::fs::create_dir(&path).expect("a directory");
    h.press(KeyCode::Char('e'));
    h.retype(EMAIL, "john.new@example.com");
    h.ctrl('s');
    h.press(KeyCode::Enter);
    h.until("the refusal", |s, screen| {
        s.form.is_some() && screen.contains("Nothing was sent")
    })
    .await;
    assert!(patch_bodies(&h.sandbox).is_empty(), "nothing is sent");
    assert_eq!(john(&h).email, "john.doe@example.com");
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_whose_entry_cannot_be_written_says_so_in_the_status_line() {
    let mut h = start(None).await;
    let path = crate::edit::journal::path_in(h.dir.path());
    std::os::unix::fs::symlink("/dev/full", &path).expect("a link");
    h.press(KeyCode::Char('e'));
    h.retype(EMAIL, "john.new@example.com");
    h.ctrl('s');
    h.press(KeyCode::Enter);
    h.until("the journal's failure", |s, _| {
        s.status.as_ref().is_some_and(|st| {
            st.kind == crate::app::state::StatusKind::Error && st.text.contains("not journaled")
        })
    })
    .await;
    let text = h.state().status.clone().expect("a status").text;
    assert!(text.contains(&path.display().to_string()), "{text}");
    assert_eq!(john(&h).email, "john.new@example.com");
}
