//! Everything a user can ask of creel, and the key modes they ask it in.
//! The keymap maps keys to these per mode; the help screen and the footer
//! are generated from that map, so a key is written down once.

use serde::Deserialize;

/// Which keymap reads the keys: the focused component says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    /// Lists, details, the help: single keys are actions.
    Normal,
    /// A line being typed (filter, `:` command, start position, search
    /// bar, a name to confirm): printable keys are text.
    Text,
    /// The produce form's editors: keys without a binding go to the
    /// editor as they are.
    Form,
    /// A yes/no question.
    Confirm,
}

impl Mode {
    pub const ALL: [Mode; 4] = [Mode::Normal, Mode::Text, Mode::Form, Mode::Confirm];

    /// The name of its table in config.toml (`[keys.text]`...).
    pub fn name(self) -> &'static str {
        match self {
            Mode::Normal => "normal",
            Mode::Text => "text",
            Mode::Form => "form",
            Mode::Confirm => "confirm",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Mode::Normal => "Lists and screens",
            Mode::Text => "Typing in a prompt or the search bar",
            Mode::Form => "Editing the produce form",
            Mode::Confirm => "A yes/no confirmation",
        }
    }

    /// The actions that mean something in this mode, in help order.
    pub fn actions(self) -> &'static [Action] {
        use Action::*;
        match self {
            Mode::Normal => &[
                Up,
                Down,
                PageUp,
                PageDown,
                Top,
                Bottom,
                Open,
                Back,
                NextScreen,
                PrevScreen,
                NextTab,
                PrevTab,
                Filter,
                Command,
                SortNext,
                SortReverse,
                ToggleInternal,
                Refresh,
                Messages,
                Pause,
                Follow,
                PartitionFilter,
                Hex,
                Utc,
                Copy,
                Mark,
                Export,
                Skip,
                Produce,
                Replay,
                Send,
                LastError,
                Redraw,
                Help,
                Quit,
            ],
            Mode::Text => &[
                Submit, Cancel, NextField, PrevField, Left, Right, Home, End, Backspace, Delete,
                DeleteWord, ClearLine, Redraw,
            ],
            Mode::Form => &[
                Send, NextField, PrevField, Template, Pretty, Recall, Cancel, Redraw, Quit,
            ],
            Mode::Confirm => &[Yes, No, Submit, Cancel, Redraw],
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Quit,
    Help,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Back,
    NextScreen,
    PrevScreen,
    Command,
    Filter,
    Refresh,
    ToggleInternal,
    SortNext,
    SortReverse,
    NextTab,
    PrevTab,
    Messages,
    Pause,
    Follow,
    Hex,
    Utc,
    PartitionFilter,
    Copy,
    Export,
    Produce,
    Replay,
    Mark,
    Skip,
    /// Read the last error in full.
    LastError,
    /// Draw the whole screen again, from scratch.
    Redraw,
    // Typing.
    Submit,
    Cancel,
    NextField,
    PrevField,
    Left,
    Right,
    Home,
    End,
    Backspace,
    Delete,
    DeleteWord,
    ClearLine,
    // The produce form.
    Send,
    Pretty,
    Template,
    Recall,
    // Confirmations.
    Yes,
    No,
}

impl Action {
    pub fn description(self) -> &'static str {
        match self {
            Action::Quit => "quit creel",
            Action::Help => "show or hide this help",
            Action::Up => "move up",
            Action::Down => "move down",
            Action::PageUp => "page up",
            Action::PageDown => "page down",
            Action::Top => "go to the first row",
            Action::Bottom => "go to the last row",
            Action::Open => "open the selected row (produce: edit the form)",
            Action::Back => "go back / close / clear filter / cancel a search",
            Action::NextScreen => "next screen",
            Action::PrevScreen => "previous screen",
            Action::Command => "run a : command (the list is below)",
            Action::Filter => "filter rows (regex); on a topic or its messages: search the topic",
            Action::Refresh => "refresh now",
            Action::ToggleInternal => "topics: show or hide internal topics",
            Action::SortNext => "sort by the next column (search: flip the order)",
            Action::SortReverse => "reverse the sort order",
            Action::NextTab => "next tab (topic or group detail; a message's schema)",
            Action::PrevTab => "previous tab",
            Action::Messages => {
                "read messages of the topic (or partition) under the cursor; search: the match in its stream"
            }
            Action::Pause => "messages: pause the view (messages keep arriving)",
            Action::Follow => "messages: jump to the newest and follow",
            Action::Hex => "messages: values as hex (the list: a hex column; a message: a hex dump)",
            Action::Utc => "messages: local time / UTC",
            Action::PartitionFilter => "messages: show one partition, the next, all",
            Action::Copy => "messages: copy the message (JSON) to the clipboard (OSC 52)",
            Action::Export => "messages: export the marked range (or every loaded message) to a JSONL file you name",
            Action::Mark => "messages: start a range at the cursor (v again clears it)",
            Action::Skip => "messages: read past a batch that cannot be decoded",
            Action::Produce => "produce messages to the topic under the cursor",
            Action::Replay => "messages: send the selected message again (edit it first)",
            Action::LastError => "read the last error in full",
            Action::Redraw => "draw the whole screen again",
            Action::Submit => "accept (search, send the command, confirm)",
            Action::Cancel => "cancel / stop editing",
            Action::NextField => "next field (: completes a command)",
            Action::PrevField => "previous field",
            Action::Left => "cursor left (a choice: the previous value)",
            Action::Right => "cursor right (a choice: the next value)",
            Action::Home => "start of the line",
            Action::End => "end of the line",
            Action::Backspace => "delete before the cursor",
            Action::Delete => "delete under the cursor",
            Action::DeleteWord => "delete the word before the cursor",
            Action::ClearLine => "delete everything before the cursor",
            Action::Send => "produce: send the draft (N messages at the rate)",
            Action::Pretty => "produce: pretty-print the JSON value",
            Action::Template => "produce: the next template",
            Action::Recall => "produce: an earlier draft",
            Action::Yes => "yes: send it",
            Action::No => "no: cancel",
        }
    }

    /// Whether the action writes to the cluster (refused in read-only).
    pub fn writes(self) -> bool {
        matches!(self, Action::Produce | Action::Replay | Action::Send)
    }
}
