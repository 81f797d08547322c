//! The two header lines: where creel is connected, and how that is going.

use chrono::{DateTime, Local};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::app::shared::Shared;
use crate::model::ConnectionState;
use crate::ui::text::{age, sanitize};
use crate::ui::theme;

pub fn draw(frame: &mut Frame, area: Rect, app: &Shared) {
    let sep = Span::styled(" │ ", theme::dim());
    let mut first = vec![Span::styled(" creel ", theme::brand()), sep.clone()];
    if app.read_only {
        // First, so no terminal is too narrow to show it.
        first.push(Span::styled(
            " READ-ONLY ",
            theme::bad().add_modifier(ratatui::style::Modifier::REVERSED),
        ));
        first.push(sep.clone());
    }
    if app.label.tls_unverified {
        first.push(Span::styled(
            " TLS NOT VERIFIED ",
            theme::bad().add_modifier(ratatui::style::Modifier::REVERSED),
        ));
        first.push(sep.clone());
    }
    if let Some(tag) = &app.label.tag {
        let color = app
            .label
            .color
            .as_deref()
            .and_then(|c| c.parse::<ratatui::style::Color>().ok())
            .unwrap_or(ratatui::style::Color::Red);
        first.push(Span::styled(
            format!(" {} ", sanitize(tag)),
            ratatui::style::Style::new()
                .bg(color)
                .fg(ratatui::style::Color::Black)
                .add_modifier(ratatui::style::Modifier::BOLD),
        ));
        first.push(sep.clone());
    }
    first.extend([
        Span::styled(sanitize(&app.label.profile), theme::title()),
        sep.clone(),
        Span::raw(sanitize(&app.label.bootstrap)),
        sep.clone(),
    ]);
    match app.broker_health() {
        Some(c) => {
            let style = if c.up == c.total {
                theme::ok()
            } else if c.up == 0 {
                theme::bad()
            } else {
                theme::warn()
            };
            first.push(Span::styled(
                format!("brokers {}/{} up", c.up, c.total),
                style,
            ));
        }
        None => first.push(Span::styled("brokers ?/?", theme::dim())),
    }
    if app.registry_down.is_some() {
        first.push(sep.clone());
        first.push(Span::styled("schema registry unreachable", theme::bad()));
    }

    let mut second = vec![Span::raw(" ")];
    match &app.connection {
        ConnectionState::Connecting => {
            second.push(Span::styled("◌ connecting…", theme::warn()));
        }
        ConnectionState::Connected => {
            second.push(Span::styled("● connected", theme::ok()));
        }
        ConnectionState::AllBrokersDown { reason, retry_at } => {
            let retry = format!(" ({})", retrying(app.now, *retry_at));
            // The retry comes first so a narrow terminal cuts the reason,
            // not the countdown.
            second.push(Span::styled(
                format!("✖ all brokers down{retry}: {}", sanitize(reason)),
                theme::bad(),
            ));
        }
        ConnectionState::Refused { reason } => {
            second.push(Span::styled(
                format!("✖ cannot connect: {}", sanitize(reason)),
                theme::bad(),
            ));
        }
    }
    if let Some(snap) = &app.snapshot {
        second.push(sep.clone());
        second.push(Span::raw(format!(
            "refreshed {} ({} ago)",
            snap.taken_at.format("%H:%M:%S"),
            age(snap.taken_at, app.now)
        )));
    }
    if app.refreshing && app.connection != ConnectionState::Connecting {
        second.push(sep.clone());
        second.push(Span::styled("refreshing…", theme::dim()));
    }
    if let (Some((err, at)), ConnectionState::Connected) = (&app.last_error, &app.connection) {
        let retry = format!(", {}", retrying(app.now, Some(*at)));
        // A slow cluster is not a broken one: say it ran out of time.
        let what = if err.kind == crate::protocol::ErrorKind::TimedOut {
            "last refresh timed out"
        } else {
            "last refresh failed"
        };
        second.push(sep);
        second.push(Span::styled(
            format!("{what}{retry}: {}", sanitize(&err.to_string())),
            theme::warn(),
        ));
    }
    frame.render_widget(
        Paragraph::new(vec![Line::from(first), Line::from(second)]),
        area,
    );
}

/// When the next attempt comes: "retrying in 4s", "retrying now", or just
/// "retrying" when its time is not known.
fn retrying(now: DateTime<Local>, at: Option<DateTime<Local>>) -> String {
    match at {
        Some(at) if at > now => format!("retrying in {}", age(now, at)),
        Some(_) => "retrying now".to_string(),
        None => "retrying".to_string(),
    }
}
