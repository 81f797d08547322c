//! Render a ratatui buffer as an SVG picture, for screenshots/ (generated
//! from the same fixtures the snapshot tests draw).

use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

const CELL_W: f32 = 8.4;
const CELL_H: f32 = 18.0;
const BG: &str = "#1e1f29";
const FG: &str = "#e6e6e6";

fn rgb(c: Color, default: &str) -> String {
    let s = match c {
        Color::Reset => return default.to_string(),
        Color::Black => "#000000",
        Color::Red => "#ff5555",
        Color::Green => "#50fa7b",
        Color::Yellow => "#f1fa8c",
        Color::Blue => "#3b5bdb",
        Color::Magenta => "#ff79c6",
        Color::Cyan => "#8be9fd",
        Color::Gray => "#bfbfbf",
        Color::DarkGray => "#7a7f99",
        Color::LightRed => "#ff6e6e",
        Color::LightGreen => "#69ff94",
        Color::LightYellow => "#ffffa5",
        Color::LightBlue => "#d6acff",
        Color::LightMagenta => "#ff92df",
        Color::LightCyan => "#a4ffff",
        Color::White => "#ffffff",
        Color::Rgb(r, g, b) => return format!("#{r:02x}{g:02x}{b:02x}"),
        Color::Indexed(i) => return format!("#{0:02x}{0:02x}{0:02x}", i),
    };
    s.to_string()
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

pub fn buffer_to_svg(buf: &Buffer) -> String {
    let area = buf.area;
    let (w, h) = (
        f32::from(area.width) * CELL_W,
        f32::from(area.height) * CELL_H,
    );
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\">\n\
         <rect width=\"100%\" height=\"100%\" fill=\"{BG}\"/>\n\
         <g font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"14\" xml:space=\"preserve\">\n"
    );
    for y in 0..area.height {
        let mut x = 0;
        while x < area.width {
            let cell = &buf[(area.x + x, area.y + y)];
            let style = (cell.fg, cell.bg, cell.modifier);
            let start = x;
            let mut text = String::new();
            while x < area.width {
                let c = &buf[(area.x + x, area.y + y)];
                if (c.fg, c.bg, c.modifier) != style {
                    break;
                }
                text.push_str(c.symbol());
                x += 1;
            }
            let (fg, bg, modifier) = style;
            let (px, py) = (f32::from(start) * CELL_W, f32::from(y) * CELL_H);
            if bg != Color::Reset {
                let width = f32::from(x - start) * CELL_W;
                out.push_str(&format!(
                    "<rect x=\"{px}\" y=\"{py}\" width=\"{width}\" height=\"{CELL_H}\" fill=\"{}\"/>\n",
                    rgb(bg, BG)
                ));
            }
            if !text.trim().is_empty() {
                let weight = if modifier.contains(Modifier::BOLD) {
                    " font-weight=\"bold\""
                } else {
                    ""
                };
                out.push_str(&format!(
                    "<text x=\"{px}\" y=\"{}\" fill=\"{}\"{weight} textLength=\"{}\">{}</text>\n",
                    py + CELL_H * 0.75,
                    rgb(fg, FG),
                    f32::from(x - start) * CELL_W,
                    escape(&text)
                ));
            }
        }
    }
    out.push_str("</g>\n</svg>\n");
    out
}
