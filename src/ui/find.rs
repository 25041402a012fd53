//! Highlights a search inside the detail or the help, and says which lines hold a match.

use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::app::State;
use crate::app::find::FindTarget;

/// The query to highlight in `target`, if a search is on there.
pub fn query_for(state: &State, target: FindTarget) -> Option<&str> {
    state
        .find
        .as_ref()
        .filter(|f| f.target == target && !f.query.is_empty())
        .map(|f| f.query.as_str())
}

/// `lines` with every match of `query` (ignoring case) highlighted, and the line of each
/// match, top to bottom. The current match (`current`, an index into those) is underlined
/// as well, so it shows without colour.
pub fn highlight(
    lines: Vec<Line<'static>>,
    query: &str,
    current: Option<usize>,
    style: Style,
) -> (Vec<Line<'static>>, Vec<u16>) {
    let needle: Vec<char> = query.chars().map(fold).collect();
    let mut found = Vec::new();
    let out = lines
        .into_iter()
        .enumerate()
        .map(|(row, line)| {
            let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
            let ranges = matches(&text, &needle);
            if ranges.is_empty() {
                return line;
            }
            let first = found.len();
            for _ in &ranges {
                found.push(u16::try_from(row).unwrap_or(u16::MAX));
            }
            let styled: Vec<(usize, usize, Style)> = ranges
                .into_iter()
                .enumerate()
                .map(|(k, (a, b))| {
                    let s = if current == Some(first + k) {
                        style.add_modifier(Modifier::UNDERLINED | Modifier::BOLD)
                    } else {
                        style
                    };
                    (a, b, s)
                })
                .collect();
            restyle(line, &styled)
        })
        .collect();
    (out, found)
}

fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// Byte ranges of the matches of `needle` (already folded) in `text`, not overlapping.
fn matches(text: &str, needle: &[char]) -> Vec<(usize, usize)> {
    if needle.is_empty() {
        return Vec::new();
    }
    let chars: Vec<(usize, char)> = text.char_indices().map(|(i, c)| (i, fold(c))).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i + needle.len() <= chars.len() {
        if chars[i..i + needle.len()]
            .iter()
            .zip(needle)
            .all(|((_, c), n)| c == n)
        {
            let end = chars.get(i + needle.len()).map_or(text.len(), |(b, _)| *b);
            out.push((chars[i].0, end));
            i += needle.len();
        } else {
            i += 1;
        }
    }
    out
}

/// The line with the byte ranges (of its whole text) given their own style on top.
fn restyle(line: Line<'static>, ranges: &[(usize, usize, Style)]) -> Line<'static> {
    let mut spans = Vec::new();
    let mut at = 0;
    for span in line.spans {
        let content = span.content.as_ref();
        let (start, end) = (at, at + content.len());
        let mut cut = start;
        for &(a, b, style) in ranges.iter().filter(|(a, b, _)| *a < end && *b > start) {
            let (a, b) = (a.max(start), b.min(end));
            if a > cut {
                spans.push(Span::styled(
                    content[cut - start..a - start].to_string(),
                    span.style,
                ));
            }
            spans.push(Span::styled(
                content[a - start..b - start].to_string(),
                span.style.patch(style),
            ));
            cut = b;
        }
        if cut < end {
            spans.push(Span::styled(content[cut - start..].to_string(), span.style));
        }
        at = end;
    }
    Line::from(spans).style(line.style)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_ignore_case_across_spans() {
        let lines = vec![
            Line::from(vec![Span::raw("Email "), Span::raw("john.DOE@example.com")]),
            Line::from("nothing here"),
            Line::from(vec![Span::raw("Do"), Span::raw("e and doe")]),
        ];
        let mark = Style::new().add_modifier(Modifier::REVERSED);
        let (out, found) = highlight(lines, "doe", Some(1), mark);
        assert_eq!(found, vec![0, 2, 2]);
        let marked = |l: &Line| -> Vec<String> {
            l.spans
                .iter()
                .filter(|s| s.style.add_modifier.contains(Modifier::REVERSED))
                .map(|s| s.content.to_string())
                .collect()
        };
        assert_eq!(marked(&out[0]), ["DOE"]);
        // A match split over two spans is highlighted in both parts.
        assert_eq!(marked(&out[2]), ["Do", "e", "doe"]);
        assert!(
            out[2].spans[0]
                .style
                .add_modifier
                .contains(Modifier::UNDERLINED)
        );
        assert_eq!(out[1], Line::from("nothing here"));
    }
}
