//! Moving through a transcript as a reader does: by user-perceived character (grapheme) and
//! by word, in code point positions. The byte and grapheme arithmetic stays here, beside the
//! canonical text it counts in, so no shell does it.

use super::Transcript;
use unicode_segmentation::{GraphemeCursor, UnicodeSegmentation};

fn next_boundary(text: &str, byte: usize) -> usize {
    let mut c = GraphemeCursor::new(byte, text.len(), true);
    c.next_boundary(text, 0)
        .ok()
        .flatten()
        .unwrap_or(text.len())
}

fn prev_boundary(text: &str, byte: usize) -> usize {
    let mut c = GraphemeCursor::new(byte, text.len(), true);
    c.prev_boundary(text, 0).ok().flatten().unwrap_or(0)
}

fn is_word(w: &str) -> bool {
    w.chars().next().is_some_and(char::is_alphanumeric)
}

/// The start of the grapheme after the one at `pos`.
pub fn next_grapheme(t: &Transcript, pos: usize) -> usize {
    t.char_offset(next_boundary(t.text(), t.byte_offset(pos)))
}

/// The start of the grapheme before `pos`.
pub fn prev_grapheme(t: &Transcript, pos: usize) -> usize {
    t.char_offset(prev_boundary(t.text(), t.byte_offset(pos)))
}

/// The start of the next word after `pos` (or `pos` when there is none).
pub fn next_word(t: &Transcript, pos: usize) -> usize {
    let b = t.byte_offset(pos);
    t.text()[b..]
        .split_word_bound_indices()
        .skip(1)
        .find(|(_, w)| is_word(w))
        .map_or(pos, |(i, _)| t.char_offset(b + i))
}

/// The last grapheme of the next word that ends after `pos`: where a selection grown word
/// by word ends, so that `v w w` selects two whole words.
pub fn next_word_end(t: &Transcript, pos: usize) -> usize {
    let text = t.text();
    let from = next_boundary(text, t.byte_offset(pos));
    text[from..]
        .split_word_bound_indices()
        .find(|(_, w)| is_word(w))
        .map_or(pos, |(i, w)| {
            t.char_offset(prev_boundary(text, from + i + w.len()))
        })
}

/// The start of the word before `pos` (the text's start when there is none).
pub fn prev_word(t: &Transcript, pos: usize) -> usize {
    let b = t.byte_offset(pos);
    t.text()[..b]
        .split_word_bound_indices()
        .rev()
        .find(|(_, w)| is_word(w))
        .map_or(0, |(i, _)| t.char_offset(i))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transcript::Segment;

    #[test]
    fn graphemes_and_words_move_by_what_a_reader_sees() {
        // e + combining accent is one grapheme of two code points; the family emoji is five.
        let t = Transcript::new(
            "X",
            "en",
            vec![
                Segment::new(0, 0, 1, None, "cafe\u{301} 👩‍👩‍👧 ok"),
                Segment::new(0, 1, 2, None, "next line"),
            ],
        );
        assert_eq!(next_grapheme(&t, 3), 5);
        assert_eq!(prev_grapheme(&t, 5), 3);
        assert_eq!(next_grapheme(&t, 6), 11);
        // An emoji is not a word: the next word after `café` is `ok`.
        assert_eq!(next_word(&t, 0), 12);
        assert_eq!(next_word(&t, 6), 12);
        assert_eq!(next_word(&t, 12), 15);
        assert_eq!(prev_word(&t, 15), 12);
        assert_eq!(prev_word(&t, 3), 0);
        // Selecting from `c`: the word ends on `é`, whose grapheme starts at 3.
        assert_eq!(next_word_end(&t, 0), 3);
        assert_eq!(next_word_end(&t, 5), 13);
    }

    #[test]
    fn a_document_with_text_before_its_first_segment_moves_without_panicking() {
        let t = Transcript::document("D", "en", "\n\n  one two\r\n\r\nthree".into());
        for pos in 0..=t.char_len() {
            let _ = (
                next_grapheme(&t, pos),
                prev_grapheme(&t, pos),
                next_word(&t, pos),
                next_word_end(&t, pos),
                prev_word(&t, pos),
            );
        }
        assert_eq!(prev_word(&t, 6), 4);
        assert_eq!(prev_word(&t, 4), 0);
    }
}
