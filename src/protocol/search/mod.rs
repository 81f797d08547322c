//! A search of a whole topic: what the worker is asked to scan, the
//! matches it streams back, and how it ended. How one message is tested
//! is in `query`.

pub mod query;

pub use query::{check_pattern, Field, MatchSpan, Matcher, PatternError, Query, SearchIn};

use crate::model::{Message, StartAt};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRequest {
    pub session: u64,
    pub topic: String,
    pub query: Query,
    /// None: every partition.
    pub partitions: Option<Vec<i32>>,
    pub from: StartAt,
    /// Where to stop (an offset is included); None: the end as it was when
    /// the search started.
    pub to: Option<StartAt>,
    pub max_scanned: Option<u64>,
    pub max_matches: Option<u64>,
    /// Keep this many bytes of key and value per match; None keeps all.
    pub preview: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    /// Key and value cut to the request's preview size.
    pub message: Message,
    /// The full size of the value (it may be cut above).
    pub value_size: usize,
    /// Where the pattern matched (None for an inverted search).
    pub span: Option<MatchSpan>,
}

impl SearchHit {
    pub fn key(&self) -> (i32, i64) {
        (self.message.partition, self.message.offset)
    }

    /// Display order: timestamp, partition, offset.
    pub fn order(&self) -> (i64, i32, i64) {
        let m = &self.message;
        (m.timestamp.unwrap_or(i64::MIN), m.partition, m.offset)
    }
}

/// How a search ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SearchOutcome {
    /// Every message in scope was scanned.
    Completed,
    Cancelled,
    MaxMatches,
    MaxScanned,
    Failed(crate::protocol::OpError),
}

impl SearchOutcome {
    pub fn label(&self) -> String {
        match self {
            SearchOutcome::Completed => "done".into(),
            SearchOutcome::Cancelled => "cancelled".into(),
            SearchOutcome::MaxMatches => "stopped at the match limit".into(),
            SearchOutcome::MaxScanned => "stopped at the scan limit".into(),
            SearchOutcome::Failed(e) => format!("failed: {e}"),
        }
    }
}
