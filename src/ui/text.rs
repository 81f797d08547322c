//! Text helpers: making strings from the cluster safe to print, and
//! formatting numbers and times.

use chrono::{DateTime, Local};

/// Replace control characters (ESC, BEL, NUL, CR...) and characters of
/// uncertain width with visible escapes so nothing from a broker can drive
/// the terminal or shift a column.
pub fn sanitize(s: &str) -> String {
    if !s.chars().any(super::bytes::needs_escape) {
        return s.to_string();
    }
    super::bytes::escaped(s.as_bytes(), usize::MAX)
}

/// A name from the cluster, safe and at most `width` columns ("…" when cut,
/// never inside an escape): for titles and cells whose width is known.
pub fn fit(s: &str, width: usize) -> String {
    super::bytes::escaped(s.as_bytes(), width)
}

/// JSON text for a terminal: serde_json leaves C1 controls, bidirectional
/// and other format characters as they are (valid JSON, but a terminal may
/// act on them); write those as \u escapes, which read back the same.
pub fn tty_safe_json(json: &str) -> std::borrow::Cow<'_, str> {
    if !json.chars().any(super::bytes::needs_escape) {
        return json.into();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if super::bytes::needs_escape(c) && !matches!(c, '\n') {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out.into()
}

/// Split a line into lines at most `width` columns wide, keeping styles,
/// and never cutting inside an escape (`\x1b`, `\u{200b}`, JSON's
/// `\u200b` and `\n`) or a wide character.
pub fn wrap_line(
    line: ratatui::text::Line<'static>,
    width: usize,
) -> Vec<ratatui::text::Line<'static>> {
    use ratatui::text::{Line, Span};
    use unicode_width::UnicodeWidthStr;
    let width = width.max(1);
    if line.width() <= width {
        return vec![line];
    }
    let mut out = vec![];
    let mut current: Vec<Span<'static>> = vec![];
    let mut used = 0;
    for span in line.spans {
        let mut piece = String::new();
        for atom in atoms(&span.content) {
            let w = atom.width();
            if used + w > width && used > 0 {
                if !piece.is_empty() {
                    current.push(Span::styled(std::mem::take(&mut piece), span.style));
                }
                out.push(Line::from(std::mem::take(&mut current)).style(line.style));
                used = 0;
            }
            piece.push_str(atom);
            used += w;
        }
        if !piece.is_empty() {
            current.push(Span::styled(piece, span.style));
        }
    }
    if !current.is_empty() {
        out.push(Line::from(current).style(line.style));
    }
    out
}

/// A string cut into what must stay together: an escape, or one char.
fn atoms(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        let mut chars = rest.char_indices();
        let (_, c) = chars.next()?;
        let len = if c == '\\' {
            let b = rest.as_bytes();
            let hex = |from: usize, n: usize| {
                b.len() >= from + n && b[from..from + n].iter().all(u8::is_ascii_hexdigit)
            };
            match b.get(1) {
                Some(b'x') if hex(2, 2) => 4,
                Some(b'u') if b.get(2) == Some(&b'{') => rest.find('}').map_or(1, |end| end + 1),
                Some(b'u') if hex(2, 4) => 6,
                Some(_) => 1 + rest[1..].chars().next().map_or(0, char::len_utf8),
                None => 1,
            }
        } else {
            c.len_utf8()
        };
        let (atom, tail) = rest.split_at(len.min(rest.len()));
        rest = tail;
        Some(atom)
    })
}

/// 1234567 -> "1,234,567".
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "3s", "4m", "2h" between two instants (never negative).
pub fn age(from: DateTime<Local>, to: DateTime<Local>) -> String {
    let secs = (to - from).num_seconds().max(0);
    match secs {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m", s / 60),
        s if s < 86_400 => format!("{}h", s / 3600),
        s => format!("{}d", s / 86_400),
    }
}

/// `width` cells filled in proportion to `done` of `total` (all of them
/// when there is nothing to do).
pub fn progress_bar(done: u64, total: u64, width: usize) -> String {
    let filled = if total == 0 {
        width
    } else {
        ((done as f64 / total as f64) * width as f64).round() as usize
    }
    .min(width);
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_escapes_every_control_char() {
        assert_eq!(sanitize("ok"), "ok");
        assert_eq!(sanitize("a\x1b[31mb\x07\0"), "a\\x1b[31mb\\x07\\x00");
        assert_eq!(sanitize("\u{9b}x"), "\\x9bx");
        assert_eq!(sanitize("l1\nl2"), "l1\\nl2");
    }

    #[test]
    fn json_for_a_terminal_escapes_what_serde_json_leaves() {
        let v = serde_json::json!({"v": "a\u{9b}[2J\u{202e}b\u{200d}\u{1f600}"});
        let text = v.to_string();
        let safe = tty_safe_json(&text);
        assert_eq!(safe, r#"{"v":"a\u009b[2J\u202eb\u200d😀"}"#);
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, v, "reads back the same");
    }

    #[test]
    fn wrapping_keeps_escapes_and_styles_whole() {
        use ratatui::text::{Line, Span};
        let line = Line::from(vec![
            Span::raw("ab\\x1bcd"),
            Span::styled("\\u{200b}中e\\u00ad", ratatui::style::Style::new().bold()),
        ]);
        let rows = wrap_line(line, 4);
        let text: Vec<String> = rows.iter().map(|l| l.to_string()).collect();
        assert_eq!(text, ["ab", "\\x1b", "cd", "\\u{200b}", "中e", "\\u00ad"]);
        assert!(rows.iter().all(|l| l.width() <= 4 || l.spans.len() == 1));
        assert!(rows[4].spans[0]
            .style
            .add_modifier
            .contains(ratatui::style::Modifier::BOLD));
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(-1234567), "-1,234,567");
    }
}

/// The last `width` values as a line of block characters showing their
/// trend: scaled between their minimum and maximum, a steady series is a
/// flat mid line, an all-zero series a flat baseline. (The number beside it
/// tells the size; the line tells the direction.)
pub fn sparkline(
    values: impl DoubleEndedIterator<Item = i64> + ExactSizeIterator,
    width: usize,
) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let skip = values.len().saturating_sub(width);
    let v: Vec<i64> = values.skip(skip).collect();
    let (min, max) = match (v.iter().min(), v.iter().max()) {
        (Some(a), Some(b)) => (*a, *b),
        _ => return String::new(),
    };
    v.iter()
        .map(|&x| {
            if max == min {
                if max == 0 {
                    BARS[0]
                } else {
                    BARS[3]
                }
            } else {
                BARS[(((x - min) as f64 / (max - min) as f64) * 7.0).round() as usize]
            }
        })
        .collect()
}

/// "1.2k/s", "35/s", "-" for a rate of messages per second.
pub fn rate(r: Option<f64>) -> String {
    match r {
        None => "-".into(),
        Some(r) if r >= 10_000.0 => format!("{:.0}k/s", r / 1000.0),
        Some(r) if r >= 1000.0 => format!("{:.1}k/s", r / 1000.0),
        Some(r) if r >= 10.0 => format!("{r:.0}/s"),
        Some(r) => format!("{r:.1}/s"),
    }
}

/// A duration in seconds as "45s", "12m", "3h5m".
pub fn duration(secs: f64) -> String {
    let s = secs.round() as i64;
    match s {
        s if s < 60 => format!("{s}s"),
        s if s < 3600 => format!("{}m{:02}s", s / 60, s % 60),
        s if s < 86_400 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        s => format!("{}d{:02}h", s / 86_400, (s % 86_400) / 3600),
    }
}

#[cfg(test)]
mod more_tests {
    use super::*;

    #[test]
    fn sparkline_scales_to_max_and_keeps_the_newest() {
        assert_eq!(sparkline([0, 5, 10].into_iter(), 10), "▁▅█");
        assert_eq!(sparkline([9, 0, 0, 0].into_iter(), 2), "▁▁");
        assert_eq!(sparkline([7, 7, 7].into_iter(), 5), "▄▄▄");
        assert_eq!(sparkline([100, 110].into_iter(), 5), "▁█");
    }

    #[test]
    fn rates_and_durations() {
        assert_eq!(rate(Some(12_345.0)), "12k/s");
        assert_eq!(rate(Some(3.25)), "3.2/s");
        assert_eq!(duration(75.0), "1m15s");
        assert_eq!(duration(7300.0), "2h01m");
    }
}
