//! End to end: the real binary in tmux, against Apache Kafka (a three-node
//! cluster shared by this binary, each test with topics of its own), the
//! demo, and nothing. Drives keys as a person would and reads the screen
//! back.

mod common;

use std::time::{Duration, Instant};

use common::tmux::Tmux;
use common::{create_topics, produce, wait_for, Broker};

fn creel() -> &'static str {
    env!("CARGO_BIN_EXE_creel")
}

#[test]
fn browse_filter_open_and_quit_against_kafka() {
    let broker = Broker::kafka();
    let b = broker.bootstrap();
    let (orders, payments, clicks) = (
        broker.name("orders"),
        broker.name("payments"),
        broker.name("clicks"),
    );
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        create_topics(&b, &[(&orders, 3), (&payments, 2), (&clicks, 1)]).await;
        produce(&b, &orders, 1, 4).await;
    });
    let t = Tmux::start(&format!("{} -b {b} --refresh 2", creel()));
    t.wait_for("● connected", Duration::from_secs(20));
    t.wait_for("brokers 3/3 up", Duration::from_secs(10));
    // "/" filters as you type: this test's topics, then one of them.
    t.keys(&["/"]);
    t.type_text(&broker.name(""));
    let s = t.wait_for(&payments, Duration::from_secs(20));
    assert!(s.contains(&orders) && s.contains(&clicks), "{s}");
    assert!(s.contains("Topics (3 of "), "{s}");
    t.type_text("ord");
    let s = t.wait_for("Topics (1 of ", Duration::from_secs(5));
    assert!(!s.contains(&payments), "{s}");
    // An invalid regex is an error on the filter line, not a crash.
    t.keys(&["("]);
    t.wait_for("invalid regex", Duration::from_secs(5));
    t.keys(&["BSpace", "Enter", "Enter"]);
    let s = t.wait_for("Partitions (3", Duration::from_secs(5));
    assert!(s.contains(&orders), "{s}");
    assert!(
        s.lines().any(|l| l.contains("│1 ") && l.contains(" 4 ")),
        "partition 1 has 4 messages:\n{s}"
    );

    // Brokers screen via ":": three of them, one the controller.
    t.keys(&[":", "b", "r", "o", "Enter"]);
    let s = t.wait_for("Brokers (3)", Duration::from_secs(5));
    for addr in b.split(',') {
        assert!(s.contains(addr), "{addr}:\n{s}");
    }
    t.wait_for("controller", Duration::from_secs(15));

    let asked = Instant::now();
    t.keys(&["q"]);
    let s = t.exited(Duration::from_secs(5));
    assert!(
        asked.elapsed() < Duration::from_secs(2),
        "quit took {:?}",
        asked.elapsed()
    );
    assert!(s.contains("EXIT=0"), "{s}");
    assert!(s.contains("COOKED"), "terminal left in raw mode:\n{s}");
    assert!(!t.alternate_screen_on(), "alternate screen still on");
}

#[test]
fn no_broker_shows_down_and_quits_at_once() {
    let started = Instant::now();
    let t = Tmux::start(&format!("{} -b 127.0.0.1:1", creel()));
    t.wait_for("creel", Duration::from_secs(5));
    let first = started.elapsed();
    let s = t.wait_for("all brokers down", Duration::from_secs(15));
    assert!(s.contains("Connection refused"), "{s}");
    // Keys still answer while nothing does.
    t.keys(&["?"]);
    t.wait_for("Help: keys", Duration::from_secs(2));
    t.keys(&["Escape"]);
    let asked = Instant::now();
    t.keys(&["q"]);
    let s = t.exited(Duration::from_secs(5));
    assert!(
        asked.elapsed() < Duration::from_secs(2),
        "quit took {:?}",
        asked.elapsed()
    );
    assert!(s.contains("EXIT=0") && s.contains("COOKED"), "{s}");
    assert!(
        first < Duration::from_secs(5),
        "first frame after {first:?}"
    );
}

#[test]
fn groups_screen_shows_lag_and_partitions() {
    let broker = Broker::kafka();
    let b = broker.bootstrap();
    let (payments, settler) = (broker.name("payments"), broker.name("settler"));
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        create_topics(&b, &[(&payments, 2)]).await;
        produce(&b, &payments, 0, 7).await;
        produce(&b, &payments, 1, 2).await;
    });
    common::commit(&b, &settler, &[(&payments, 0, 3), (&payments, 1, 2)]);
    let t = Tmux::start(&format!("{} -b {b}", creel()));
    t.wait_for("● connected", Duration::from_secs(20));
    t.keys(&[":", "g", "r", "o", "u", "p", "s", "Enter", "/"]);
    t.type_text(&settler);
    t.keys(&["Enter"]);
    let s = t.wait_for(&settler, Duration::from_secs(20));
    assert!(s.contains("Consumer groups (1 of "), "{s}");
    let s = wait_for(Duration::from_secs(20), "the group's lag", || {
        let s = t.screen();
        s.lines()
            .any(|l| l.contains(&settler) && l.contains(" 4 "))
            .then_some(s)
    });
    assert!(s.contains("Empty"), "a group with no member:\n{s}");
    t.keys(&["Enter"]);
    let s = t.wait_for("Partitions (2)", Duration::from_secs(5));
    assert!(
        s.lines().any(|l| l.contains(&payments)
            && l.contains(" 3 ")
            && l.contains(" 7 ")
            && l.contains(" 4 ")),
        "{s}"
    );
    t.keys(&["l"]);
    t.wait_for("Members (0)", Duration::from_secs(5));
    t.keys(&["q"]);
    let s = t.exited(Duration::from_secs(5));
    assert!(s.contains("EXIT=0") && s.contains("COOKED"), "{s}");
}

#[test]
fn demo_walks_topics_groups_brokers_messages_and_quits() {
    let t = Tmux::start(&format!("{} demo", creel()));
    // The demo's cluster makes its topics while the screen is already up:
    // all nine come, not necessarily in the first frame.
    let s = t.wait_for("Topics (9 of 9)", Duration::from_secs(30));
    assert!(s.contains("│ demo │"), "{s}");
    assert!(s.contains("clickstream"), "{s}");
    t.wait_for("brokers 3/3 up", Duration::from_secs(10));
    // Counts arrive; orders holds the seeded history.
    let s = wait_for(Duration::from_secs(20), "message counts", || {
        let s = t.screen();
        s.lines()
            .any(|l| l.contains("orders") && !l.contains('…') && l.contains(','))
            .then_some(s)
    });
    assert!(s.contains("payments"), "{s}");
    t.keys(&["/", "o", "r", "d", "Enter", "Enter"]);
    t.wait_for("Partitions (6", Duration::from_secs(5));
    t.keys(&["Escape", "Escape", ":", "g", "r", "Enter"]);
    let s = t.wait_for("Consumer groups (3 of 3)", Duration::from_secs(20));
    assert!(
        s.contains("order-service") && s.contains("analytics-loader") && s.contains("email-sender"),
        "{s}"
    );
    t.keys(&["Tab"]);
    t.wait_for("Brokers (3)", Duration::from_secs(5));
    // The mock cluster names no controller: creel says why racks are unknown.
    t.wait_for("DescribeCluster failed", Duration::from_secs(15));
    // The demo has a registry: its subjects come next.
    t.keys(&["Tab"]);
    t.wait_for("returns-value", Duration::from_secs(10));
    // Messages: the last 100 of each partition of orders.
    t.keys(&["Tab", "Escape", "Escape", "m", "Enter"]);
    let s = t.wait_for(" held ", Duration::from_secs(15));
    assert!(s.contains("last 100 per partition"), "{s}");
    let asked = Instant::now();
    t.keys(&["q"]);
    let s = t.exited(Duration::from_secs(5));
    assert!(
        asked.elapsed() < Duration::from_secs(3),
        "quit took {:?}",
        asked.elapsed()
    );
    assert!(s.contains("EXIT=0") && s.contains("COOKED"), "{s}");
}

/// The demo's Avro and Protobuf topics, decoded through its registry: the
/// list shows JSON, the detail names the schema, `l` shows the schema.
#[test]
fn demo_avro_and_protobuf_topics_are_shown_decoded() {
    let t = Tmux::start(&format!("{} demo", creel()));
    t.wait_for("Topics (9 of 9)", Duration::from_secs(30));
    t.keys(&["/"]);
    t.type_text("returns");
    t.keys(&["Enter"]);
    t.wait_for("Topics (1 of 9)", Duration::from_secs(10));
    t.keys(&["m", "Enter"]);
    let s = t.wait_for("{\"return_id\":\"RET-", Duration::from_secs(20));
    assert!(s.contains("\"order_id\":\"ORD-"), "{s}");
    assert!(s.contains("\"RET-"), "the Avro string key, decoded:\n{s}");
    t.keys(&["Enter"]);
    let s = t.wait_for(
        "value schema AVRO · returns-value v1",
        Duration::from_secs(5),
    );
    assert!(s.contains("Avro, decoded"), "{s}");
    t.keys(&["l"]);
    t.wait_for("\"name\": \"Return\"", Duration::from_secs(5));
    // Protobuf: the message type the indexes chose is named.
    t.keys(&["Escape", "Escape", "Escape", "/"]);
    t.type_text("loyalty");
    t.keys(&["Enter"]);
    t.wait_for("Topics (1 of 9)", Duration::from_secs(10));
    t.keys(&["m", "Enter"]);
    t.wait_for("\"points\":\"", Duration::from_secs(20));
    t.keys(&["Enter"]);
    t.wait_for("shop.loyalty.PointsEarned", Duration::from_secs(5));
    t.keys(&["q"]);
    let s = t.exited(Duration::from_secs(5));
    assert!(s.contains("EXIT=0") && s.contains("COOKED"), "{s}");
}

#[test]
fn tails_a_topic_while_another_process_produces() {
    let broker = Broker::kafka();
    let b = broker.bootstrap();
    let events = broker.name("events");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        create_topics(&b, &[(&events, 1)]).await;
        produce(&b, &events, 0, 3).await;
    });
    let t = Tmux::start(&format!("{} -b {b}", creel()));
    t.wait_for("● connected", Duration::from_secs(20));
    t.keys(&["/"]);
    t.type_text(&events);
    t.keys(&["Enter"]);
    t.wait_for("Topics (1 of ", Duration::from_secs(20));
    t.keys(&["m"]);
    t.wait_for(&format!("Read {events} from"), Duration::from_secs(5));
    t.keys(&["Enter"]);
    t.wait_for("{\"seq\":2}", Duration::from_secs(10));
    // Following once the read reached the end and waits for new ones.
    t.wait_for("· following)", Duration::from_secs(10));
    // Another producer writes while creel tails.
    rt.block_on(produce(&b, &events, 0, 2));
    let s = t.wait_for(&format!("{events} (5 held"), Duration::from_secs(15));
    assert!(
        s.lines().any(|l| l.contains("│0") && l.contains(" 4 ")),
        "offset 4 arrived:\n{s}"
    );
    // Enter opens the newest message; its value is pretty JSON.
    t.keys(&["Enter"]);
    let s = t.wait_for("Value (json", Duration::from_secs(5));
    assert!(s.contains("\"seq\": 1"), "{s}");
    t.keys(&["Escape", "space"]);
    t.wait_for("paused, 0 waiting", Duration::from_secs(5));
    rt.block_on(produce(&b, &events, 0, 1));
    t.wait_for("paused, 1 waiting", Duration::from_secs(15));
    t.keys(&["f"]);
    t.wait_for(&format!("{events} (6 held"), Duration::from_secs(5));
    t.keys(&["q"]);
    let s = t.exited(Duration::from_secs(5));
    assert!(s.contains("EXIT=0") && s.contains("COOKED"), "{s}");
}

/// The demo's planted order is one among thousands of events: the search
/// bar finds it, Enter opens it marked, Esc comes back to the matches.
#[test]
fn search_finds_the_planted_order_in_the_demo() {
    let t = Tmux::start(&format!("{} demo", creel()));
    t.wait_for("clickstream", Duration::from_secs(30));
    // On the orders topic's detail, `/` opens the search bar.
    t.keys(&["/", "o", "r", "d", "Enter", "Enter"]);
    t.wait_for("Partitions (6", Duration::from_secs(5));
    t.keys(&["/"]);
    t.wait_for("Search orders", Duration::from_secs(5));
    // A typo first: the mistake is shown before anything is sent.
    for k in ["p", "l", "a", "n", "t", "e", "d", "-", "("] {
        t.keys(&[k]);
    }
    t.wait_for("unclosed group", Duration::from_secs(5));
    t.keys(&["BSpace", "\\", "d", "+", "Tab", "Tab", "Space", "Enter"]);
    let s = t.wait_for("│ done ", Duration::from_secs(30));
    assert!(s.contains("1 match ·"), "{s}");
    assert!(s.contains("ORD-PLANTED-7731"), "{s}");
    let scanned = s
        .lines()
        .find(|l| l.contains("scanned"))
        .unwrap_or_default()
        .to_string();
    assert!(scanned.contains(','), "thousands scanned: {scanned}");
    t.keys(&["Enter"]);
    let s = t.wait_for("match  in the value", Duration::from_secs(15));
    assert!(s.contains("Ada Lovelace"), "{s}");
    // Esc goes back to the matches; `m` shows the match in its stream.
    t.keys(&["Escape"]);
    t.wait_for("Matches (oldest first", Duration::from_secs(5));
    t.keys(&["m"]);
    let s = t.wait_for("held · from offset", Duration::from_secs(15));
    let s = if s.contains("order_id\":\"ORD-PLANTED") {
        s
    } else {
        t.wait_for("order_id\":\"ORD-PLANTED", Duration::from_secs(15))
    };
    assert!(!s.contains("Read orders"), "no start picker: {s}");
    t.keys(&["q"]);
    let s = t.exited(Duration::from_secs(5));
    assert!(s.contains("EXIT=0") && s.contains("COOKED"), "{s}");
}

/// A tester sends one event by hand on the demo cluster and sees where it
/// went; a JSON mistake is shown first and the draft survives it.
#[test]
fn produce_types_a_message_sends_it_and_sees_its_offset() {
    let t = Tmux::start(&format!("{} demo", creel()));
    t.wait_for("clickstream", Duration::from_secs(30));
    t.keys(&["/", "p", "a", "y", "Enter", "Escape", "p"]);
    t.wait_for("Produce", Duration::from_secs(5));
    let s = t.screen();
    assert!(s.contains("topic       payments"), "{s}");
    // The value field has the keyboard: a JSON value with a mistake.
    for k in ["{", "\"", "a", "\"", ":", " ", "1", ",", "}"] {
        t.keys(&[k]);
    }
    // value is: json.
    t.keys(&["Tab", "Space", "C-s"]);
    t.wait_for("invalid JSON, line 1", Duration::from_secs(5));
    // The mistake put the keyboard back in the value.
    t.keys(&["End", "BSpace", "BSpace", "}", "C-s"]);
    let s = t.wait_for("delivered to partition", Duration::from_secs(15));
    assert!(s.contains("at offset"), "{s}");
    assert!(
        s.contains(r#"{"a": 1}"#),
        "the draft stays after sending:\n{s}"
    );
    t.keys(&["Escape", "q"]);
    let s = t.exited(Duration::from_secs(5));
    assert!(s.contains("EXIT=0") && s.contains("COOKED"), "{s}");
}

/// The admin path a person takes: create a topic, see it listed, delete it
/// with its name typed in full (a wrong name first: nothing happens).
#[test]
fn create_a_topic_then_delete_it_with_the_typed_confirmation() {
    let broker = Broker::kafka();
    let b = broker.bootstrap();
    let audit = broker.name("audit");
    let t = Tmux::start(&format!("{} -b {b}", creel()));
    t.wait_for("connected", Duration::from_secs(20));
    t.keys(&[":"]);
    t.type_text(&format!("create-topic {audit} partitions=2 rf=3"));
    t.keys(&["Enter"]);
    t.wait_for(
        &format!("CreateTopics {audit}: 2 partitions, replication factor 3"),
        Duration::from_secs(5),
    );
    t.keys(&["y"]);
    t.wait_for(
        &format!("created {audit} with 2 partitions"),
        Duration::from_secs(20),
    );
    t.keys(&["/"]);
    t.type_text(&audit);
    t.keys(&["Enter"]);
    let s = wait_for(Duration::from_secs(20), "the topic in the list", || {
        let s = t.screen();
        s.lines()
            .any(|l| l.contains(&audit) && l.contains(" 2 ") && l.contains(" 3 "))
            .then_some(s)
    });
    assert!(s.contains("Topics (1 of "), "{s}");
    t.keys(&[":"]);
    t.type_text("delete-topic");
    t.keys(&["Enter"]);
    t.wait_for(&format!("type {audit} to confirm"), Duration::from_secs(5));
    t.type_text(&audit[..audit.len() - 1]);
    t.keys(&["Enter"]);
    t.wait_for("nothing was sent", Duration::from_secs(5));
    // The dialog stays, with what was typed: finish the name.
    t.type_text(&audit[audit.len() - 1..]);
    t.keys(&["Enter"]);
    t.wait_for(
        &format!("deleted {audit} (read back: gone)"),
        Duration::from_secs(20),
    );
    t.wait_for("Topics (0 of ", Duration::from_secs(20));
    t.keys(&["q"]);
    let s = t.exited(Duration::from_secs(5));
    assert!(s.contains("EXIT=0") && s.contains("COOKED"), "{s}");
}

/// A wrong password: the header says so in one sentence, keys answer, and
/// quitting is immediate.
#[test]
fn a_wrong_password_is_said_in_the_header() {
    let k = common::kafka::cluster();
    let t = Tmux::start(&format!(
        "{} -b {} -X security.protocol=SASL_SSL -X ssl.ca.location={} -X sasl.mechanism=SCRAM-SHA-256 -X sasl.username=admin -X sasl.password=wrong",
        creel(),
        k.bootstrap("SASL_SSL"),
        k.tls("ca.pem").display()
    ));
    let s = t.wait_for("cannot connect", Duration::from_secs(15));
    assert!(
        s.contains(
            "✖ cannot connect: authentication failed: the broker rejected the user name or password (SASL SCRAM-SHA-256)"
        ),
        "{s}"
    );
    t.keys(&["?"]);
    t.wait_for("Help: keys", Duration::from_secs(2));
    t.keys(&["Escape"]);
    let asked = Instant::now();
    t.keys(&["q"]);
    let s = t.exited(Duration::from_secs(5));
    assert!(
        asked.elapsed() < Duration::from_secs(2),
        "{:?}",
        asked.elapsed()
    );
    assert!(s.contains("EXIT=0") && s.contains("COOKED"), "{s}");
}

/// 150,000 messages over three partitions on the mock cluster the demo
/// runs on, read from the beginning through the default 50,000-message
/// window: the title says it is browsing and how far behind it is, never
/// "following"; `f` jumps to the live end at once, and a message written
/// then is on screen within a second or two.
#[test]
fn walks_150k_messages_from_the_beginning_and_f_jumps_to_the_live_end() {
    use creel::kafka::mock::{Mock, Record, TrafficProducer};
    let mock = Mock::start(1).unwrap();
    mock.create_topic("big", 3, 1).unwrap();
    let b = mock.bootstrap();
    let p = TrafficProducer::new(&b).unwrap();
    let fill = |from: i64, to: i64| {
        for o in from..to {
            let v = format!("m-{o}");
            p.send(&Record {
                topic: "big",
                partition: Some((o % 3) as i32),
                key: None,
                value: Some(v.as_bytes()),
                headers: &[],
                timestamp_ms: Some(1_700_000_000_000 + o),
            })
            .unwrap();
        }
        p.flush(Duration::from_secs(60)).unwrap();
    };
    fill(0, 150_000);
    let t = Tmux::start(&format!("{} -b {b}", creel()));
    t.wait_for("150,000", Duration::from_secs(20));
    t.keys(&["m"]);
    t.wait_for("Read big from", Duration::from_secs(5));
    t.type_text("beginning");
    t.keys(&["Enter"]);
    let s = t.wait_for("f to jump to the end", Duration::from_secs(30));
    // The window holds 50,000 (two may wait past the time frontier).
    assert!(s.contains("from the beginning · browsing, 100,0"), "{s}");
    assert!(!s.contains("following"), "{s}");
    // Walk down a few pages: still browsing, the rows in offset order.
    t.keys(&["PageDown", "PageDown", "PageDown"]);
    let s = t.wait_for("browsing", Duration::from_secs(5));
    assert!(s.contains("m-"), "{s}");
    // f: the newest messages at once, then following.
    let asked = Instant::now();
    t.keys(&["f"]);
    let s = t.wait_for("· following)", Duration::from_secs(10));
    assert!(s.contains("m-149999"), "the newest message on screen:\n{s}");
    fill(150_000, 150_001);
    t.wait_for("m-150000", Duration::from_secs(10));
    eprintln!(
        "f to the newest message written after it: {:?}",
        asked.elapsed()
    );
    t.keys(&["q"]);
    let s = t.exited(Duration::from_secs(5));
    assert!(s.contains("EXIT=0") && s.contains("COOKED"), "{s}");
}

/// A panic on any thread (here a worker task) ends creel: the terminal is
/// restored, the panic printed, exit code 101; nothing keeps running
/// behind a screen that looks closed.
#[test]
fn a_panic_on_a_worker_thread_ends_creel_with_the_terminal_restored() {
    let t = Tmux::start(&format!(
        "CREEL_PANIC_FOR_TEST=1 RUST_BACKTRACE=0 {} -b 127.0.0.1:1",
        creel()
    ));
    let s = t.exited(Duration::from_secs(10));
    assert!(s.contains("EXIT=101") && s.contains("COOKED"), "{s}");
    assert!(s.contains("CREEL_PANIC_FOR_TEST"), "{s}");
    assert!(!t.alternate_screen_on(), "{s}");
}

/// `:profile` lists the config's profiles and switches to another without
/// restarting: the header changes at once, nothing of the old cluster
/// stays on screen, and an unknown name is refused where it was typed.
#[test]
fn profile_switches_clusters_without_restarting() {
    let broker = Broker::kafka();
    let b = broker.bootstrap();
    let topic = broker.name("switch");
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(create_topics(&b, &[(&topic, 1)]));
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("config.toml");
    std::fs::write(
        &cfg,
        format!(
            "default_profile = \"kafka\"\n[profiles.kafka]\nbootstrap_servers = \"{b}\"\n[profiles.gone]\nbootstrap_servers = \"127.0.0.1:1\"\nlabel = \"gone\"\n"
        ),
    )
    .unwrap();
    let t = Tmux::start(&format!("{} --config {}", creel(), cfg.display()));
    t.wait_for(&topic, Duration::from_secs(20));
    t.keys(&[":"]);
    t.type_text("profile");
    t.keys(&["Enter"]);
    t.wait_for("profiles: gone, kafka* (here)", Duration::from_secs(5));
    t.keys(&[":"]);
    t.type_text("profile nosuch");
    t.keys(&["Enter"]);
    t.wait_for(
        "cannot switch to profile nosuch: unknown profile",
        Duration::from_secs(5),
    );
    t.keys(&[":"]);
    t.type_text("ctx gone");
    t.keys(&["Enter"]);
    let s = t.wait_for(
        "switched to profile gone (127.0.0.1:1)",
        Duration::from_secs(5),
    );
    assert!(s.lines().next().unwrap().contains(" gone "), "{s}");
    assert!(!s.contains(&topic), "nothing of the old cluster: {s}");
    t.wait_for("all brokers down", Duration::from_secs(15));
    t.keys(&["q"]);
    let s = t.exited(Duration::from_secs(5));
    assert!(s.contains("EXIT=0") && s.contains("COOKED"), "{s}");
}

/// Secure profiles through the TUI on the Kafka cluster: OIDC (a token
/// from the cluster's own endpoint, checked by the broker) and Kerberos (a
/// keytab, the cluster's own KDC) connect and list a topic; then a wrong
/// password, a Kerberos keytab that is not there (kinit's complaints must
/// not land on the screen) and a mistyped property are each said in the
/// header or the status line. No secret, real or canary, is ever on screen,
/// the help screen included.
#[test]
fn secure_profiles_connect_in_the_tui_and_no_secret_reaches_the_screen() {
    const CANARY_WRONG: &str = "canary-e2e-wrong-9d3";
    const CANARY_TYPO: &str = "canary-e2e-typo-9d3";
    let k = common::kafka::cluster();
    let broker = Broker::kafka();
    let b = broker.bootstrap();
    let topic = broker.name("secure-tui");
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        create_topics(&b, &[(&topic, 1)]).await;
        produce(&b, &topic, 0, 2).await;
    });
    let dir = tempfile::tempdir().unwrap();
    let ca = k.tls("ca.pem");
    let profile = |name: &str, listener: &str, props: String| {
        format!(
            "[profiles.{name}]\nbootstrap_servers = \"{}\"\n[profiles.{name}.properties]\n{props}\n",
            k.bootstrap(listener)
        )
    };
    let kerberos = |keytab: &str| {
        format!(
            "\"security.protocol\" = \"SASL_PLAINTEXT\"\n\"sasl.mechanism\" = \"GSSAPI\"\n\"sasl.kerberos.principal\" = \"{}\"\n\"sasl.kerberos.keytab\" = \"{keytab}\"\n",
            k.var("KAFKA_KRB_PRINCIPAL")
        )
    };
    let scram = |pw: &str| {
        format!(
            "\"security.protocol\" = \"SASL_SSL\"\n\"ssl.ca.location\" = \"{}\"\n\"sasl.mechanism\" = \"SCRAM-SHA-512\"\n\"sasl.username\" = \"admin\"\n{pw}\n",
            ca.display()
        )
    };
    let text = [
        profile(
            "oidc",
            "OAUTH",
            format!(
                "\"security.protocol\" = \"SASL_SSL\"\n\"ssl.ca.location\" = \"{}\"\n\"sasl.mechanism\" = \"OAUTHBEARER\"\n\"sasl.oauthbearer.method\" = \"oidc\"\n\"sasl.oauthbearer.client.id\" = \"{}\"\n\"sasl.oauthbearer.client.secret\" = {{ env = \"CREEL_E2E_OIDC_SECRET\" }}\n\"sasl.oauthbearer.token.endpoint.url\" = \"{}\"\n",
                ca.display(),
                k.var("KAFKA_OIDC_CLIENT_ID"),
                k.var("KAFKA_OIDC_TOKEN_URL")
            ),
        ),
        profile("kerberos", "KERBEROS", kerberos(k.var("KAFKA_KRB_KEYTAB"))),
        profile("krb-no-keytab", "KERBEROS", kerberos("/nonexistent.keytab")),
        profile(
            "wrong",
            "SASL_SSL",
            scram("\"sasl.password\" = { env = \"CREEL_E2E_WRONG\" }"),
        ),
        profile(
            "typo",
            "SASL_SSL",
            scram(&format!(
                "\"sasl.password\" = \"admin-secret\"\n\"sasl.pasword\" = \"{CANARY_TYPO}\""
            )),
        ),
    ]
    .concat();
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, text).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&cfg, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let oidc_secret = k.var("KAFKA_OIDC_CLIENT_SECRET");
    let t = Tmux::start(&format!(
        "KRB5_CONFIG={} KRB5CCNAME=FILE:{} CREEL_E2E_OIDC_SECRET={oidc_secret} CREEL_E2E_WRONG={CANARY_WRONG} {} --config {} --profile oidc",
        k.var("KAFKA_KRB5_CONFIG"),
        dir.path().join("ccache").display(),
        creel(),
        cfg.display()
    ));
    let clean = |s: &str, when: &str| {
        for c in [oidc_secret, "admin-secret", CANARY_WRONG, CANARY_TYPO] {
            assert!(!s.contains(c), "{when}: {c} on screen:\n{s}");
        }
    };
    let switch = |name: &str| {
        t.keys(&[":"]);
        t.type_text(&format!("profile {name}"));
        t.keys(&["Enter"]);
    };
    let s = t.wait_for(&topic, Duration::from_secs(20));
    assert!(s.lines().next().unwrap().contains("oidc"), "{s}");
    t.wait_for("● connected", Duration::from_secs(10));
    clean(&t.screen(), "oidc");

    switch("krb-no-keytab");
    // Before any ticket is in the cache: with one, GSSAPI would use it.
    let s = t.wait_for("Kerberos (GSSAPI)", Duration::from_secs(15));
    assert!(!s.contains("kinit:"), "kinit wrote over the screen:\n{s}");
    clean(&s, "krb-no-keytab");

    switch("kerberos");
    t.wait_for("switched to profile kerberos", Duration::from_secs(5));
    let s = t.wait_for(&topic, Duration::from_secs(20));
    clean(&s, "kerberos");

    switch("wrong");
    let s = t.wait_for(
        "✖ cannot connect: authentication failed: the broker rejected the user name or password",
        Duration::from_secs(15),
    );
    clean(&s, "wrong");

    switch("typo");
    let s = t.wait_for("sasl.pasword", Duration::from_secs(10));
    clean(&s, "typo");

    t.keys(&["?"]);
    let s = t.wait_for("Help: keys", Duration::from_secs(2));
    clean(&s, "help");
    t.keys(&["Escape", "q"]);
    let s = t.exited(Duration::from_secs(5));
    assert!(s.contains("EXIT=0") && s.contains("COOKED"), "{s}");
    clean(&s, "after exit");
}

/// A developer exports what they loaded and quits at once: the file is
/// still written whole (quit waits for an export, after giving the
/// terminal back), every message once, and creel says where it went.
#[test]
fn quit_right_after_an_export_still_writes_the_whole_file() {
    use creel::kafka::mock::{Mock, Record, TrafficProducer};
    const N: usize = 40_000;
    let mock = Mock::start(1).unwrap();
    // The mock cluster keeps about 5 MB per partition.
    mock.create_topic("big", 16, 1).unwrap();
    let b = mock.bootstrap();
    let producer = TrafficProducer::new(&b).unwrap();
    // 1 KB values: the export takes long enough to be in flight at quit.
    let pad = "x".repeat(1_000);
    for i in 0..N {
        let value = format!("{{\"seq\":{i},\"pad\":\"{pad}\"}}");
        producer
            .send(&Record {
                topic: "big",
                partition: Some((i % 16) as i32),
                key: None,
                value: Some(value.as_bytes()),
                headers: &[],
                timestamp_ms: None,
            })
            .unwrap();
    }
    producer.flush(Duration::from_secs(30)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("big.jsonl");
    let t = Tmux::start(&format!("{} -b {b}", creel()));
    t.wait_for("big", Duration::from_secs(20));
    t.keys(&["m"]);
    t.wait_for("Read big from", Duration::from_secs(5));
    t.type_text("beginning");
    t.keys(&["Enter"]);
    t.wait_for(
        &format!("big ({} held", creel::ui::text::thousands(N as i64)),
        Duration::from_secs(60),
    );
    t.keys(&["e"]);
    t.wait_for("export to:", Duration::from_secs(5));
    t.type_text(&file.display().to_string());
    t.keys(&["Enter", "C-c"]);
    let s = t.exited(Duration::from_secs(20));
    assert!(s.contains("EXIT=0") && s.contains("COOKED"), "{s}");
    // The screen that says how an export went is gone: it is said after.
    assert!(
        s.contains(&format!("creel: exported {N} messages to")),
        "{s}"
    );
    let text = std::fs::read_to_string(&file).unwrap();
    let seqs: Vec<i64> = text
        .lines()
        .enumerate()
        .map(|(n, l)| {
            let doc: serde_json::Value = serde_json::from_str(l).unwrap_or_else(|e| {
                panic!(
                    "line {} is cut short ({e}): the export was abandoned",
                    n + 1
                )
            });
            let value: serde_json::Value =
                serde_json::from_str(doc["value"].as_str().unwrap()).unwrap();
            value["seq"].as_i64().unwrap()
        })
        .collect();
    assert_eq!(seqs.len(), N, "every loaded message in the file");
    let mut sorted = seqs.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), N, "each once");
}

/// `kill`, `timeout` or a closed window end creel as `q` does: the
/// terminal comes back cooked and out of the alternate screen, and the
/// exit code says which signal (128 + its number), as a shell reports it.
/// Before, the signal ended the process where it stood, leaving the
/// terminal raw.
#[test]
fn a_stop_signal_restores_the_terminal_and_says_which() {
    use creel::kafka::mock::Mock;
    let mock = Mock::start(1).unwrap();
    mock.create_topic("orders", 2, 1).unwrap();
    let b = mock.bootstrap();
    for (signal, code) in [("TERM", 143), ("HUP", 129), ("INT", 130)] {
        let t = Tmux::start(&format!("{} -b {b}", creel()));
        t.wait_for("orders", Duration::from_secs(20));
        let pid = t.command_pid().expect("creel runs in the pane");
        let asked = Instant::now();
        let killed = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &pid.to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let s = t.exited(Duration::from_secs(5));
        assert!(
            asked.elapsed() < Duration::from_secs(2),
            "SIG{signal}: exit took {:?}",
            asked.elapsed()
        );
        assert!(
            s.contains(&format!("EXIT={code}")) && s.contains("COOKED"),
            "SIG{signal}:\n{s}"
        );
        assert!(
            !t.alternate_screen_on(),
            "SIG{signal}: alternate screen still on"
        );
    }
}

/// A tester quits while a bulk send runs on a slow cluster (200 ms round
/// trips, so messages are always in flight): creel stops the send, and
/// once the terminal is back says how many were sent, acknowledged and
/// failed, every message counted once; the topic holds at least every
/// acknowledged one and nothing that was never sent.
#[test]
fn quit_during_a_bulk_send_says_what_was_acknowledged() {
    use creel::kafka::mock::Mock;
    let mock = Mock::start(1).unwrap();
    mock.create_topic("sink", 3, 1).unwrap();
    mock.set_rtt(1, Duration::from_millis(200)).unwrap();
    let b = mock.bootstrap();
    let t = Tmux::start(&format!("{} -b {b}", creel()));
    t.wait_for("sink", Duration::from_secs(20));
    t.keys(&["p"]);
    t.wait_for("Produce", Duration::from_secs(5));
    // Value "v", then to the count (100000) and the rate (400 a second).
    t.type_text("v");
    t.keys(&["Tab", "Tab", "Tab", "Tab", "Tab", "BSpace"]);
    t.type_text("100000");
    t.keys(&["Tab"]);
    t.type_text("400");
    t.keys(&["C-s"]);
    t.wait_for("sending", Duration::from_secs(10));
    std::thread::sleep(Duration::from_millis(1500));
    t.keys(&["C-c"]);
    let s = t.exited(Duration::from_secs(5));
    assert!(s.contains("EXIT=0") && s.contains("COOKED"), "{s}");
    let report =
        common::tmux::quit_report(&s).unwrap_or_else(|| panic!("no summary after quit:\n{s}"));
    let line = report.line.as_str();
    assert!(
        line.starts_with("creel: the send to sink was stopped by quit"),
        "{line}"
    );
    let (sent, acked, failed) = (report.sent, report.acked, report.failed);
    assert!(sent > 0 && acked > 0, "{line}");
    assert_eq!(
        sent,
        acked + failed,
        "every message sent is counted once: {line}"
    );
    assert!(
        line.contains(&format!("({} of 100000 not sent)", 100_000 - sent)),
        "{line}"
    );
    assert!(!line.contains("without a delivery report"), "{line}");
    let held = common::read_plain(&b, "sink", "read_uncommitted").len() as u64;
    eprintln!("{line} · the topic holds {held}");
    assert!(
        (acked..=sent).contains(&held),
        "the topic holds {held}, acknowledged {acked}, sent {sent}"
    );
}
