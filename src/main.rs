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

fn main() -> std::process::ExitCode {
    // Freed memory goes back at once: mimalloc 3 keeps it a second by default, which a build
    // that allocates and frees whole pages turns into peak memory.
    // SAFETY: sets one integer option of the allocator, before any other thread exists.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
    cli::run()
}
