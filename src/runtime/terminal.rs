//! Terminal chores: restore on every exit path, ctrl-z, OSC 52.

use std::io::{self, Write};

use base64::Engine;
use crossterm::cursor::{Hide, Show};
use crossterm::execute;
use crossterm::terminal::{Clear, ClearType, EnterAlternateScreen, enable_raw_mode};
use ratatui::DefaultTerminal;

/// Restores the terminal when dropped, whichever way `run` ends.
pub struct RestoreGuard;

impl Drop for RestoreGuard {
    fn drop(&mut self) {
        ratatui::restore();
        let _ = execute!(io::stdout(), Show);
    }
}

/// ctrl-z: give the terminal back to the shell, stop, and take it again on `fg`.
pub fn suspend(terminal: &mut DefaultTerminal) -> io::Result<()> {
    ratatui::restore();
    execute!(io::stdout(), Show)?;
    // Raw mode turned off ISIG, so the key did not stop us: stop ourselves.
    signal_hook::low_level::raise(signal_hook::consts::SIGTSTP)?;
    // Here after SIGCONT.
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen)?;
    repaint(terminal)
}

/// Clears the screen and makes ratatui's next frame repaint every cell, from the size it
/// knows. Never `Terminal::clear`: it asks the terminal for the cursor position, and a late
/// answer (a slow terminal, or the event stream's reader swallowing it) is a fatal error
/// after 2 s. No path of the TUI may depend on the terminal answering a query in time.
fn repaint(terminal: &mut DefaultTerminal) -> io::Result<()> {
    execute!(io::stdout(), Clear(ClearType::All), Hide)?;
    terminal.draw(|f| f.render_widget(ratatui::widgets::Clear, f.area()))?;
    Ok(())
}

/// Gives the terminal back to its normal mode for another program (`$EDITOR`).
pub fn release(_terminal: &mut DefaultTerminal) -> io::Result<()> {
    ratatui::restore();
    execute!(io::stdout(), Show)
}

/// Takes the terminal again after another program had it, and redraws everything.
pub fn take_back(terminal: &mut DefaultTerminal) -> io::Result<()> {
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen)?;
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
