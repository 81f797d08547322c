//! The search screen's part of `App`: opening the bar, starting and
//! cancelling a search, and opening a match in the explorer.

use super::{SearchForm, SearchView};
use crate::app::explorer::Focus;
use crate::app::{Action, App, Prompt, Screen};
use crate::model::StartAt;
use crate::protocol::Command;

/// Messages shown before a match when it is opened in the explorer.
const NEIGHBOURS: i64 = 50;

impl App {
    /// `/` searches (rather than filters) on these screens.
    pub fn searches_here(&self) -> bool {
        match self.screen {
            Screen::Messages | Screen::Search => true,
            Screen::Topics => self.detail.is_some(),
            _ => false,
        }
    }

    /// The topic (and partitions) a search would start on from here.
    fn search_scope(&self) -> Option<(String, Option<Vec<i32>>)> {
        match self.screen {
            Screen::Messages => self
                .explorer
                .as_ref()
                .map(|e| (e.topic.clone(), e.partitions.clone())),
            Screen::Search => self
                .search
                .as_ref()
                .map(|s| (s.request.topic.clone(), s.request.partitions.clone()))
                .or_else(|| self.search_form.as_ref().map(|f| (f.topic.clone(), None))),
            Screen::Topics => match &self.detail {
                Some(d) => Some((d.topic.clone(), None)),
                None => self.selected_topic().map(|t| (t.name.clone(), None)),
            },
            _ => self
                .selected_topic()
                .map(|t| (t.name.clone(), None))
                .or_else(|| self.search_form.as_ref().map(|f| (f.topic.clone(), None))),
        }
    }

    pub(crate) fn open_search_form(&mut self, pattern: Option<&str>) {
        let Some((topic, partitions)) = self.search_scope() else {
            return;
        };
        let mut form = match &self.search_form {
            // The same topic again: keep the scope and flags as they were.
            Some(last) if last.topic == topic => SearchForm::again(&topic, last),
            Some(last) => {
                let mut f = SearchForm::new(&topic, partitions.as_deref());
                f.pattern = last.pattern.clone();
                f.target = last.target;
                f.ignore_case = last.ignore_case;
                f.invert = last.invert;
                f
            }
            None => SearchForm::new(&topic, partitions.as_deref()),
        };
        if let Some(p) = pattern {
            form.pattern = crate::app::LineInput::with_text(p);
            form.edit(crate::app::Edit::End);
        }
        self.prompt = Some(Prompt::Search(form));
    }

    pub(crate) fn submit_search(&mut self, mut form: SearchForm) -> Vec<Command> {
        match form.build(self.next_session + 1, self.now.timestamp_millis()) {
            Ok((req, matcher)) => {
                self.next_session += 1;
                let mut cmds = vec![];
                if self.search.as_ref().is_some_and(SearchView::running) {
                    cmds.push(Command::CancelSearch);
                }
                self.search = Some(SearchView::new(req.clone(), matcher, form.newest_first));
                self.search_form = Some(form);
                self.screen = Screen::Search;
                self.status = None;
                cmds.push(Command::Search(req));
                cmds
            }
            Err((field, message)) => {
                form.focus = field;
                form.error = Some((field, message));
                self.prompt = Some(Prompt::Search(form));
                vec![]
            }
        }
    }

    pub(crate) fn search_session(&mut self, session: u64) -> Option<&mut SearchView> {
        self.search
            .as_mut()
            .filter(|s| s.request.session == session)
    }

    pub(crate) fn update_search(&mut self, action: Action) -> Vec<Command> {
        let page = self.page_size;
        let Some(view) = &mut self.search else {
            if action == Action::Back {
                self.screen = Screen::Topics;
            }
            return vec![];
        };
        if view.cursor.apply(action, view.hits.len(), page) {
            return vec![];
        }
        match action {
            Action::Back if view.running() => {
                // Cancelled at once; the worker's last report still adds
                // what it found on the way out.
                view.outcome = Some(super::SearchOutcome::Cancelled);
                self.info("search cancelled; the matches found so far are kept");
                vec![Command::CancelSearch]
            }
            Action::Back => {
                self.screen = Screen::Topics;
                vec![]
            }
            Action::SortNext => {
                view.toggle_order();
                let order = if view.newest_first {
                    "newest first"
                } else {
                    "oldest first"
                };
                self.info(format!("matches {order}"));
                vec![]
            }
            Action::Open => self.open_hit(true),
            Action::Messages => self.open_hit(false),
            _ => vec![],
        }
    }

    /// Read the match again in full, in the explorer, with the messages
    /// before and after it in its partition; `detail` opens it.
    fn open_hit(&mut self, detail: bool) -> Vec<Command> {
        let Some(view) = &self.search else {
            return vec![];
        };
        let Some(hit) = view.selected() else {
            return vec![];
        };
        let (topic, (partition, offset)) = (view.request.topic.clone(), hit.key());
        let matcher = view.matcher.clone();
        let highlight = (!view.request.query.invert).then_some(matcher);
        let start = StartAt::Offset((offset - NEIGHBOURS).max(0));
        let cmds = self.open_messages(&topic, Some(vec![partition]), start);
        if let Some(ex) = &mut self.explorer {
            ex.focus_on(Focus {
                partition,
                offset,
                open_detail: detail,
            });
            ex.highlight = highlight;
            ex.return_to = Screen::Search;
        }
        cmds
    }
}
