//! The Schemas screen: the registry's subjects (type, latest version and
//! id, how many versions, which topics use them by name), and one version
//! in full below: compatibility level, references and the schema text.
//! Read-only, except `:delete-schema` (typed confirmation).

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Wrap};
use ratatui::Frame;

use super::Loadable;
use crate::app::action::{Action, Mode};
use crate::app::component::{hint, Component, Hint, Input, Output};
use crate::app::cursor::Cursor;
use crate::app::shared::Shared;
use crate::protocol::{Command, ErrorKind, Event, Op, OpError};
use crate::schema::{SubjectDetail, SubjectRow};
use crate::ui::text::sanitize;
use crate::ui::theme;
use crate::ui::widgets::table::WindowedTable;

#[derive(Debug, Clone, Default)]
pub struct SchemasScreen {
    /// None until asked for; then loading until the list (or why not).
    pub list: Option<Loadable<Vec<SubjectRow>>>,
    pub cursor: Cursor,
    /// The version shown below, once Enter asked for it.
    pub detail: Option<Loadable<SubjectDetail>>,
    /// Lines of the schema text scrolled past.
    pub scroll: u16,
}

/// A registry answer's error, as the screen keeps it.
fn failed<T>(e: &str) -> Loadable<T> {
    Loadable::Failed(OpError::new(Op::Schemas, ErrorKind::Broker, e))
}

impl SchemasScreen {
    /// The request that (re)loads the list.
    pub fn load(&mut self) -> Output {
        self.list = Some(Loadable::Loading);
        Output::Command(Command::LoadSchemas)
    }

    fn rows(&self) -> &[SubjectRow] {
        match &self.list {
            Some(Loadable::Loaded(rows)) => rows,
            _ => &[],
        }
    }

    /// The subject under the cursor.
    pub fn current(&self) -> Option<&SubjectRow> {
        self.rows().get(self.cursor.selected)
    }

    /// The version shown, when one is.
    pub fn shown(&self) -> Option<&SubjectDetail> {
        match &self.detail {
            Some(Loadable::Loaded(d)) => Some(d),
            _ => None,
        }
    }

    fn describe(&mut self, subject: String, version: Option<i32>) -> Vec<Output> {
        self.detail = Some(Loadable::Loading);
        self.scroll = 0;
        vec![Output::Command(Command::DescribeSubject {
            subject,
            version,
        })]
    }

    /// The version before or after the one shown.
    fn step(&mut self, forward: bool) -> Option<Vec<Output>> {
        let d = self.shown()?;
        let i = d.versions.iter().position(|v| *v == d.version)?;
        let next = if forward {
            d.versions.get(i + 1)
        } else {
            i.checked_sub(1).and_then(|i| d.versions.get(i))
        };
        let Some(&v) = next else {
            return Some(vec![Output::info(format!(
                "{} has no {} version",
                d.subject,
                if forward { "later" } else { "earlier" }
            ))]);
        };
        let subject = d.subject.clone();
        Some(self.describe(subject, Some(v)))
    }
}

/// The topics whose `-key` or `-value` subject this is (Confluent's
/// default TopicNameStrategy).
fn topics_using(shared: &Shared, subject: &str) -> Vec<String> {
    shared
        .topic_list()
        .iter()
        .filter(|t| subject == format!("{}-value", t.name) || subject == format!("{}-key", t.name))
        .map(|t| t.name.clone())
        .collect()
}

impl Component for SchemasScreen {
    fn mode(&self) -> Mode {
        Mode::Normal
    }

    fn handle(&mut self, input: &Input, shared: &mut Shared) -> Option<Vec<Output>> {
        let Input::Action(action) = input else {
            return None;
        };
        match action {
            Action::Refresh => {
                let mut out = vec![self.load()];
                if let Some(d) = self.shown() {
                    let (s, v) = (d.subject.clone(), Some(d.version));
                    out.extend(self.describe(s, v));
                }
                Some(out)
            }
            Action::Open => {
                let subject = self.current()?.subject.clone();
                Some(self.describe(subject, None))
            }
            Action::Back if self.detail.is_some() => {
                self.detail = None;
                Some(vec![])
            }
            Action::NextTab => self.step(true),
            Action::PrevTab => self.step(false),
            // With a version open, paging scrolls its text.
            Action::PageDown if self.detail.is_some() => {
                self.scroll = self.scroll.saturating_add(shared.page_size as u16);
                Some(vec![])
            }
            Action::PageUp if self.detail.is_some() => {
                self.scroll = self.scroll.saturating_sub(shared.page_size as u16);
                Some(vec![])
            }
            a => {
                let before = self.cursor.selected;
                let moved = self.cursor.apply(*a, self.rows().len(), shared.page_size);
                if moved && before != self.cursor.selected {
                    self.detail = None;
                }
                moved.then(Vec::new)
            }
        }
    }

    fn apply(&mut self, event: &Event, _shared: &mut Shared) -> Vec<Output> {
        match event {
            Event::SchemaList(r) => {
                self.list = Some(match r {
                    Ok(rows) => Loadable::Loaded(rows.clone()),
                    Err(e) => failed(e),
                });
                let n = self.rows().len();
                self.cursor.clamp(n);
            }
            Event::SubjectDescribed(r) if self.detail.is_some() => {
                self.detail = Some(match r {
                    Ok(d) => Loadable::Loaded(d.clone()),
                    Err(e) => failed(e),
                });
            }
            _ => {}
        }
        vec![]
    }

    fn draw(&self, frame: &mut Frame, area: Rect, shared: &Shared) {
        let areas = if self.detail.is_some() {
            Layout::vertical([Constraint::Percentage(40), Constraint::Percentage(60)]).split(area)
        } else {
            Layout::vertical([Constraint::Fill(1)]).split(area)
        };
        self.draw_list(frame, areas[0], shared);
        if let Some(d) = &self.detail {
            draw_detail(frame, areas[1], d, self.scroll);
        }
    }

    fn hints(&self, _shared: &Shared) -> Vec<Hint> {
        let mut v = vec![hint(Action::Open, "show")];
        if self.detail.is_some() {
            v.push(hint(Action::NextTab, "version"));
            v.push(hint(Action::Back, "close"));
        }
        v.extend([
            hint(Action::Refresh, "reload"),
            hint(Action::Command, "goto"),
            hint(Action::Help, "help"),
            hint(Action::Quit, "quit"),
        ]);
        v
    }
}

impl SchemasScreen {
    fn draw_list(&self, frame: &mut Frame, area: Rect, shared: &Shared) {
        let rows = self.rows();
        let registry = shared
            .decoders
            .as_ref()
            .map(|d| d.source().describe())
            .unwrap_or_default();
        let block = Block::bordered().title(Line::from(vec![
            Span::styled(" Schemas ", theme::title()),
            Span::raw(format!("({}) ", rows.len())),
            Span::styled(format!("{} ", sanitize(&registry)), theme::dim()),
        ]));
        let empty = match &self.list {
            None | Some(Loadable::Loading) => "Asking the schema registry for its subjects…".into(),
            Some(Loadable::Failed(e)) => format!("✖ {}", sanitize(&e.message)),
            Some(Loadable::Loaded(_)) => "The schema registry holds no subjects.".into(),
        };
        WindowedTable {
            block,
            header: Row::new(["Subject", "Type", "Latest", "Versions", "Topics (by name)"]),
            widths: &[
                Constraint::Fill(3),
                Constraint::Length(9),
                Constraint::Length(14),
                Constraint::Length(9),
                Constraint::Fill(2),
            ],
            len: rows.len(),
            cursor: &self.cursor,
            row: |i: usize| {
                let r = &rows[i];
                let (kind, latest) = match (&r.latest, &r.error) {
                    (Some((id, kind)), _) => (
                        Span::raw(kind.name()),
                        Span::raw(format!(
                            "v{} · id {id}",
                            r.versions.last().copied().unwrap_or(0)
                        )),
                    ),
                    (None, Some(e)) => (
                        Span::styled("?", theme::bad()),
                        Span::styled(format!("✖ {}", sanitize(e)), theme::bad()),
                    ),
                    (None, None) => (Span::raw("?"), Span::raw("")),
                };
                let topics = topics_using(shared, &r.subject);
                Row::new(vec![
                    Cell::from(sanitize(&r.subject)),
                    Cell::from(kind),
                    Cell::from(latest),
                    Cell::from(r.versions.len().to_string()),
                    Cell::from(if topics.is_empty() {
                        Span::styled("-", theme::dim())
                    } else {
                        Span::raw(sanitize(&topics.join(", ")))
                    }),
                ])
            },
            empty: empty.into(),
            spacing: 2,
        }
        .draw(frame, area);
    }
}

fn draw_detail(frame: &mut Frame, area: Rect, d: &Loadable<SubjectDetail>, scroll: u16) {
    let (title, lines) = match d {
        Loadable::Loading => (
            Line::styled(" Schema ", theme::title()),
            vec![Line::styled("Asking the schema registry…", theme::dim())],
        ),
        Loadable::Failed(e) => (
            Line::styled(" Schema ", theme::title()),
            vec![Line::styled(
                format!("✖ {}", sanitize(&e.message)),
                theme::bad(),
            )],
        ),
        Loadable::Loaded(d) => {
            let title = Line::from(vec![
                Span::styled(format!(" {} ", sanitize(&d.subject)), theme::title()),
                Span::raw(format!(
                    "v{} of {} · id {} · {} · compatibility {} ",
                    d.version,
                    d.versions.len(),
                    d.id,
                    d.kind.name(),
                    d.compatibility.as_deref().unwrap_or("?")
                )),
            ]);
            let mut lines: Vec<Line> = d
                .references
                .iter()
                .map(|(name, subject, version)| {
                    Line::styled(
                        sanitize(&format!("references {name}: {subject} v{version}")),
                        theme::dim(),
                    )
                })
                .collect();
            lines.extend(schema_text(&d.text).lines().map(|l| Line::raw(sanitize(l))));
            (title, lines)
        }
    };
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(Block::bordered().title(title)),
        area,
    );
}

/// JSON schemas (Avro, JSON Schema) pretty-printed; Protobuf as written.
fn schema_text(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| text.to_string())
}
