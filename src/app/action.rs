//! Everything a user can ask of creel. The keymap maps keys to these; the
//! help screen and footer are generated from that map, so a key is written
//! down once.

use serde::Deserialize;

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
}

impl Action {
    pub const ALL: [Action; 32] = [
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::Top,
        Action::Bottom,
        Action::Open,
        Action::Back,
        Action::NextScreen,
        Action::PrevScreen,
        Action::NextTab,
        Action::PrevTab,
        Action::Filter,
        Action::Command,
        Action::SortNext,
        Action::SortReverse,
        Action::ToggleInternal,
        Action::Refresh,
        Action::Messages,
        Action::Pause,
        Action::Follow,
        Action::PartitionFilter,
        Action::Hex,
        Action::Utc,
        Action::Copy,
        Action::Mark,
        Action::Export,
        Action::Skip,
        Action::Produce,
        Action::Replay,
        Action::Help,
        Action::Quit,
    ];

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
            Action::Open => "open the selected row",
            Action::Back => "go back / close / clear filter",
            Action::NextScreen => "next screen",
            Action::PrevScreen => "previous screen",
            Action::Command => {
                "jump or run: :topics, :groups, :search P, :produce, :create-topic, :reset-offsets... (README)"
            }
            Action::Filter => "filter rows (regex); on a topic or its messages: search the topic",
            Action::Refresh => "refresh now",
            Action::ToggleInternal => "show or hide internal topics",
            Action::SortNext => "sort by the next column",
            Action::SortReverse => "reverse the sort order",
            Action::NextTab => "next tab (topic detail)",
            Action::PrevTab => "previous tab (topic detail)",
            Action::Messages => "read messages of the topic (or partition) under the cursor",
            Action::Pause => "messages: pause the view (messages keep arriving)",
            Action::Follow => "messages: follow the newest again",
            Action::Hex => "message: show the value as hex",
            Action::Utc => "messages: local time / UTC",
            Action::PartitionFilter => "messages: show one partition, the next, all",
            Action::Copy => "messages: copy the message (JSON) to the clipboard (OSC 52)",
            Action::Export => "messages: export the marked range (or every loaded message) to JSONL",
            Action::Mark => "messages: start a range at the cursor (v again clears it)",
            Action::Skip => "messages: read past a batch that cannot be decoded",
            Action::Produce => "produce messages to the topic under the cursor (:produce)",
            Action::Replay => "messages: send the selected message again (edit it first)",
        }
    }

    /// The short word shown in the footer.
    pub fn short(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "help",
            Action::Open => "open",
            Action::Back => "back",
            Action::NextScreen => "screen",
            Action::Command => "goto",
            Action::Filter => "filter",
            Action::Refresh => "refresh",
            Action::ToggleInternal => "internal",
            Action::SortNext => "sort",
            Action::NextTab => "next tab",
            Action::Messages => "messages",
            Action::Pause => "pause",
            Action::Follow => "follow",
            Action::Hex => "hex",
            Action::PartitionFilter => "partition",
            Action::Copy => "copy",
            Action::Export => "export",
            Action::Produce => "produce",
            Action::Replay => "replay",
            Action::Mark => "range",
            Action::Skip => "skip bad batch",
            _ => "",
        }
    }
}
