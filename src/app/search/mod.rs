//! Searching a whole topic (or the part the user scopes) with a regex: the
//! request the worker runs, the matches it streams back, and the view that
//! lists them while the scan goes on.

mod form;

pub use crate::protocol::search::{
    check_pattern, Field, MatchSpan, Matcher, PatternError, Query, SearchHit, SearchIn,
    SearchOutcome, SearchRequest,
};
pub use form::{parse_count, parse_partitions, parse_to, SearchField, SearchForm};

use std::collections::BTreeMap;

use super::cursor::Cursor;
use crate::protocol::PartitionSpan;

/// The UI keeps at most this many matches unless the user asks otherwise.
pub const DEFAULT_MAX_MATCHES: u64 = 10_000;
/// Bytes of key and value a match keeps for the list; the message is read
/// again in full when opened.
pub const PREVIEW_BYTES: usize = 512;

/// A running or finished search, as the search screen shows it.
#[derive(Debug, Clone)]
pub struct SearchView {
    pub request: SearchRequest,
    /// Used to highlight matches in the detail view.
    pub matcher: Matcher,
    /// Scope per partition, once the worker resolved it.
    pub spans: Vec<PartitionSpan>,
    /// Next offset to scan, per partition.
    pub positions: BTreeMap<i32, i64>,
    pub scanned: u64,
    pub elapsed_ms: u64,
    /// Sorted oldest first; shown in either order.
    pub hits: Vec<SearchHit>,
    pub newest_first: bool,
    pub cursor: Cursor,
    pub outcome: Option<SearchOutcome>,
    /// The last read error the scan reported and went past.
    pub error: Option<crate::protocol::OpError>,
}

impl SearchView {
    pub fn new(request: SearchRequest, matcher: Matcher, newest_first: bool) -> SearchView {
        SearchView {
            request,
            matcher,
            spans: vec![],
            positions: BTreeMap::new(),
            scanned: 0,
            elapsed_ms: 0,
            hits: vec![],
            newest_first,
            cursor: Cursor::default(),
            outcome: None,
            error: None,
        }
    }

    pub fn running(&self) -> bool {
        self.outcome.is_none()
    }

    /// Messages in scope: known once the scope is resolved.
    pub fn total(&self) -> u64 {
        self.spans
            .iter()
            .map(|s| (s.to.unwrap_or(s.marks.high) - s.from).max(0) as u64)
            .sum()
    }

    /// Scanned and in-scope messages of one partition.
    pub fn partition_progress(&self, s: &PartitionSpan) -> (u64, u64) {
        let to = s.to.unwrap_or(s.marks.high);
        let total = (to - s.from).max(0) as u64;
        let at = self.positions.get(&s.partition).copied().unwrap_or(s.from);
        let done = match &self.outcome {
            Some(SearchOutcome::Completed) => total,
            _ => (at.min(to) - s.from).max(0) as u64,
        };
        (done, total)
    }

    pub fn rate(&self) -> Option<f64> {
        (self.elapsed_ms >= 200).then(|| self.scanned as f64 * 1000.0 / self.elapsed_ms as f64)
    }

    /// Seconds left at the current rate.
    pub fn eta_secs(&self) -> Option<f64> {
        let rate = self.rate().filter(|r| *r > 0.0)?;
        let left = self.total().saturating_sub(self.scanned);
        self.running().then(|| left as f64 / rate)
    }

    /// The hit shown at row `i`.
    pub fn row(&self, i: usize) -> Option<&SearchHit> {
        if self.newest_first {
            self.hits.get(self.hits.len().checked_sub(i + 1)?)
        } else {
            self.hits.get(i)
        }
    }

    pub fn selected(&self) -> Option<&SearchHit> {
        self.row(self.cursor.selected)
    }

    pub fn started(&mut self, spans: Vec<PartitionSpan>) {
        for s in &spans {
            self.positions.insert(s.partition, s.from);
        }
        self.spans = spans;
    }

    pub fn progress(&mut self, positions: &[(i32, i64)], scanned: u64, elapsed_ms: u64) {
        for (p, o) in positions {
            let at = self.positions.entry(*p).or_insert(*o);
            *at = (*at).max(*o);
        }
        self.scanned = self.scanned.max(scanned);
        self.elapsed_ms = self.elapsed_ms.max(elapsed_ms);
    }

    /// New matches go in timestamp order; the cursor stays on its row's
    /// match unless it is on the first row (then it keeps showing the
    /// newest or oldest, as a live list does).
    pub fn add(&mut self, hits: Vec<SearchHit>) {
        let keep = (self.cursor.selected > 0)
            .then(|| self.selected().map(SearchHit::key))
            .flatten();
        for h in hits {
            let at = self.hits.partition_point(|x| x.order() <= h.order());
            self.hits.insert(at, h);
        }
        if let Some(k) = keep {
            if let Some(i) =
                (0..self.hits.len()).find(|i| self.row(*i).map(SearchHit::key) == Some(k))
            {
                self.cursor.selected = i;
            }
        }
        self.cursor.clamp(self.hits.len());
    }

    pub fn finish(&mut self, outcome: SearchOutcome, scanned: u64, elapsed_ms: u64) {
        self.scanned = scanned;
        self.elapsed_ms = elapsed_ms;
        // Esc already said "cancelled": keep that over what came after.
        if self.outcome.is_none() {
            self.outcome = Some(outcome);
        }
    }

    pub fn toggle_order(&mut self) {
        let key = self.selected().map(SearchHit::key);
        self.newest_first = !self.newest_first;
        if let Some(k) = key {
            if let Some(i) =
                (0..self.hits.len()).find(|i| self.row(*i).map(SearchHit::key) == Some(k))
            {
                self.cursor.selected = i;
            }
        }
    }
}

#[cfg(test)]
mod tests;
