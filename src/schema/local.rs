//! Schemas from local files, pinned in a profile to a topic's key or value:
//! for clusters without a registry, whose messages hold the bare encoding
//! (no wire-format header). Compiled once, at start, so that a file that
//! does not parse is said before the terminal is touched.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use prost_reflect::DescriptorPool;

use super::avro::AvroDecoder;
use super::decode::{Body, Decoder, SchemaInfo};
use super::registry::SchemaKind;

/// The key or the value of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    Key,
    Value,
}

impl Part {
    pub fn name(self) -> &'static str {
        match self {
            Part::Key => "key",
            Part::Value => "value",
        }
    }
}

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalKind {
    /// An `.avsc` file.
    Avro,
    /// A `.proto` file, compiled with protox.
    Protobuf,
    /// A JSON Schema document.
    JsonSchema,
    /// A compiled `FileDescriptorSet` (`protoc --descriptor_set_out`,
    /// `buf build -o`).
    DescriptorSet,
}

impl LocalKind {
    pub fn name(self) -> &'static str {
        match self {
            LocalKind::Avro => "avro",
            LocalKind::Protobuf => "protobuf",
            LocalKind::JsonSchema => "json_schema",
            LocalKind::DescriptorSet => "descriptor_set",
        }
    }
}

/// One pin, as the profile resolved it (paths absolute or relative to the
/// working directory).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalSchema {
    pub topic: String,
    pub part: Part,
    pub kind: LocalKind,
    pub path: PathBuf,
    /// The Protobuf message type (full name); for a `.proto` file the
    /// file's first message when left out.
    pub message: Option<String>,
    /// Where imports are found (`.proto`), or other `.avsc` files whose
    /// named types this one uses, in dependency order.
    pub include: Vec<PathBuf>,
}

impl LocalSchema {
    /// Where this pin came from, for messages: `topic_schemas.orders.value`.
    pub fn place(&self) -> String {
        format!("topic_schemas.{}.{}", self.topic, self.part.name())
    }

    /// Read and compile the file. The error names the pin and the file.
    pub fn load(&self) -> Result<Decoder, String> {
        let at = format!("{} ({})", self.place(), self.path.display());
        let (kind, body, text) = self.compile().map_err(|e| format!("{at}: {e}"))?;
        Ok(Decoder {
            info: Arc::new(SchemaInfo {
                id: 0,
                kind,
                subject: None,
                version: None,
                subjects: Vec::new(),
                text,
                file: Some(self.path.display().to_string()),
            }),
            body,
        })
    }

    fn compile(&self) -> Result<(SchemaKind, Body, String), String> {
        match self.kind {
            LocalKind::Avro => {
                let text = read_text(&self.path)?;
                let refs = self
                    .include
                    .iter()
                    .map(|p| read_text(p).map_err(|e| format!("{}: {e}", p.display())))
                    .collect::<Result<Vec<_>, _>>()?;
                let d = AvroDecoder::new(&text, &refs)?;
                Ok((SchemaKind::Avro, Body::Avro(Box::new(d)), text))
            }
            LocalKind::JsonSchema => {
                let text = read_text(&self.path)?;
                let v: serde_json::Value =
                    serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
                let validator = jsonschema::validator_for(&v)
                    .map_err(|e| format!("the JSON Schema does not compile: {e}"))?;
                Ok((SchemaKind::Json, Body::Json(Box::new(Ok(validator))), text))
            }
            LocalKind::Protobuf => {
                let text = read_text(&self.path)?;
                let pool = self.compile_proto()?;
                let desc = match &self.message {
                    Some(name) => message(&pool, name)?,
                    None => {
                        let name = self.path.file_name().unwrap_or_default().to_string_lossy();
                        pool.files()
                            .find(|f| {
                                Path::new(f.name()).file_name() == Some(name.as_ref().as_ref())
                            })
                            .and_then(|f| f.messages().next())
                            .ok_or("the file defines no message; name one with message = \"…\"")?
                    }
                };
                Ok((SchemaKind::Protobuf, Body::ProtobufAs(desc), text))
            }
            LocalKind::DescriptorSet => {
                let bytes = std::fs::read(&self.path).map_err(|e| e.to_string())?;
                let pool = DescriptorPool::decode(bytes.as_slice())
                    .map_err(|e| format!("not a FileDescriptorSet: {e}"))?;
                let name = self
                    .message
                    .as_deref()
                    .ok_or("a descriptor set needs the message type: message = \"pkg.Type\"")?;
                let desc = message(&pool, name)?;
                let text = format!("// message {name} from a descriptor set\n");
                Ok((SchemaKind::Protobuf, Body::ProtobufAs(desc), text))
            }
        }
    }

    /// The `.proto` file with its imports: the include paths, else the
    /// file's own directory, then Google's well-known types.
    fn compile_proto(&self) -> Result<DescriptorPool, String> {
        let dir = self
            .path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let mut includes = self.include.clone();
        if !includes.iter().any(|i| self.path.starts_with(i)) {
            includes.push(dir);
        }
        let mut compiler = protox::Compiler::new(&includes).map_err(|e| e.to_string())?;
        compiler.include_imports(true);
        compiler
            .open_file(&self.path)
            .map_err(|e| format!("the .proto does not compile: {e}"))?;
        Ok(compiler.descriptor_pool())
    }
}

fn message(pool: &DescriptorPool, name: &str) -> Result<prost_reflect::MessageDescriptor, String> {
    pool.get_message_by_name(name).ok_or_else(|| {
        let mut known: Vec<String> = pool
            .all_messages()
            .filter(|m| !m.full_name().starts_with("google.protobuf."))
            .map(|m| m.full_name().to_string())
            .take(12)
            .collect();
        known.sort();
        format!("no message type {name} (there are {})", known.join(", "))
    })
}

fn read_text(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{Decoders, Decoding, NoRegistry};

    fn pin(dir: &Path, kind: LocalKind, file: &str, message: Option<&str>) -> LocalSchema {
        LocalSchema {
            topic: "orders".into(),
            part: Part::Value,
            kind,
            path: dir.join(file),
            message: message.map(str::to_string),
            include: vec![],
        }
    }

    fn decoders(pins: &[LocalSchema]) -> Result<Decoders, String> {
        let mut d = Decoders::new(Arc::new(NoRegistry));
        for p in pins {
            d.pin(p)?;
        }
        Ok(d)
    }

    const PROTO: &str = "syntax = \"proto3\";\npackage shop;\nimport \"money.proto\";\nmessage Order { string id = 1; shop.Money total = 2; }\n";
    const MONEY: &str = "syntax = \"proto3\";\npackage shop;\nmessage Money { int64 cents = 1; }\n";

    /// Only the pinned topic and part decode with the file; the rest is
    /// left as it is, and a body that does not fit says which file.
    #[test]
    fn a_pinned_avro_file_decodes_its_topics_values_only() {
        let dir = tempfile::tempdir().unwrap();
        let avsc = r#"{"type":"record","name":"Order","fields":[{"name":"id","type":"string"},{"name":"n","type":"long"}]}"#;
        std::fs::write(dir.path().join("order.avsc"), avsc).unwrap();
        let d = decoders(&[pin(dir.path(), LocalKind::Avro, "order.avsc", None)]).unwrap();
        // "ORD-1" (length 5, zigzag 10), n = 3 (zigzag 6).
        let body = b"\x0aORD-1\x06";
        let Decoding::Decoded { json, schema, .. } =
            d.decode_now("orders", Part::Value, Some(body))
        else {
            panic!("{:?}", d.decode_now("orders", Part::Value, Some(body)));
        };
        assert_eq!(json, serde_json::json!({"id": "ORD-1", "n": 3}));
        assert!(schema.file.as_deref().unwrap().ends_with("order.avsc"));
        assert_eq!(
            d.decode_now("orders", Part::Key, Some(body)),
            Decoding::Plain
        );
        assert_eq!(
            d.decode_now("payments", Part::Value, Some(body)),
            Decoding::Plain
        );
        let Decoding::Failed { reason, .. } =
            d.decode_blocking("orders", Part::Value, Some(b"\x0a"))
        else {
            panic!("a short body fails");
        };
        assert!(reason.contains("order.avsc"), "{reason}");
    }

    /// A `.proto` with an import beside it, and the same types compiled
    /// into a descriptor set, both read a bare message.
    #[test]
    fn a_proto_file_and_a_descriptor_set_decode_bare_messages() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("order.proto"), PROTO).unwrap();
        std::fs::write(dir.path().join("money.proto"), MONEY).unwrap();
        let proto = pin(dir.path(), LocalKind::Protobuf, "order.proto", None);
        let pool = proto.compile_proto().unwrap();
        let fds = protox::compile([dir.path().join("order.proto")], [dir.path()]).unwrap();
        std::fs::write(
            dir.path().join("shop.pb"),
            prost::Message::encode_to_vec(&fds),
        )
        .unwrap();
        let desc = pool.get_message_by_name("shop.Order").unwrap();
        let msg = prost_reflect::DynamicMessage::deserialize(
            desc,
            serde_json::json!({"id": "A-1", "total": {"cents": "1250"}}),
        )
        .unwrap();
        let body = prost::Message::encode_to_vec(&msg);
        let mut set = pin(
            dir.path(),
            LocalKind::DescriptorSet,
            "shop.pb",
            Some("shop.Order"),
        );
        set.part = Part::Key;
        let d = decoders(&[proto, set]).unwrap();
        for part in [Part::Value, Part::Key] {
            let Decoding::Decoded {
                json, type_name, ..
            } = d.decode_now("orders", part, Some(&body))
            else {
                panic!("{part:?}");
            };
            assert_eq!(json["total"]["cents"], "1250");
            assert_eq!(type_name.as_deref(), Some("shop.Order"));
        }
    }

    /// What goes wrong names the pin, the file and what to do.
    #[test]
    fn a_file_that_cannot_be_used_says_why() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("order.proto"), PROTO).unwrap();
        std::fs::write(dir.path().join("money.proto"), MONEY).unwrap();
        std::fs::write(dir.path().join("bad.avsc"), "{\"type\":\"record\"").unwrap();
        let cases = [
            (
                pin(dir.path(), LocalKind::Avro, "missing.avsc", None),
                "missing.avsc",
            ),
            (
                pin(dir.path(), LocalKind::Avro, "bad.avsc", None),
                "bad.avsc",
            ),
            (
                pin(
                    dir.path(),
                    LocalKind::Protobuf,
                    "order.proto",
                    Some("shop.Nope"),
                ),
                "no message type shop.Nope (there are shop.Money, shop.Order)",
            ),
            (
                pin(
                    dir.path(),
                    LocalKind::DescriptorSet,
                    "order.proto",
                    Some("shop.Order"),
                ),
                "not a FileDescriptorSet",
            ),
        ];
        for (p, says) in cases {
            let e = decoders(&[p]).map(|_| ()).unwrap_err();
            assert!(e.starts_with("topic_schemas.orders.value ("), "{e}");
            assert!(e.contains(says), "{e} / {says}");
        }
    }
}
