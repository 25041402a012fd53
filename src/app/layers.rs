//! What is on screen, bottom to top — the one answer to "what is on top" that key handling,
//! drawing, the footer and the awaited answers all read (`State::top`).
//!
//! The main area shows a stack of screens (the list at the bottom; `!`, `F`, `%`, `P`, `H` push
//! theirs; `Esc` pops). Over it sit the overlays, in a fixed order: the form, a change-set
//! dialog, the help, a prompt, and the quit question last — so a question asked while the help
//! is open is seen and answered, and a record arriving while the help is open waits under it.

use super::screens::{Overlay, Screen, Top, View};
use super::state::{Focus, State};

impl State {
    /// The screen on top of the stack whose data is there, if any (the list otherwise).
    pub fn screen(&self) -> Option<Screen> {
        self.screens
            .iter()
            .rev()
            .copied()
            .find(|s| self.has_data(*s))
    }

    /// Whether `screen` is in the stack (on top or under another).
    pub fn showing(&self, screen: Screen) -> bool {
        self.screens.contains(&screen) && self.has_data(screen)
    }

    /// Puts `screen` on top of the stack (moving it there if it was under another).
    pub fn show(&mut self, screen: Screen) {
        self.screens.retain(|s| *s != screen);
        self.screens.push(screen);
    }

    /// Takes `screen` off the stack; what was under it shows again.
    pub fn hide(&mut self, screen: Screen) {
        self.screens.retain(|s| *s != screen);
    }

    fn has_data(&self, screen: Screen) -> bool {
        match screen {
            Screen::Problems => self.problems.is_some(),
            Screen::Filter => self.filter.is_some(),
            Screen::Facet => self.facet.is_some(),
            Screen::Pending => true,
            Screen::Journal => self.journal.is_some(),
        }
    }

    /// What the main area gives the keys to: a full screen (pending, journal) over anything,
    /// then a focused detail, then the screen on top, then the list.
    pub fn view(&self) -> View {
        match self.screen() {
            Some(s) if s.is_full() => View::Screen(s),
            _ if self.focus == Focus::Detail && self.detail.is_some() => View::Detail,
            Some(s) => View::Screen(s),
            None => View::List,
        }
    }

    /// The overlays on screen, bottom to top.
    pub fn overlays(&self) -> Vec<Overlay> {
        let mut out = Vec::new();
        if self.form.is_some() {
            out.push(Overlay::Form);
        }
        if let Some(context) = super::changes_flow::dialog_context(self) {
            out.push(Overlay::Dialog(context));
        }
        if self.help.open {
            out.push(Overlay::Help);
        }
        if self.prompt.is_some() {
            out.push(Overlay::Prompt);
        }
        if self.quit_asked {
            out.push(Overlay::Quit);
        }
        out
    }

    /// What has the keyboard: the topmost overlay, else the view.
    pub fn top(&self) -> Top {
        match self.overlays().last() {
            Some(o) => Top::Overlay(*o),
            None => Top::View(self.view()),
        }
    }
}
