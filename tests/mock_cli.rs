//! Headless commands against librdkafka's mock cluster: what a script
//! sees when the cluster cannot answer, or the command is wrong. Exit
//! codes: 1 "no", 2 "cannot tell", 64 usage, 78 config.

mod common;

use std::process::{Command, Output};

use creel::kafka::mock::Mock;

fn creel(bootstrap: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_creel"))
        .args(["-b", bootstrap])
        .args(args)
        .output()
        .unwrap()
}

/// `creel produce` with `n` lines "line I" on stdin.
fn produce_lines(bootstrap: &str, topic: &str, n: usize) -> Output {
    let input: String = (0..n).map(|i| format!("line {i}\n")).collect();
    produce_stdin(bootstrap, topic, input.as_bytes())
}

/// `creel produce` with `input` on stdin, then its end.
fn produce_stdin(bootstrap: &str, topic: &str, input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_creel"))
        .args(["-b", bootstrap, "produce", "-t", topic])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

/// creel started with its stdout a pipe whose reader is gone before creel
/// writes a byte.
fn without_reader(bootstrap: &str, args: &[&str]) -> std::process::Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_creel"))
        .args(["-b", bootstrap])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The mock cluster cannot list groups: `creel lag` must not say "all
/// groups OK" (exit 0, an empty list) but "cannot tell" (exit 2), in
/// words and in the JSON.
#[test]
fn lag_that_cannot_list_groups_is_cannot_tell_not_green() {
    let mock = Mock::start(1).unwrap();
    let b = mock.bootstrap();
    let out = creel(&b, &["lag", "--samples", "3", "--interval", "1", "--json"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cannot tell: could not list groups"),
        "{}",
        stderr(&out)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["verdict"], "cannot tell");
    assert!(v["cannot_tell"][0]
        .as_str()
        .unwrap()
        .contains("could not list groups"));
}

/// Wrong command lines are usage errors (64), wrong properties config
/// errors (78), and neither is mistaken for "no" (1) or "cannot tell" (2).
#[test]
fn usage_and_config_errors_have_their_own_exit_codes() {
    let mock = Mock::start(1).unwrap();
    let b = mock.bootstrap();
    let cases: &[(&[&str], i32, &str)] = &[
        (&["--bogus"], 64, "unexpected argument"),
        (&["lag", "--samples", "0"], 64, "--samples"),
        (&["produce", "-t", "x", "--rate", "0"], 64, "at least 0.01"),
        (
            &["produce", "-t", "x", "--rate", "1e-300"],
            64,
            "at least 0.01",
        ),
        (
            &["tail", "-t", "x", "-o", "-99999999999999999d"],
            64,
            "before 1970",
        ),
        (&["tail", "-t", "x", "-o", "@-5"], 64, "not a time"),
        (
            &["produce", "-t", "x", "--jsonl", "/"],
            64,
            "is a directory",
        ),
        (
            &["-X", "no.such.property=1", "topics"],
            78,
            "no.such.property",
        ),
        (&["-X", "novalue", "topics"], 78, "key=value"),
    ];
    for (args, code, words) in cases {
        let out = creel(&b, args);
        assert_eq!(out.status.code(), Some(*code), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(words), "{args:?}: {}", stderr(&out));
    }
}

/// `--log` takes its level after `=`: a subcommand after it is a
/// subcommand, not a level.
#[test]
fn log_flag_does_not_swallow_the_subcommand() {
    let mock = Mock::start(1).unwrap();
    mock.create_topic("orders", 2, 1).unwrap();
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_creel"))
        .env("XDG_STATE_HOME", home.path())
        .env("HOME", home.path())
        .args(["-b", &mock.bootstrap(), "--log", "topics"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("orders"));
}

/// Standard input that cannot be read (a directory) stops the send at
/// once with the reason, instead of counting the same error forever.
#[test]
fn unreadable_stdin_stops_with_the_reason() {
    let mock = Mock::start(1).unwrap();
    mock.create_topic("t", 1, 1).unwrap();
    let dir = std::fs::File::open("/").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_creel"))
        .args(["-b", &mock.bootstrap(), "produce", "-t", "t"])
        .stdin(dir)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(err.contains("Is a directory"), "{err}");
    assert!(
        err.contains("sent 1,") || err.contains("sent 1 "),
        "one failure, then stop: {err}"
    );
}

/// A search or a tail scoped to a partition the topic does not have is an
/// error that names the partitions it has, not "no match" after a full
/// progress bar.
#[test]
fn a_partition_that_does_not_exist_is_an_error() {
    let mock = Mock::start(1).unwrap();
    mock.create_topic("orders", 3, 1).unwrap();
    let b = mock.bootstrap();
    let out = creel(&b, &["search", "-t", "orders", "-e", "x", "-p", "7"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("topic orders has no partition 7 (it has 0-2)"),
        "{}",
        stderr(&out)
    );
    assert!(!stderr(&out).contains("No message matched"));
    let out = creel(&b, &["tail", "-t", "orders", "-p", "9", "-e"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("has no partition 9"),
        "{}",
        stderr(&out)
    );
}

/// The mock cluster cannot look offsets up by time: a time start says so
/// and reads from the beginning (nothing missed), instead of showing only
/// new messages as if they came after that time.
#[test]
fn a_time_start_the_cluster_cannot_look_up_falls_back_visibly() {
    use creel::kafka::mock::{Record, TrafficProducer};
    let mock = Mock::start(1).unwrap();
    mock.create_topic("orders", 2, 1).unwrap();
    let p = TrafficProducer::new(&mock.bootstrap()).unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    for i in 0..10i64 {
        let v = format!("v{i}");
        p.send(&Record {
            topic: "orders",
            partition: Some((i % 2) as i32),
            key: None,
            value: Some(v.as_bytes()),
            headers: &[],
            timestamp_ms: Some(now - 60_000 + i),
        })
        .unwrap();
    }
    p.flush(std::time::Duration::from_secs(10)).unwrap();
    let out = creel(
        &mock.bootstrap(),
        &["tail", "-t", "orders", "-o", "-15m", "-e"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "cannot look offsets up by time (it answers \"the end\" even for 1970); reading from the beginning instead"
        ),
        "{}",
        stderr(&out)
    );
    let lines = String::from_utf8_lossy(&out.stdout).lines().count();
    assert_eq!(lines, 10, "every message, from the beginning");
}

/// Piped, stderr gets final lines only: no carriage-return progress
/// debris in a log (progress is shown only when stderr is a terminal).
#[test]
fn progress_is_not_written_when_stderr_is_not_a_terminal() {
    let mock = Mock::start(1).unwrap();
    mock.create_topic("t", 1, 1).unwrap();
    let out = produce_lines(&mock.bootstrap(), "t", 25_000);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("sent 25000, acknowledged 25000, failed 0"),
        "{err}"
    );
    assert!(!err.contains('\r'), "{err:?}");
    assert!(!err.contains("\x1b[K"), "{err:?}");
    // The summary (and its per-partition lines), no progress lines.
    assert!(err.starts_with("creel: sent 25000,"), "{err:?}");
    assert_eq!(err.matches("creel: sent").count(), 1, "{err:?}");
}

/// `creel topics | head -1`, `creel tail ... | head`: a reader that stops
/// early is not an error. creel stops quietly with success, as grep and
/// kcat do, instead of printing "Broken pipe".
#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    let mock = Mock::start(1).unwrap();
    for i in 0..3 {
        mock.create_topic(&format!("t{i}"), 1, 1).unwrap();
    }
    for args in [
        &["topics"][..],
        &["topics", "--json"],
        &["brokers", "--json"],
    ] {
        let child = without_reader(&mock.bootstrap(), args);
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{args:?}");
    }
}

/// The same for a live tail and a search: the read stops and creel exits
/// quietly with success, instead of following on for a reader that is gone
/// (a hang is caught by the deadline; how long it took is printed).
#[test]
fn a_tail_or_search_whose_reader_stopped_ends_at_once() {
    use std::time::Duration;
    let mock = Mock::start(1).unwrap();
    mock.create_topic("t", 2, 1).unwrap();
    let b = mock.bootstrap();
    let produced = produce_lines(&b, "t", 2_000);
    assert!(produced.status.success(), "{}", stderr(&produced));
    for args in [
        &["tail", "-t", "t", "-o", "beginning"][..],
        &["search", "-t", "t", "-e", "line"],
    ] {
        let child = without_reader(&b, args);
        let (out, took) =
            common::ended_within(child, Duration::from_secs(20), &format!("{args:?}"));
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(
            !stderr(&out).contains("Broken pipe"),
            "{args:?}: {}",
            stderr(&out)
        );
        eprintln!("{args:?} ended {took:?} after start");
    }
}

/// `creel produce` splits stdin as kcat -P does: one value per line, an
/// empty line an empty value, a CR before the newline dropped, and a last
/// line without a newline still sent.
#[test]
fn produce_splits_stdin_into_one_value_per_line() {
    let mock = Mock::start(1).unwrap();
    mock.create_topic("lines", 1, 1).unwrap();
    let b = mock.bootstrap();
    let out = produce_stdin(&b, "lines", b"a\r\n\nb\nlast");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("sent 4, acknowledged 4, failed 0"),
        "{}",
        stderr(&out)
    );
    let read = creel(
        &b,
        &["tail", "-t", "lines", "-o", "beginning", "-e", "--json"],
    );
    let values: Vec<String> = common::json_lines(&read.stdout)
        .iter()
        .map(|v| v["value"].to_string())
        .collect();
    assert_eq!(values, [r#""a""#, r#""""#, r#""b""#, r#""last""#]);
}
