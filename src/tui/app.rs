//! `App`: the state, the terminal and the worker's channels, wired together.
//!
//! The real loop (`run`) and the headless test driver (`wait_for` on a `TestBackend`) share
//! `dispatch`, so the tests exercise the same path as the terminal.

use std::time::{Duration, Instant};

use crossterm::event::{Event, EventStream, KeyEvent};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::{Backend, TestBackend};
use ratatui::buffer::Buffer;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};
use tokio::task::JoinHandle;
use tokio::time::sleep_until;

use super::{TuiOptions, terminal, worker};
use crate::api::ApiClient;
use crate::app::{Effect, Msg, State, init, update};

/// How often the spinner turns and fades are checked while anything is going on.
const TICK: Duration = Duration::from_millis(100);

/// Where `y`/`Y` put text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clipboard {
    /// The terminal's clipboard, through OSC 52.
    Osc52,
    /// Kept in memory (tests).
    Memory(Vec<String>),
}

/// The running TUI.
pub struct App<B: Backend> {
    pub state: State,
    pub terminal: Terminal<B>,
    pub clipboard: Clipboard,
    effects: UnboundedSender<Effect>,
    msgs: UnboundedReceiver<Msg>,
    worker: JoinHandle<()>,
    started: Instant,
    next_tick: Option<Instant>,
    suspend: bool,
}

impl<B: Backend> App<B>
where
    B::Error: std::error::Error + Send + Sync + 'static,
{
    /// Starts the worker and asks for the first page. Must run inside a tokio runtime.
    pub fn new(
        client: ApiClient,
        opts: &TuiOptions,
        terminal: Terminal<B>,
        clipboard: Clipboard,
    ) -> color_eyre::Result<Self> {
        let (effects, effects_rx) = mpsc::unbounded_channel();
        let (msgs_tx, msgs) = mpsc::unbounded_channel();
        let worker = worker::spawn(client, effects_rx, msgs_tx);
        let mut state = State::new(&opts.profile, opts.accent, opts.read_only, opts.page_size);
        let size = terminal.size()?;
        state.size = (size.width, size.height);
        let mut app = App {
            state,
            terminal,
            clipboard,
            effects,
            msgs,
            worker,
            started: Instant::now(),
            next_tick: None,
            suspend: false,
        };
        let fx = init(&mut app.state);
        app.perform(fx);
        Ok(app)
    }

    /// Milliseconds since the app started (the clock `Msg::Tick` carries).
    pub fn now_ms(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// Runs one message through `update` and carries out the effects.
    pub fn dispatch(&mut self, msg: Msg) {
        let fx = update(&mut self.state, msg);
        self.perform(fx);
    }

    /// A key, with the time brought up to date first (debounce and fades count from it).
    pub fn key(&mut self, key: KeyEvent) {
        self.dispatch(Msg::Tick(self.now_ms()));
        self.dispatch(Msg::Key(key));
    }

    fn perform(&mut self, fx: Vec<Effect>) {
        for effect in fx {
            match effect {
                e if e.is_request() => {
                    // The worker only stops when the app is dropped.
                    let _ = self.effects.send(e);
                }
                Effect::ScheduleTick { after } => {
                    let at = Instant::now() + after;
                    self.next_tick = Some(self.next_tick.map_or(at, |t| t.min(at)));
                }
                Effect::CopyToClipboard(text) => match &mut self.clipboard {
                    Clipboard::Memory(v) => v.push(text),
                    Clipboard::Osc52 => {
                        if let Err(e) = terminal::copy_to_clipboard(&text) {
                            self.state.set_status(
                                crate::app::state::StatusKind::Error,
                                format!("Cannot copy: {e}"),
                            );
                        }
                    }
                },
                Effect::Suspend => self.suspend = true,
                _ => {}
            }
        }
    }

    /// Handles every message already waiting, without blocking.
    fn drain(&mut self) {
        while let Ok(msg) = self.msgs.try_recv() {
            self.dispatch(msg);
        }
    }

    /// A due one-shot tick, if any.
    fn take_due_tick(&mut self) -> bool {
        match self.next_tick {
            Some(t) if t <= Instant::now() => {
                self.next_tick = None;
                true
            }
            _ => false,
        }
    }

    /// Draws one frame.
    pub fn draw(&mut self) -> color_eyre::Result<()> {
        let state = &self.state;
        self.terminal.draw(|f| crate::ui::render(state, f))?;
        Ok(())
    }

    /// Sends a resize through `update` and re-lays out the terminal.
    pub fn resize(&mut self, width: u16, height: u16) {
        self.dispatch(Msg::Resize(width, height));
    }

    /// When the loop should wake up next without input.
    fn wake_at(&self) -> Option<Instant> {
        let periodic = self.state.wants_ticks().then(|| Instant::now() + TICK);
        match (periodic, self.next_tick) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

impl<B: Backend> Drop for App<B> {
    fn drop(&mut self) {
        self.worker.abort();
    }
}

impl App<ratatui::backend::CrosstermBackend<std::io::Stdout>> {
    /// The event loop: input first, then worker results and ticks; drains, then draws once.
    pub async fn run(&mut self) -> color_eyre::Result<()> {
        let mut events = EventStream::new();
        let mut term = signal(SignalKind::terminate())?;
        let mut hup = signal(SignalKind::hangup())?;
        self.draw()?;
        while !self.state.quit {
            let wake = self.wake_at();
            tokio::select! {
                biased;
                _ = term.recv() => break,
                _ = hup.recv() => break,
                event = events.next() => match event {
                    Some(Ok(event)) => self.on_event(event),
                    Some(Err(e)) => return Err(e.into()),
                    None => break,
                },
                Some(msg) = self.msgs.recv() => self.dispatch(msg),
                _ = sleep_until_opt(wake) => {}
            }
            // Everything else already queued, then one frame for the whole burst.
            // (Polled inside this task, not with `now_or_never`: the stream keeps the waker
            // it was last polled with, and a no-op waker would leave later keys unnoticed.)
            loop {
                tokio::select! {
                    biased;
                    event = events.next() => match event {
                        Some(Ok(event)) => self.on_event(event),
                        Some(Err(e)) => return Err(e.into()),
                        None => break,
                    },
                    () = std::future::ready(()) => break,
                }
            }
            self.drain();
            if self.take_due_tick() || self.state.wants_ticks() {
                self.dispatch(Msg::Tick(self.now_ms()));
            }
            if self.suspend {
                self.suspend = false;
                terminal::suspend(&mut self.terminal)?;
            }
            self.draw()?;
        }
        Ok(())
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::Key(key) => self.key(key),
            Event::Resize(w, h) => {
                let _ = self.terminal.autoresize();
                self.resize(w, h);
            }
            _ => {}
        }
    }
}

async fn sleep_until_opt(at: Option<Instant>) {
    match at {
        Some(at) => sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}

/// The text of a buffer, one line per row (wide characters once).
pub fn buffer_text(buf: &Buffer) -> String {
    let width = usize::from(buf.area.width.max(1));
    buf.content
        .chunks(width)
        .map(|row| row.iter().map(|c| c.symbol()).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
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
        if fresh.draw(|f| crate::ui::render(&self.state, f)).is_ok() {
            buf = fresh.backend().buffer().clone();
        }
        buffer_text(&buf)
    }

    /// Types each character of `text` as a key press.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyEvent::from(crossterm::event::KeyCode::Char(c)));
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
