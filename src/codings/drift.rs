//! Drift: a coding whose quote no longer matches the transcript at its span (someone
//! corrected the transcript after coding). Drifted codings are flagged and shown, never
//! dropped or silently moved; when the quote occurs exactly once near the old span, that
//! place is offered for re-anchoring.

use super::{find_quote, Coding};
use crate::transcript::Transcript;
use std::ops::Range;

/// How far (in code points) from the old span a quote may have moved and still be offered.
pub const NEARBY: usize = 5_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// The quote matches the text at the span.
    Anchored,
    /// It does not; `candidate` is the single nearby place where the quote occurs, if any.
    Drifted { candidate: Option<Range<usize>> },
}

/// Whether a coding's quote no longer matches the transcript at its span (without looking for
/// where it went): what reports need to leave it out.
pub fn is_drifted(t: &Transcript, c: &Coding) -> bool {
    !(c.end <= t.char_len() && c.start < c.end && c.quote.matches(t.slice(c.span())))
}

/// Checks one coding against its transcript. A coding loaded for analysis knows its quote only
/// by a fingerprint, which tells whether it drifted but not where the quote went: for such a
/// coding `candidate` is always `None` (read its file whole to look).
pub fn check(t: &Transcript, c: &Coding) -> Status {
    if !is_drifted(t, c) {
        return Status::Anchored;
    }
    let lo = c.start.saturating_sub(NEARBY);
    let hi = c.end.saturating_add(NEARBY);
    let nearby: Vec<Range<usize>> = find_quote(t, c.quote.as_str())
        .into_iter()
        .filter(|r| r.start >= lo && r.end <= hi)
        .collect();
    Status::Drifted {
        candidate: (nearby.len() == 1).then(|| nearby[0].clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codings::Origin;
    use crate::transcript::Segment;

    fn coding(start: usize, end: usize, quote: &str) -> Coding {
        Coding {
            id: "x".into(),
            lang: "en".into(),
            start,
            end,
            code: "fear".into(),
            quote: quote.into(),
            memo: String::new(),
            created: Default::default(),
            origin: Origin::Manual,
            model: None,
        }
    }

    fn t(text: &str) -> Transcript {
        Transcript::new("P01", "en", vec![Segment::new(0, 0, 0, None, text)])
    }

    #[test]
    fn anchored_moved_and_lost() {
        let tr = t("I was afraid. Really afraid of the border.");
        assert_eq!(check(&tr, &coding(6, 12, "afraid")), Status::Anchored);
        // Text was inserted before the passage: the quote moved by 4, but occurs twice.
        let tr2 = t("Yes, I was afraid. Really afraid of the border.");
        assert_eq!(
            check(&tr2, &coding(6, 12, "afraid")),
            Status::Drifted { candidate: None }
        );
        assert_eq!(
            check(&tr2, &coding(20, 41, "Really afraid of the")),
            Status::Drifted {
                candidate: Some(19..39)
            }
        );
        assert_eq!(
            check(&tr2, &coding(0, 3, "gone")),
            Status::Drifted { candidate: None }
        );
        // Loaded for analysis (the quote's fingerprint only): drift is still seen.
        let mut printed = coding(6, 12, "afraid");
        printed.quote = crate::codings::Quote::fingerprint_of("afraid");
        assert_eq!(check(&tr, &printed), Status::Anchored);
        assert_eq!(check(&tr2, &printed), Status::Drifted { candidate: None });
        // A span past a shortened text is drift, not a panic.
        assert!(matches!(
            check(&t("short"), &coding(10, 20, "x")),
            Status::Drifted { .. }
        ));
    }
}
