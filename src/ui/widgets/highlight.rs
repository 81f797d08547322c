//! Marking what a search matched: around a known byte span in the list,
//! and by pattern on any rendered line of the detail view.

use ratatui::text::{Line, Span};
use regex::bytes::Regex;

use crate::ui::bytes::{escaped, escaped_tail};
use crate::ui::theme;

/// Context shown before a match in a one-line preview.
const BEFORE: usize = 24;

/// One line: some context before the match, the match marked, then what
/// follows, all escaped; `max_width` bounds the whole, and no escape is
/// cut in half.
pub fn around(bytes: &[u8], start: usize, end: usize, max_width: usize) -> Vec<Span<'static>> {
    use unicode_width::UnicodeWidthStr;
    let start = start.min(bytes.len());
    let end = end.clamp(start, bytes.len());
    let window = start.saturating_sub(BEFORE * 4);
    let before = escaped_tail(&bytes[window..start], BEFORE.min(max_width / 3));
    let before = if window > 0 && !before.starts_with('…') && !before.is_empty() {
        format!("…{before}")
    } else {
        before
    };
    let left = max_width.saturating_sub(before.width());
    let matched = escaped(&bytes[start..end], left.max(1));
    let left = left.saturating_sub(matched.width());
    let mut spans = vec![Span::raw(before), Span::styled(matched, theme::matched())];
    if left > 0 && end < bytes.len() {
        spans.push(Span::raw(escaped(&bytes[end..], left)));
    }
    spans
}

/// Restyle every match of `re` in an already rendered line.
pub fn highlight_line(line: Line<'static>, re: &Regex) -> Line<'static> {
    let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
    let ranges: Vec<(usize, usize)> = re
        .find_iter(text.as_bytes())
        .filter(|m| m.start() < m.end())
        .map(|m| (m.start(), m.end()))
        .collect();
    if ranges.is_empty() {
        return line;
    }
    let mut out: Vec<Span<'static>> = vec![];
    let mut pos = 0usize;
    for span in line.spans {
        let content = span.content.as_ref();
        let (s0, s1) = (pos, pos + content.len());
        let mut cut = s0;
        for &(a, b) in &ranges {
            let (a, b) = (a.max(s0), b.min(s1));
            if a >= b {
                continue;
            }
            if let (Some(pre), Some(mid)) = (text.get(cut..a), text.get(a..b)) {
                if !pre.is_empty() {
                    out.push(Span::styled(pre.to_string(), span.style));
                }
                out.push(Span::styled(
                    mid.to_string(),
                    span.style.patch(theme::matched()),
                ));
                cut = b;
            }
        }
        if let Some(rest) = text.get(cut..s1) {
            if !rest.is_empty() {
                out.push(Span::styled(rest.to_string(), span.style));
            }
        }
        pos = s1;
    }
    Line::from(out).style(line.style)
}

#[cfg(test)]
/// Whether a span carries the match style (for tests).
pub fn is_marked(style: ratatui::style::Style) -> bool {
    style.bg == theme::matched().bg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_matches_across_spans() {
        let line = Line::from(vec![
            Span::styled("\"id\": ", theme::dim()),
            Span::raw("\"ORD-PLANTED-7731\","),
        ]);
        let re = Regex::new("PLANTED-\\d+").unwrap();
        let out = highlight_line(line, &re);
        let marked: String = out
            .spans
            .iter()
            .filter(|s| is_marked(s.style))
            .map(|s| s.content.as_ref())
            .collect();
        assert_eq!(marked, "PLANTED-7731");
        let all: String = out.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(all, "\"id\": \"ORD-PLANTED-7731\",");
    }

    #[test]
    fn preview_around_a_match_keeps_it_visible() {
        let mut v = vec![b'x'; 500];
        v.extend_from_slice(b"NEEDLE");
        v.extend_from_slice(b" tail");
        let spans = around(&v, 500, 506, 80);
        assert!(spans[0].content.starts_with('…'), "{:?}", spans[0].content);
        let width: usize = spans.iter().map(|s| s.width()).sum();
        assert!(width <= 80, "{width}");
        assert!(spans
            .iter()
            .any(|s| s.content == "NEEDLE" && is_marked(s.style)));
    }
}
