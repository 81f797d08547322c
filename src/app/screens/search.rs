//! The search screen: a scan's progress per partition, rate and time left,
//! and its matches streaming in, in either order. Enter reads a match
//! again in full and opens it; `m` shows it among its neighbours.

use crate::app::decoded::Slot;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row};
use ratatui::Frame;

use super::messages::{shown, timestamp};
use super::ScreenId;
use crate::app::action::{Action, Mode};
use crate::app::component::{hint, Component, Hint, Input, Nav, OpenMessages, Output, StartSearch};
use crate::app::search::{Field, SearchForm, SearchHit, SearchOutcome, SearchView};
use crate::app::shared::Shared;
use crate::model::StartAt;
use crate::protocol::{Command, Event};
use crate::ui::bytes::{escaped, size};
use crate::ui::text::{fit, progress_bar, sanitize, thousands};
use crate::ui::theme;
use crate::ui::widgets::highlight::around;
use crate::ui::widgets::table::{column_widths, WindowedTable};
use unicode_width::UnicodeWidthStr;

/// Messages shown before a match when it is opened in the explorer.
const NEIGHBOURS: i64 = 50;

#[derive(Debug, Clone, Default)]
pub struct SearchScreen {
    pub view: Option<SearchView>,
    /// The search bar as last submitted or left, to open it again.
    pub last_form: Option<SearchForm>,
}

impl SearchScreen {
    /// The topic (and partitions) a search from here would scope to.
    pub fn scope(&self) -> Option<(String, Option<Vec<i32>>)> {
        self.view
            .as_ref()
            .map(|s| (s.request.topic.clone(), s.request.partitions.clone()))
            .or_else(|| self.last_form.as_ref().map(|f| (f.topic.clone(), None)))
    }

    /// The bar for `topic`: the last one's settings when it was the same
    /// topic, its pattern and flags otherwise.
    pub fn form(&self, topic: &str, partitions: Option<&[i32]>) -> SearchForm {
        match &self.last_form {
            Some(last) if last.topic == topic => SearchForm::again(topic, last),
            Some(last) => {
                let mut f = SearchForm::new(topic, partitions);
                f.pattern = last.pattern.clone();
                f.target = last.target;
                f.ignore_case = last.ignore_case;
                f.invert = last.invert;
                f
            }
            None => SearchForm::new(topic, partitions),
        }
    }

    /// Run a search (cancelling the one running).
    pub fn start(&mut self, s: StartSearch) -> Vec<Output> {
        let mut out = vec![];
        if self.view.as_ref().is_some_and(SearchView::running) {
            out.push(Output::Command(Command::CancelSearch));
        }
        self.view = Some(SearchView::new(
            s.request.clone(),
            s.matcher,
            s.form.newest_first,
        ));
        self.last_form = Some(s.form);
        out.push(Output::Command(Command::Search(s.request)));
        out
    }

    /// Read the match again in full, in the explorer, with the messages
    /// before and after it in its partition; `detail` opens it.
    fn open_hit(&self, detail: bool) -> Vec<Output> {
        let Some(view) = &self.view else {
            return vec![];
        };
        let Some(hit) = view.selected() else {
            return vec![];
        };
        let (partition, offset) = hit.key();
        let mut open = OpenMessages::new(
            &view.request.topic,
            Some(vec![partition]),
            StartAt::Offset((offset - NEIGHBOURS).max(0)),
        );
        open.focus = Some((partition, offset));
        open.detail = detail;
        open.highlight = (!view.request.query.invert).then(|| view.matcher.clone());
        open.return_to = Some(ScreenId::Search);
        vec![Output::Nav(Nav::Messages(Box::new(open)))]
    }
}

impl Component for SearchScreen {
    fn mode(&self) -> Mode {
        Mode::Normal
    }

    fn handle(&mut self, input: &Input, shared: &mut Shared) -> Option<Vec<Output>> {
        let Input::Action(action) = input else {
            return None;
        };
        if *action == Action::Filter {
            return Some(vec![Output::Nav(Nav::SearchBar { pattern: None })]);
        }
        let Some(view) = &mut self.view else {
            return match action {
                Action::Back => Some(vec![Output::Nav(Nav::Back {
                    to: Some(ScreenId::Topics),
                })]),
                _ => None,
            };
        };
        if view
            .cursor
            .apply(*action, view.hits.len(), shared.page_size)
        {
            return Some(vec![]);
        }
        Some(match action {
            Action::Back if view.running() => {
                // Cancelled at once; the worker's last report still adds
                // what it found on the way out.
                view.outcome = Some(SearchOutcome::Cancelled);
                vec![
                    Output::info("search cancelled; the matches found so far are kept"),
                    Output::Command(Command::CancelSearch),
                ]
            }
            Action::Back => vec![Output::Nav(Nav::Back {
                to: Some(ScreenId::Topics),
            })],
            Action::SortNext => {
                view.toggle_order();
                let order = if view.newest_first {
                    "newest first"
                } else {
                    "oldest first"
                };
                vec![Output::info(format!("matches {order}"))]
            }
            Action::Open => self.open_hit(true),
            Action::Messages => self.open_hit(false),
            Action::Produce => vec![Output::Nav(Nav::Produce {
                topic: Some(view.request.topic.clone()),
                replay: None,
            })],
            _ => return None,
        })
    }

    fn apply(&mut self, event: &Event, shared: &mut Shared) -> Vec<Output> {
        let Some(s) = &mut self.view else {
            return vec![];
        };
        let mut out = vec![];
        match event {
            Event::SearchStarted { session, spans } if *session == s.request.session => {
                s.started(spans.clone())
            }
            Event::SearchProgress {
                session,
                positions,
                scanned,
                elapsed_ms,
                hits,
                error,
            } if *session == s.request.session => {
                s.progress(positions, *scanned, *elapsed_ms);
                out = shared.fetch_schemas(hits.iter().map(|h| &h.message));
                s.add(hits.clone());
                if error.is_some() {
                    s.error = error.clone();
                }
            }
            Event::SearchDone {
                session,
                outcome,
                scanned,
                elapsed_ms,
                ..
            } if *session == s.request.session => s.finish(outcome.clone(), *scanned, *elapsed_ms),
            _ => {}
        }
        out
    }

    fn draw(&self, frame: &mut Frame, area: Rect, shared: &Shared) {
        match &self.view {
            Some(s) => draw(frame, area, shared, s),
            None => draw_empty(frame, area),
        }
    }

    fn hints(&self, _shared: &Shared) -> Vec<Hint> {
        let running = self.view.as_ref().is_some_and(SearchView::running);
        vec![
            hint(Action::Open, "open"),
            hint(Action::Messages, "in stream"),
            hint(Action::Filter, "search"),
            hint(Action::SortNext, "order"),
            hint(Action::Back, if running { "cancel" } else { "back" }),
            hint(Action::NextScreen, "screen"),
            hint(Action::Help, "help"),
            hint(Action::Quit, "quit"),
        ]
    }
}

fn draw_empty(frame: &mut Frame, area: Rect) {
    frame.render_widget(
        Paragraph::new(
            "No search yet. Open a topic (Enter) or its messages (m), then press / to search it; \
             or type :search PATTERN on the topic list.",
        )
        .style(theme::dim())
        .wrap(ratatui::widgets::Wrap { trim: true })
        .block(Block::bordered().title(Line::styled(" Search ", theme::title()))),
        area,
    );
}

fn percent(done: u64, total: u64) -> String {
    if total == 0 {
        return "100%".into();
    }
    format!("{:.0}%", done as f64 * 100.0 / total as f64)
}

fn rate(r: f64) -> String {
    if r >= 1_000_000.0 {
        format!("{:.1}M msg/s", r / 1_000_000.0)
    } else if r >= 1_000.0 {
        format!("{:.0}k msg/s", r / 1_000.0)
    } else {
        format!("{r:.0} msg/s")
    }
}

fn progress_lines(s: &SearchView, width: usize) -> Vec<Line<'static>> {
    let total = s.total();
    let status = match &s.outcome {
        None if s.spans.is_empty() => Span::styled("resolving scope… ", theme::dim()),
        None => Span::styled("searching ", theme::warn()),
        Some(SearchOutcome::Completed) => Span::styled("done ", theme::ok()),
        Some(SearchOutcome::Failed(e)) => {
            Span::styled(format!("failed: {} ", sanitize(&e.message)), theme::bad())
        }
        Some(o) => Span::styled(format!("{} ", o.label()), theme::warn()),
    };
    let matches = s.hits.len();
    let mut first = vec![
        Span::raw(" "),
        status,
        Span::raw(format!("{} ", percent(s.scanned.min(total), total))),
        Span::raw(progress_bar(s.scanned.min(total), total, 20)),
        Span::raw(" "),
        Span::styled(
            format!(
                "{} {}",
                thousands(matches as i64),
                if matches == 1 { "match" } else { "matches" }
            ),
            theme::title(),
        ),
        Span::raw(format!(
            " · {} of {} scanned",
            thousands(s.scanned as i64),
            thousands(total as i64),
        )),
    ];
    if let Some(r) = s.rate() {
        first.push(Span::raw(format!(" · {}", rate(r))));
    }
    match s.eta_secs() {
        Some(eta) => first.push(Span::raw(format!(" · {:.0}s left", eta.ceil()))),
        None if !s.running() => first.push(Span::raw(format!(
            " · {:.1}s",
            s.elapsed_ms as f64 / 1000.0
        ))),
        None => {}
    }
    let mut lines = vec![Line::from(first)];
    // Per partition: "p0 ███░ 75%", as many as fit on two lines.
    let mut line: Vec<Span> = vec![Span::raw(" ")];
    let mut used = 1usize;
    let mut shown = 0usize;
    for span in &s.spans {
        let (done, all) = s.partition_progress(span);
        let cell = format!(
            "p{} {} {:>4}  ",
            span.partition,
            progress_bar(done, all, 6),
            percent(done, all)
        );
        let w = cell.chars().count();
        if used + w > width {
            if lines.len() == 2 {
                break;
            }
            lines.push(Line::from(std::mem::take(&mut line)));
            line.push(Span::raw(" "));
            used = 1;
        }
        let style = if done >= all {
            theme::dim()
        } else {
            ratatui::style::Style::new()
        };
        line.push(Span::styled(cell, style));
        used += w;
        shown += 1;
    }
    if shown < s.spans.len() {
        line.push(Span::styled(
            format!("+{} partitions", s.spans.len() - shown),
            theme::dim(),
        ));
    }
    if lines.len() < 3 && line.len() > 1 {
        lines.push(Line::from(line));
    }
    lines
}

/// The value column: the match and its context when it is in the value
/// or a header; the start of the value otherwise.
fn value_cell(shared: &Shared, topic: &str, h: &SearchHit, max: usize) -> Line<'static> {
    let at = Slot::value(topic);
    let m = &h.message;
    match h.span {
        Some(sp) if sp.field == Field::Value => Line::from(around(
            &crate::app::decoded::searchable(shared, at, m.value.as_deref().unwrap_or_default()),
            sp.start,
            sp.end,
            max,
        )),
        Some(sp) => {
            let header = match sp.field {
                Field::HeaderName(i) | Field::HeaderValue(i) => m.headers.get(i),
                _ => None,
            };
            match (sp.field, header) {
                (Field::HeaderName(_), Some((k, _))) => {
                    let mut spans = vec![Span::styled("header ", theme::dim())];
                    spans.extend(around(
                        k.as_bytes(),
                        sp.start,
                        sp.end,
                        max.saturating_sub(7),
                    ));
                    Line::from(spans)
                }
                (Field::HeaderValue(_), Some((k, Some(v)))) => {
                    let name = format!("header {}: ", escaped(k.as_bytes(), max / 3));
                    let left = max.saturating_sub(name.width());
                    let mut spans = vec![Span::styled(name, theme::dim())];
                    spans.extend(around(v, sp.start, sp.end, left));
                    Line::from(spans)
                }
                _ => Line::from(shown(shared, at, m.value.as_deref(), max)),
            }
        }
        None => Line::from(shown(shared, at, m.value.as_deref(), max)),
    }
}

fn key_cell(shared: &Shared, topic: &str, h: &SearchHit, max: usize) -> Line<'static> {
    let at = Slot::key(topic);
    match (h.span, h.message.key.as_deref()) {
        (Some(sp), Some(k)) if sp.field == Field::Key => Line::from(around(
            &crate::app::decoded::searchable(shared, at, k),
            sp.start,
            sp.end,
            max,
        )),
        (_, k) => Line::from(shown(shared, at, k, max)),
    }
}

fn draw(frame: &mut Frame, area: Rect, app: &Shared, s: &SearchView) {
    let topic = s.request.topic.as_str();
    let q = &s.request.query;
    let mut flags = vec![format!("in {}", q.target.label())];
    if q.case_insensitive {
        flags.push("ignore case".into());
    }
    if q.invert {
        flags.push("inverted".into());
    }
    let title = Line::from(vec![
        Span::styled(
            format!(
                " Search {} ",
                fit(&s.request.topic, usize::from(area.width / 3))
            ),
            theme::title(),
        ),
        Span::styled(format!("/{}/ ", sanitize(&q.pattern)), theme::key()),
        Span::styled(format!("({}) ", flags.join(", ")), theme::dim()),
    ]);
    let width = usize::from(area.width.saturating_sub(2));
    let progress = progress_lines(s, width);
    let [top, list] = Layout::vertical([
        Constraint::Length(progress.len() as u16 + 2),
        Constraint::Min(3),
    ])
    .areas(area);
    let mut block = Block::bordered().title(title);
    if let Some(e) = &s.error {
        block = block.title_bottom(Line::styled(
            format!(" ✖ read error, skipped: {} ", sanitize(&e.message)),
            theme::bad(),
        ));
    }
    frame.render_widget(Paragraph::new(progress).block(block), top);

    let order = if s.newest_first {
        "newest first"
    } else {
        "oldest first"
    };
    let list_block = Block::bordered().title(Line::from(vec![
        Span::styled(" Matches ", theme::title()),
        Span::styled(
            format!("({order}; s: order · enter: open · m: show in the stream) "),
            theme::dim(),
        ),
    ]));
    let compact = area.width < 110;
    let utc = app.utc;
    let col = if compact {
        column_widths(list, &[Some(3), Some(8), Some(12), None], 1)
    } else {
        let key = (list.width / 6).clamp(12, 48);
        column_widths(
            list,
            &[Some(4), Some(10), Some(23), Some(key), None, Some(9)],
            1,
        )
    };
    let widths: Vec<Constraint> = col.iter().map(|w| Constraint::Length(*w)).collect();
    let right = |s: String| Cell::from(Line::from(s).right_aligned());
    let header = if compact {
        Row::new(["P", "Offset", "Time", "Match"])
    } else {
        Row::new([
            Cell::from("P"),
            right("Offset".into()),
            Cell::from("Timestamp"),
            Cell::from("Key"),
            Cell::from("Value"),
            right("Size".into()),
        ])
    };
    let empty = if s.running() {
        "No matches yet…"
    } else {
        "No message matched."
    };
    WindowedTable {
        block: list_block,
        header,
        widths: &widths,
        len: s.hits.len(),
        cursor: &s.cursor,
        row: |i: usize| {
            let Some(h) = s.row(i) else {
                return Row::new([""]);
            };
            let m = &h.message;
            let ts = timestamp(m.timestamp, utc);
            if compact {
                let w = usize::from(col[3]);
                let cell = match h.span {
                    Some(sp) if sp.field == Field::Key => key_cell(app, topic, h, w),
                    _ => value_cell(app, topic, h, w),
                };
                Row::new([
                    Cell::from(m.partition.to_string()),
                    Cell::from(thousands(m.offset)),
                    Cell::from(ts.get(11..23).unwrap_or(&ts).to_string()),
                    Cell::from(cell),
                ])
            } else {
                Row::new([
                    Cell::from(m.partition.to_string()),
                    right(thousands(m.offset)),
                    Cell::from(ts),
                    Cell::from(key_cell(app, topic, h, usize::from(col[3]))),
                    Cell::from(value_cell(app, topic, h, usize::from(col[4]))),
                    right(size(h.value_size)),
                ])
            }
        },
        empty: empty.into(),
        spacing: 1,
    }
    .draw(frame, list);
}
