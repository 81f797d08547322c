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

use super::action::Action;
use super::cursor::Cursor;
use super::screens::ScreenId;
use crate::model::{Message, StartAt, Watermarks};
use crate::protocol::{Covered, PartitionSpan, ReadKind, ReadRequest, ReadStart};

/// Where `f` starts when it jumps to the live end.
pub const JUMP_START: StartAt = StartAt::LastN(100);

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
    pub loading: Option<ReadKind>,
    pub error: Option<crate::protocol::OpError>,
    /// The focused message arrived and asked to be opened.
    pub open_now: bool,
    /// Messages dropped from the window (they can be paged back in).
    pub evicted: u64,
    /// A read that follows new messages is running.
    pub tailing: bool,
    pub focus: Option<Focus>,
    /// `x`: values as hex in the list.
    pub hex: bool,
    /// Marks what a search matched, in the detail view.
    pub highlight: Option<crate::protocol::search::Matcher>,
    /// Where Esc on the list goes.
    pub return_to: ScreenId,
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

mod window;

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
            loading: Some(ReadKind::Initial),
            error: None,
            open_now: false,
            evicted: 0,
            tailing: false,
            focus: None,
            hex: false,
            highlight: None,
            return_to: ScreenId::Topics,
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

    /// A read ended (`caught_up`: it goes on following new messages): what
    /// it went through and where it reached the end. Returns the next page
    /// when this one brought nothing but more exists that way.
    pub fn read_ended(
        &mut self,
        kind: ReadKind,
        caught_up: bool,
        reached_end: &[i32],
        covered: &[Covered],
    ) -> Vec<ReadRequest> {
        self.tailing = caught_up;
        self.covered(kind, covered);
        self.reached_end(reached_end);
        // A read that stopped short of the end (the window is full) is not
        // following anything: say so rather than pretend.
        if !caught_up && kind != ReadKind::Older && self.ranges.values().any(Range::newer_exist) {
            self.follow = false;
        }
        if self.loading != Some(kind) {
            return vec![];
        }
        self.loading = None;
        self.after_page(kind).into_iter().collect()
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

    /// Following: the newest messages come in and the cursor stays on
    /// them. Anything else is browsing, paused, or catching up.
    pub fn following(&self) -> bool {
        self.follow && self.tailing && !self.paused
    }

    /// Messages after the window, up to the newest `high` tells of (the
    /// latest watermarks the app has, when fresher than the read's).
    pub fn newer_count(&self, high: impl Fn(i32) -> Option<i64>) -> i64 {
        self.ranges
            .iter()
            .map(|(p, r)| (high(*p).unwrap_or(0).max(r.marks.high) - r.hi).max(0))
            .sum()
    }

    /// Whether `f` can follow from where the window is, or must jump: the
    /// window reaches the end and a read waits for new messages there.
    pub fn at_live_end(&self) -> bool {
        self.tailing && !self.ranges.values().any(Range::newer_exist)
    }

    /// `f` far from the end: drop the window and read the newest messages
    /// of every partition, then follow. A new session, so pages of the old
    /// window still in flight are ignored.
    pub fn jump_to_end(&mut self, session: u64) -> ReadRequest {
        let mut fresh = Explorer::new(&self.topic, session, JUMP_START, self.partitions.clone());
        fresh.cap_messages = self.cap_messages;
        fresh.cap_bytes = self.cap_bytes;
        fresh.partition_filter = self.partition_filter;
        fresh.hex = self.hex;
        fresh.highlight = self.highlight.take();
        fresh.return_to = self.return_to;
        *self = fresh;
        self.initial_request()
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

#[cfg(test)]
mod tests;
