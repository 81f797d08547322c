//! Producing: a draft as typed (each field may hold placeholders, filled
//! again for every message), the records it makes, and what the worker is
//! asked to send.

pub mod draft;
pub mod template;

pub use draft::{
    draft_from_decoded, draft_from_message, record_from_envelope, Acks, Draft, DraftField,
    Encoders, OutRecord, Prepared, ValueMode, COMPRESSIONS,
};
pub use template::{TemplateError, Templates};

/// The slowest rate accepted: one message every 100 s. Slower makes no
/// sense for a test producer, and a rate near zero made the delay between
/// messages overflow.
pub const MIN_RATE: f64 = 0.01;

/// A rate in messages per second, as typed (`--rate`, the form's field).
pub fn parse_rate(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(r) if r.is_finite() && r >= MIN_RATE => Ok(r),
        Ok(_) => Err(format!(
            "{s:?}: the rate must be at least {MIN_RATE} messages a second (leave it out for as fast as acknowledged)"
        )),
        Err(_) => Err(format!("{s:?}: messages per second, a number such as 100 or 0.5")),
    }
}

/// What the worker is asked to send.
#[derive(Debug, Clone, PartialEq)]
pub struct ProduceRequest {
    pub session: u64,
    pub draft: Draft,
    pub count: u64,
    pub rate: Option<f64>,
    /// Send the lines of this JSONL export instead of the draft's value.
    pub import: Option<std::path::PathBuf>,
    /// A replayed message sent unchanged: its key and value bytes as they
    /// were read, rather than written again from their JSON (an Avro map's
    /// entries have no order, so writing again may reorder them).
    pub exact: Option<Box<RecordBytes>>,
}

/// A record's key and value as bytes on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecordBytes {
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
}

impl Eq for ProduceRequest {}
