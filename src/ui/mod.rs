//! The drawing toolkit the screens share: colours, safe text, byte
//! previews, SVG export, and widgets (a windowed table, match highlights).
//! It knows nothing of the app: screens draw themselves in app/screens.

pub mod bytes;
pub mod svg;
pub mod text;
pub mod theme;
pub mod widgets;
