//! The application: components (screens and overlays) that own their
//! state, the `Shared` state they all read, and `App`, which only routes.
//! One way in (`key`, `handle`, `apply`), one way out (`Output`s: worker
//! commands and terminal effects). No I/O here.

mod action;
pub mod admin;
mod admin_commands;
pub mod chrome;
pub mod commands;
pub mod component;
mod cursor;
pub mod decoded;
pub mod explorer;
#[cfg(any(test, feature = "test-support"))]
pub mod fixtures;
pub mod groups;
pub mod input;
pub mod keymap;
pub mod lag;
mod layout;
mod navigate;
pub mod overlays;
pub mod produce;
pub mod screens;
pub mod search;
pub mod shared;
pub mod topics;

use chrono::{DateTime, Local};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

pub use action::{Action, Mode};
pub use component::{commands as commands_of, Component, Effect, Input, Nav, Output, Status};
pub use cursor::Cursor;
pub use input::{Edit, LineInput};
pub use keymap::{KeyBindings, Keymap};
pub use lag::{LagBook, LagStatus};
pub use layout::{page_size, MIN_HEIGHT, MIN_WIDTH};
pub use overlays::Overlay;
pub use screens::ScreenId;
pub use shared::Shared;

use crate::protocol::{Command, Event};
use screens::brokers::BrokersScreen;
use screens::groups::GroupsScreen;
use screens::messages::MessagesScreen;
use screens::produce::ProduceScreen;
use screens::schemas::SchemasScreen;
use screens::search::SearchScreen;
use screens::topics::TopicsScreen;
use shared::Changed;

/// Every screen, each with its state, kept while another is shown.
#[derive(Debug, Clone, Default)]
pub struct Screens {
    pub topics: TopicsScreen,
    pub messages: MessagesScreen,
    pub search: SearchScreen,
    pub produce: ProduceScreen,
    pub groups: GroupsScreen,
    pub brokers: BrokersScreen,
    pub schemas: SchemasScreen,
}

/// What has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The newest overlay.
    Overlay,
    TopicDetail,
    MessageDetail,
    GroupDetail,
    Screen(ScreenId),
}

#[derive(Debug, Clone)]
pub struct App {
    pub shared: Shared,
    /// The screen shown.
    pub screen: ScreenId,
    pub screens: Screens,
    /// Open over the screen, newest last; the newest has the focus.
    pub overlays: Vec<Overlay>,
    pub should_quit: bool,
}

impl App {
    pub fn new(profile: &str, bootstrap: &str, now: DateTime<Local>) -> App {
        App {
            shared: Shared::new(profile, bootstrap, now),
            screen: ScreenId::Topics,
            screens: Screens::default(),
            overlays: vec![],
            should_quit: false,
        }
    }

    /// Decided here and nowhere else: the newest overlay, else the detail
    /// open on the screen shown, else the screen.
    pub fn focus(&self) -> Focus {
        if self.overlays.is_empty() {
            self.shown_focus()
        } else {
            Focus::Overlay
        }
    }

    /// What the body shows: the detail open on the screen, or the screen.
    fn shown_focus(&self) -> Focus {
        let s = &self.screens;
        match self.screen {
            ScreenId::Topics if s.topics.detail.is_some() => Focus::TopicDetail,
            ScreenId::Messages if s.messages.detail.is_some() => Focus::MessageDetail,
            ScreenId::Groups if s.groups.detail.is_some() => Focus::GroupDetail,
            screen => Focus::Screen(screen),
        }
    }

    /// The component that has the focus.
    pub fn focused(&self) -> &dyn Component {
        self.component(self.focus())
    }

    /// The component the body shows, under any overlay.
    pub fn shown(&self) -> &dyn Component {
        self.component(self.shown_focus())
    }

    fn component(&self, focus: Focus) -> &dyn Component {
        let s = &self.screens;
        match (focus, self.overlays.last()) {
            (Focus::Overlay, Some(o)) => o,
            (Focus::TopicDetail, _) => match &s.topics.detail {
                Some(d) => d,
                None => &s.topics,
            },
            (Focus::MessageDetail, _) => match &s.messages.detail {
                Some(d) => d,
                None => &s.messages,
            },
            (Focus::GroupDetail, _) => match &s.groups.detail {
                Some(d) => d,
                None => &s.groups,
            },
            (_, _) => match self.screen {
                ScreenId::Topics => &s.topics,
                ScreenId::Messages => &s.messages,
                ScreenId::Search => &s.search,
                ScreenId::Produce => &s.produce,
                ScreenId::Groups => &s.groups,
                ScreenId::Brokers => &s.brokers,
                ScreenId::Schemas => &s.schemas,
            },
        }
    }

    /// The focused component and the shared state, borrowed together.
    fn focused_mut(&mut self) -> (&mut dyn Component, &mut Shared) {
        let focus = self.focus();
        let App {
            shared,
            screens: s,
            overlays,
            screen,
            ..
        } = self;
        let c: &mut dyn Component = match (focus, overlays.last_mut()) {
            (Focus::Overlay, Some(o)) => o,
            (Focus::TopicDetail, _) => match s.topics.detail {
                Some(ref mut d) => d,
                None => &mut s.topics,
            },
            (Focus::MessageDetail, _) => match s.messages.detail {
                Some(ref mut d) => d,
                None => &mut s.messages,
            },
            (Focus::GroupDetail, _) => match s.groups.detail {
                Some(ref mut d) => d,
                None => &mut s.groups,
            },
            (_, _) => match *screen {
                ScreenId::Topics => &mut s.topics,
                ScreenId::Messages => &mut s.messages,
                ScreenId::Search => &mut s.search,
                ScreenId::Produce => &mut s.produce,
                ScreenId::Groups => &mut s.groups,
                ScreenId::Brokers => &mut s.brokers,
                ScreenId::Schemas => &mut s.schemas,
            },
        };
        (c, shared)
    }

    /// The key mode of what has the focus.
    pub fn mode(&self) -> Mode {
        self.focused().mode()
    }

    /// One key from the terminal, read through the focused mode's keymap.
    /// Keys without a binding type themselves where text is typed.
    pub fn key(&mut self, key: KeyEvent) -> Vec<Output> {
        if key.kind == KeyEventKind::Release {
            return vec![];
        }
        let mode = self.mode();
        let input = match self.shared.keymap.action(mode, &key) {
            Some(a) => Input::Action(a),
            None => {
                let plain = !key
                    .modifiers
                    .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
                match (mode, key.code) {
                    (Mode::Text | Mode::Confirm, KeyCode::Char(c)) if plain => Input::Char(c),
                    (Mode::Form, _) => Input::Key(key.into()),
                    _ => return vec![],
                }
            }
        };
        self.handle(input)
    }

    /// An action, as if its key was pressed (tests, the screenshot driver).
    pub fn press(&mut self, action: Action) -> Vec<Output> {
        self.handle(Input::Action(action))
    }

    /// Text, as if typed into what has the focus.
    pub fn type_text(&mut self, text: &str) -> Vec<Output> {
        let mut out = vec![];
        for c in text.chars() {
            let input = match self.mode() {
                Mode::Form => Input::Key(ratatui_textarea::Input {
                    key: match c {
                        '\n' => ratatui_textarea::Key::Enter,
                        c => ratatui_textarea::Key::Char(c),
                    },
                    ..Default::default()
                }),
                _ => Input::Char(c),
            };
            out.extend(self.handle(input));
        }
        out
    }

    /// One input to the focused component; what it leaves goes to the
    /// app-wide keys. Returns the work for the worker and the terminal.
    pub fn handle(&mut self, input: Input) -> Vec<Output> {
        if self.mode() != Mode::Text {
            // A key answers the status line; typing keeps it in view.
            self.shared.status = None;
        }
        let (component, shared) = self.focused_mut();
        let outputs = match component.handle(&input, shared) {
            Some(out) => out,
            None => self.global(&input),
        };
        self.route(outputs)
    }

    /// The keys that mean the same everywhere.
    fn global(&mut self, input: &Input) -> Vec<Output> {
        let Input::Action(action) = input else {
            return vec![];
        };
        match action {
            Action::Quit => {
                self.should_quit = true;
                vec![]
            }
            Action::Help => vec![Output::Nav(Nav::Open(Box::new(Overlay::help())))],
            Action::Command => vec![Output::Nav(Nav::Open(Box::new(Overlay::command())))],
            Action::NextScreen | Action::PrevScreen => {
                let forward = *action == Action::NextScreen;
                // Without a registry the Schemas screen has
                // nothing to show: Tab passes it by (`:schemas` still says why).
                let all: Vec<ScreenId> = ScreenId::ALL
                    .into_iter()
                    .filter(|s| {
                        *s != ScreenId::Schemas
                            || self
                                .shared
                                .decoders
                                .as_ref()
                                .is_some_and(|d| d.has_registry())
                    })
                    .collect();
                vec![Output::Nav(Nav::Screen(screens::cycle(
                    &all,
                    self.screen,
                    forward,
                )))]
            }
            Action::Refresh => self.refresh(),
            Action::Redraw => vec![Output::Effect(Effect::Redraw)],
            Action::LastError => match &self.shared.last_said_error {
                Some(e) => vec![Output::info(format!("last error: {e}"))],
                None => vec![Output::info("no error so far")],
            },
            Action::Produce => vec![Output::Nav(Nav::Produce {
                topic: self.context_topic(),
                replay: None,
            })],
            _ => vec![],
        }
    }

    pub fn refresh(&mut self) -> Vec<Output> {
        self.shared.refreshing = true;
        let mut status = Status::info("refreshing…");
        status.refreshing = true;
        vec![
            Output::Status(status),
            Output::Command(Command::RefreshTopics),
            Output::Command(Command::RefreshGroups),
        ]
    }

    /// Statuses are said and navigation is done here; what is left is
    /// work for the worker and the terminal.
    fn route(&mut self, outputs: Vec<Output>) -> Vec<Output> {
        let mut work = vec![];
        for o in outputs {
            match o {
                Output::Command(_) | Output::Effect(_) => work.push(o),
                Output::Status(s) => self.shared.say(s),
                Output::Nav(nav) => {
                    let more = self.navigate(nav);
                    work.extend(self.route(more));
                }
            }
        }
        work
    }

    /// Fold in one event from the worker: the shared state first, then
    /// the components it belongs to.
    pub fn apply(&mut self, event: Event) -> Vec<Output> {
        let outputs = match self.shared.apply(event) {
            Ok(Changed::Topics) => {
                self.screens.topics.refreshed(&self.shared);
                self.screens.brokers.refreshed(&self.shared);
                vec![]
            }
            Ok(Changed::Groups) => {
                self.screens.groups.refreshed(&self.shared);
                vec![]
            }
            Ok(Changed::Nothing) => vec![],
            Err(event) => match *event {
                Event::AdminDone { id, title, result } => self.admin_done(id, title, result),
                Event::ResetPlanned { group, result } => self.reset_planned(group, result),
                event => {
                    let App {
                        shared, screens: s, ..
                    } = self;
                    let mut out = s.messages.apply(&event, shared);
                    out.extend(s.search.apply(&event, shared));
                    out.extend(s.produce.apply(&event, shared));
                    out.extend(s.schemas.apply(&event, shared));
                    if let Some(d) = &mut s.topics.detail {
                        out.extend(d.apply(&event, shared));
                    }
                    out
                }
            },
        };
        self.route(outputs)
    }

    /// Put the topic list's cursor on `name`, if it lists it.
    pub fn select_topic(&mut self, name: &str) {
        self.screens.topics.select(&self.shared, name);
    }

    /// Read `topic` from `start` on the messages screen.
    pub fn open_messages(
        &mut self,
        topic: &str,
        partitions: Option<Vec<i32>>,
        start: crate::model::StartAt,
    ) -> Vec<Output> {
        let open = component::OpenMessages::new(topic, partitions, start);
        self.route(vec![Output::Nav(Nav::Messages(Box::new(open)))])
    }

    pub fn explorer(&self) -> Option<&explorer::Explorer> {
        self.screens.messages.explorer.as_ref()
    }

    pub fn explorer_mut(&mut self) -> Option<&mut explorer::Explorer> {
        self.screens.messages.explorer.as_mut()
    }
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_keys;
#[cfg(test)]
mod tests_schemas;
