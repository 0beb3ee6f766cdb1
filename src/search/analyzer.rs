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
    c.is_alphanumeric() || is_combining(c)
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
        for l in c.to_lowercase() {
            out.push(if l == 'ё' { 'е' } else { l });
        }
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

/// Latin letters for a folded word.
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
            'й' => "y",
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
            'ч' => "ch",
            'ш' => "sh",
            'щ' => "shch",
            'ъ' | 'ь' => "",
            'ы' => "y",
            'ю' => "yu",
            'я' => "ya",
            'ї' => "yi",
            // Serbian Cyrillic, as Serbian Latin writes it (then without diacritics).
            'ђ' | 'đ' => "dj",
            'ј' => "j",
            'љ' => "lj",
            'њ' => "nj",
            'ћ' | 'č' | 'ć' => "c",
            'џ' => "dz",
            'š' => "s",
            'ž' => "z",
            c => {
                out.push(c);
                continue;
            }
        };
        out.push_str(s);
    }
    out
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
            Form::Stem => stem(&folded),
            Form::Translit => transliterate(&folded),
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
        assert_eq!(forms("Београд", Form::Translit), ["beograd"]);
        assert_eq!(forms("Beograd", Form::Translit), ["beograd"]);
        assert_eq!(
            forms("вид на жительство", Form::Translit),
            ["vid", "na", "zhitelstvo"]
        );
        assert_eq!(
            forms("Vračar, Đorđe", Form::Translit),
            ["vracar", "djordje"]
        );
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
