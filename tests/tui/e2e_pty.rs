//! The real binary in a real (pseudo-)terminal: `prospect --demo`, browse, search, look up,
//! edit, suspend, hand over to `$EDITOR`, die by a signal — and the terminal is back in its
//! normal mode afterwards.

use crate::pty;

use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use pty::{Spawn, Term};

/// `prospect --demo` run from a fresh interactive shell, on its first page.
fn start_demo(shell: Spawn) -> Term {
    let t = shell.start();
    t.run_app(&["--demo"]);
    t.wait_for("the first page", |s| {
        s.contains("page 1 of") && s.contains("John James Doe")
    });
    t
}

/// Looks up CRM-0042 (John James Doe) with `:`.
fn look_up_john(t: &Term) {
    t.send(":");
    t.send("CRM-0042");
    t.key("Enter");
    t.wait_for("the look-up", |s| {
        s.contains("External reference CRM-0042") && s.contains("john.doe@example.com")
    });
}

/// Polls `path` until it contains `text`, or returns what it had after the deadline.
fn poll_file(path: &std::path::Path, text: &str) -> String {
    let deadline = Instant::now() + pty::DEADLINE;
    loop {
        let got = std::fs::read_to_string(path).unwrap_or_default();
        if got.contains(text) || Instant::now() > deadline {
            return got;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn demo_browses_searches_looks_up_and_restores_the_terminal() {
    let t = Spawn::app(&["--demo"]).start();
    t.wait_for("the first page", |s| {
        s.contains("page 1 of") && s.contains("John James Doe")
    });
    t.with_screen(|s| assert!(s.alternate_screen() && s.hide_cursor()));

    t.send("/");
    t.send("doe");
    t.key("Enter");
    t.wait_for("the search", |s| {
        s.contains("search \"doe\"") && s.contains("Doe")
    });

    look_up_john(&t);

    t.send("?");
    t.wait_for("the help", |s| {
        s.contains("help overlay") && s.contains("look up by id")
    });
    t.send("?");
    t.wait_for("help to close", |s| !s.contains("help overlay"));

    t.send("q"); // back from the detail
    t.send("q"); // quit from the list
    let status = t.wait_exit();
    assert!(status.success(), "{status:?}");
    t.assert_terminal_restored();
}

#[test]
fn ctrl_z_suspends_fg_repaints_and_sigterm_restores_the_terminal() {
    let t = start_demo(Spawn::shell());

    t.key("C-z");
    t.wait_for("the job to stop", |s| s.contains("Stopped"));
    t.run("fg");
    // The screen comes back by itself, without a key press.
    t.wait_for("the list after fg", |s| {
        s.contains("page 1 of") && s.contains("John James Doe")
    });
    t.send("j");
    t.wait_for("the selection to move", |s| {
        s.lines().any(|l| l.contains("› Zoë O'Brien"))
    });

    t.signal_app(Signal::SIGTERM);
    t.assert_terminal_restored();
}

#[test]
fn sigterm_restores_the_terminal_as_read_from_the_pty_itself() {
    // No shell in between that could reset the modes after the app.
    let t = Spawn::app(&["--demo"]).start();
    t.wait_for("the first page", |s| s.contains("John James Doe"));
    t.signal_app(Signal::SIGTERM);
    let status = t.wait_exit();
    // 128 + 15, as a shell reports a process SIGTERM ended (issue 11).
    assert_eq!(status.exit_code(), 143, "{status:?}");
    t.assert_terminal_restored();
}

#[test]
fn demo_edits_an_email_and_the_reload_shows_it() {
    let t = Spawn::app(&["--demo"]).start();
    t.wait_for("the first page", |s| s.contains("John James Doe"));
    look_up_john(&t);
    t.send("e");
    t.wait_for("the form", |s| s.contains("Edit John James Doe"));
    for _ in 0..3 {
        t.key("Tab");
    }
    // The textarea's keys: head of line, then delete to its end.
    t.key("C-a");
    t.key("C-k");
    t.send("john.e2e@example.com");
    t.wait_for("the typed email", |s| s.contains("john.e2e@example.com"));
    t.key("C-s");
    t.wait_for("the review", |s| {
        s.contains("Review the change") && s.contains(r#"{"email":"john.e2e@example.com"}"#)
    });
    t.key("Enter");
    t.wait_for("the save", |s| s.contains("Saved email"));
    t.send("r");
    t.wait_for("the reloaded record", |s| {
        s.contains("john.e2e@example.com") && !s.contains("Edit John")
    });
    // Written off the event loop: poll for it.
    let journal = poll_file(
        &t.state_dir().join("prospect/journal.jsonl"),
        "john.e2e@example.com",
    );
    assert!(
        journal.contains("john.e2e@example.com"),
        "the journal is in the XDG state dir: {journal}"
    );
    t.send("q");
    t.send("q");
    assert!(t.wait_exit().success());
    t.assert_terminal_restored();
}

#[test]
fn demo_hands_the_terminal_to_the_editor_and_back() {
    // A shell, so `$VISUAL` runs as it would for a person.
    let t = start_demo(Spawn::shell().env("VISUAL", "sed -i s/john.doe@/john.ed@/"));
    look_up_john(&t);
    t.send("E");
    t.wait_for("the review", |s| {
        s.contains("Review the change") && s.contains(r#"{"email":"john.ed@example.com"}"#)
    });
    t.key("Enter");
    t.wait_for("the save", |s| s.contains("Saved email"));
    // The keyboard is ours again after the editor.
    t.send("q");
    t.send("q");
    t.assert_terminal_restored();
}

#[test]
fn sighup_keeps_an_unsaved_form_as_a_draft_that_is_offered_back() {
    let t = start_demo(Spawn::shell());
    t.send("e");
    t.wait_for("the form", |s| s.contains("Edit John James Doe"));
    t.key("C-e");
    t.send("ny");
    t.wait_for("the typed name", |s| s.contains("Johnny"));
    t.signal_app(Signal::SIGHUP);
    t.assert_terminal_restored();
    let drafts = t.state_dir().join("prospect/drafts");
    let files: Vec<_> = std::fs::read_dir(&drafts)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert_eq!(files.len(), 1, "one draft in {}", drafts.display());

    // The next time that prospect is edited, the draft is offered back.
    t.run("clear");
    t.run_app(&["--demo"]);
    t.wait_for("the first page", |s| s.contains("John James Doe"));
    t.send("e");
    t.wait_for("the draft offer", |s| s.contains("A draft from"));
    t.send("r");
    t.wait_for("the restored draft", |s| {
        s.contains("Johnny") && s.contains("1 field changed")
    });
    t.key("Escape");
    t.wait_for("the discard question", |s| s.contains("Discard changes?"));
    t.send("y");
    t.send("q");
    t.wait_for_prompt();
}

#[test]
fn limit_sets_the_rows_per_page_of_the_tui() {
    let t = Spawn::app(&["--demo", "--limit", "7"]).start();
    // 500 demo prospects at 7 a page.
    t.wait_for("pages of seven", |s| s.contains("page 1 of 72"));
    t.send("q");
    assert!(t.wait_exit().success());
    t.assert_terminal_restored();
}

#[test]
fn y_and_shift_y_copy_the_id_and_the_record_through_the_terminal() {
    let t = Spawn::app(&["--demo"]).start();
    t.wait_for("the first page", |s| s.contains("John James Doe"));
    t.key("Enter");
    let screen = t.wait_for("the detail", |s| s.contains("External reference CRM-0042"));
    // The id as the detail shows it: the word after "Id" on its own line (the pane with the
    // keyboard has a thick border).
    let id = screen
        .lines()
        .find_map(|l| l.split(['│', '┃']).find_map(|cell| cell.strip_prefix("Id")))
        .map(|rest| rest.trim().to_string())
        .expect("an Id row");
    t.send("y");
    t.until("the id on the clipboard", |t| t.clipboard().len() == 1);
    assert_eq!(t.clipboard()[0], id);
    t.send("Y");
    t.until("the record on the clipboard", |t| t.clipboard().len() == 2);
    let record: serde_json::Value = serde_json::from_str(&t.clipboard()[1]).unwrap();
    assert_eq!(record["id"], id.as_str());
    assert_eq!(record["email"], "john.doe@example.com");
}

#[test]
fn a_narrow_terminal_shows_the_detail_alone_and_a_wide_one_both() {
    let t = Spawn::app(&["--demo"]).size(35, 120).start();
    t.wait_for("the first page", |s| s.contains("John James Doe"));
    t.key("Enter");
    let both = |s: &str| s.contains("page 1 of") && s.contains("External reference CRM-0042");
    t.wait_for("the list and the detail side by side", both);
    t.resize(24, 80);
    t.wait_for("the detail alone", |s| {
        !s.contains("page 1 of") && s.contains("External reference CRM-0042")
    });
    t.resize(35, 120);
    t.wait_for("both again", both);
    t.send("q");
    t.send("q");
    assert!(t.wait_exit().success());
}

#[test]
fn the_restore_check_sees_the_raw_mode_of_a_running_tui() {
    let t = Spawn::app(&["--demo"]).start();
    t.wait_for("the first page", |s| s.contains("John James Doe"));
    assert!(!t.cooked(), "the TUI runs in raw mode");
    t.with_screen(|s| assert!(s.alternate_screen() && s.hide_cursor()));
    t.send("q");
    assert!(t.wait_exit().success());
    assert!(t.cooked());
}

#[test]
fn the_pty_answers_a_cursor_position_query_unless_told_not_to() {
    // Echo off before asking, or the tty would echo a fast reply before `read` starts.
    let ask = r#"stty -echo; printf '\033[6n'; if read -r -t 20 -d R pos; then echo "GOT-${pos#*[}"; else echo NO''-ANSWER; fi; stty echo"#;
    // Wide enough for the command on one row.
    let t = Spawn::shell().size(10, 200).start();
    t.run(ask);
    // The reply is 1-based: the cursor was at the start of the line below the command.
    let screen = t.wait_for("the answer", |s| s.lines().any(|l| l.starts_with("GOT-")));
    assert!(screen.lines().any(|l| l == "GOT-2;1"), "{screen}");
    assert_eq!(t.queries(), ["cursor position (CSI 6n)"]);

    let t = Spawn::shell().answer_queries(false).start();
    // Short, since no answer is expected: the shell gives up after a second.
    t.run(&ask.replace("-t 20", "-t 1"));
    t.wait_for("no answer", |s| s.lines().any(|l| l == "NO-ANSWER"));
    assert_eq!(t.queries(), ["cursor position (CSI 6n)"]);
}

#[test]
fn api_on_a_terminal_pretty_prints_the_json_it_got() {
    let path = format!(
        "/v1/partner/prospects/personal/{}",
        prospect::sandbox::data::JOHN_DOE_ID
    );
    let t = Spawn::app(&["--demo", "api", "GET", &path]).start();
    // Compact on the wire; on a terminal one key a line, indented.
    let screen = t.wait_for("the record, pretty-printed", |s| {
        s.contains("\"lastName\": \"Doe\"")
    });
    assert!(screen.contains("\n  \"firstName\": \"John\","), "{screen}");
    assert!(t.wait_exit().success());
}
