//! The messages view: a bounded window of messages from one topic, kept in
//! timestamp order, that pages older and newer ranges in by offset and
//! follows new messages live.
//!
//! The window holds, per partition, one contiguous range of offsets
//! [lo, hi): every message in it is held. Offsets with no message (a
//! transaction's markers and aborted records, compacted keys) may lie at
//! its ends, so a partition's edge is its lowest or highest held offset,
//! not `lo` or `hi - 1`. Eviction takes from those edges only, so paging
//! back always knows exactly which offsets to ask for.

use std::collections::BTreeMap;

use super::{Action, Cursor};
use crate::model::{Message, StartAt, Watermarks};
use crate::protocol::{Covered, PartitionSpan, ReadKind, ReadRequest, ReadStart};

/// Default window: this many messages or this many bytes, whichever first.
pub const WINDOW_MESSAGES: usize = 50_000;
pub const WINDOW_BYTES: usize = 256 << 20;

/// What the view holds of one partition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// First offset held (== hi when none).
    pub lo: i64,
    /// One past the last offset held.
    pub hi: i64,
    pub marks: Watermarks,
    /// Display order of the last message dropped below `lo`, and of the
    /// first dropped at `hi`: where the partition's unheld messages sit
    /// when it holds none.
    pub lo_key: Option<(i64, i32, i64)>,
    pub hi_key: Option<(i64, i32, i64)>,
}

impl Range {
    pub fn older_exist(&self) -> bool {
        self.lo > self.marks.low
    }
    pub fn newer_exist(&self) -> bool {
        self.hi < self.marks.high
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageDetail {
    pub hex: bool,
    pub scroll: usize,
}

/// A message to select once it arrives (a search match being opened).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Focus {
    pub partition: i32,
    pub offset: i64,
    pub open_detail: bool,
}

#[derive(Debug, Clone)]
pub struct Explorer {
    pub topic: String,
    pub session: u64,
    pub start: StartAt,
    pub partitions: Option<Vec<i32>>,
    /// Display order: timestamp, partition, offset.
    pub messages: Vec<Message>,
    pub bytes: usize,
    pub cap_messages: usize,
    pub cap_bytes: usize,
    pub ranges: BTreeMap<i32, Range>,
    pub cursor: Cursor,
    /// Keep the cursor on the newest message as messages arrive.
    pub follow: bool,
    /// `space`: the list holds still; arrivals wait in `pending`.
    pub paused: bool,
    pub pending: Vec<Message>,
    pub partition_filter: Option<i32>,
    /// Indices into `messages` that pass the partition filter.
    pub visible: Vec<usize>,
    pub utc: bool,
    pub loading: Option<ReadKind>,
    pub error: Option<crate::protocol::OpError>,
    pub detail: Option<MessageDetail>,
    /// Messages dropped from the window (they can be paged back in).
    pub evicted: u64,
    /// A read that follows new messages is running.
    pub tailing: bool,
    pub focus: Option<Focus>,
    /// Marks what a search matched, in the detail view.
    pub highlight: Option<crate::protocol::search::Matcher>,
    /// Where Esc on the list goes.
    pub return_to: super::Screen,
    /// `v`: one end of a range (the cursor is the other); `e` exports it.
    pub mark: Option<(i32, i64)>,
    /// Batches that cannot be decoded, where reading their partition is
    /// stuck: (partition, offset, error). Shown as rows; `n` skips.
    pub stalls: Vec<(i32, i64, crate::protocol::OpError)>,
    /// Batches skipped so far.
    pub skipped: Vec<(i32, i64)>,
    /// Messages the read in flight has brought so far.
    pub page_added: usize,
    /// Pages in a row that brought nothing (offsets with no message:
    /// compacted, aborted): the next one goes twice as far.
    pub empty_pages: u32,
}

/// Display order: timestamp, partition, offset.
type Key = (i64, i32, i64);

/// Rows on each side of the cursor that eviction leaves alone (an eighth
/// of a smaller window, so that a page always fits beside them).
const KEEP_AROUND: usize = 500;

fn order(m: &Message) -> Key {
    (m.timestamp.unwrap_or(i64::MIN), m.partition, m.offset)
}

impl Explorer {
    pub fn new(
        topic: &str,
        session: u64,
        start: StartAt,
        partitions: Option<Vec<i32>>,
    ) -> Explorer {
        Explorer {
            topic: topic.into(),
            session,
            start,
            partitions,
            messages: vec![],
            bytes: 0,
            cap_messages: WINDOW_MESSAGES,
            cap_bytes: WINDOW_BYTES,
            ranges: BTreeMap::new(),
            cursor: Cursor::default(),
            follow: true,
            paused: false,
            pending: vec![],
            partition_filter: None,
            visible: vec![],
            utc: false,
            loading: Some(ReadKind::Initial),
            error: None,
            detail: None,
            evicted: 0,
            tailing: true,
            focus: None,
            highlight: None,
            return_to: super::Screen::Topics,
            mark: None,
            stalls: vec![],
            skipped: vec![],
            page_added: 0,
            empty_pages: 0,
        }
    }

    pub fn stalled(&mut self, partition: i32, offset: i64, error: crate::protocol::OpError) {
        if !self
            .stalls
            .iter()
            .any(|(p, o, _)| *p == partition && *o == offset)
        {
            self.stalls.push((partition, offset, error));
        }
    }

    /// `n`: read past the first stuck batch.
    pub fn skip_stall(&mut self) -> Option<(i32, i64)> {
        if self.stalls.is_empty() {
            return None;
        }
        let (p, o, _) = self.stalls.remove(0);
        self.skipped.push((p, o));
        Some((p, o))
    }

    /// `v`: start a range at the cursor, or clear it.
    pub fn toggle_mark(&mut self) {
        self.mark = match self.mark {
            Some(_) => None,
            None => self.selected_key(),
        };
    }

    /// Rows of `visible` between the mark and the cursor, both included;
    /// None without a mark (or when its message left the window).
    pub fn marked_rows(&self) -> Option<std::ops::Range<usize>> {
        let (p, o) = self.mark?;
        let at = self
            .visible
            .iter()
            .position(|&i| self.messages[i].partition == p && self.messages[i].offset == o)?;
        let c = self
            .cursor
            .selected
            .min(self.visible.len().saturating_sub(1));
        Some(at.min(c)..at.max(c) + 1)
    }

    /// Select this message when it arrives, instead of following.
    pub fn focus_on(&mut self, focus: Focus) {
        self.focus = Some(focus);
        self.follow = false;
    }

    /// The first read of this view. It stops at the window's size (the
    /// rest comes in pages); reaching the end first, it tails.
    pub fn initial_request(&self) -> ReadRequest {
        ReadRequest {
            session: self.session,
            topic: self.topic.clone(),
            partitions: self.partitions.clone(),
            start: ReadStart::At(self.start),
            max: self.cap_messages,
            tail: true,
            kind: ReadKind::Initial,
        }
    }

    pub fn selected(&self) -> Option<&Message> {
        self.messages.get(*self.visible.get(self.cursor.selected)?)
    }

    fn selected_key(&self) -> Option<(i32, i64)> {
        self.selected().map(|m| (m.partition, m.offset))
    }

    /// The part of the window that can be shown in order: past the last
    /// held message of a partition that has newer messages not yet read,
    /// those unread ones might sort earlier than what is held of others;
    /// likewise before the first held message of a partition with older
    /// ones. Showing only between those frontiers means paging never slips
    /// a message in above or below the cursor.
    fn frontiers(&self) -> ((i64, i32, i64), (i64, i32, i64)) {
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

    fn rebuild(&mut self, keep: Option<(i32, i64)>) {
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
                self.detail = Some(MessageDetail::default());
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

    pub fn started(&mut self, kind: ReadKind, spans: &[PartitionSpan]) {
        for s in spans {
            let r = self.ranges.entry(s.partition).or_insert(Range {
                lo: s.from,
                hi: s.from,
                marks: s.marks,
                lo_key: None,
                hi_key: None,
            });
            r.marks = s.marks;
            if kind == ReadKind::Initial {
                r.lo = s.from;
                r.hi = s.from;
                r.lo_key = None;
                r.hi_key = None;
            }
        }
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
    fn beyond_frontiers(&self) -> BTreeMap<i32, (usize, usize)> {
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

    /// A page of older messages before what is held, if any exist. Only
    /// partitions that hold nothing hidden below the visible part are
    /// extended: a partition whose clock runs faster than the others would
    /// otherwise fill the window with messages nobody can see yet.
    pub fn older_request(&self, page: usize) -> Option<ReadRequest> {
        if self.loading.is_some() {
            return None;
        }
        let beyond = self.beyond_frontiers();
        let older: Vec<(&i32, &Range)> = self
            .ranges
            .iter()
            .filter(|(_, r)| r.older_exist())
            .filter(|(p, _)| beyond.get(p).is_none_or(|b| b.0 == 0))
            .collect();
        if older.is_empty() {
            return None;
        }
        let per = (page / older.len()).max(1) as i64;
        Some(ReadRequest {
            session: self.session,
            topic: self.topic.clone(),
            partitions: None,
            start: ReadStart::Ranges(
                older
                    .iter()
                    .map(|(p, r)| (**p, (r.lo - per).max(r.marks.low), Some(r.lo)))
                    .collect(),
            ),
            // The range may be wider than a page (after empty pages): the
            // reader keeps the last page's worth, next to what is held.
            max: self.page_messages(),
            tail: false,
            kind: ReadKind::Older,
        })
    }

    /// A page of newer messages after what is held; at the end of every
    /// partition, a read that waits for new ones (when none runs yet).
    /// As with older pages, a partition already holding messages past the
    /// visible part waits for the others to catch up.
    pub fn newer_request(&self, page: usize) -> Option<ReadRequest> {
        let newer = self.ranges.values().any(Range::newer_exist);
        if self.loading.is_some() || (!newer && self.tailing) {
            return None;
        }
        if !newer {
            let ranges = self.ranges.iter().map(|(p, r)| (*p, r.hi, None)).collect();
            return Some(ReadRequest {
                session: self.session,
                topic: self.topic.clone(),
                partitions: None,
                start: ReadStart::Ranges(ranges),
                max: usize::MAX,
                tail: true,
                kind: ReadKind::Newer,
            });
        }
        let beyond = self.beyond_frontiers();
        let behind: Vec<(&i32, &Range)> = self
            .ranges
            .iter()
            .filter(|(_, r)| r.newer_exist())
            .filter(|(p, _)| beyond.get(p).is_none_or(|b| b.1 == 0))
            .collect();
        if behind.is_empty() {
            return None;
        }
        let per = (page / behind.len()).max(1) as i64;
        let ranges = behind
            .iter()
            .map(|(p, r)| (**p, r.hi, Some((r.hi + per).min(r.marks.high))))
            .collect();
        Some(ReadRequest {
            session: self.session,
            topic: self.topic.clone(),
            partitions: None,
            start: ReadStart::Ranges(ranges),
            // The first page's worth: the range may be wider (after empty
            // pages), the window is not.
            max: self.page_messages(),
            tail: false,
            kind: ReadKind::Newer,
        })
    }

    /// Keys in the list; returns a page request when the cursor is pushed
    /// past either end of the window.
    pub fn navigate(&mut self, action: Action, page: usize) -> Option<ReadRequest> {
        let len = self.visible.len();
        let at_top = self.cursor.selected == 0;
        let at_bottom = self.cursor.selected + 1 >= len;
        self.cursor.apply(action, len, page);
        let going_up = matches!(action, Action::Up | Action::PageUp | Action::Top);
        let going_down = matches!(action, Action::Down | Action::PageDown | Action::Bottom);
        if going_up {
            self.follow = false;
        }
        if going_down && self.cursor.selected + 1 >= len && !self.paused {
            self.follow = !self.ranges.values().any(Range::newer_exist);
        }
        let req = if going_up && at_top {
            self.older_request(self.page())
        } else if going_down && at_bottom {
            self.newer_request(self.page())
        } else {
            None
        };
        if let Some(r) = &req {
            self.paging(r);
        }
        req
    }

    /// Messages a page brings at most: a quarter of the window.
    fn page_messages(&self) -> usize {
        (self.cap_messages / 4).max(1)
    }

    /// Offsets a page asks for: a page of messages, doubled for each page
    /// in a row that brought nothing.
    fn page(&self) -> usize {
        self.page_messages()
            .saturating_mul(1 << self.empty_pages.min(20))
    }

    /// A page read is about to be sent.
    pub fn paging(&mut self, req: &ReadRequest) {
        self.loading = Some(req.kind);
        self.page_added = 0;
    }

    /// A page ended. When it brought nothing but more exists that way
    /// (offsets that hold no message: compacted, aborted, markers), the
    /// next page is asked for at once, twice as long, so one key press
    /// crosses a gap of any size.
    pub fn after_page(&mut self, kind: ReadKind) -> Option<ReadRequest> {
        if kind == ReadKind::Initial && self.tailing {
            return None;
        }
        if self.page_added > 0 {
            self.empty_pages = 0;
            return None;
        }
        self.empty_pages += 1;
        let req = match kind {
            ReadKind::Older => self.older_request(self.page()),
            ReadKind::Initial | ReadKind::Newer => self
                .newer_request(self.page())
                .filter(|r| !r.tail || kind == ReadKind::Initial),
        }?;
        self.paging(&req);
        Some(req)
    }

    /// A read went through these offsets: the range grows over the ones
    /// that held no message (gaps), as long as it still ends where the
    /// read's messages did. When some of them were dropped since (evicted,
    /// or waiting while paused), the range stays and pages them in again.
    pub fn covered(&mut self, kind: ReadKind, covered: &[Covered]) {
        for c in covered {
            let Some(r) = self.ranges.get_mut(&c.partition) else {
                continue;
            };
            match kind {
                ReadKind::Older => {
                    let start = c.delivered.map_or(c.to, |d| d.0);
                    if r.lo == start && c.from < r.lo {
                        r.lo = c.from;
                    }
                }
                ReadKind::Initial | ReadKind::Newer => {
                    let end = c.delivered.map_or(c.from, |d| d.1);
                    if r.hi == end && c.to > r.hi {
                        r.hi = c.to;
                        r.marks.high = r.marks.high.max(c.to);
                    }
                }
            }
        }
    }

    /// A read got to the end of these partitions: nothing newer exists
    /// there (yet).
    pub fn reached_end(&mut self, partitions: &[i32]) {
        let keep = self.selected_key();
        for p in partitions {
            if let Some(r) = self.ranges.get_mut(p) {
                r.marks.high = r.hi;
            }
        }
        self.rebuild(keep);
    }

    pub fn toggle_pause(&mut self) {
        if self.paused {
            self.resume();
        } else {
            self.paused = true;
            self.follow = false;
        }
    }

    /// `f`: apply what waited and follow the newest again.
    pub fn resume(&mut self) {
        self.paused = false;
        self.follow = true;
        let pending = std::mem::take(&mut self.pending);
        self.add(ReadKind::Newer, pending);
        self.rebuild(None);
    }

    pub fn set_partition_filter(&mut self, p: Option<i32>) {
        let keep = self.selected_key();
        self.partition_filter = p;
        self.rebuild(keep);
    }

    pub fn cycle_partition_filter(&mut self) {
        let parts: Vec<i32> = self.ranges.keys().copied().collect();
        let next = match self.partition_filter {
            None => parts.first().copied(),
            Some(p) => parts.iter().copied().find(|x| *x > p),
        };
        self.set_partition_filter(next);
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

#[cfg(test)]
mod tests;
