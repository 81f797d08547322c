//! Files creel writes (exports, the log): private to the user, never
//! overwriting anything, never written through a symlink.

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// `~/x` as the user means it: under $HOME (other paths as they are).
pub fn expand_home(p: &str) -> PathBuf {
    match (p.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(p),
    }
}

/// A new file at `path`, or at `stem-1.ext`, `stem-2.ext`... when that
/// name is taken: created exclusively (O_CREAT|O_EXCL, which also refuses
/// a symlink at the name) with mode 0600. Returns the path used.
pub fn create_new_private(path: &Path) -> io::Result<(File, PathBuf)> {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    for n in 0..1000 {
        let candidate = if n == 0 {
            path.to_path_buf()
        } else {
            path.with_file_name(format!("{stem}-{n}{ext}"))
        };
        let mut o = OpenOptions::new();
        o.write(true).create_new(true);
        private(&mut o);
        match o.open(&candidate) {
            Ok(f) => return Ok((f, candidate)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("{} and 999 numbered names after it exist", path.display()),
    ))
}

/// The log: appended to, created 0600 in a 0700 folder, never opened
/// through a symlink; an existing file's mode is narrowed to 0600.
pub fn open_log(dir: &Path, name: &str) -> io::Result<(File, PathBuf)> {
    std::fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    let path = dir.join(name);
    let mut o = OpenOptions::new();
    o.create(true).append(true);
    private(&mut o);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NOFOLLOW);
    }
    let f = o.open(&path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    Ok((f, path))
}

fn private(o: &mut OpenOptions) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let _ = o;
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn exports_are_private_never_overwrite_and_never_follow_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let want = dir.path().join("creel-orders.jsonl");
        std::fs::write(&want, "keep me").unwrap();
        let target = dir.path().join("target");
        std::os::unix::fs::symlink(&target, dir.path().join("creel-orders-1.jsonl")).unwrap();
        let (_, got) = create_new_private(&want).unwrap();
        assert_eq!(got, dir.path().join("creel-orders-2.jsonl"));
        assert_eq!(std::fs::read_to_string(&want).unwrap(), "keep me");
        assert!(!target.exists(), "nothing written through the symlink");
        let mode = std::fs::metadata(&got).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn the_log_is_private_and_not_opened_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let logs = dir.path().join("state");
        let (_, path) = open_log(&logs, "creel.log").unwrap();
        assert_eq!(
            std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o600
        );
        assert_eq!(
            std::fs::metadata(&logs).unwrap().permissions().mode() & 0o777,
            0o700
        );
        std::fs::remove_file(&path).unwrap();
        std::os::unix::fs::symlink(dir.path().join("elsewhere"), &path).unwrap();
        assert!(open_log(&logs, "creel.log").is_err());
        assert!(!dir.path().join("elsewhere").exists());
    }
}
