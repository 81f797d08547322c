//! Apicurio Registry (Maven Central's apicurio-registry-app, made runnable
//! by tests/registry/pom.xml, in-memory storage) on loopback, one per test
//! binary, answering Confluent's REST API under /apis/ccompat/v7; and
//! Confluent's Python serializers (tests/registry/encode.py) as the
//! independent encoder. `.ci/run` builds the one and installs the other.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

pub struct Registry {
    pub url: String,
}

static REGISTRY: OnceLock<Registry> = OnceLock::new();
static CHILD: Mutex<Option<Child>> = Mutex::new(None);

pub fn runner_jar() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/registry/target/apicurio-runner-1-runner.jar")
}

/// The Python with confluent-kafka[avro,protobuf,json,schemaregistry]:
/// $CREEL_PYTHON, or the virtualenv .ci/run makes.
pub fn python() -> PathBuf {
    if let Some(p) = std::env::var_os("CREEL_PYTHON") {
        return PathBuf::from(p);
    }
    let p = PathBuf::from(std::env::var("HOME").unwrap_or_default())
        .join(".cache/creel/pyenv/bin/python");
    assert!(
        p.is_file(),
        "{} is missing: .ci/run makes it (python3 -m venv, then pip install confluent-kafka[avro,protobuf,json,schemaregistry])",
        p.display()
    );
    p
}

extern "C" fn stop_at_exit() {
    if let Some(mut c) = CHILD.lock().ok().and_then(|mut c| c.take()) {
        let _ = c.kill();
        let _ = c.wait();
    }
}

pub fn registry() -> &'static Registry {
    REGISTRY.get_or_init(|| {
        let jar = runner_jar();
        assert!(
            jar.is_file(),
            "{} is missing: build it with `mvn -B -q package -f tests/registry/pom.xml` (.ci/run does)",
            jar.display()
        );
        let port = super::free_port();
        let log = std::env::temp_dir().join(format!("creel-apicurio-{}.log", std::process::id()));
        let child = Command::new("java")
            .arg("-Xmx512m")
            .arg("-Dquarkus.http.host=127.0.0.1")
            .arg(format!("-Dquarkus.http.port={port}"))
            .arg("-jar")
            .arg(&jar)
            .stdout(Stdio::from(std::fs::File::create(&log).unwrap()))
            .stderr(Stdio::null())
            .spawn()
            .expect("java (Debian: openjdk-17-jre-headless)");
        *CHILD.lock().unwrap() = Some(child);
        // SAFETY: registering a plain extern "C" function with no arguments.
        unsafe {
            libc::atexit(stop_at_exit);
        }
        let url = format!("http://127.0.0.1:{port}/apis/ccompat/v7");
        super::wait_for(Duration::from_secs(120), "Apicurio Registry to answer", || {
            ureq::get(&format!("{url}/subjects"))
                .call()
                .ok()
                .filter(|r| r.status() == 200)
                .map(|_| ())
        });
        Registry { url }
    })
}

/// Run tests/registry/encode.py: the messages it wrote, as it says they
/// must read (one JSON object each).
pub fn encode(bootstrap: &str, registry: &str, prefix: &str) -> Vec<serde_json::Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/registry/encode.py");
    let out = Command::new(python())
        .arg(script)
        .args([bootstrap, registry, prefix])
        .output()
        .expect("run encode.py");
    assert!(
        out.status.success(),
        "encode.py failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    super::json_lines(&out.stdout)
}

/// Run tests/registry/bare.py: bare Avro and Protobuf messages written
/// from the schema files in `dir`, as it says they must read.
pub fn write_bare(bootstrap: &str, prefix: &str, dir: &Path) -> Vec<serde_json::Value> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/registry/bare.py");
    let out = Command::new(python())
        .arg(script)
        .args([bootstrap, prefix])
        .arg(dir)
        .output()
        .expect("run bare.py");
    assert!(
        out.status.success(),
        "bare.py failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    super::json_lines(&out.stdout)
}
