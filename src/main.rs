//! The `parkpress` command: parses arguments, calls the library, prints, sets the exit code.

mod cli;

/// mimalloc instead of the system allocator: a build allocates many small strings and JSON values
/// from several threads at once (docs/performance.md has the numbers).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::run()
}
