//! What surrounds every screen: the header, the prompt and status line,
//! the key hints, and the small pieces screens share (the lag status word).

pub mod footer;
pub mod header;
pub mod status;
