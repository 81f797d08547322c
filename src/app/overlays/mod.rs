//! What opens over a screen and takes the keyboard until it closes: help,
//! a one-line prompt, the search bar, a confirmation. The newest one has
//! the focus.

pub mod confirm;
pub mod help;
pub mod prompt;
mod search_bar;

use ratatui::layout::Rect;
use ratatui::Frame;

pub use confirm::Confirm;
pub use help::Help;
pub use prompt::{LinePrompt, PromptKind, DEFAULT_START};

use super::action::Mode;
use super::component::{Component, Hint, Input, Output};
use super::search::SearchForm;
use super::shared::Shared;
use crate::protocol::Event;

#[derive(Debug, Clone)]
pub enum Overlay {
    Help(Help),
    Prompt(LinePrompt),
    SearchBar(Box<SearchForm>),
    Confirm(Box<Confirm>),
}

impl Overlay {
    pub fn help() -> Overlay {
        Overlay::Help(Help::default())
    }

    pub fn filter(text: &str) -> Overlay {
        Overlay::Prompt(LinePrompt::filter(text))
    }

    pub fn command() -> Overlay {
        Overlay::Prompt(LinePrompt::command())
    }

    pub fn start_picker(topic: &str, partitions: Option<Vec<i32>>) -> Overlay {
        Overlay::Prompt(LinePrompt::start(topic, partitions))
    }

    fn inner(&self) -> &dyn Component {
        match self {
            Overlay::Help(c) => c,
            Overlay::Prompt(c) => c,
            Overlay::SearchBar(c) => c.as_ref(),
            Overlay::Confirm(c) => c.as_ref(),
        }
    }

    fn inner_mut(&mut self) -> &mut dyn Component {
        match self {
            Overlay::Help(c) => c,
            Overlay::Prompt(c) => c,
            Overlay::SearchBar(c) => c.as_mut(),
            Overlay::Confirm(c) => c.as_mut(),
        }
    }

    /// Draw the prompt line at the bottom, when this overlay has one.
    pub fn draw_line(&self, frame: &mut Frame, area: Rect) -> bool {
        match self {
            Overlay::Help(_) => return false,
            Overlay::Prompt(p) => p.draw_line(frame, area),
            Overlay::SearchBar(f) => f.draw_line(frame, area),
            Overlay::Confirm(c) => c.draw_line(frame, area),
        }
        true
    }
}

impl Component for Overlay {
    fn mode(&self) -> Mode {
        self.inner().mode()
    }

    fn handle(&mut self, input: &Input, shared: &mut Shared) -> Option<Vec<Output>> {
        self.inner_mut().handle(input, shared)
    }

    fn apply(&mut self, event: &Event, shared: &mut Shared) -> Vec<Output> {
        self.inner_mut().apply(event, shared)
    }

    fn draw(&self, frame: &mut Frame, area: Rect, shared: &Shared) {
        self.inner().draw(frame, area, shared)
    }

    fn hints(&self, shared: &Shared) -> Vec<Hint> {
        self.inner().hints(shared)
    }
}
