//! The search bar: a regex plus where to look and how far, one field per
//! line. Tab and the arrows move between fields, space or ←/→ change a
//! choice, Enter searches from any field.

use super::{SearchRequest, DEFAULT_MAX_MATCHES, PREVIEW_BYTES};
use crate::app::{Edit, LineInput};
use crate::model::StartAt;
use crate::protocol::search::{check_pattern, Matcher, PatternError, Query, SearchIn};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchField {
    Pattern,
    In,
    IgnoreCase,
    Invert,
    Decoded,
    Partitions,
    From,
    To,
    MaxScanned,
    MaxMatches,
    Order,
}

impl SearchField {
    pub const ALL: [SearchField; 11] = [
        SearchField::Pattern,
        SearchField::In,
        SearchField::IgnoreCase,
        SearchField::Invert,
        SearchField::Decoded,
        SearchField::Partitions,
        SearchField::From,
        SearchField::To,
        SearchField::MaxScanned,
        SearchField::MaxMatches,
        SearchField::Order,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SearchField::Pattern => "regex",
            SearchField::In => "in",
            SearchField::IgnoreCase => "ignore case",
            SearchField::Invert => "invert",
            SearchField::Decoded => "decoded",
            SearchField::Partitions => "partitions",
            SearchField::From => "from",
            SearchField::To => "to",
            SearchField::MaxScanned => "max scanned",
            SearchField::MaxMatches => "max matches",
            SearchField::Order => "order",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchForm {
    pub topic: String,
    pub focus: SearchField,
    pub pattern: LineInput,
    pub target: SearchIn,
    pub ignore_case: bool,
    pub invert: bool,
    /// The regex sees decoded JSON where a registry decodes (what the
    /// list shows); off: the raw bytes.
    pub decoded: bool,
    pub partitions: LineInput,
    pub from: LineInput,
    pub to: LineInput,
    pub max_scanned: LineInput,
    pub max_matches: LineInput,
    pub newest_first: bool,
    /// The pattern's mistake, checked as it is typed.
    pub pattern_error: Option<PatternError>,
    /// Another field's mistake, found on Enter.
    pub error: Option<(SearchField, String)>,
}

impl SearchForm {
    pub fn new(topic: &str, partitions: Option<&[i32]>) -> SearchForm {
        let parts = match partitions {
            Some(ps) => ps.iter().map(i32::to_string).collect::<Vec<_>>().join(","),
            None => "all".into(),
        };
        SearchForm {
            topic: topic.into(),
            focus: SearchField::Pattern,
            pattern: LineInput::default(),
            target: SearchIn::All,
            ignore_case: false,
            invert: false,
            decoded: true,
            partitions: LineInput::with_text(&parts),
            from: LineInput::with_text("beginning"),
            to: LineInput::with_text("end"),
            max_scanned: LineInput::default(),
            max_matches: LineInput::with_text(&DEFAULT_MAX_MATCHES.to_string()),
            newest_first: false,
            pattern_error: None,
            error: None,
        }
    }

    /// Start from an earlier search's settings (`/` again on the results).
    pub fn again(topic: &str, last: &SearchForm) -> SearchForm {
        let mut f = last.clone();
        f.topic = topic.into();
        f.focus = SearchField::Pattern;
        f.error = None;
        f
    }

    pub fn line(&self, field: SearchField) -> Option<&LineInput> {
        match field {
            SearchField::Pattern => Some(&self.pattern),
            SearchField::Partitions => Some(&self.partitions),
            SearchField::From => Some(&self.from),
            SearchField::To => Some(&self.to),
            SearchField::MaxScanned => Some(&self.max_scanned),
            SearchField::MaxMatches => Some(&self.max_matches),
            _ => None,
        }
    }

    fn line_mut(&mut self, field: SearchField) -> Option<&mut LineInput> {
        match field {
            SearchField::Pattern => Some(&mut self.pattern),
            SearchField::Partitions => Some(&mut self.partitions),
            SearchField::From => Some(&mut self.from),
            SearchField::To => Some(&mut self.to),
            SearchField::MaxScanned => Some(&mut self.max_scanned),
            SearchField::MaxMatches => Some(&mut self.max_matches),
            _ => None,
        }
    }

    pub fn edit(&mut self, edit: Edit) {
        let all = SearchField::ALL;
        let i = all.iter().position(|f| *f == self.focus).unwrap_or(0);
        match edit {
            Edit::NextField => self.focus = all[(i + 1) % all.len()],
            Edit::PrevField => self.focus = all[(i + all.len() - 1) % all.len()],
            _ => match self.focus {
                SearchField::In => {
                    let forward = !matches!(edit, Edit::Left);
                    if matches!(edit, Edit::Left | Edit::Right | Edit::Insert(' ')) {
                        self.target =
                            crate::app::screens::cycle(&SearchIn::ALL, self.target, forward);
                    }
                }
                SearchField::IgnoreCase => {
                    if matches!(edit, Edit::Left | Edit::Right | Edit::Insert(' ')) {
                        self.ignore_case = !self.ignore_case;
                        self.check_pattern();
                    }
                }
                SearchField::Invert => {
                    if matches!(edit, Edit::Left | Edit::Right | Edit::Insert(' ')) {
                        self.invert = !self.invert;
                    }
                }
                SearchField::Decoded => {
                    if matches!(edit, Edit::Left | Edit::Right | Edit::Insert(' ')) {
                        self.decoded = !self.decoded;
                    }
                }
                SearchField::Order => {
                    if matches!(edit, Edit::Left | Edit::Right | Edit::Insert(' ')) {
                        self.newest_first = !self.newest_first;
                    }
                }
                field => {
                    if let Some(line) = self.line_mut(field) {
                        line.edit(edit);
                    }
                    if field == SearchField::Pattern {
                        self.check_pattern();
                    }
                    if self.error.as_ref().is_some_and(|(f, _)| *f == field) {
                        self.error = None;
                    }
                }
            },
        }
    }

    fn check_pattern(&mut self) {
        self.pattern_error = if self.pattern.text.is_empty() {
            None
        } else {
            check_pattern(&self.pattern.text, self.ignore_case).err()
        };
    }

    pub fn query(&self) -> Query {
        Query {
            pattern: self.pattern.text.clone(),
            target: self.target,
            case_insensitive: self.ignore_case,
            invert: self.invert,
            decoded: self.decoded,
        }
    }

    /// Everything checked, nothing sent yet: the request, or the first
    /// field that is wrong and why.
    pub fn build(
        &self,
        session: u64,
        now_ms: i64,
    ) -> Result<(SearchRequest, Matcher), (SearchField, String)> {
        if self.pattern.text.is_empty() {
            return Err((SearchField::Pattern, "type a regex to search for".into()));
        }
        let matcher =
            Matcher::new(&self.query()).map_err(|e| (SearchField::Pattern, e.to_string()))?;
        let partitions =
            parse_partitions(&self.partitions.text).map_err(|e| (SearchField::Partitions, e))?;
        let from = StartAt::parse(or(&self.from.text, "beginning"), now_ms)
            .map_err(|e| (SearchField::From, e))?;
        let to = parse_to(&self.to.text, now_ms).map_err(|e| (SearchField::To, e))?;
        let max_scanned =
            parse_count(&self.max_scanned.text).map_err(|e| (SearchField::MaxScanned, e))?;
        let max_matches =
            parse_count(&self.max_matches.text).map_err(|e| (SearchField::MaxMatches, e))?;
        Ok((
            SearchRequest {
                session,
                topic: self.topic.clone(),
                query: self.query(),
                partitions,
                from,
                to,
                max_scanned,
                max_matches,
                preview: Some(PREVIEW_BYTES),
            },
            matcher,
        ))
    }
}

fn or<'a>(s: &'a str, default: &'a str) -> &'a str {
    if s.trim().is_empty() {
        default
    } else {
        s
    }
}

/// `all`, or `0,2,5`, or `0-3`.
pub fn parse_partitions(s: &str) -> Result<Option<Vec<i32>>, String> {
    let s = s.trim();
    if s.is_empty() || s.eq_ignore_ascii_case("all") {
        return Ok(None);
    }
    let mut out = vec![];
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let bad = || format!("cannot read partition {part:?}: use all, 0,2,5 or 0-3");
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b): (i32, i32) = (
                    a.trim().parse().map_err(|_| bad())?,
                    b.trim().parse().map_err(|_| bad())?,
                );
                if a > b {
                    return Err(bad());
                }
                out.extend(a..=b);
            }
            None => out.push(part.parse().map_err(|_| bad())?),
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(Some(out))
}

/// Where a search stops: `end` (as it is when the search starts), an
/// offset (included), or a time.
pub fn parse_to(s: &str, now_ms: i64) -> Result<Option<StartAt>, String> {
    let s = s.trim();
    if s.is_empty() || matches!(s, "end" | "e" | "latest" | "now") {
        return Ok(None);
    }
    match StartAt::parse(s, now_ms)? {
        StartAt::Beginning => Err("the search would stop before it starts".into()),
        StartAt::LastN(_) => Err("use an offset, a time (-15m, RFC 3339) or end".into()),
        other => Ok(Some(other)),
    }
}

/// A count, with an optional k or m suffix; empty means no limit.
pub fn parse_count(s: &str) -> Result<Option<u64>, String> {
    let t = s.trim().replace(['_', ','], "").to_ascii_lowercase();
    if t.is_empty() || t == "none" || t == "all" {
        return Ok(None);
    }
    let (num, mult) = match t.chars().last() {
        Some('k') => (&t[..t.len() - 1], 1_000),
        Some('m') => (&t[..t.len() - 1], 1_000_000),
        _ => (t.as_str(), 1),
    };
    num.parse::<u64>()
        .ok()
        .filter(|n| *n > 0)
        .map(|n| Some(n * mult))
        .ok_or_else(|| format!("cannot read {s:?}: a count like 500, 10k or 2m, or empty"))
}
