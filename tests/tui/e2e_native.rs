//! The real binary in a pseudo-terminal: the mouse (on by default, off with `--no-mouse`) and
//! `NO_COLOR` (no colour in any cell, unless `color = "always"`).

use crate::pty;

use pty::Spawn;

#[test]
fn the_mouse_is_on_by_default_clicks_work_and_it_is_given_back() {
    let t = Spawn::app(&["--demo"]).start();
    t.wait_for("the first page", |s| {
        s.contains("page 1 of") && s.contains("John James Doe")
    });
    t.with_screen(|s| {
        assert_ne!(s.mouse_protocol_mode(), vt100::MouseProtocolMode::None);
    });
    // An SGR click on the third row of the list (row 4 of the screen, 1-based), twice: opens it.
    let (row, name) = t.with_screen(|s| {
        let text = s.contents_between(3, 0, 3, 119);
        (
            4,
            text.trim_matches(['│', ' ', '›'])
                .split("  ")
                .next()
                .unwrap_or("")
                .to_string(),
        )
    });
    assert!(name.len() > 3, "a name on the row: {name:?}");
    t.send(&format!("\x1b[<0;10;{row}M\x1b[<0;10;{row}m"));
    t.send(&format!("\x1b[<0;10;{row}M\x1b[<0;10;{row}m"));
    t.wait_for("the clicked row opened", |s| {
        s.contains("External reference") && s.contains(&name)
    });
    t.send("q");
    t.send("q");
    t.wait_exit();
    t.with_screen(|s| assert_eq!(s.mouse_protocol_mode(), vt100::MouseProtocolMode::None));
    t.assert_terminal_restored();
}

#[test]
fn no_mouse_leaves_the_mouse_to_the_terminal() {
    let t = Spawn::app(&["--demo", "--no-mouse"]).start();
    t.wait_for("the first page", |s| s.contains("page 1 of"));
    t.with_screen(|s| assert_eq!(s.mouse_protocol_mode(), vt100::MouseProtocolMode::None));
}

#[test]
fn no_color_draws_no_colour_at_all() {
    let t = Spawn::app(&["--demo"]).env("NO_COLOR", "1").start();
    t.wait_for("the first page", |s| {
        s.contains("page 1 of") && s.contains("John James Doe")
    });
    t.with_screen(|s| {
        let (rows, cols) = s.size();
        let (rows, cols): (u16, u16) = (rows.into(), cols.into());
        for r in 0..rows {
            for c in 0..cols {
                let cell = s.cell(r, c).unwrap();
                assert_eq!(
                    (cell.fgcolor(), cell.bgcolor()),
                    (vt100::Color::Default, vt100::Color::Default),
                    "a colour at row {r} column {c}"
                );
            }
        }
        // The selection still shows: the marker, and reversed.
        assert!(s.contents().contains("› John James Doe"));
    });
    // Without NO_COLOR the same screen has colour: the check above can fail.
    let t = Spawn::app(&["--demo"]).start();
    t.wait_for("the first page", |s| s.contains("page 1 of"));
    t.with_screen(|s| {
        let (rows, cols) = s.size();
        let (rows, cols): (u16, u16) = (rows.into(), cols.into());
        let coloured = (0..rows)
            .flat_map(|r| (0..cols).map(move |c| (r, c)))
            .any(|(r, c)| s.cell(r, c).unwrap().fgcolor() != vt100::Color::Default);
        assert!(coloured);
    });
}

#[test]
fn color_always_colours_even_under_no_color() {
    let files = tempfile::tempdir().unwrap();
    let cfg = files.path().join("config.toml");
    std::fs::write(&cfg, "color = \"always\"\n").unwrap();
    let t = Spawn::app(&["--demo", "--config", cfg.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .start();
    t.wait_for("the first page", |s| {
        s.contains("page 1 of") && s.contains("John James Doe")
    });
    t.with_screen(|s| {
        let (rows, cols) = s.size();
        let (rows, cols): (u16, u16) = (rows.into(), cols.into());
        let coloured = (0..rows)
            .flat_map(|r| (0..cols).map(move |c| (r, c)))
            .any(|(r, c)| s.cell(r, c).unwrap().fgcolor() != vt100::Color::Default);
        assert!(coloured, "no colour under NO_COLOR with color = \"always\"");
    });
}
