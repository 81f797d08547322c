//! Where outputs lead: `Nav` requests from components, the `:` command
//! line, and what "the current topic" means on each screen.

use super::commands::{self, COMMANDS};
use super::component::Effect;
use super::component::{Nav, Output};
use super::input::{Edit, LineInput};
use super::overlays::Overlay;
use super::screens::produce::READ_ONLY;
use super::screens::ScreenId;
use super::App;

impl App {
    pub(crate) fn navigate(&mut self, nav: Nav) -> Vec<Output> {
        let s = &mut self.screens;
        match nav {
            Nav::Screen(id) => {
                self.screen = id;
                // The registry is asked the first time the screen shows.
                if id == ScreenId::Schemas && s.schemas.list.is_none() {
                    return vec![s.schemas.load()];
                }
            }
            Nav::Back { to } => {
                match self.screen {
                    ScreenId::Topics => s.topics.detail = None,
                    ScreenId::Messages => s.messages.detail = None,
                    ScreenId::Groups => s.groups.detail = None,
                    _ => {}
                }
                if let Some(to) = to {
                    self.screen = to;
                }
            }
            Nav::Open(o) => self.overlays.push(*o),
            Nav::Close => {
                self.overlays.pop();
            }
            Nav::Messages(mut open) => {
                let from = match (self.screen, &s.messages.explorer) {
                    // A new read from the messages screen goes back where
                    // the last one did.
                    (ScreenId::Messages, Some(ex)) => ex.return_to,
                    (ScreenId::Messages, None) => ScreenId::Topics,
                    (screen, _) => screen,
                };
                open.return_to.get_or_insert(from);
                self.screen = ScreenId::Messages;
                return s.messages.open(*open, &mut self.shared);
            }
            Nav::Produce { topic, replay } => {
                if self.shared.read_only {
                    return vec![Output::error(READ_ONLY)];
                }
                let from = self.screen;
                self.screen = ScreenId::Produce;
                if let Some(r) = replay {
                    let (topic, m) = *r;
                    return vec![s.produce.replay(&topic, &m, &self.shared, from)];
                }
                s.produce.open(topic, &self.shared, from);
            }
            Nav::SearchBar { pattern } => {
                let Some((topic, partitions)) = self.search_scope() else {
                    return vec![Output::error(
                        "no topic to search: select one on the topic list first",
                    )];
                };
                let mut form = self.screens.search.form(&topic, partitions.as_deref());
                if let Some(p) = pattern {
                    form.pattern = LineInput::with_text(&p);
                    form.edit(Edit::End);
                }
                self.overlays.push(Overlay::SearchBar(Box::new(form)));
            }
            Nav::Search(start) => {
                self.screen = ScreenId::Search;
                self.shared.status = None;
                return s.search.start(*start);
            }
            Nav::KeepSearchForm(form) => s.search.last_form = Some(*form),
            Nav::Filter(text) => match self.screen {
                ScreenId::Groups => s.groups.set_filter(&self.shared, &text),
                _ => s.topics.set_filter(&self.shared, &text),
            },
            Nav::Run(line) => return self.run_command(&line),
            Nav::Group(id) => {
                self.screen = ScreenId::Groups;
                s.groups.open(&id);
            }
        }
        vec![]
    }

    /// A `:` command line.
    fn run_command(&mut self, line: &str) -> Vec<Output> {
        let line = line.trim().trim_start_matches(':').trim();
        let mut words = line.split_whitespace();
        let Some(word) = words.next() else {
            return vec![];
        };
        let args: Vec<&str> = words.collect();
        let spec = match commands::find(word) {
            Ok(spec) => spec,
            Err(e) => return vec![Output::error(e)],
        };
        if spec.writes && self.shared.read_only {
            return vec![Output::error(format!(
                "read-only: :{} is a write; creel does not send it",
                spec.name
            ))];
        }
        let rest = line[word.len()..].trim();
        match spec.name {
            "quit" => {
                self.should_quit = true;
                vec![]
            }
            "help" => vec![Output::Nav(Nav::Open(Box::new(Overlay::help())))],
            "refresh" => self.refresh(),
            "profile" if rest.is_empty() => vec![Output::Effect(Effect::ListProfiles)],
            "profile" => vec![Output::Effect(Effect::SwitchProfile(rest.to_string()))],
            "produce" => vec![Output::Nav(Nav::Produce {
                topic: self.context_topic(),
                replay: None,
            })],
            "search" => vec![Output::Nav(Nav::SearchBar {
                pattern: (!rest.is_empty()).then(|| rest.to_string()),
            })],
            "import" => self.import(rest),
            "topics" | "groups" => {
                let id = if spec.name == "topics" {
                    self.screens.topics.detail = None;
                    ScreenId::Topics
                } else {
                    self.screens.groups.detail = None;
                    ScreenId::Groups
                };
                self.shared.status = None;
                vec![Output::Nav(Nav::Screen(id))]
            }
            "messages" | "brokers" | "schemas" => {
                let id = ScreenId::ALL
                    .into_iter()
                    .find(|s| s.name() == spec.name)
                    .unwrap_or(ScreenId::Topics);
                self.shared.status = None;
                vec![Output::Nav(Nav::Screen(id))]
            }
            name => match self.admin_command(name, &args) {
                Some(out) => out,
                None => vec![Output::error(format!(
                    ":{name} is listed but not handled; this is a bug in creel"
                ))],
            },
        }
    }

    /// `:import PATH`, to the produce form's topic (the form opens on the
    /// current topic when it is not open yet).
    fn import(&mut self, path: &str) -> Vec<Output> {
        if path.is_empty() {
            let usage = COMMANDS
                .iter()
                .find(|c| c.name == "import")
                .map_or("", |c| c.args);
            return vec![Output::error(format!("usage: :import {usage}"))];
        }
        let mut out = vec![];
        if self.screen != ScreenId::Produce || self.screens.produce.view.is_none() {
            out.extend(self.navigate(Nav::Produce {
                topic: self.context_topic(),
                replay: None,
            }));
        }
        out.extend(self.screens.produce.import(path, &mut self.shared));
        out
    }

    /// The topic the screen shown is about, for `p` and `:produce`.
    pub(crate) fn context_topic(&self) -> Option<String> {
        let s = &self.screens;
        match self.screen {
            ScreenId::Messages => s.messages.explorer.as_ref().map(|e| e.topic.clone()),
            ScreenId::Search => s.search.view.as_ref().map(|v| v.request.topic.clone()),
            ScreenId::Produce => s
                .produce
                .view
                .as_ref()
                .map(|v| v.topic.text.trim().to_string())
                .filter(|t| !t.is_empty()),
            ScreenId::Topics => s.topics.current(&self.shared),
            ScreenId::Groups | ScreenId::Brokers | ScreenId::Schemas => None,
        }
    }

    /// The topic (and partitions) a search from here would start on.
    fn search_scope(&self) -> Option<(String, Option<Vec<i32>>)> {
        let s = &self.screens;
        let last = || s.search.last_form.as_ref().map(|f| (f.topic.clone(), None));
        match self.screen {
            ScreenId::Messages => s
                .messages
                .explorer
                .as_ref()
                .map(|e| (e.topic.clone(), e.partitions.clone())),
            ScreenId::Search => s.search.scope(),
            ScreenId::Topics => s.topics.current(&self.shared).map(|t| (t, None)),
            _ => s
                .topics
                .selected(&self.shared)
                .map(|t| (t.name.clone(), None))
                .or_else(last),
        }
    }
}
