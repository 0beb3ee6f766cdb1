//! The library's error type. Every error names the file (and line, where there is one) it
//! comes from, so a message can be acted on without a debugger.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// Result alias used throughout the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A place in an input file: a path and, where known, a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: PathBuf,
    pub line: Option<usize>,
}

impl Location {
    pub fn new(path: impl Into<PathBuf>, line: Option<usize>) -> Self {
        Location {
            path: path.into(),
            line,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}", self.path.display(), line),
            None => write!(f, "{}", self.path.display()),
        }
    }
}

/// What went wrong. `Data` is bad input (exit code 1), `Usage` a bad request (exit code 2).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {cause}", path.display())]
    Io { path: PathBuf, cause: io::Error },
    /// The content of a file is wrong; the message says what and how to fix it.
    #[error("{location}: {message}")]
    Data { location: Location, message: String },
    /// The request itself is wrong (unknown interview, missing option, ...).
    #[error("{0}")]
    Usage(String),
}

impl Error {
    pub fn io(path: impl AsRef<Path>, cause: io::Error) -> Self {
        // `cause` is not marked as the error's source: the message already includes it, and
        // a source would make error chains print it twice.
        Error::Io {
            path: path.as_ref().to_path_buf(),
            cause,
        }
    }

    pub fn data(path: impl AsRef<Path>, line: Option<usize>, message: impl Into<String>) -> Self {
        Error::Data {
            location: Location::new(path.as_ref(), line),
            message: message.into(),
        }
    }

    pub fn usage(message: impl Into<String>) -> Self {
        Error::Usage(message.into())
    }
}

/// How bad a problem found by validation is: errors make `intercode check` exit 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// One finding of validation, at a place in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub location: Location,
    pub severity: Severity,
    pub message: String,
}

impl Problem {
    pub fn error(
        path: impl Into<PathBuf>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            location: Location::new(path, line),
            severity: Severity::Error,
            message: message.into(),
        }
    }

    pub fn warning(
        path: impl Into<PathBuf>,
        line: Option<usize>,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            severity: Severity::Warning,
            ..Problem::error(path, line, message)
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{}: {kind}: {}", self.location, self.message)
    }
}
