use super::*;
use crate::model::TimestampKind;
use std::collections::HashSet;

/// An in-memory topic that answers the view's read requests the way the
/// reader does.
struct Log {
    parts: Vec<Vec<Message>>,
}

impl Log {
    fn new(partitions: i32, per: i64) -> Log {
        Log {
            parts: (0..partitions)
                .map(|p| {
                    (0..per)
                        .map(|o| Message {
                            partition: p,
                            offset: o,
                            // Interleaved in time across partitions.
                            timestamp: Some(o * 10 + i64::from(p)),
                            timestamp_kind: TimestampKind::Create,
                            key: None,
                            value: Some(vec![b'x'; 20]),
                            headers: vec![],
                        })
                        .collect()
                })
                .collect(),
        }
    }

    fn marks(&self, p: i32) -> Watermarks {
        Watermarks {
            low: 0,
            high: self.parts[p as usize].len() as i64,
        }
    }

    fn serve(&self, ex: &mut Explorer, req: &ReadRequest) {
        let ranges: Vec<(i32, i64, Option<i64>)> = match &req.start {
            ReadStart::Ranges(r) => r.clone(),
            ReadStart::At(StartAt::Beginning) => {
                (0..self.parts.len() as i32).map(|p| (p, 0, None)).collect()
            }
            ReadStart::At(StartAt::End) => (0..self.parts.len() as i32)
                .map(|p| (p, self.marks(p).high, None))
                .collect(),
            other => panic!("{other:?}"),
        };
        let spans: Vec<PartitionSpan> = ranges
            .iter()
            .map(|(p, from, to)| PartitionSpan {
                partition: *p,
                from: *from,
                to: *to,
                marks: self.marks(*p),
            })
            .collect();
        ex.started(req.kind, &spans);
        ex.loading = None;
        // Round-robin by offset, like a consumer reading every partition.
        let mut next: Vec<(i32, i64, i64)> = ranges
            .iter()
            .map(|(p, from, to)| (*p, *from, to.unwrap_or(self.marks(*p).high)))
            .collect();
        let mut batch = vec![];
        let mut n = 0;
        while n < req.max && next.iter().any(|(_, f, t)| f < t) {
            for (p, f, t) in next.iter_mut() {
                if *f < *t && n < req.max {
                    batch.push(self.parts[*p as usize][*f as usize].clone());
                    *f += 1;
                    n += 1;
                }
            }
            if batch.len() >= 500 {
                ex.add(req.kind, std::mem::take(&mut batch));
            }
        }
        ex.add(req.kind, batch);
        // A tail read reaching the end stays open and says it caught up.
        if req.tail {
            ex.tailing = true;
        }
    }
}

fn explorer(cap: usize) -> Explorer {
    let mut ex = Explorer::new("t", 1, StartAt::Beginning, None);
    ex.cap_messages = cap;
    ex
}

#[test]
fn scrolling_through_a_long_topic_sees_every_offset_once_each_way_in_bounded_memory() {
    let log = Log::new(3, 20_000); // 60,000 messages, window of 5,000
    let mut ex = explorer(5_000);
    let first = ex.initial_request();
    log.serve(&mut ex, &first);
    ex.follow = false;
    ex.cursor.selected = 0;
    let mut seen_down: Vec<(i32, i64)> = vec![];
    let mut max_held = 0;
    let mut max_bytes = 0;
    // Down to the last message.
    loop {
        if let Some(m) = ex.selected() {
            if seen_down.last() != Some(&(m.partition, m.offset)) {
                seen_down.push((m.partition, m.offset));
            }
        }
        max_held = max_held.max(ex.messages.len());
        max_bytes = max_bytes.max(ex.bytes);
        let at_bottom = ex.cursor.selected + 1 >= ex.visible.len();
        match ex.navigate(Action::Down, 20) {
            Some(req) => {
                ex.loading = Some(req.kind);
                log.serve(&mut ex, &req);
            }
            None if at_bottom => break,
            None => {}
        }
    }
    let unique: HashSet<_> = seen_down.iter().collect();
    assert_eq!(seen_down.len(), 60_000, "every offset, in order");
    assert_eq!(unique.len(), 60_000, "each once");
    assert!(seen_down.windows(2).all(|w| {
        let t = |(p, o): (i32, i64)| o * 10 + i64::from(p);
        t(w[0]) < t(w[1])
    }));
    assert!(max_held <= 5_000, "window held {max_held}");
    assert!(
        max_bytes <= 5_000 * (20 + 64),
        "window held {max_bytes} bytes"
    );

    // And back up to the first.
    let mut seen_up: Vec<(i32, i64)> = vec![];
    loop {
        if let Some(m) = ex.selected() {
            if seen_up.last() != Some(&(m.partition, m.offset)) {
                seen_up.push((m.partition, m.offset));
            }
        }
        let at_top = ex.cursor.selected == 0;
        match ex.navigate(Action::Up, 20) {
            Some(req) => {
                ex.loading = Some(req.kind);
                log.serve(&mut ex, &req);
            }
            None if at_top => break,
            None => {}
        }
    }
    assert_eq!(seen_up.len(), 60_000);
    seen_up.reverse();
    assert_eq!(seen_up, seen_down);
}

#[test]
fn byte_cap_bounds_the_window_whatever_the_count() {
    let mut ex = explorer(1_000_000);
    ex.cap_bytes = 10_000;
    let big: Vec<Message> = (0..100)
        .map(|o| Message {
            partition: 0,
            offset: o,
            timestamp: Some(o),
            timestamp_kind: TimestampKind::Create,
            key: None,
            value: Some(vec![0; 1_000]),
            headers: vec![],
        })
        .collect();
    ex.add(ReadKind::Initial, big);
    assert!(ex.bytes <= 10_000);
    assert_eq!(ex.ranges[&0].hi, 100);
    assert_eq!(ex.ranges[&0].lo, 100 - ex.messages.len() as i64);
}

#[test]
fn pause_holds_the_list_and_counts_arrivals_then_f_resumes() {
    let log = Log::new(1, 10);
    let mut ex = explorer(100);
    let first = ex.initial_request();
    log.serve(&mut ex, &first);
    assert_eq!(ex.cursor.selected, 9, "following the newest");
    ex.toggle_pause();
    let more = Log::new(1, 15);
    ex.add(ReadKind::Newer, more.parts[0][10..].to_vec());
    assert_eq!(ex.messages.len(), 10);
    assert_eq!(ex.pending.len(), 5);
    ex.resume();
    assert_eq!(ex.messages.len(), 15);
    assert_eq!(ex.cursor.selected, 14);
}

#[test]
fn partition_filter_narrows_and_keeps_the_selection() {
    let log = Log::new(3, 10);
    let mut ex = explorer(100);
    let first = ex.initial_request();
    log.serve(&mut ex, &first);
    ex.follow = false;
    ex.cursor.selected = 4; // partition 1, offset 1
    ex.set_partition_filter(Some(1));
    assert_eq!(ex.visible.len(), 10);
    assert_eq!(ex.selected().map(|m| (m.partition, m.offset)), Some((1, 1)));
}
