//! Pure application state: `update` turns an action into state changes and
//! commands for the worker, `apply` folds in the worker's events. No I/O.

mod action;
pub mod admin;
mod admin_actions;
mod cursor;
pub mod explorer;
pub mod fixtures;
mod groups;
mod input;
pub mod lag;
pub mod produce;
pub mod search;
mod topics;

use crate::protocol::{Command, Event, PartitionSpan, ReadKind};
pub use action::Action;
pub use admin_actions::Confirm;
pub use cursor::Cursor;
pub use groups::{GroupSort, GroupsView};
pub use input::{Edit, LineInput};
pub use lag::{LagBook, LagStatus};
pub use topics::{Filter, SortKey, TopicsView};

use chrono::{DateTime, Local};

use crate::model::{
    BrokerCounts, ClusterSnapshot, ConfigEntry, ConnectionState, ConsumerGroup, GroupsSnapshot,
    Topic,
};

/// The top-level screens, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    Topics,
    Messages,
    Search,
    Produce,
    Groups,
    Brokers,
}

impl Screen {
    pub const ALL: [Screen; 6] = [
        Screen::Topics,
        Screen::Messages,
        Screen::Search,
        Screen::Produce,
        Screen::Groups,
        Screen::Brokers,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Screen::Topics => "topics",
            Screen::Messages => "messages",
            Screen::Search => "search",
            Screen::Produce => "produce",
            Screen::Groups => "groups",
            Screen::Brokers => "brokers",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DetailTab {
    Partitions,
    Consumers,
    Configs,
}

impl DetailTab {
    pub const ALL: [DetailTab; 3] = [
        DetailTab::Partitions,
        DetailTab::Consumers,
        DetailTab::Configs,
    ];

    pub fn title(self) -> &'static str {
        match self {
            DetailTab::Partitions => "Partitions",
            DetailTab::Consumers => "Consumers",
            DetailTab::Configs => "Configs",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupTab {
    Partitions,
    Members,
    Chart,
}

impl GroupTab {
    pub const ALL: [GroupTab; 3] = [GroupTab::Partitions, GroupTab::Members, GroupTab::Chart];

    pub fn title(self) -> &'static str {
        match self {
            GroupTab::Partitions => "Partitions",
            GroupTab::Members => "Members",
            GroupTab::Chart => "Lag chart",
        }
    }
}

/// One group, opened with Enter on the group list.
#[derive(Debug, Clone)]
pub struct GroupDetail {
    pub group: String,
    pub tab: GroupTab,
    pub partitions: Cursor,
    pub members: Cursor,
}

/// Move to the next or previous of `all`, wrapping.
pub(crate) fn cycle<T: Copy + PartialEq>(all: &[T], current: T, forward: bool) -> T {
    let i = all.iter().position(|t| *t == current).unwrap_or(0);
    let n = all.len();
    all[if forward {
        (i + 1) % n
    } else {
        (i + n - 1) % n
    }]
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loadable<T> {
    Loading,
    Loaded(T),
    Failed(crate::protocol::OpError),
}

/// The topic detail opened with Enter on the topic list.
#[derive(Debug, Clone)]
pub struct TopicDetail {
    pub topic: String,
    pub tab: DetailTab,
    pub partitions: Cursor,
    pub configs: Loadable<Vec<ConfigEntry>>,
    pub configs_cursor: Cursor,
    pub consumers: Cursor,
}

/// Which one-line prompt has the keyboard, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    Filter(LineInput),
    Command(LineInput),
    /// Where to start reading `topic` (the messages view's picker).
    Start {
        topic: String,
        partitions: Option<Vec<i32>>,
        line: LineInput,
        error: Option<String>,
    },
    /// The search bar: a regex and its scope.
    Search(search::SearchForm),
    /// What an admin action will send; y/n or the name typed in full.
    Confirm(Confirm),
}

/// Something the terminal side must do for the app: it has no I/O itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Put this text on the clipboard (OSC 52).
    Copy(String),
    /// Write these messages of `topic` to a JSONL file.
    Export {
        topic: String,
        messages: Vec<crate::model::Message>,
    },
}

/// The picker's default: the last 100 messages of each partition.
pub const DEFAULT_START: &str = "-100";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusLevel {
    Info,
    Error,
}

/// Header facts that do not change while creel runs.
#[derive(Debug, Clone)]
pub struct ClusterLabel {
    pub profile: String,
    pub bootstrap: String,
}

#[derive(Debug, Clone)]
pub struct App {
    pub label: ClusterLabel,
    pub now: DateTime<Local>,
    pub connection: ConnectionState,
    pub broker_counts: Option<BrokerCounts>,
    pub snapshot: Option<ClusterSnapshot>,
    /// Generation of the snapshot shown; older results are ignored.
    pub generation: u64,
    pub refreshing: bool,
    pub last_error: Option<crate::protocol::OpError>,
    pub screen: Screen,
    pub topics: TopicsView,
    pub detail: Option<TopicDetail>,
    pub brokers: Cursor,
    pub groups: Option<GroupsSnapshot>,
    pub groups_generation: u64,
    /// The last group refresh failed: why, and when it is retried.
    pub groups_error: Option<(crate::protocol::OpError, DateTime<Local>)>,
    pub lag: LagBook,
    pub groups_view: GroupsView,
    pub group_detail: Option<GroupDetail>,
    pub explorer: Option<explorer::Explorer>,
    pub search: Option<search::SearchView>,
    /// The search bar as last submitted or left, to open it again.
    pub search_form: Option<search::SearchForm>,
    pub produce: Option<produce::ProduceView>,
    /// Templates the produce screen offers (shipped ones, then the user's).
    pub templates: Vec<produce::TemplateFile>,
    /// Writes are refused (the worker refuses them too).
    pub read_only: bool,
    /// The admin action sent and not answered yet.
    pub admin_pending: Option<u64>,
    /// Commands that came of an event (a refresh after an admin action),
    /// sent by the terminal side after `apply`.
    pub outbox: Vec<Command>,
    next_session: u64,
    /// Work for the terminal side, drained by it after each update.
    pub effects: Vec<Effect>,
    pub help: Option<Cursor>,
    pub prompt: Option<Prompt>,
    pub status: Option<(StatusLevel, String)>,
    /// Rows a page-up/down moves; the UI sets it from the table height.
    pub page_size: usize,
    pub should_quit: bool,
}

impl App {
    pub fn new(profile: &str, bootstrap: &str, now: DateTime<Local>) -> App {
        App {
            label: ClusterLabel {
                profile: profile.into(),
                bootstrap: bootstrap.into(),
            },
            now,
            connection: ConnectionState::Connecting,
            broker_counts: None,
            snapshot: None,
            generation: 0,
            refreshing: true,
            last_error: None,
            screen: Screen::Topics,
            topics: TopicsView::default(),
            detail: None,
            brokers: Cursor::default(),
            groups: None,
            groups_generation: 0,
            groups_error: None,
            lag: LagBook::new(6),
            groups_view: GroupsView::default(),
            group_detail: None,
            explorer: None,
            search: None,
            search_form: None,
            produce: None,
            templates: produce::builtin_templates(),
            read_only: false,
            admin_pending: None,
            outbox: vec![],
            next_session: 0,
            effects: vec![],
            help: None,
            prompt: None,
            status: None,
            page_size: 10,
            should_quit: false,
        }
    }

    /// False while a message's detail is open (its keys are its own).
    fn explorer_detail_closed(&self) -> bool {
        self.screen != Screen::Messages || self.explorer.as_ref().is_none_or(|e| e.detail.is_none())
    }

    /// Brokers up and known. librdkafka counts only the brokers the
    /// metadata lists, and Kafka lists only live ones: a broker that holds
    /// replicas but is missing from the metadata counts as known and down.
    pub fn broker_health(&self) -> Option<BrokerCounts> {
        let c = self.broker_counts?;
        let Some(snap) = &self.snapshot else {
            return Some(c);
        };
        let missing = snap.brokers.iter().filter(|b| b.missing).count();
        let listed = snap.brokers.len() - missing;
        Some(BrokerCounts {
            up: c.up.min(listed),
            total: c.total.max(snap.brokers.len()),
        })
    }

    pub fn topic_list(&self) -> &[Topic] {
        self.snapshot
            .as_ref()
            .map(|s| s.topics.as_slice())
            .unwrap_or(&[])
    }

    /// The topic the detail view shows, from the current snapshot.
    pub fn detail_topic(&self) -> Option<&Topic> {
        let name = &self.detail.as_ref()?.topic;
        self.topic_list().iter().find(|t| &t.name == name)
    }

    pub fn group_list(&self) -> &[ConsumerGroup] {
        self.groups
            .as_ref()
            .map(|s| s.groups.as_slice())
            .unwrap_or(&[])
    }

    pub fn selected_group(&self) -> Option<&ConsumerGroup> {
        let idx = *self
            .groups_view
            .visible
            .get(self.groups_view.cursor.selected)?;
        self.group_list().get(idx)
    }

    pub fn detail_group(&self) -> Option<&ConsumerGroup> {
        let id = &self.group_detail.as_ref()?.group;
        self.group_list().iter().find(|g| &g.id == id)
    }

    /// The groups with committed offsets on `topic`, with their lag there.
    pub fn consumers_of(&self, topic: &str) -> Vec<(&ConsumerGroup, Option<i64>)> {
        self.group_list()
            .iter()
            .filter_map(|g| {
                let parts: Vec<_> = g
                    .partitions
                    .iter()
                    .filter(|p| p.topic == topic && p.committed.is_some())
                    .collect();
                if parts.is_empty() {
                    return None;
                }
                let lags: Vec<i64> = parts.iter().filter_map(|p| p.lag()).collect();
                Some((g, (!lags.is_empty()).then(|| lags.iter().sum())))
            })
            .collect()
    }

    fn rebuild_groups(&mut self) {
        let groups = self
            .groups
            .as_ref()
            .map(|s| s.groups.as_slice())
            .unwrap_or(&[]);
        self.groups_view.rebuild(groups, &self.lag);
    }

    /// True when the list on screen has a filter (topics or groups).
    pub fn list_filter(&self) -> Option<&Filter> {
        match self.screen {
            Screen::Topics if self.detail.is_none() => Some(&self.topics.filter),
            Screen::Groups if self.group_detail.is_none() => Some(&self.groups_view.filter),
            _ => None,
        }
    }

    fn set_list_filter(&mut self, text: &str) {
        match self.screen {
            Screen::Groups => {
                self.groups_view.filter.set(text);
                self.rebuild_groups();
            }
            _ => {
                self.topics.filter.set(text);
                self.rebuild_topics();
            }
        }
    }

    pub fn selected_topic(&self) -> Option<&Topic> {
        let idx = *self.topics.visible.get(self.topics.cursor.selected)?;
        self.topic_list().get(idx)
    }

    /// Put the cursor on the topic `name`, if the list shows it.
    pub fn select_topic(&mut self, name: &str) {
        let topics = self
            .snapshot
            .as_ref()
            .map(|s| s.topics.as_slice())
            .unwrap_or(&[]);
        if let Some(pos) = self
            .topics
            .visible
            .iter()
            .position(|&i| topics[i].name == name)
        {
            self.topics.cursor.selected = pos;
            self.remember_topic();
        }
    }

    fn rebuild_topics(&mut self) {
        let topics = self
            .snapshot
            .as_ref()
            .map(|s| s.topics.as_slice())
            .unwrap_or(&[]);
        self.topics.rebuild(topics);
    }

    fn remember_topic(&mut self) {
        let topics = self
            .snapshot
            .as_ref()
            .map(|s| s.topics.as_slice())
            .unwrap_or(&[]);
        self.topics.remember(topics);
    }

    fn info(&mut self, msg: impl Into<String>) {
        self.status = Some((StatusLevel::Info, msg.into()));
    }

    fn error(&mut self, msg: impl Into<String>) {
        self.status = Some((StatusLevel::Error, msg.into()));
    }

    /// Handle one action; returns what the worker should do.
    pub fn update(&mut self, action: Action) -> Vec<Command> {
        if let Some(help) = &mut self.help {
            match action {
                Action::Help | Action::Back => self.help = None,
                Action::Quit => self.should_quit = true,
                other => {
                    help.apply(other, Action::ALL.len(), self.page_size);
                }
            }
            return vec![];
        }
        match action {
            Action::Quit => {
                self.should_quit = true;
                vec![]
            }
            Action::Help => {
                self.help = Some(Cursor::default());
                vec![]
            }
            Action::Refresh => {
                self.refreshing = true;
                self.info("refreshing…");
                vec![Command::RefreshTopics, Command::RefreshGroups]
            }
            Action::Command => {
                self.prompt = Some(Prompt::Command(LineInput::default()));
                vec![]
            }
            Action::Filter if self.searches_here() => {
                self.open_search_form(None);
                vec![]
            }
            Action::Filter => {
                if let Some(f) = self.list_filter() {
                    let text = f.text.clone();
                    self.prompt = Some(Prompt::Filter(LineInput::with_text(&text)));
                }
                vec![]
            }
            Action::Produce
                if matches!(
                    self.screen,
                    Screen::Topics | Screen::Messages | Screen::Search | Screen::Produce
                ) && self.explorer_detail_closed() =>
            {
                self.open_produce();
                vec![]
            }
            Action::Messages if self.screen == Screen::Topics => {
                self.open_start_prompt();
                vec![]
            }
            Action::NextScreen | Action::PrevScreen => {
                self.screen = cycle(&Screen::ALL, self.screen, action == Action::NextScreen);
                vec![]
            }
            _ => match self.screen {
                Screen::Topics if self.detail.is_some() => self.update_detail(action),
                Screen::Messages => self.update_messages(action),
                Screen::Search => self.update_search(action),
                Screen::Produce => {
                    if action == Action::Back {
                        return self.produce_key(produce::ProduceKey::Leave);
                    }
                    vec![]
                }
                Screen::Groups if self.group_detail.is_some() => self.update_group_detail(action),
                Screen::Groups => self.update_groups(action),
                Screen::Topics => self.update_topics(action),
                Screen::Brokers => {
                    let n = self.snapshot.as_ref().map(|s| s.brokers.len()).unwrap_or(0);
                    self.brokers.apply(action, n, self.page_size);
                    vec![]
                }
            },
        }
    }

    fn update_topics(&mut self, action: Action) -> Vec<Command> {
        let len = self.topics.visible.len();
        if self.topics.cursor.apply(action, len, self.page_size) {
            self.remember_topic();
            return vec![];
        }
        match action {
            Action::Open => self.open_selected_topic(),
            Action::Back if !self.topics.filter.text.is_empty() => {
                self.topics.filter.set("");
                self.rebuild_topics();
                vec![]
            }
            Action::SortNext => {
                self.topics.sort = self.topics.sort.next();
                self.rebuild_topics();
                self.info(format!("sorted by {}", self.topics.sort.label()));
                vec![]
            }
            Action::SortReverse => {
                self.topics.reverse = !self.topics.reverse;
                self.rebuild_topics();
                vec![]
            }
            Action::ToggleInternal => {
                self.topics.show_internal = !self.topics.show_internal;
                self.rebuild_topics();
                let shown = if self.topics.show_internal {
                    "shown"
                } else {
                    "hidden"
                };
                self.info(format!("internal topics {shown}"));
                vec![]
            }
            _ => vec![],
        }
    }

    fn open_selected_topic(&mut self) -> Vec<Command> {
        let Some(topic) = self.selected_topic().map(|t| t.name.clone()) else {
            return vec![];
        };
        self.detail = Some(TopicDetail {
            topic: topic.clone(),
            tab: DetailTab::Partitions,
            partitions: Cursor::default(),
            configs: Loadable::Loading,
            configs_cursor: Cursor::default(),
            consumers: Cursor::default(),
        });
        vec![Command::DescribeTopicConfigs { topic }]
    }

    /// `m` on a topic, or on a partition row of its detail.
    fn open_start_prompt(&mut self) {
        let (topic, partitions) = match &self.detail {
            Some(d) => {
                let partition = (d.tab == DetailTab::Partitions)
                    .then(|| {
                        self.detail_topic()
                            .and_then(|t| t.partitions.get(d.partitions.selected))
                    })
                    .flatten()
                    .map(|p| vec![p.id]);
                (d.topic.clone(), partition)
            }
            None => match self.selected_topic() {
                Some(t) => (t.name.clone(), None),
                None => return,
            },
        };
        self.prompt = Some(Prompt::Start {
            topic,
            partitions,
            line: LineInput::with_text(DEFAULT_START),
            error: None,
        });
    }

    /// Start reading `topic` from `start`.
    pub fn open_messages(
        &mut self,
        topic: &str,
        partitions: Option<Vec<i32>>,
        start: crate::model::StartAt,
    ) -> Vec<Command> {
        self.next_session += 1;
        let ex = explorer::Explorer::new(topic, self.next_session, start, partitions);
        let req = ex.initial_request();
        self.explorer = Some(ex);
        self.screen = Screen::Messages;
        vec![Command::ReadMessages(req)]
    }

    fn update_messages(&mut self, action: Action) -> Vec<Command> {
        let page = self.page_size;
        let Some(ex) = &mut self.explorer else {
            return vec![];
        };
        if let Some(detail) = &mut ex.detail {
            match action {
                Action::Back | Action::Open => ex.detail = None,
                Action::Hex => detail.hex = !detail.hex,
                Action::Down => detail.scroll += 1,
                Action::Up => detail.scroll = detail.scroll.saturating_sub(1),
                Action::PageDown => detail.scroll += page,
                Action::PageUp => detail.scroll = detail.scroll.saturating_sub(page),
                Action::Top => detail.scroll = 0,
                Action::Copy => self.copy_selected(),
                _ => {}
            }
            return vec![];
        }
        match action {
            Action::Open if ex.selected().is_some() => {
                ex.detail = Some(explorer::MessageDetail::default())
            }
            Action::Back => {
                self.screen = ex.return_to;
            }
            Action::Pause => ex.toggle_pause(),
            Action::Follow => {
                ex.resume();
            }
            Action::Utc => ex.utc = !ex.utc,
            Action::PartitionFilter => ex.cycle_partition_filter(),
            Action::Copy => self.copy_selected(),
            Action::Replay => self.replay_selected(),
            Action::Export => {
                let topic = ex.topic.clone();
                let rows = ex.marked_rows().unwrap_or(0..ex.visible.len());
                let messages: Vec<_> = ex.visible[rows]
                    .iter()
                    .map(|&i| ex.messages[i].clone())
                    .collect();
                let what = if ex.mark.is_some() {
                    format!("the {} messages marked", messages.len())
                } else {
                    format!("the {} messages loaded", messages.len())
                };
                self.effects.push(Effect::Export { topic, messages });
                self.info(format!("exporting {what}…"));
            }
            Action::Skip => {
                if let Some((partition, offset)) = ex.skip_stall() {
                    self.info(format!(
                        "skipping the unreadable batch at {partition}/{offset}; the messages after it follow"
                    ));
                    return vec![Command::SkipBatch { partition, offset }];
                }
                self.info("nothing to skip: no partition is stuck");
            }
            Action::Mark => {
                ex.toggle_mark();
                let msg = match ex.marked_rows() {
                    Some(r) => format!(
                        "range started: move to widen it, e exports its {} messages, v again clears it",
                        r.len()
                    ),
                    None => "range cleared".into(),
                };
                self.info(msg);
            }
            Action::Messages => {
                let (topic, partitions) = (ex.topic.clone(), ex.partitions.clone());
                self.prompt = Some(Prompt::Start {
                    topic,
                    partitions,
                    line: LineInput::with_text(DEFAULT_START),
                    error: None,
                });
            }
            other => {
                if let Some(req) = ex.navigate(other, page) {
                    return vec![Command::ReadMessages(req)];
                }
            }
        }
        vec![]
    }

    fn copy_selected(&mut self) {
        let Some(ex) = &self.explorer else { return };
        if let Some(m) = ex.selected() {
            let text = crate::envelope::to_json(&ex.topic, m).to_string();
            self.effects.push(Effect::Copy(text));
            self.info(format!(
                "copied {}/{} to the clipboard",
                m.partition, m.offset
            ));
        }
    }

    fn update_groups(&mut self, action: Action) -> Vec<Command> {
        let len = self.groups_view.visible.len();
        if self.groups_view.cursor.apply(action, len, self.page_size) {
            let groups = self
                .groups
                .as_ref()
                .map(|s| s.groups.as_slice())
                .unwrap_or(&[]);
            self.groups_view.remember(groups);
            return vec![];
        }
        match action {
            Action::Open => {
                if let Some(id) = self.selected_group().map(|g| g.id.clone()) {
                    self.group_detail = Some(GroupDetail {
                        group: id,
                        tab: GroupTab::Partitions,
                        partitions: Cursor::default(),
                        members: Cursor::default(),
                    });
                }
            }
            Action::Back if !self.groups_view.filter.text.is_empty() => self.set_list_filter(""),
            Action::SortNext => {
                self.groups_view.sort = self.groups_view.sort.next();
                self.rebuild_groups();
                self.info(format!("sorted by {}", self.groups_view.sort.label()));
            }
            Action::SortReverse => {
                self.groups_view.reverse = !self.groups_view.reverse;
                self.rebuild_groups();
            }
            _ => {}
        }
        vec![]
    }

    fn update_group_detail(&mut self, action: Action) -> Vec<Command> {
        let (parts, members) = self
            .detail_group()
            .map(|g| (g.partitions.len(), g.members.len()))
            .unwrap_or((0, 0));
        let page = self.page_size;
        let Some(detail) = &mut self.group_detail else {
            return vec![];
        };
        match action {
            Action::Back => self.group_detail = None,
            Action::NextTab | Action::PrevTab => {
                detail.tab = cycle(&GroupTab::ALL, detail.tab, action == Action::NextTab);
            }
            other => {
                match detail.tab {
                    GroupTab::Partitions => detail.partitions.apply(other, parts, page),
                    GroupTab::Members => detail.members.apply(other, members, page),
                    GroupTab::Chart => false,
                };
            }
        }
        vec![]
    }

    fn update_detail(&mut self, action: Action) -> Vec<Command> {
        let partitions = self.detail_topic().map(|t| t.partitions.len()).unwrap_or(0);
        let consumers = self
            .detail
            .as_ref()
            .map(|d| self.consumers_of(&d.topic).len())
            .unwrap_or(0);
        let page = self.page_size;
        let Some(detail) = &mut self.detail else {
            return vec![];
        };
        match action {
            Action::Back => self.detail = None,
            Action::NextTab | Action::PrevTab => {
                detail.tab = cycle(&DetailTab::ALL, detail.tab, action == Action::NextTab);
            }
            other => match detail.tab {
                DetailTab::Partitions => {
                    detail.partitions.apply(other, partitions, page);
                }
                DetailTab::Consumers => {
                    detail.consumers.apply(other, consumers, page);
                }
                DetailTab::Configs => {
                    let n = match &detail.configs {
                        Loadable::Loaded(v) => v.len(),
                        _ => 0,
                    };
                    detail.configs_cursor.apply(other, n, page);
                }
            },
        }
        vec![]
    }

    /// A key typed while a prompt is open.
    pub fn edit_prompt(&mut self, edit: Edit) {
        match &mut self.prompt {
            Some(Prompt::Start { line, error, .. }) => {
                line.edit(edit);
                *error = None;
            }
            Some(Prompt::Filter(line)) => {
                line.edit(edit);
                let text = line.text.clone();
                self.set_list_filter(&text);
            }
            Some(Prompt::Command(line)) => line.edit(edit),
            Some(Prompt::Search(form)) => form.edit(edit),
            Some(Prompt::Confirm(c)) => {
                c.input.edit(edit);
                c.error = None;
            }
            None => {}
        }
    }

    /// Enter in a prompt.
    pub fn submit_prompt(&mut self) -> Vec<Command> {
        match self.prompt.take() {
            Some(Prompt::Command(line)) => self.run_command(line.text.trim()),
            Some(Prompt::Start {
                topic,
                partitions,
                line,
                ..
            }) => {
                let text = if line.text.trim().is_empty() {
                    DEFAULT_START
                } else {
                    line.text.trim()
                };
                match crate::model::StartAt::parse(text, self.now.timestamp_millis()) {
                    Ok(start) => self.open_messages(&topic, partitions, start),
                    Err(e) => {
                        // Keep what was typed; say what is wrong.
                        self.prompt = Some(Prompt::Start {
                            topic,
                            partitions,
                            line,
                            error: Some(e),
                        });
                        vec![]
                    }
                }
            }
            Some(Prompt::Search(form)) => self.submit_search(form),
            Some(Prompt::Confirm(c)) => self.submit_confirm(c),
            Some(Prompt::Filter(_)) | None => vec![],
        }
    }

    /// Esc in a prompt: the filter prompt clears its filter.
    pub fn cancel_prompt(&mut self) {
        match self.prompt.take() {
            Some(Prompt::Filter(_)) => self.set_list_filter(""),
            // What was typed stays for the next `/`.
            Some(Prompt::Search(form)) => self.search_form = Some(form),
            Some(Prompt::Confirm(c)) => {
                self.info(format!("{}: cancelled, nothing was sent", c.op.title()))
            }
            _ => {}
        }
    }

    fn run_command(&mut self, cmd: &str) -> Vec<Command> {
        let word = cmd.trim_start_matches(':').to_ascii_lowercase();
        if word.is_empty() {
            return vec![];
        }
        match word.as_str() {
            "q" | "q!" | "quit" | "exit" => {
                self.should_quit = true;
                return vec![];
            }
            "help" | "h" | "?" => {
                self.help = Some(Cursor::default());
                return vec![];
            }
            "refresh" | "r" => return self.update(Action::Refresh),
            "produce" | "p" => {
                self.open_produce();
                return vec![];
            }
            _ => {}
        }
        {
            let raw = cmd.trim_start_matches(':').trim();
            let mut words = raw.split_whitespace();
            let head = words.next().unwrap_or_default().to_ascii_lowercase();
            let args: Vec<&str> = words.collect();
            if let Some(cmds) = self.admin_command(&head, &args) {
                return cmds;
            }
        }
        if let Some(path) = cmd
            .trim_start_matches(':')
            .trim()
            .strip_prefix("import ")
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            return self.import_file(path);
        }
        if word == "search" || word.starts_with("search ") {
            // `:search PATTERN` opens the bar with the pattern typed in.
            let pattern = cmd.trim_start_matches(':').trim()["search".len()..].trim();
            self.open_search_form((!pattern.is_empty()).then_some(pattern));
            if self.prompt.is_none() {
                self.error("no topic to search: select one on the topic list first");
            }
            return vec![];
        }
        // A screen by its name, a prefix of it, or its plural/singular.
        let screen = Screen::ALL.iter().copied().find(|s| {
            let name = s.name();
            name.starts_with(&word) || word.trim_end_matches('s') == name.trim_end_matches('s')
        });
        match screen {
            Some(screen) => {
                self.screen = screen;
                match screen {
                    Screen::Topics => self.detail = None,
                    Screen::Groups => self.group_detail = None,
                    Screen::Messages | Screen::Search | Screen::Produce | Screen::Brokers => {}
                }
                self.status = None;
            }
            None => {
                let names: Vec<&str> = Screen::ALL.iter().map(|s| s.name()).collect();
                self.error(format!(
                    "unknown command :{word} (screens: {}; also :help, :refresh, :q)",
                    names.join(", ")
                ));
            }
        }
        vec![]
    }

    /// Fold in one event from the worker.
    pub fn apply(&mut self, event: Event) {
        let event_kind = match &event {
            Event::MessagesCaughtUp { .. } => EventKind::CaughtUp,
            _ => EventKind::Other,
        };
        match event {
            Event::RefreshStarted { generation } => {
                if generation >= self.generation {
                    self.refreshing = true;
                }
            }
            Event::Snapshot {
                generation,
                snapshot,
            } => {
                if generation < self.generation {
                    return;
                }
                self.generation = generation;
                self.refreshing = !snapshot.watermarks_complete;
                if snapshot.watermarks_complete {
                    if let Some((StatusLevel::Info, msg)) = &self.status {
                        if msg == "refreshing…" {
                            self.status = None;
                        }
                    }
                }
                self.connection = ConnectionState::Connected;
                self.last_error = None;
                let mut snapshot = snapshot;
                if !snapshot.watermarks_complete {
                    if let Some(old) = &self.snapshot {
                        carry_over_watermarks(old, &mut snapshot);
                    }
                }
                self.snapshot = Some(snapshot);
                self.rebuild_topics();
                let brokers = self.snapshot.as_ref().map(|s| s.brokers.len()).unwrap_or(0);
                self.brokers.clamp(brokers);
            }
            Event::RefreshFailed {
                generation,
                error,
                retry_at,
            } => {
                if generation < self.generation {
                    return;
                }
                self.refreshing = false;
                if error.kind == crate::protocol::ErrorKind::Refused {
                    self.connection = ConnectionState::Refused {
                        reason: error.message.clone(),
                    };
                }
                let refused = matches!(self.connection, ConnectionState::Refused { .. });
                if error.kind == crate::protocol::ErrorKind::Unreachable && !refused {
                    let reason = match &self.connection {
                        // Keep librdkafka's more specific transport error.
                        ConnectionState::AllBrokersDown { reason, .. } => reason.clone(),
                        _ => error.message.clone(),
                    };
                    self.connection = ConnectionState::AllBrokersDown {
                        reason,
                        retry_at: Some(retry_at),
                    };
                }
                self.last_error = Some(error);
            }
            Event::BrokerError {
                reason,
                all_down,
                refused,
            } => {
                if refused {
                    self.connection = ConnectionState::Refused { reason };
                } else if all_down && !matches!(self.connection, ConnectionState::Refused { .. }) {
                    let retry_at = match &self.connection {
                        ConnectionState::AllBrokersDown { retry_at, .. } => *retry_at,
                        _ => None,
                    };
                    self.connection = ConnectionState::AllBrokersDown { reason, retry_at };
                }
            }
            Event::BrokerCounts(counts) => {
                self.broker_counts = Some(counts);
                if counts.up > 0 {
                    if let ConnectionState::AllBrokersDown { .. } = self.connection {
                        // Reconnected; the next snapshot confirms it.
                        self.connection = ConnectionState::Connecting;
                    }
                }
            }
            Event::Groups {
                generation,
                snapshot,
            } => {
                if generation < self.groups_generation {
                    return;
                }
                self.groups_generation = generation;
                self.groups_error = None;
                self.lag.record(&snapshot);
                self.groups = Some(snapshot);
                self.rebuild_groups();
            }
            Event::GroupsFailed {
                generation,
                error,
                retry_at,
            } => {
                if generation >= self.groups_generation {
                    self.groups_error = Some((error, retry_at));
                }
            }
            Event::MessagesStarted {
                session,
                kind,
                spans,
            } => {
                if let Some(ex) = self.explorer.as_mut().filter(|e| e.session == session) {
                    ex.started(kind, &spans);
                }
            }
            Event::Messages {
                session,
                kind,
                batch,
            } => {
                if let Some(ex) = self.explorer.as_mut().filter(|e| e.session == session) {
                    ex.add(kind, batch);
                }
            }
            Event::MessagesFailed {
                session,
                kind,
                error,
            } => {
                if let Some(ex) = self.explorer.as_mut().filter(|e| e.session == session) {
                    ex.error = Some(error);
                    if ex.loading == Some(kind) {
                        ex.loading = None;
                    }
                }
            }
            Event::MessagesStalled {
                session,
                partition,
                offset,
                error,
            } => {
                if let Some(ex) = self.explorer.as_mut().filter(|e| e.session == session) {
                    ex.stalled(partition, offset, error);
                }
            }
            Event::MessagesCaughtUp {
                session,
                kind,
                partitions: reached_end,
                covered,
            }
            | Event::MessagesDone {
                session,
                kind,
                reached_end,
                covered,
            } => {
                if let Some(ex) = self.explorer.as_mut().filter(|e| e.session == session) {
                    // Caught up: a read follows new messages from now on;
                    // done: whatever read it was has stopped.
                    ex.tailing = matches!(event_kind, EventKind::CaughtUp);
                    ex.covered(kind, &covered);
                    ex.reached_end(&reached_end);
                    if ex.loading == Some(kind) {
                        ex.loading = None;
                        if let Some(req) = ex.after_page(kind) {
                            self.outbox.push(Command::ReadMessages(req));
                        }
                    }
                }
            }
            Event::SearchStarted { session, spans } => {
                if let Some(s) = self.search_session(session) {
                    s.started(spans);
                }
            }
            Event::SearchProgress {
                session,
                positions,
                scanned,
                elapsed_ms,
                hits,
                error,
            } => {
                if let Some(s) = self.search_session(session) {
                    s.progress(&positions, scanned, elapsed_ms);
                    s.add(hits);
                    if error.is_some() {
                        s.error = error;
                    }
                }
            }
            Event::SearchDone {
                session,
                outcome,
                scanned,
                elapsed_ms,
                ..
            } => {
                if let Some(s) = self.search_session(session) {
                    s.finish(outcome, scanned, elapsed_ms);
                }
            }
            Event::ProduceProgress { session, stats } => self.produce_progress(session, stats),
            Event::ProduceDone {
                session,
                stats,
                error,
            } => self.produce_done(session, stats, error),
            Event::AdminDone { id, title, result } => self.admin_done(id, title, result),
            Event::ResetPlanned { group, result } => self.reset_planned(group, result),
            Event::TopicConfigs { topic, result } => {
                if let Some(detail) = &mut self.detail {
                    if detail.topic == topic {
                        detail.configs = match result {
                            Ok(v) => Loadable::Loaded(v),
                            Err(e) => Loadable::Failed(e),
                        };
                        detail.configs_cursor = Cursor::default();
                    }
                }
            }
        }
    }
}

enum EventKind {
    CaughtUp,
    Other,
}

/// Stale-while-revalidate: until the new watermarks arrive, show the last
/// known ones rather than blanking every count.
fn carry_over_watermarks(old: &ClusterSnapshot, new: &mut ClusterSnapshot) {
    let old_topics: std::collections::HashMap<&str, &Topic> =
        old.topics.iter().map(|t| (t.name.as_str(), t)).collect();
    for t in &mut new.topics {
        if let Some(o) = old_topics.get(t.name.as_str()) {
            for p in &mut t.partitions {
                if p.watermarks.is_none() {
                    p.watermarks = o
                        .partitions
                        .iter()
                        .find(|op| op.id == p.id)
                        .and_then(|op| op.watermarks);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
