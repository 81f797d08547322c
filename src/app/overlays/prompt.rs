//! The one-line prompts: the list filter (`/`), a `:` command, and where
//! to start reading a topic (with the picker of the forms kcat's -o users
//! know shown above it).

use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use crate::app::action::{Action, Mode};
use crate::app::commands;
use crate::app::component::{hint, Component, Hint, Input, Nav, OpenMessages, Output};
use crate::app::input::{edit_of, Edit, LineInput};
use crate::app::shared::Shared;
use crate::app::topics::Filter;
use crate::model::StartAt;
use crate::ui::text::sanitize;
use crate::ui::theme;

/// The picker's default: the last 100 messages of each partition.
pub const DEFAULT_START: &str = "-100";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptKind {
    /// Filters the list on screen as it is typed.
    Filter,
    /// A `:` command.
    Command,
    /// Where to start reading `topic`.
    Start {
        topic: String,
        partitions: Option<Vec<i32>>,
    },
    /// The file to export these messages of `topic` to.
    Export {
        topic: String,
        messages: Vec<crate::model::Message>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinePrompt {
    pub kind: PromptKind,
    pub line: LineInput,
    /// What is wrong with the line (kept until it is edited).
    pub error: Option<String>,
}

impl LinePrompt {
    pub fn filter(text: &str) -> LinePrompt {
        let mut p = LinePrompt {
            kind: PromptKind::Filter,
            line: LineInput::with_text(text),
            error: None,
        };
        p.check_filter();
        p
    }

    pub fn command() -> LinePrompt {
        LinePrompt {
            kind: PromptKind::Command,
            line: LineInput::default(),
            error: None,
        }
    }

    pub fn start(topic: &str, partitions: Option<Vec<i32>>) -> LinePrompt {
        LinePrompt {
            kind: PromptKind::Start {
                topic: topic.into(),
                partitions,
            },
            // Selected: typing replaces the prefilled start.
            line: {
                let mut l = LineInput::with_text(DEFAULT_START);
                l.select_all();
                l
            },
            error: None,
        }
    }

    /// `e`: the file name, a default ready to accept (Enter) or to replace
    /// by typing; a folder may be named too.
    pub fn export(topic: &str, messages: Vec<crate::model::Message>, default: &str) -> LinePrompt {
        LinePrompt {
            kind: PromptKind::Export {
                topic: topic.into(),
                messages,
            },
            line: {
                let mut l = LineInput::with_text(default);
                l.select_all();
                l
            },
            error: None,
        }
    }

    fn check_filter(&mut self) {
        let mut f = Filter::default();
        f.set(&self.line.text);
        self.error = f.error.map(|e| format!("invalid regex: {e}"));
    }

    fn submit(&mut self, shared: &Shared) -> Vec<Output> {
        let text = self.line.text.trim().to_string();
        match &mut self.kind {
            PromptKind::Filter => vec![Output::Nav(Nav::Close)],
            PromptKind::Command => vec![Output::Nav(Nav::Close), Output::Nav(Nav::Run(text))],
            PromptKind::Start { topic, partitions } => {
                let text = if text.is_empty() {
                    DEFAULT_START
                } else {
                    &text
                };
                match StartAt::parse(text, shared.now.timestamp_millis()) {
                    Ok(start) => vec![
                        Output::Nav(Nav::Close),
                        Output::Nav(Nav::Messages(Box::new(OpenMessages::new(
                            topic,
                            partitions.clone(),
                            start,
                        )))),
                    ],
                    // Keep what was typed; say what is wrong.
                    Err(e) => {
                        self.error = Some(e);
                        vec![]
                    }
                }
            }
            PromptKind::Export { topic, messages } => {
                if text.is_empty() {
                    self.error = Some("name a file".into());
                    return vec![];
                }
                let path = crate::files::expand_home(&text);
                vec![
                    Output::Nav(Nav::Close),
                    Output::info(format!("exporting {} messages…", messages.len())),
                    Output::Effect(crate::app::component::Effect::Export {
                        topic: topic.clone(),
                        messages: std::mem::take(messages),
                        path,
                    }),
                ]
            }
        }
    }

    fn complete(&mut self) {
        match commands::complete(&self.line.text) {
            Ok(line) => {
                self.line = LineInput::with_text(&line);
                self.error = None;
            }
            Err(names) if !names.is_empty() => self.error = Some(names.join("  ")),
            Err(_) => {}
        }
    }
}

impl Component for LinePrompt {
    fn mode(&self) -> Mode {
        Mode::Text
    }

    fn handle(&mut self, input: &Input, shared: &mut Shared) -> Option<Vec<Output>> {
        match input {
            Input::Action(Action::Submit) => return Some(self.submit(shared)),
            Input::Action(Action::Cancel) => {
                let mut out = vec![Output::Nav(Nav::Close)];
                if self.kind == PromptKind::Filter {
                    out.push(Output::Nav(Nav::Filter(String::new())));
                }
                return Some(out);
            }
            Input::Action(Action::NextField) if self.kind == PromptKind::Command => {
                self.complete();
                return Some(vec![]);
            }
            _ => {}
        }
        let edit = edit_of(input)?;
        if matches!(edit, Edit::NextField | Edit::PrevField) {
            return Some(vec![]);
        }
        self.line.edit(edit);
        self.error = None;
        Some(match self.kind {
            PromptKind::Filter => {
                self.check_filter();
                vec![Output::Nav(Nav::Filter(self.line.text.clone()))]
            }
            _ => vec![],
        })
    }

    fn draw(&self, frame: &mut Frame, area: Rect, _shared: &Shared) {
        if let PromptKind::Start { topic, partitions } = &self.kind {
            draw_picker(frame, area, topic, partitions.as_deref());
        }
    }

    fn hints(&self, _shared: &Shared) -> Vec<Hint> {
        let mut v = vec![
            hint(Action::Submit, "accept"),
            hint(Action::Cancel, "cancel"),
        ];
        if self.kind == PromptKind::Command {
            v.push(hint(Action::NextField, "complete"));
        }
        v
    }
}

impl LinePrompt {
    /// The prompt line at the bottom of the screen, with the cursor.
    pub fn draw_line(&self, frame: &mut Frame, area: Rect) {
        let label = match &self.kind {
            PromptKind::Filter => "/",
            PromptKind::Command => ":",
            PromptKind::Start { .. } => "start at: ",
            PromptKind::Export { .. } => "export to: ",
        };
        let mut spans = vec![
            Span::styled(label, theme::key()),
            if self.line.selected {
                Span::styled(sanitize(&self.line.text), theme::selected())
            } else {
                Span::raw(sanitize(&self.line.text))
            },
        ];
        match (&self.error, &self.kind) {
            // On a `:` line, the names Tab could complete to.
            (Some(names), PromptKind::Command) => {
                spans.push(Span::styled(format!("   {}", names), theme::dim()))
            }
            (Some(e), _) => spans.push(Span::styled(format!("   ✖ {}", sanitize(e)), theme::bad())),
            (None, _) => {}
        }
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
        place_cursor(frame, area, label.chars().count() + self.line.cursor);
    }
}

pub fn place_cursor(frame: &mut Frame, area: Rect, col: usize) {
    let x = area
        .x
        .saturating_add(u16::try_from(col).unwrap_or(u16::MAX))
        .min(area.right().saturating_sub(1));
    frame.set_cursor_position(Position::new(x, area.y));
}

const CHOICES: [(&str, &str); 7] = [
    ("-100", "the last 100 messages of each partition (default)"),
    ("beginning", "from the first message"),
    ("end", "only new messages (tail)"),
    ("1234", "from offset 1234 in each partition"),
    ("-15m  -2h  -1d", "from that long ago"),
    ("2026-11-27T09:00:00Z", "from a time (RFC 3339)"),
    ("", "then Enter; Esc cancels"),
];

fn draw_picker(frame: &mut Frame, area: Rect, topic: &str, partitions: Option<&[i32]>) {
    let height = CHOICES.len() as u16 + 2;
    let [_, bottom] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(height.min(area.height)),
    ])
    .areas(area);
    let [popup, _] =
        Layout::horizontal([Constraint::Length(area.width.min(76)), Constraint::Fill(1)])
            .areas(bottom);
    frame.render_widget(Clear, popup);
    let scope = match partitions {
        Some(ps) => format!(
            "{} partition {}",
            sanitize(topic),
            ps.iter()
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join(",")
        ),
        None => sanitize(topic),
    };
    let lines: Vec<Line> = CHOICES
        .iter()
        .map(|(form, what)| {
            Line::from(vec![
                Span::styled(format!(" {form:<22}"), theme::key()),
                Span::raw(*what),
            ])
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(Line::styled(
            format!(" Read {scope} from… "),
            theme::title(),
        ))),
        popup,
    );
}
