//! The module boundaries, checked on the source: dependencies point one way
//! (model <- protocol <- {app, kafka} <- {tui, cli}; ui is a toolkit below
//! app), only `kafka/` talks to
//! rdkafka, only `kafka/admin_ffi/` holds unsafe code (the compiler
//! checks that part too: the crate denies `unsafe_code`), and no file grows
//! past what can be read in one sitting.

use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// (path relative to src/, code without comments).
fn files() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = vec![];
    sources(&src, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let rel = p
                .strip_prefix(&src)
                .expect("under src")
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&p).expect("read");
            let code: String = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            (rel, code)
        })
        .collect()
}

/// Which top-level module a file belongs to ("kafka", "app", "model"...).
fn module(rel: &str) -> &str {
    rel.split('/').next().unwrap_or(rel).trim_end_matches(".rs")
}

#[test]
fn dependencies_point_one_way() {
    // What each module may not use.
    let forbidden: &[(&str, &[&str])] = &[
        (
            "model",
            &[
                "protocol", "app", "kafka", "ui", "tui", "cli", "config", "demo",
            ],
        ),
        (
            "envelope",
            &[
                "protocol", "app", "kafka", "ui", "tui", "cli", "config", "demo",
            ],
        ),
        (
            "protocol",
            &["app", "kafka", "ui", "tui", "cli", "config", "demo"],
        ),
        ("kafka", &["app", "ui", "tui", "cli", "demo"]),
        ("app", &["kafka", "tui", "cli", "demo"]),
        // The drawing toolkit knows nothing of the app: screens draw
        // themselves with it.
        ("ui", &["app", "config", "kafka", "tui", "cli", "demo"]),
        ("config", &["kafka", "tui", "cli", "demo", "ui"]),
        (
            "schema",
            &["protocol", "app", "kafka", "ui", "tui", "cli", "demo"],
        ),
    ];
    let mut wrong = vec![];
    for (rel, code) in files() {
        let m = module(&rel);
        let Some((_, banned)) = forbidden.iter().find(|(name, _)| *name == m) else {
            continue;
        };
        for b in *banned {
            if code.contains(&format!("crate::{b}::")) || code.contains(&format!("crate::{b};")) {
                wrong.push(format!("{rel} uses crate::{b}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "dependencies that point the wrong way:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn only_kafka_talks_to_rdkafka_and_only_its_ffi_is_unsafe() {
    let mut wrong = vec![];
    for (rel, code) in files() {
        if module(&rel) != "kafka" && code.contains("rdkafka") {
            wrong.push(format!("{rel} mentions rdkafka"));
        }
        let unsafe_here = code.contains("unsafe ") || code.contains("unsafe{");
        if unsafe_here && !rel.starts_with("kafka/admin_ffi/") {
            wrong.push(format!("{rel} holds unsafe code"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn files_stay_readable_in_one_sitting() {
    const MAX_LINES: usize = 600;
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut paths = vec![];
    sources(&src, &mut paths);
    let long: Vec<String> = paths
        .iter()
        .filter_map(|p| {
            let n = std::fs::read_to_string(p).ok()?.lines().count();
            let rel = p
                .strip_prefix(&src)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            (n > MAX_LINES).then(|| format!("{rel} has {n} lines"))
        })
        .collect();
    assert!(
        long.is_empty(),
        "over {MAX_LINES} lines:\n{}",
        long.join("\n")
    );
}
