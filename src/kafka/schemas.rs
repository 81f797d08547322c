//! The Schemas screen's requests, sent to the schema registry (not to
//! Kafka) on blocking threads, so the UI never waits on the registry.

use std::sync::Arc;

use crate::protocol::{ErrorKind, Event, Op, OpError};
use crate::schema::{subjects, Decoders, RegistryError};

const NO_REGISTRY: &str = "no schema registry: give -r URL, or set schema_registry in the profile";

/// The subject list, as an event.
pub fn list(decoders: Option<Arc<Decoders>>) -> Event {
    Event::SchemaList(match decoders {
        None => Err(NO_REGISTRY.into()),
        Some(d) => subjects::list(d.source().as_ref()).map_err(|e| e.to_string()),
    })
}

/// One subject version in full, as an event.
pub fn describe(decoders: Option<Arc<Decoders>>, subject: &str, version: Option<i32>) -> Event {
    Event::SubjectDescribed(match decoders {
        None => Err(NO_REGISTRY.into()),
        Some(d) => {
            subjects::describe(d.source().as_ref(), subject, version).map_err(|e| e.to_string())
        }
    })
}

/// `:delete-schema`, once confirmed.
pub fn delete_version(
    decoders: Option<&Decoders>,
    subject: &str,
    version: i32,
) -> Result<String, OpError> {
    let op = Op::DeleteSchemaVersion;
    let d = decoders.ok_or_else(|| OpError::new(op, ErrorKind::Invalid, NO_REGISTRY))?;
    d.source()
        .delete_version(subject, version)
        .map(|()| format!("version {version} of {subject} deleted (soft: its id still reads)"))
        .map_err(|e| {
            let kind = match e {
                RegistryError::NotFound(_) => ErrorKind::NotFound,
                RegistryError::Unreachable(_) => ErrorKind::Unreachable,
                RegistryError::Refused(_) => ErrorKind::Unauthorized,
                RegistryError::Other(_) => ErrorKind::Broker,
                RegistryError::NoRegistry => ErrorKind::Invalid,
            };
            OpError::new(op, kind, e.to_string())
        })
}
