//! `App`: the state, the terminal and the worker's channels, wired together.
//!
//! The real loop (`run`) and the headless test harness (`runtime::harness`) share `dispatch`
//! and `draw`, so the tests exercise the same path as the terminal.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crossterm::event::{Event, EventStream, KeyEvent, MouseEvent};
use futures::StreamExt;
use ratatui::Terminal;
use ratatui::backend::Backend;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};
use tokio::task::JoinHandle;
use tokio::time::sleep_until;

use super::editor;
use super::files::{self, DraftSlot};
use super::options::TuiOptions;
use super::terminal;
use super::worker::{self, Job};
use crate::api::ApiClient;
use crate::app::{Effect, Local, Msg, State, Viewport, init, update};
use crate::edit::draft;

/// How often the spinner turns and fades are checked while anything is going on.
const TICK: Duration = Duration::from_millis(100);
/// After the first page is drawn, what it asked for in the background (the next page) waits
/// this long, or until a key or click: the terminal gets the processor to paint the whole
/// screen, and nobody pages on before reading.
const FIRST_PAINT: Duration = Duration::from_millis(50);

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
    jobs: UnboundedSender<Job>,
    pub(super) msgs: UnboundedReceiver<Msg>,
    /// For answers the runtime gives itself (drafts, the editor), handled like the worker's.
    own_msgs: UnboundedSender<Msg>,
    state_dir: Option<PathBuf>,
    editor: Option<String>,
    draft: DraftSlot,
    /// A document waiting to be handed to the editor: (prospect id, text).
    pending_editor: Option<(String, String)>,
    worker: JoinHandle<()>,
    started: Instant,
    next_tick: Option<Instant>,
    suspend: bool,
    /// `Local::Quit` was asked for: the loop ends.
    quit: bool,
    /// Whether the terminal is asked for mouse events.
    mouse: bool,
    /// Prompt-history saves asked for, and the number of the last one written.
    history_saves: u64,
    history_written: Arc<Mutex<u64>>,
    /// The same for the staged change set.
    staged_saves: u64,
    staged_written: Arc<Mutex<u64>>,
    /// In the real loop, jobs wait here until the frame is drawn: a prefetch never competes
    /// with drawing the page that asked for it (the first page shows sooner). `None`: sent
    /// at once (the test harness).
    pub(super) held_jobs: Option<Vec<Job>>,
    /// Until when held jobs stay held after the first page was drawn (see `FIRST_PAINT`).
    hold_until: Option<Instant>,
    /// Whether a frame showed a page yet.
    page_painted: bool,
}

/// What can start before the terminal is set up: the worker, the state and the first
/// request, so the first page is on its way while the terminal is prepared.
pub struct Prelude {
    state: State,
    jobs: UnboundedSender<Job>,
    msgs: UnboundedReceiver<Msg>,
    own_msgs: UnboundedSender<Msg>,
    worker: JoinHandle<()>,
    /// Effects other than requests, carried out once the app exists.
    deferred: Vec<Effect>,
}

impl Prelude {
    /// Starts the worker and sends the first requests. Must run inside a tokio runtime.
    pub fn start(client: ApiClient, opts: &TuiOptions) -> Self {
        let (jobs, jobs_rx) = mpsc::unbounded_channel();
        let (msgs_tx, msgs) = mpsc::unbounded_channel();
        let own_msgs = msgs_tx.clone();
        let setup = worker::Setup {
            concurrency: opts.concurrency,
            journal: opts.state_dir.as_deref().map(crate::edit::journal::path_in),
            region: opts.region,
        };
        let worker = worker::spawn(client, setup, jobs_rx, msgs_tx);
        let mut state = State::new(&opts.profile, opts.accent, opts.read_only, opts.page_size);
        state.concurrency = opts.concurrency.clamp(1, 16);
        state.region = opts.region;
        state.keys = Arc::new(opts.keys.clone());
        state.theme = Arc::new(opts.theme.clone());
        // Requests go now; the rest waits for the app.
        let mut deferred = Vec::new();
        let start = |fx: Vec<Effect>, deferred: &mut Vec<Effect>| {
            for effect in fx {
                match effect {
                    Effect::Api(call) => {
                        let _ = jobs.send(Job::Start(call));
                    }
                    other => deferred.push(other),
                }
            }
        };
        // The first page first: the files below are read while it is on its way.
        start(init(&mut state), &mut deferred);
        // Small and read once, before the first frame.
        let mut warnings = opts.warnings.clone();
        let mut staged = None;
        if let Some(dir) = &opts.state_dir {
            match crate::edit::history::load(dir, &opts.profile) {
                Ok(h) => state.history = h,
                Err(e) => warnings.push(format!(
                    "the prompt history could not be read ({e}); it starts afresh"
                )),
            }
            match files::load_staged(dir, &opts.profile) {
                Ok(set) => staged = set,
                Err(e) => warnings.push(format!(
                    "the staged changes of the last session could not be read ({e})"
                )),
            }
        }
        let mut fx = update(&mut state, Msg::Warnings(warnings));
        if let Some(set) = staged {
            fx.extend(update(&mut state, Msg::StagedFound(set)));
        }
        start(fx, &mut deferred);
        Prelude {
            state,
            jobs,
            msgs,
            own_msgs,
            worker,
            deferred,
        }
    }
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
        Self::started(Prelude::start(client, opts), opts, terminal, clipboard)
    }

    /// The app around a [`Prelude`] whose first request is already on its way.
    pub fn started(
        prelude: Prelude,
        opts: &TuiOptions,
        terminal: Terminal<B>,
        clipboard: Clipboard,
    ) -> color_eyre::Result<Self> {
        let Prelude {
            mut state,
            jobs,
            msgs,
            own_msgs,
            worker,
            deferred,
        } = prelude;
        let size = terminal.size()?;
        state.size = (size.width, size.height);
        let mut app = App {
            state,
            terminal,
            clipboard,
            jobs,
            msgs,
            own_msgs,
            state_dir: opts.state_dir.clone(),
            editor: opts.editor.clone(),
            draft: Arc::new(Mutex::new(None)),
            pending_editor: None,
            worker,
            started: Instant::now(),
            next_tick: None,
            suspend: false,
            quit: false,
            mouse: opts.mouse,
            history_saves: 0,
            history_written: Arc::new(Mutex::new(0)),
            staged_saves: 0,
            staged_written: Arc::new(Mutex::new(0)),
            held_jobs: None,
            hold_until: None,
            page_painted: false,
        };
        app.perform(deferred);
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
        // Kept current for the panic hook and the signal path.
        let current = crate::app::form_flow::current_draft(&self.state);
        match self.draft.lock() {
            Ok(mut slot) => *slot = current,
            Err(poisoned) => *poisoned.into_inner() = current,
        }
    }

    /// The slot holding the form's unsaved content (for a panic hook).
    pub fn draft_slot(&self) -> DraftSlot {
        self.draft.clone()
    }

    /// Writes the unsaved form, if any, as a draft (SIGTERM/SIGHUP).
    pub fn save_draft(&self) -> Option<PathBuf> {
        files::save_draft(&self.draft, self.state_dir.as_deref())
    }

    /// Whether the app asked to quit.
    pub fn quitting(&self) -> bool {
        self.quit
    }

    /// Runs the editor on the pending document, if any, and queues its answer. Blocks until
    /// the editor exits; the caller hands the terminal over first.
    pub(super) fn run_pending_editor(&mut self) {
        let Some((id, text)) = self.pending_editor.take() else {
            return;
        };
        let command = editor::editor_command(self.editor.as_deref());
        let run = || editor::run_editor(&command, &text);
        let result = match tokio::runtime::Handle::try_current().map(|h| h.runtime_flavor()) {
            Ok(tokio::runtime::RuntimeFlavor::MultiThread) => tokio::task::block_in_place(run),
            _ => run(),
        };
        let _ = self.own_msgs.send(Msg::EditorClosed { id, result });
    }

    /// A mouse event, with the time brought up to date first (a double click counts from it).
    pub fn mouse(&mut self, ev: MouseEvent) {
        // The user acts: nothing waits for the first paint any longer.
        self.hold_until = None;
        self.dispatch(Msg::Tick(self.now_ms()));
        self.dispatch(Msg::Mouse(ev));
    }

    /// A key, with the time brought up to date first (debounce and fades count from it).
    pub fn key(&mut self, key: KeyEvent) {
        self.hold_until = None;
        self.dispatch(Msg::Tick(self.now_ms()));
        self.dispatch(Msg::Key(key));
    }

    fn perform(&mut self, fx: Vec<Effect>) {
        for effect in fx {
            match effect {
                // The worker only stops when the app is dropped.
                Effect::Api(call) => self.send_job(Job::Start(call)),
                Effect::Cancel(req) => self.send_job(Job::Cancel(req)),
                Effect::Local(local) => self.perform_local(local),
            }
        }
    }

    /// Sends a job to the worker, or holds it until the frame is drawn (see `held_jobs`).
    fn send_job(&mut self, job: Job) {
        match &mut self.held_jobs {
            Some(held) => held.push(job),
            None => {
                let _ = self.jobs.send(job);
            }
        }
    }

    /// After a frame: the jobs held while it was drawn go, unless it is the first to show a
    /// page; then they wait for `FIRST_PAINT` (or a key, or a click).
    pub(super) fn frame_drawn(&mut self) {
        if !self.page_painted && self.state.list.shown.is_some() {
            self.page_painted = true;
            self.hold_until = Some(Instant::now() + FIRST_PAINT);
        }
        self.release_jobs();
    }

    /// Sends the jobs held while the frame was drawn, in order; not yet in the pause after
    /// the first page.
    fn release_jobs(&mut self) {
        if self.hold_until.is_some_and(|t| Instant::now() < t) {
            return;
        }
        self.hold_until = None;
        for job in self
            .held_jobs
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
        {
            let _ = self.jobs.send(job);
        }
    }

    /// Local work; a failure comes back into `update` as a message.
    fn perform_local(&mut self, local: Local) {
        match local {
            Local::ScheduleTick { after } => {
                let at = Instant::now() + after;
                self.next_tick = Some(self.next_tick.map_or(at, |t| t.min(at)));
            }
            Local::CopyToClipboard(text) => match &mut self.clipboard {
                Clipboard::Memory(v) => v.push(text),
                Clipboard::Osc52 => {
                    if let Err(e) = terminal::copy_to_clipboard(&text) {
                        let _ = self
                            .own_msgs
                            .send(Msg::LocalFailed(format!("Cannot copy: {e}")));
                    }
                }
            },
            Local::Suspend => self.suspend = true,
            Local::Quit => self.quit = true,
            // File work runs on the blocking pool, never on the event loop (the journal syncs
            // to disk); failures come back as messages.
            Local::AppendJournal(entry) => {
                let Some(dir) = self.state_dir.clone() else {
                    return;
                };
                let tell = self.own_msgs.clone();
                tokio::task::spawn_blocking(move || {
                    if let Err(e) = files::append_journal(&dir, entry) {
                        let _ = tell.send(Msg::LocalFailed(format!(
                            "Saved, but not journaled: {}",
                            crate::batch::journaling::failure_text(
                                &crate::edit::journal::path_in(&dir),
                                &e
                            )
                        )));
                    }
                });
            }
            Local::LoadDraft { id } => {
                let Some(dir) = self.state_dir.clone() else {
                    // No state dir, no drafts: say so, since `E` waits for the answer.
                    let _ = self.own_msgs.send(Msg::DraftLoaded {
                        id,
                        result: Ok(None),
                    });
                    return;
                };
                let profile = self.state.profile.clone();
                let tell = self.own_msgs.clone();
                tokio::task::spawn_blocking(move || {
                    let result =
                        draft::load(&draft::dir_in(&dir), &profile, &id).map_err(|e| e.to_string());
                    let _ = tell.send(Msg::DraftLoaded { id, result });
                });
            }
            Local::DiscardDraft { id } => {
                let Some(dir) = self.state_dir.clone() else {
                    return;
                };
                let profile = self.state.profile.clone();
                let tell = self.own_msgs.clone();
                tokio::task::spawn_blocking(move || {
                    if let Err(e) = draft::discard(&draft::dir_in(&dir), &profile, &id) {
                        let _ = tell.send(Msg::LocalFailed(format!(
                            "Cannot remove the saved draft: {e}"
                        )));
                    }
                });
            }
            Local::OpenEditor { id, text } => self.pending_editor = Some((id, text)),
            Local::SaveHistory(history) => {
                let Some(dir) = self.state_dir.clone() else {
                    return;
                };
                let profile = self.state.profile.clone();
                let tell = self.own_msgs.clone();
                self.history_saves += 1;
                in_order(self.history_saves, &self.history_written, move || {
                    if let Err(e) = crate::edit::history::save(&dir, &profile, &history) {
                        let _ = tell.send(Msg::LocalFailed(format!(
                            "Cannot keep the prompt history: {e}"
                        )));
                    }
                });
            }
            Local::SaveStaged(set) => {
                let Some(dir) = self.state_dir.clone() else {
                    return;
                };
                let tell = self.own_msgs.clone();
                self.staged_saves += 1;
                in_order(self.staged_saves, &self.staged_written, move || {
                    if let Err(e) = files::save_staged(&dir, &set) {
                        let _ = tell.send(Msg::LocalFailed(format!(
                            "Cannot keep the staged changes on disk: {e}"
                        )));
                    }
                });
            }
            Local::LoadJournal => {
                let tell = self.own_msgs.clone();
                let Some(dir) = self.state_dir.clone() else {
                    let _ = tell.send(Msg::JournalLoaded(Ok(Vec::new())));
                    return;
                };
                tokio::task::spawn_blocking(move || {
                    let result = files::read_journal(&dir).map_err(|e| e.to_string());
                    let _ = tell.send(Msg::JournalLoaded(result));
                });
            }
        }
    }

    /// Handles every message already waiting, without blocking.
    pub(super) fn drain(&mut self) {
        while let Ok(msg) = self.msgs.try_recv() {
            self.dispatch(msg);
        }
    }

    /// A due one-shot tick, if any.
    pub(super) fn take_due_tick(&mut self) -> bool {
        match self.next_tick {
            Some(t) if t <= Instant::now() => {
                self.next_tick = None;
                true
            }
            _ => false,
        }
    }

    /// Draws one frame, and tells `update` what it laid out when that changed (then draws
    /// again, since a scroll position may have been clamped).
    pub fn draw(&mut self) -> color_eyre::Result<()> {
        let viewport = self.render()?;
        if viewport != self.state.viewport {
            // A second frame only when the first may be out of date; a page that moved the
            // list's rows on screen (the first page, say) is drawn once.
            let redraw = viewport.reshapes(&self.state.viewport);
            self.dispatch(Msg::Viewport(viewport));
            if redraw {
                self.render()?;
            }
        }
        Ok(())
    }

    fn render(&mut self) -> color_eyre::Result<Viewport> {
        let state = &self.state;
        let mut viewport = Viewport::default();
        self.terminal
            .draw(|f| viewport = crate::ui::render(state, f))?;
        Ok(viewport)
    }

    /// Sends a resize through `update` and re-lays out the terminal.
    pub fn resize(&mut self, width: u16, height: u16) {
        self.dispatch(Msg::Resize(width, height));
    }

    /// When the loop should wake up next without input.
    pub(super) fn wake_at(&self) -> Option<Instant> {
        let periodic = self.state.wants_ticks().then(|| Instant::now() + TICK);
        match (periodic, self.next_tick) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

/// The exit code after SIGTERM: 128 + 15.
pub const EXIT_SIGTERM: u8 = 143;
/// The exit code after SIGHUP: 128 + 1.
pub const EXIT_SIGHUP: u8 = 129;

impl<B: Backend> Drop for App<B> {
    fn drop(&mut self) {
        self.worker.abort();
    }
}

impl App<terminal::TtyBackend> {
    /// The event loop: input first, then worker results and ticks; drains, then draws once.
    /// Returns the exit code: 0 after a quit, 128 + the signal after SIGTERM (143) or SIGHUP
    /// (129), as a shell reports a process those signals ended, so scripts can tell.
    pub async fn run(&mut self) -> color_eyre::Result<u8> {
        let mut events = EventStream::new();
        let mut term = signal(SignalKind::terminate())?;
        let mut hup = signal(SignalKind::hangup())?;
        self.held_jobs = Some(Vec::new());
        self.draw()?;
        self.release_jobs();
        while !self.quit {
            let wake = self.wake_at();
            tokio::select! {
                biased;
                _ = sleep_until_opt(self.hold_until) => {}
                _ = term.recv() => {
                    self.save_draft();
                    return Ok(EXIT_SIGTERM);
                }
                _ = hup.recv() => {
                    self.save_draft();
                    return Ok(EXIT_SIGHUP);
                }
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
                self.release_jobs();
                self.suspend = false;
                terminal::suspend(&mut self.terminal, self.mouse)?;
            }
            if self.pending_editor.is_some() {
                self.release_jobs();
                // The editor gets the terminal and the keyboard: no stream may read stdin.
                drop(events);
                terminal::release(&mut self.terminal)?;
                self.run_pending_editor();
                terminal::take_back(&mut self.terminal, self.mouse)?;
                events = EventStream::new();
                self.drain();
            }
            self.draw()?;
            self.frame_drawn();
        }
        Ok(0)
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::Key(key) => self.key(key),
            Event::Mouse(ev) => self.mouse(ev),
            Event::Resize(w, h) => {
                let _ = self.terminal.autoresize();
                self.resize(w, h);
            }
            _ => {}
        }
    }
}

/// Runs a whole-file save on the blocking pool. Saves may finish out of order: each carries
/// its number, and one older than the last written is dropped, never written over it.
fn in_order(number: u64, written: &Arc<Mutex<u64>>, save: impl FnOnce() + Send + 'static) {
    let written = written.clone();
    tokio::task::spawn_blocking(move || {
        let mut last = match written.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        if *last > number {
            return;
        }
        *last = number;
        save();
    });
}

async fn sleep_until_opt(at: Option<Instant>) {
    match at {
        Some(at) => sleep_until(at.into()).await,
        None => std::future::pending().await,
    }
}
