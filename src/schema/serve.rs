//! Any `SchemaSource` served over loopback HTTP with the read calls of
//! Confluent's REST API: the demo's registry, so that `creel -r URL` in
//! another terminal (and any Confluent client) decodes its topics too.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;

use super::registry::{RegistryError, SchemaKind, SchemaSource};

pub struct Served {
    pub url: String,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Served {
    /// Listen on 127.0.0.1 (a free port) until dropped.
    pub fn start(source: Arc<dyn SchemaSource>) -> anyhow::Result<Served> {
        let server = tiny_http::Server::http("127.0.0.1:0").map_err(|e| anyhow::anyhow!("{e}"))?;
        let port = server
            .server_addr()
            .to_ip()
            .map(|a| a.port())
            .ok_or_else(|| anyhow::anyhow!("the registry has no port"))?;
        let stop = Arc::new(AtomicBool::new(false));
        let thread = std::thread::Builder::new()
            .name("creel-demo-registry".into())
            .spawn({
                let stop = stop.clone();
                move || {
                    while !stop.load(Ordering::Relaxed) {
                        let Ok(Some(req)) = server.recv_timeout(Duration::from_millis(100)) else {
                            continue;
                        };
                        let delete = *req.method() == tiny_http::Method::Delete;
                        let (status, body) = answer(source.as_ref(), delete, req.url());
                        let resp = tiny_http::Response::from_string(body.to_string())
                            .with_status_code(status)
                            .with_header(
                                "Content-Type: application/vnd.schemaregistry.v1+json"
                                    .parse::<tiny_http::Header>()
                                    .expect("a valid header"),
                            );
                        let _ = req.respond(resp);
                    }
                }
            })?;
        Ok(Served {
            url: format!("http://127.0.0.1:{port}"),
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn unescape(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            if let Some(b) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// (HTTP status, JSON body) for one GET (or DELETE of a version), as
/// Confluent's registry answers.
pub fn answer(source: &dyn SchemaSource, delete: bool, url: &str) -> (u16, serde_json::Value) {
    let path = url.split('?').next().unwrap_or_default();
    let parts: Vec<String> = path.trim_matches('/').split('/').map(unescape).collect();
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    let result = match (delete, parts.as_slice()) {
        (true, ["subjects", subject, "versions", version]) => version
            .parse::<i32>()
            .map_err(|_| RegistryError::NotFound(format!("version {version}")))
            .and_then(|v| source.delete_version(subject, v).map(|()| json!(v))),
        (true, _) => Err(RegistryError::NotFound("no such endpoint".into())),
        (false, parts) => match parts {
            ["schemas", "ids", id] => id
                .parse()
                .map_err(|_| RegistryError::NotFound(format!("schema id {id}")))
                .and_then(|id| source.by_id(id))
                .map(|s| {
                    let mut v = json!({"schema": s.text, "references": refs(&s.references)});
                    if s.kind != SchemaKind::Avro {
                        v["schemaType"] = s.kind.name().into();
                    }
                    v
                }),
            ["schemas", "ids", id, "versions"] => id
                .parse()
                .map_err(|_| RegistryError::NotFound(format!("schema id {id}")))
                .and_then(|id| source.id_versions(id))
                .map(|v| {
                    v.into_iter()
                        .map(|(subject, version)| json!({"subject": subject, "version": version}))
                        .collect()
                }),
            ["subjects"] => source.subjects().map(|s| json!(s)),
            ["subjects", subject, "versions"] => source.versions(subject).map(|v| json!(v)),
            ["subjects", subject, "versions", version] => {
                let v = if *version == "latest" {
                    Ok(-1)
                } else {
                    version.parse()
                };
                v.map_err(|_| RegistryError::NotFound(format!("version {version}")))
                    .and_then(|v| source.by_version(subject, v))
                    .map(|s| {
                        json!({
                            "subject": s.subject, "version": s.version, "id": s.id,
                            "schema": s.text, "schemaType": s.kind.name(),
                            "references": refs(&s.references),
                        })
                    })
            }
            ["config"] => source
                .compatibility(None)
                .map(|c| json!({"compatibilityLevel": c})),
            ["config", subject] => source
                .compatibility(Some(subject))
                .map(|c| json!({"compatibilityLevel": c})),
            _ => Err(RegistryError::NotFound("no such endpoint".into())),
        },
    };
    match result {
        Ok(v) => (200, v),
        Err(RegistryError::NotFound(m)) => (404, json!({"error_code": 40403, "message": m})),
        Err(e) => (500, json!({"error_code": 50001, "message": e.to_string()})),
    }
}

fn refs(r: &[super::Reference]) -> serde_json::Value {
    r.iter()
        .map(|r| json!({"name": r.name, "subject": r.subject, "version": r.version}))
        .collect()
}
