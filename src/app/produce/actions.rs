//! The produce screen's part of `App`: opening it (empty, on a topic, or
//! with a message to replay), sending, stopping, and the worker's reports.

use super::view::{ProduceKey, ProduceRun, ProduceView};
use super::{draft_from_message, Draft, ProduceRequest};
use crate::app::{App, Screen};
use crate::model::ProduceStats;
use crate::protocol::Command;

impl App {
    fn produce_view(&mut self, draft: Draft) -> &mut ProduceView {
        let templates = self.templates.clone();
        let from = self.screen;
        let view = self
            .produce
            .get_or_insert_with(|| ProduceView::new(&draft, templates));
        view.return_to = if from == Screen::Produce {
            view.return_to
        } else {
            from
        };
        view
    }

    /// `p`: the produce screen on the topic under the cursor (the draft
    /// typed before stays, aimed at that topic).
    pub(crate) fn open_produce(&mut self) {
        let topic = match self.screen {
            Screen::Messages => self.explorer.as_ref().map(|e| e.topic.clone()),
            Screen::Search => self.search.as_ref().map(|s| s.request.topic.clone()),
            Screen::Topics => match &self.detail {
                Some(d) => Some(d.topic.clone()),
                None => self.selected_topic().map(|t| t.name.clone()),
            },
            _ => None,
        };
        let draft = Draft {
            topic: topic.clone().unwrap_or_default(),
            compression: "none".into(),
            ..Draft::default()
        };
        let view = self.produce_view(draft);
        if let Some(t) = topic {
            view.topic = crate::app::LineInput::with_text(&t);
        }
        self.screen = Screen::Produce;
    }

    /// `R` in the explorer: the selected message, as it was, in the form.
    pub(crate) fn replay_selected(&mut self) {
        let Some((topic, m)) = self
            .explorer
            .as_ref()
            .and_then(|e| e.selected().map(|m| (e.topic.clone(), m.clone())))
        else {
            return;
        };
        let draft = draft_from_message(&topic, &m);
        let view = self.produce_view(draft.clone());
        view.load(&draft);
        // One copy, as it was: not the last bulk send's count or template.
        view.count = crate::app::LineInput::with_text("1");
        view.rate = crate::app::LineInput::default();
        view.template = None;
        view.focus = super::view::ProduceField::Value;
        self.screen = Screen::Produce;
        self.info(format!(
            "replaying {}/{}: edit, then ctrl-s sends",
            m.partition, m.offset
        ));
    }

    pub fn produce_key(&mut self, key: ProduceKey) -> Vec<Command> {
        let next = self.next_session + 1;
        let Some(view) = &mut self.produce else {
            return vec![];
        };
        match key {
            ProduceKey::NextField => view.move_focus(true),
            ProduceKey::PrevField => view.move_focus(false),
            ProduceKey::Input(i) => view.type_key(i),
            ProduceKey::Pretty => {
                if let Err(e) = view.pretty() {
                    view.error = Some((super::view::ProduceField::Value, e));
                }
            }
            ProduceKey::Template => {
                let name = view.next_template().map(str::to_string);
                match name {
                    Some(n) => self.info(format!(
                        "template {n}: placeholders are filled for each message"
                    )),
                    None => self.error("no templates found"),
                }
            }
            ProduceKey::Recall => {
                if !view.recall() {
                    self.info("no earlier drafts yet");
                }
            }
            ProduceKey::Leave => {
                if view.run.as_ref().is_some_and(ProduceRun::running) {
                    if let Some(run) = &mut view.run {
                        run.stopped = true;
                    }
                    self.info("stopping: messages in flight still get their report");
                    return vec![Command::StopProduce];
                }
                self.screen = view.return_to;
            }
            ProduceKey::Send => {
                if view.run.as_ref().is_some_and(ProduceRun::running) {
                    self.error("a send is still running; esc stops it");
                    return vec![];
                }
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
                if self.read_only {
                    self.error("read-only: producing is a write; creel does not send it");
                    return vec![];
                }
                self.next_session = next;
                view.error = None;
                view.run = Some(ProduceRun {
                    session: next,
                    count,
                    stats: ProduceStats::default(),
                    done: None,
                    stopped: false,
                });
                view.remember(draft.clone());
                return vec![Command::Produce(ProduceRequest {
                    session: next,
                    draft,
                    count,
                    rate,
                    import: None,
                })];
            }
        }
        vec![]
    }

    /// `:import PATH`: every line of a JSONL export, to the topic of the
    /// produce screen (or the one under the cursor).
    pub(crate) fn import_file(&mut self, path: &str) -> Vec<Command> {
        if self.produce.is_none() || self.screen != Screen::Produce {
            self.open_produce();
        }
        let next = self.next_session + 1;
        let read_only = self.read_only;
        let Some(view) = &mut self.produce else {
            return vec![];
        };
        let draft = view.draft();
        if draft.topic.is_empty() {
            view.focus = super::view::ProduceField::Topic;
            view.error = Some((view.focus, "name the topic to import into".into()));
            return vec![];
        }
        if view.run.as_ref().is_some_and(ProduceRun::running) {
            self.error("a send is still running; esc stops it");
            return vec![];
        }
        if read_only {
            self.error("read-only: importing is a write; creel does not send it");
            return vec![];
        }
        let rate = view.bulk().ok().and_then(|(_, r)| r);
        self.next_session = next;
        view.run = Some(ProduceRun {
            session: next,
            count: 0,
            stats: ProduceStats::default(),
            done: None,
            stopped: false,
        });
        self.info(format!("importing {path} into {}", draft.topic));
        vec![Command::Produce(ProduceRequest {
            session: next,
            draft,
            count: 0,
            rate,
            import: Some(path.into()),
        })]
    }

    pub(crate) fn produce_progress(&mut self, session: u64, stats: ProduceStats) {
        if let Some(run) = self
            .produce
            .as_mut()
            .and_then(|v| v.run.as_mut())
            .filter(|r| r.session == session)
        {
            run.stats = stats;
        }
    }

    pub(crate) fn produce_done(
        &mut self,
        session: u64,
        stats: ProduceStats,
        error: Option<crate::protocol::OpError>,
    ) {
        if let Some(run) = self
            .produce
            .as_mut()
            .and_then(|v| v.run.as_mut())
            .filter(|r| r.session == session)
        {
            run.stats = stats;
            run.done = Some(error);
        }
    }
}
