//! The `intercode` binary: parses the command line and hands over to `cli`. Exit codes:
//! 0 success, 1 bad data, 2 bad usage; a closed pipe (`intercode ... | head`) exits quietly.

mod cli;

use std::process::ExitCode;

// Loading codings and transcripts makes millions of small allocations; mimalloc cuts their
// cost (about 10% of a one-million-coding load, measured with `cargo bench --bench codings`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    cli::main()
}
