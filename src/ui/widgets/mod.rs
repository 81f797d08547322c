pub mod footer;
pub mod header;
pub mod help;
pub mod start_picker;
pub mod status;
pub mod table;
