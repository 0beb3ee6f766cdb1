//! The quote of a coding: the coded text as it was when the coding was made, kept so that a
//! transcript edited under its codings is noticed (see [`super::drift`]).
//!
//! Quotes are most of the bytes of a codings file, and most commands never show them: reports,
//! agreement, `check` and the terminal UI only ask whether a quote still matches the
//! transcript. So a bulk load for analysis ([`super::load_for_analysis`]) keeps only a
//! fingerprint of each quote (a 64-bit hash), which answers that question, instead of a copy
//! of the text; a load of a million codings then allocates less than half the memory and
//! takes about half the time. Anything that shows, exports or writes quotes reads them whole
//! ([`super::CodingFile::read`], [`super::load_all`]). A quote known only by its fingerprint
//! refuses to be written, so a file can never lose its quotes by being saved from such a load.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::hash::Hasher;

/// The coded text, or only its fingerprint.
#[derive(Clone)]
pub struct Quote(Repr);

#[derive(Clone)]
enum Repr {
    Text(Box<str>),
    Fingerprint(u64),
}

/// The fingerprint of a text: its length and a 64-bit hash of its bytes. It only has to tell
/// an edited transcript from an unedited one, not resist an adversary.
pub fn fingerprint(text: &str) -> u64 {
    hash_bytes(text.as_bytes())
}

/// A 64-bit hash of bytes and their length (also the codings snapshot's checksum).
pub(crate) fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    h.write(bytes);
    h.write_usize(bytes.len());
    h.finish()
}

impl Quote {
    /// A quote known only by the fingerprint of `text`.
    pub fn fingerprint_of(text: &str) -> Quote {
        Quote(Repr::Fingerprint(fingerprint(text)))
    }

    /// The text, when it was loaded.
    pub fn text(&self) -> Option<&str> {
        match &self.0 {
            Repr::Text(t) => Some(t),
            Repr::Fingerprint(_) => None,
        }
    }

    /// The text, or `""` when only the fingerprint was loaded.
    pub fn as_str(&self) -> &str {
        self.text().unwrap_or_default()
    }

    /// Whether `text` is this quote.
    pub fn matches(&self, text: &str) -> bool {
        match &self.0 {
            Repr::Text(t) => **t == *text,
            Repr::Fingerprint(f) => *f == fingerprint(text),
        }
    }

    /// A quote known only by this fingerprint (read back from the codings snapshot).
    pub(crate) fn from_fingerprint(print: u64) -> Quote {
        Quote(Repr::Fingerprint(print))
    }

    /// The fingerprint of the quote.
    pub fn fingerprint(&self) -> u64 {
        match &self.0 {
            Repr::Text(t) => fingerprint(t),
            Repr::Fingerprint(f) => *f,
        }
    }
}

impl From<String> for Quote {
    fn from(s: String) -> Self {
        Quote(Repr::Text(s.into_boxed_str()))
    }
}

impl From<&str> for Quote {
    fn from(s: &str) -> Self {
        Quote(Repr::Text(s.into()))
    }
}

impl PartialEq for Quote {
    fn eq(&self, other: &Quote) -> bool {
        match (&self.0, &other.0) {
            (Repr::Text(a), Repr::Text(b)) => a == b,
            _ => self.fingerprint() == other.fingerprint(),
        }
    }
}

impl Eq for Quote {}

impl PartialEq<str> for Quote {
    fn eq(&self, other: &str) -> bool {
        self.matches(other)
    }
}

impl PartialEq<&str> for Quote {
    fn eq(&self, other: &&str) -> bool {
        self.matches(other)
    }
}

impl PartialEq<String> for Quote {
    fn eq(&self, other: &String) -> bool {
        self.matches(other)
    }
}

impl std::fmt::Debug for Quote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            Repr::Text(t) => t.fmt(f),
            Repr::Fingerprint(p) => write!(f, "Quote(fingerprint {p:016x})"),
        }
    }
}

impl Serialize for Quote {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Repr::Text(t) => s.serialize_str(t),
            Repr::Fingerprint(_) => Err(serde::ser::Error::custom(
                "a quote loaded only as a fingerprint cannot be written; read the file whole",
            )),
        }
    }
}

impl<'de> Deserialize<'de> for Quote {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Quote::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_matches_its_text_only() {
        let whole = Quote::from("Я боялась 👩‍👩‍👧");
        let print = Quote::fingerprint_of("Я боялась 👩‍👩‍👧");
        assert!(print.matches("Я боялась 👩‍👩‍👧"));
        assert!(!print.matches("Я боялся 👩‍👩‍👧"));
        assert!(!print.matches("Я боялась"));
        assert!(!print.matches(""));
        assert_eq!(whole, print);
        assert_ne!(Quote::from("a"), Quote::fingerprint_of("b"));
        assert_eq!(print.text(), None);
        assert_eq!(whole.text(), Some("Я боялась 👩‍👩‍👧"));
    }

    #[test]
    fn a_fingerprint_refuses_to_be_written() {
        assert_eq!(
            serde_json::to_string(&Quote::from("say \"no\"")).unwrap(),
            r#""say \"no\"""#
        );
        let err = serde_json::to_string(&Quote::fingerprint_of("x")).unwrap_err();
        assert!(err.to_string().contains("cannot be written"), "{err}");
    }
}
