pub mod footer;
pub mod header;
pub mod help;
pub mod status;
pub mod table;
