//! Speaker labels written into cue text, Zoom style: `Name: what they said`. A colon inside a
//! sentence ("and then he said: go home") must not turn the sentence into a speaker, so a
//! prefix counts as a name only if it looks like one (capitalised words, or a single word)
//! or recurs as a prefix elsewhere in the same file, as real speaker labels do.

use std::collections::HashMap;

const MAX_NAME_CHARS: usize = 64;
const MAX_NAME_WORDS: usize = 6;

/// The candidate `Name` and the remaining text, if the text starts with `Name: `.
pub fn split_prefix(text: &str) -> Option<(&str, &str)> {
    let colon = text.find(':')?;
    let (name, rest) = (&text[..colon], &text[colon + 1..]);
    if !(rest.is_empty() || rest.starts_with([' ', '\t'])) {
        return None; // "10:30" or "http://"
    }
    let name = name.trim();
    let words = name.split_whitespace().count();
    if name.is_empty()
        || name.chars().count() > MAX_NAME_CHARS
        || words > MAX_NAME_WORDS
        || name.contains(['!', '?', ';', '"', '«', '»', '<', '>', '{', '}', '[', ']'])
        || name
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_whitespace())
    {
        return None;
    }
    Some((name, rest.trim_start()))
}

/// True if the name looks like a name on its own: one word, or every word capitalised
/// (letters that have case), a number or in parentheses: "Katya", "Anna Maria (Host)",
/// "Интервьюер 2", "ana".
fn looks_like_name(name: &str) -> bool {
    let mut words = name.split_whitespace();
    let first = words.next();
    let rest: Vec<&str> = words.collect();
    if first.is_none() {
        return false;
    }
    if rest.is_empty() {
        return true;
    }
    std::iter::once(first.unwrap_or_default())
        .chain(rest)
        .all(|w| {
            let c = w.chars().next().unwrap_or(' ');
            c.is_uppercase() || c.is_numeric() || c == '(' || !c.is_alphabetic()
        })
}

/// Finds the speaker labels in a file's cue texts: per text, `Some((name, rest))` where the
/// text starts with a speaker label, both slices of the text.
pub fn split_speakers<S: AsRef<str>>(texts: &[S]) -> Vec<Option<(&str, &str)>> {
    let prefixes: Vec<Option<(&str, &str)>> =
        texts.iter().map(|t| split_prefix(t.as_ref())).collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (name, _) in prefixes.iter().flatten() {
        *counts.entry(name).or_default() += 1;
    }
    prefixes
        .into_iter()
        .map(|prefix| {
            prefix.filter(|(name, _)| {
                looks_like_name(name) || counts.get(name).copied().unwrap_or(0) >= 2
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(texts: &[&str]) -> Vec<(Option<String>, String)> {
        split_speakers(texts)
            .into_iter()
            .zip(texts)
            .map(|(found, t)| match found {
                Some((name, rest)) => (Some(name.to_string()), rest.to_string()),
                None => (None, t.to_string()),
            })
            .collect()
    }

    #[test]
    fn zoom_names_of_every_shape() {
        let out = split(&[
            "Anna Maria (Host): Welcome.",
            "Мария Петровна: Здравствуйте.",
            "ana: hi",
            "Интервьюер 2: Вопрос: почему?",
            "Élodie: Oui.",
        ]);
        let names: Vec<_> = out.iter().map(|(s, _)| s.as_deref().unwrap()).collect();
        assert_eq!(
            names,
            [
                "Anna Maria (Host)",
                "Мария Петровна",
                "ana",
                "Интервьюер 2",
                "Élodie"
            ]
        );
        assert_eq!(out[3].1, "Вопрос: почему?");
    }

    #[test]
    fn a_colon_in_a_sentence_is_not_a_speaker() {
        let out = split(&[
            "and then he said: go home",
            "Она сказала: уезжай",
            "The meeting is at 10:30 tomorrow",
            "Why? Because: reasons",
        ]);
        assert!(out.iter().all(|(s, _)| s.is_none()), "{out:?}");
        assert_eq!(out[0].1, "and then he said: go home");
    }

    #[test]
    fn recurring_lowercase_labels_are_speakers() {
        let out = split(&["speaker one: a", "speaker one: b"]);
        assert_eq!(out[0].0.as_deref(), Some("speaker one"));
    }
}
