//! Showing bytes from a message without ever handing the terminal a control
//! sequence, and without hiding a byte: text stays text, control characters
//! become visible escapes, invalid UTF-8 becomes \xNN.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::theme;

/// Whether a char must be shown as an escape: the terminal would act on
/// it (C0, DEL, C1 controls), or terminals and ratatui may disagree on its
/// width (zero-width and format characters: joiners, bidirectional
/// controls, soft hyphen, combining marks, variation selectors), or it
/// ends a line.
pub fn needs_escape(c: char) -> bool {
    use unicode_width::UnicodeWidthChar;
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}')
        // Format characters that unicode-width counts as one column but
        // many terminals draw as none (or the reverse).
        || matches!(c, '\u{ad}' | '\u{600}'..='\u{605}' | '\u{6dd}' | '\u{70f}'
            | '\u{890}'..='\u{891}' | '\u{8e2}' | '\u{110bd}' | '\u{110cd}'
            | '\u{fff9}'..='\u{fffb}')
        || c.width().is_none_or(|w| w == 0)
}

/// The visible form of one char: itself, or its escape.
fn piece(c: char, out: &mut String) {
    if !needs_escape(c) {
        out.push(c);
        return;
    }
    match c {
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
        c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
    }
}

/// The bytes as one safe line: UTF-8 runs as text, anything else escaped.
/// At most `max_width` columns wide: when it does not fit it ends with "…",
/// and an escape is never cut in half.
pub fn escaped(bytes: &[u8], max_width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let mut out = String::with_capacity(bytes.len().min(max_width.saturating_mul(4)) + 8);
    let mut used = 0usize;
    let mut one = String::new();
    // The last position where "…" still fits, to cut back to.
    let mut fits_ellipsis = 0usize;
    let pieces = bytes.utf8_chunks().flat_map(|chunk| {
        chunk
            .valid()
            .chars()
            .map(Ok)
            .chain(chunk.invalid().iter().map(|b| Err(*b)))
    });
    for p in pieces {
        one.clear();
        match p {
            Ok(c) => piece(c, &mut one),
            Err(b) => one.push_str(&format!("\\x{b:02x}")),
        }
        let w = one.width();
        if used + w > max_width {
            out.truncate(fits_ellipsis);
            out.push('…');
            return out;
        }
        out.push_str(&one);
        used += w;
        if used < max_width {
            fits_ellipsis = out.len();
        }
    }
    out
}

/// The end of the bytes, escaped, at most `max_width` columns: "…" first
/// when the start was left out; an escape is never cut in half.
pub fn escaped_tail(bytes: &[u8], max_width: usize) -> String {
    use unicode_width::UnicodeWidthStr;
    let pieces: Vec<String> = bytes
        .utf8_chunks()
        .flat_map(|chunk| {
            chunk
                .valid()
                .chars()
                .map(|c| {
                    let mut one = String::new();
                    piece(c, &mut one);
                    one
                })
                .chain(chunk.invalid().iter().map(|b| format!("\\x{b:02x}")))
                .collect::<Vec<_>>()
        })
        .collect();
    let total: usize = pieces.iter().map(|p| p.width()).sum();
    if total <= max_width {
        return pieces.concat();
    }
    let mut kept = vec![];
    let mut used = 1; // the "…"
    for p in pieces.iter().rev() {
        if used + p.width() > max_width {
            break;
        }
        used += p.width();
        kept.push(p.as_str());
    }
    kept.push("…");
    kept.reverse();
    kept.concat()
}

/// Bytes as hex pairs ("7b 22 61"), at most `max_width` columns.
pub fn hex_preview(bytes: &[u8], max_width: usize) -> String {
    let mut out = String::new();
    for (i, b) in bytes.iter().enumerate() {
        let need = if i == 0 { 2 } else { 3 };
        let more = i + 1 < bytes.len();
        if out.len() + need + usize::from(more) * 2 > max_width && more {
            out.push('…');
            return out;
        }
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// True when the bytes are UTF-8 text (control characters allowed: they
/// are escaped when shown).
pub fn is_text(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok()
}

/// Classic hex dump lines: offset, 16 bytes, printable ASCII.
pub fn hex_lines(bytes: &[u8]) -> Vec<String> {
    bytes
        .chunks(16)
        .enumerate()
        .map(|(i, row)| {
            let hex: Vec<String> = row.iter().map(|b| format!("{b:02x}")).collect();
            let ascii: String = row
                .iter()
                .map(|&b| {
                    if (0x20..0x7f).contains(&b) {
                        b as char
                    } else {
                        '.'
                    }
                })
                .collect();
            format!("{:08x}  {:<47}  |{ascii}|", i * 16, hex.join(" "))
        })
        .collect()
}

/// Read a hex dump made by `hex_lines` back into bytes (tests prove the
/// view loses nothing).
pub fn parse_hex_lines(lines: &[String]) -> Vec<u8> {
    lines
        .iter()
        .flat_map(|l| {
            l.get(10..57)
                .unwrap_or("")
                .split_whitespace()
                .filter_map(|h| u8::from_str_radix(h, 16).ok())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Pretty JSON, coloured: keys, strings, numbers, literals. None when the
/// bytes are not one JSON document.
pub fn json_lines(bytes: &[u8]) -> Option<Vec<Line<'static>>> {
    let v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    if !(v.is_object() || v.is_array()) {
        return None;
    }
    let pretty = serde_json::to_string_pretty(&v).ok()?;
    // Strings may hold C1, format and zero-width characters serde_json
    // leaves raw: written as \u escapes, the JSON stays the same JSON.
    let pretty = super::text::tty_safe_json(&pretty);
    Some(pretty.lines().map(highlight_json_line).collect())
}

fn highlight_json_line(line: &str) -> Line<'static> {
    let mut spans = Vec::new();
    let mut rest = line;
    let indent = rest.len() - rest.trim_start().len();
    spans.push(Span::raw(rest[..indent].to_string()));
    rest = &rest[indent..];
    while !rest.is_empty() {
        if rest.starts_with('"') {
            // serde_json escapes control characters inside strings, so the
            // pretty text is already safe; find the closing quote.
            let mut end = 1;
            let b = rest.as_bytes();
            while end < b.len() {
                if b[end] == b'\\' {
                    end += 2;
                    continue;
                }
                if b[end] == b'"' {
                    break;
                }
                end += 1;
            }
            let end = (end + 1).min(rest.len());
            let token = &rest[..end];
            let is_key = rest[end..].trim_start().starts_with(':');
            let style = if is_key { theme::key() } else { theme::ok() };
            spans.push(Span::styled(escaped(token.as_bytes(), usize::MAX), style));
            rest = &rest[end..];
        } else {
            let end = rest.find(['"']).unwrap_or(rest.len());
            let token = &rest[..end];
            let style = match token
                .trim()
                .trim_end_matches(',')
                .trim_end_matches(':')
                .trim()
            {
                "true" | "false" | "null" => theme::warn(),
                t if t.parse::<f64>().is_ok() => Style::new().fg(ratatui::style::Color::Magenta),
                _ => Style::new(),
            };
            spans.push(Span::styled(token.to_string(), style));
            rest = &rest[end..];
        }
    }
    Line::from(spans)
}

/// "1.2 MB", "830 B".
pub fn size(n: usize) -> String {
    match n {
        n if n >= 1 << 20 => format!("{:.1} MB", n as f64 / (1 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} kB", n as f64 / (1 << 10) as f64),
        n => format!("{n} B"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// Whatever the bytes and the width: never wider than asked, "…"
        /// when cut, and what is kept is whole escapes, from the start (or
        /// to the end, for the tail).
        #[test]
        fn previews_fit_their_width_and_never_split_an_escape(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..120),
            max in 1usize..60,
        ) {
            use unicode_width::UnicodeWidthStr;
            let full = escaped(&bytes, usize::MAX);
            let head = escaped(&bytes, max);
            proptest::prop_assert!(head.width() <= max, "{head:?} wider than {max}");
            let tail = escaped_tail(&bytes, max);
            proptest::prop_assert!(tail.width() <= max, "{tail:?} wider than {max}");
            let pieces: Vec<String> = bytes.utf8_chunks().flat_map(|c| {
                c.valid().chars().map(|ch| { let mut o = String::new(); piece(ch, &mut o); o })
                    .chain(c.invalid().iter().map(|b| format!("\\x{b:02x}")))
                    .collect::<Vec<_>>()
            }).collect();
            match head.strip_suffix('…') {
                Some(kept) if head != full => {
                    let n = (0..=pieces.len()).find(|n| pieces[..*n].concat() == kept);
                    proptest::prop_assert!(n.is_some(), "{kept:?} is not whole pieces of {full:?}");
                }
                _ => proptest::prop_assert_eq!(&head, &full),
            }
            match tail.strip_prefix('…') {
                Some(kept) if tail != full => {
                    let n = (0..=pieces.len()).find(|n| pieces[pieces.len() - n..].concat() == kept);
                    proptest::prop_assert!(n.is_some(), "{kept:?} is not whole pieces of {full:?}");
                }
                _ => proptest::prop_assert_eq!(&tail, &full),
            }
            for c in head.chars().chain(tail.chars()) {
                proptest::prop_assert!(c == '…' || !needs_escape(c), "{c:?} left raw");
            }
        }
    }

    #[test]
    fn escapes_controls_and_invalid_utf8_without_losing_bytes() {
        assert_eq!(escaped(b"plain", 100), "plain");
        assert_eq!(
            escaped(b"\x1b[31mred\x07\x00", 100),
            "\\x1b[31mred\\x07\\x00"
        );
        assert_eq!(escaped(b"ok\xff\xfeok", 100), "ok\\xff\\xfeok");
        assert_eq!(escaped("é\u{9b}".as_bytes(), 100), "é\\x9b");
        assert!(escaped(&[b'a'; 50], 10).ends_with('…'));
    }

    #[test]
    fn hex_round_trips() {
        let bytes: Vec<u8> = (0..=255).collect();
        assert_eq!(parse_hex_lines(&hex_lines(&bytes)), bytes);
    }

    #[test]
    fn json_is_pretty_and_safe() {
        let lines = json_lines(br#"{"a":"x\u001b[2J","n":1,"t":true}"#).unwrap();
        let text: String = lines
            .iter()
            .flat_map(|l| l.spans.iter().map(|s| s.content.to_string()))
            .collect();
        assert!(!text.contains('\x1b'));
        assert!(text.contains("\"n\": 1"));
        assert!(json_lines(b"42").is_none());
        assert!(json_lines(b"not json").is_none());
    }
}
