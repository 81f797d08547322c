//! Producing: a draft as typed (each field may hold placeholders, filled
//! again for every message), the records it makes, and what the worker is
//! asked to send.

pub mod draft;
pub mod template;

pub use draft::{
    draft_from_message, record_from_envelope, Acks, Draft, DraftField, OutRecord, Prepared,
    ValueMode, COMPRESSIONS,
};
pub use template::{TemplateError, Templates};

/// What the worker is asked to send.
#[derive(Debug, Clone, PartialEq)]
pub struct ProduceRequest {
    pub session: u64,
    pub draft: Draft,
    pub count: u64,
    pub rate: Option<f64>,
    /// Send the lines of this JSONL export instead of the draft's value.
    pub import: Option<std::path::PathBuf>,
}

impl Eq for ProduceRequest {}
