//! What every screen and overlay is: a component that owns its state,
//! handles the input of its key mode, folds in the worker's events, draws
//! itself, and names the keys worth a hint. Everything a component wants
//! done comes back as `Output`s, one type, which `App` routes.

use ratatui::layout::Rect;
use ratatui::Frame;

use super::action::{Action, Mode};
use super::overlays::Overlay;
use super::screens::ScreenId;
use super::search::SearchForm;
use super::shared::Shared;
use crate::model::{Message, StartAt};
use crate::protocol::search::{Matcher, SearchRequest};
use crate::protocol::{Command, Event};

/// One key press, as the focused component's keymap read it.
#[derive(Debug, Clone)]
pub enum Input {
    Action(Action),
    /// A printable character, in a typing mode.
    Char(char),
    /// A key the form's editor takes as it is (arrows, Enter...).
    Key(ratatui_textarea::Input),
}

/// What a component asks for.
#[derive(Debug, Clone)]
pub enum Output {
    /// Work for the Kafka worker.
    Command(Command),
    /// Work for the terminal side.
    Effect(Effect),
    /// A line for the status bar.
    Status(Status),
    /// Somewhere else to go; `App` routes it.
    Nav(Nav),
}

impl Output {
    pub fn info(text: impl Into<String>) -> Output {
        Output::Status(Status::info(text))
    }

    pub fn error(text: impl Into<String>) -> Output {
        Output::Status(Status::error(text))
    }
}

/// Something the terminal side must do: the app has no I/O itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Put this text on the clipboard (OSC 52).
    Copy(String),
    /// Write these messages of `topic` to a new JSONL file at `path` (a
    /// numbered name next to it when it is taken).
    Export {
        topic: String,
        messages: Vec<Message>,
        path: std::path::PathBuf,
    },
    /// Clear the terminal and draw everything again.
    Redraw,
    /// Connect to this profile of the config file instead: a new worker,
    /// a fresh view, nothing of the old cluster kept.
    SwitchProfile(String),
    /// Say which profiles the config file has.
    ListProfiles,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusLevel {
    Info,
    Error,
}

/// What the status bar says, and why (so that it is cleared by what it
/// is, not by its words).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub level: StatusLevel,
    pub text: String,
    /// Said while a refresh runs: the refresh's end clears it.
    pub refreshing: bool,
}

impl Status {
    pub fn info(text: impl Into<String>) -> Status {
        Status {
            level: StatusLevel::Info,
            text: text.into(),
            refreshing: false,
        }
    }

    pub fn error(text: impl Into<String>) -> Status {
        Status {
            level: StatusLevel::Error,
            text: text.into(),
            refreshing: false,
        }
    }
}

/// Where to go.
#[derive(Debug, Clone)]
pub enum Nav {
    /// A screen, as Tab and `:` reach it.
    Screen(ScreenId),
    /// Close the detail that has the focus, then go to `to` if named.
    Back {
        to: Option<ScreenId>,
    },
    Open(Box<Overlay>),
    /// Close the overlay that asked.
    Close,
    /// Read a topic on the messages screen.
    Messages(Box<OpenMessages>),
    /// The produce screen, on a topic, or with a message to replay.
    Produce {
        topic: Option<String>,
        replay: Option<Box<(String, Message)>>,
    },
    /// The search bar on the current topic, maybe with a pattern typed.
    SearchBar {
        pattern: Option<String>,
    },
    /// Start the search the bar describes.
    Search(Box<StartSearch>),
    /// The bar was left: keep what was typed for the next `/`.
    KeepSearchForm(Box<SearchForm>),
    /// The list filter below the prompt changed.
    Filter(String),
    /// Run a `:` command line.
    Run(String),
    /// A consumer group's detail.
    Group(String),
}

/// How the messages screen opens.
#[derive(Debug, Clone)]
pub struct OpenMessages {
    pub topic: String,
    pub partitions: Option<Vec<i32>>,
    pub start: StartAt,
    /// Select this message when it arrives (and open it, with `detail`).
    pub focus: Option<(i32, i64)>,
    pub detail: bool,
    /// Marks what a search matched, in the detail.
    pub highlight: Option<Matcher>,
    /// Where Esc from the list (or from a detail opened here) goes; None:
    /// the screen it was opened from.
    pub return_to: Option<ScreenId>,
}

impl OpenMessages {
    pub fn new(topic: &str, partitions: Option<Vec<i32>>, start: StartAt) -> OpenMessages {
        OpenMessages {
            topic: topic.into(),
            partitions,
            start,
            focus: None,
            detail: false,
            highlight: None,
            return_to: None,
        }
    }
}

/// A search checked by the bar, ready to run.
#[derive(Debug, Clone)]
pub struct StartSearch {
    pub form: SearchForm,
    pub request: SearchRequest,
    pub matcher: Matcher,
}

/// The worker commands among some outputs.
pub fn commands(outputs: &[Output]) -> Vec<Command> {
    outputs
        .iter()
        .filter_map(|o| match o {
            Output::Command(c) => Some(c.clone()),
            _ => None,
        })
        .collect()
}

/// A key worth showing in the footer, with its word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hint {
    pub action: Action,
    pub word: &'static str,
}

pub const fn hint(action: Action, word: &'static str) -> Hint {
    Hint { action, word }
}

/// A screen or an overlay.
pub trait Component {
    /// The key mode it reads keys in.
    fn mode(&self) -> Mode;
    /// One input; None when the component leaves it to the app (quit,
    /// help, the next screen...).
    fn handle(&mut self, input: &Input, shared: &mut Shared) -> Option<Vec<Output>>;
    /// A worker event. Most components ignore most events.
    fn apply(&mut self, _event: &Event, _shared: &mut Shared) -> Vec<Output> {
        vec![]
    }
    /// Draw into `area` (an overlay gets the whole frame and places itself).
    fn draw(&self, frame: &mut Frame, area: Rect, shared: &Shared);
    /// The keys worth a hint in the footer.
    fn hints(&self, shared: &Shared) -> Vec<Hint>;
}
