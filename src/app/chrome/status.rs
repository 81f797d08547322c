//! The lag status word, always printed, coloured to match.

use ratatui::text::Span;

use crate::app::lag::LagStatus;
use crate::ui::theme;

/// A group's status, or "collecting n/N" while its window fills: a status
/// is never shown from fewer samples than the window.
pub fn group(judged: Option<&crate::app::lag::GroupJudgement>) -> Span<'static> {
    match judged {
        Some(j) if j.collecting.is_some() => Span::styled(j.word(), theme::dim()),
        _ => span(judged.and_then(|j| j.status)),
    }
}

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
