//! The `intercode` binary: parses the command line and hands over to `cli`. Exit codes:
//! 0 success, 1 bad data, 2 bad usage; a closed pipe (`intercode ... | head`) exits quietly.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
