//! The JSON envelope of a message, shared by copy (`y`), export (`e`),
//! `creel tail --json` and import: text stays text, other bytes are base64
//! with an `encoding` field, so a file re-parses to the very same bytes.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Map, Value};

use crate::model::{Message, TimestampKind};

/// Put `bytes` under `field`, adding `<field>_encoding: base64` when they
/// are not UTF-8.
fn put_bytes(obj: &mut Map<String, Value>, field: &str, bytes: Option<&[u8]>) {
    match bytes {
        None => {
            obj.insert(field.into(), Value::Null);
        }
        Some(b) => match std::str::from_utf8(b) {
            Ok(s) => {
                obj.insert(field.into(), Value::String(s.into()));
            }
            Err(_) => {
                obj.insert(field.into(), Value::String(STANDARD.encode(b)));
                obj.insert(format!("{field}_encoding"), Value::String("base64".into()));
            }
        },
    }
}

pub fn to_json(topic: &str, m: &Message) -> Value {
    let mut obj = Map::new();
    obj.insert("topic".into(), json!(topic));
    obj.insert("partition".into(), json!(m.partition));
    obj.insert("offset".into(), json!(m.offset));
    obj.insert("timestamp".into(), json!(m.timestamp));
    obj.insert(
        "timestamp_type".into(),
        json!(match m.timestamp_kind {
            TimestampKind::Create => "create",
            TimestampKind::LogAppend => "log_append",
            TimestampKind::None => "none",
        }),
    );
    put_bytes(&mut obj, "key", m.key.as_deref());
    put_bytes(&mut obj, "value", m.value.as_deref());
    let headers: Vec<Value> = m
        .headers
        .iter()
        .map(|(k, v)| {
            let mut h = Map::new();
            h.insert("key".into(), json!(k));
            put_bytes(&mut h, "value", v.as_deref());
            Value::Object(h)
        })
        .collect();
    obj.insert("headers".into(), Value::Array(headers));
    Value::Object(obj)
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
}
