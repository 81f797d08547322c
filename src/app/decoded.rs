//! Keys and values as the screens show them: through their schema when
//! they are in the wire format and a registry is set, as bytes otherwise.
//! Decoding is done per frame for the rows on screen only; the messages
//! held keep their raw bytes (memory stays what the window's cap says).

use std::borrow::Cow;

use ratatui::text::Span;

use super::shared::Shared;
use crate::schema::{Decoding, Part};
use crate::ui::bytes::escaped;
use crate::ui::theme;

/// What the user sees of one key or value.
pub enum Seen<'a> {
    /// Not in the wire format (or no registry): the bytes themselves.
    Raw(&'a [u8]),
    /// Decoded JSON text (compact).
    Json(Vec<u8>),
    /// The schema is being fetched.
    Pending(u32),
    /// Shown raw, with the reason it is not decoded.
    Failed(String, &'a [u8]),
}

/// Which key or value, of which topic: a profile may pin a schema file
/// to one of them.
#[derive(Debug, Clone, Copy)]
pub struct Slot<'a> {
    pub topic: &'a str,
    pub part: Part,
}

impl Slot<'_> {
    pub fn key(topic: &str) -> Slot<'_> {
        Slot {
            topic,
            part: Part::Key,
        }
    }

    pub fn value(topic: &str) -> Slot<'_> {
        Slot {
            topic,
            part: Part::Value,
        }
    }
}

pub fn seen<'a>(shared: &Shared, at: Slot<'_>, bytes: &'a [u8]) -> Seen<'a> {
    let Some(d) = &shared.decoders else {
        return Seen::Raw(bytes);
    };
    match d.decode_now(at.topic, at.part, Some(bytes)) {
        Decoding::Plain => Seen::Raw(bytes),
        Decoding::Decoded { json, .. } => Seen::Json(serde_json::to_vec(&json).unwrap_or_default()),
        Decoding::Pending { id } => Seen::Pending(id),
        Decoding::Failed { reason, .. } => Seen::Failed(reason, bytes),
    }
}

/// The bytes a search span points into: decoded JSON where decoded.
pub fn searchable<'a>(shared: &Shared, at: Slot<'_>, bytes: &'a [u8]) -> Cow<'a, [u8]> {
    match seen(shared, at, bytes) {
        Seen::Json(j) => Cow::Owned(j),
        _ => Cow::Borrowed(bytes),
    }
}

/// A one-line preview at most `max` columns wide.
pub fn preview(shared: &Shared, at: Slot<'_>, bytes: &[u8], max: usize) -> Span<'static> {
    match seen(shared, at, bytes) {
        Seen::Raw(b) => Span::raw(escaped(b, max)),
        Seen::Json(j) => Span::raw(escaped(&j, max)),
        Seen::Pending(id) => Span::styled(
            escaped(format!("(schema {id}: fetching…)").as_bytes(), max),
            theme::dim(),
        ),
        Seen::Failed(reason, b) => Span::styled(
            escaped(format!("⚠ {reason} │ {}", escaped(b, max)).as_bytes(), max),
            theme::warn(),
        ),
    }
}
