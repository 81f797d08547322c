//! glibc's allocator, told to give freed memory back. After a large block
//! is freed (a metadata response for 30,000 partitions, a page of
//! messages), glibc raises its mmap and trim thresholds up to 32 MB and
//! keeps such blocks in the heap, per thread arena; librdkafka's many
//! threads then hold tens of megabytes nobody uses. Fixed thresholds of
//! 128 KB (glibc's defaults, made static) return them at once: 10,000
//! topics peak at about 70 MB instead of 90 (benches/topics_scale.rs).
//! Here because it is creel's one other call into C.

/// Call once, first thing in `main`, before any thread starts.
pub fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets allocator parameters; called before other
    // threads exist, as glibc recommends.
    unsafe {
        libc::mallopt(libc::M_TRIM_THRESHOLD, 128 * 1024);
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}
