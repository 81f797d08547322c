//! Entering and leaving the terminal's raw, alternate-screen mode. Leaving
//! happens on every path out: normal return, error (Drop) and panic (hook).

use std::io::{stdout, Stdout};
use std::sync::Once;

use crossterm::cursor::Show;
use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

pub struct TerminalGuard {
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
    active: bool,
}

static PANIC_HOOK: Once = Once::new();

/// Put the terminal back as the shell expects it. Safe to call twice.
pub fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(stdout(), DisableMouseCapture, LeaveAlternateScreen, Show);
}

impl TerminalGuard {
    pub fn enter() -> std::io::Result<TerminalGuard> {
        PANIC_HOOK.call_once(|| {
            let previous = std::panic::take_hook();
            // A panic on any thread (the worker's included) ends creel:
            // the terminal is restored, the message printed, and nothing
            // keeps running behind a screen that looks closed.
            std::panic::set_hook(Box::new(move |info| {
                restore_terminal();
                previous(info);
                std::process::exit(101);
            }));
        });
        enable_raw_mode()?;
        let mut guard = TerminalGuard {
            terminal: Terminal::new(CrosstermBackend::new(stdout()))?,
            active: true,
        };
        if let Err(e) = execute!(stdout(), EnterAlternateScreen, EnableMouseCapture) {
            guard.restore();
            return Err(e);
        }
        guard.terminal.clear()?;
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
