//! The `parkpress` command: parses arguments, calls the library, prints, sets the exit code.

mod cli;

/// mimalloc instead of the system allocator: a build allocates many small strings and JSON values
/// from several threads at once (docs/performance.md has the numbers).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc's `mi_option_e` (mimalloc.h, the same in versions 2 and
/// 3): milliseconds freed memory is kept before it goes back to the system. The bindings name
/// no constant for it.
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long freed memory is kept before it goes back, in milliseconds. mimalloc 3 keeps it a
/// second by default, which a build that allocates and frees whole pages turns into peak memory;
/// giving it back at once (0) costs a `madvise` for every freed page, each of which makes every
/// other core drop its address translations (an interrupt per core), and the page faults of using
/// the memory again: 11 % and 14 % of a cold build's samples. One millisecond gathers the purges:
/// 12 % off the wall time of a 2,020-page build for 0.5 MB more peak memory (docs/performance.md,
/// eighth round).
const PURGE_DELAY_MS: std::ffi::c_long = 1;

fn main() -> std::process::ExitCode {
    // SAFETY: sets one integer option of the allocator, before any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    cli::run()
}
