//! What the app asks the terminal side to do: clipboard and files.

use std::io::Write;
use std::path::PathBuf;

use base64::Engine;
use tokio::sync::mpsc;

use crate::app::{Effect, StatusLevel};

pub type Note = (StatusLevel, String);

pub fn run(effect: Effect, notes: &mpsc::Sender<Note>) {
    match effect {
        Effect::Copy(text) => {
            // OSC 52 asks the terminal (even over SSH) to set the clipboard.
            let seq = format!(
                "\x1b]52;c;{}\x07",
                base64::engine::general_purpose::STANDARD.encode(text)
            );
            let mut out = std::io::stdout();
            let _ = out.write_all(seq.as_bytes()).and_then(|_| out.flush());
        }
        Effect::Export { topic, messages } => {
            let safe: String = topic
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            let path = PathBuf::from(format!(
                "creel-{safe}-{}.jsonl",
                chrono::Local::now().format("%Y%m%d-%H%M%S")
            ));
            let notes = notes.clone();
            tokio::task::spawn_blocking(move || {
                let r = export(&topic, &messages, &path, &notes);
                let note = match r {
                    Ok(n) => (
                        StatusLevel::Info,
                        format!("exported {n} messages to {}", absolute(&path)),
                    ),
                    Err(e) => (
                        StatusLevel::Error,
                        format!("export to {} failed: {e}", path.display()),
                    ),
                };
                let _ = notes.blocking_send(note);
            });
        }
    }
}

fn absolute(p: &std::path::Path) -> String {
    std::fs::canonicalize(p)
        .unwrap_or_else(|_| p.to_path_buf())
        .display()
        .to_string()
}

/// One JSON envelope per line, with progress notes every 5,000 messages.
pub fn export(
    topic: &str,
    messages: &[crate::model::Message],
    path: &std::path::Path,
    notes: &mpsc::Sender<Note>,
) -> std::io::Result<usize> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for (i, m) in messages.iter().enumerate() {
        serde_json::to_writer(&mut out, &crate::envelope::to_json(topic, m))?;
        out.write_all(b"\n")?;
        if i % 5_000 == 4_999 {
            let done = i + 1;
            let bar = progress_bar(done, messages.len(), 20);
            let _ = notes.try_send((
                StatusLevel::Info,
                format!("exporting {bar} {done}/{}", messages.len()),
            ));
        }
    }
    out.flush()?;
    Ok(messages.len())
}

fn progress_bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width)
        .checked_div(total)
        .unwrap_or(width)
        .min(width);
    format!("[{}{}]", "█".repeat(filled), "░".repeat(width - filled))
}
