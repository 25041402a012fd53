//! What the runtime is told at start: the profile, its looks, where local files go.

use std::path::PathBuf;

use ratatui::style::Color;

use crate::app::keys::KeyMap;
use crate::theme::Theme;

/// How the TUI looks and behaves for one profile.
#[derive(Debug, Clone, PartialEq)]
pub struct TuiOptions {
    /// Shown in the title, in the accent colour.
    pub profile: String,
    pub accent: Option<Color>,
    /// Marked in the title; editing is refused.
    pub read_only: bool,
    /// Rows per page (1..=100).
    pub page_size: u64,
    /// Where the change journal and crash drafts are kept (`None`: not kept).
    pub state_dir: Option<PathBuf>,
    /// The editor command for `E`; `None` uses `$VISUAL`, `$EDITOR`, then `vi`.
    pub editor: Option<String>,
    /// Shown in the status line at start (e.g. a config file readable by others).
    pub warnings: Vec<String>,
    /// The effective keys (the defaults changed by the config's `[keys]`).
    pub keys: KeyMap,
    /// The colours by role, and whether to colour at all.
    pub theme: Theme,
    /// Whether clicks and the wheel work (`mouse = false`, `--no-mouse` turn it off).
    pub mouse: bool,
    /// Requests a scan, a plan or a batch keeps in flight, 1 to 16 (config `concurrency`).
    pub concurrency: usize,
    /// How national phone numbers are read (config `default_region`).
    pub region: Option<crate::patch::phone::Region>,
}

impl Default for TuiOptions {
    fn default() -> Self {
        TuiOptions {
            profile: "default".into(),
            accent: None,
            read_only: false,
            page_size: 50,
            state_dir: None,
            editor: None,
            warnings: Vec::new(),
            keys: KeyMap::default(),
            theme: Theme::default(),
            mouse: true,
            concurrency: crate::scan::engine::DEFAULT_CONCURRENCY,
            region: None,
        }
    }
}
