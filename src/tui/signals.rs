//! Signals that end the TUI the way `q` does. Without them, `kill`,
//! `timeout` or a closed terminal window ended creel at once and left the
//! terminal raw, in the alternate screen, with an export cut short.
//! In raw mode Ctrl-C is a key, so SIGINT only comes from outside.

use std::process::ExitCode;

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
        let (_tx, rx) = mpsc::channel(1);
        Ok(StopSignals { rx, received: None })
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
            Some(sig) => ExitCode::from((128 + sig).clamp(0, 255) as u8),
            None => ExitCode::SUCCESS,
        }
    }
}
