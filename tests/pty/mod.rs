//! A pseudo-terminal harness for end-to-end tests: the real binary (or an interactive shell that
//! runs it, for job control) in a pty of a given size, its output read by a terminal emulator
//! (`vt100`), keys typed into it, and the terminal's state checked afterwards. Needs nothing but
//! the Rust toolchain (and `bash` for the shell mode).
//!
//! ```ignore
//! let t = pty::Spawn::app(&["--demo"]).size(35, 120).start();
//! t.wait_for("the first page", |s| s.contains("page 1 of"));
//! t.send("q");
//! assert!(t.wait_exit().success());
//! t.assert_terminal_restored();
//! ```
// Each test crate that includes this module uses only some of the helpers.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use base64::Engine;
use nix::sys::signal::{Signal, kill, killpg};
use nix::sys::termios::LocalFlags;
use nix::unistd::Pid;
use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};

/// How long `wait_for` and `wait_exit` wait: generous, for a loaded machine.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// The prompt of the shell started by `Spawn::shell`.
pub const PROMPT: &str = "e2e$ ";

/// The `prospect` binary cargo built for these tests.
pub fn prospect_bin() -> &'static str {
    env!("CARGO_BIN_EXE_prospect")
}

/// What to start in the pty, and how.
pub struct Spawn {
    argv: Vec<String>,
    shell: bool,
    rows: u16,
    cols: u16,
    env: Vec<(String, String)>,
    answer_queries: bool,
}

impl Spawn {
    /// The `prospect` binary itself with `args`.
    pub fn app(args: &[&str]) -> Spawn {
        let mut argv = vec![prospect_bin().to_string()];
        argv.extend(args.iter().map(|a| a.to_string()));
        Spawn::command(argv, false)
    }

    /// An interactive `bash` (job control: ctrl-z, `fg`) with the prompt `PROMPT`.
    pub fn shell() -> Spawn {
        let argv = ["bash", "--norc", "--noprofile", "-i"].map(String::from);
        Spawn::command(argv.to_vec(), true).env("PS1", PROMPT)
    }

    fn command(argv: Vec<String>, shell: bool) -> Spawn {
        Spawn {
            argv,
            shell,
            rows: 35,
            cols: 120,
            env: Vec::new(),
            answer_queries: true,
        }
    }

    /// The terminal's size (35 rows of 120 columns unless set).
    pub fn size(mut self, rows: u16, cols: u16) -> Spawn {
        self.rows = rows;
        self.cols = cols;
        self
    }

    /// Sets an environment variable (on top of the clean environment `start` makes).
    pub fn env(mut self, key: &str, value: &str) -> Spawn {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Whether the terminal answers queries (cursor position, device attributes); it does unless
    /// told not to, to test a program that must not depend on the answer.
    pub fn answer_queries(mut self, answer: bool) -> Spawn {
        self.answer_queries = answer;
        self
    }

    /// Starts it in a fresh pty, with its own home, `XDG_STATE_HOME` and `XDG_CONFIG_HOME` in a
    /// temporary directory (removed on drop) and `TERM=xterm-256color`.
    pub fn start(self) -> Term {
        let dir = tempfile::tempdir().unwrap();
        for sub in ["home", "state", "config"] {
            std::fs::create_dir(dir.path().join(sub)).unwrap();
        }
        let mut cmd = CommandBuilder::from_argv(self.argv.iter().map(Into::into).collect());
        cmd.env_clear();
        cmd.env("PATH", std::env::var_os("PATH").unwrap_or_default());
        cmd.env("HOME", dir.path().join("home"));
        cmd.env("XDG_STATE_HOME", dir.path().join("state"));
        cmd.env("XDG_CONFIG_HOME", dir.path().join("config"));
        cmd.env("TERM", "xterm-256color");
        cmd.env("LANG", "C.UTF-8");
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd.cwd(dir.path());

        let size = PtySize {
            rows: self.rows,
            cols: self.cols,
            pixel_width: 0,
            pixel_height: 0,
        };
        let pair = native_pty_system().openpty(size).unwrap();
        let child = pair.slave.spawn_command(cmd).unwrap();
        // Only the child holds the slave end now, so the reader sees EOF when it is gone.
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = Arc::new(Mutex::new(pair.master.take_writer().unwrap()));

        let responder = Responder {
            writer: Arc::clone(&writer),
            answer: self.answer_queries,
            queries: Vec::new(),
            clipboard: Vec::new(),
        };
        let parser = Arc::new(Mutex::new(vt100::Parser::new_with_callbacks(
            nonzero(self.rows),
            nonzero(self.cols),
            0,
            responder,
        )));
        let feed = Arc::clone(&parser);
        // Detached: it ends at EOF, once every process holding the slave end is gone.
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                lock(&feed).process(&buf[..n]);
            }
        });
        Term {
            shell: self.shell,
            parser,
            writer,
            master: Mutex::new(pair.master),
            child: Mutex::new(child),
            dir,
        }
    }
}

fn nonzero(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).expect("a terminal size is at least 1x1")
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panicking test thread must not hide the screen from the next look.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The terminal's side of the conversation: answers queries (or not) and keeps what the program
/// asked and what it put on the clipboard.
struct Responder {
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
    answer: bool,
    queries: Vec<String>,
    clipboard: Vec<String>,
}

impl Responder {
    fn reply(&self, text: &str) {
        if self.answer {
            let mut w = lock(&self.writer);
            let _ = w.write_all(text.as_bytes());
            let _ = w.flush();
        }
    }
}

impl vt100::Callbacks for Responder {
    fn unhandled_csi(
        &mut self,
        screen: &mut vt100::Screen,
        i1: Option<u8>,
        _i2: Option<u8>,
        params: &[&[u16]],
        c: char,
    ) {
        let first = params.first().and_then(|p| p.first()).copied().unwrap_or(0);
        match (i1, c, first) {
            // Device status report: the cursor position, 1-based.
            (None, 'n', 6) => {
                self.queries.push("cursor position (CSI 6n)".into());
                let (row, col) = screen.cursor_position();
                self.reply(&format!("\x1b[{};{}R", row + 1, col + 1));
            }
            // Primary device attributes: a VT100 with advanced video.
            (None, 'c', 0) => {
                self.queries.push("device attributes (CSI c)".into());
                self.reply("\x1b[?1;2c");
            }
            // Keyboard enhancement flags: left unanswered, as by a terminal without them.
            (Some(b'?'), 'u', _) => self.queries.push("keyboard flags (CSI ? u)".into()),
            _ => {}
        }
    }

    fn unhandled_osc(&mut self, _: &mut vt100::Screen, params: &[&[u8]]) {
        if params.last() == Some(&&b"?"[..]) {
            let code = String::from_utf8_lossy(params.first().copied().unwrap_or_default());
            self.queries.push(format!("OSC {code} ?"));
        }
    }

    fn copy_to_clipboard(&mut self, _: &mut vt100::Screen, _ty: &[u8], data: &[u8]) {
        let text = base64::engine::general_purpose::STANDARD
            .decode(data)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_else(|_| format!("<not base64: {}>", String::from_utf8_lossy(data)));
        self.clipboard.push(text);
    }
}

/// A running pty session; everything in it is killed, and its directory removed, on drop.
pub struct Term {
    shell: bool,
    parser: Arc<Mutex<vt100::Parser<Responder>>>,
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
    master: Mutex<Box<dyn MasterPty + Send>>,
    child: Mutex<Box<dyn Child + Send + Sync>>,
    dir: tempfile::TempDir,
}

impl Term {
    /// The screen's text, row by row.
    pub fn screen(&self) -> String {
        lock(&self.parser).screen().contents()
    }

    /// Looks at the emulator's screen state (modes, cursor, cells).
    pub fn with_screen<R>(&self, f: impl FnOnce(&vt100::Screen) -> R) -> R {
        f(lock(&self.parser).screen())
    }

    /// Types `text` as it is (no Enter).
    pub fn send(&self, text: &str) {
        self.send_bytes(text.as_bytes());
    }

    fn send_bytes(&self, bytes: &[u8]) {
        let mut w = lock(&self.writer);
        w.write_all(bytes).unwrap();
        w.flush().unwrap();
    }

    /// Presses a named key: `Enter`, `Escape`, `Tab`, `BTab`, `Backspace`, `Up`, `Down`,
    /// `Left`, `Right`, `Home`, `End`, `PageUp`, `PageDown`, or `C-a` … `C-z` (ctrl).
    /// After `Escape`, wait for the screen to change before typing on, or the two may be read
    /// together as alt-key.
    pub fn key(&self, name: &str) {
        let app_cursor = self.with_screen(|s| s.application_cursor());
        let arrow = |c: char| {
            if app_cursor {
                format!("\x1bO{c}")
            } else {
                format!("\x1b[{c}")
            }
        };
        let bytes = match name {
            "Enter" => "\r".to_string(),
            "Escape" | "Esc" => "\x1b".into(),
            "Tab" => "\t".into(),
            "BTab" => "\x1b[Z".into(),
            "Backspace" => "\x7f".into(),
            "Up" => arrow('A'),
            "Down" => arrow('B'),
            "Right" => arrow('C'),
            "Left" => arrow('D'),
            "Home" => arrow('H'),
            "End" => arrow('F'),
            "PageUp" => "\x1b[5~".into(),
            "PageDown" => "\x1b[6~".into(),
            _ => match name.strip_prefix("C-").map(|k| k.as_bytes()) {
                Some(&[c]) if c.is_ascii_alphabetic() => {
                    char::from(c.to_ascii_lowercase() & 0x1f).to_string()
                }
                _ => panic!("unknown key name {name:?}"),
            },
        };
        self.send(&bytes);
    }

    /// Polls the screen until `want` holds and returns it, or panics with the screen as it was
    /// after `DEADLINE`.
    pub fn wait_for(&self, what: &str, want: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let screen = self.screen();
            if want(&screen) {
                return screen;
            }
            if Instant::now() > deadline {
                panic!(
                    "timed out after {DEADLINE:?} waiting for {what}; the screen was:\n{screen}\n\
                     (alternate screen: {}, cursor hidden: {}, terminal queries: {:?})",
                    self.with_screen(|s| s.alternate_screen()),
                    self.with_screen(|s| s.hide_cursor()),
                    self.queries(),
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Polls until `want` holds for this terminal (e.g. its `clipboard()`), or panics with the
    /// screen after `DEADLINE`.
    pub fn until(&self, what: &str, want: impl Fn(&Term) -> bool) {
        let deadline = Instant::now() + DEADLINE;
        while !want(self) {
            assert!(
                Instant::now() < deadline,
                "timed out after {DEADLINE:?} waiting for {what}; the screen was:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Shell mode: waits until the shell shows an empty prompt on the cursor's row.
    pub fn wait_for_prompt(&self) {
        assert!(self.shell, "wait_for_prompt needs Spawn::shell");
        let deadline = Instant::now() + DEADLINE;
        loop {
            let line = self.with_screen(|s| {
                let (row, _) = s.cursor_position();
                let cols = s.size().1.get();
                s.contents_between(row, 0, row, cols)
            });
            if line.trim_end() == PROMPT.trim_end() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for the shell's prompt; the screen was:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Shell mode: waits for the prompt, then types `command` and Enter.
    pub fn run(&self, command: &str) {
        self.wait_for_prompt();
        self.send(command);
        self.key("Enter");
    }

    /// Shell mode: runs `prospect` with `args` (quoted for the shell) in the foreground.
    pub fn run_app(&self, args: &[&str]) {
        let mut line = shell_quote(prospect_bin());
        for a in args {
            line.push(' ');
            line.push_str(&shell_quote(a));
        }
        self.run(&line);
    }

    /// Resizes the terminal (the program gets SIGWINCH) and the emulator with it.
    pub fn resize(&self, rows: u16, cols: u16) {
        let size = PtySize {
            rows,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        };
        // The emulator first, and the reader held off meanwhile: output drawn for the new size
        // must never be read at the old one.
        let mut parser = lock(&self.parser);
        parser.set_size(nonzero(rows), nonzero(cols));
        lock(&self.master).resize(size).unwrap();
    }

    /// The process id of the program under test: the spawned one, or in shell mode the leader of
    /// the foreground job (the app the shell is running).
    pub fn app_pid(&self) -> i32 {
        let child = lock(&self.child).process_id().expect("the child has a pid") as i32;
        if !self.shell {
            return child;
        }
        let leader = lock(&self.master).process_group_leader();
        match leader {
            Some(pid) if pid != child => pid,
            _ => panic!(
                "no program runs in the foreground of the shell; the screen was:\n{}",
                self.screen()
            ),
        }
    }

    /// Sends `signal` to the program under test.
    pub fn signal_app(&self, signal: Signal) {
        kill(Pid::from_raw(self.app_pid()), signal).unwrap();
    }

    /// The queries the program sent the terminal so far, answered or not
    /// (e.g. "cursor position (CSI 6n)").
    pub fn queries(&self) -> Vec<String> {
        lock(&self.parser).callbacks().queries.clone()
    }

    /// The texts the program put on the clipboard with OSC 52, oldest first.
    pub fn clipboard(&self) -> Vec<String> {
        lock(&self.parser).callbacks().clipboard.clone()
    }

    /// The spawned process's exit status, waiting for it up to `DEADLINE`.
    pub fn wait_exit(&self) -> ExitStatus {
        let deadline = Instant::now() + DEADLINE;
        loop {
            if let Some(status) = lock(&self.child).try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for the process to exit; the screen was:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Whether the terminal is in canonical mode with echo (not raw): read from the pty, or
    /// with `stty -a` in shell mode (at its prompt the shell's line editor turns both off for
    /// itself, and restores the saved modes for the commands it runs).
    pub fn cooked(&self) -> bool {
        if self.shell {
            self.run("clear; stty -a; echo STTY''-DONE");
            let screen = self.wait_for("stty", |t| t.lines().any(|l| l.trim() == "STTY-DONE"));
            let words: Vec<&str> = screen.split_whitespace().collect();
            words.contains(&"icanon") && words.contains(&"echo")
        } else {
            let termios = lock(&self.master).get_termios().expect("the pty's modes");
            termios
                .local_flags
                .contains(LocalFlags::ICANON | LocalFlags::ECHO)
        }
    }

    /// Checks the terminal is back in its normal mode: the main screen, a visible cursor, and
    /// canonical mode with echo (see `cooked`).
    pub fn assert_terminal_restored(&self) {
        // The program's last bytes may still be on their way through the pty when it has
        // exited: wait for the screen to leave the alternate screen and show the cursor.
        let deadline = Instant::now() + DEADLINE;
        while Instant::now() < deadline
            && self.with_screen(|s| s.alternate_screen() || s.hide_cursor())
        {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(
            self.cooked(),
            "the terminal is still raw (no canonical mode or no echo):\n{}",
            self.screen()
        );
        let (alternate, hidden) = self.with_screen(|s| (s.alternate_screen(), s.hide_cursor()));
        assert!(
            !alternate,
            "still in the alternate screen:\n{}",
            self.screen()
        );
        assert!(!hidden, "the cursor is still hidden:\n{}", self.screen());
    }

    /// The `XDG_STATE_HOME` the program was given (logs, journal, drafts).
    pub fn state_dir(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    /// The `XDG_CONFIG_HOME` the program was given.
    pub fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    /// The session's temporary directory (also the working directory).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

/// Quotes `s` for the shell unless it is plainly safe.
fn shell_quote(s: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-=:,+@".contains(c);
    if !s.is_empty() && s.chars().all(plain) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        let mut child = lock(&self.child);
        let pid = child.process_id().map(|p| p as i32);
        // A job the shell runs sits in its own process group: kill it first.
        if let Some(leader) = lock(&self.master).process_group_leader()
            && Some(leader) != pid
        {
            let _ = killpg(Pid::from_raw(leader), Signal::SIGKILL);
        }
        // SIGHUP (a shell passes it on to its jobs, stopped ones too), then SIGKILL.
        let _ = child.kill();
        let _ = child.wait();
    }
}
