//! The messages screen: a bounded window of one topic's messages, read
//! from any point, paged by offset, following new ones live.

use ratatui::layout::Rect;
use ratatui::Frame;

mod draw;

use super::message_detail::MessageDetail;
use super::ScreenId;
use crate::app::action::{Action, Mode};
use crate::app::component::{hint, Component, Effect, Hint, Input, Nav, OpenMessages, Output};
use crate::app::explorer::{Explorer, Focus};
use crate::app::overlays::Overlay;
use crate::app::shared::Shared;
use crate::model::Message;
use crate::protocol::{Command, Event};

use draw::draw;
pub use draw::{draw_empty, preview, shown, timestamp};

#[derive(Debug, Clone, Default)]
pub struct MessagesScreen {
    pub explorer: Option<Explorer>,
    /// The message opened with Enter: it has the focus while open.
    pub detail: Option<MessageDetail>,
}

impl MessagesScreen {
    /// Start reading a topic: a new view replaces the old one.
    pub fn open(&mut self, o: OpenMessages, shared: &mut Shared) -> Vec<Output> {
        let mut ex = Explorer::new(&o.topic, shared.session(), o.start, o.partitions);
        if let Some((partition, offset)) = o.focus {
            ex.focus_on(Focus {
                partition,
                offset,
                open_detail: o.detail,
            });
        }
        ex.highlight = o.highlight;
        ex.return_to = o.return_to.unwrap_or(ScreenId::Topics);
        let req = ex.initial_request();
        self.explorer = Some(ex);
        self.detail = None;
        vec![Output::Command(Command::ReadMessages(req))]
    }

    fn open_detail(&mut self, back_to: Option<ScreenId>) {
        let Some(ex) = &self.explorer else { return };
        if let Some(m) = ex.selected() {
            self.detail = Some(MessageDetail::new(
                &ex.topic,
                m.clone(),
                ex.highlight.clone(),
                back_to,
            ));
        }
    }

    fn copy(ex: &Explorer) -> Vec<Output> {
        match ex.selected() {
            Some(m) => vec![
                Output::Effect(Effect::Copy(
                    crate::envelope::to_json(&ex.topic, m).to_string(),
                )),
                Output::info(format!(
                    "copied {}/{} to the clipboard",
                    m.partition, m.offset
                )),
            ],
            None => vec![],
        }
    }
}

impl Component for MessagesScreen {
    fn mode(&self) -> Mode {
        Mode::Normal
    }

    fn handle(&mut self, input: &Input, shared: &mut Shared) -> Option<Vec<Output>> {
        let Input::Action(action) = input else {
            return None;
        };
        let page = shared.page_size;
        let Some(ex) = &mut self.explorer else {
            return match action {
                Action::Back => Some(vec![Output::Nav(Nav::Back {
                    to: Some(ScreenId::Topics),
                })]),
                _ => None,
            };
        };
        let out = match action {
            Action::Open if ex.selected().is_some() => {
                self.open_detail(None);
                vec![]
            }
            Action::Back => vec![Output::Nav(Nav::Back {
                to: Some(ex.return_to),
            })],
            Action::Pause => {
                ex.toggle_pause();
                vec![]
            }
            Action::Follow => {
                ex.resume();
                if ex.at_live_end() {
                    vec![]
                } else {
                    let req = ex.jump_to_end(shared.session());
                    vec![
                        Output::info("jumped to the newest messages; following"),
                        Output::Command(Command::ReadMessages(req)),
                    ]
                }
            }
            Action::Utc => {
                shared.utc = !shared.utc;
                vec![]
            }
            Action::Hex => {
                ex.hex = !ex.hex;
                vec![]
            }
            Action::PartitionFilter => {
                ex.cycle_partition_filter();
                vec![]
            }
            Action::Copy => Self::copy(ex),
            Action::Replay => match ex.selected() {
                Some(m) => vec![Output::Nav(Nav::Produce {
                    topic: None,
                    replay: Some(Box::new((ex.topic.clone(), m.clone()))),
                })],
                None => vec![],
            },
            Action::Export => {
                let topic = ex.topic.clone();
                let rows = ex.marked_rows().unwrap_or(0..ex.visible.len());
                let messages: Vec<Message> = ex.visible[rows]
                    .iter()
                    .map(|&i| ex.messages[i].clone())
                    .collect();
                let default = default_export_name(&topic, shared.now);
                vec![Output::Nav(Nav::Open(Box::new(Overlay::Prompt(
                    crate::app::overlays::prompt::LinePrompt::export(&topic, messages, &default),
                ))))]
            }
            Action::Skip => match ex.skip_stall() {
                Some((partition, offset)) => vec![
                    Output::info(format!(
                        "skipping the unreadable batch at {partition}/{offset}; the messages after it follow"
                    )),
                    Output::Command(Command::SkipBatch { partition, offset }),
                ],
                None => vec![Output::info("nothing to skip: no partition is stuck")],
            },
            Action::Mark => {
                ex.toggle_mark();
                let msg = match ex.marked_rows() {
                    Some(r) => format!(
                        "range started: move to widen it, e exports its {} messages, v again clears it",
                        r.len()
                    ),
                    None => "range cleared".into(),
                };
                vec![Output::info(msg)]
            }
            Action::Messages => vec![Output::Nav(Nav::Open(Box::new(Overlay::start_picker(
                &ex.topic,
                ex.partitions.clone(),
            ))))],
            Action::Filter => vec![Output::Nav(Nav::SearchBar { pattern: None })],
            Action::Produce => vec![Output::Nav(Nav::Produce {
                topic: Some(ex.topic.clone()),
                replay: None,
            })],
            other => match ex.navigate(*other, page) {
                Some(req) => vec![Output::Command(Command::ReadMessages(req))],
                None if matches!(
                    other,
                    Action::Up
                        | Action::Down
                        | Action::PageUp
                        | Action::PageDown
                        | Action::Top
                        | Action::Bottom
                ) =>
                {
                    vec![]
                }
                None => return None,
            },
        };
        Some(out)
    }

    fn apply(&mut self, event: &Event, shared: &mut Shared) -> Vec<Output> {
        let Some(ex) = &mut self.explorer else {
            return vec![];
        };
        let mine = match event {
            Event::MessagesStarted { session, .. }
            | Event::MessagesFellBack { session, .. }
            | Event::Messages { session, .. }
            | Event::MessagesFailed { session, .. }
            | Event::MessagesStalled { session, .. }
            | Event::MessagesCaughtUp { session, .. }
            | Event::MessagesDone { session, .. } => *session == ex.session,
            _ => false,
        };
        if !mine {
            return vec![];
        }
        let mut fetches = vec![];
        let mut out = vec![];
        match event.clone() {
            Event::MessagesStarted { kind, spans, .. } => ex.started(kind, &spans),
            Event::MessagesFellBack { start, reason, .. } => {
                // The title names the start actually taken; the status
                // line says why.
                ex.start = start;
                return vec![Output::error(reason)];
            }
            Event::Messages { kind, batch, .. } => {
                // Messages flowing again: an earlier read error is over.
                if !batch.is_empty() {
                    ex.error = None;
                }
                fetches = shared.fetch_schemas(batch.iter());
                ex.add(kind, batch);
            }
            Event::MessagesFailed { kind, error, .. } => {
                ex.error = Some(error);
                if ex.loading == Some(kind) {
                    ex.loading = None;
                }
            }
            Event::MessagesStalled {
                partition,
                offset,
                error,
                ..
            } => ex.stalled(partition, offset, error),
            Event::MessagesCaughtUp {
                kind,
                partitions,
                covered,
                ..
            } => out = ex.read_ended(kind, true, &partitions, &covered),
            Event::MessagesDone {
                kind,
                reached_end,
                covered,
                ..
            } => out = ex.read_ended(kind, false, &reached_end, &covered),
            _ => {}
        }
        // A search match being opened: its message has arrived.
        if std::mem::take(&mut ex.open_now) {
            let back = Some(ex.return_to);
            self.open_detail(back);
        }
        fetches.extend(
            out.into_iter()
                .map(|r| Output::Command(Command::ReadMessages(r))),
        );
        fetches
    }

    fn draw(&self, frame: &mut Frame, area: Rect, shared: &Shared) {
        match &self.explorer {
            Some(ex) => draw(frame, area, shared, ex),
            None => draw_empty(frame, area),
        }
    }

    fn hints(&self, _shared: &Shared) -> Vec<Hint> {
        vec![
            hint(Action::Open, "open"),
            hint(Action::Pause, "pause"),
            hint(Action::Follow, "follow"),
            hint(Action::PartitionFilter, "partition"),
            hint(Action::Messages, "messages"),
            hint(Action::Copy, "copy"),
            hint(Action::Mark, "range"),
            hint(Action::Export, "export"),
            hint(Action::Replay, "replay"),
            hint(Action::Back, "back"),
            hint(Action::Help, "help"),
            hint(Action::Quit, "quit"),
        ]
    }
}

/// `creel-<topic>-<time>.jsonl` in the current folder, the topic's name
/// made safe for a file name.
fn default_export_name(topic: &str, now: chrono::DateTime<chrono::Local>) -> String {
    let safe: String = topic
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("creel-{safe}-{}.jsonl", now.format("%Y%m%d-%H%M%S"))
}
