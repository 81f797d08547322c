//! The produce screen: the draft (fields, headers, value editor), and the
//! last send: its delivery report, or a bulk send's progress and summary.
//! While the form is edited its keys are the form's (Form mode); Esc stops
//! editing, so Tab and the screen keys work again.

mod draw;

use ratatui::layout::Rect;
use ratatui::Frame;

use super::ScreenId;
use crate::app::action::{Action, Mode};
use crate::app::component::{hint, Component, Hint, Input, Nav, Output};
use crate::app::input::LineInput;
use crate::app::produce::{
    draft_from_decoded, draft_from_message, Draft, ProduceField, ProduceRequest, ProduceRun,
    ProduceView, RecordBytes, ValueMode,
};
use crate::app::shared::Shared;
use crate::model::Message;
use crate::protocol::{Command, Event};

pub const READ_ONLY: &str = "read-only: producing is a write; creel does not send it";

#[derive(Debug, Clone, Default)]
pub struct ProduceScreen {
    pub view: Option<ProduceView>,
}

impl ProduceScreen {
    fn view_for(&mut self, draft: &Draft, shared: &Shared, from: ScreenId) -> &mut ProduceView {
        let view = self
            .view
            .get_or_insert_with(|| ProduceView::new(draft, shared.templates.clone()));
        if from != ScreenId::Produce {
            view.return_to = from;
        }
        view.editing = true;
        view
    }

    /// `p`: the form on `topic` (the draft typed before stays, aimed at it).
    pub fn open(&mut self, topic: Option<String>, shared: &Shared, from: ScreenId) {
        let draft = Draft {
            topic: topic.clone().unwrap_or_default(),
            compression: "none".into(),
            ..Draft::default()
        };
        let view = self.view_for(&draft, shared, from);
        if let Some(t) = topic {
            view.topic = LineInput::with_text(&t);
        }
    }

    /// `R`: a message, as it was, in the form.
    pub fn replay(&mut self, topic: &str, m: &Message, shared: &Shared, from: ScreenId) -> Output {
        let draft = match &shared.decoders {
            Some(d) => draft_from_decoded(
                topic,
                m,
                &d.decode_now(topic, crate::schema::Part::Key, m.key.as_deref()),
                &d.decode_now(topic, crate::schema::Part::Value, m.value.as_deref()),
            ),
            None => draft_from_message(topic, m),
        };
        let view = self.view_for(&draft, shared, from);
        view.load(&draft);
        // Written with a schema: unchanged, it goes out as the bytes read.
        view.replayed =
            (draft.mode == ValueMode::Schema || !draft.key_schema.is_empty()).then(|| {
                let bytes = RecordBytes {
                    key: m.key.clone(),
                    value: m.value.clone(),
                };
                (draft.clone(), bytes)
            });
        // One copy, as it was: not the last bulk send's count or template.
        view.count = LineInput::with_text("1");
        view.rate = LineInput::default();
        view.template = None;
        view.focus = ProduceField::Value;
        Output::info(format!(
            "replaying {}/{}: edit, then ctrl-s sends",
            m.partition, m.offset
        ))
    }

    fn running(&self) -> bool {
        self.in_flight().is_some()
    }

    /// The send still running, if one is.
    pub fn in_flight(&self) -> Option<&ProduceRun> {
        self.last_run().filter(|r| r.running())
    }

    /// The latest send, running or ended.
    pub fn last_run(&self) -> Option<&ProduceRun> {
        self.view.as_ref().and_then(|v| v.run.as_ref())
    }

    fn send(&mut self, shared: &mut Shared) -> Vec<Output> {
        if self.running() {
            return vec![Output::error("a send is still running; esc stops it")];
        }
        let Some(view) = &mut self.view else {
            return vec![];
        };
        let draft = view.draft();
        // Everything is checked here; nothing typed is lost.
        if let Err((field, e)) = draft.prepare() {
            view.set_error(field, e);
            return vec![];
        }
        let (count, rate) = match view.bulk() {
            Ok(b) => b,
            Err((field, e)) => {
                view.focus = field;
                view.error = Some((field, e));
                return vec![];
            }
        };
        if shared.read_only {
            return vec![Output::error(READ_ONLY)];
        }
        let exact = view
            .replayed
            .as_ref()
            .filter(|(d, _)| *d == draft)
            .map(|(_, bytes)| Box::new(bytes.clone()));
        let session = shared.session();
        view.error = None;
        view.run = Some(ProduceRun::new(session, &draft.topic, count));
        view.remember(draft.clone());
        vec![Output::Command(Command::Produce(Box::new(
            ProduceRequest {
                session,
                draft,
                count,
                rate,
                import: None,
                exact,
            },
        )))]
    }

    /// `:import PATH`: every line of a JSONL export, to the form's topic.
    pub fn import(&mut self, path: &str, shared: &mut Shared) -> Vec<Output> {
        if shared.read_only {
            return vec![Output::error(
                "read-only: importing is a write; creel does not send it",
            )];
        }
        if self.running() {
            return vec![Output::error("a send is still running; esc stops it")];
        }
        let Some(view) = &mut self.view else {
            return vec![];
        };
        let draft = view.draft();
        if draft.topic.is_empty() {
            view.focus = ProduceField::Topic;
            view.error = Some((view.focus, "name the topic to import into".into()));
            return vec![];
        }
        let rate = view.bulk().ok().and_then(|(_, r)| r);
        let session = shared.session();
        view.run = Some(ProduceRun::new(session, &draft.topic, 0));
        vec![
            Output::info(format!("importing {path} into {}", draft.topic)),
            Output::Command(Command::Produce(Box::new(ProduceRequest {
                session,
                draft,
                count: 0,
                rate,
                import: Some(path.into()),
                exact: None,
            }))),
        ]
    }

    /// Esc: stop a bulk send; else stop editing; else leave.
    fn cancel(&mut self) -> Vec<Output> {
        let running = self.running();
        let Some(view) = &mut self.view else {
            return vec![Output::Nav(Nav::Back {
                to: Some(ScreenId::Topics),
            })];
        };
        if running {
            if let Some(run) = &mut view.run {
                run.stopped = true;
            }
            return vec![
                Output::info("stopping: messages in flight still get their report"),
                Output::Command(Command::StopProduce),
            ];
        }
        if view.editing {
            view.editing = false;
            return vec![];
        }
        vec![Output::Nav(Nav::Back {
            to: Some(view.return_to),
        })]
    }

    fn form_input(&mut self, input: &Input, shared: &mut Shared) -> Option<Vec<Output>> {
        let view = self.view.as_mut()?;
        let out = match input {
            Input::Key(key) => {
                view.type_key(key.clone());
                vec![]
            }
            Input::Action(Action::NextField) => {
                view.move_focus(true);
                vec![]
            }
            Input::Action(Action::PrevField) => {
                view.move_focus(false);
                vec![]
            }
            Input::Action(Action::Pretty) => {
                if let Err(e) = view.pretty() {
                    view.error = Some((ProduceField::Value, e));
                }
                vec![]
            }
            Input::Action(Action::Template) => match view.next_template() {
                Some(n) => vec![Output::info(format!(
                    "template {n}: placeholders are filled for each message"
                ))],
                None => vec![Output::error("no templates found")],
            },
            Input::Action(Action::Recall) => {
                if view.recall() {
                    vec![]
                } else {
                    vec![Output::info("no earlier drafts yet")]
                }
            }
            Input::Action(Action::Send) => self.send(shared),
            Input::Action(Action::Cancel) => self.cancel(),
            _ => return None,
        };
        Some(out)
    }
}

impl Component for ProduceScreen {
    fn mode(&self) -> Mode {
        if self.view.as_ref().is_some_and(|v| v.editing) {
            Mode::Form
        } else {
            Mode::Normal
        }
    }

    fn handle(&mut self, input: &Input, shared: &mut Shared) -> Option<Vec<Output>> {
        if self.mode() == Mode::Form {
            return self.form_input(input, shared);
        }
        let Input::Action(action) = input else {
            return None;
        };
        Some(match action {
            Action::Open | Action::Produce => match &mut self.view {
                Some(view) => {
                    view.editing = true;
                    vec![]
                }
                None => vec![Output::Nav(Nav::Produce {
                    topic: None,
                    replay: None,
                })],
            },
            Action::Send => self.send(shared),
            Action::Back => self.cancel(),
            _ => return None,
        })
    }

    fn apply(&mut self, event: &Event, _shared: &mut Shared) -> Vec<Output> {
        let run = self.view.as_mut().and_then(|v| v.run.as_mut());
        let Some(run) = run else {
            return vec![];
        };
        match event {
            Event::ProduceProgress { session, stats } if *session == run.session => {
                run.stats = stats.clone();
            }
            Event::ProduceDone {
                session,
                stats,
                error,
            } if *session == run.session => {
                run.stats = stats.clone();
                run.done = Some(error.clone());
            }
            _ => {}
        }
        vec![]
    }

    fn draw(&self, frame: &mut Frame, area: Rect, shared: &Shared) {
        match &self.view {
            Some(v) => draw::draw(frame, area, shared, v, v.editing),
            None => draw::draw_empty(frame, area),
        }
    }

    fn hints(&self, _shared: &Shared) -> Vec<Hint> {
        if self.mode() == Mode::Form {
            return vec![
                hint(Action::Send, "send"),
                hint(Action::NextField, "field"),
                hint(Action::Template, "template"),
                hint(Action::Pretty, "pretty JSON"),
                hint(Action::Recall, "recall"),
                hint(
                    Action::Cancel,
                    if self.running() {
                        "stop"
                    } else {
                        "stop editing"
                    },
                ),
            ];
        }
        vec![
            hint(Action::Open, "edit"),
            hint(Action::Send, "send"),
            hint(Action::Back, if self.running() { "stop" } else { "back" }),
            hint(Action::NextScreen, "screen"),
            hint(Action::Command, "goto"),
            hint(Action::Help, "help"),
            hint(Action::Quit, "quit"),
        ]
    }
}
