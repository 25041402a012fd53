//! Where each pane goes, for any terminal size.

use ratatui::layout::{Constraint, Layout, Rect};

use crate::app::{Focus, State};

/// The screen's regions; an empty `Rect` means "not shown".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Areas {
    /// Everything above the status line (the help overlay's room).
    pub main: Rect,
    pub list: Rect,
    pub detail: Rect,
    /// The edit form and its dialogs (it takes the screen while open).
    pub form: Rect,
    pub status: Rect,
    pub footer: Rect,
}

/// The side-by-side detail pane's preferred minimum width.
const DETAIL_MIN_WIDTH: u16 = 58;
/// The narrowest the list gets beside the detail.
const LIST_MIN_WIDTH: u16 = 60;

/// Splits `area` for the current state: side by side when wide, one pane at a time when narrow.
pub fn areas(state: &State, area: Rect) -> Areas {
    let footer_h = u16::from(area.height >= 4);
    let status_h = u16::from(area.height >= 2);
    let [main, status, footer] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(status_h),
        Constraint::Length(footer_h),
    ])
    .areas(area);
    if state.form.is_some() {
        return Areas {
            main,
            form: main,
            status,
            footer,
            ..Areas::default()
        };
    }
    let (list, detail) = match (&state.detail, state.focus) {
        (None, _) => (main, Rect::default()),
        (Some(_), _) if state.is_wide() => {
            // 40% of the width, but room for a label and a whole UUID (58 columns) when the
            // list can spare it.
            let detail_w = (main.width * 2 / 5)
                .max(DETAIL_MIN_WIDTH)
                .min(main.width.saturating_sub(LIST_MIN_WIDTH));
            let [l, d] =
                Layout::horizontal([Constraint::Fill(1), Constraint::Length(detail_w)]).areas(main);
            (l, d)
        }
        (Some(_), Focus::Detail) => (Rect::default(), main),
        (Some(_), Focus::List) => (main, Rect::default()),
    };
    Areas {
        main,
        list,
        detail,
        form: Rect::default(),
        status,
        footer,
    }
}
