//! The produce screen's state: the draft being typed (a multi-line editor
//! for headers and value), the send in progress or its last result, recent
//! drafts, and the templates to start from.

use ratatui_textarea::{Input, Key, TextArea};

use crate::app::input::{Edit, LineInput};
use crate::app::screens::{cycle, ScreenId};
use crate::model::ProduceStats;
use crate::protocol::produce::draft::{
    pretty_json, Acks, Draft, DraftField, ValueMode, COMPRESSIONS,
};
use crate::protocol::produce::RecordBytes;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProduceField {
    Topic,
    Partition,
    Key,
    KeySchema,
    Headers,
    Value,
    Mode,
    ValueSchema,
    Timestamp,
    Acks,
    Compression,
    Count,
    Rate,
}

impl ProduceField {
    pub const ALL: [ProduceField; 13] = [
        ProduceField::Topic,
        ProduceField::Partition,
        ProduceField::Key,
        ProduceField::KeySchema,
        ProduceField::Headers,
        ProduceField::Value,
        ProduceField::Mode,
        ProduceField::ValueSchema,
        ProduceField::Timestamp,
        ProduceField::Acks,
        ProduceField::Compression,
        ProduceField::Count,
        ProduceField::Rate,
    ];

    pub fn label(self) -> &'static str {
        match self {
            ProduceField::Topic => "topic",
            ProduceField::Partition => "partition",
            ProduceField::Key => "key",
            ProduceField::KeySchema => "key schema",
            ProduceField::ValueSchema => "schema",
            ProduceField::Headers => "headers",
            ProduceField::Value => "value",
            ProduceField::Mode => "value is",
            ProduceField::Timestamp => "timestamp",
            ProduceField::Acks => "acks",
            ProduceField::Compression => "compression",
            ProduceField::Count => "messages",
            ProduceField::Rate => "rate /s",
        }
    }

    fn of(f: DraftField) -> ProduceField {
        match f {
            DraftField::Topic => ProduceField::Topic,
            DraftField::Partition => ProduceField::Partition,
            DraftField::Key => ProduceField::Key,
            DraftField::Headers => ProduceField::Headers,
            DraftField::Value => ProduceField::Value,
            DraftField::Timestamp => ProduceField::Timestamp,
            DraftField::ValueSchema => ProduceField::ValueSchema,
            DraftField::KeySchema => ProduceField::KeySchema,
        }
    }
}

/// A send running or done.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProduceRun {
    pub session: u64,
    pub topic: String,
    pub count: u64,
    pub stats: ProduceStats,
    /// None while running; Some(None) done; Some(Some(e)) failed to start.
    pub done: Option<Option<crate::protocol::OpError>>,
    pub stopped: bool,
}

impl ProduceRun {
    pub fn new(session: u64, topic: &str, count: u64) -> ProduceRun {
        ProduceRun {
            session,
            topic: topic.to_string(),
            count,
            stats: ProduceStats::default(),
            done: None,
            stopped: false,
        }
    }

    pub fn running(&self) -> bool {
        self.done.is_none()
    }

    /// What a quit interrupted, for the terminal once it is back: every
    /// message sent acknowledged or failed, or, when the send's last
    /// report did not come in time, how many have no report.
    pub fn quit_summary(&self) -> String {
        let s = &self.stats;
        let unknown = s.sent.saturating_sub(s.acked + s.failed);
        let mut line = format!(
            "creel: the send to {} was stopped by quit: sent {}, acknowledged {}, failed {}",
            self.topic, s.sent, s.acked, s.failed
        );
        if self.running() && unknown > 0 {
            line.push_str(&format!(
                ", {unknown} without a delivery report when creel quit (they may have landed)"
            ));
        }
        if self.count > 0 && s.sent < self.count {
            line.push_str(&format!(
                " ({} of {} not sent)",
                self.count - s.sent,
                self.count
            ));
        }
        if let Some((why, n)) = s.errors.iter().max_by_key(|(_, n)| **n) {
            line.push_str(&format!("\ncreel:   {n} x {why}"));
        }
        line
    }
}

/// A template the screen can start from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateFile {
    pub name: String,
    pub text: String,
}

impl TemplateFile {
    /// A template as read from a file: the file's last line break ends the
    /// file, it is not part of the message.
    pub fn from_file(name: &str, text: &str) -> TemplateFile {
        TemplateFile {
            name: name.into(),
            text: text.trim_end_matches(['\n', '\r']).into(),
        }
    }
}

/// The examples shipped in assets/templates/, embedded at build time.
pub fn builtin_templates() -> Vec<TemplateFile> {
    [
        (
            "order.json",
            include_str!("../../../assets/templates/order.json"),
        ),
        (
            "payment.json",
            include_str!("../../../assets/templates/payment.json"),
        ),
        (
            "click.json",
            include_str!("../../../assets/templates/click.json"),
        ),
        (
            "cloudevent.json",
            include_str!("../../../assets/templates/cloudevent.json"),
        ),
    ]
    .into_iter()
    .map(|(name, text)| TemplateFile::from_file(name, text))
    .collect()
}

pub const HISTORY: usize = 20;

#[derive(Debug, Clone)]
pub struct ProduceView {
    pub topic: LineInput,
    pub partition: LineInput,
    pub key: LineInput,
    /// Empty: the key as typed; else a subject (or #id) to write it with.
    pub key_schema: LineInput,
    pub headers: TextArea<'static>,
    pub value: TextArea<'static>,
    pub mode: ValueMode,
    /// With the schema mode: a subject, subject@version or #id; empty for
    /// the topic's `-value` subject.
    pub value_schema: LineInput,
    pub timestamp: LineInput,
    pub acks: Acks,
    pub compression: usize,
    pub count: LineInput,
    pub rate: LineInput,
    pub focus: ProduceField,
    /// The field that is wrong and why (nothing was sent).
    pub error: Option<(ProduceField, String)>,
    pub run: Option<ProduceRun>,
    /// Drafts sent, newest last.
    pub history: Vec<Draft>,
    pub history_pos: Option<usize>,
    pub templates: Vec<TemplateFile>,
    /// The template loaded last, by index.
    pub template: Option<usize>,
    /// Where Esc goes.
    pub return_to: ScreenId,
    /// The form has the keyboard (Form mode); Esc stops editing.
    pub editing: bool,
    /// A replayed message written with a schema, as loaded, and its key and
    /// value bytes: sent as those bytes while the draft is unchanged.
    pub replayed: Option<(Draft, RecordBytes)>,
}

/// An editor holding `text` exactly: split on '\n' (not `lines()`, which
/// drops a final line break and eats '\r'), so `draft()`, joining with
/// '\n', gives the same bytes back.
fn lines(text: &str) -> TextArea<'static> {
    let mut t = TextArea::new(text.split('\n').map(str::to_string).collect());
    t.move_cursor(ratatui_textarea::CursorMove::Top);
    t.move_cursor(ratatui_textarea::CursorMove::Head);
    t
}

impl ProduceView {
    pub fn new(draft: &Draft, templates: Vec<TemplateFile>) -> ProduceView {
        let mut v = ProduceView {
            topic: LineInput::default(),
            partition: LineInput::default(),
            key: LineInput::default(),
            key_schema: LineInput::default(),
            headers: TextArea::default(),
            value: TextArea::default(),
            mode: ValueMode::Text,
            value_schema: LineInput::default(),
            timestamp: LineInput::default(),
            acks: Acks::All,
            compression: 0,
            count: LineInput::with_text("1"),
            rate: LineInput::default(),
            focus: ProduceField::Value,
            error: None,
            run: None,
            history: vec![],
            history_pos: None,
            templates,
            template: None,
            return_to: ScreenId::Topics,
            editing: true,
            replayed: None,
        };
        v.load(draft);
        v
    }

    /// Put a draft in the form (replay, recall).
    pub fn load(&mut self, d: &Draft) {
        self.topic = LineInput::with_text(&d.topic);
        self.partition = LineInput::with_text(&d.partition);
        self.key = LineInput::with_text(&d.key);
        self.headers = lines(&d.headers);
        self.value = lines(&d.value);
        self.mode = d.mode;
        self.key_schema = LineInput::with_text(&d.key_schema);
        self.value_schema = LineInput::with_text(&d.value_schema);
        self.timestamp = LineInput::with_text(&d.timestamp);
        self.acks = d.acks;
        self.compression = COMPRESSIONS
            .iter()
            .position(|c| *c == d.compression)
            .unwrap_or(0);
        self.error = None;
    }

    /// The form as a draft: exactly what was typed.
    pub fn draft(&self) -> Draft {
        Draft {
            topic: self.topic.text.trim().to_string(),
            partition: self.partition.text.clone(),
            key: self.key.text.clone(),
            headers: self.headers.lines().join("\n"),
            value: self.value.lines().join("\n"),
            mode: self.mode,
            timestamp: self.timestamp.text.clone(),
            acks: self.acks,
            compression: COMPRESSIONS[self.compression].into(),
            value_schema: self.value_schema.text.trim().to_string(),
            key_schema: self.key_schema.text.trim().to_string(),
        }
    }

    pub fn line(&self, f: ProduceField) -> Option<&LineInput> {
        match f {
            ProduceField::Topic => Some(&self.topic),
            ProduceField::Partition => Some(&self.partition),
            ProduceField::Key => Some(&self.key),
            ProduceField::KeySchema => Some(&self.key_schema),
            ProduceField::ValueSchema => Some(&self.value_schema),
            ProduceField::Timestamp => Some(&self.timestamp),
            ProduceField::Count => Some(&self.count),
            ProduceField::Rate => Some(&self.rate),
            _ => None,
        }
    }

    fn line_mut(&mut self, f: ProduceField) -> Option<&mut LineInput> {
        match f {
            ProduceField::Topic => Some(&mut self.topic),
            ProduceField::Partition => Some(&mut self.partition),
            ProduceField::Key => Some(&mut self.key),
            ProduceField::KeySchema => Some(&mut self.key_schema),
            ProduceField::ValueSchema => Some(&mut self.value_schema),
            ProduceField::Timestamp => Some(&mut self.timestamp),
            ProduceField::Count => Some(&mut self.count),
            ProduceField::Rate => Some(&mut self.rate),
            _ => None,
        }
    }

    pub fn move_focus(&mut self, forward: bool) {
        if let Some(line) = self.line_mut(self.focus) {
            line.selected = false;
        }
        self.focus = cycle(&ProduceField::ALL, self.focus, forward);
        // The schema field is only on screen in the schema mode.
        if self.focus == ProduceField::ValueSchema && self.mode != ValueMode::Schema {
            self.focus = cycle(&ProduceField::ALL, self.focus, forward);
        }
        // A number field is entered with its value selected: typing 500
        // over 1 gives 500, not 1500.
        if matches!(
            self.focus,
            ProduceField::Partition | ProduceField::Count | ProduceField::Rate
        ) {
            if let Some(line) = self.line_mut(self.focus) {
                line.select_all();
            }
        }
    }

    /// A key typed into the focused field.
    pub fn type_key(&mut self, input: Input) {
        let choice = matches!(input.key, Key::Left | Key::Right | Key::Char(' '));
        let forward = !matches!(input.key, Key::Left);
        match self.focus {
            ProduceField::Headers => {
                self.headers.input(input);
            }
            ProduceField::Value => {
                self.value.input(input);
            }
            ProduceField::Mode if choice => {
                self.mode = cycle(&ValueMode::ALL, self.mode, forward);
            }
            ProduceField::Acks if choice => {
                self.acks = cycle(&Acks::ALL, self.acks, forward);
            }
            ProduceField::Compression if choice => {
                let n = COMPRESSIONS.len();
                self.compression = if forward {
                    (self.compression + 1) % n
                } else {
                    (self.compression + n - 1) % n
                };
            }
            f => {
                if let (Some(edit), Some(line)) = (edit_of(&input), self.line_mut(f)) {
                    line.edit(edit);
                }
            }
        }
        if self.error.as_ref().is_some_and(|(f, _)| *f == self.focus) {
            self.error = None;
        }
    }

    /// Ctrl-P: the value as pretty JSON, when it parses.
    pub fn pretty(&mut self) -> Result<(), String> {
        let text = self.value.lines().join("\n");
        match pretty_json(&text) {
            Some(p) => {
                self.value = lines(&p);
                if self.mode != ValueMode::Schema {
                    self.mode = ValueMode::Json;
                }
                Ok(())
            }
            None => Err(crate::protocol::produce::draft::check_json(&text)
                .err()
                .unwrap_or_else(|| "not JSON".into())),
        }
    }

    /// Ctrl-T: replace the value with the next template.
    pub fn next_template(&mut self) -> Option<&str> {
        if self.templates.is_empty() {
            return None;
        }
        let i = self.template.map_or(0, |i| (i + 1) % self.templates.len());
        self.template = Some(i);
        self.history_pos = None;
        let t = self.templates[i].clone();
        self.value = lines(&t.text);
        // A JSON template fills a schema's value as well: it stays in the
        // schema mode, encoded with the chosen schema.
        self.mode = if t.name.ends_with(".json") && self.mode == ValueMode::Schema {
            ValueMode::Schema
        } else if t.name.ends_with(".json") {
            ValueMode::Json
        } else {
            ValueMode::Text
        };
        self.focus = ProduceField::Value;
        Some(&self.templates[i].name)
    }

    /// Ctrl-R: the drafts sent before, newest first, round and round.
    pub fn recall(&mut self) -> bool {
        if self.history.is_empty() {
            return false;
        }
        let n = self.history.len();
        let pos = match self.history_pos {
            None => n - 1,
            Some(0) => n - 1,
            Some(p) => p - 1,
        };
        self.history_pos = Some(pos);
        self.template = None;
        let d = self.history[pos].clone();
        self.load(&d);
        true
    }

    pub fn remember(&mut self, d: Draft) {
        self.history.retain(|h| *h != d);
        self.history.push(d);
        if self.history.len() > HISTORY {
            self.history.remove(0);
        }
        self.history_pos = None;
    }

    /// Messages to send and the rate, checked.
    pub fn bulk(&self) -> Result<(u64, Option<f64>), (ProduceField, String)> {
        let count = match self.count.text.trim() {
            "" => 1,
            t => crate::app::search::parse_count(t)
                .map_err(|e| (ProduceField::Count, e))?
                .unwrap_or(1),
        };
        let rate = match self.rate.text.trim() {
            "" | "max" => None,
            t => {
                Some(crate::protocol::produce::parse_rate(t).map_err(|e| (ProduceField::Rate, e))?)
            }
        };
        Ok((count, rate))
    }

    pub fn set_error(&mut self, f: DraftField, e: String) {
        let field = ProduceField::of(f);
        self.focus = field;
        self.error = Some((field, e));
    }
}

/// The one-line editor's reading of a key.
fn edit_of(i: &Input) -> Option<Edit> {
    Some(match i.key {
        Key::Char('w') if i.ctrl => Edit::DeleteWord,
        Key::Char('u') if i.ctrl => Edit::Clear,
        Key::Char('a') if i.ctrl => Edit::Home,
        Key::Char('e') if i.ctrl => Edit::End,
        Key::Char(c) if !i.ctrl && !i.alt => Edit::Insert(c),
        Key::Backspace => Edit::Backspace,
        Key::Delete => Edit::Delete,
        Key::Left => Edit::Left,
        Key::Right => Edit::Right,
        Key::Home => Edit::Home,
        Key::End => Edit::End,
        _ => return None,
    })
}
