pub mod footer;
pub mod header;
pub mod help;
pub mod highlight;
pub mod search_bar;
pub mod start_picker;
pub mod status;
pub mod table;
