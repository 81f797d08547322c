//! The screens: each a component with its own state, drawing and keys.
//! A screen may hold a detail (a topic, a message, a group) that takes the
//! focus while it is open; `App::focus` decides which.

pub mod brokers;
pub mod group_detail;
pub mod groups;
pub mod message_detail;
pub mod messages;
pub mod produce;
pub mod schemas;
pub mod search;
pub mod topic_detail;
pub mod topics;

/// The top-level screens, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScreenId {
    Topics,
    Messages,
    Search,
    Produce,
    Groups,
    Brokers,
    Schemas,
}

impl ScreenId {
    pub const ALL: [ScreenId; 7] = [
        ScreenId::Topics,
        ScreenId::Messages,
        ScreenId::Search,
        ScreenId::Produce,
        ScreenId::Groups,
        ScreenId::Brokers,
        ScreenId::Schemas,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ScreenId::Topics => "topics",
            ScreenId::Messages => "messages",
            ScreenId::Search => "search",
            ScreenId::Produce => "produce",
            ScreenId::Groups => "groups",
            ScreenId::Brokers => "brokers",
            ScreenId::Schemas => "schemas",
        }
    }
}

/// Move to the next or previous of `all`, wrapping.
pub fn cycle<T: Copy + PartialEq>(all: &[T], current: T, forward: bool) -> T {
    let i = all.iter().position(|t| *t == current).unwrap_or(0);
    let n = all.len();
    all[if forward {
        (i + 1) % n
    } else {
        (i + n - 1) % n
    }]
}

/// Something a detail waits for from the worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loadable<T> {
    Loading,
    Loaded(T),
    Failed(crate::protocol::OpError),
}
