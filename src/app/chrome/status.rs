//! The lag status word, always printed, coloured to match.

use ratatui::text::Span;

use crate::app::lag::LagStatus;
use crate::ui::theme;

pub fn span(status: Option<LagStatus>) -> Span<'static> {
    match status {
        None => Span::styled("-", theme::dim()),
        Some(s) => {
            let style = match s {
                LagStatus::Ok => theme::ok(),
                LagStatus::Warn => theme::warn(),
                LagStatus::Rewind | LagStatus::Stall | LagStatus::Stop => theme::bad(),
            };
            Span::styled(s.word(), style)
        }
    }
}
