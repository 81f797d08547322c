//! Producing: one message read back byte for byte, a bulk send from a
//! template, replay, JSONL import, and failures that lose nothing. (tansu
//! 0.6.0 miscounts the high watermark of batches of several records, so
//! these sends use one record per batch on every broker.)

use std::collections::BTreeSet;
use std::time::Duration;

use crate::common::{create_topics, Broker};
use creel::app::fixtures::sent;
use creel::app::produce::ValueMode;
use creel::app::{Action, App, ScreenId};
use creel::config::Settings;
use creel::kafka::{spawn_worker, WorkerHandle};
use creel::model::{Message, StartAt};
use creel::protocol::Command;

fn settings(broker: &Broker) -> Settings {
    let mut s = broker.settings();
    s.properties.insert("batch.num.messages".into(), "1".into());
    s
}

/// Every message of `topic`, read with the explorer's reader.
async fn read_back(w: &mut WorkerHandle, topic: &str, want: usize) -> Vec<Message> {
    let mut app = App::new("t", "b", chrono::Local::now());
    for c in creel::app::commands_of(&app.open_messages(topic, None, StartAt::Beginning)) {
        w.commands.send(c).await.unwrap();
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let ex = app.explorer().unwrap();
        if ex.messages.len() >= want && ex.loading.is_none() {
            let _ = w.commands.try_send(Command::StopMessages);
            return ex.messages.clone();
        }
        match tokio::time::timeout_at(deadline, w.events.recv()).await {
            Ok(Some(ev)) => {
                app.apply(ev);
            }
            _ => panic!("read {} of {want}", app.explorer().unwrap().messages.len()),
        }
    }
}

/// Apply worker events until the send on the produce screen ends.
async fn until_sent(w: &mut WorkerHandle, app: &mut App) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while app
        .screens
        .produce
        .view
        .as_ref()
        .and_then(|p| p.run.as_ref())
        .is_some_and(|r| r.running())
    {
        match tokio::time::timeout_at(deadline, w.events.recv()).await {
            Ok(Some(ev)) => {
                app.apply(ev);
            }
            _ => panic!("the send did not end"),
        }
    }
}

fn type_text(app: &mut App, text: &str) {
    app.type_text(text);
}

async fn send(w: &mut WorkerHandle, app: &mut App) {
    for c in sent(app.press(Action::Send)) {
        w.commands.send(c).await.unwrap();
    }
    until_sent(w, app).await;
}

crate::on_brokers!(
    one_message_by_hand_reads_back_byte_for_byte_and_replays,
    failures_are_reported_and_the_draft_is_kept,
    esc_stops_a_bulk_send_and_every_message_is_accounted_for,
    import_in_the_tui_sends_every_line_of_an_export
);
crate::on_brokers_sync!(creel_produce_bulk_from_a_template_stdin_and_jsonl_import);

async fn one_message_by_hand_reads_back_byte_for_byte_and_replays(broker: Broker) {
    let b = broker.bootstrap();
    let (events, copies) = (broker.name("events"), broker.name("copies"));
    create_topics(&b, &[(&events, 2), (&copies, 1)]).await;
    let mut w = spawn_worker(&settings(&broker)).unwrap();
    let mut app = App::new("t", &b, chrono::Local::now());
    // The produce screen, typed into as a user would.
    app.screen = ScreenId::Topics;
    sent(app.press(Action::Produce));
    assert_eq!(app.screen, ScreenId::Produce);
    let view = app.screens.produce.view.as_mut().unwrap();
    view.topic = creel::app::LineInput::with_text(&events);
    view.partition = creel::app::LineInput::with_text("1");
    view.key = creel::app::LineInput::with_text("order-7");
    view.mode = ValueMode::Hex;
    view.focus = creel::app::produce::ProduceField::Headers;
    type_text(&mut app, "trace: abc-123\nsource: creel");
    sent(app.press(Action::NextField));
    type_text(&mut app, "00 ff 1b 5b 32 4a de ad be ef");
    send(&mut w, &mut app).await;
    let run = app
        .screens
        .produce
        .view
        .as_ref()
        .unwrap()
        .run
        .clone()
        .unwrap();
    assert_eq!(run.done, Some(None));
    assert_eq!((run.stats.acked, run.stats.failed), (1, 0));
    let d = run.stats.last.unwrap();
    assert_eq!((d.partition, d.offset), (1, 0), "the delivery report");

    let got = read_back(&mut w, &events, 1).await;
    assert_eq!(got.len(), 1);
    let m = &got[0];
    assert_eq!(m.partition, 1);
    assert_eq!(m.key.as_deref(), Some(&b"order-7"[..]));
    assert_eq!(
        m.value.as_deref(),
        Some(&[0x00, 0xff, 0x1b, 0x5b, 0x32, 0x4a, 0xde, 0xad, 0xbe, 0xef][..])
    );
    assert_eq!(
        m.headers,
        vec![
            ("trace".to_string(), Some(b"abc-123".to_vec())),
            ("source".to_string(), Some(b"creel".to_vec())),
        ]
    );

    // Replay: R on the message in the explorer, aimed at another topic.
    for c in creel::app::commands_of(&app.open_messages(&events, None, StartAt::Beginning)) {
        w.commands.send(c).await.unwrap();
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while app.explorer().unwrap().messages.is_empty() {
        let ev = tokio::time::timeout_at(deadline, w.events.recv())
            .await
            .unwrap()
            .unwrap();
        app.apply(ev);
    }
    sent(app.press(Action::Replay));
    assert_eq!(app.screen, ScreenId::Produce);
    let view = app.screens.produce.view.as_mut().unwrap();
    assert_eq!(view.mode, ValueMode::Hex, "binary replays as hex");
    view.topic = creel::app::LineInput::with_text(&copies);
    view.partition = creel::app::LineInput::default();
    send(&mut w, &mut app).await;
    let copy = read_back(&mut w, &copies, 1).await;
    assert_eq!(
        (&copy[0].key, &copy[0].value, &copy[0].headers),
        (&m.key, &m.value, &m.headers),
        "an identical copy"
    );
}

async fn failures_are_reported_and_the_draft_is_kept(broker: Broker) {
    let b = broker.bootstrap();
    let mut w = spawn_worker(&settings(&broker)).unwrap();
    let mut app = App::new("t", &b, chrono::Local::now());
    sent(app.press(Action::Produce));
    let view = app.screens.produce.view.as_mut().unwrap();
    view.topic = creel::app::LineInput::with_text(&broker.name("no-such-topic"));
    view.focus = creel::app::produce::ProduceField::Value;
    type_text(&mut app, "hello {{seq}}");
    let before = app.screens.produce.view.as_ref().unwrap().draft();
    send(&mut w, &mut app).await;
    let view = app.screens.produce.view.as_ref().unwrap();
    let run = view.run.clone().unwrap();
    assert_eq!((run.stats.acked, run.stats.failed), (0, 1));
    let why: Vec<&String> = run.stats.errors.keys().collect();
    assert!(why[0].contains("does not exist"), "{why:?}");
    assert_eq!(view.draft(), before, "nothing typed is lost");

    // A template mistake: found before sending, the field says where.
    type_text(&mut app, "{");
    type_text(&mut app, "{nope}}");
    let cmds = sent(app.press(Action::Send));
    assert!(cmds.is_empty(), "nothing sent");
    let (field, e) = app
        .screens
        .produce
        .view
        .as_ref()
        .unwrap()
        .error
        .clone()
        .unwrap();
    assert_eq!(field, creel::app::produce::ProduceField::Value);
    assert!(e.contains("unknown placeholder {{nope}}"), "{e}");
}

fn creel(args: &[&str], stdin: Option<&str>) -> std::process::Output {
    use std::io::Write;
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_creel"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = c.stdin.take().unwrap();
    if let Some(s) = stdin {
        input.write_all(s.as_bytes()).unwrap();
    }
    drop(input);
    c.wait_with_output().unwrap()
}

fn creel_produce_bulk_from_a_template_stdin_and_jsonl_import(broker: Broker) {
    let b = broker.bootstrap();
    let (bulk, lines_t, imported) = (
        broker.name("bulk"),
        broker.name("lines"),
        broker.name("imported"),
    );
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        create_topics(&b, &[(&bulk, 3), (&lines_t, 1), (&imported, 1)]).await;
    });
    let dir = tempfile::tempdir().unwrap();
    let tpl = dir.path().join("evt.json");
    std::fs::write(
        &tpl,
        r#"{"seq":{{seq}},"id":"{{uuid}}","n":{{int 1 6}},"who":"{{name}}"}"#,
    )
    .unwrap();
    const N: usize = 10_000;
    let t = std::time::Instant::now();
    let out = creel(
        &[
            "-b",
            &b,
            "-X",
            "batch.num.messages=1",
            "produce",
            "-t",
            &bulk,
            "-k",
            "k-{{seq}}",
            "--template",
            tpl.to_str().unwrap(),
            "-n",
            &N.to_string(),
        ],
        None,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("sent {N}, acknowledged {N}, failed 0")),
        "{stderr}"
    );
    eprintln!("bulk of {N} on {:?}: {:?}", broker.kind, t.elapsed());
    let out = creel(
        &[
            "-b",
            &b,
            "tail",
            "-t",
            &bulk,
            "-o",
            "beginning",
            "-e",
            "--json",
        ],
        None,
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), N);
    let mut seqs = BTreeSet::new();
    let mut ids = BTreeSet::new();
    for l in &lines {
        let v: serde_json::Value = serde_json::from_str(l["value"].as_str().unwrap()).unwrap();
        let seq = v["seq"].as_u64().unwrap();
        assert_eq!(
            l["key"],
            format!("k-{seq}"),
            "key and value filled together"
        );
        assert!((1..=6).contains(&v["n"].as_u64().unwrap()));
        assert!(v["who"].as_str().unwrap().contains(' '));
        seqs.insert(seq);
        ids.insert(v["id"].as_str().unwrap().to_string());
    }
    assert_eq!(seqs.len(), N, "10,000 distinct messages");
    assert_eq!(ids.len(), N, "a new uuid each");

    // stdin, one value per line, like kcat -P; bytes as they come.
    let out = creel(
        &[
            "-b",
            &b,
            "-X",
            "batch.num.messages=1",
            "produce",
            "-t",
            &lines_t,
            "-H",
            "src=stdin",
        ],
        Some("first\nsecond \u{1b}[2J\nthird\n"),
    );
    assert!(out.status.success(), "{out:?}");
    let out = creel(
        &[
            "-b",
            &b,
            "tail",
            "-t",
            &lines_t,
            "-o",
            "beginning",
            "-e",
            "--json",
        ],
        None,
    );
    let exported = String::from_utf8(out.stdout).unwrap();
    let values: Vec<String> = exported
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["value"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(values, ["first", "second \u{1b}[2J", "third"]);

    // Import what was exported: the same keys, values and headers.
    let file = dir.path().join("export.jsonl");
    std::fs::write(&file, &exported).unwrap();
    let out = creel(
        &[
            "-b",
            &b,
            "-X",
            "batch.num.messages=1",
            "produce",
            "-t",
            &imported,
            "--jsonl",
            file.to_str().unwrap(),
        ],
        None,
    );
    assert!(out.status.success(), "{out:?}");
    let out = creel(
        &[
            "-b",
            &b,
            "tail",
            "-t",
            &imported,
            "-o",
            "beginning",
            "-e",
            "--json",
        ],
        None,
    );
    let strip = |s: &str| -> Vec<serde_json::Value> {
        s.lines()
            .map(|l| {
                let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
                for k in ["topic", "partition", "offset"] {
                    v.as_object_mut().unwrap().remove(k);
                }
                v
            })
            .collect()
    };
    assert_eq!(
        strip(&String::from_utf8(out.stdout).unwrap()),
        strip(&exported)
    );

    // A dead broker: nothing is sent, and that is said once, with why.
    let out = creel(
        &[
            "-b",
            "127.0.0.1:1",
            "-X",
            "message.timeout.ms=1500",
            "produce",
            "-t",
            &bulk,
            "--template",
            tpl.to_str().unwrap(),
            "-n",
            "5",
        ],
        None,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(
        stderr.trim_end(),
        "creel: cannot read the cluster at 127.0.0.1:1: Connect to ipv4#127.0.0.1:1 failed: Connection refused"
    );
    // A missing topic: said at once, not after a timeout.
    let out = creel(
        &["-b", &b, "produce", "-t", &broker.name("nope")],
        Some("x\n"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
}

async fn esc_stops_a_bulk_send_and_every_message_is_accounted_for(broker: Broker) {
    let b = broker.bootstrap();
    let steady = broker.name("steady");
    create_topics(&b, &[(&steady, 2)]).await;
    let mut w = spawn_worker(&settings(&broker)).unwrap();
    let mut app = App::new("t", &b, chrono::Local::now());
    sent(app.press(Action::Produce));
    let view = app.screens.produce.view.as_mut().unwrap();
    view.topic = creel::app::LineInput::with_text(&steady);
    view.count = creel::app::LineInput::with_text("10k");
    view.rate = creel::app::LineInput::with_text("300");
    view.key = creel::app::LineInput::with_text("k{{seq}}");
    view.focus = creel::app::produce::ProduceField::Value;
    type_text(&mut app, "tick {{seq}}");
    for c in sent(app.press(Action::Send)) {
        w.commands.send(c).await.unwrap();
    }
    // Let some go out at the set rate, then Esc.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while app
        .screens
        .produce
        .view
        .as_ref()
        .unwrap()
        .run
        .as_ref()
        .unwrap()
        .stats
        .acked
        < 100
    {
        let ev = tokio::time::timeout_at(deadline, w.events.recv())
            .await
            .unwrap()
            .unwrap();
        app.apply(ev);
    }
    let run = app
        .screens
        .produce
        .view
        .as_ref()
        .unwrap()
        .run
        .clone()
        .unwrap();
    assert!(run.running());
    let secs = run.stats.elapsed_ms as f64 / 1000.0;
    assert!(
        run.stats.sent as f64 <= 300.0 * secs + 20.0,
        "the rate holds: {} sent in {secs:.2}s",
        run.stats.sent
    );
    let cmds = sent(app.press(Action::Cancel));
    assert_eq!(cmds, vec![Command::StopProduce]);
    assert_eq!(
        app.screen,
        ScreenId::Produce,
        "Esc stops; it does not leave"
    );
    for c in cmds {
        w.commands.send(c).await.unwrap();
    }
    until_sent(&mut w, &mut app).await;
    let run = app
        .screens
        .produce
        .view
        .as_ref()
        .unwrap()
        .run
        .clone()
        .unwrap();
    assert!(run.stopped);
    let s = &run.stats;
    assert!(s.sent < 10_000, "stopped early: {}", s.sent);
    assert_eq!(s.acked + s.failed, s.sent, "none disappears: {s:?}");
    let per: u64 = s.per_partition.values().map(|(ok, _)| ok).sum();
    assert_eq!(per, s.acked);
    let got = read_back(&mut w, &steady, s.acked as usize).await;
    assert_eq!(got.len() as u64, s.acked, "what was acknowledged is there");
    // A second Esc stops editing the form, a third leaves the screen.
    sent(app.press(Action::Cancel));
    assert_eq!(app.screen, ScreenId::Produce);
    sent(app.press(Action::Back));
    assert_ne!(app.screen, ScreenId::Produce);
}

async fn import_in_the_tui_sends_every_line_of_an_export(broker: Broker) {
    let b = broker.bootstrap();
    let dst = broker.name("dst");
    create_topics(&b, &[(&dst, 1)]).await;
    let originals: Vec<Message> = (0..3)
        .map(|i| Message {
            partition: 0,
            offset: i,
            // In the past: Kafka 4 refuses records more than an hour ahead
            // of its clock (log.message.timestamp.after.max.ms).
            timestamp: Some(1_700_000_000_000 + i),
            timestamp_kind: creel::model::TimestampKind::Create,
            key: (i != 1).then(|| format!("k{i}").into_bytes()),
            value: Some(vec![0xff, i as u8, b'x']),
            headers: vec![("h".into(), Some(vec![0, 1, 2]))],
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("export.jsonl");
    let text: String = originals
        .iter()
        .map(|m| creel::envelope::to_json("src", m).to_string() + "\n")
        .collect();
    std::fs::write(&path, text).unwrap();
    let mut w = spawn_worker(&settings(&broker)).unwrap();
    let mut app = App::new("t", &b, chrono::Local::now());
    sent(app.press(Action::Produce));
    app.screens.produce.view.as_mut().unwrap().topic = creel::app::LineInput::with_text(&dst);
    sent(app.press(Action::Command));
    app.type_text(&format!("import {}", path.display()));
    for c in sent(app.press(Action::Submit)) {
        w.commands.send(c).await.unwrap();
    }
    until_sent(&mut w, &mut app).await;
    let run = app
        .screens
        .produce
        .view
        .as_ref()
        .unwrap()
        .run
        .clone()
        .unwrap();
    assert_eq!(
        (run.stats.sent, run.stats.acked, run.stats.failed),
        (3, 3, 0)
    );
    let got = read_back(&mut w, &dst, 3).await;
    let fields = |m: &Message| (m.key.clone(), m.value.clone(), m.headers.clone());
    let mut got: Vec<_> = got.iter().map(fields).collect();
    let mut want: Vec<_> = originals.iter().map(fields).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "bytes, null key and binary headers kept");
}
