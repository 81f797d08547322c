//! With nothing listening at the bootstrap address, creel still starts,
//! draws, and says the truth.

use std::time::Duration;

use creel::app::App;
use creel::config::Settings;
use creel::kafka::spawn_worker;
use creel::model::ConnectionState;
use ratatui::backend::TestBackend;
use ratatui::Terminal;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_cluster_shows_all_brokers_down_with_reason() {
    let mut worker = spawn_worker(&Settings::for_bootstrap("127.0.0.1:1")).expect("worker");
    let mut app = App::new("cli", "127.0.0.1:1", chrono::Local::now());
    let mut terminal = Terminal::new(TestBackend::new(120, 30)).unwrap();
    // The first frame needs nothing from the network.
    terminal.draw(|f| app.draw(f)).unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    while !matches!(
        app.shared.connection,
        ConnectionState::AllBrokersDown { .. }
    ) {
        let ev = tokio::time::timeout_at(deadline, worker.events.recv())
            .await
            .expect("no 'all brokers down' within 15 s")
            .expect("worker stopped");
        app.apply(ev);
    }
    terminal.draw(|f| app.draw(f)).unwrap();
    let screen: String = terminal
        .backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect();
    assert!(screen.contains("all brokers down"), "{screen}");
    assert!(screen.contains("Connection refused"), "{screen}");
    assert!(
        screen.contains("Waiting for the cluster's metadata"),
        "{screen}"
    );
}

#[test]
fn headless_unreachable_broker_exits_2_with_reason() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_creel"))
        .args(["-b", "127.0.0.1:1", "topics"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot read the cluster at 127.0.0.1:1"),
        "{err}"
    );
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_creel"))
        .args(["-b", "127.0.0.1:1", "lag", "--samples", "3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bad_config_and_bad_property_fail_before_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "[profiles.x]\nbootstrap_servers = [\n").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_creel"))
        .arg("--config")
        .arg(&cfg)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("{}:2:", cfg.display())), "{err}");

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_creel"))
        .args(["-b", "127.0.0.1:1", "-X", "no.such.property=1"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no.such.property"), "{err}");
}
