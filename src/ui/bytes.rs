//! Showing bytes from a message without ever handing the terminal a control
//! sequence, and without hiding a byte: text stays text, control characters
//! become visible escapes, invalid UTF-8 becomes \xNN.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::theme;

/// Escape one char if the terminal would act on it.
fn push_char(out: &mut String, c: char) {
    if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    } else {
        out.push(c);
    }
}

/// The bytes as one safe line: UTF-8 runs as text, anything else escaped.
/// Stops after `max_chars` characters of output, adding "…".
pub fn escaped(bytes: &[u8], max_chars: usize) -> String {
    let mut out = String::with_capacity(bytes.len().min(max_chars) + 8);
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            push_char(&mut out, c);
            if out.len() >= max_chars {
                out.push('…');
                return out;
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
        if out.len() >= max_chars {
            out.push('…');
            return out;
        }
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
