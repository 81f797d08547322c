//! The topic list: filter, sort, internal-topic toggle, and a selection that
//! follows the topic (not the row) across refreshes.

use regex::{Regex, RegexBuilder};

use super::cursor::Cursor;
use crate::model::Topic;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    #[default]
    Name,
    Partitions,
    Messages,
}

impl SortKey {
    pub fn next(self) -> SortKey {
        match self {
            SortKey::Name => SortKey::Partitions,
            SortKey::Partitions => SortKey::Messages,
            SortKey::Messages => SortKey::Name,
        }
    }

    /// Biggest first, unless reversed (name: A to Z).
    pub fn descending(self) -> bool {
        !matches!(self, SortKey::Name)
    }

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Partitions => "partitions",
            SortKey::Messages => "messages",
        }
    }
}

/// A case-insensitive regex filter typed by the user. The last valid
/// pattern stays in force while the text being typed does not compile.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub text: String,
    pub regex: Option<Regex>,
    pub error: Option<String>,
}

/// The arrow of a sorted column: ↑ ascending, ↓ descending, the same on
/// every screen.
pub fn sort_arrow(descending: bool, reversed: bool) -> &'static str {
    if descending != reversed {
        "↓"
    } else {
        "↑"
    }
}

impl Filter {
    pub fn set(&mut self, text: &str) {
        self.text = text.to_string();
        if text.is_empty() {
            self.regex = None;
            self.error = None;
            return;
        }
        match RegexBuilder::new(text)
            .case_insensitive(true)
            .size_limit(1 << 20)
            .build()
        {
            Ok(re) => {
                self.regex = Some(re);
                self.error = None;
            }
            Err(e) => self.error = Some(regex_error_line(&e)),
        }
    }

    pub fn matches(&self, s: &str) -> bool {
        self.regex.as_ref().is_none_or(|re| re.is_match(s))
    }
}

/// The regex crate's error, on one line (its Display spans several, with a
/// caret drawing that makes no sense outside a monospace block).
fn regex_error_line(e: &regex::Error) -> String {
    match e {
        regex::Error::Syntax(s) => s
            .lines()
            .filter(|l| l.starts_with("error:"))
            .map(|l| l.trim_start_matches("error:").trim().to_string())
            .next()
            .unwrap_or_else(|| s.clone()),
        other => other.to_string(),
    }
}

#[derive(Debug, Clone, Default)]
pub struct TopicsView {
    pub filter: Filter,
    pub sort: SortKey,
    pub reverse: bool,
    pub show_internal: bool,
    /// Indices into the snapshot's topics, filtered and sorted.
    pub visible: Vec<usize>,
    pub cursor: Cursor,
    /// The topic under the cursor, kept across refreshes and re-sorts.
    pub selected_name: Option<String>,
}

impl TopicsView {
    /// Recompute the visible rows and put the cursor back on the selected
    /// topic (or the nearest row when it went away).
    pub fn rebuild(&mut self, topics: &[Topic]) {
        let mut visible: Vec<usize> = topics
            .iter()
            .enumerate()
            .filter(|(_, t)| self.show_internal || !t.internal)
            .filter(|(_, t)| self.filter.matches(&t.name))
            .map(|(i, _)| i)
            .collect();
        let by_name = |a: &usize, b: &usize| topics[*a].name.cmp(&topics[*b].name);
        match self.sort {
            SortKey::Name => visible.sort_by(by_name),
            SortKey::Partitions => visible.sort_by(|a, b| {
                topics[*b]
                    .partitions
                    .len()
                    .cmp(&topics[*a].partitions.len())
                    .then_with(|| by_name(a, b))
            }),
            SortKey::Messages => visible.sort_by(|a, b| {
                let m = |i: &usize| topics[*i].messages().unwrap_or(-1);
                m(b).cmp(&m(a)).then_with(|| by_name(a, b))
            }),
        }
        if self.reverse {
            visible.reverse();
        }
        self.visible = visible;
        self.remember_from(topics, self.selected_name.clone().as_deref());
    }

    /// Note which topic is under the cursor after a move.
    pub fn remember(&mut self, topics: &[Topic]) {
        self.remember_from(topics, None);
    }

    fn remember_from(&mut self, topics: &[Topic], selected: Option<&str>) {
        self.selected_name = self
            .cursor
            .follow_name(&self.visible, selected, |i| topics[i].name.as_str());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Partition, Watermarks};

    fn topic(name: &str, parts: usize, per_part: i64) -> Topic {
        Topic {
            name: name.into(),
            internal: Topic::is_internal_name(name),
            error: None,
            partitions: (0..parts as i32)
                .map(|id| Partition {
                    id,
                    leader: 1,
                    replicas: vec![1],
                    isr: vec![1],
                    watermarks: Some(Watermarks {
                        low: 0,
                        high: per_part,
                    }),
                    error: None,
                })
                .collect(),
        }
    }

    fn names(v: &TopicsView, topics: &[Topic]) -> Vec<String> {
        v.visible.iter().map(|&i| topics[i].name.clone()).collect()
    }

    #[test]
    fn internal_topics_hidden_until_toggled() {
        let topics = vec![
            topic("orders", 3, 1),
            topic("__consumer_offsets", 50, 0),
            topic("_schemas", 1, 0),
        ];
        let mut v = TopicsView::default();
        v.rebuild(&topics);
        assert_eq!(names(&v, &topics), ["orders"]);
        v.show_internal = true;
        v.rebuild(&topics);
        assert_eq!(
            names(&v, &topics),
            ["__consumer_offsets", "_schemas", "orders"]
        );
    }

    #[test]
    fn filter_is_case_insensitive_regex_and_bad_pattern_keeps_last_good() {
        let topics = vec![
            topic("Orders", 1, 1),
            topic("payments", 1, 1),
            topic("orders-dlq", 1, 1),
        ];
        let mut v = TopicsView::default();
        v.filter.set("^orders");
        v.rebuild(&topics);
        assert_eq!(names(&v, &topics), ["Orders", "orders-dlq"]);
        v.filter.set("^orders(");
        assert!(v
            .filter
            .error
            .as_deref()
            .unwrap()
            .contains("unclosed group"));
        v.rebuild(&topics);
        assert_eq!(names(&v, &topics), ["Orders", "orders-dlq"]);
    }

    #[test]
    fn sorts_and_cursor_follows_topic_across_refresh() {
        let mut topics = vec![topic("a", 1, 10), topic("b", 6, 1), topic("c", 3, 100)];
        let mut v = TopicsView::default();
        v.rebuild(&topics);
        v.cursor.selected = 1; // "b"
        v.remember(&topics);
        v.sort = SortKey::Messages;
        v.rebuild(&topics);
        assert_eq!(names(&v, &topics), ["c", "a", "b"]);
        assert_eq!(v.cursor.selected, 2);
        v.sort = SortKey::Partitions;
        v.rebuild(&topics);
        assert_eq!(names(&v, &topics), ["b", "c", "a"]);
        assert_eq!(v.cursor.selected, 0);
        // A new topic appears before "b" in a refresh: the cursor stays on "b".
        topics.insert(0, topic("z", 9, 0));
        v.rebuild(&topics);
        assert_eq!(v.selected_name.as_deref(), Some("b"));
        assert_eq!(v.cursor.selected, 1);
        v.reverse = true;
        v.rebuild(&topics);
        assert_eq!(names(&v, &topics), ["a", "c", "b", "z"]);
        assert_eq!(v.cursor.selected, 2);
    }

    #[test]
    fn selected_topic_deleted_keeps_nearest_row() {
        let mut topics = vec![topic("a", 1, 1), topic("b", 1, 1), topic("c", 1, 1)];
        let mut v = TopicsView::default();
        v.rebuild(&topics);
        v.cursor.selected = 2;
        v.remember(&topics);
        topics.pop();
        v.rebuild(&topics);
        assert_eq!(v.cursor.selected, 1);
        assert_eq!(v.selected_name.as_deref(), Some("b"));
    }
}
