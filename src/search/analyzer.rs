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

type Memo = std::collections::HashMap<Box<str>, Box<str>, rustc_hash::FxBuildHasher>;

thread_local! {
    /// Stems and cross-script keys of words already seen: speech repeats its words (Zipf),
    /// so most lookups hit, and stemming is the costly part of analysis. Looked up by `&str`
    /// and copied into the caller's buffer, so a hit allocates nothing.
    static MEMO: std::cell::RefCell<[Memo; 2]> = Default::default();
}

fn memo_into(which: usize, folded: &str, f: fn(&str) -> String, out: &mut String) {
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        let map = &mut m[which];
        if let Some(v) = map.get(folded) {
            out.push_str(v);
            return;
        }
        if map.len() > 200_000 {
            map.clear(); // bounded: a long tail of rare words must not grow it forever
        }
        let v = f(folded);
        out.push_str(&v);
        map.insert(folded.into(), v.into_boxed_str());
    })
}

/// The byte spans of the words of a text, in order.
struct WordSpans<'a> {
    text: &'a str,
    chars: std::str::CharIndices<'a>,
}

impl<'a> WordSpans<'a> {
    fn new(text: &'a str) -> Self {
        WordSpans {
            text,
            chars: text.char_indices(),
        }
    }
}

impl Iterator for WordSpans<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let from = loop {
            let (i, c) = self.chars.next()?;
            if is_word_char(c) {
                break i;
            }
        };
        for (i, c) in self.chars.by_ref() {
            if !is_word_char(c) {
                return Some((from, i));
            }
        }
        Some((from, self.text.len()))
    }
}

/// Writes the `form` of the word `raw` into `out` (cleared first), using `folded` as scratch
/// space. False if the word has nothing left once folded (a lone combining accent).
fn form_into(raw: &str, form: Form, folded: &mut String, out: &mut String) -> bool {
    folded.clear();
    out.clear();
    for c in raw.chars().filter(|c| !is_combining(*c)) {
        push_lower(c, folded);
    }
    if folded.is_empty() {
        return false;
    }
    // Bytes first: no word of MAX_CHARS bytes or fewer can have more characters.
    if folded.len() > MAX_CHARS && folded.chars().count() > MAX_CHARS {
        let cut = folded
            .char_indices()
            .nth(MAX_CHARS)
            .map_or(folded.len(), |(i, _)| i);
        folded.truncate(cut);
    }
    match form {
        Form::Exact => out.push_str(folded),
        Form::Stem => memo_into(0, folded, stem, out),
        Form::Translit => memo_into(1, folded, translit_key, out),
    }
    true
}

/// The words of `text` in one form, appended to `out`.
pub fn analyze(text: &str, form: Form, out: &mut Vec<Word>) {
    let (mut folded, mut f) = (String::new(), String::new());
    let mut position = 0;
    for (from, to) in WordSpans::new(text) {
        if form_into(&text[from..to], form, &mut folded, &mut f) {
            out.push(Word {
                from,
                to,
                position,
                form: f.clone(),
            });
            position += 1;
        }
    }
}

/// The forms of a text's words, as strings (for query terms).
pub fn forms(text: &str, form: Form) -> Vec<String> {
    let mut words = Vec::new();
    analyze(text, form, &mut words);
    words.into_iter().map(|w| w.form).collect()
}

/// Whether a word form is written in Latin letters only (no Cyrillic).
pub fn is_latin_form(form: &str) -> bool {
    !form.chars().any(is_cyrillic)
}

/// A tantivy tokenizer producing one [`Form`]. It analyses word by word as tantivy asks for
/// tokens, writing each form into the token's own buffer: no allocation per word.
#[derive(Clone)]
pub struct FormTokenizer {
    form: Form,
    latin_only: bool,
}

impl FormTokenizer {
    pub fn new(form: Form) -> Self {
        FormTokenizer {
            form,
            latin_only: false,
        }
    }

    /// Emits only words without Cyrillic letters (keeping every word's position). The
    /// English-stem field uses it: a Cyrillic word's stem is found through its cross-script
    /// key, which the query builder uses for every query with a Cyrillic word, so indexing
    /// it twice would only cost time.
    pub fn latin_only(mut self) -> Self {
        self.latin_only = true;
        self
    }
}

/// The token stream of a [`FormTokenizer`].
pub struct FormStream<'a> {
    text: &'a str,
    spans: WordSpans<'a>,
    form: Form,
    latin_only: bool,
    position: usize,
    folded: String,
    token: tantivy::tokenizer::Token,
}

impl tantivy::tokenizer::Tokenizer for FormTokenizer {
    type TokenStream<'a> = FormStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> FormStream<'a> {
        FormStream {
            text,
            spans: WordSpans::new(text),
            form: self.form,
            latin_only: self.latin_only,
            position: 0,
            folded: String::new(),
            token: tantivy::tokenizer::Token::default(),
        }
    }
}

impl tantivy::tokenizer::TokenStream for FormStream<'_> {
    fn advance(&mut self) -> bool {
        while let Some((from, to)) = self.spans.next() {
            let raw = &self.text[from..to];
            if self.latin_only && raw.chars().any(is_cyrillic) {
                // Still a word (Cyrillic letters survive folding): it keeps its position.
                self.position += 1;
                continue;
            }
            if !form_into(raw, self.form, &mut self.folded, &mut self.token.text) {
                continue;
            }
            let position = self.position;
            self.position += 1;
            self.token.offset_from = from;
            self.token.offset_to = to;
            self.token.position = position;
            self.token.position_length = 1;
            return true;
        }
        false
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
