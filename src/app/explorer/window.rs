//! Holding the window: messages folded in display order, the part that
//! can be shown between the partitions' frontiers, and eviction from the
//! partitions' edges when over the caps.

use std::collections::BTreeMap;

use super::{Explorer, Range};
use crate::model::{Message, Watermarks};
use crate::protocol::ReadKind;

/// Display order: timestamp, partition, offset.
pub(super) type Key = (i64, i32, i64);

/// Rows on each side of the cursor that eviction leaves alone (an eighth
/// of a smaller window, so that a page always fits beside them).
const KEEP_AROUND: usize = 500;

pub(super) fn order(m: &Message) -> Key {
    (m.timestamp.unwrap_or(i64::MIN), m.partition, m.offset)
}

impl Explorer {
    /// The part of the window that can be shown in order: past the last
    /// held message of a partition that has newer messages not yet read,
    /// those unread ones might sort earlier than what is held of others;
    /// likewise before the first held message of a partition with older
    /// ones. Showing only between those frontiers means paging never slips
    /// a message in above or below the cursor.
    pub(super) fn frontiers(&self) -> ((i64, i32, i64), (i64, i32, i64)) {
        let mut first: BTreeMap<i32, (i64, i32, i64)> = BTreeMap::new();
        let mut last: BTreeMap<i32, (i64, i32, i64)> = BTreeMap::new();
        for m in &self.messages {
            first.entry(m.partition).or_insert(order(m));
            last.insert(m.partition, order(m));
        }
        let mut low = (i64::MIN, i32::MIN, i64::MIN);
        let mut high = (i64::MAX, i32::MAX, i64::MAX);
        for (p, r) in &self.ranges {
            if self.partition_filter.is_some_and(|f| f != *p) {
                continue;
            }
            // Unheld older messages sort no later than the last one dropped
            // below `lo` (when it was not paged back in since) and than the
            // first held; newer ones likewise on the other side. A partition
            // holding nothing: where the last one dropped sits (if any was).
            if r.older_exist() {
                let bound = match (first.get(p).copied(), r.lo_key) {
                    (Some(f), Some(k)) => Some(f.min(k)),
                    (f, k) => f.or(k),
                };
                low = low.max(bound.unwrap_or(high));
            }
            if r.newer_exist() {
                let bound = match (last.get(p).copied(), r.hi_key) {
                    (Some(l), Some(k)) => Some(l.max(k)),
                    (l, k) => l.or(k),
                };
                high = high.min(bound.unwrap_or(low));
            }
        }
        (low, high)
    }

    pub(super) fn rebuild(&mut self, keep: Option<(i32, i64)>) {
        let (low, high) = self.frontiers();
        self.visible = self
            .messages
            .iter()
            .enumerate()
            .filter(|(_, m)| self.partition_filter.is_none_or(|p| m.partition == p))
            .filter(|(_, m)| (low..=high).contains(&order(m)))
            .map(|(i, _)| i)
            .collect();
        let focused = self.focus.and_then(|f| {
            self.visible
                .iter()
                .position(|&i| {
                    self.messages[i].partition == f.partition && self.messages[i].offset == f.offset
                })
                .map(|pos| (pos, f))
        });
        if let Some((pos, f)) = focused {
            self.cursor.selected = pos;
            self.focus = None;
            if f.open_detail {
                self.open_now = true;
            }
        } else if self.follow && !self.paused {
            self.cursor.selected = self.visible.len().saturating_sub(1);
        } else if let Some((p, o)) = keep {
            if let Some(pos) = self
                .visible
                .iter()
                .position(|&i| self.messages[i].partition == p && self.messages[i].offset == o)
            {
                self.cursor.selected = pos;
            }
        }
        self.cursor.clamp(self.visible.len());
    }

    /// Fold in a batch; evict from the far end when over the cap.
    pub fn add(&mut self, kind: ReadKind, mut batch: Vec<Message>) {
        if self.loading == Some(kind) {
            self.page_added += batch.len();
        }
        if self.paused && kind != ReadKind::Older {
            self.pending.append(&mut batch);
            // Waiting messages count against the window too.
            let over = self.pending.len().saturating_sub(self.cap_messages);
            if over > 0 {
                self.pending.drain(..over);
                self.evicted += over as u64;
            }
            return;
        }
        let keep = self.selected_key();
        let protect = self.around_cursor();
        for m in &batch {
            let r = self.ranges.entry(m.partition).or_insert(Range {
                lo: m.offset,
                hi: m.offset,
                marks: Watermarks {
                    low: m.offset,
                    high: m.offset + 1,
                },
                lo_key: None,
                hi_key: None,
            });
            r.lo = r.lo.min(m.offset);
            r.hi = r.hi.max(m.offset + 1);
            r.marks.high = r.marks.high.max(r.hi);
            self.bytes += m.size();
        }
        batch.sort_by_key(order);
        let in_order = match (self.messages.last(), batch.first()) {
            (Some(last), Some(first)) => order(last) <= order(first),
            _ => true,
        };
        if in_order {
            self.messages.append(&mut batch);
        } else {
            let old = std::mem::take(&mut self.messages);
            self.messages = merge(old, batch);
        }
        self.evict(kind != ReadKind::Older, protect);
        self.rebuild(keep);
    }

    /// Drop messages until within the caps: the oldest when reading newer
    /// ones, the newest when paging back. Always from a range's end, so the
    /// ranges stay contiguous.
    fn over_cap(&self, len: usize, bytes: usize) -> bool {
        len > self.cap_messages || (bytes > self.cap_bytes && len > 1)
    }

    /// Drop a run of messages from one end at once, while each is at its
    /// partition's edge (always, when a partition's timestamps rise with
    /// its offsets) and outside the rows kept around the cursor. One pass,
    /// one move of the vector: evicting a page costs what the page does.
    fn evict_run(&mut self, from_oldest: bool, protect: Option<(Key, Key)>) {
        let n = self.messages.len();
        if !self.over_cap(n, self.bytes) {
            return;
        }
        // Each partition's held offsets, in the order they leave.
        let mut edges = self.held_offsets();
        if !from_oldest {
            for v in edges.values_mut() {
                v.reverse();
            }
        }
        let mut taken: BTreeMap<i32, usize> = BTreeMap::new();
        let (mut count, mut bytes) = (0usize, self.bytes);
        while count < n && self.over_cap(n - count, bytes) {
            let m = if from_oldest {
                &self.messages[count]
            } else {
                &self.messages[n - 1 - count]
            };
            if let Some((lo, hi)) = protect {
                let k = order(m);
                if (from_oldest && k >= lo) || (!from_oldest && k <= hi) {
                    break;
                }
            }
            let i = taken.entry(m.partition).or_default();
            let at_edge = edges
                .get(&m.partition)
                .and_then(|v| v.get(*i))
                .is_some_and(|o| *o == m.offset);
            if !at_edge {
                break;
            }
            *i += 1;
            bytes = bytes.saturating_sub(m.size());
            count += 1;
        }
        if count == 0 {
            return;
        }
        let removed: Vec<Message> = if from_oldest {
            self.messages.drain(..count).collect()
        } else {
            self.messages.split_off(n - count)
        };
        self.bytes = bytes;
        self.evicted += count as u64;
        // Oldest first: the last one seen per partition is its new edge;
        // newest first for the high end, likewise.
        let ordered: Box<dyn Iterator<Item = &Message>> = if from_oldest {
            Box::new(removed.iter())
        } else {
            Box::new(removed.iter().rev())
        };
        for m in ordered {
            if let Some(r) = self.ranges.get_mut(&m.partition) {
                if from_oldest {
                    r.lo = m.offset + 1;
                    r.lo_key = Some(order(m));
                } else {
                    r.hi = m.offset;
                    r.hi_key = Some(order(m));
                }
            }
        }
    }

    fn evict(&mut self, drop_oldest: bool, protect: Option<(Key, Key)>) {
        self.evict_run(drop_oldest, protect);
        self.evict_run(!drop_oldest, protect);
        // What is left (timestamps out of order within a partition): one
        // at a time, each from a partition's edge.
        while self.messages.len() > self.cap_messages
            || (self.bytes > self.cap_bytes && self.messages.len() > 1)
        {
            let mut oldest = drop_oldest;
            let mut idx = self.edge_index(oldest);
            // Never evict the rows around the cursor: take from the other
            // end instead (a partition that ran ahead), and if both ends
            // are that close, hold a little more than the cap.
            if let Some((lo, hi)) = protect {
                let near = |k: Key, from_oldest: bool| if from_oldest { k >= lo } else { k <= hi };
                if near(order(&self.messages[idx]), oldest) {
                    let other = self.edge_index(!oldest);
                    if near(order(&self.messages[other]), !oldest) {
                        break;
                    }
                    idx = other;
                    oldest = !oldest;
                }
            }
            let drop_newest = !oldest;
            let m = self.messages.remove(idx);
            self.bytes = self.bytes.saturating_sub(m.size());
            self.evicted += 1;
            if let Some(r) = self.ranges.get_mut(&m.partition) {
                if drop_newest {
                    r.hi = m.offset;
                    r.hi_key = Some(order(&m));
                } else {
                    r.lo = m.offset + 1;
                    r.lo_key = Some(order(&m));
                }
            }
        }
    }

    /// The display keys of the rows KEEP_AROUND above and below the cursor.
    fn around_cursor(&self) -> Option<(Key, Key)> {
        let n = self.visible.len();
        if n == 0 {
            return None;
        }
        let c = self.cursor.selected.min(n - 1);
        let keep = KEEP_AROUND.min(self.cap_messages / 8);
        let a = self.visible[c.saturating_sub(keep)];
        let b = self.visible[(c + keep).min(n - 1)];
        Some((order(&self.messages[a]), order(&self.messages[b])))
    }

    /// Each partition's held offsets, lowest first. Display order follows
    /// offsets within a partition whenever its timestamps rise with them,
    /// so the sort is usually a check.
    fn held_offsets(&self) -> BTreeMap<i32, Vec<i64>> {
        let mut held: BTreeMap<i32, Vec<i64>> = BTreeMap::new();
        for m in &self.messages {
            held.entry(m.partition).or_default().push(m.offset);
        }
        for v in held.values_mut() {
            if !v.is_sorted() {
                v.sort_unstable();
            }
        }
        held
    }

    /// Index of the message at the low (or high) offset edge of its
    /// partition that is oldest (or newest) in display order.
    fn edge_index(&self, oldest: bool) -> usize {
        let mut edge: BTreeMap<i32, i64> = BTreeMap::new();
        for m in &self.messages {
            let e = edge.entry(m.partition).or_insert(m.offset);
            *e = if oldest {
                (*e).min(m.offset)
            } else {
                (*e).max(m.offset)
            };
        }
        let mut best: Option<(usize, Key)> = None;
        for (i, m) in self.messages.iter().enumerate() {
            if edge.get(&m.partition) != Some(&m.offset) {
                continue;
            }
            let k = order(m);
            if best.is_none_or(|(_, bk)| if oldest { k < bk } else { k > bk }) {
                best = Some((i, k));
            }
        }
        best.map(|(i, _)| i)
            .unwrap_or(if oldest { 0 } else { self.messages.len() - 1 })
    }

    /// Held messages of each partition beyond the visible frontiers:
    /// (before the low one, after the high one).
    pub(super) fn beyond_frontiers(&self) -> BTreeMap<i32, (usize, usize)> {
        let (low, high) = self.frontiers();
        let mut out: BTreeMap<i32, (usize, usize)> = BTreeMap::new();
        for m in &self.messages {
            let e = out.entry(m.partition).or_default();
            let k = order(m);
            if k < low {
                e.0 += 1;
            } else if k > high {
                e.1 += 1;
            }
        }
        out
    }
}

fn merge(a: Vec<Message>, b: Vec<Message>) -> Vec<Message> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut a = a.into_iter().peekable();
    let mut b = b.into_iter().peekable();
    loop {
        let take_a = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) => order(x) <= order(y),
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => break,
        };
        let next = if take_a { a.next() } else { b.next() };
        out.extend(next);
    }
    out
}
