//! Producing test events: a draft typed by hand, filled from templates,
//! sent once or in bulk, or replayed from a message read.

mod view;

pub use crate::protocol::produce::{
    draft_from_decoded, draft_from_message, Acks, Draft, DraftField, OutRecord, Prepared,
    ProduceRequest, RecordBytes, TemplateError, Templates, ValueMode, COMPRESSIONS,
};
pub use view::{builtin_templates, ProduceField, ProduceRun, ProduceView, TemplateFile};

#[cfg(test)]
mod tests;
