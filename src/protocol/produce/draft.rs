//! What the user typed on the produce screen, and the records it makes:
//! each field may hold placeholders, filled again for every message.

use super::template::Templates;
use crate::schema::{Decoders, Decoding, Encoder, SchemaChoice, SchemaKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ValueMode {
    #[default]
    Text,
    /// Checked (after placeholders are filled) before sending.
    Json,
    /// Hex digits; spaces and newlines are ignored.
    Hex,
    /// JSON, written in the Confluent wire format with a registered
    /// schema (the draft's `value_schema`).
    Schema,
    /// No value at all: a tombstone.
    Null,
}

impl ValueMode {
    pub const ALL: [ValueMode; 5] = [
        ValueMode::Text,
        ValueMode::Json,
        ValueMode::Schema,
        ValueMode::Hex,
        ValueMode::Null,
    ];
    pub fn label(self) -> &'static str {
        match self {
            ValueMode::Text => "text",
            ValueMode::Json => "json",
            ValueMode::Hex => "hex",
            ValueMode::Schema => "json → schema registry",
            ValueMode::Null => "null (tombstone)",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Acks {
    #[default]
    All,
    Leader,
    None,
}

impl Acks {
    pub const ALL: [Acks; 3] = [Acks::All, Acks::Leader, Acks::None];
    /// librdkafka's `acks`.
    pub fn value(self) -> &'static str {
        match self {
            Acks::All => "all",
            Acks::Leader => "1",
            Acks::None => "0",
        }
    }
}

pub const COMPRESSIONS: [&str; 5] = ["none", "gzip", "snappy", "lz4", "zstd"];

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Draft {
    pub topic: String,
    /// Empty or `auto`: by key (librdkafka's partitioner); else a number.
    pub partition: String,
    /// Empty: a null key.
    pub key: String,
    /// One `name: value` per line.
    pub headers: String,
    pub value: String,
    pub mode: ValueMode,
    /// Empty: now (the producer's clock); else RFC 3339 or ms.
    pub timestamp: String,
    pub acks: Acks,
    /// One of COMPRESSIONS.
    pub compression: String,
    /// The schema a `Schema` value is written with (see SchemaChoice);
    /// empty: the topic's `<topic>-value` subject, latest version.
    pub value_schema: String,
    /// Empty: the key is sent as typed; else the key is JSON written with
    /// this schema (`auto`: the topic's `<topic>-key` subject).
    pub key_schema: String,
}

/// The parts of a draft a mistake can be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftField {
    Topic,
    Partition,
    Key,
    Headers,
    Value,
    Timestamp,
    ValueSchema,
    KeySchema,
}

/// One message, ready for the producer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutRecord {
    pub partition: Option<i32>,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<(String, Option<Vec<u8>>)>,
    pub timestamp: Option<i64>,
}

/// A checked draft: templates compiled, numbers parsed.
#[derive(Debug, Clone)]
pub struct Prepared {
    templates: Templates,
    partition: Option<i32>,
    has_key: bool,
    headers: Vec<String>,
    mode: ValueMode,
    timestamp: Option<i64>,
    value_schema: Option<SchemaChoice>,
    key_schema: Option<SchemaChoice>,
}

/// The schemas a prepared draft writes with, fetched from the registry.
pub struct Encoders {
    key: Option<Encoder>,
    value: Option<Encoder>,
}

/// `name: value` lines; the value may be empty, the name may not.
pub fn parse_headers(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = vec![];
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let (k, v) = line
            .split_once(':')
            .ok_or_else(|| format!("line {}: write a header as name: value", i + 1))?;
        let k = k.trim();
        if k.is_empty() {
            return Err(format!("line {}: the header has no name", i + 1));
        }
        out.push((k.to_string(), v.strip_prefix(' ').unwrap_or(v).to_string()));
    }
    Ok(out)
}

pub fn parse_hex(text: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if digits.len() % 2 == 1 {
        return Err(format!("{} hex digits: bytes take two each", digits.len()));
    }
    digits
        .chunks(2)
        .enumerate()
        .map(|(i, pair)| {
            std::str::from_utf8(pair)
                .ok()
                .and_then(|s| u8::from_str_radix(s, 16).ok())
                .ok_or_else(|| {
                    format!(
                        "byte {}: {:?} is not hex",
                        i + 1,
                        String::from_utf8_lossy(pair)
                    )
                })
        })
        .collect()
}

/// A JSON mistake as "line L, column C: what".
pub fn check_json(text: &str) -> Result<(), String> {
    serde_json::from_str::<serde_json::Value>(text)
        .map(|_| ())
        .map_err(|e| {
            // serde_json ends its message with the position: said once.
            let text = e.to_string();
            let what = text
                .strip_suffix(&format!(" at line {} column {}", e.line(), e.column()))
                .unwrap_or(&text);
            format!(
                "invalid JSON, line {}, column {}: {what}",
                e.line(),
                e.column()
            )
        })
}

/// The value pretty-printed, key order kept; None when it is not JSON.
pub fn pretty_json(text: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    serde_json::to_string_pretty(&v).ok()
}

impl Draft {
    /// Check every field (templates included) before anything is sent.
    pub fn prepare(&self) -> Result<Prepared, (DraftField, String)> {
        if self.topic.trim().is_empty() {
            return Err((DraftField::Topic, "name the topic to send to".into()));
        }
        let partition = match self.partition.trim() {
            "" | "auto" | "any" => None,
            p => Some(p.parse::<i32>().ok().filter(|p| *p >= 0).ok_or_else(|| {
                (
                    DraftField::Partition,
                    format!("{p:?}: a partition number, or empty for by key"),
                )
            })?),
        };
        let timestamp = match self.timestamp.trim() {
            "" | "now" => None,
            t => Some(
                t.parse::<i64>()
                    .ok()
                    .or_else(|| {
                        chrono::DateTime::parse_from_rfc3339(t)
                            .ok()
                            .map(|d| d.timestamp_millis())
                    })
                    .ok_or_else(|| {
                        (
                            DraftField::Timestamp,
                            format!("{t:?}: an RFC 3339 time or milliseconds, or empty for now"),
                        )
                    })?,
            ),
        };
        let headers = parse_headers(&self.headers).map_err(|e| (DraftField::Headers, e))?;
        let mut templates = Templates::new();
        templates
            .add("key", &self.key)
            .map_err(|e| (DraftField::Key, e.to_string()))?;
        templates
            .add("value", &self.value)
            .map_err(|e| (DraftField::Value, e.to_string()))?;
        let mut names = vec![];
        for (i, (k, v)) in headers.iter().enumerate() {
            templates
                .add(&format!("header{i}"), v)
                .map_err(|e| (DraftField::Headers, format!("header {k}: {e}")))?;
            names.push(k.clone());
        }
        let topic = self.topic.trim();
        let value_schema = match self.mode {
            ValueMode::Schema => Some(
                SchemaChoice::parse(&self.value_schema, &format!("{topic}-value"))
                    .map_err(|e| (DraftField::ValueSchema, e))?,
            ),
            _ => None,
        };
        let key_schema = match self.key_schema.trim() {
            "" => None,
            k => Some(
                SchemaChoice::parse(k, &format!("{topic}-key"))
                    .map_err(|e| (DraftField::KeySchema, e))?,
            ),
        };
        if key_schema.is_some() && self.key.is_empty() {
            return Err((
                DraftField::Key,
                "a key schema is set: write the key as JSON (or clear the key schema)".into(),
            ));
        }
        let prepared = Prepared {
            templates,
            partition,
            has_key: !self.key.is_empty(),
            headers: names,
            mode: self.mode,
            timestamp,
            value_schema,
            key_schema,
        };
        // The first message, built for real: a bad JSON or hex value is
        // found here, with where it is wrong.
        prepared.record(0)?;
        Ok(prepared)
    }
}

impl Prepared {
    /// Message number `seq`, placeholders filled.
    pub fn record(&self, seq: u64) -> Result<OutRecord, (DraftField, String)> {
        let render = |name: &str, field: DraftField| {
            self.templates
                .render(name, seq)
                .map_err(|e| (field, e.to_string()))
        };
        let key = if self.has_key {
            Some(render("key", DraftField::Key)?.into_bytes())
        } else {
            None
        };
        let value = match self.mode {
            ValueMode::Null => None,
            ValueMode::Text => Some(render("value", DraftField::Value)?.into_bytes()),
            ValueMode::Json | ValueMode::Schema => {
                let v = render("value", DraftField::Value)?;
                check_json(&v).map_err(|e| (DraftField::Value, e))?;
                Some(v.into_bytes())
            }
            ValueMode::Hex => Some(
                parse_hex(&render("value", DraftField::Value)?)
                    .map_err(|e| (DraftField::Value, e))?,
            ),
        };
        let mut headers = vec![];
        for (i, name) in self.headers.iter().enumerate() {
            let v = render(&format!("header{i}"), DraftField::Headers)?;
            headers.push((name.clone(), Some(v.into_bytes())));
        }
        Ok(OutRecord {
            partition: self.partition,
            key,
            value,
            headers,
            timestamp: self.timestamp,
        })
    }
}

impl Prepared {
    /// Whether sending needs a schema registry.
    pub fn needs_registry(&self) -> bool {
        self.key_schema.is_some() || self.value_schema.is_some()
    }

    /// The schemas this draft writes with. Blocks on the registry: call it
    /// from the worker or the CLI, never from the UI thread.
    pub fn encoders(&self, decoders: Option<&Decoders>) -> Result<Encoders, (DraftField, String)> {
        let fetch = |choice: &Option<SchemaChoice>, field: DraftField| {
            let Some(choice) = choice else {
                return Ok(None);
            };
            let d = decoders.ok_or_else(|| {
                (
                    field,
                    "writing with a schema needs a schema registry: give -r URL or set the profile's schema_registry".to_string(),
                )
            })?;
            d.encoder(choice)
                .map(Some)
                .map_err(|e| (field, format!("{choice}: {e}")))
        };
        Ok(Encoders {
            key: fetch(&self.key_schema, DraftField::KeySchema)?,
            value: fetch(&self.value_schema, DraftField::ValueSchema)?,
        })
    }
}

impl Encoders {
    /// A record as made by `Prepared::record`, its JSON key and value
    /// written with their schemas; a value that does not fit is refused
    /// with the path of the first mismatch.
    pub fn apply(&self, mut r: OutRecord) -> Result<OutRecord, (DraftField, String)> {
        let write = |enc: &Encoder, bytes: &[u8], field: DraftField| {
            let text = std::str::from_utf8(bytes)
                .map_err(|_| (field, "JSON must be UTF-8 text".to_string()))?;
            enc.encode(text)
                .map_err(|e| (field, format!("does not fit {}: {e}", enc.label)))
        };
        if let (Some(enc), Some(k)) = (&self.key, &r.key) {
            r.key = Some(write(enc, k, DraftField::Key)?);
        }
        if let (Some(enc), Some(v)) = (&self.value, &r.value) {
            r.value = Some(write(enc, v, DraftField::Value)?);
        }
        Ok(r)
    }
}

/// One line of a JSONL export (the explorer's `e`, `creel tail --json`) as
/// a record: key, value, headers and timestamp as they were; the partition
/// is chosen again by key.
pub fn record_from_envelope(n: usize, line: &str) -> Result<OutRecord, String> {
    let v: serde_json::Value =
        serde_json::from_str(line).map_err(|e| format!("line {n}: not JSON: {e}"))?;
    let (_, m) = crate::envelope::from_json(&v).map_err(|e| format!("line {n}: {e}"))?;
    Ok(OutRecord {
        partition: None,
        key: m.key,
        value: m.value,
        headers: m.headers,
        timestamp: m.timestamp,
    })
}

/// A draft holding a message as it was read (replay): text stays text,
/// JSON is shown as JSON, anything else as hex.
pub fn draft_from_message(topic: &str, m: &crate::model::Message) -> Draft {
    let (value, mode) = match &m.value {
        None => (String::new(), ValueMode::Null),
        Some(v) => match std::str::from_utf8(v) {
            Ok(s) if !s.contains("{{") && pretty_json(s).is_some() => {
                (s.to_string(), ValueMode::Json)
            }
            Ok(s) if !s.contains("{{") => (s.to_string(), ValueMode::Text),
            _ => (
                v.iter().map(|b| format!("{b:02x}")).collect::<String>(),
                ValueMode::Hex,
            ),
        },
    };
    let headers = m
        .headers
        .iter()
        .map(|(k, v)| {
            format!(
                "{k}: {}",
                v.as_deref()
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("\n");
    Draft {
        topic: topic.into(),
        partition: String::new(),
        key: m
            .key
            .as_deref()
            .map(|k| String::from_utf8_lossy(k).into_owned())
            .unwrap_or_default(),
        headers,
        value,
        mode,
        timestamp: String::new(),
        acks: Acks::All,
        compression: "none".into(),
        value_schema: String::new(),
        key_schema: String::new(),
    }
}

/// A draft holding a decoded message (replay): its key and value as the
/// JSON they decode to, written back with the same schema ids, so that an
/// unchanged replay sends the same bytes. JSON Schema bodies are kept as
/// the text they were, which is what goes out again.
pub fn draft_from_decoded(
    topic: &str,
    m: &crate::model::Message,
    key: &Decoding,
    value: &Decoding,
) -> Draft {
    let mut d = draft_from_message(topic, m);
    let as_typed = |decoding: &Decoding, bytes: Option<&[u8]>, pretty: bool| match decoding {
        Decoding::Decoded {
            json,
            schema,
            type_name,
        } => {
            let text = match schema.kind {
                SchemaKind::Json => bytes
                    .and_then(crate::schema::wire::split)
                    .and_then(|(_, b)| std::str::from_utf8(b).ok())
                    .map(str::to_string)?,
                _ if pretty => serde_json::to_string_pretty(json).ok()?,
                _ => serde_json::to_string(json).ok()?,
            };
            // Placeholders in a decoded text would be filled on sending.
            if text.contains("{{") {
                return None;
            }
            let choice = match type_name {
                Some(t) => format!("#{} {t}", schema.id),
                None => format!("#{}", schema.id),
            };
            Some((text, choice))
        }
        _ => None,
    };
    if let Some((text, choice)) = as_typed(value, m.value.as_deref(), true) {
        d.value = text;
        d.mode = ValueMode::Schema;
        d.value_schema = choice;
    }
    if let Some((text, choice)) = as_typed(key, m.key.as_deref(), false) {
        if !text.contains('\n') {
            d.key = text;
            d.key_schema = choice;
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(value: &str, mode: ValueMode) -> Draft {
        Draft {
            topic: "t".into(),
            value: value.into(),
            mode,
            compression: "none".into(),
            ..Draft::default()
        }
    }

    #[test]
    fn a_draft_makes_records_with_placeholders_filled_per_message() {
        let mut d = draft(r#"{"n":{{seq}},"id":"{{uuid}}"}"#, ValueMode::Json);
        d.key = "user-{{seq}}".into();
        d.headers = "source: creel\ntrace: t-{{seq}}\n".into();
        d.partition = "2".into();
        d.timestamp = "2026-11-27T10:00:00Z".into();
        let p = d.prepare().unwrap();
        let a = p.record(7).unwrap();
        let b = p.record(8).unwrap();
        assert_eq!(a.key.as_deref(), Some(&b"user-7"[..]));
        assert_eq!(a.partition, Some(2));
        assert_eq!(a.timestamp, Some(1_795_773_600_000));
        assert_eq!(
            a.headers,
            vec![
                ("source".to_string(), Some(b"creel".to_vec())),
                ("trace".to_string(), Some(b"t-7".to_vec())),
            ]
        );
        assert_ne!(a.value, b.value);
        assert!(String::from_utf8(a.value.unwrap())
            .unwrap()
            .starts_with(r#"{"n":7,"#));
    }

    #[test]
    fn modes_and_their_mistakes() {
        let p = draft("de ad\nbe ef", ValueMode::Hex).prepare().unwrap();
        assert_eq!(
            p.record(0).unwrap().value,
            Some(vec![0xde, 0xad, 0xbe, 0xef])
        );
        let (f, e) = draft("de a", ValueMode::Hex).prepare().unwrap_err();
        assert_eq!(f, DraftField::Value);
        assert!(e.contains("3 hex digits"), "{e}");
        let (f, e) = draft("{\n  \"a\": 1,\n  \"b\": \n}", ValueMode::Json)
            .prepare()
            .unwrap_err();
        assert_eq!(f, DraftField::Value);
        assert!(e.contains("line 4, column 1"), "{e}");
        let p = draft("ignored", ValueMode::Null).prepare().unwrap();
        assert_eq!(p.record(0).unwrap().value, None, "a tombstone");
        let p = draft("", ValueMode::Text).prepare().unwrap();
        assert_eq!(p.record(0).unwrap().value, Some(vec![]), "an empty value");
        assert_eq!(p.record(0).unwrap().key, None, "no key typed: a null key");
        let mut d = draft("x", ValueMode::Text);
        d.headers = "no colon here".into();
        assert_eq!(d.prepare().unwrap_err().0, DraftField::Headers);
        d.headers = String::new();
        d.partition = "-1".into();
        assert_eq!(d.prepare().unwrap_err().0, DraftField::Partition);
        d.partition = String::new();
        d.topic = " ".into();
        assert_eq!(d.prepare().unwrap_err().0, DraftField::Topic);
        let mut d = draft("{{wat}}", ValueMode::Text);
        let (f, e) = d.prepare().unwrap_err();
        assert_eq!(f, DraftField::Value);
        assert!(e.contains("unknown placeholder"), "{e}");
        d.value = "x".into();
        d.key = "{{int 1}}".into();
        assert_eq!(d.prepare().unwrap_err().0, DraftField::Key);
    }

    #[test]
    fn a_message_read_back_becomes_a_draft_that_makes_it_again() {
        use crate::model::{Message, TimestampKind};
        let m = Message {
            partition: 1,
            offset: 9,
            timestamp: Some(1),
            timestamp_kind: TimestampKind::Create,
            key: Some(b"k".to_vec()),
            value: Some(vec![0xff, 0x00, 0x1b]),
            headers: vec![("h".into(), Some(b"v".to_vec()))],
        };
        let d = draft_from_message("t", &m);
        assert_eq!(d.mode, ValueMode::Hex);
        let r = d.prepare().unwrap().record(0).unwrap();
        assert_eq!(r.value, m.value);
        assert_eq!(r.key, m.key);
        assert_eq!(r.headers, m.headers);
        let json = Message {
            value: Some(br#"{"b":1,"a":2}"#.to_vec()),
            ..m.clone()
        };
        let d = draft_from_message("t", &json);
        assert_eq!(d.mode, ValueMode::Json);
        assert_eq!(d.prepare().unwrap().record(0).unwrap().value, json.value);
        assert_eq!(
            pretty_json(&d.value).unwrap(),
            "{\n  \"b\": 1,\n  \"a\": 2\n}",
            "key order kept"
        );
    }
}
