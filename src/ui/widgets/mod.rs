pub mod highlight;
pub mod table;
