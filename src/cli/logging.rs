//! Logging to a file, only when asked: a TUI cannot share the screen with
//! log lines, and librdkafka's lines go through the same subscriber.

use std::path::PathBuf;
use std::sync::Mutex;

use anyhow::Context;
use tracing_subscriber::EnvFilter;

/// Start logging at `level` into creel's state (or cache) dir; returns the
/// file's path.
pub fn init(level: &str) -> anyhow::Result<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "creel")
        .context("cannot find a home directory for the log file")?;
    let dir = dirs
        .state_dir()
        .unwrap_or_else(|| dirs.cache_dir())
        .to_path_buf();
    let (file, path) = crate::files::open_log(&dir, "creel.log")
        .with_context(|| format!("cannot open the log in {}", dir.display()))?;
    let filter = EnvFilter::try_new(level)
        .with_context(|| format!("invalid log level {level:?} (try info or debug)"))?;
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(Mutex::new(Redacting(file)))
        .try_init()
        .map_err(|e| anyhow::anyhow!("cannot start logging: {e}"))?;
    Ok(path)
}

/// The log file, with every remembered secret removed from each line
/// (tracing writes an event in one call).
struct Redacting(std::fs::File);

impl std::io::Write for Redacting {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match std::str::from_utf8(buf) {
            Ok(text) => self.0.write_all(crate::redact::redact(text).as_bytes())?,
            Err(_) => self.0.write_all(buf)?,
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}
