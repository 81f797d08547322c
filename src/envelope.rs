//! The JSON envelope of a message, shared by copy (`y`), export (`e`),
//! `creel tail --json` and import: text stays text, other bytes are base64
//! with an `encoding` field, so a file re-parses to the very same bytes.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::model::{Message, TimestampKind};
use crate::schema::Decoding;

/// A message's envelope, written straight from the message: `creel tail
/// --json` writes one per message, and building a `Value` map for each
/// (allocations, hashing every key) was most of its time.
pub struct Envelope<'a> {
    pub topic: &'a str,
    pub message: &'a Message,
    /// The key and value through their schemas, when a registry is set:
    /// written beside the raw bytes, which stay what import reads.
    pub decoded: Option<(&'a Decoding, &'a Decoding)>,
}

/// `<field>_decoded` and `<field>_schema`, or `<field>_decode_error`.
fn put_decoded<M: SerializeMap>(
    map: &mut M,
    topic: &str,
    field: &str,
    d: &Decoding,
) -> Result<(), M::Error> {
    match d {
        Decoding::Plain => Ok(()),
        Decoding::Decoded {
            json,
            schema,
            type_name,
        } => {
            map.serialize_entry(&format!("{field}_decoded"), json)?;
            let subject = schema.subject_for(topic, field);
            map.serialize_entry(
                &format!("{field}_schema"),
                &SchemaRef {
                    id: schema.file.is_none().then_some(schema.id),
                    file: schema.file.as_deref(),
                    kind: schema.kind.name(),
                    subject: subject.map(|s| s.0),
                    version: subject.map(|s| s.1),
                    message: type_name.as_deref(),
                },
            )
        }
        Decoding::Pending { id } => map.serialize_entry(
            &format!("{field}_decode_error"),
            &format!("schema id {id} not fetched yet"),
        ),
        Decoding::Failed { reason, .. } => {
            map.serialize_entry(&format!("{field}_decode_error"), reason)
        }
    }
}

#[derive(Serialize)]
struct SchemaRef<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<u32>,
    /// A schema file pinned in the profile, in place of a registry's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    subject: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
}

/// Put `bytes` under `field`, adding `<field>_encoding: base64` when they
/// are not UTF-8.
fn put_bytes<M: SerializeMap>(
    map: &mut M,
    field: &str,
    encoding: &str,
    bytes: Option<&[u8]>,
) -> Result<(), M::Error> {
    match bytes.map(|b| (b, std::str::from_utf8(b))) {
        None => map.serialize_entry(field, &()),
        Some((_, Ok(s))) => map.serialize_entry(field, s),
        Some((b, Err(_))) => {
            map.serialize_entry(field, &STANDARD.encode(b))?;
            map.serialize_entry(encoding, "base64")
        }
    }
}

struct Header<'a>(&'a str, Option<&'a [u8]>);

impl Serialize for Header<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("key", self.0)?;
        put_bytes(&mut map, "value", "value_encoding", self.1)?;
        map.end()
    }
}

struct Headers<'a>(&'a [(String, Option<Vec<u8>>)]);

impl Serialize for Headers<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for (k, v) in self.0 {
            seq.serialize_element(&Header(k, v.as_deref()))?;
        }
        seq.end()
    }
}

impl Serialize for Envelope<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let m = self.message;
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("topic", self.topic)?;
        map.serialize_entry("partition", &m.partition)?;
        map.serialize_entry("offset", &m.offset)?;
        map.serialize_entry("timestamp", &m.timestamp)?;
        map.serialize_entry(
            "timestamp_type",
            match m.timestamp_kind {
                TimestampKind::Create => "create",
                TimestampKind::LogAppend => "log_append",
                TimestampKind::None => "none",
            },
        )?;
        put_bytes(&mut map, "key", "key_encoding", m.key.as_deref())?;
        put_bytes(&mut map, "value", "value_encoding", m.value.as_deref())?;
        map.serialize_entry("headers", &Headers(&m.headers))?;
        if let Some((key, value)) = self.decoded {
            put_decoded(&mut map, self.topic, "key", key)?;
            put_decoded(&mut map, self.topic, "value", value)?;
        }
        map.end()
    }
}

pub fn to_json(topic: &str, m: &Message) -> Value {
    serde_json::to_value(Envelope {
        topic,
        message: m,
        decoded: None,
    })
    .expect("an envelope is strings, numbers and nulls")
}

fn get_bytes(obj: &Map<String, Value>, field: &str) -> Result<Option<Vec<u8>>, String> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => match obj
            .get(&format!("{field}_encoding"))
            .and_then(Value::as_str)
        {
            Some("base64") => STANDARD
                .decode(s)
                .map(Some)
                .map_err(|e| format!("{field}: bad base64: {e}")),
            None | Some("utf8") => Ok(Some(s.clone().into_bytes())),
            Some(other) => Err(format!("{field}: unknown encoding {other:?}")),
        },
        Some(other) => Err(format!("{field}: expected a string or null, got {other}")),
    }
}

/// Read an envelope back (import, tests). Topic and position are returned
/// as they were written.
pub fn from_json(v: &Value) -> Result<(String, Message), String> {
    let obj = v.as_object().ok_or("expected a JSON object")?;
    let topic = obj
        .get("topic")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let headers = match obj.get("headers") {
        Some(Value::Array(hs)) => hs
            .iter()
            .map(|h| {
                let h = h.as_object().ok_or("header: expected an object")?;
                let k = h
                    .get("key")
                    .and_then(Value::as_str)
                    .ok_or("header: missing key")?;
                Ok((k.to_string(), get_bytes(h, "value")?))
            })
            .collect::<Result<Vec<_>, String>>()?,
        _ => vec![],
    };
    let m = Message {
        partition: obj.get("partition").and_then(Value::as_i64).unwrap_or(-1) as i32,
        offset: obj.get("offset").and_then(Value::as_i64).unwrap_or(-1),
        timestamp: obj.get("timestamp").and_then(Value::as_i64),
        timestamp_kind: match obj.get("timestamp_type").and_then(Value::as_str) {
            Some("log_append") => TimestampKind::LogAppend,
            Some("create") => TimestampKind::Create,
            _ => TimestampKind::None,
        },
        key: get_bytes(obj, "key")?,
        value: get_bytes(obj, "value")?,
        headers,
    };
    Ok((topic, m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_text_binary_null_and_empty() {
        let m = Message {
            partition: 2,
            offset: 41,
            timestamp: Some(1_700_000_000_000),
            timestamp_kind: TimestampKind::Create,
            key: None,
            value: Some(b"\x00\xff\x1b[2Jbinary".to_vec()),
            headers: vec![
                ("trace".into(), Some(b"abc".to_vec())),
                ("raw".into(), Some(vec![0xde, 0xad])),
                ("none".into(), None),
                ("empty".into(), Some(vec![])),
            ],
        };
        let v = to_json("t", &m);
        assert_eq!(v["value_encoding"], "base64");
        assert!(v["key"].is_null());
        let line = v.to_string();
        let back = from_json(&serde_json::from_str(&line).unwrap()).unwrap();
        assert_eq!(back, ("t".to_string(), m));
    }

    /// The envelope's text is fixed: scripts read it. Field order, base64
    /// with its `_encoding` field, nulls and empty strings, exactly.
    #[test]
    fn the_written_text_is_exactly_the_documented_envelope() {
        let m = Message {
            partition: 1,
            offset: 7,
            timestamp: None,
            timestamp_kind: TimestampKind::None,
            key: Some(vec![0xff]),
            value: Some("{\"a\":\"\u{e9}\"}".as_bytes().to_vec()),
            headers: vec![("h".into(), None), ("b".into(), Some(vec![0x80]))],
        };
        let text = serde_json::to_string(&Envelope {
            topic: "t",
            message: &m,
            decoded: None,
        })
        .unwrap();
        assert_eq!(
            text,
            r#"{"topic":"t","partition":1,"offset":7,"timestamp":null,"timestamp_type":"none","key":"/w==","key_encoding":"base64","value":"{\"a\":\"é\"}","headers":[{"key":"h","value":null},{"key":"b","value":"gA==","value_encoding":"base64"}]}"#
        );
        assert_eq!(to_json("t", &m).to_string(), text);
    }
}
