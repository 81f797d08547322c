//! A TCP proxy on loopback that holds every chunk for a set time in each
//! direction: round-trip latency for a real broker, where the container
//! offers no netem qdisc (`tc qdisc add dev lo root netem` is refused).
//!
//! Each direction is a reader thread that stamps what it reads and a
//! writer thread that sends it on once its time has come, so latency is
//! added without capping throughput. The delay is read per chunk, so a
//! bench can seed through the proxy at full speed and then slow it.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

pub struct DelayProxy {
    pub port: u16,
    one_way_us: Arc<AtomicU64>,
}

impl DelayProxy {
    /// Listen on `port` (loopback) and forward to `upstream` (a loopback
    /// port), with no delay until `set_round_trip`.
    pub fn start(port: u16, upstream: u16) -> DelayProxy {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("proxy port");
        let one_way_us = Arc::new(AtomicU64::new(0));
        let delay = one_way_us.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
                    continue;
                };
                let _ = client.set_nodelay(true);
                let _ = server.set_nodelay(true);
                pump(&client, &server, delay.clone());
                pump(&server, &client, delay.clone());
            }
        });
        DelayProxy { port, one_way_us }
    }

    pub fn set_round_trip(&self, rtt: Duration) {
        self.one_way_us
            .store(rtt.as_micros() as u64 / 2, Ordering::Relaxed);
    }
}

fn pump(from: &TcpStream, to: &TcpStream, one_way_us: Arc<AtomicU64>) {
    let (mut from, mut to) = (from.try_clone().unwrap(), to.try_clone().unwrap());
    let (tx, rx) = mpsc::channel::<(Instant, Vec<u8>)>();
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 64 * 1024];
        while let Ok(n @ 1..) = from.read(&mut buf) {
            let due = Instant::now() + Duration::from_micros(one_way_us.load(Ordering::Relaxed));
            if tx.send((due, buf[..n].to_vec())).is_err() {
                break;
            }
        }
    });
    std::thread::spawn(move || {
        for (due, chunk) in rx {
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
            if to.write_all(&chunk).is_err() {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Write);
    });
}
