//! The TUI in a pseudo-terminal that never answers a query (issue 11, points 8 and 10): the
//! session survives the `$EDITOR` hand-over without the cursor position, and a signal ends
//! it with the exit code a shell expects (143 after SIGTERM, 129 after SIGHUP).

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

const BIN: &str = env!("CARGO_BIN_EXE_prospect");
const DEADLINE: Duration = Duration::from_secs(30);

/// `prospect --demo` in an 80x24 pty whose terminal answers nothing: what the program writes
/// is fed to a vt100 screen, and every cursor-position query (CSI 6n) is counted.
struct Session {
    _master: Box<dyn MasterPty + Send>,
    child: Box<dyn Child + Send + Sync>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    queries: Arc<Mutex<usize>>,
    _home: tempfile::TempDir,
}

impl Session {
    fn start() -> Session {
        let home = tempfile::tempdir().unwrap();
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 24,
                cols: 80,
                pixel_width: 0,
                pixel_height: 0,
            })
            .unwrap();
        let mut cmd = CommandBuilder::new(BIN);
        cmd.arg("--demo");
        cmd.env_clear();
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
        cmd.env("HOME", home.path());
        cmd.env("XDG_CONFIG_HOME", home.path().join("config"));
        cmd.env("XDG_STATE_HOME", home.path().join("state"));
        cmd.env("TERM", "xterm-256color");
        // An editor that changes nothing: the hand-over and the return are what is tested.
        cmd.env("VISUAL", "true");
        cmd.env("EDITOR", "true");
        let child = pair.slave.spawn_command(cmd).unwrap();
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().unwrap();
        let writer = pair.master.take_writer().unwrap();
        let screen = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZeroU16::new(24).unwrap(),
            std::num::NonZeroU16::new(80).unwrap(),
            0,
        )));
        let queries = Arc::new(Mutex::new(0));
        let (s, q) = (screen.clone(), queries.clone());
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            let mut tail = Vec::new();
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                s.lock().unwrap().process(&buf[..n]);
                // Count queries across reads; never answer them.
                tail.extend_from_slice(&buf[..n]);
                *q.lock().unwrap() += tail.windows(4).filter(|w| w == b"\x1b[6n").count();
                let keep = tail.len().min(3);
                tail.drain(..tail.len() - keep);
            }
        });
        Session {
            _master: pair.master,
            child,
            writer,
            screen,
            queries,
            _home: home,
        }
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    fn wait_for(&mut self, text: &str) {
        let started = Instant::now();
        while started.elapsed() < DEADLINE {
            if self.contents().contains(text) {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "the session ended ({status:?}) before showing {text:?}:\n{}",
                    self.contents()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("{text:?} never showed:\n{}", self.contents());
    }

    fn press(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
    }

    fn exit_code(&mut self) -> u32 {
        let started = Instant::now();
        while started.elapsed() < DEADLINE {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.exit_code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("the session did not end:\n{}", self.contents());
    }

    fn signal(&mut self, name: &str) {
        let pid = self.child.process_id().expect("a pid");
        let sent = std::process::Command::new("kill")
            .args([&format!("-{name}"), &pid.to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
    }
}

#[test]
fn the_editor_hand_over_never_waits_for_the_cursor_position() {
    let mut s = Session::start();
    s.wait_for("john.doe@example.com");
    s.press("E");
    // Asking for the cursor here used to end the session 2 s later ("The cursor position
    // could not be read within a normal duration", exit 1) with this terminal.
    s.wait_for("No changes");
    s.wait_for("john.doe@example.com");
    assert_eq!(
        *s.queries.lock().unwrap(),
        0,
        "the terminal was asked for the cursor"
    );
    s.press("q");
    assert_eq!(s.exit_code(), 0, "{}", s.contents());
}

#[test]
fn sigterm_ends_the_session_with_143_and_sighup_with_129() {
    for (signal, code) in [("TERM", 143), ("HUP", 129)] {
        let mut s = Session::start();
        s.wait_for("john.doe@example.com");
        s.signal(signal);
        assert_eq!(s.exit_code(), code, "after SIG{signal}");
    }
}
