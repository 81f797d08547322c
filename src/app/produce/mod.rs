//! Producing test events: a draft typed by hand, filled from templates,
//! sent once or in bulk, or replayed from a message read.

mod actions;
pub mod draft;
pub mod template;
mod view;

pub use actions::ProduceRequest;
pub use draft::{draft_from_message, Acks, Draft, DraftField, OutRecord, Prepared, ValueMode};
pub use template::{TemplateError, Templates};
pub use view::{
    builtin_templates, ProduceField, ProduceKey, ProduceRun, ProduceView, TemplateFile,
};

#[cfg(test)]
mod tests;
