//! The runtime: terminal set-up and restore, the event loop, and the worker that does the HTTP.

pub mod app;
mod batch_jobs;
pub mod editor;
mod explore;
pub mod files;
pub mod options;
pub mod terminal;
pub mod worker;

#[cfg(test)]
mod changes_tests;
#[cfg(test)]
mod form_tests;
#[cfg(test)]
pub(crate) mod harness;
#[cfg(test)]
mod scan_tests;
#[cfg(test)]
mod tests;

pub use app::{App, Clipboard, Prelude};
pub use options::TuiOptions;

use crate::api::ApiClient;

/// Runs the TUI on the real terminal until the user quits (or a signal ends it); the terminal
/// is always restored. Returns the exit code: 0, or 143/129 after SIGTERM/SIGHUP.
pub async fn run(client: ApiClient, opts: TuiOptions) -> color_eyre::Result<u8> {
    // main may have installed it already; a second install is refused, which is fine.
    let _ = color_eyre::install();
    // The first page is asked for before the terminal is set up: the answer is on its way
    // while the terminal is prepared and the empty frame drawn.
    let prelude = Prelude::start(client, &opts);
    // crossterm drops colour by itself under NO_COLOR; the theme has already decided
    // (`color = "always"` colours regardless), so crossterm is told to follow it.
    if opts.theme.colors {
        crossterm::style::force_color_output(true);
    }
    let terminal = terminal::init()?;
    let _restore = terminal::RestoreGuard;
    terminal::capture_mouse(opts.mouse)?;
    let mut app = App::started(prelude, &opts, terminal, Clipboard::Osc52)?;
    // ratatui's hook (restore the terminal) is already installed: ours keeps the unsaved
    // form as a draft first, then hands over to it.
    let slot = app.draft_slot();
    let dir = opts.state_dir.clone();
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        files::save_draft(&slot, dir.as_deref());
        previous(info);
    }));
    app.run().await
}
