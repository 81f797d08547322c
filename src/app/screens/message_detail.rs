//! One message: where it is, when, its key, headers and value: JSON pretty
//! and coloured, text escaped, or a hex dump (`x`).

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

use super::messages::{preview, timestamp};
use super::ScreenId;
use crate::app::action::{Action, Mode};
use crate::app::component::{hint, Component, Effect, Hint, Input, Nav, Output};
use crate::app::shared::Shared;
use crate::model::{Message, TimestampKind};
use crate::protocol::search::Matcher;
use crate::schema::{Decoding, Part, SchemaInfo};
use crate::ui::bytes::{escaped, hex_lines, is_text, json_lines, size};
use crate::ui::text::{sanitize, wrap_line};
use crate::ui::theme;
use crate::ui::widgets::highlight::highlight_line;

/// Above this, values are not parsed as JSON (the text view pages them).
const JSON_LIMIT: usize = 1 << 20;

/// One message, opened from the list (or straight from a search match).
#[derive(Debug, Clone)]
pub struct MessageDetail {
    pub topic: String,
    pub message: Message,
    pub hex: bool,
    /// Show the value's schema instead of the value (l, h).
    pub schema: bool,
    pub scroll: usize,
    /// Marks what a search matched.
    pub highlight: Option<Matcher>,
    /// Opened from another screen (a search match): Esc goes back there.
    pub back_to: Option<ScreenId>,
}

impl MessageDetail {
    pub fn new(
        topic: &str,
        message: Message,
        highlight: Option<Matcher>,
        back_to: Option<ScreenId>,
    ) -> MessageDetail {
        MessageDetail {
            topic: topic.into(),
            message,
            hex: false,
            schema: false,
            scroll: 0,
            highlight,
            back_to,
        }
    }
}

impl Component for MessageDetail {
    fn mode(&self) -> Mode {
        Mode::Normal
    }

    fn handle(&mut self, input: &Input, shared: &mut Shared) -> Option<Vec<Output>> {
        let Input::Action(action) = input else {
            return None;
        };
        let page = shared.page_size;
        match action {
            Action::Back | Action::Open => {
                return Some(vec![Output::Nav(Nav::Back { to: self.back_to })]);
            }
            Action::Hex => self.hex = !self.hex,
            Action::NextTab | Action::PrevTab => {
                self.schema = !self.schema;
                self.scroll = 0;
            }
            Action::Down => self.scroll += 1,
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::PageDown => self.scroll += page,
            Action::PageUp => self.scroll = self.scroll.saturating_sub(page),
            Action::Top => self.scroll = 0,
            Action::Copy => {
                let m = &self.message;
                let decoded = shared.decoders.as_ref().map(|d| {
                    (
                        d.decode_now(&self.topic, Part::Key, m.key.as_deref()),
                        d.decode_now(&self.topic, Part::Value, m.value.as_deref()),
                    )
                });
                let text = serde_json::to_string(&crate::envelope::Envelope {
                    topic: &self.topic,
                    message: m,
                    decoded: decoded.as_ref().map(|(k, v)| (k, v)),
                })
                .unwrap_or_default();
                return Some(vec![
                    Output::Effect(Effect::Copy(text)),
                    Output::info(format!(
                        "copied {}/{} to the clipboard",
                        m.partition, m.offset
                    )),
                ]);
            }
            Action::Replay => {
                return Some(vec![Output::Nav(Nav::Produce {
                    topic: None,
                    replay: Some(Box::new((self.topic.clone(), self.message.clone()))),
                })]);
            }
            _ => return None,
        }
        Some(vec![])
    }

    fn draw(&self, frame: &mut Frame, area: Rect, shared: &Shared) {
        draw(frame, area, self, shared);
    }

    fn hints(&self, shared: &Shared) -> Vec<Hint> {
        let mut v = vec![hint(Action::Back, "back"), hint(Action::Hex, "hex")];
        if has_schema(shared, &self.topic, &self.message) {
            v.push(hint(Action::NextTab, "schema"));
        }
        v.extend([
            hint(Action::Copy, "copy"),
            hint(Action::Help, "help"),
            hint(Action::Quit, "quit"),
        ]);
        v
    }
}

/// Whether the value was decoded through a schema (`l` shows it).
fn has_schema(shared: &Shared, topic: &str, m: &crate::model::Message) -> bool {
    shared.decoders.as_ref().is_some_and(|d| {
        matches!(
            d.decode_now(topic, Part::Value, m.value.as_deref()),
            Decoding::Decoded { .. }
        )
    })
}

fn draw(frame: &mut Frame, area: Rect, detail: &MessageDetail, shared: &Shared) {
    let m = &detail.message;
    let kind = match m.timestamp_kind {
        TimestampKind::Create => "create time",
        TimestampKind::LogAppend => "log append time",
        TimestampKind::None => "no timestamp",
    };
    let mut head = vec![
        Line::from(vec![
            Span::styled(" partition ", theme::dim()),
            Span::raw(m.partition.to_string()),
            Span::styled("  offset ", theme::dim()),
            Span::raw(crate::ui::text::thousands(m.offset)),
            Span::styled("  timestamp ", theme::dim()),
            Span::raw(format!("{} ({kind})", timestamp(m.timestamp, shared.utc))),
        ]),
        Line::from(vec![
            Span::styled(" key ", theme::dim()),
            super::messages::shown(
                shared,
                crate::app::decoded::Slot::key(&detail.topic),
                m.key.as_deref(),
                4_000,
            ),
            Span::styled(
                format!(
                    "  · key {} · value {}",
                    size(m.key.as_ref().map_or(0, Vec::len)),
                    match &m.value {
                        None => "null (tombstone)".to_string(),
                        Some(v) => size(v.len()),
                    }
                ),
                theme::dim(),
            ),
        ]),
    ];
    let decoded = shared
        .decoders
        .as_ref()
        .map(|d| d.decode_now(&detail.topic, Part::Value, m.value.as_deref()));
    match &decoded {
        Some(Decoding::Decoded {
            schema, type_name, ..
        }) => head.push(Line::from(vec![
            Span::styled(" value schema ", theme::dim()),
            Span::raw(schema_words(schema, &detail.topic, type_name.as_deref())),
        ])),
        Some(Decoding::Failed { reason, .. }) => head.push(Line::from(vec![
            Span::styled(" value not decoded ", theme::warn()),
            Span::raw(sanitize(reason)),
        ])),
        Some(Decoding::Pending { id }) => head.push(Line::styled(
            format!(" value schema id {id}: fetching…"),
            theme::dim(),
        )),
        _ => {}
    }
    for (k, v) in &m.headers {
        head.push(Line::from(vec![
            Span::styled(format!(" header {} = ", sanitize(k)), theme::dim()),
            preview(v.as_deref(), usize::MAX),
        ]));
    }
    if let Some(matcher) = &detail.highlight {
        if let Some(Some(span)) = matcher.test_message(m) {
            head.push(Line::from(vec![
                Span::styled(" match ", theme::matched()),
                Span::styled(
                    format!(
                        " in the {} at bytes {}..{}",
                        span.field.label(),
                        span.start,
                        span.end
                    ),
                    theme::dim(),
                ),
            ]));
        }
        head = head
            .into_iter()
            .map(|l| highlight_line(l, &matcher.regex))
            .collect();
    }
    // Long keys and headers wrap, never cut inside an escape.
    let head: Vec<Line> = head
        .into_iter()
        .flat_map(|l| wrap_line(l, usize::from(area.width)))
        .collect();
    let head_height = (head.len() as u16).min(area.height / 2);
    let [head_area, body] =
        Layout::vertical([Constraint::Length(head_height), Constraint::Min(3)]).areas(area);
    frame.render_widget(Paragraph::new(head), head_area);

    let height = usize::from(body.height.saturating_sub(2));
    let inner = usize::from(body.width.saturating_sub(2));
    let (mode, lines): (&str, Vec<Line>) = match &m.value {
        None => (
            "tombstone",
            vec![Line::styled(
                "null: a tombstone (the key was deleted)",
                theme::warn(),
            )],
        ),
        Some(v) if v.is_empty() => (
            "empty",
            vec![Line::styled("(empty value: zero bytes)", theme::dim())],
        ),
        Some(v) if detail.hex => ("hex", page(hex_lines(v), detail.scroll, height)),
        Some(_) if detail.schema => match &decoded {
            Some(Decoding::Decoded { schema, .. }) => (
                "schema",
                schema_lines(schema, &detail.topic)
                    .into_iter()
                    .skip(detail.scroll)
                    .take(height)
                    .collect(),
            ),
            _ => (
                "schema",
                vec![Line::styled(
                    "no schema: this value is not in the Schema Registry wire format, or no registry is set",
                    theme::dim(),
                )],
            ),
        },
        Some(_) if matches!(decoded, Some(Decoding::Decoded { .. })) => {
            let Some(Decoding::Decoded { json, schema, .. }) = &decoded else {
                unreachable!("matched above")
            };
            let text = serde_json::to_vec(json).unwrap_or_default();
            (
                match schema.kind {
                    crate::schema::SchemaKind::Avro => "Avro, decoded",
                    crate::schema::SchemaKind::Protobuf => "Protobuf, decoded",
                    crate::schema::SchemaKind::Json => "JSON Schema",
                },
                json_lines(&text)
                    .unwrap_or_default()
                    .into_iter()
                    .skip(detail.scroll)
                    .take(height)
                    .collect(),
            )
        }
        Some(v) => match (v.len() <= JSON_LIMIT).then(|| json_lines(v)).flatten() {
            Some(json) => (
                "json",
                json.into_iter().skip(detail.scroll).take(height).collect(),
            ),
            None if is_text(v) => ("text", text_page(v, detail.scroll, height)),
            None => ("binary: hex", page(hex_lines(v), detail.scroll, height)),
        },
    };
    let lines: Vec<Line> = match &detail.highlight {
        Some(matcher) if !detail.hex => lines
            .into_iter()
            .map(|l| highlight_line(l, &matcher.regex))
            .collect(),
        _ => lines,
    };
    // Lines longer than the view wrap (the scroll counts whole lines).
    let lines: Vec<Line> = lines
        .into_iter()
        .flat_map(|l| wrap_line(l, inner))
        .take(height)
        .collect();
    let title = Line::from(vec![
        Span::styled(" Value ", theme::title()),
        Span::styled(
            format!(
                "({mode}; x toggles hex; {}j/k scroll) ",
                if has_schema(shared, &detail.topic, m) {
                    "l the schema; "
                } else {
                    ""
                }
            ),
            theme::dim(),
        ),
    ]);
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(title)),
        body,
    );
}

/// "AVRO · orders-value v2 · id 3 · shop.Payment"
fn schema_words(s: &SchemaInfo, topic: &str, type_name: Option<&str>) -> String {
    let mut words = vec![s.kind.name().to_string()];
    if let Some((subject, v)) = s.subject_for(topic, "value") {
        words.push(format!("{} v{v}", sanitize(subject)));
    }
    match &s.file {
        Some(file) => words.push(format!("file {}", sanitize(file))),
        None => words.push(format!("id {}", s.id)),
    }
    if let Some(t) = type_name {
        words.push(sanitize(t));
    }
    words.join(" · ")
}

/// The schema's text: JSON pretty, `.proto` as written.
fn schema_lines(s: &SchemaInfo, topic: &str) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(schema_words(s, topic, None), theme::dim())];
    match json_lines(s.text.as_bytes()) {
        Some(j) => lines.extend(j),
        None => lines.extend(
            s.text
                .lines()
                .map(|l| Line::raw(escaped(l.as_bytes(), 4_000))),
        ),
    }
    lines
}

fn page(lines: Vec<String>, scroll: usize, height: usize) -> Vec<Line<'static>> {
    lines
        .into_iter()
        .skip(scroll)
        .take(height)
        .map(Line::raw)
        .collect()
}

/// The visible lines of a text value, escaped, without copying the rest.
fn text_page(v: &[u8], scroll: usize, height: usize) -> Vec<Line<'static>> {
    v.split(|b| *b == b'\n')
        .skip(scroll)
        .take(height)
        .map(|l| Line::raw(escaped(l, 4_000)))
        .collect()
}
