//! The UI while Kafka is slow or gone: the real binary in tmux against
//! librdkafka's mock cluster (three brokers, in this process) with a topic
//! a producer keeps writing to.
//!
//! - Keys on a slow cluster (2 s round trip on every broker, injected):
//!   with a live tail and a search in flight, 120 keys (moves, screens,
//!   opening and closing) sent 40 ms apart. For each key: from read to its
//!   frame drawn (creel's own clock, `--key-log`), and from `tmux
//!   send-keys` returning to that frame (includes tmux). p50 / p99 / max.
//! - Quit with a tail, a search and a bulk send in flight (brokers up and
//!   slow; with all brokers down nothing can be started), then all down:
//!   from the quit key sent to the process gone, max over QUITS starts
//!   each (default 10; the full run is QUITS=200), no creel
//!   process left behind, exit code 0 with the terminal out of raw mode,
//!   and the send's report printed after quit adding up (sent =
//!   acknowledged + failed) every time.
//!
//! Run: `cargo bench --bench ui_under_faults`. It asserts only that every
//! run ended cleanly and left nothing running; the figures are printed.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rdkafka::mocking::MockCluster;
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
use rdkafka::ClientConfig;

#[path = "../tests/common/mod.rs"]
mod common;

const SLOW: Duration = Duration::from_secs(2);

fn now_us() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_micros()
}

struct Run {
    session: String,
    key_log: PathBuf,
    exit_file: PathBuf,
    tag: String,
}

impl Run {
    fn start(bootstrap: &str) -> Run {
        let tag = format!("creel-bench-ui-{}", common::free_port());
        let dir = std::env::temp_dir();
        let key_log = dir.join(format!("{tag}.keys"));
        let exit_file = dir.join(format!("{tag}.exit"));
        let _ = std::fs::remove_file(&exit_file);
        // The shell notes the moment creel is gone; `tag` in the command
        // line finds a creel left behind.
        // It also writes creel's exit code and whether the terminal was
        // left in raw mode: a crash after the terminal came back shows.
        let script = format!(
            "{} -b {bootstrap} --key-log {}; echo \"$? $(date +%s%6N) $(stty -a | grep -q -- '-icanon' && echo RAW || echo COOKED)\" > {}; sleep 600",
            env!("CARGO_BIN_EXE_creel"),
            key_log.display(),
            exit_file.display()
        );
        assert!(common::tmux_session(&tag, 160, 45, &["sh", "-c", &script]));
        let r = Run {
            session: tag.clone(),
            key_log,
            exit_file,
            tag,
        };
        r.wait_for("Topics (", Duration::from_secs(20));
        r
    }

    fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn wait_for(&self, text: &str, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let s = self.screen();
            if s.contains(text) {
                return s;
            }
            assert!(
                Instant::now() < deadline,
                "{text:?} not on screen within {limit:?}:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Send one key; the moment `tmux send-keys` was started (creel often
    /// reads and answers a key before the tmux client has exited).
    fn key(&self, k: &str) -> u128 {
        let at = now_us();
        let st = Command::new("tmux")
            .args(["send-keys", "-t", &self.session, k])
            .status()
            .unwrap();
        assert!(st.success());
        at
    }

    fn keys(&self, ks: &[&str]) {
        for k in ks {
            self.key(k);
            std::thread::sleep(Duration::from_millis(30));
        }
    }

    /// A live tail (the last messages, following) and a search over the
    /// topic, each seen started on screen.
    fn put_work_in_flight(&self) {
        self.wait_for("│events", Duration::from_secs(60));
        self.keys(&["m", "Enter"]);
        self.wait_for(" held · ", Duration::from_secs(60));
        self.keys(&["Escape", "Escape", ":"]);
        self.keys(&["search NEEDLE", "Enter", "Enter"]);
        self.wait_for("scanned", Duration::from_secs(60));
    }

    /// A bulk send to the topic on screen (100,000 at 400 a second), seen
    /// started; the form keeps the keyboard, so quit is then Ctrl-C.
    fn start_bulk_send(&self) {
        self.keys(&["Escape", ":"]);
        self.keys(&["produce", "Enter"]);
        self.wait_for("Produce", Duration::from_secs(10));
        self.keys(&["v", "Tab", "Tab", "Tab", "Tab", "Tab", "BSpace"]);
        self.keys(&["100000", "Tab", "400", "C-s"]);
        self.wait_for("sending", Duration::from_secs(60));
    }

    /// The send's report printed after quit: whether it adds up
    /// (sent = acknowledged + failed, none without a report).
    fn send_report_adds_up(&self) -> bool {
        common::tmux::quit_report(&self.screen())
            .is_some_and(|r| r.sent == r.acked + r.failed && !r.line.contains("without a delivery"))
    }

    /// `key` (q, or Ctrl-C from a form), then the time until the process
    /// is gone (ms).
    fn quit(&self) -> f64 {
        self.quit_with("q")
    }

    fn quit_with(&self, key: &str) -> f64 {
        let sent = self.key(key);
        let (code, exit, mode): (i32, u128, String) =
            common::wait_for(Duration::from_secs(30), "creel to exit", || {
                let s = std::fs::read_to_string(&self.exit_file).ok()?;
                let mut w = s.split_whitespace();
                Some((
                    w.next()?.parse().ok()?,
                    w.next()?.parse().ok()?,
                    w.next()?.to_string(),
                ))
            });
        assert_eq!(
            (code, mode.as_str()),
            (0, "COOKED"),
            "creel's exit code and the terminal's mode after quit:\n{}",
            self.screen()
        );
        let left = Command::new("pgrep")
            // The creel process itself, not the shell that started it.
            .args([
                "-f",
                &format!("^{} .*key-log .*{}", env!("CARGO_BIN_EXE_creel"), self.tag),
            ])
            .output()
            .unwrap();
        assert!(
            left.stdout.is_empty(),
            "a creel process was left behind: {}",
            String::from_utf8_lossy(&left.stdout)
        );
        exit.saturating_sub(sent) as f64 / 1000.0
    }

    fn key_log(&self) -> Vec<(u128, u128)> {
        std::fs::read_to_string(&self.key_log)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| {
                let (a, b) = l.split_once(' ')?;
                Some((a.parse().ok()?, b.parse().ok()?))
            })
            .collect()
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.session])
            .status();
        let _ = std::fs::remove_file(&self.key_log);
        let _ = std::fs::remove_file(&self.exit_file);
    }
}

fn pct(v: &[f64], p: f64) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn set_rtt(mock: &MockCluster<'_, rdkafka::producer::DefaultProducerContext>, rtt: Duration) {
    for id in 1..=3 {
        mock.broker_round_trip_time(id, rtt).unwrap();
    }
}

fn main() {
    let quits: usize = std::env::var("QUITS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let mock = MockCluster::new(3).expect("mock cluster");
    mock.create_topic("events", 6, 3).unwrap();
    let b = mock.bootstrap_servers();
    // A producer writing all along: the tail has something to follow.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (b, stop) = (b.clone(), stop.clone());
        std::thread::spawn(move || {
            let p: BaseProducer = ClientConfig::new()
                .set("bootstrap.servers", &b)
                .set("linger.ms", "20")
                .set("message.timeout.ms", "600000")
                .create()
                .unwrap();
            let mut i = 0u64;
            while !stop.load(Ordering::Relaxed) {
                let v = format!(
                    "{{\"n\":{i},\"tag\":\"{}\"}}",
                    if i % 500 == 0 { "NEEDLE" } else { "hay" }
                );
                let _ = p.send(BaseRecord::<(), _>::to("events").payload(&v));
                p.poll(Duration::ZERO);
                i += 1;
                // About 1,000 messages a second.
                if i % 20 == 0 {
                    std::thread::sleep(Duration::from_millis(20));
                }
            }
            let _ = p.flush(Duration::from_secs(5));
        })
    };
    std::thread::sleep(Duration::from_secs(2));

    // Keys on a slow cluster.
    set_rtt(&mock, SLOW);
    let r = Run::start(&b);
    r.put_work_in_flight();
    let s = r.screen();
    assert!(s.contains("NEEDLE"), "the search runs: {s}");
    let script = [
        "j", "k", "j", "Tab", "Tab", "BTab", "BTab", "Escape", "j", "k", "g", "G", "Tab", "Tab",
        "Tab", "Escape", "?", "Escape", ":", "Escape",
    ];
    let started = Instant::now();
    let started_us = now_us();
    let mut sent = Vec::new();
    for i in 0..120 {
        sent.push(r.key(script[i % script.len()]));
        std::thread::sleep(Duration::from_millis(40));
    }
    std::thread::sleep(Duration::from_millis(500));
    let log: Vec<(u128, u128)> = r
        .key_log()
        .into_iter()
        .filter(|(read, _)| *read >= started_us)
        .collect();
    let in_process: Vec<f64> = log
        .iter()
        .map(|(read, drawn)| drawn.saturating_sub(*read) as f64 / 1000.0)
        .collect();
    let end_to_end: Vec<f64> = sent
        .iter()
        .filter_map(|s| {
            log.iter()
                .find(|(_, d)| d >= s)
                .map(|(_, d)| (d - s) as f64 / 1000.0)
        })
        .collect();
    let slow_quit = r.quit();
    drop(r);
    println!(
        "keys on a cluster with {} s round trips, tail and search in flight ({} keys in {:.1} s, {} frames logged):",
        SLOW.as_secs(),
        sent.len(),
        started.elapsed().as_secs_f64(),
        log.len()
    );
    println!(
        "  key read -> frame drawn         p50 {:6.2} ms  p99 {:6.2} ms  max {:6.2} ms",
        pct(&in_process, 0.5),
        pct(&in_process, 0.99),
        pct(&in_process, 1.0)
    );
    println!(
        "  tmux send-keys started -> frame p50 {:6.2} ms  p99 {:6.2} ms  max {:6.2} ms  ({} of {} keys matched)",
        pct(&end_to_end, 0.5),
        pct(&end_to_end, 0.99),
        pct(&end_to_end, 1.0),
        end_to_end.len(),
        sent.len()
    );
    println!("  quit after that run: {slow_quit:.0} ms");

    // Quit, brokers up, slow and down.
    println!(
        "quit with a tail, a search and a bulk send in flight, {quits} starts each (quit key sent -> process gone):"
    );
    for (name, rtt, down) in [
        ("brokers up", Duration::ZERO, false),
        ("brokers slow (2 s)", SLOW, false),
        ("all brokers down", Duration::ZERO, true),
    ] {
        set_rtt(&mock, rtt);
        if down {
            for id in 1..=3 {
                mock.broker_down(id).unwrap();
            }
        }
        let mut balanced = 0;
        let times: Vec<f64> = (0..quits)
            .map(|_| {
                let r = Run::start(&b);
                if down {
                    return r.quit();
                }
                r.put_work_in_flight();
                r.start_bulk_send();
                let t = r.quit_with("C-c");
                balanced += usize::from(r.send_report_adds_up());
                t
            })
            .collect();
        if down {
            for id in 1..=3 {
                mock.broker_up(id).unwrap();
            }
        }
        let sends = if down {
            "no send (nothing can start)".to_string()
        } else {
            format!("send report added up {balanced} of {quits}")
        };
        println!(
            "  {name:<20} median {:6.0} ms  max {:6.0} ms (target 1000 ms)  {sends}",
            pct(&times, 0.5),
            pct(&times, 1.0)
        );
    }
    stop.store(true, Ordering::Relaxed);
    let _ = writer.join();
}
