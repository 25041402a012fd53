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
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{:.0}" height="{:.0}" font-family="DejaVu Sans Mono, Menlo, Consolas, monospace" font-size="14">"#,
        f32::from(w) * CELL_W,
        f32::from(h) * CELL_H
    );
    let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="{page}"/>"#);
    for y in 0..h {
        for x in 0..w {
            let cell = &buf[(x, y)];
            let reversed = cell.modifier.contains(Modifier::REVERSED);
            let (mut fg, mut bg) = (hex(cell.fg, fg_default), hex(cell.bg, page));
            if reversed {
                std::mem::swap(&mut fg, &mut bg);
            }
            if bg != page {
                let _ = writeln!(
                    out,
                    r#"<rect x="{:.1}" y="{:.1}" width="{CELL_W:.1}" height="{CELL_H:.1}" fill="{bg}"/>"#,
                    f32::from(x) * CELL_W,
                    f32::from(y) * CELL_H
                );
            }
            let symbol = cell.symbol();
            if symbol.trim().is_empty() {
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
                r#"<text x="{:.1}" y="{:.1}" fill="{fg}"{weight}{opacity}{underline}>{}</text>"#,
                f32::from(x) * CELL_W,
                f32::from(y) * CELL_H + 14.0,
                escape(symbol)
            );
        }
    }
    out.push_str("</svg>\n");
    out
}
