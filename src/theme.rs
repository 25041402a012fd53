//! Colours by role: the dark and light presets, the config's `[theme]` overrides, and whether
//! colour is used at all (`color`, `NO_COLOR`). Plain data: the views read it from the state.

use ratatui::style::Color;

/// What a colour is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Keys, titles, the focused border (a profile's `accent` takes its place).
    Accent,
    /// The background of the selected row.
    Selection,
    /// The text of the selected row.
    SelectionText,
    /// Errors and invalid fields.
    Error,
    /// Conflicts and dialogs that ask before losing something.
    Warning,
    /// Fields changed in the form.
    Changed,
    /// Success, and "yours" in a conflict.
    Success,
    /// Borders without the keyboard, secondary text.
    Muted,
    /// Field labels.
    Label,
    /// The background of the `READ-ONLY` / `PROD` badges.
    Badge,
    /// The text of the badges.
    BadgeText,
}

/// Every role with its name in `[theme]`, in the order `Theme` stores them.
pub const ROLES: [(Role, &str); 11] = [
    (Role::Accent, "accent"),
    (Role::Selection, "selection"),
    (Role::SelectionText, "selection_text"),
    (Role::Error, "error"),
    (Role::Warning, "warning"),
    (Role::Changed, "changed"),
    (Role::Success, "success"),
    (Role::Muted, "muted"),
    (Role::Label, "label"),
    (Role::Badge, "badge"),
    (Role::BadgeText, "badge_text"),
];

/// Whether colour is used: `color = "auto" | "always" | "never"` in the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorMode {
    /// Colour unless `NO_COLOR` is set and not empty (no-color.org).
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorMode {
    /// Reads `auto`, `always` or `never`.
    pub fn parse(s: &str) -> Option<ColorMode> {
        match s {
            "auto" => Some(ColorMode::Auto),
            "always" => Some(ColorMode::Always),
            "never" => Some(ColorMode::Never),
            _ => None,
        }
    }

    /// Whether to colour, given the value of `NO_COLOR`.
    pub fn use_color(self, no_color: Option<&str>) -> bool {
        match self {
            ColorMode::Always => true,
            ColorMode::Never => false,
            ColorMode::Auto => no_color.is_none_or(str::is_empty),
        }
    }
}

/// The colours of the TUI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    /// `false`: no colour at all (every mark has a text or symbol form anyway).
    pub colors: bool,
    palette: [Color; ROLES.len()],
}

impl Default for Theme {
    fn default() -> Self {
        Theme::dark()
    }
}

impl Theme {
    /// For dark terminals: the terminal's own named colours.
    pub fn dark() -> Theme {
        Theme {
            colors: true,
            palette: [
                Color::Cyan,
                Color::Cyan,
                Color::Black,
                Color::Red,
                Color::Yellow,
                Color::Yellow,
                Color::Green,
                Color::DarkGray,
                Color::Gray,
                Color::Red,
                Color::White,
            ],
        }
    }

    /// For light terminals: exact colours, each readable on white (WCAG AA, tested).
    pub fn light() -> Theme {
        Theme {
            colors: true,
            palette: [
                Color::Rgb(0x00, 0x5a, 0x8c),
                Color::Rgb(0x00, 0x5a, 0x8c),
                Color::Rgb(0xff, 0xff, 0xff),
                Color::Rgb(0xb0, 0x00, 0x20),
                Color::Rgb(0x8a, 0x4f, 0x00),
                Color::Rgb(0x80, 0x4a, 0x00),
                Color::Rgb(0x1b, 0x6e, 0x20),
                Color::Rgb(0x5f, 0x5f, 0x5f),
                Color::Rgb(0x3a, 0x3a, 0x3a),
                Color::Rgb(0xb0, 0x00, 0x20),
                Color::Rgb(0xff, 0xff, 0xff),
            ],
        }
    }

    /// A preset by name: `dark` or `light`.
    pub fn preset(name: &str) -> Option<Theme> {
        match name {
            "dark" => Some(Theme::dark()),
            "light" => Some(Theme::light()),
            _ => None,
        }
    }

    /// The colour of a role.
    pub fn get(&self, role: Role) -> Color {
        let i = ROLES.iter().position(|(r, _)| *r == role).unwrap_or(0);
        self.palette[i]
    }

    /// Changes the colour of a role.
    pub fn set(&mut self, role: Role, color: Color) {
        if let Some(i) = ROLES.iter().position(|(r, _)| *r == role) {
            self.palette[i] = color;
        }
    }
}

/// The role called `name` in `[theme]`.
pub fn role_named(name: &str) -> Option<Role> {
    ROLES.iter().find(|(_, n)| *n == name).map(|(r, _)| *r)
}

/// Reads a colour: a name (`red`, `lightblue`, `darkgray`, …), `#rrggbb`, or an index `0`-`255`.
pub fn parse_color(s: &str) -> Result<Color, String> {
    s.parse::<Color>()
        .map_err(|_| format!("`{s}` is not a colour (a name like `red`, or `#rrggbb`)"))
}

/// The WCAG contrast ratio of two exact colours (1 to 21); `None` for a colour the terminal
/// decides (a name).
pub fn contrast(a: Color, b: Color) -> Option<f64> {
    let (la, lb) = (luminance(a)?, luminance(b)?);
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    Some((hi + 0.05) / (lo + 0.05))
}

fn luminance(c: Color) -> Option<f64> {
    let Color::Rgb(r, g, b) = c else {
        return None;
    };
    let lin = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.039_28 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    Some(0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    const WHITE: Color = Color::Rgb(0xff, 0xff, 0xff);

    #[test]
    fn every_role_of_the_light_preset_is_readable_on_white() {
        let light = Theme::light();
        for (role, name) in ROLES {
            // Text roles sit on the background; the selection and badge texts on their own.
            let (fg, bg) = match role {
                Role::Selection | Role::Badge => continue,
                Role::SelectionText => (light.get(role), light.get(Role::Selection)),
                Role::BadgeText => (light.get(role), light.get(Role::Badge)),
                _ => (light.get(role), WHITE),
            };
            let ratio = contrast(fg, bg).expect("the light preset is exact");
            assert!(ratio >= 4.5, "{name}: contrast {ratio:.2} is under 4.5");
        }
        // The backgrounds of selection and badges stand out from the white page as well.
        for role in [Role::Selection, Role::Badge] {
            assert!(contrast(light.get(role), WHITE).unwrap() >= 4.5);
        }
    }

    #[test]
    fn contrast_is_the_wcag_ratio() {
        let black = Color::Rgb(0, 0, 0);
        assert!((contrast(black, WHITE).unwrap() - 21.0).abs() < 1e-9);
        assert!((contrast(WHITE, WHITE).unwrap() - 1.0).abs() < 1e-9);
        // #767676 is the classic lightest grey that passes AA on white.
        let grey = Color::Rgb(0x76, 0x76, 0x76);
        assert!((4.5..4.6).contains(&contrast(grey, WHITE).unwrap()));
        assert_eq!(contrast(Color::Red, WHITE), None);
    }

    #[test]
    fn no_color_set_and_not_empty_turns_colour_off() {
        assert!(ColorMode::Auto.use_color(None));
        assert!(ColorMode::Auto.use_color(Some("")));
        assert!(!ColorMode::Auto.use_color(Some("1")));
        assert!(ColorMode::Always.use_color(Some("1")));
        assert!(!ColorMode::Never.use_color(None));
    }

    #[test]
    fn colours_are_names_or_hex() {
        assert_eq!(parse_color("red"), Ok(Color::Red));
        assert_eq!(parse_color("#ff8800"), Ok(Color::Rgb(0xff, 0x88, 0x00)));
        assert!(
            parse_color("#ff88")
                .unwrap_err()
                .contains("is not a colour")
        );
    }
}
