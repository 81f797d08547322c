//! Protobuf bodies to JSON with the standard proto3 JSON mapping (bytes as
//! base64, enums by name, 64-bit integers as strings), compiled from the
//! registry's `.proto` text or from a base64 `FileDescriptorProto` (what
//! Confluent's Python serializer registers), imports resolved from the
//! schema's references and Google's well-known types.

use std::collections::HashMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use prost_reflect::{DescriptorPool, DynamicMessage, FileDescriptor, MessageDescriptor};
use protox::file::{ChainFileResolver, File, FileResolver, GoogleFileResolver};
use serde_json::Value;

use super::wire;

pub struct ProtobufDecoder {
    file: FileDescriptor,
}

/// One `.proto` file: its import name and its text (or base64 descriptor).
pub struct ProtoSource {
    pub name: String,
    pub text: String,
}

struct Sources(HashMap<String, String>);

impl FileResolver for Sources {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        let text = self
            .0
            .get(name)
            .ok_or_else(|| protox::Error::file_not_found(name))?;
        parse(name, text)
    }
}

fn parse(name: &str, text: &str) -> Result<File, protox::Error> {
    match descriptor_bytes(text) {
        Some(bytes) => {
            let mut file = File::decode_file_descriptor_proto(bytes.as_slice())
                .map_err(|e| protox::Error::new(e.to_string()))?;
            if file.name().is_empty() {
                let mut proto = file.file_descriptor_proto().clone();
                proto.name = Some(name.to_string());
                file = File::from_file_descriptor_proto(proto);
            }
            Ok(file)
        }
        None => File::from_source(name, text),
    }
}

/// A schema that is base64 and not `.proto` text: `.proto` text always
/// holds a space or a `;`, base64 never does.
fn descriptor_bytes(text: &str) -> Option<Vec<u8>> {
    let t = text.trim();
    if t.is_empty() || t.contains([' ', ';', '\n']) {
        return None;
    }
    STANDARD.decode(t).ok()
}

impl ProtobufDecoder {
    /// `main` names the schema's own file; `imports` the files it imports
    /// (its references, by the names its import lines use).
    pub fn new(main: ProtoSource, imports: Vec<ProtoSource>) -> Result<ProtobufDecoder, String> {
        // A base64 descriptor carries its own file name: imports use it.
        let main_name = match descriptor_bytes(&main.text) {
            Some(_) => parse(&main.name, &main.text)
                .map(|f| f.name().to_string())
                .map_err(|e| e.to_string())?,
            None => main.name.clone(),
        };
        let mut files: HashMap<String, String> =
            imports.into_iter().map(|s| (s.name, s.text)).collect();
        files.insert(main_name.clone(), main.text);
        let mut chain = ChainFileResolver::new();
        chain.add(Sources(files));
        chain.add(GoogleFileResolver::new());
        let mut compiler = protox::Compiler::with_file_resolver(chain);
        compiler.include_imports(true);
        compiler
            .open_file(&main_name)
            .map_err(|e| format!("the .proto does not compile: {e}"))?;
        let pool: DescriptorPool = compiler.descriptor_pool();
        let file = pool
            .get_file_by_name(&main_name)
            .ok_or_else(|| format!("{main_name} is missing from its own compilation"))?;
        Ok(ProtobufDecoder { file })
    }

    /// The message type at a path of indexes (Confluent's message indexes).
    pub fn message_at(&self, path: &[usize]) -> Result<MessageDescriptor, String> {
        let (&first, rest) = path.split_first().ok_or("no message index")?;
        let mut m = self
            .file
            .messages()
            .nth(first)
            .ok_or_else(|| format!("the schema has no message number {first}"))?;
        for &i in rest {
            let next = m.child_messages().nth(i);
            m =
                next.ok_or_else(|| format!("{} has no nested message number {i}", m.full_name()))?;
        }
        Ok(m)
    }

    /// Decode a body in the wire format (message indexes first).
    pub fn decode(&self, body: &[u8]) -> Result<(Value, String), String> {
        let (path, rest) = wire::message_indexes(body)?;
        let desc = self.message_at(&path)?;
        let msg = DynamicMessage::decode(desc.clone(), rest)
            .map_err(|e| format!("{}: {e}", desc.full_name()))?;
        let json = serde_json::to_value(&msg).map_err(|e| e.to_string())?;
        Ok((json, desc.full_name().to_string()))
    }

    /// JSON (proto3's mapping, as `decode` writes it) to a body in the
    /// wire format: message indexes, then the message. `type_name` picks
    /// the message type; the file's first message by default (Confluent's
    /// serializers do the same). A mismatch is refused with its path.
    pub fn encode(&self, json: &Value, type_name: Option<&str>) -> Result<Vec<u8>, String> {
        let desc = match type_name {
            Some(name) => self.by_name(name).ok_or_else(|| {
                let known: Vec<String> = self
                    .file
                    .messages()
                    .map(|m| m.full_name().to_string())
                    .collect();
                format!(
                    "no message type {name} in the schema ({})",
                    known.join(", ")
                )
            })?,
            None => self.message_at(&[0])?,
        };
        let mut track = serde_path_to_error::Track::new();
        let de = serde_path_to_error::Deserializer::new(json, &mut track);
        let msg = DynamicMessage::deserialize(desc.clone(), de).map_err(|e| {
            let path = track.path().to_string();
            let at = if path == "." {
                String::new()
            } else {
                format!(".{path}")
            };
            format!("at ${at}: {e} ({})", desc.full_name())
        })?;
        let mut out = Vec::new();
        wire::write_message_indexes(&self.path_of(&desc)?, &mut out);
        prost::Message::encode(&msg, &mut out).map_err(|e| e.to_string())?;
        Ok(out)
    }

    /// The message indexes of a type: its place among its parent's
    /// messages, from the file down.
    fn path_of(&self, desc: &MessageDescriptor) -> Result<Vec<usize>, String> {
        if desc.parent_file().name() != self.file.name() {
            return Err(format!(
                "{} is defined in {}, not in this schema",
                desc.full_name(),
                desc.parent_file().name()
            ));
        }
        let place = |mut siblings: Box<dyn Iterator<Item = MessageDescriptor> + '_>| {
            siblings
                .position(|m| m.full_name() == desc.full_name())
                .ok_or_else(|| format!("{} not found in its parent", desc.full_name()))
        };
        match desc.parent_message() {
            Some(parent) => {
                let mut path = self.path_of(&parent)?;
                path.push(place(Box::new(parent.child_messages()))?);
                Ok(path)
            }
            None => Ok(vec![place(Box::new(self.file.messages()))?]),
        }
    }

    /// A message type by its full name (for local schema files).
    pub fn by_name(&self, name: &str) -> Option<MessageDescriptor> {
        self.file.parent_pool().get_message_by_name(name)
    }

    /// Decode a body with no message indexes, as a known type.
    pub fn decode_as(desc: &MessageDescriptor, body: &[u8]) -> Result<Value, String> {
        let msg = DynamicMessage::decode(desc.clone(), body)
            .map_err(|e| format!("{}: {e}", desc.full_name()))?;
        serde_json::to_value(&msg).map_err(|e| e.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message as _;

    const SHOP: &str = r#"syntax = "proto3";
package shop;
import "google/protobuf/timestamp.proto";
import "money.proto";
message Payment {
  string id = 1;
  shop.Money amount = 2;
  google.protobuf.Timestamp at = 3;
  enum Kind { CARD = 0; CASH = 1; }
  Kind kind = 4;
  message Line { string sku = 1; int64 count = 2; }
  repeated Line lines = 5;
}
message Other { bytes blob = 1; }
"#;
    const MONEY: &str = r#"syntax = "proto3"; package shop; message Money { int64 cents = 1; string currency = 2; }"#;

    fn decoder() -> ProtobufDecoder {
        ProtobufDecoder::new(
            ProtoSource {
                name: "shop.proto".into(),
                text: SHOP.into(),
            },
            vec![ProtoSource {
                name: "money.proto".into(),
                text: MONEY.into(),
            }],
        )
        .unwrap()
    }

    #[test]
    fn nested_types_imports_and_indexes_decode() {
        let d = decoder();
        let line = d.message_at(&[0, 0]).unwrap();
        assert_eq!(line.full_name(), "shop.Payment.Line");
        let mut m = DynamicMessage::new(line.clone());
        m.set_field_by_name("sku", prost_reflect::Value::String("A-1".into()));
        m.set_field_by_name("count", prost_reflect::Value::I64(3));
        let mut body = Vec::new();
        wire::write_message_indexes(&[0, 0], &mut body);
        body.extend(m.encode_to_vec());
        let (json, name) = d.decode(&body).unwrap();
        assert_eq!(name, "shop.Payment.Line");
        assert_eq!(json.to_string(), r#"{"sku":"A-1","count":"3"}"#);

        let other = d.message_at(&[1]).unwrap();
        let mut m = DynamicMessage::new(other);
        m.set_field_by_name("blob", prost_reflect::Value::Bytes(vec![0u8, 255].into()));
        let mut body = vec![2, 2]; // [1]
        body.extend(m.encode_to_vec());
        assert_eq!(d.decode(&body).unwrap().0.to_string(), r#"{"blob":"AP8="}"#);

        assert!(d
            .decode(&[2, 10])
            .unwrap_err()
            .contains("no message number 5"));
        assert!(d.decode(&[0, 0xff]).is_err(), "a cut varint is an error");
    }

    #[test]
    fn a_base64_descriptor_reads_like_its_text() {
        let d = decoder();
        let proto = d.file.file_descriptor_proto().clone();
        let b64 = STANDARD.encode(proto.encode_to_vec());
        let money = d
            .file
            .dependencies()
            .find(|f| f.name() == "money.proto")
            .unwrap();
        let money_b64 = STANDARD.encode(money.file_descriptor_proto().encode_to_vec());
        let again = ProtobufDecoder::new(
            ProtoSource {
                name: "ignored".into(),
                text: b64,
            },
            vec![ProtoSource {
                name: "money.proto".into(),
                text: money_b64,
            }],
        )
        .unwrap();
        assert_eq!(again.message_at(&[0]).unwrap().full_name(), "shop.Payment");
    }

    #[test]
    fn a_broken_proto_says_where() {
        let err = ProtobufDecoder::new(
            ProtoSource {
                name: "x.proto".into(),
                text: "syntax = \"proto3\"; message {".into(),
            },
            vec![],
        )
        .err()
        .unwrap();
        assert!(err.contains("does not compile"), "{err}");
    }
}
