//! Change sets end to end, in a pseudo-terminal on `--demo`: mark three rows, set a field on
//! them, review the plan, send it, and undo the whole batch from the journal.

use crate::pty;

use pty::Spawn;

const NEW: &str = "+447700900123";

/// `S` on the marked rows: the phone number (the fifth field), the value `NEW`.
fn set_phone(t: &pty::Term, records: &str) {
    t.send("S");
    t.wait_for("the field picker", |s| {
        s.contains(&format!("Set a field on {records}"))
    });
    t.send("jjjj");
    t.key("Enter");
    t.wait_for("the value prompt", |s| {
        s.contains("phoneNumber (empty clears")
    });
    // One record: its value is there to edit, as in the form.
    t.key("C-u");
    t.send(NEW);
    t.key("Enter");
}

#[test]
fn mark_three_set_a_field_review_send_and_revert_the_batch() {
    let t = Spawn::app(&["--demo"]).size(40, 140).start();
    t.wait_for("the first page", |s| s.contains("John James Doe"));

    // Three rows marked (space moves on), then S: the phone number, a value.
    t.send("   ");
    t.wait_for("three marks", |s| s.contains("✓ 3 marked"));
    set_phone(&t, "3 records");
    t.wait_for("three staged", |s| {
        s.contains("~ 3 staged") && s.contains("Staged phoneNumber on 3 records")
    });

    // P: every record's before → after; ctrl-s plans as `apply` does.
    t.send("P");
    t.wait_for("the pending set", |s| {
        s.contains("Pending · 3 records staged")
            && s.contains("phoneNumber: \"+447101231111\" → \"+447700900123\"")
    });
    t.key("C-s");
    t.wait_for("the plan", |s| s.contains("Plan: change=3"));
    // Enter asks first, as `apply` does; nothing leaves before `y`.
    t.key("Enter");
    t.wait_for("the question", |s| {
        s.contains("Send 3 changes to profile demo?") && s.contains("y send")
    });
    t.send("r");
    t.wait_for("the reason prompt", |s| s.contains("reason (journaled"));
    t.send("fix the numbers, ny");
    t.key("Enter");
    t.wait_for("the reason in the question", |s| {
        s.contains("Reason: fix the numbers, ny")
    });
    t.send("y");
    t.wait_for("the batch sent", |s| {
        s.contains("applied=3") && s.contains("Pending · 0 records staged")
    });
    t.key("Escape");
    t.wait_for("the list with the new numbers", |s| {
        s.matches(NEW).count() == 3 && !s.contains("staged")
    });

    // H in the list: the batch; R reviews its revert; Enter sends it.
    t.send("H");
    t.wait_for("the batch", |s| {
        s.contains("Batches") && s.contains("3 changes")
    });
    t.send("R");
    t.wait_for("the revert's review", |s| {
        s.contains("Review: revert of batch") && s.contains("change=3")
    });
    t.key("Enter");
    t.wait_for("the question", |s| {
        s.contains("Send 3 changes to profile demo?")
    });
    t.send("y");
    t.wait_for("the revert sent", |s| s.contains("applied=3"));
    t.key("Escape");
    t.wait_for("the journal with both batches", |s| {
        s.contains("Batches") && s.contains("revert of batch")
    });
    t.key("Escape");
    t.wait_for("the old numbers back", |s| {
        !s.contains(NEW) && s.contains("+447101231111")
    });

    t.key("C-c");
    let status = t.wait_exit();
    assert!(status.success(), "{status:?}");
    t.assert_terminal_restored();
    // Both batches journaled: a line opening each, then its three changes.
    let journal =
        std::fs::read_to_string(t.state_dir().join("prospect/journal.jsonl")).expect("a journal");
    assert_eq!(journal.lines().count(), 8, "{journal}");
    assert_eq!(
        journal
            .lines()
            .filter(|l| l.contains("\"opensBatch\""))
            .count(),
        2,
        "{journal}"
    );
    assert!(journal.contains("revert of batch"));
    // The reason is on the line opening the batch and on each of its three changes.
    assert_eq!(
        journal.matches("fix the numbers, ny").count(),
        4,
        "{journal}"
    );
}

#[test]
fn staged_changes_survive_sigterm_and_are_offered_back() {
    let t = Spawn::app(&["--demo"]).size(30, 120).start();
    t.wait_for("the first page", |s| s.contains("John James Doe"));
    t.send(" ");
    set_phone(&t, "1 record");
    t.wait_for("one staged", |s| s.contains("~ 1 staged"));
    t.signal_app(nix::sys::signal::Signal::SIGTERM);
    let status = t.wait_exit();
    assert_eq!(status.exit_code(), 143, "{status:?}");
    t.assert_terminal_restored();

    // The next start on the same state directory offers them back.
    let state = t.state_dir();
    let again = Spawn::app(&["--demo"])
        .size(30, 120)
        .env("XDG_STATE_HOME", state.to_str().expect("a UTF-8 path"))
        .start();
    again.wait_for("the offer", |s| {
        s.contains("Changes to 1 record were staged in an earlier session")
    });
    again.send("r");
    again.wait_for("restored", |s| {
        s.contains("~ 1 staged") && s.contains("Restored staged changes of 1 record")
    });
    again.send("P");
    again.wait_for("the change", |s| s.contains("→ \"+447700900123\""));
    again.key("C-c");
    again.wait_for("the quit question", |s| {
        s.contains("Quit with staged changes?")
    });
    again.send("d");
    assert!(again.wait_exit().success());
    again.assert_terminal_restored();
    assert!(
        !state.join("prospect/staged.demo.json").exists(),
        "discarded: no file left"
    );
}
