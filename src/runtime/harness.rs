//! The one test harness for the whole app: a real sandbox on loopback, the real worker, the
//! real `update` and views on a `TestBackend`, driven by key presses.

use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use tokio::time::sleep_until;

use super::{App, Clipboard, TuiOptions};
use crate::api::{ApiClient, ClientConfig};
use crate::app::{Msg, State};
use crate::sandbox::{Sandbox, SandboxOptions};

/// Generous: the machine may be busy; polling returns as soon as the state is there.
pub const WAIT: Duration = Duration::from_secs(30);

/// The text of a buffer, one line per row (wide characters once).
pub fn buffer_text(buf: &Buffer) -> String {
    let width = usize::from(buf.area.width.max(1));
    buf.content
        .chunks(width)
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// `state` drawn at `size` as the runtime draws it: resized through `update`, and drawn again
/// after the view reported its viewport (so scroll positions are clamped as on screen).
pub fn frame(state: &State, (w, h): (u16, u16)) -> Terminal<TestBackend> {
    let mut state = state.clone();
    crate::app::update(&mut state, Msg::Resize(w, h));
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
    let mut viewport = crate::app::Viewport::default();
    t.draw(|f| viewport = crate::ui::render(&state, f))
        .expect("draw");
    if viewport != state.viewport {
        let redraw = viewport.reshapes(&state.viewport);
        crate::app::update(&mut state, Msg::Viewport(viewport));
        if redraw {
            t.draw(|f| {
                crate::ui::render(&state, f);
            })
            .expect("draw");
        }
    }
    t
}

/// The app on a sandbox, with a private state directory (journal, drafts).
pub struct Harness {
    pub sandbox: Sandbox,
    pub app: App<TestBackend>,
    pub dir: tempfile::TempDir,
}

/// How a harness starts; `Default` gives a 60-prospect sandbox at 100×30, 20 rows a page.
pub struct Setup {
    pub sandbox: SandboxOptions,
    pub size: (u16, u16),
    pub tui: TuiOptions,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            sandbox: SandboxOptions {
                count: 60,
                ..SandboxOptions::default()
            },
            size: (100, 30),
            tui: TuiOptions {
                profile: "sandbox".into(),
                page_size: 20,
                ..TuiOptions::default()
            },
        }
    }
}

impl Harness {
    /// Starts the sandbox (changed first by `prepare`) and the app on it; does not wait.
    pub async fn start(setup: Setup, prepare: impl FnOnce(&Sandbox)) -> Self {
        let sandbox = Sandbox::start(setup.sandbox)
            .await
            .expect("the sandbox starts");
        prepare(&sandbox);
        let config = ClientConfig::new(
            &sandbox.base_url(),
            sandbox.token(),
            sandbox.secret(),
            "sandbox",
        );
        let client = ApiClient::new(config).expect("a client");
        let dir = tempfile::tempdir().expect("a temporary state dir");
        let terminal =
            Terminal::new(TestBackend::new(setup.size.0, setup.size.1)).expect("a terminal");
        let mut opts = setup.tui;
        opts.state_dir
            .get_or_insert_with(|| dir.path().to_path_buf());
        let app =
            App::new(client, &opts, terminal, Clipboard::Memory(Vec::new())).expect("the app");
        Harness { sandbox, app, dir }
    }

    /// The app's state.
    pub fn state(&self) -> &State {
        &self.app.state
    }

    /// A key press.
    pub fn press(&mut self, code: KeyCode) {
        self.app.key(KeyEvent::from(code));
    }

    /// A left click at a column and row.
    pub fn click(&mut self, column: u16, row: u16) {
        self.mouse(MouseEventKind::Down(MouseButton::Left), column, row);
        self.mouse(MouseEventKind::Up(MouseButton::Left), column, row);
    }

    /// One turn of the wheel at a column and row.
    pub fn wheel(&mut self, column: u16, row: u16, down: bool) {
        let kind = if down {
            MouseEventKind::ScrollDown
        } else {
            MouseEventKind::ScrollUp
        };
        self.mouse(kind, column, row);
    }

    fn mouse(&mut self, kind: MouseEventKind, column: u16, row: u16) {
        self.app.mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        });
    }

    /// Where `text` is on the screen: (column, row) of its first character.
    pub fn find_on_screen(&self, text: &str) -> Option<(u16, u16)> {
        self.screen().lines().enumerate().find_map(|(y, line)| {
            let byte = line.find(text)?;
            let x = unicode_width::UnicodeWidthStr::width(&line[..byte]);
            Some((u16::try_from(x).ok()?, u16::try_from(y).ok()?))
        })
    }

    /// ctrl and a letter.
    pub fn ctrl(&mut self, c: char) {
        self.app
            .key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL));
    }

    /// Types each character of `text` as a key press.
    pub fn type_text(&mut self, text: &str) {
        self.app.type_text(text);
    }

    /// In the open field picker (`S`, `%`): moves to the field named `name` and picks it.
    pub fn pick_field(&mut self, name: &str) {
        let row = crate::patch::FieldPath::all()
            .iter()
            .position(|f| f.to_string() == name)
            .expect("a field the picker lists");
        for _ in 0..row {
            self.press(KeyCode::Char('j'));
        }
        self.press(KeyCode::Enter);
    }

    /// Replaces the text of the open prompt: clears it, then types `text`.
    pub fn retype_prompt(&mut self, text: &str) {
        self.ctrl('u');
        self.type_text(text);
    }

    /// Moves the form's focus to field `index` (of `FORM_FIELDS`).
    pub fn focus(&mut self, index: usize) {
        for _ in 0..64 {
            if self.app.state.form.as_ref().map(|f| f.focus) == Some(index) {
                return;
            }
            self.press(KeyCode::Tab);
        }
        panic!("field {index} never took the focus:\n{}", self.screen());
    }

    /// Focuses a form field and replaces its text (head of line, delete to its end, type).
    pub fn retype(&mut self, index: usize, text: &str) {
        self.focus(index);
        self.ctrl('a');
        self.ctrl('k');
        self.type_text(text);
    }

    /// Waits for the first page of the list.
    pub async fn first_page(&mut self) {
        self.until("the first page", |s, _| s.list.shown.is_some())
            .await;
    }

    /// `:` look-up of `text`, waiting until the detail shows a prospect.
    pub async fn look_up(&mut self, text: &str) {
        self.press(KeyCode::Char(':'));
        self.type_text(text);
        self.press(KeyCode::Enter);
        self.until("the looked-up prospect in the detail", |s, _| {
            s.detail.is_some()
        })
        .await;
    }

    /// The text in the open prompt, if one is open.
    pub fn prompt_text(&self) -> Option<String> {
        self.app
            .state
            .prompt
            .as_ref()
            .map(|p| p.input.text().to_string())
    }

    /// The screen as a terminal shows it.
    pub fn screen(&self) -> String {
        self.app.screen()
    }

    /// Runs the app until `done` holds for the state and the screen; panics with the screen
    /// after `WAIT`, naming `what` was awaited.
    pub async fn until(&mut self, what: &str, done: impl Fn(&State, &str) -> bool) {
        let held = self.app.wait_for(WAIT, done).await.expect("draws");
        assert!(held, "never saw {what}:\n{}", self.screen());
    }
}

impl App<TestBackend> {
    /// The screen as a terminal shows it: the state drawn on a fresh buffer of the same size.
    ///
    /// `TestBackend` keeps old cells hidden under a wide character (a real terminal clears
    /// them), and they would reappear in its buffer later; a fresh frame has no such history.
    pub fn screen(&self) -> String {
        let area = self.terminal.backend().buffer().area;
        let mut buf = Buffer::empty(area);
        let mut fresh = match Terminal::new(TestBackend::new(area.width, area.height)) {
            Ok(t) => t,
            Err(never) => match never {},
        };
        if fresh
            .draw(|f| {
                crate::ui::render(&self.state, f);
            })
            .is_ok()
        {
            buf = fresh.backend().buffer().clone();
        }
        buffer_text(&buf)
    }

    /// Types each character of `text` as a key press.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyEvent::from(KeyCode::Char(c)));
        }
    }

    /// Runs the loop (results, ticks, drawing) until `done` holds for the state and the
    /// screen, or `timeout` passes; returns whether it held.
    pub async fn wait_for(
        &mut self,
        timeout: Duration,
        done: impl Fn(&State, &str) -> bool,
    ) -> color_eyre::Result<bool> {
        let deadline = Instant::now() + timeout;
        loop {
            // No terminal to hand over here: the editor (a script in tests) just runs.
            self.run_pending_editor();
            self.drain();
            if self.take_due_tick() || self.state.wants_ticks() {
                self.dispatch(Msg::Tick(self.now_ms()));
            }
            self.draw()?;
            if done(&self.state, &self.screen()) {
                return Ok(true);
            }
            let now = Instant::now();
            if now >= deadline {
                return Ok(false);
            }
            let wake = self.wake_at().map_or(deadline, |w| w.min(deadline));
            tokio::select! {
                Some(msg) = self.msgs.recv() => self.dispatch(msg),
                _ = sleep_until(wake.into()) => {}
            }
        }
    }
}
