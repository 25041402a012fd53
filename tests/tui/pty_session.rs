//! The TUI in a pseudo-terminal that answers no query (issue 11, points 8 and 10): the
//! session survives the `$EDITOR` hand-over without the cursor position, and a signal ends
//! it with the exit code a shell expects (143 after SIGTERM, 129 after SIGHUP).

use crate::pty;

use nix::sys::signal::Signal;
use pty::Spawn;

#[test]
fn the_editor_hand_over_never_waits_for_the_cursor_position() {
    // An editor that changes nothing: the hand-over and the return are what is tested.
    let t = Spawn::app(&["--demo"])
        .env("VISUAL", "true")
        .env("EDITOR", "true")
        .answer_queries(false)
        .start();
    t.wait_for("the first page", |s| s.contains("John James Doe"));
    t.send("E");
    // Asking for the cursor here used to end the session 2 s later ("The cursor position
    // could not be read within a normal duration", exit 1) on a terminal that answers late.
    t.wait_for("the editor's outcome", |s| {
        s.contains("No changes") && s.contains("John James Doe")
    });
    assert!(
        t.queries().iter().all(|q| !q.contains("cursor position")),
        "the terminal was asked: {:?}",
        t.queries()
    );
    t.send("q");
    let status = t.wait_exit();
    assert!(status.success(), "{status:?}");
    t.assert_terminal_restored();
}

#[test]
fn sigterm_ends_the_session_with_143_and_sighup_with_129() {
    for (signal, code) in [(Signal::SIGTERM, 143), (Signal::SIGHUP, 129)] {
        let t = Spawn::app(&["--demo"]).start();
        t.wait_for("the first page", |s| s.contains("John James Doe"));
        t.signal_app(signal);
        assert_eq!(t.wait_exit().exit_code(), code, "after {signal}");
        t.assert_terminal_restored();
    }
}
