//! A stop signal (Ctrl-C, `kill`, `timeout`, a closed window) ends the
//! headless commands the way their own end does: `creel tail` after a
//! whole line, `creel search` and `creel produce` with their report, each
//! with exit code 128 + the signal. Before, TERM ended them where they
//! stood (a tail's file could end partway through a line, a send had no
//! report), and Ctrl-C at a terminal did nothing to `creel produce` until
//! the next line was typed.

mod common;

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{creel_at, ended_within, json_lines, produce_generated, Writer};
use creel::kafka::mock::Mock;

fn creel(bootstrap: &str, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_creel"));
    c.args(["-b", bootstrap]).args(args);
    c
}

fn signal(child: &Child, sig: &str) {
    let ok = Command::new("kill")
        .args([&format!("-{sig}"), &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{sig} failed");
}

/// `n` messages of 100 bytes over the topic's 4 partitions.
fn fill(b: &str, topic: &str, n: usize) {
    produce_generated(b, topic, 4, n, |_| [b'v'; 100]);
}

/// TERM while `creel tail --json` writes a file on a topic still being
/// written: exit 143, and the file is whole lines of JSON, each partition
/// from offset 0 without a gap.
#[test]
fn term_ends_a_tail_after_a_whole_line() {
    let mock = Mock::start(1).unwrap();
    mock.create_topic("busy", 4, 1).unwrap();
    let b = mock.bootstrap();
    fill(&b, "busy", 20_000);
    // More keeps coming while the tail reads, so it is mid-stream when
    // the signal comes.
    let writer = Writer::start(&b, "busy", Duration::from_micros(20), |seq| {
        (None, "w".repeat(100), Some((seq % 4) as i32))
    });
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("busy.jsonl");
    let child = creel(&b, &["tail", "-t", "busy", "-o", "beginning", "--json"])
        .stdout(std::fs::File::create(&path).unwrap())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::fs::metadata(&path).unwrap().len() < 1_000_000 {
        assert!(
            Instant::now() < deadline,
            "the tail wrote under 1 MB in 30 s"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    signal(&child, "TERM");
    let (out, took) = ended_within(child, Duration::from_secs(3), "tail");
    writer.stop();
    assert_eq!(
        out.status.code(),
        Some(143),
        "tail: {:?}, stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read(&path).unwrap();
    assert_eq!(
        text.last(),
        Some(&b'\n'),
        "the file ends partway through a line"
    );
    let mut next = [0i64; 4];
    let mut lines = 0;
    for line in text.split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
        let v: serde_json::Value =
            serde_json::from_slice(line).unwrap_or_else(|e| panic!("line {}: {e}", lines + 1));
        let p = v["partition"].as_i64().unwrap() as usize;
        assert_eq!(
            v["offset"].as_i64(),
            Some(next[p]),
            "partition {p}, line {}",
            lines + 1
        );
        next[p] += 1;
        lines += 1;
    }
    eprintln!("tail: {lines} whole lines, ended {took:?} after TERM");
}

/// TERM while `creel search` scans a slow cluster: the scan stops, its
/// report ("cancelled") is printed, and the exit code says TERM rather
/// than "no match".
#[test]
fn term_ends_a_search_with_its_report() {
    let mock = Mock::start(1).unwrap();
    mock.create_topic("hay", 4, 1).unwrap();
    let b = mock.bootstrap();
    fill(&b, "hay", 20_000);
    mock.set_rtt(1, Duration::from_millis(300)).unwrap();
    let child = creel(&b, &["search", "-t", "hay", "-e", "needle"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_secs(2));
    signal(&child, "TERM");
    let (out, took) = ended_within(child, Duration::from_secs(5), "search");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(143),
        "search: {:?}, stderr: {err}",
        out.status
    );
    assert!(err.contains("matched 0"), "no report: {err}");
    assert!(
        err.contains("cancelled"),
        "the report does not say cancelled: {err}"
    );
    eprintln!("search: ended {took:?} after TERM: {err}");
}

/// Ctrl-C (INT) to `creel produce` waiting for its next line of stdin:
/// it ends at once with the report of what was sent (before, it waited
/// for another line); the lines typed before it are all acknowledged.
#[test]
fn int_ends_a_produce_waiting_for_stdin_with_its_report() {
    let mock = Mock::start(1).unwrap();
    mock.create_topic("typed", 1, 1).unwrap();
    let b = mock.bootstrap();
    let mut child = creel(&b, &["produce", "-t", "typed"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // stdin stays open, as a terminal's does.
    let mut stdin = child.stdin.take().unwrap();
    writeln!(stdin, "one\ntwo\nthree").unwrap();
    stdin.flush().unwrap();
    std::thread::sleep(Duration::from_secs(2));
    signal(&child, "INT");
    let (out, took) = ended_within(child, Duration::from_secs(3), "produce");
    drop(stdin);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(130),
        "produce: {:?}, stderr: {err}",
        out.status
    );
    assert!(
        err.contains("sent 3, acknowledged 3, failed 0"),
        "report: {err}"
    );
    let read = creel_at(
        &b,
        &["tail", "-t", "typed", "-o", "beginning", "-e", "--json"],
    );
    let values: Vec<String> = json_lines(&read.stdout)
        .iter()
        .map(|v| v["value"].to_string())
        .collect();
    assert_eq!(values, ["\"one\"", "\"two\"", "\"three\""]);
    eprintln!("produce: ended {took:?} after INT");
}
