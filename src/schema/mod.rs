//! Schema Registry support: the Confluent wire format, the registry's REST
//! API, and decoders for Avro, Protobuf and JSON Schema.

pub mod avro;
mod avro_encode;
pub mod decode;
pub mod encode;
pub mod local;
pub mod memory;
pub mod protobuf;
pub mod registry;
pub mod serve;
pub mod subjects;
pub mod wire;

pub use decode::{Decoder, Decoders, Decoding, SchemaInfo};
pub use encode::{Encoder, SchemaChoice};
pub use local::{LocalKind, LocalSchema, Part};
pub use memory::MemoryRegistry;
pub use registry::{
    HttpRegistry, NoRegistry, Reference, RegisteredSchema, RegistryError, RegistrySettings,
    SchemaKind, SchemaSource,
};
pub use subjects::{SubjectDetail, SubjectRow};
