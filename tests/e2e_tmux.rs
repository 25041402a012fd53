//! The real binary in a real terminal (tmux): `prospect --demo`, browse, search, look up,
//! help, quit — and the terminal is back in its normal mode afterwards.

use std::process::{Command, Output};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A tmux session on its own server (socket `-L NAME`), so tests running in parallel never race
/// to start one shared server or see each other; killed however the test ends.
struct Session(String);

impl Drop for Session {
    fn drop(&mut self) {
        let _ = tmux(&self.0, &["kill-server"]);
        let _ = std::fs::remove_dir_all(self.state_dir());
    }
}

fn tmux(socket: &str, args: &[&str]) -> Output {
    Command::new("tmux")
        .args(["-L", socket])
        .args(args)
        .output()
        .expect("tmux runs")
}

impl Session {
    /// The session's own `XDG_STATE_HOME` (logs, journal, drafts), removed with the session.
    fn state_dir(&self) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("{}-state", self.0))
    }

    fn capture(&self) -> String {
        let out = tmux(
            &self.0,
            &["capture-pane", "-p", "-J", "-S", "-200", "-t", &self.0],
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn keys(&self, literal: &str) {
        tmux(&self.0, &["send-keys", "-t", &self.0, "-l", literal]);
    }

    fn key(&self, name: &str) {
        tmux(&self.0, &["send-keys", "-t", &self.0, name]);
    }

    /// Sends a signal to the program running in the session's shell.
    fn signal_app(&self, signal: &str) {
        let shell = tmux(
            &self.0,
            &["display-message", "-p", "-t", &self.0, "#{pane_pid}"],
        );
        let shell = String::from_utf8_lossy(&shell.stdout).trim().to_string();
        let child = Command::new("pgrep")
            .args(["-P", &shell])
            .output()
            .expect("pgrep runs");
        let pid = String::from_utf8_lossy(&child.stdout).trim().to_string();
        assert!(!pid.is_empty(), "the app's process was not found");
        let killed = Command::new("kill").args([signal, &pid]).status();
        assert!(killed.is_ok_and(|st| st.success()));
    }

    /// Polls the screen until `want` holds, or fails with the screen as it was.
    fn wait_for(&self, what: &str, want: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let screen = self.capture();
            if want(&screen) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}; the screen was:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// A fresh tmux session running an interactive shell (with job control), `env` set.
fn start_shell(env: &[&str]) -> Session {
    let version = Command::new("tmux").arg("-V").output();
    assert!(
        version.is_ok_and(|o| o.status.success()),
        "tmux is required for this end-to-end test: install tmux (CI does)"
    );
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let name = format!("prospect-e2e-{}-{nanos}", std::process::id());
    // Logs, journal and drafts go to the session's own state dir, never the real home.
    let state = format!(
        "XDG_STATE_HOME={}",
        std::env::temp_dir().join(format!("{name}-state")).display()
    );
    let mut args = vec![
        "new-session",
        "-d",
        "-s",
        &name,
        "-x",
        "120",
        "-y",
        "35",
        "env",
        "PS1=$ ",
    ];
    args.push(&state);
    args.extend_from_slice(env);
    args.extend_from_slice(&["bash", "--norc", "--noprofile", "-i"]);
    let started = tmux(&name, &args);
    assert!(
        started.status.success(),
        "tmux new-session failed: {started:?}"
    );
    Session(name)
}

/// Runs `stty -a` in the shell and checks the terminal is back in its normal (cooked) mode.
fn assert_terminal_restored(s: &Session) {
    s.wait_for("the shell", |t| t.trim_end().ends_with('$'));
    s.keys("clear; stty -a; echo STTY''-DONE");
    s.key("Enter");
    let screen = s.wait_for("stty", |t| t.lines().any(|l| l.trim() == "STTY-DONE"));
    let words: Vec<&str> = screen.split_whitespace().collect();
    assert!(
        words.contains(&"icanon"),
        "canonical mode is off:\n{screen}"
    );
    assert!(words.contains(&"echo"), "echo is off:\n{screen}");
    assert!(
        !words.contains(&"-icanon") && !words.contains(&"-echo"),
        "{screen}"
    );
}

/// `prospect --demo` in a fresh shell, on its first page.
fn start_demo(env: &[&str]) -> Session {
    let s = start_shell(env);
    s.keys(&format!("{} --demo", env!("CARGO_BIN_EXE_prospect")));
    s.key("Enter");
    s.wait_for("the first page", |t| {
        t.contains("page 1 of") && t.contains("John James Doe")
    });
    s
}

#[test]
fn demo_in_tmux_browses_searches_looks_up_and_restores_the_terminal() {
    let s = start_demo(&[]);

    s.keys("/");
    s.keys("doe");
    s.key("Enter");
    s.wait_for("the search", |t| {
        t.contains("search \"doe\"") && t.contains("Doe")
    });

    s.keys(":");
    s.keys("CRM-0042");
    s.key("Enter");
    s.wait_for("the look-up", |t| {
        t.contains("External reference CRM-0042") && t.contains("john.doe@example.com")
    });

    s.keys("?");
    s.wait_for("the help", |t| {
        t.contains("help overlay") && t.contains("look up by id")
    });
    s.keys("?");
    s.wait_for("help to close", |t| !t.contains("help overlay"));

    s.keys("q"); // back from the detail
    s.keys("q"); // quit from the list
    assert_terminal_restored(&s);
}

#[test]
fn ctrl_z_suspends_fg_repaints_and_sigterm_restores_the_terminal() {
    let s = start_demo(&[]);

    s.key("C-z");
    s.wait_for("the job to stop", |t| t.contains("Stopped"));
    s.keys("fg");
    s.key("Enter");
    // The screen comes back by itself, without a key press.
    s.wait_for("the list after fg", |t| {
        t.contains("page 1 of") && t.contains("John James Doe")
    });
    s.keys("j");
    s.wait_for("the selection to move", |t| {
        t.lines().any(|l| l.contains("› Zoë O'Brien"))
    });

    s.signal_app("-TERM");
    assert_terminal_restored(&s);
}

#[test]
fn demo_in_tmux_edits_an_email_and_the_reload_shows_it() {
    let s = start_demo(&[]);
    let state = s.state_dir();
    s.keys(":");
    s.keys("CRM-0042");
    s.key("Enter");
    s.wait_for("John Doe", |t| t.contains("External reference CRM-0042"));
    s.keys("e");
    s.wait_for("the form", |t| t.contains("Edit John James Doe"));
    for _ in 0..3 {
        s.key("Tab");
    }
    // The textarea's keys: head of line, then delete to its end.
    s.key("C-a");
    s.key("C-k");
    s.keys("john.e2e@example.com");
    s.wait_for("the typed email", |t| t.contains("john.e2e@example.com"));
    s.key("C-s");
    s.wait_for("the review", |t| {
        t.contains("Review the change") && t.contains(r#"{"email":"john.e2e@example.com"}"#)
    });
    s.key("Enter");
    s.wait_for("the save", |t| t.contains("Saved email"));
    s.keys("r");
    s.wait_for("the reloaded record", |t| {
        t.contains("john.e2e@example.com") && !t.contains("Edit John")
    });
    // Written off the event loop: poll for it.
    let path = state.join("prospect/journal.jsonl");
    let deadline = Instant::now() + Duration::from_secs(30);
    let journal = loop {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if text.contains("john.e2e@example.com") || Instant::now() > deadline {
            break text;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(
        journal.contains("john.e2e@example.com"),
        "the journal is in the XDG state dir: {journal}"
    );
    s.keys("q");
    s.keys("q");
    s.wait_for("the shell", |t| t.trim_end().ends_with('$'));
}

#[test]
fn demo_in_tmux_hands_the_terminal_to_the_editor_and_back() {
    let s = start_demo(&["VISUAL=sed -i s/john.doe@/john.ed@/"]);
    s.keys(":");
    s.keys("CRM-0042");
    s.key("Enter");
    s.wait_for("John Doe", |t| t.contains("External reference CRM-0042"));
    s.keys("E");
    s.wait_for("the review", |t| {
        t.contains("Review the change") && t.contains(r#"{"email":"john.ed@example.com"}"#)
    });
    s.key("Enter");
    s.wait_for("the save", |t| t.contains("Saved email"));
    // The keyboard is ours again after the editor.
    s.keys("q");
    s.keys("q");
    s.wait_for("the shell", |t| t.trim_end().ends_with('$'));
}

#[test]
fn sighup_keeps_an_unsaved_form_as_a_draft_that_is_offered_back() {
    let s = start_demo(&[]);
    let state = s.state_dir();
    s.keys("e");
    s.wait_for("the form", |t| t.contains("Edit John James Doe"));
    s.key("C-e");
    s.keys("ny");
    s.wait_for("the typed name", |t| t.contains("Johnny"));
    s.signal_app("-HUP");
    assert_terminal_restored(&s);
    let drafts = state.join("prospect/drafts");
    let files: Vec<_> = std::fs::read_dir(&drafts)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    assert_eq!(files.len(), 1, "one draft in {}", drafts.display());

    // The next time that prospect is edited, the draft is offered back.
    s.keys(&format!("clear; {} --demo", env!("CARGO_BIN_EXE_prospect")));
    s.key("Enter");
    s.wait_for("the first page", |t| t.contains("John James Doe"));
    s.keys("e");
    s.wait_for("the draft offer", |t| t.contains("A draft from"));
    s.keys("r");
    s.wait_for("the restored draft", |t| {
        t.contains("Johnny") && t.contains("1 field changed")
    });
    s.key("Escape");
    s.wait_for("the discard question", |t| t.contains("Discard changes?"));
    s.keys("y");
    s.keys("q");
    s.wait_for("the shell", |t| t.trim_end().ends_with('$'));
}

#[test]
fn limit_sets_the_rows_per_page_of_the_tui() {
    let s = start_shell(&[]);
    s.keys(&format!(
        "{} --demo --limit 7",
        env!("CARGO_BIN_EXE_prospect")
    ));
    s.key("Enter");
    // 500 demo prospects at 7 a page.
    s.wait_for("pages of seven", |t| t.contains("page 1 of 72"));
    s.keys("q");
    assert_terminal_restored(&s);
}
