//! What the app asks the terminal side to do: clipboard and files.

use std::io::Write;
use std::path::PathBuf;

use base64::Engine;
use tokio::sync::mpsc;

use std::sync::Arc;

use crate::app::{Effect, Status};
use crate::schema::{Decoders, Part};

pub type Note = Status;

/// An export still writing its file: quit waits for it, since the file is
/// what the user asked for and the messages are gone from memory after.
/// The task ends with the line that says how it went.
pub struct PendingExport {
    pub path: PathBuf,
    pub handle: tokio::task::JoinHandle<String>,
}

/// `decoders`: the registry's, so that exports carry the decoded form
/// beside the raw bytes.
pub fn run(
    effect: Effect,
    notes: &mpsc::Sender<Note>,
    decoders: Option<Arc<Decoders>>,
) -> Option<PendingExport> {
    match effect {
        Effect::Copy(text) => {
            // OSC 52 asks the terminal (even over SSH) to set the clipboard.
            let seq = format!(
                "\x1b]52;c;{}\x07",
                base64::engine::general_purpose::STANDARD.encode(text)
            );
            let mut out = std::io::stdout();
            let _ = out.write_all(seq.as_bytes()).and_then(|_| out.flush());
            None
        }
        // The loop does these itself.
        Effect::Redraw | Effect::SwitchProfile(_) | Effect::ListProfiles => None,
        Effect::Export {
            topic,
            messages,
            path,
        } => {
            let notes = notes.clone();
            let shown = path.clone();
            let handle = tokio::task::spawn_blocking(move || {
                let r = export(&topic, &messages, &path, &notes, decoders.as_deref());
                let note = match r {
                    Ok((n, path)) => {
                        Status::info(format!("exported {n} messages to {}", absolute(&path)))
                    }
                    Err(e) => Status::error(format!("export to {} failed: {e}", path.display())),
                };
                let said = note.text.clone();
                let _ = notes.blocking_send(note);
                said
            });
            Some(PendingExport {
                path: shown,
                handle,
            })
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
/// With `decoders`, each line also holds the decoded key and value (as
/// `creel tail --json` prints them); an import reads only the raw bytes.
pub fn export(
    topic: &str,
    messages: &[crate::model::Message],
    path: &std::path::Path,
    notes: &mpsc::Sender<Note>,
    decoders: Option<&Decoders>,
) -> std::io::Result<(usize, PathBuf)> {
    let (file, path) = crate::files::create_new_private(path)?;
    let mut out = std::io::BufWriter::new(file);
    for (i, m) in messages.iter().enumerate() {
        let decoded = decoders.map(|d| {
            (
                d.decode_blocking(topic, Part::Key, m.key.as_deref()),
                d.decode_blocking(topic, Part::Value, m.value.as_deref()),
            )
        });
        let doc = crate::envelope::Envelope {
            topic,
            message: m,
            decoded: decoded.as_ref().map(|(k, v)| (k, v)),
        };
        serde_json::to_writer(&mut out, &doc)?;
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
            export("orders", &messages, &path, &tx, None).unwrap(),
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

    /// An export holds the decoded form beside the raw bytes, and reads
    /// back to the very bytes (what `:import` and `produce --jsonl` send).
    #[test]
    fn an_export_keeps_the_bytes_and_the_decoded_form() {
        use crate::schema::SchemaChoice;
        let d = Decoders::new(crate::app::fixtures::registry());
        let value = d
            .encoder(&SchemaChoice::parse("orders-value@1", "").unwrap())
            .and_then(|e| e.encode(r#"{"order_id":"ORD-1","total":"9.99","state":"PAID"}"#))
            .unwrap();
        let m = Message {
            partition: 0,
            offset: 5,
            timestamp: Some(1_700_000_000_000),
            timestamp_kind: TimestampKind::Create,
            key: Some(b"plain".to_vec()),
            value: Some(value),
            headers: vec![],
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        let (tx, _rx) = mpsc::channel(16);
        export("orders", std::slice::from_ref(&m), &path, &tx, Some(&d)).unwrap();
        let line: serde_json::Value =
            serde_json::from_str(std::fs::read_to_string(&path).unwrap().trim()).unwrap();
        assert_eq!(line["value_decoded"]["total"], "9.99", "{line}");
        assert_eq!(line["value_schema"]["subject"], "orders-value", "{line}");
        assert!(line.get("key_decoded").is_none(), "a plain key: {line}");
        assert_eq!(crate::envelope::from_json(&line).unwrap().1, m);
    }
}
