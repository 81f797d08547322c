//! `creel tail --json` against `kcat -C -J`, the standing target: at least
//! as fast, with no more memory. On librdkafka's mock cluster in this
//! process (one broker, 48 partitions; it keeps about 5 MB a partition),
//! 1,000,000 JSON events of about 200 bytes by default. Each tool reads the
//! whole topic from the beginning and exits at its end, its output piped to
//! this process, which counts the lines (both must print every message);
//! runs alternate, and the medians of RUNS are printed with the ratios
//! creel/kcat. Wall time and peak resident memory come from GNU time
//! (`/usr/bin/time`, Debian package `time`).
//!
//! Run: `cargo bench --bench tail_vs_kcat` (MESSAGES=N, RUNS=N to change).
//! It prints figures; it asserts only that every message was printed.

use std::io::Read;
use std::process::{Command, Stdio};

use rdkafka::mocking::MockCluster;

#[path = "../tests/common/mod.rs"]
mod common;

const PARTITIONS: i32 = 48;
const TOPIC: &str = "events";

fn load(bootstrap: &str, n: usize) {
    common::produce_generated(bootstrap, TOPIC, PARTITIONS, n, |i| {
        format!(
            r#"{{"type":"order.created","id":"evt-{i:08}","user":"user-{}","session":"{:016x}","amount":{}.{:02},"note":"note-{}","ts":{}}}"#,
            fastrand::u32(..100_000),
            fastrand::u64(..),
            fastrand::u32(..1000),
            fastrand::u32(..100),
            fastrand::u32(..),
            1_800_000_000_000u64 + i as u64,
        )
    });
}

/// (seconds, peak MB, lines printed) of one run under GNU time.
fn measure(program: &str, args: &[&str]) -> (f64, f64, usize) {
    let report = std::env::temp_dir().join(format!("creel-bench-time-{}", std::process::id()));
    // cargo puts its build folders on LD_LIBRARY_PATH for benches, where a
    // librdkafka it built may sit: the tools run as a user would run them.
    let mut child = Command::new("/usr/bin/time")
        .env_remove("LD_LIBRARY_PATH")
        .arg("-o")
        .arg(&report)
        .args(["-f", "%e %M", program])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("GNU time at /usr/bin/time (Debian: apt-get install time)");
    let mut out = child.stdout.take().expect("stdout");
    let mut buf = vec![0u8; 1 << 16];
    let mut lines = 0usize;
    loop {
        match out.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(k) => lines += buf[..k].iter().filter(|b| **b == b'\n').count(),
        }
    }
    child.wait().expect("wait");
    let text = std::fs::read_to_string(&report).expect("GNU time's report");
    let mut it = text.split_whitespace();
    let secs: f64 = it.next().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN);
    let kb: f64 = it.next().and_then(|s| s.parse().ok()).unwrap_or(f64::NAN);
    (secs, kb / 1024.0, lines)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn main() {
    let n: usize = std::env::var("MESSAGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let runs: usize = std::env::var("RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let mock = MockCluster::new(1).expect("mock cluster");
    mock.create_topic(TOPIC, PARTITIONS, 1).expect("topic");
    let b = mock.bootstrap_servers();
    let t = std::time::Instant::now();
    load(&b, n);
    println!(
        "setup: {n} messages of about 200 bytes in {PARTITIONS} partitions on the mock cluster, {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let creel = env!("CARGO_BIN_EXE_creel");
    let kcat = Command::new("kcat")
        .env_remove("LD_LIBRARY_PATH")
        .arg("-V")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| {
            // "Version 1.7.1 (JSON, ..., librdkafka 2.0.2 builtin.features=...)"
            let text = String::from_utf8_lossy(&o.stdout).into_owned();
            let line = text
                .lines()
                .find(|l| l.starts_with("Version"))
                .unwrap_or("version unknown");
            let librdkafka = line
                .split_once("librdkafka ")
                .and_then(|(_, r)| r.split_whitespace().next())
                .unwrap_or("?");
            format!(
                "kcat {}, librdkafka {librdkafka}",
                line.split_whitespace().nth(1).unwrap_or("?")
            )
        });
    let creel_args = [
        "-b",
        &b,
        "tail",
        "-t",
        TOPIC,
        "-o",
        "beginning",
        "-e",
        "--json",
    ];
    let kcat_args = [
        "-C",
        "-b",
        &b,
        "-t",
        TOPIC,
        "-o",
        "beginning",
        "-e",
        "-J",
        "-q",
    ];
    let (mut ct, mut cm, mut kt, mut km) = (vec![], vec![], vec![], vec![]);
    for _ in 0..runs {
        let (s, mb, lines) = measure(creel, &creel_args);
        assert_eq!(lines, n, "creel printed every message");
        ct.push(s);
        cm.push(mb);
        if kcat.is_some() {
            let (s, mb, lines) = measure("kcat", &kcat_args);
            assert_eq!(lines, n, "kcat printed every message");
            kt.push(s);
            km.push(mb);
        }
    }
    let (ct, cm) = (median(ct), median(cm));
    println!("read {n} messages end to end, JSON lines to a pipe (median of {runs} runs):");
    println!(
        "  creel tail --json   {ct:>6.2} s  {:>9.0} msg/s  {cm:>6.1} MB peak",
        n as f64 / ct
    );
    match kcat {
        Some(version) => {
            let (kt, km) = (median(kt), median(km));
            println!(
                "  kcat -C -J          {kt:>6.2} s  {:>9.0} msg/s  {km:>6.1} MB peak   ({version})",
                n as f64 / kt
            );
            println!(
                "  creel/kcat: time {:.2}x, memory {:.2}x (target: at most 1.00x each)",
                ct / kt,
                cm / km
            );
        }
        None => println!("  kcat is not installed: no baseline (Debian: apt-get install kcat)"),
    }
}
