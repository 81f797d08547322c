//! Schemas held in process: the demo's stand-in for a registry, and the
//! tests' fixture. It answers as the HTTP client does, errors included.

use std::sync::Mutex;

use super::registry::{Reference, RegisteredSchema, RegistryError, SchemaKind, SchemaSource};

#[derive(Default)]
pub struct MemoryRegistry {
    /// (subject, version, schema); ids are positions + 1.
    schemas: Mutex<Vec<RegisteredSchema>>,
    /// Soft-deleted (subject, version): gone from the subject, still
    /// readable by id, as Confluent's registry does.
    deleted: Mutex<Vec<(String, i32)>>,
}

impl MemoryRegistry {
    pub fn new() -> MemoryRegistry {
        MemoryRegistry::default()
    }

    /// Register a schema under a subject as its next version; the same
    /// text under the same subject keeps its id, as registries do.
    pub fn register(
        &self,
        subject: &str,
        kind: SchemaKind,
        text: &str,
        references: Vec<Reference>,
    ) -> u32 {
        let mut all = self.schemas.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(s) = all
            .iter()
            .find(|s| s.subject.as_deref() == Some(subject) && s.text == text)
        {
            return s.id;
        }
        let version = all
            .iter()
            .filter(|s| s.subject.as_deref() == Some(subject))
            .count() as i32
            + 1;
        let id = all.len() as u32 + 1;
        all.push(RegisteredSchema {
            id,
            kind,
            text: text.to_string(),
            references,
            subject: Some(subject.to_string()),
            version: Some(version),
        });
        id
    }

    fn all(&self) -> Vec<RegisteredSchema> {
        self.schemas
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The versions not deleted.
    fn live(&self) -> Vec<RegisteredSchema> {
        let deleted = self.deleted.lock().unwrap_or_else(|p| p.into_inner());
        self.all()
            .into_iter()
            .filter(|s| {
                !deleted
                    .iter()
                    .any(|(sub, v)| s.subject.as_deref() == Some(sub) && s.version == Some(*v))
            })
            .collect()
    }
}

impl SchemaSource for MemoryRegistry {
    fn by_id(&self, id: u32) -> Result<RegisteredSchema, RegistryError> {
        self.all().into_iter().find(|s| s.id == id).ok_or_else(|| {
            RegistryError::NotFound(format!("schema id {id} is not in the registry"))
        })
    }

    fn by_version(&self, subject: &str, version: i32) -> Result<RegisteredSchema, RegistryError> {
        let all = self.live();
        let mut of: Vec<RegisteredSchema> = all
            .into_iter()
            .filter(|s| s.subject.as_deref() == Some(subject))
            .collect();
        let found = if version == -1 {
            of.pop()
        } else {
            of.into_iter().find(|s| s.version == Some(version))
        };
        found.ok_or_else(|| {
            RegistryError::NotFound(format!(
                "subject {subject} version {version} is not in the registry"
            ))
        })
    }

    fn id_versions(&self, id: u32) -> Result<Vec<(String, i32)>, RegistryError> {
        Ok(self
            .all()
            .into_iter()
            .filter(|s| s.id == id)
            .filter_map(|s| Some((s.subject?, s.version?)))
            .collect())
    }

    fn subjects(&self) -> Result<Vec<String>, RegistryError> {
        let mut v: Vec<String> = self.live().into_iter().filter_map(|s| s.subject).collect();
        v.sort();
        v.dedup();
        Ok(v)
    }

    fn versions(&self, subject: &str) -> Result<Vec<i32>, RegistryError> {
        Ok(self
            .live()
            .into_iter()
            .filter(|s| s.subject.as_deref() == Some(subject))
            .filter_map(|s| s.version)
            .collect())
    }

    fn compatibility(&self, _subject: Option<&str>) -> Result<Option<String>, RegistryError> {
        Ok(Some("BACKWARD".into()))
    }

    fn describe(&self) -> String {
        "a registry held in process".into()
    }

    fn delete_version(&self, subject: &str, version: i32) -> Result<(), RegistryError> {
        self.by_version(subject, version)?;
        self.deleted
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((subject.to_string(), version));
        Ok(())
    }
}
