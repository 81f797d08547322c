//! What the Schemas screen lists: every subject with its versions and the
//! type and id of its latest, and one version in full.

use super::registry::{RegistryError, SchemaKind, SchemaSource};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectRow {
    pub subject: String,
    pub versions: Vec<i32>,
    /// The latest version's id and type; None when it could not be read
    /// (the reason is in `error`).
    pub latest: Option<(u32, SchemaKind)>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectDetail {
    pub subject: String,
    pub version: i32,
    pub versions: Vec<i32>,
    pub id: u32,
    pub kind: SchemaKind,
    pub text: String,
    /// The subject's compatibility level, else the registry's.
    pub compatibility: Option<String>,
    /// (name, subject, version) of each schema it references.
    pub references: Vec<(String, String, i32)>,
}

/// Every subject, sorted. One request for the list and two per subject:
/// a subject that fails to answer is listed with its reason.
pub fn list(source: &dyn SchemaSource) -> Result<Vec<SubjectRow>, RegistryError> {
    let mut subjects = source.subjects()?;
    subjects.sort();
    Ok(subjects
        .into_iter()
        .map(|subject| {
            let row = source.versions(&subject).and_then(|versions| {
                let latest = source.by_version(&subject, -1)?;
                Ok((versions, (latest.id, latest.kind)))
            });
            match row {
                Ok((versions, latest)) => SubjectRow {
                    subject,
                    versions,
                    latest: Some(latest),
                    error: None,
                },
                Err(e) => SubjectRow {
                    subject,
                    versions: vec![],
                    latest: None,
                    error: Some(e.to_string()),
                },
            }
        })
        .collect())
}

/// One version of a subject (the latest when None), with the subject's
/// versions and compatibility level.
pub fn describe(
    source: &dyn SchemaSource,
    subject: &str,
    version: Option<i32>,
) -> Result<SubjectDetail, RegistryError> {
    let s = source.by_version(subject, version.unwrap_or(-1))?;
    let versions = source.versions(subject)?;
    let compatibility = match source.compatibility(Some(subject)) {
        Ok(Some(c)) => Some(c),
        // A subject without its own level follows the registry's.
        Ok(None) | Err(RegistryError::NotFound(_)) => source.compatibility(None).ok().flatten(),
        Err(e) => return Err(e),
    };
    Ok(SubjectDetail {
        subject: subject.to_string(),
        version: s.version.or(version).unwrap_or(0),
        versions,
        id: s.id,
        kind: s.kind,
        text: s.text,
        compatibility,
        references: s
            .references
            .into_iter()
            .map(|r| (r.name, r.subject, r.version))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::MemoryRegistry;

    #[test]
    fn subjects_list_with_their_latest_and_a_deleted_version_goes() {
        let r = MemoryRegistry::new();
        r.register("a-value", SchemaKind::Avro, r#""string""#, vec![]);
        r.register("a-value", SchemaKind::Avro, r#""long""#, vec![]);
        r.register("b-value", SchemaKind::Json, "{}", vec![]);
        let rows = list(&r).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].versions, [1, 2]);
        assert_eq!(rows[0].latest, Some((2, SchemaKind::Avro)));
        let d = describe(&r, "a-value", Some(1)).unwrap();
        assert_eq!((d.version, d.id, d.text.as_str()), (1, 1, r#""string""#));
        assert_eq!(d.compatibility.as_deref(), Some("BACKWARD"));
        r.delete_version("a-value", 2).unwrap();
        assert_eq!(list(&r).unwrap()[0].latest, Some((1, SchemaKind::Avro)));
        assert!(r.by_id(2).is_ok(), "a deleted version's id still reads");
        assert!(matches!(
            r.delete_version("a-value", 9),
            Err(RegistryError::NotFound(_))
        ));
    }
}
