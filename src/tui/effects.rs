//! What the app asks the terminal side to do: clipboard and files.

use std::io::Write;
use std::path::PathBuf;

use base64::Engine;
use tokio::sync::mpsc;

use crate::app::{Effect, Status};

pub type Note = Status;

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
        // The loop does these itself.
        Effect::Redraw | Effect::SwitchProfile(_) | Effect::ListProfiles => {}
        Effect::Export {
            topic,
            messages,
            path,
        } => {
            let notes = notes.clone();
            tokio::task::spawn_blocking(move || {
                let r = export(&topic, &messages, &path, &notes);
                let note = match r {
                    Ok((n, path)) => {
                        Status::info(format!("exported {n} messages to {}", absolute(&path)))
                    }
                    Err(e) => Status::error(format!("export to {} failed: {e}", path.display())),
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

/// One JSON envelope per line, with progress notes every 5,000 messages,
/// into a new private file (`path`, or a numbered name next to it when it
/// is taken; nothing is overwritten). Returns the count and the path used.
pub fn export(
    topic: &str,
    messages: &[crate::model::Message],
    path: &std::path::Path,
    notes: &mpsc::Sender<Note>,
) -> std::io::Result<(usize, PathBuf)> {
    let (file, path) = crate::files::create_new_private(path)?;
    let mut out = std::io::BufWriter::new(file);
    for (i, m) in messages.iter().enumerate() {
        serde_json::to_writer(&mut out, &crate::envelope::to_json(topic, m))?;
        out.write_all(b"\n")?;
        if i % 5_000 == 4_999 {
            let done = i + 1;
            let bar = progress_bar(done, messages.len(), 20);
            let _ = notes.try_send(Status::info(format!(
                "exporting {bar} {done}/{}",
                messages.len()
            )));
        }
    }
    out.flush()?;
    Ok((messages.len(), path))
}

fn progress_bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width)
        .checked_div(total)
        .unwrap_or(width)
        .min(width);
    format!("[{}{}]", "█".repeat(filled), "░".repeat(width - filled))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Message, TimestampKind};

    #[test]
    fn export_re_parses_to_the_same_bytes() {
        let messages: Vec<Message> = (0..12_000)
            .map(|i| Message {
                partition: i % 3,
                offset: i64::from(i),
                timestamp: Some(1_700_000_000_000 + i64::from(i)),
                timestamp_kind: TimestampKind::Create,
                key: (i % 7 != 0).then(|| format!("k{i}").into_bytes()),
                value: match i % 4 {
                    0 => None,
                    1 => Some(vec![]),
                    2 => Some(vec![0xff, 0x1b, i as u8]),
                    _ => Some(format!("{{\"n\":{i}}}").into_bytes()),
                },
                headers: vec![("h".into(), Some(vec![i as u8, 0x80]))],
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        let (tx, mut rx) = mpsc::channel(16);
        assert_eq!(
            export("orders", &messages, &path, &tx).unwrap(),
            (12_000, path.clone())
        );
        let text = std::fs::read_to_string(&path).unwrap();
        let back: Vec<Message> = text
            .lines()
            .map(|l| {
                crate::envelope::from_json(&serde_json::from_str(l).unwrap())
                    .unwrap()
                    .1
            })
            .collect();
        assert_eq!(back, messages);
        // Progress was reported on the way.
        assert!(rx.try_recv().unwrap().text.starts_with("exporting ["));
    }
}
