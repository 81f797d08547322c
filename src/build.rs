//! Cargo's build script (`build` in Cargo.toml): link flags for the creel
//! binary.

fn main() {
    println!("cargo:rerun-if-changed=src/build.rs");
    let target = std::env::var("TARGET").unwrap_or_default();
    let host = std::env::var("HOST").unwrap_or_default();
    // Packed relative relocations (DT_RELR): at every start the loader reads
    // a few KB instead of the megabyte of .rela.dyn that a binary of this
    // size carries, and those pages stay resident. The linker marks the
    // binary as needing glibc 2.36 (GLIBC_ABI_DT_RELR), so only when it is
    // built for the glibc of this machine and that one is new enough.
    if target == "x86_64-unknown-linux-gnu" && target == host && glibc_at_least(2, 36) {
        println!("cargo:rustc-link-arg-bins=-Wl,-z,pack-relative-relocs");
    }
}

/// The glibc of the machine building, as `getconf` says it ("glibc 2.36");
/// false where there is none.
fn glibc_at_least(major: u32, minor: u32) -> bool {
    let Ok(out) = std::process::Command::new("getconf")
        .arg("GNU_LIBC_VERSION")
        .output()
    else {
        return false;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let Some(version) = text.trim().strip_prefix("glibc ") else {
        return false;
    };
    let mut parts = version.split('.');
    let have_major: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let have_minor: u32 = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0);
    (have_major, have_minor) >= (major, minor)
}
