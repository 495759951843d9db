//! Memory the app's allocator holds free, given back to the system at each session's end
//! (issue 18: a kiosk runs for days, one enrolment after another).
//!
//! glibc's allocator keeps the pages of freed blocks for later unless they sit at the top of a
//! heap; the kiosk's work is spread over tokio's worker threads, each with its own arena, so what
//! one session freed between blocks still in use stays counted against the app.
//! `malloc_trim(0)` hands every whole free page of every arena back (`madvise(MADV_DONTNEED)`,
//! glibc ≥ 2.8). It takes a few milliseconds and runs off the async workers, after the session
//! is gone. Other C libraries (musl) and systems: nothing to do.

/// Gives the allocator's free pages back to the system; returns whether any was given back
/// (always `false` where glibc is not the allocator).
pub fn release_free_pages() -> bool {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: malloc_trim only walks the allocator's own lists; any pad is valid.
        unsafe { libc::malloc_trim(0) == 1 }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        false
    }
}

#[cfg(all(test, target_os = "linux", target_env = "gnu"))]
mod tests {
    use super::*;

    /// Resident pages of this process, in KiB (`/proc/self/statm`, field 2, × the page size).
    fn resident_kib() -> u64 {
        let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
        let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
        // SAFETY: sysconf has no preconditions.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as u64;
        pages * page / 1024
    }

    #[test]
    fn freed_blocks_between_live_ones_go_back_to_the_system() {
        // 64 MiB in blocks of 512 B (below the mmap threshold: from an arena), then every block
        // freed but one in 256: the arena cannot shrink from its top, the free pages stay.
        let run = std::thread::spawn(|| {
            let mut blocks: Vec<Vec<u8>> = (0..131_072).map(|i| vec![i as u8; 512]).collect();
            let kept: Vec<Vec<u8>> = blocks.iter_mut().step_by(256).map(std::mem::take).collect();
            drop(blocks);
            let before = resident_kib();
            let released = release_free_pages();
            let after = resident_kib();
            drop(kept);
            (before, released, after)
        });
        let (before, released, after) = run.join().unwrap();
        assert!(released, "malloc_trim gave nothing back");
        assert!(
            before >= after + 32 * 1024,
            "resident {before} KiB before, {after} KiB after: less than 32 MiB given back"
        );
    }
}
