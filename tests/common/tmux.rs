//! The real binary in a tmux pane: keys sent as a person types them, the
//! screen read back, and how it exited.

use std::process::Command;
use std::time::Duration;

use super::wait_for;

pub struct Tmux {
    session: String,
}

impl Tmux {
    pub fn start(cmd: &str) -> Tmux {
        assert!(
            Command::new("tmux").arg("-V").output().is_ok(),
            "tmux is not installed; the end-to-end tests need it (apt-get install tmux)"
        );
        let session = format!("creel-e2e-{}-{}", std::process::id(), super::free_port());
        // The shell line prints the exit code and whether the terminal was
        // left in raw mode, then stays so the pane can be read.
        let script = format!(
            "{cmd}; echo EXIT=$?; stty -a | grep -q -- '-icanon' && echo RAW || echo COOKED; sleep 600"
        );
        let ok = super::tmux_session(&session, 120, 40, &["sh", "-c", &script]);
        assert!(ok, "tmux new-session failed");
        Tmux { session }
    }

    pub fn screen(&self) -> String {
        let out = Command::new("tmux")
            .args(["capture-pane", "-p", "-t", &self.session])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Type text one character at a time.
    pub fn type_text(&self, text: &str) {
        for c in text.chars() {
            self.keys(&[&c.to_string()]);
        }
    }

    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            Command::new("tmux")
                .args(["send-keys", "-t", &self.session, k])
                .status()
                .unwrap();
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    pub fn wait_for(&self, what: &str, timeout: Duration) -> String {
        wait_for(timeout, &format!("{what:?} on screen"), || {
            let s = self.screen();
            s.contains(what).then_some(s)
        })
    }

    /// Wait for creel to exit and the shell line to report the terminal's
    /// mode (it prints EXIT= first, then COOKED or RAW).
    pub fn exited(&self, timeout: Duration) -> String {
        wait_for(timeout, "creel to exit", || {
            let s = self.screen();
            (s.contains("COOKED") || s.contains("RAW")).then_some(s)
        })
    }

    pub fn alternate_screen_on(&self) -> bool {
        let out = Command::new("tmux")
            .args([
                "display-message",
                "-p",
                "-t",
                &self.session,
                "#{alternate_on}",
            ])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }

    /// The process the pane's shell started (the command), once it runs.
    pub fn command_pid(&self) -> Option<u32> {
        let out = Command::new("tmux")
            .args(["display-message", "-p", "-t", &self.session, "#{pane_pid}"])
            .output()
            .ok()?;
        let shell = String::from_utf8_lossy(&out.stdout).trim().to_string();
        // /proc rather than pgrep: procps is not on every machine.
        std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children"))
            .ok()?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.session])
            .status();
    }
}

/// The line creel prints after a quit stopped a send, and its sent,
/// acknowledged and failed counts.
pub struct QuitReport {
    pub line: String,
    pub sent: u64,
    pub acked: u64,
    pub failed: u64,
}

pub fn quit_report(screen: &str) -> Option<QuitReport> {
    let line = screen.lines().find(|l| l.contains("was stopped by quit"))?;
    let number = |after: &str| -> Option<u64> {
        let rest = &line[line.find(after)? + after.len()..];
        rest.split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()
    };
    Some(QuitReport {
        line: line.to_string(),
        sent: number("sent ")?,
        acked: number("acknowledged ")?,
        failed: number("failed ")?,
    })
}
