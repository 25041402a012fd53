//! A drawn frame as an SVG image, cell by cell with its colours: the README's screenshots are
//! made from the real views with this (see `screenshot_tests`).

use std::fmt::Write;

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

const CELL_W: f32 = 8.4;
const CELL_H: f32 = 18.0;
const BACKGROUND: &str = "#1d1f21";
const FOREGROUND: &str = "#d8d8d8";

/// A colour as the SVG writes it: exact colours as they are, named ones as a common dark
/// terminal palette shows them.
fn hex(c: Color, default: &str) -> String {
    let named = match c {
        Color::Reset => return default.to_string(),
        Color::Rgb(r, g, b) => return format!("#{r:02x}{g:02x}{b:02x}"),
        Color::Black => "#1d1f21",
        Color::Red => "#cc6666",
        Color::Green => "#b5bd68",
        Color::Yellow => "#f0c674",
        Color::Blue => "#81a2be",
        Color::Magenta => "#b294bb",
        Color::Cyan => "#8abeb7",
        Color::Gray => "#c5c8c6",
        Color::DarkGray => "#666666",
        Color::LightRed => "#ff7b7b",
        Color::LightGreen => "#cde678",
        Color::LightYellow => "#ffe08a",
        Color::LightBlue => "#a3c5e0",
        Color::LightMagenta => "#d4b6dc",
        Color::LightCyan => "#a8dcd4",
        Color::White => "#ffffff",
        Color::Indexed(_) => default,
    };
    named.to_string()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The buffer as an SVG document on a `background` page (`None`: a dark terminal's).
pub fn to_svg(buf: &Buffer, background: Option<&str>) -> String {
    let page = background.unwrap_or(BACKGROUND);
    let fg_default = if background.is_some() {
        "#1d1f21"
    } else {
        FOREGROUND
    };
    let (w, h) = (buf.area.width, buf.area.height);
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{:.0}" height="{:.0}" font-family="DejaVu Sans Mono, Menlo, Consolas, Noto Sans Mono CJK SC, monospace" font-size="14">"#,
        f32::from(w) * CELL_W,
        f32::from(h) * CELL_H
    );
    let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="{page}"/>"#);
    for y in 0..h {
        // Backgrounds as one rectangle per run of equal colour: cell-sized ones leave hairline
        // seams between them in most renderers.
        let mut run: Option<(u16, String)> = None;
        for x in 0..=w {
            let bg = (x < w).then(|| colours(&buf[(x, y)], fg_default, page).1);
            let same = matches!((&run, &bg), (Some((_, a)), Some(b)) if a == b);
            if same {
                continue;
            }
            if let Some((from, colour)) = run.take()
                && colour != page
            {
                let _ = writeln!(
                    out,
                    r#"<rect x="{:.1}" y="{:.1}" width="{:.1}" height="{CELL_H:.1}" fill="{colour}"/>"#,
                    f32::from(from) * CELL_W,
                    f32::from(y) * CELL_H,
                    f32::from(x - from) * CELL_W,
                );
            }
            run = bg.map(|b| (x, b));
        }
        for x in 0..w {
            let cell = &buf[(x, y)];
            let (fg, _) = colours(cell, fg_default, page);
            let symbol = cell.symbol();
            if symbol.trim().is_empty() {
                continue;
            }
            let (left, top) = (f32::from(x) * CELL_W, f32::from(y) * CELL_H);
            // Box drawing as lines: glyphs are shorter than a row and would leave the borders
            // dashed.
            if let Some(lines) = box_lines(symbol) {
                for (x1, y1, x2, y2, width) in lines {
                    let _ = writeln!(
                        out,
                        r#"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{fg}" stroke-width="{width}"/>"#,
                        left + x1 * CELL_W,
                        top + y1 * CELL_H,
                        left + x2 * CELL_W,
                        top + y2 * CELL_H,
                    );
                }
                continue;
            }
            let weight = if cell.modifier.contains(Modifier::BOLD) {
                r#" font-weight="bold""#
            } else {
                ""
            };
            let opacity = if cell.modifier.contains(Modifier::DIM) {
                r#" opacity="0.6""#
            } else {
                ""
            };
            let underline = if cell.modifier.contains(Modifier::UNDERLINED) {
                r#" text-decoration="underline""#
            } else {
                ""
            };
            let _ = writeln!(
                out,
                r#"<text x="{left:.1}" y="{:.1}" fill="{fg}"{weight}{opacity}{underline}>{}</text>"#,
                top + 14.0,
                escape(symbol)
            );
        }
    }
    out.push_str("</svg>\n");
    out
}

/// A cell's foreground and background, reversed when it says so.
fn colours(cell: &ratatui::buffer::Cell, fg_default: &str, page: &str) -> (String, String) {
    let (fg, bg) = (hex(cell.fg, fg_default), hex(cell.bg, page));
    if cell.modifier.contains(Modifier::REVERSED) {
        (bg, fg)
    } else {
        (fg, bg)
    }
}

/// A line in cell units: x1, y1, x2, y2 and its stroke width.
type Segment = (f32, f32, f32, f32, f32);

/// A box-drawing character as line segments in cell units (x1, y1, x2, y2, stroke width):
/// each arm runs from the cell's centre to its edge. `None` for any other symbol.
fn box_lines(symbol: &str) -> Option<Vec<Segment>> {
    // Arms: up, down, left, right; heavy lines are twice as wide.
    let (arms, width): ([bool; 4], f32) = match symbol {
        "─" => ([false, false, true, true], 1.0),
        "│" => ([true, true, false, false], 1.0),
        "┌" | "╭" => ([false, true, false, true], 1.0),
        "┐" | "╮" => ([false, true, true, false], 1.0),
        "└" | "╰" => ([true, false, false, true], 1.0),
        "┘" | "╯" => ([true, false, true, false], 1.0),
        "├" => ([true, true, false, true], 1.0),
        "┤" => ([true, true, true, false], 1.0),
        "┬" => ([false, true, true, true], 1.0),
        "┴" => ([true, false, true, true], 1.0),
        "┼" => ([true, true, true, true], 1.0),
        "━" => ([false, false, true, true], 2.0),
        "┃" => ([true, true, false, false], 2.0),
        "┏" => ([false, true, false, true], 2.0),
        "┓" => ([false, true, true, false], 2.0),
        "┗" => ([true, false, false, true], 2.0),
        "┛" => ([true, false, true, false], 2.0),
        _ => return None,
    };
    let [up, down, left, right] = arms;
    let mut lines = Vec::new();
    if up {
        lines.push((0.5, 0.0, 0.5, 0.5, width));
    }
    if down {
        lines.push((0.5, 0.5, 0.5, 1.0, width));
    }
    if left {
        lines.push((0.0, 0.5, 0.5, 0.5, width));
    }
    if right {
        lines.push((0.5, 0.5, 1.0, 0.5, width));
    }
    Some(lines)
}
