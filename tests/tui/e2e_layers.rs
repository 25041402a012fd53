//! What is on top, end to end in a pseudo-terminal: a record that arrives while the help is
//! open waits under it (the help keeps the keys), a quit question asked over the help is seen
//! and answered, and the facet flow: `%` → `Enter` → `V` → `S =e164` → `P` → send.

use crate::pty;

use prospect::sandbox::{Sandbox, SandboxOptions};
use pty::Spawn;

/// `key` (`S` or `%`) opens the field picker titled `picker`; the phone number (the fifth
/// field) is picked; for `S`, the value prompt is then open and emptied.
fn pick_phone(t: &pty::Term, key: &str, picker: &str) {
    t.send(key);
    t.wait_for("the field picker", |s| s.contains(picker));
    t.send("jjjj");
    t.key("Enter");
    if key == "S" {
        t.wait_for("the value prompt", |s| {
            s.contains("phoneNumber (empty clears")
        });
        t.key("C-u");
    }
}

#[test]
fn a_record_arriving_under_the_help_waits_there_and_the_help_keeps_the_keys() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    // A slow server: the record `e` asks for arrives after the help is open.
    let sb = rt
        .block_on(Sandbox::start(SandboxOptions {
            count: 200,
            problems: true,
            latency_ms: 600,
            ..SandboxOptions::default()
        }))
        .unwrap();
    let t = Spawn::app(&[])
        .size(40, 140)
        .env("PROSPECT_BASE_URL", &sb.base_url())
        .env("PROSPECT_API_TOKEN", sb.token())
        .env("PROSPECT_API_SECRET", sb.secret())
        .start();
    t.wait_for("the first page", |s| s.contains("page 1 of"));
    t.send("!");
    t.wait_for("the finished check", |s| s.contains("scanned 200 records"));
    t.key("Enter");
    t.wait_for("a rule's findings", |s| s.contains("Suggestion"));
    t.send("e");
    t.send("?");
    t.wait_for("the help", |s| s.contains("? or Esc closes"));
    // The form opens under the help: its frame shows around the help's.
    t.wait_for("the form under the help", |s| {
        s.lines().next().is_some_and(|l| l.contains("┌ ┌ Keys"))
    });
    // Keys still go to the help: `x` types nothing into the hidden form.
    t.send("x");
    t.key("Escape");
    let screen = t.wait_for("the form, the help closed", |s| {
        s.contains("┌ Edit") && !s.contains("? or Esc closes")
    });
    assert!(screen.contains("no changes"), "{screen}");
    // The form has the keys now: `?` is typed into its field (one field changed).
    t.send("?");
    t.wait_for("the form took the key", |s| s.contains("1 field changed"));
    t.key("Escape");
    t.wait_for("the discard question", |s| s.contains("Discard changes?"));
    t.send("y");
    t.key("C-c");
    assert!(t.wait_exit().success());
    t.assert_terminal_restored();
}

#[test]
fn a_quit_question_asked_over_the_help_is_shown_and_answered_there() {
    let t = Spawn::app(&["--demo"]).size(40, 140).start();
    t.wait_for("the first page", |s| s.contains("John James Doe"));
    // One change staged: quitting asks first.
    t.send(" ");
    pick_phone(&t, "S", "Set a field on 1 record");
    t.send("+447123456789");
    t.key("Enter");
    t.wait_for("staged", |s| s.contains("1 staged"));
    t.send("?");
    t.wait_for("the help", |s| s.contains("? or Esc closes"));
    t.key("C-c");
    t.wait_for("the question over the help", |s| {
        s.contains("Quit with staged changes?") && s.contains("d discard")
    });
    // `n`: stay; the help is back, nothing was discarded.
    t.send("n");
    t.wait_for("the help again", |s| {
        s.contains("? or Esc closes") && !s.contains("Quit with staged changes?")
    });
    t.key("Escape");
    t.wait_for("the list, still staged", |s| s.contains("1 staged"));
    t.key("C-c");
    t.wait_for("the question", |s| s.contains("Quit with staged changes?"));
    t.send("y");
    assert!(t.wait_exit().success());
    t.assert_terminal_restored();
}

#[test]
fn facet_enter_mark_set_by_expression_and_send() {
    let files = tempfile::tempdir().unwrap();
    let cfg = files.path().join("config.toml");
    // National numbers are read as UK numbers.
    std::fs::write(&cfg, "default_region = \"GB\"\n").unwrap();
    let t = Spawn::app(&["--demo", "--problems", "--config", cfg.to_str().unwrap()])
        .size(40, 140)
        .start();
    t.wait_for("the first page", |s| s.contains("John James Doe"));
    // The records whose number holds 07123: the national one and the `+44 (0)` one.
    t.send("F");
    t.send("phoneNumber~07123");
    t.key("Enter");
    t.wait_for("the matches", |s| {
        s.contains("2 matches · scanned 500 records")
    });
    // `%` over those matches: the phone numbers' values.
    pick_phone(&t, "%", "Facet: count the values");
    t.wait_for("the facet", |s| {
        s.contains("Facet phoneNumber of the matches of phoneNumber~07123 · 2 values · scanned 500 records")
    });
    // The national number sorts second; Enter lists its records exactly.
    t.send("j");
    t.key("Enter");
    t.wait_for("its records", |s| {
        s.contains("phoneNumber==07123 456780 · 1 match · scanned 500 records")
    });
    t.send("V");
    t.wait_for("marked", |s| s.contains("1 marked"));
    pick_phone(&t, "S", "Set a field on 1 record");
    t.send("=e164");
    t.wait_for("the preview", |s| {
        s.contains("07123 456780 → +447123456780")
    });
    t.key("Enter");
    t.wait_for("staged", |s| {
        s.contains("Staged phoneNumber (e164): changed 1 · unchanged 0")
    });
    t.send("P");
    t.wait_for("the pending set", |s| {
        s.contains("Pending · 1 record staged")
    });
    t.key("C-s");
    t.wait_for("the plan", |s| s.contains("Plan: change=1"));
    t.key("Enter");
    t.wait_for("the question", |s| {
        s.contains("Send 1 change to profile demo?")
    });
    t.send("y");
    t.wait_for("sent", |s| s.contains("applied=1"));
    t.key("C-c");
    let status = t.wait_exit();
    assert!(status.success(), "{status:?}");
    t.assert_terminal_restored();
}
