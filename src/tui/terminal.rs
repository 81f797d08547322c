//! Entering and leaving the terminal's raw, alternate-screen mode. Leaving
//! happens on every path out: normal return, error (Drop) and panic (hook).

use std::io::{stdout, BufWriter, IsTerminal, Stdout};
use std::sync::{Mutex, Once};

use crossterm::cursor::Show;
use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

/// Frames go to the terminal whole: a frame is built in this buffer and
/// handed to stdout in one write at the end of the draw, so stdout's own
/// buffer never holds half an escape sequence that a panic's exit would
/// flush after the restored terminal (it ate the first letter of the
/// shell's next line).
type Screen = Terminal<CrosstermBackend<BufWriter<Stdout>>>;

/// Big enough for a full frame of a large terminal (about 20 bytes a cell).
const FRAME_BUFFER: usize = 1 << 20;

pub struct TerminalGuard {
    pub terminal: Screen,
    active: bool,
}

static PANIC_HOOK: Once = Once::new();

/// stderr as it was before the screen took over, while the screen is up.
#[cfg(unix)]
static SAVED_STDERR: Mutex<Option<std::os::fd::OwnedFd>> = Mutex::new(None);

/// While the screen is up, stderr goes to /dev/null: C code under creel
/// writes there on its own (librdkafka runs `kinit` for Kerberos, whose
/// complaints would land in the middle of the screen). What matters reaches
/// the screen as an error of its own; the log has librdkafka's lines.
#[cfg(unix)]
fn silence_stderr() {
    if !std::io::stderr().is_terminal() {
        return;
    }
    let Ok(null) = std::fs::File::options().write(true).open("/dev/null") else {
        return;
    };
    let Ok(saved) = rustix::io::dup(std::io::stderr()) else {
        return;
    };
    if rustix::stdio::dup2_stderr(&null).is_ok() {
        *SAVED_STDERR.lock().unwrap_or_else(|e| e.into_inner()) = Some(saved);
    }
}

#[cfg(unix)]
fn unsilence_stderr() {
    let saved = SAVED_STDERR
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take();
    if let Some(fd) = saved {
        let _ = rustix::stdio::dup2_stderr(&fd);
    }
}

#[cfg(not(unix))]
fn silence_stderr() {}

#[cfg(not(unix))]
fn unsilence_stderr() {}

/// Put the terminal back as the shell expects it. Safe to call twice.
pub fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(stdout(), DisableMouseCapture, LeaveAlternateScreen, Show);
    unsilence_stderr();
}

impl TerminalGuard {
    pub fn enter() -> std::io::Result<TerminalGuard> {
        PANIC_HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            // A panic on any thread (the worker's included) ends creel:
            // the terminal is restored, the message printed, and nothing
            // keeps running behind a screen that looks closed.
            std::panic::set_hook(Box::new(move |info| {
                // Held to the exit: the UI thread cannot start another
                // frame after the terminal is restored.
                let _stdout = stdout().lock();
                restore_terminal();
                previous(info);
                std::process::exit(101);
            }));
        });
        enable_raw_mode()?;
        let mut guard = TerminalGuard {
            terminal: Terminal::new(CrosstermBackend::new(BufWriter::with_capacity(
                FRAME_BUFFER,
                stdout(),
            )))?,
            active: true,
        };
        if let Err(e) = execute!(stdout(), EnterAlternateScreen, EnableMouseCapture) {
            guard.restore();
            return Err(e);
        }
        guard.terminal.clear()?;
        silence_stderr();
        Ok(guard)
    }

    pub fn restore(&mut self) {
        if self.active {
            self.active = false;
            restore_terminal();
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        self.restore();
    }
}
