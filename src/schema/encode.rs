//! Writing with a schema: JSON typed by the user (or read back from a
//! decoded message) to the Confluent wire format, with the schema's
//! registered id, after checking it against the schema.

use std::sync::Arc;

use serde_json::Value;

use super::decode::{Body, Decoder, Decoders};
use super::registry::RegistryError;
use super::wire;

/// Which schema to write with, as typed: `subject`, `subject@3`, `#12`
/// (an exact id), each optionally followed by a Protobuf message type
/// (`orders-value shop.Order.Line`). Empty means the topic's own subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaChoice {
    pub target: Target,
    pub type_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The latest version when None.
    Subject {
        subject: String,
        version: Option<i32>,
    },
    Id(u32),
}

impl SchemaChoice {
    /// `default_subject` (`<topic>-value` / `<topic>-key`, Confluent's
    /// TopicNameStrategy) stands for an empty choice.
    pub fn parse(text: &str, default_subject: &str) -> Result<SchemaChoice, String> {
        let mut words = text.split_whitespace();
        let first = words.next().unwrap_or("");
        let type_name = words.next().map(str::to_string);
        if let Some(extra) = words.next() {
            return Err(format!(
                "{extra:?}: write a subject (or #id), then at most a message type"
            ));
        }
        let target = if first.is_empty() || first == "auto" {
            Target::Subject {
                subject: default_subject.to_string(),
                version: None,
            }
        } else if let Some(id) = first.strip_prefix('#') {
            Target::Id(
                id.parse()
                    .map_err(|_| format!("{first:?}: a schema id is a number, as #12"))?,
            )
        } else if let Some((subject, v)) = first.rsplit_once('@') {
            let version = match v {
                "latest" => None,
                v => Some(v.parse::<i32>().ok().filter(|v| *v > 0).ok_or_else(|| {
                    format!("{first:?}: a version is a number from 1, as {subject}@3")
                })?),
            };
            Target::Subject {
                subject: subject.to_string(),
                version,
            }
        } else {
            Target::Subject {
                subject: first.to_string(),
                version: None,
            }
        };
        Ok(SchemaChoice { target, type_name })
    }
}

impl std::fmt::Display for SchemaChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.target {
            Target::Subject {
                subject,
                version: Some(v),
            } => write!(f, "{subject}@{v}")?,
            Target::Subject { subject, .. } => write!(f, "{subject}")?,
            Target::Id(id) => write!(f, "#{id}")?,
        }
        if let Some(t) = &self.type_name {
            write!(f, " {t}")?;
        }
        Ok(())
    }
}

/// A schema ready to write with.
pub struct Encoder {
    pub decoder: Arc<Decoder>,
    pub type_name: Option<String>,
    /// The schema as the user chose it: `orders-value v3 (id 12)`. (One id
    /// may be registered under several subjects: the chosen one is named.)
    pub label: String,
}

impl Decoders {
    /// The schema a choice names, fetched (blocks on the registry: never
    /// from the UI thread) and compiled once.
    pub fn encoder(&self, choice: &SchemaChoice) -> Result<Encoder, String> {
        let (id, label) = match &choice.target {
            Target::Id(id) => (*id, format!("schema id {id}")),
            Target::Subject { subject, version } => {
                let v = version.unwrap_or(-1);
                let s = self.source().by_version(subject, v).map_err(|e| match e {
                    RegistryError::NotFound(_) => format!(
                        "no subject {subject}{} in the schema registry",
                        version.map(|v| format!(" version {v}")).unwrap_or_default()
                    ),
                    e => e.to_string(),
                })?;
                let v = s.version.map(|v| format!(" v{v}")).unwrap_or_default();
                (s.id, format!("{subject}{v} (id {})", s.id))
            }
        };
        Ok(Encoder {
            decoder: self.fetch(id)?,
            type_name: choice.type_name.clone(),
            label,
        })
    }
}

impl Encoder {
    /// `text` (JSON) in the wire format. JSON Schema bodies are the text
    /// exactly as typed, so a replayed message goes out byte for byte.
    pub fn encode(&self, text: &str) -> Result<Vec<u8>, String> {
        let json: Value = serde_json::from_str(text).map_err(|e| {
            format!(
                "invalid JSON, line {}, column {}: {}",
                e.line(),
                e.column(),
                e
            )
        })?;
        let d = &self.decoder;
        let mut out = wire::header(d.info.id).to_vec();
        match &d.body {
            Body::Avro(a) => out.extend(a.encode(&json)?),
            Body::Protobuf(p) => out.extend(p.encode(&json, self.type_name.as_deref())?),
            Body::ProtobufAs(m) => {
                return Err(format!(
                    "{} is a local schema, not a registered one",
                    m.full_name()
                ))
            }
            Body::Json(validator) => {
                let v = (**validator).as_ref().map_err(|e| e.clone())?;
                if let Err(e) = v.validate(&json) {
                    let at = json_path(&json, &e.instance_path().to_string());
                    return Err(format!("at {at}: {e}"));
                }
                out.extend(text.as_bytes());
            }
        }
        Ok(out)
    }
}

/// A JSON pointer (`/items/0/price`) as the `$.items[0].price` the Avro
/// and Protobuf errors use: a segment is an index where the value there is
/// an array.
fn json_path(root: &Value, pointer: &str) -> String {
    let mut out = String::from("$");
    let mut at = Some(root);
    for seg in pointer.split('/').skip(1) {
        let seg = seg.replace("~1", "/").replace("~0", "~");
        match at {
            Some(Value::Array(items)) => {
                out.push_str(&format!("[{seg}]"));
                at = seg.parse::<usize>().ok().and_then(|i| items.get(i));
            }
            Some(Value::Object(o)) => {
                out.push('.');
                out.push_str(&seg);
                at = o.get(&seg);
            }
            _ => {
                out.push('.');
                out.push_str(&seg);
                at = None;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_read_as_typed() {
        let c = SchemaChoice::parse("", "orders-value").unwrap();
        assert_eq!(
            c.target,
            Target::Subject {
                subject: "orders-value".into(),
                version: None
            }
        );
        let c = SchemaChoice::parse("pay-value@3 shop.Payment.Line", "x").unwrap();
        assert_eq!(
            c.target,
            Target::Subject {
                subject: "pay-value".into(),
                version: Some(3)
            }
        );
        assert_eq!(c.type_name.as_deref(), Some("shop.Payment.Line"));
        assert_eq!(c.to_string(), "pay-value@3 shop.Payment.Line");
        assert_eq!(
            SchemaChoice::parse("#12", "x").unwrap().target,
            Target::Id(12)
        );
        assert!(SchemaChoice::parse("#x", "x")
            .unwrap_err()
            .contains("number"));
        assert!(SchemaChoice::parse("s@0", "x")
            .unwrap_err()
            .contains("version"));
        assert!(SchemaChoice::parse("a b c", "x").is_err());
    }

    #[test]
    fn pointers_become_paths() {
        let v: Value = serde_json::json!({"items": [{"price": 1}], "a/b": {"0": 2}});
        assert_eq!(json_path(&v, "/items/0/price"), "$.items[0].price");
        assert_eq!(json_path(&v, "/a~1b/0"), "$.a/b.0");
        assert_eq!(json_path(&v, ""), "$");
    }
}
