//! Signals that end creel the way its own quit does: the TUI as `q`,
//! `creel tail` after the batch it is printing, `creel search` and
//! `creel produce` with their final report. Without them, `kill`,
//! `timeout` or a closed terminal window ended creel where it stood: the
//! terminal raw, an export cut short, a tail's file ending mid-line, a
//! send without its report. In raw mode Ctrl-C is a key, so in the TUI
//! SIGINT only comes from outside.

use std::process::ExitCode;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Arc;

use tokio::sync::mpsc;

pub struct StopSignals {
    rx: mpsc::Receiver<i32>,
    received: Option<i32>,
}

impl StopSignals {
    /// Must be called inside the runtime. Once listened to, a signal no
    /// longer ends the process by itself, so every wait after the screen
    /// is gone must watch `next` too.
    #[cfg(unix)]
    pub fn listen() -> std::io::Result<StopSignals> {
        use tokio::signal::unix::{signal, SignalKind};
        let (tx, rx) = mpsc::channel(4);
        for kind in [
            SignalKind::terminate(),
            SignalKind::hangup(),
            SignalKind::interrupt(),
            SignalKind::quit(),
        ] {
            let mut stream = signal(kind)?;
            let tx = tx.clone();
            tokio::spawn(async move {
                while stream.recv().await.is_some() {
                    if tx.send(kind.as_raw_value()).await.is_err() {
                        break;
                    }
                }
            });
        }
        Ok(StopSignals { rx, received: None })
    }

    #[cfg(not(unix))]
    pub fn listen() -> std::io::Result<StopSignals> {
        Ok(StopSignals::never())
    }

    /// As `listen`, or, should that fail, one that never fires: a signal
    /// then ends the process as it did before creel listened.
    pub fn listen_or_never() -> StopSignals {
        StopSignals::listen().unwrap_or_else(|e| {
            tracing::warn!("cannot listen for stop signals: {e}");
            StopSignals::never()
        })
    }

    /// Its sender dropped at once, so `next` pends forever.
    fn never() -> StopSignals {
        let (_tx, rx) = mpsc::channel(1);
        StopSignals { rx, received: None }
    }

    /// The next stop signal's number; pending forever when none comes.
    pub async fn next(&mut self) -> i32 {
        match self.rx.recv().await {
            Some(sig) => {
                self.received.get_or_insert(sig);
                sig
            }
            None => std::future::pending().await,
        }
    }

    /// 128 + the signal, as a shell reports a process the signal ended,
    /// so `timeout` and scripts see what happened; success otherwise.
    pub fn exit_code(&self) -> ExitCode {
        match self.received {
            Some(sig) => code_for(sig),
            None => ExitCode::SUCCESS,
        }
    }

    /// For a command that blocks its thread (a send): a small thread with
    /// its own runtime calls `f` with how many signals came so far (1,
    /// 2, ...). The first signal's number is kept in what is returned.
    pub fn on_thread(mut f: impl FnMut(usize) + Send + 'static) -> std::io::Result<FirstSignal> {
        let first = FirstSignal(Arc::new(AtomicI32::new(0)));
        let kept = first.clone();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        // Listening must happen before the send starts, not when the
        // thread gets to it: a signal in between would end the process.
        let mut stops = rt.block_on(async { StopSignals::listen() })?;
        std::thread::Builder::new()
            .name("creel-signals".into())
            .spawn(move || {
                rt.block_on(async {
                    for n in 1.. {
                        let sig = stops.next().await;
                        let _ = kept
                            .0
                            .compare_exchange(0, sig, Ordering::SeqCst, Ordering::SeqCst);
                        f(n);
                    }
                })
            })?;
        Ok(first)
    }
}

/// The first stop signal a command received, shared with the thread
/// that listens for them.
#[derive(Clone)]
pub struct FirstSignal(Arc<AtomicI32>);

impl FirstSignal {
    pub fn exit_code(&self) -> Option<ExitCode> {
        match self.0.load(Ordering::SeqCst) {
            0 => None,
            sig => Some(code_for(sig)),
        }
    }
}

/// 128 + the signal, as a shell reports a process the signal ended.
fn code_for(sig: i32) -> ExitCode {
    ExitCode::from((128 + sig).clamp(0, 255) as u8)
}
