//! What a search looks for and how one message is tested: a byte regex
//! over the key, the value, header names or header values. Matching reads
//! the message where it lies; nothing is copied.

use regex::bytes::{Regex, RegexBuilder};

/// Where to look in each message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SearchIn {
    #[default]
    All,
    Key,
    Value,
    /// Header names and values.
    Headers,
    HeaderNames,
    HeaderValues,
}

impl SearchIn {
    pub const ALL: [SearchIn; 6] = [
        SearchIn::All,
        SearchIn::Key,
        SearchIn::Value,
        SearchIn::Headers,
        SearchIn::HeaderNames,
        SearchIn::HeaderValues,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SearchIn::All => "all",
            SearchIn::Key => "key",
            SearchIn::Value => "value",
            SearchIn::Headers => "headers",
            SearchIn::HeaderNames => "header names",
            SearchIn::HeaderValues => "header values",
        }
    }

    /// The words `--in` accepts.
    pub fn parse(s: &str) -> Result<SearchIn, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "all" => Ok(SearchIn::All),
            "key" | "keys" => Ok(SearchIn::Key),
            "value" | "values" => Ok(SearchIn::Value),
            "headers" | "header" => Ok(SearchIn::Headers),
            "header-names" | "header_names" | "header names" => Ok(SearchIn::HeaderNames),
            "header-values" | "header_values" | "header values" => Ok(SearchIn::HeaderValues),
            other => Err(format!(
                "unknown field {other:?}: use all, key, value, headers, header-names or header-values"
            )),
        }
    }
}

/// The part of a message a match was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Key,
    Value,
    HeaderName(usize),
    HeaderValue(usize),
}

impl Field {
    pub fn label(self) -> String {
        match self {
            Field::Key => "key".into(),
            Field::Value => "value".into(),
            Field::HeaderName(i) => format!("header {} name", i + 1),
            Field::HeaderValue(i) => format!("header {} value", i + 1),
        }
    }
}

/// Where the first match is: the field and its byte range there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatchSpan {
    pub field: Field,
    pub start: usize,
    pub end: usize,
}

/// What the user asked for, as typed; `Matcher::new` checks it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    pub pattern: String,
    pub target: SearchIn,
    pub case_insensitive: bool,
    /// Select the messages that do not match.
    pub invert: bool,
    /// Match Avro, Protobuf and JSON Schema keys and values as their
    /// decoded JSON (needs a schema registry).
    pub decoded: bool,
}

/// A pattern that does not compile: where and why, for the search bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    /// Column of the mistake in the pattern, in chars from 1.
    pub column: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for PatternError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.column {
            Some(c) => write!(f, "column {c}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Check a pattern and find the column of its first mistake. regex's own
/// error is a multi-line picture; the parser's span gives the position.
pub fn check_pattern(pattern: &str, case_insensitive: bool) -> Result<Regex, PatternError> {
    let mut parser = regex_syntax::ParserBuilder::new()
        .case_insensitive(case_insensitive)
        .utf8(false)
        .build();
    if let Err(e) = parser.parse(pattern) {
        let (offset, message) = match &e {
            regex_syntax::Error::Parse(a) => (Some(a.span().start.offset), a.kind().to_string()),
            regex_syntax::Error::Translate(t) => {
                (Some(t.span().start.offset), t.kind().to_string())
            }
            other => (None, other.to_string()),
        };
        return Err(PatternError {
            column: offset.map(|o| pattern[..o.min(pattern.len())].chars().count() + 1),
            message,
        });
    }
    RegexBuilder::new(pattern)
        .case_insensitive(case_insensitive)
        // A search over bytes: `.` and classes also match bytes that are
        // not UTF-8, so binary payloads can be searched with (?-u).
        .size_limit(64 << 20)
        .build()
        .map_err(|e| PatternError {
            column: None,
            message: e.to_string().lines().last().unwrap_or_default().to_string(),
        })
}

/// A compiled query.
#[derive(Debug, Clone)]
pub struct Matcher {
    pub regex: Regex,
    pub target: SearchIn,
    pub invert: bool,
}

impl Matcher {
    pub fn new(q: &Query) -> Result<Matcher, PatternError> {
        Ok(Matcher {
            regex: check_pattern(&q.pattern, q.case_insensitive)?,
            target: q.target,
            invert: q.invert,
        })
    }

    /// `Some(span)` when the message is selected; the span is `None` for an
    /// inverted search (nothing matched, by definition).
    pub fn test<'a>(
        &self,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: impl Iterator<Item = (&'a str, Option<&'a [u8]>)>,
    ) -> Option<Option<MatchSpan>> {
        let found = self.find(key, value, headers);
        match (found, self.invert) {
            (Some(span), false) => Some(Some(span)),
            (None, true) => Some(None),
            _ => None,
        }
    }

    fn find<'a>(
        &self,
        key: Option<&[u8]>,
        value: Option<&[u8]>,
        headers: impl Iterator<Item = (&'a str, Option<&'a [u8]>)>,
    ) -> Option<MatchSpan> {
        let at = |field: Field, bytes: &[u8]| {
            self.regex.find(bytes).map(|m| MatchSpan {
                field,
                start: m.start(),
                end: m.end(),
            })
        };
        let t = self.target;
        if matches!(t, SearchIn::All | SearchIn::Key) {
            if let Some(s) = key.and_then(|k| at(Field::Key, k)) {
                return Some(s);
            }
        }
        if matches!(t, SearchIn::All | SearchIn::Value) {
            if let Some(s) = value.and_then(|v| at(Field::Value, v)) {
                return Some(s);
            }
        }
        if matches!(
            t,
            SearchIn::All | SearchIn::Headers | SearchIn::HeaderNames | SearchIn::HeaderValues
        ) {
            for (i, (name, value)) in headers.enumerate() {
                if matches!(t, SearchIn::All | SearchIn::Headers | SearchIn::HeaderNames) {
                    if let Some(s) = at(Field::HeaderName(i), name.as_bytes()) {
                        return Some(s);
                    }
                }
                if matches!(
                    t,
                    SearchIn::All | SearchIn::Headers | SearchIn::HeaderValues
                ) {
                    if let Some(s) = value.and_then(|v| at(Field::HeaderValue(i), v)) {
                        return Some(s);
                    }
                }
            }
        }
        None
    }

    /// Test an owned message.
    pub fn test_message(&self, m: &crate::model::Message) -> Option<Option<MatchSpan>> {
        self.test(
            m.key.as_deref(),
            m.value.as_deref(),
            m.headers.iter().map(|(k, v)| (k.as_str(), v.as_deref())),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(pattern: &str, target: SearchIn) -> Matcher {
        Matcher::new(&Query {
            pattern: pattern.into(),
            target,
            ..Query::default()
        })
        .unwrap()
    }

    #[test]
    fn looks_only_where_asked() {
        let headers = [("trace-id", Some(&b"abc-123"[..])), ("source", None)];
        let h = || headers.iter().map(|(k, v)| (*k, *v));
        let key = Some(&b"order-7"[..]);
        let value = Some(&br#"{"id":"ORD-1","note":"abc"}"#[..]);
        let m = q("abc", SearchIn::Value);
        assert_eq!(
            m.test(key, value, h()),
            Some(Some(MatchSpan {
                field: Field::Value,
                start: 22,
                end: 25
            }))
        );
        let m = q("abc", SearchIn::HeaderValues);
        assert_eq!(
            m.test(key, value, h()).unwrap().unwrap().field,
            Field::HeaderValue(0)
        );
        assert_eq!(q("abc", SearchIn::Key).test(key, value, h()), None);
        assert_eq!(
            q("^source$", SearchIn::HeaderNames)
                .test(key, value, h())
                .unwrap()
                .unwrap()
                .field,
            Field::HeaderName(1)
        );
        assert_eq!(
            q("order-", SearchIn::All)
                .test(key, value, h())
                .unwrap()
                .unwrap()
                .field,
            Field::Key
        );
        // A null key or value is simply not there to match.
        assert_eq!(q("x", SearchIn::All).test(None, None, h()), None);
        // `headers` is names and values, and only them.
        let m = q("abc|^source$", SearchIn::Headers);
        assert_eq!(
            m.test(key, value, h()).unwrap().unwrap().field,
            Field::HeaderValue(0)
        );
        let m = q("^source$", SearchIn::Headers);
        assert_eq!(
            m.test(key, value, h()).unwrap().unwrap().field,
            Field::HeaderName(1)
        );
        assert_eq!(q("order-", SearchIn::Headers).test(key, value, h()), None);
        assert_eq!(SearchIn::parse("headers"), Ok(SearchIn::Headers));
    }

    #[test]
    fn case_and_invert() {
        let m = Matcher::new(&Query {
            pattern: "ord-planted".into(),
            case_insensitive: true,
            ..Query::default()
        })
        .unwrap();
        assert!(m
            .test(None, Some(b"xx ORD-PLANTED-7731"), std::iter::empty())
            .is_some());
        let inv = Matcher::new(&Query {
            pattern: "ORD".into(),
            invert: true,
            decoded: false,
            ..Query::default()
        })
        .unwrap();
        assert_eq!(
            inv.test(None, Some(b"ORD-1"), std::iter::empty()),
            None,
            "a matching message is left out of an inverted search"
        );
        assert_eq!(
            inv.test(None, Some(b"click"), std::iter::empty()),
            Some(None)
        );
    }

    #[test]
    fn finds_bytes_in_values_that_are_not_utf8() {
        let value = [0xff, 0xfe, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x80];
        let m = q(r"(?-u)\xDE\xAD\xBE\xEF", SearchIn::Value);
        let span = m
            .test(None, Some(&value), std::iter::empty())
            .unwrap()
            .unwrap();
        assert_eq!((span.start, span.end), (3, 7));
        // Text patterns still find text that sits among invalid bytes.
        let mixed = b"\xff\xfeuser=alice\x00";
        assert!(q("user=\\w+", SearchIn::Value)
            .test(None, Some(mixed), std::iter::empty())
            .is_some());
    }

    #[test]
    fn a_bad_pattern_says_where() {
        let e = check_pattern("ORD-(\\d+", false).unwrap_err();
        assert_eq!(e.column, Some(5));
        assert!(e.message.contains("unclosed group"), "{e}");
        let e = check_pattern("a{2,1}", false).unwrap_err();
        assert!(e.column.is_some(), "{e}");
        let e = check_pattern("héllo[", false).unwrap_err();
        assert_eq!(e.column, Some(6), "columns count chars, not bytes: {e}");
        assert!(check_pattern(r"(?-u)\xff", false).is_ok());
    }
}
