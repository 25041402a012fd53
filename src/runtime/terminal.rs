//! Terminal chores: restore on every exit path, ctrl-z, OSC 52.

use std::io::{self, BufWriter, Stdout, Write};

use base64::Engine;
use crossterm::cursor::{Hide, Show};
use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{Clear, ClearType, EnterAlternateScreen, enable_raw_mode};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

/// Room for a whole frame of a large terminal, escape sequences and all.
const FRAME_BYTES: usize = 256 * 1024;

/// The terminal the TUI draws on. Each frame leaves in one write: through `stdout` alone it
/// would go out in 1 KiB pieces, and the terminal would wake (and could paint) for each.
pub type Tty = Terminal<TtyBackend>;

/// The backend of [`Tty`].
pub type TtyBackend = CrosstermBackend<BufWriter<Stdout>>;

/// Raw mode, the alternate screen, and a panic hook that gives the terminal back first (as
/// `ratatui::init` does, with the one-write backend).
pub fn init() -> io::Result<Tty> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        ratatui::restore();
        hook(info);
    }));
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen)?;
    let out = BufWriter::with_capacity(FRAME_BYTES, io::stdout());
    Terminal::new(CrosstermBackend::new(out))
}

/// Restores the terminal when dropped, whichever way `run` ends.
pub struct RestoreGuard;

impl Drop for RestoreGuard {
    fn drop(&mut self) {
        let _ = execute!(io::stdout(), DisableMouseCapture);
        ratatui::restore();
        let _ = execute!(io::stdout(), Show);
    }
}

/// Asks the terminal for mouse events (clicks, the wheel), or stops asking.
pub fn capture_mouse(on: bool) -> io::Result<()> {
    if on {
        execute!(io::stdout(), EnableMouseCapture)
    } else {
        execute!(io::stdout(), DisableMouseCapture)
    }
}

/// ctrl-z: give the terminal back to the shell, stop, and take it again on `fg`.
pub fn suspend(terminal: &mut Tty, mouse: bool) -> io::Result<()> {
    capture_mouse(false)?;
    ratatui::restore();
    execute!(io::stdout(), Show)?;
    // Raw mode turned off ISIG, so the key did not stop us: stop ourselves.
    signal_hook::low_level::raise(signal_hook::consts::SIGTSTP)?;
    // Here after SIGCONT.
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen)?;
    capture_mouse(mouse)?;
    repaint(terminal)
}

/// Clears the screen and makes ratatui's next frame repaint every cell, from the size it
/// knows. Never `Terminal::clear`: it asks the terminal for the cursor position, and a late
/// answer (a slow terminal, or the event stream's reader swallowing it) is a fatal error
/// after 2 s. No path of the TUI may depend on the terminal answering a query in time.
fn repaint(terminal: &mut Tty) -> io::Result<()> {
    execute!(io::stdout(), Clear(ClearType::All), Hide)?;
    terminal.draw(|f| f.render_widget(ratatui::widgets::Clear, f.area()))?;
    Ok(())
}

/// Gives the terminal back to its normal mode for another program (`$EDITOR`).
pub fn release(_terminal: &mut Tty) -> io::Result<()> {
    capture_mouse(false)?;
    ratatui::restore();
    execute!(io::stdout(), Show)
}

/// Takes the terminal again after another program had it, and redraws everything.
pub fn take_back(terminal: &mut Tty, mouse: bool) -> io::Result<()> {
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen)?;
    capture_mouse(mouse)?;
    repaint(terminal)
}

/// The OSC 52 sequence that puts `text` on the clipboard.
pub fn osc52(text: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    format!("\x1b]52;c;{encoded}\x07")
}

/// Writes the OSC 52 sequence straight to the terminal.
pub fn copy_to_clipboard(text: &str) -> io::Result<()> {
    let mut out = io::stdout();
    out.write_all(osc52(text).as_bytes())?;
    out.flush()
}

#[cfg(test)]
mod tests {
    #[test]
    fn osc52_carries_base64_text() {
        assert_eq!(super::osc52("hi"), "\x1b]52;c;aGk=\x07");
    }
}
