//! The confirmation dialog: exactly what an admin action will send, the
//! reset preview when there is one, and what must be typed or answered.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::prompt::place_cursor;
use crate::app::action::{Action, Mode};
use crate::app::component::{hint, Component, Hint, Input, Nav, Output};
use crate::app::input::{edit_of, LineInput};
use crate::app::shared::Shared;
use crate::protocol::admin::{resettable, AdminOp, ResetPlan};
use crate::protocol::Command;
use crate::ui::text::{sanitize, thousands};
use crate::ui::theme;

/// A confirmation dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub op: AdminOp,
    /// The resource's name, typed (destructive actions).
    pub input: LineInput,
    pub error: Option<String>,
    /// For an offset reset: the preview.
    pub plan: Option<ResetPlan>,
    /// Something worth knowing before saying yes.
    pub note: Option<String>,
}

impl Confirm {
    pub fn new(op: AdminOp) -> Confirm {
        Confirm {
            op,
            input: LineInput::default(),
            error: None,
            plan: None,
            note: None,
        }
    }

    /// The dialog for a planned offset reset; a group that is not idle is
    /// said at once (Enter will not send).
    pub fn reset(plan: ResetPlan) -> Confirm {
        let mut c = Confirm::new(plan.op());
        c.error = resettable(&plan.state)
            .err()
            .map(|e| format!("creel will not reset {}: {e}", plan.group));
        c.plan = Some(plan);
        c
    }

    /// Why Enter cannot send (yet), if it cannot.
    pub fn blocked(&self) -> Option<String> {
        if let Some(plan) = &self.plan {
            if let Err(e) = resettable(&plan.state) {
                return Some(format!("creel will not reset {}: {e}", plan.group));
            }
        }
        match self.op.typed_name() {
            Some(name) if self.input.text != name => {
                Some(format!("type {name} exactly to confirm; nothing was sent"))
            }
            _ => None,
        }
    }

    /// y/n answers it, unless a name must be typed or a reset previewed.
    fn answers_yes_no(&self) -> bool {
        self.op.typed_name().is_none() && self.plan.is_none()
    }

    fn send(&mut self, shared: &mut Shared) -> Vec<Output> {
        if let Some(why) = self.blocked() {
            self.error = Some(why);
            return vec![];
        }
        let id = shared.session();
        shared.admin_pending = Some(id);
        vec![
            Output::Nav(Nav::Close),
            Output::info(format!("{}…", self.op.title())),
            Output::Command(Command::Admin {
                id,
                op: self.op.clone(),
            }),
        ]
    }

    fn cancel(&self) -> Vec<Output> {
        vec![
            Output::Nav(Nav::Close),
            Output::info(format!("{}: cancelled, nothing was sent", self.op.title())),
        ]
    }

    /// The prompt line under the dialog.
    pub fn draw_line(&self, frame: &mut Frame, area: Rect) {
        match self.op.typed_name() {
            Some(name) => {
                let label = format!("type {name} to confirm: ");
                frame.render_widget(
                    Paragraph::new(Line::from(vec![
                        Span::styled(sanitize(&label), theme::bad()),
                        Span::raw(sanitize(&self.input.text)),
                    ])),
                    area,
                );
                place_cursor(frame, area, label.chars().count() + self.input.cursor);
            }
            None if self.plan.is_some() => frame.render_widget(
                Paragraph::new(Line::styled("reset? enter: yes   esc: no", theme::key())),
                area,
            ),
            None => frame.render_widget(
                Paragraph::new(Line::styled(
                    "send it? y / enter: yes   n / esc: no",
                    theme::key(),
                )),
                area,
            ),
        }
    }
}

impl Component for Confirm {
    fn mode(&self) -> Mode {
        if self.op.typed_name().is_some() {
            Mode::Text
        } else {
            Mode::Confirm
        }
    }

    fn handle(&mut self, input: &Input, shared: &mut Shared) -> Option<Vec<Output>> {
        match input {
            Input::Action(Action::Submit) => Some(self.send(shared)),
            Input::Action(Action::Yes) if self.answers_yes_no() => Some(self.send(shared)),
            Input::Action(Action::Cancel) => Some(self.cancel()),
            Input::Action(Action::No) if self.answers_yes_no() => Some(self.cancel()),
            Input::Action(Action::Yes | Action::No) => Some(vec![]),
            _ if self.op.typed_name().is_some() => {
                let edit = edit_of(input)?;
                self.input.edit(edit);
                self.error = None;
                Some(vec![])
            }
            _ => None,
        }
    }

    fn draw(&self, frame: &mut Frame, area: Rect, _shared: &Shared) {
        draw(frame, area, self);
    }

    fn hints(&self, _shared: &Shared) -> Vec<Hint> {
        if self.answers_yes_no() {
            vec![hint(Action::Yes, "send"), hint(Action::No, "cancel")]
        } else {
            vec![hint(Action::Submit, "send"), hint(Action::Cancel, "cancel")]
        }
    }
}

fn draw(frame: &mut Frame, area: Rect, c: &Confirm) {
    let mut lines: Vec<Line> = vec![];
    match &c.plan {
        Some(plan) => {
            lines.push(Line::from(vec![
                Span::styled(" target ", theme::dim()),
                Span::raw(plan.target.label()),
                Span::styled("   group state ", theme::dim()),
                Span::styled(
                    sanitize(plan.state.name()),
                    if resettable(&plan.state).is_ok() {
                        theme::ok()
                    } else {
                        theme::bad()
                    },
                ),
            ]));
            lines.push(Line::styled(
                format!(
                    " {:<28} {:>5} {:>12} {:>12} {:>12} {:>12}",
                    "Topic", "Part", "Committed", "New", "Lag before", "Lag after"
                ),
                theme::header_row(),
            ));
            let show = usize::from(area.height.saturating_sub(10)).max(3);
            for r in plan.rows.iter().take(show) {
                let cur = r.current.map_or("-".to_string(), thousands);
                let before = r.lag_before().map_or("-".to_string(), thousands);
                lines.push(Line::raw(format!(
                    " {:<28} {:>5} {:>12} {:>12} {:>12} {:>12}",
                    sanitize(&r.topic),
                    r.partition,
                    cur,
                    thousands(r.new),
                    before,
                    thousands(r.lag_after())
                )));
            }
            if plan.rows.len() > show {
                lines.push(Line::styled(
                    format!(" … and {} more partitions", plan.rows.len() - show),
                    theme::dim(),
                ));
            }
        }
        None => {
            for l in c.op.lines() {
                lines.push(Line::raw(format!(" {}", sanitize(&l))));
            }
        }
    }
    if let Some(n) = &c.note {
        lines.push(Line::styled(format!(" ⚠ {}", sanitize(n)), theme::warn()));
    }
    lines.push(Line::raw(""));
    match c.op.typed_name() {
        Some(name) => lines.push(Line::styled(
            format!(
                " This cannot be undone. Type {} below, then Enter; Esc cancels.",
                sanitize(name)
            ),
            theme::warn(),
        )),
        None if c.plan.is_some() => lines.push(Line::styled(
            " Enter resets the offsets as shown; Esc cancels.",
            theme::dim(),
        )),
        None => lines.push(Line::styled(
            " y or Enter sends it; n or Esc cancels.",
            theme::dim(),
        )),
    }
    if let Some(e) = &c.error {
        lines.push(Line::styled(format!(" ✖ {}", sanitize(e)), theme::bad()));
    }
    // Long lines wrap: count the rows they take.
    let inner = usize::from(area.width.saturating_sub(2)).max(1);
    let rows: usize = lines.iter().map(|l| l.width().max(1).div_ceil(inner)).sum();
    let height = (rows as u16 + 2).min(area.height);
    let [_, bottom] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(height)]).areas(area);
    frame.render_widget(Clear, bottom);
    let style = if c.op.typed_name().is_some() {
        theme::bad()
    } else {
        theme::title()
    };
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::bordered().border_style(style).title(Line::styled(
                format!(" {} ", sanitize(&c.op.title())),
                style,
            )),
        ),
        bottom,
    );
}
