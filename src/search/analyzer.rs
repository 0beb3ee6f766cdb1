//! Text analysis shared by indexing, querying and highlighting, so that all three agree on
//! what a word is. Words are runs of letters and digits (combining accents stay inside the
//! word and are dropped from its form). Every form is lower-cased with `ё` folded to `е`:
//!
//! - **stem**: Russian Snowball stemming for Cyrillic words, English for Latin ones, per word,
//!   because interviews switch language mid-sentence;
//! - **exact**: the folded surface form, for `=word`, `word*` and `word~1`;
//! - **translit**: Cyrillic (Russian and Serbian) written in Latin letters and Latin
//!   diacritics dropped, so `Beograd` finds `Београд` and `vid na zhitelstvo` finds
//!   `вид на жительство`.
//!
//! No word is ever dropped for its length (tantivy's `RemoveLongFilter` counts bytes and
//! would silently lose long Cyrillic words); a pathological word is truncated instead.

use rust_stemmers::{Algorithm, Stemmer};
use std::sync::OnceLock;

/// Which form of each word to produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Stem,
    Exact,
    Translit,
}

/// A word found in a text: its byte span and its position (word number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub from: usize,
    pub to: usize,
    pub position: usize,
    pub form: String,
}

/// Longest form kept, in characters (tantivy refuses terms over 65,530 bytes).
const MAX_CHARS: usize = 200;

fn is_combining(c: char) -> bool {
    ('\u{0300}'..='\u{036F}').contains(&c)
}

fn is_word_char(c: char) -> bool {
    // Fast paths for ASCII and Cyrillic letters: the general Unicode tables are slow and
    // these two scripts are nearly all the text.
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    if ('\u{0400}'..='\u{0481}').contains(&c) || ('\u{048A}'..='\u{04FF}').contains(&c) {
        return true;
    }
    c.is_alphanumeric() || is_combining(c)
}

/// Lower case of one character, with fast paths for ASCII and Russian letters.
fn push_lower(c: char, out: &mut String) {
    match c {
        'A'..='Z' => out.push(c.to_ascii_lowercase()),
        'a'..='z' | '0'..='9' | 'а'..='я' => out.push(c),
        'А'..='Я' => out.push(char::from_u32(c as u32 + 0x20).unwrap_or(c)),
        'ё' | 'Ё' => out.push('е'),
        _ => {
            for l in c.to_lowercase() {
                out.push(if l == 'ё' { 'е' } else { l });
            }
        }
    }
}

fn stemmers() -> &'static (Stemmer, Stemmer) {
    static S: OnceLock<(Stemmer, Stemmer)> = OnceLock::new();
    S.get_or_init(|| {
        (
            Stemmer::create(Algorithm::Russian),
            Stemmer::create(Algorithm::English),
        )
    })
}

/// Lower case, `ё` to `е`, combining accents dropped.
fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars().filter(|c| !is_combining(*c)) {
        push_lower(c, &mut out);
    }
    out
}

fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

fn stem(folded: &str) -> String {
    let (ru, en) = stemmers();
    if folded.chars().any(is_cyrillic) {
        ru.stem(folded).into_owned()
    } else if folded.chars().any(|c| c.is_ascii_alphabetic()) {
        en.stem(folded).into_owned()
    } else {
        folded.to_string()
    }
}

/// Latin letters for a folded Cyrillic (Russian or Serbian) word.
pub fn transliterate(folded: &str) -> String {
    let mut out = String::with_capacity(folded.len() + 4);
    for c in folded.chars() {
        let s: &str = match c {
            'а' => "a",
            'б' => "b",
            'в' => "v",
            'г' => "g",
            'д' => "d",
            'е' | 'э' | 'є' => "e",
            'ж' => "zh",
            'з' => "z",
            'и' | 'і' => "i",
            'й' | 'ј' => "y",
            'к' => "k",
            'л' => "l",
            'м' => "m",
            'н' => "n",
            'о' => "o",
            'п' => "p",
            'р' => "r",
            'с' => "s",
            'т' => "t",
            'у' => "u",
            'ф' => "f",
            'х' => "kh",
            'ц' => "ts",
            'ч' | 'ћ' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ъ' | 'ь' => "",
            'ы' => "y",
            'ю' => "yu",
            'я' => "ya",
            'ї' => "yi",
            'ђ' => "dj",
            'љ' => "lj",
            'њ' => "nj",
            'џ' => "dzh",
            c => {
                out.push(c);
                continue;
            }
        };
        out.push_str(s);
    }
    out
}

/// Cyrillic letters for a folded Latin word (the inverse of [`transliterate`], as far as it
/// goes; Serbian Latin letters read as their Cyrillic counterparts).
fn to_cyrillic(latin: &str) -> String {
    const DIGRAPHS: [(&str, char); 11] = [
        ("shch", 'щ'),
        ("zh", 'ж'),
        ("kh", 'х'),
        ("ts", 'ц'),
        ("ch", 'ч'),
        ("sh", 'ш'),
        ("yu", 'ю'),
        ("ya", 'я'),
        ("yo", 'е'),
        ("dj", 'ђ'),
        ("dzh", 'џ'),
    ];
    let mut out = String::with_capacity(latin.len() * 2);
    let mut rest = latin;
    'outer: while let Some(c) = rest.chars().next() {
        for (d, cy) in DIGRAPHS {
            if rest.starts_with(d) {
                out.push(cy);
                rest = &rest[d.len()..];
                continue 'outer;
            }
        }
        out.push(match c {
            'a' => 'а',
            'b' => 'б',
            'v' | 'w' => 'в',
            'g' => 'г',
            'd' => 'д',
            'e' => 'е',
            'z' | 'ž' => 'з',
            'i' => 'и',
            'j' => 'й',
            'k' | 'q' => 'к',
            'l' => 'л',
            'm' => 'м',
            'n' => 'н',
            'o' => 'о',
            'p' => 'п',
            'r' => 'р',
            's' => 'с',
            't' => 'т',
            'u' => 'у',
            'f' => 'ф',
            'h' => 'х',
            'c' | 'č' | 'ć' => 'ч',
            'y' => 'ы',
            'x' => 'к',
            'š' => 'ш',
            'đ' => 'ђ',
            other => other,
        });
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The cross-script key of a folded word: Russian stem, written in Latin letters. Latin words
/// are read as transliterated Russian first, so `zhitelstvo` and `жительства` meet at
/// `zhitelstv`, `Beogradu` and `Београд` at `beograd`.
fn translit_key(folded: &str) -> String {
    let (ru, _) = stemmers();
    if folded.chars().any(is_cyrillic) {
        transliterate(&ru.stem(folded))
    } else if folded.chars().any(|c| c.is_alphabetic()) {
        transliterate(&ru.stem(&to_cyrillic(folded)))
    } else {
        folded.to_string()
    }
}

thread_local! {
    /// Stems of words already seen, per form: speech repeats its words (Zipf), so most
    /// lookups hit, and stemming is the costly part of indexing.
    static MEMO: std::cell::RefCell<[std::collections::HashMap<String, String>; 2]> = Default::default();
}

fn memo(which: usize, folded: String, f: fn(&str) -> String) -> String {
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        let map = &mut m[which];
        if let Some(v) = map.get(&folded) {
            return v.clone();
        }
        if map.len() > 200_000 {
            map.clear(); // bounded: a long tail of rare words must not grow it forever
        }
        let v = f(&folded);
        map.insert(folded, v.clone());
        v
    })
}

/// The words of `text` in one form, appended to `out`.
pub fn analyze(text: &str, form: Form, out: &mut Vec<Word>) {
    let mut position = 0;
    let mut start: Option<usize> = None;
    let mut emit = |from: usize, to: usize, out: &mut Vec<Word>| {
        let raw = &text[from..to];
        let mut folded = fold(raw);
        if folded.is_empty() {
            return;
        }
        if folded.chars().count() > MAX_CHARS {
            folded = folded.chars().take(MAX_CHARS).collect();
        }
        let form = match form {
            Form::Exact => folded,
            Form::Stem => memo(0, folded, stem),
            Form::Translit => memo(1, folded, translit_key),
        };
        out.push(Word {
            from,
            to,
            position,
            form,
        });
        position += 1;
    };
    for (i, c) in text.char_indices() {
        match (is_word_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                emit(s, i, out);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        emit(s, text.len(), out);
    }
}

/// The forms of a text's words, as strings (for query terms).
pub fn forms(text: &str, form: Form) -> Vec<String> {
    let mut words = Vec::new();
    analyze(text, form, &mut words);
    words.into_iter().map(|w| w.form).collect()
}

/// A tantivy tokenizer producing one [`Form`].
#[derive(Clone)]
pub struct FormTokenizer {
    form: Form,
    words: Vec<Word>,
}

impl FormTokenizer {
    pub fn new(form: Form) -> Self {
        FormTokenizer {
            form,
            words: Vec::new(),
        }
    }
}

/// The token stream of a [`FormTokenizer`].
pub struct FormStream<'a> {
    words: std::slice::Iter<'a, Word>,
    token: tantivy::tokenizer::Token,
}

impl tantivy::tokenizer::Tokenizer for FormTokenizer {
    type TokenStream<'a> = FormStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> FormStream<'a> {
        self.words.clear();
        analyze(text, self.form, &mut self.words);
        FormStream {
            words: self.words.iter(),
            token: tantivy::tokenizer::Token::default(),
        }
    }
}

impl tantivy::tokenizer::TokenStream for FormStream<'_> {
    fn advance(&mut self) -> bool {
        match self.words.next() {
            Some(w) => {
                self.token.offset_from = w.from;
                self.token.offset_to = w.to;
                self.token.position = w.position;
                self.token.text.clear();
                self.token.text.push_str(&w.form);
                self.token.position_length = 1;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &tantivy::tokenizer::Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut tantivy::tokenizer::Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn russian_morphology_stems_together() {
        let s = |w: &str| forms(w, Form::Stem);
        assert_eq!(s("страх"), s("страха"));
        assert_eq!(s("страх"), s("страхом"));
        assert_eq!(s("страх"), s("страху"));
        assert_eq!(s("боюсь"), s("Боюсь"));
        assert_eq!(s("её"), s("ее"));
        assert_eq!(s("deported"), s("deportation"));
        assert_eq!(s("fears"), s("fear"));
    }

    #[test]
    fn code_switched_text_stems_each_word_in_its_language() {
        let f = forms("Работаю на remote, это working для меня", Form::Stem);
        assert_eq!(f, ["работа", "на", "remot", "эт", "work", "для", "мен"]);
    }

    #[test]
    fn translit_both_ways() {
        let t = |s: &str| forms(s, Form::Translit);
        assert_eq!(t("Београд"), ["beograd"]);
        assert_eq!(t("Београд"), t("Beograd"));
        assert_eq!(t("Београде"), t("Beogradu"));
        assert_eq!(t("вид на жительство"), t("vid na zhitelstvo"));
        assert_eq!(t("жительства"), t("zhitelstvo"));
        assert_eq!(t("Врачар"), t("Vračar"));
        assert_eq!(t("Белград"), t("Belgrade"));
        assert_eq!(transliterate("щука"), "shchuka");
    }

    #[test]
    fn long_words_survive_and_accents_stay_inside() {
        let long = "достопримечательностями".repeat(3);
        assert_eq!(forms(&long, Form::Exact)[0].chars().count(), 69);
        let mut w = Vec::new();
        analyze("Приве\u{301}т 👋 мир", Form::Exact, &mut w);
        assert_eq!(w.len(), 2);
        assert_eq!(w[0].form, "привет");
        assert_eq!((w[0].from, w[0].to), (0, 14)); // six letters and the accent, two bytes each
        assert_eq!(w[1].position, 1);
    }
}
