//! The Apache Kafka test cluster: three KRaft nodes on loopback with
//! PLAINTEXT, SASL, TLS and mutual-TLS listeners, started once per test
//! binary by `tests/kafka/kafka-cluster` (the same command a person runs)
//! and stopped when the binary exits. When a test fails, the cluster's
//! logs are kept and their folder is printed with the failure.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

pub struct KafkaCluster {
    pub dir: PathBuf,
    env: HashMap<String, String>,
}

static CLUSTER: OnceLock<KafkaCluster> = OnceLock::new();
static START: Mutex<()> = Mutex::new(());

pub fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kafka/kafka-cluster")
}

/// The cluster of this test binary, started on first use.
pub fn cluster() -> &'static KafkaCluster {
    if let Some(c) = CLUSTER.get() {
        return c;
    }
    let _one_at_a_time = START.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(c) = CLUSTER.get() {
        return c;
    }
    let c = KafkaCluster::start();
    let _ = CLUSTER.set(c);
    CLUSTER.get().expect("just set")
}

extern "C" fn stop_at_exit() {
    if let Some(c) = CLUSTER.get() {
        c.stop();
    }
}

impl KafkaCluster {
    fn start() -> KafkaCluster {
        let dir = std::env::temp_dir().join(format!(
            "creel-kafka-test-{}-{}",
            std::process::id(),
            std::env::args()
                .next()
                .and_then(|a| Path::new(&a)
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned()))
                .unwrap_or_default()
        ));
        let pid = std::process::id().to_string();
        let out = Command::new(script())
            .args(["start", "--owner", &pid, "--dir"])
            .arg(&dir)
            .output()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot run {}: {e}\nThe Kafka tests need python3, Java 17+ and Maven \
                     (Debian: apt-get install python3 openjdk-17-jre-headless maven); .ci/run installs them.",
                    script().display()
                )
            });
        assert!(
            out.status.success(),
            "the Kafka test cluster did not start:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        // SAFETY: registering a plain extern "C" function with no arguments.
        unsafe {
            libc::atexit(stop_at_exit);
        }
        keep_logs_on_failure(dir.clone());
        let env_out = Command::new(script())
            .args(["env", "--dir"])
            .arg(&dir)
            .output()
            .expect("kafka-cluster env");
        let env = String::from_utf8_lossy(&env_out.stdout)
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        KafkaCluster { dir, env }
    }

    fn stop(&self) {
        let _ = Command::new(script())
            .args(["stop", "--dir"])
            .arg(&self.dir)
            .output();
    }

    pub fn var(&self, key: &str) -> &str {
        self.env
            .get(key)
            .unwrap_or_else(|| panic!("kafka-cluster env has no {key}"))
    }

    /// Bootstrap servers of one listener: PLAINTEXT, SASL_PLAINTEXT, SSL,
    /// MTLS or SASL_SSL.
    pub fn bootstrap(&self, listener: &str) -> &str {
        self.var(&format!("KAFKA_{listener}"))
    }

    pub fn tls(&self, file: &str) -> PathBuf {
        self.dir.join("tls").join(file)
    }

    /// Stop one node (a clean shutdown, as an operator would).
    pub fn stop_node(&self, node: u32) {
        self.node("node-stop", node);
    }

    pub fn start_node(&self, node: u32) {
        self.node("node-start", node);
    }

    fn node(&self, what: &str, node: u32) {
        let out = Command::new(script())
            .arg(what)
            .arg(node.to_string())
            .arg("--dir")
            .arg(&self.dir)
            .output()
            .expect("kafka-cluster node command");
        assert!(
            out.status.success(),
            "kafka-cluster {what} {node}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// A failing test leaves a `keep` file, so the logs outlive the cluster,
/// and names the folder in its failure output.
fn keep_logs_on_failure(dir: PathBuf) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = std::fs::write(dir.join("keep"), b"");
        eprintln!("Kafka cluster logs are kept in {}", dir.display());
        previous(info);
    }));
}
