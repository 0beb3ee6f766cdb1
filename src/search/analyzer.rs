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
use std::ops::Range;
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

/// The folding the index applies, one character to one character (so that positions found
/// in folded text are positions in the original): lower case, `ё` as `е`. Finding text in a
/// transcript uses it, so `/` and the Search view agree on what matches what.
pub fn fold_char(c: char) -> char {
    match c {
        'ё' | 'Ё' => 'е',
        c => {
            let l = c.to_lowercase().next().unwrap_or(c);
            if l == 'ё' {
                'е'
            } else {
                l
            }
        }
    }
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

/// The stem and cross-script key of a folded word.
type Keys = (Box<str>, Box<str>);

thread_local! {
    /// Stems and cross-script keys of words already seen: speech repeats its words (Zipf),
    /// so most lookups hit, and stemming is the costly part of analysis.
    static MEMO: std::cell::RefCell<std::collections::HashMap<Box<str>, Keys, rustc_hash::FxBuildHasher>> =
        Default::default();
    /// The last text analysed on this thread. tantivy tokenizes a document's three word
    /// fields one after the other with the same text, so the second and third reuse the
    /// first's work instead of splitting and folding every word again.
    static LAST: std::cell::RefCell<Analysed> = Default::default();
}

/// Appends the stem and the cross-script key of the folded word at `out[folded]` to `out`;
/// returns their ranges.
fn keys_into(out: &mut String, folded: Range<usize>) -> (Range<usize>, Range<usize>) {
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        let push = |out: &mut String, (stem, translit): &Keys| {
            let s = out.len();
            out.push_str(stem);
            let t = out.len();
            out.push_str(translit);
            (s..t, t..out.len())
        };
        if let Some(keys) = m.get(&out[folded.clone()]) {
            return push(out, keys);
        }
        if m.len() > 200_000 {
            m.clear(); // bounded: a long tail of rare words must not grow it forever
        }
        let word = &out[folded];
        let keys: Keys = (stem(word).into(), translit_key(word).into());
        m.insert(word.into(), keys.clone());
        push(out, &keys)
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

/// One word of an analysed text: where it is and where its three forms are in
/// [`Analysed::forms`].
#[derive(Debug, Clone)]
struct WordForms {
    from: usize,
    to: usize,
    position: usize,
    cyrillic: bool,
    exact: Range<usize>,
    stem: Range<usize>,
    translit: Range<usize>,
}

impl WordForms {
    fn range(&self, form: Form) -> Range<usize> {
        match form {
            Form::Exact => self.exact.clone(),
            Form::Stem => self.stem.clone(),
            Form::Translit => self.translit.clone(),
        }
    }
}

/// Every word of one text with all its forms, from a single pass over the text.
#[derive(Debug, Default)]
struct Analysed {
    text: String,
    forms: String,
    words: Vec<WordForms>,
}

impl Clone for Analysed {
    fn clone(&self) -> Self {
        Analysed {
            text: self.text.clone(),
            forms: self.forms.clone(),
            words: self.words.clone(),
        }
    }

    /// Reuses this value's buffers: the tokenizers copy the cached analysis per field.
    fn clone_from(&mut self, source: &Self) {
        self.text.clone_from(&source.text);
        self.forms.clone_from(&source.forms);
        self.words.clone_from(&source.words);
    }
}

impl Analysed {
    /// Analyses `text`, reusing this value's buffers.
    fn fill(&mut self, text: &str) {
        self.text.clear();
        self.text.push_str(text);
        self.forms.clear();
        self.words.clear();
        let mut position = 0;
        for (from, to) in WordSpans::new(text) {
            let e = self.forms.len();
            for c in text[from..to].chars().filter(|c| !is_combining(*c)) {
                push_lower(c, &mut self.forms);
            }
            if self.forms.len() == e {
                continue; // a lone combining accent: not a word
            }
            // Bytes first: no word of MAX_CHARS bytes or fewer can have more characters.
            let folded = &self.forms[e..];
            if folded.len() > MAX_CHARS && folded.chars().count() > MAX_CHARS {
                let cut = folded
                    .char_indices()
                    .nth(MAX_CHARS)
                    .map_or(folded.len(), |(i, _)| i);
                self.forms.truncate(e + cut);
            }
            let exact = e..self.forms.len();
            let cyrillic = self.forms[exact.clone()].chars().any(is_cyrillic);
            let (stem, translit) = keys_into(&mut self.forms, exact.clone());
            self.words.push(WordForms {
                from,
                to,
                position,
                cyrillic,
                exact,
                stem,
                translit,
            });
            position += 1;
        }
    }

    /// `fill`, or a copy of this thread's last analysis when it was of the same text.
    fn fill_cached(&mut self, text: &str) {
        LAST.with(|last| {
            let mut last = last.borrow_mut();
            if last.text != text {
                last.fill(text);
            }
            self.clone_from(&last);
        })
    }
}

/// The words of `text` in one form, appended to `out`.
pub fn analyze(text: &str, form: Form, out: &mut Vec<Word>) {
    let mut a = Analysed::default();
    a.fill_cached(text);
    out.extend(a.words.iter().map(|w| Word {
        from: w.from,
        to: w.to,
        position: w.position,
        form: a.forms[w.range(form)].to_string(),
    }));
}

/// The forms of a text's words, as strings (for query terms).
pub fn forms(text: &str, form: Form) -> Vec<String> {
    let mut words = Vec::new();
    analyze(text, form, &mut words);
    words.into_iter().map(|w| w.form).collect()
}

/// Whether a word form is written without Cyrillic letters.
pub fn is_latin_form(form: &str) -> bool {
    !form.chars().any(is_cyrillic)
}

/// A tantivy tokenizer producing one [`Form`]. Each form is copied into the token's own
/// buffer: no allocation per word once the buffers have grown.
#[derive(Clone)]
pub struct FormTokenizer {
    form: Form,
    latin_only: bool,
    analysed: Analysed,
    /// Counts the texts this tokenizer (and its clones) analysed, when set.
    counter: Option<std::sync::Arc<std::sync::atomic::AtomicU64>>,
}

impl FormTokenizer {
    pub fn new(form: Form) -> Self {
        FormTokenizer {
            form,
            latin_only: false,
            analysed: Analysed::default(),
            counter: None,
        }
    }

    /// Adds one to `counter` for every text analysed. The index builder uses it to see how
    /// far tantivy's indexing threads have got (see `SearchIndex::add_interview`).
    pub fn counting(mut self, counter: std::sync::Arc<std::sync::atomic::AtomicU64>) -> Self {
        self.counter = Some(counter);
        self
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
    analysed: &'a Analysed,
    next: usize,
    form: Form,
    latin_only: bool,
    token: tantivy::tokenizer::Token,
}

impl tantivy::tokenizer::Tokenizer for FormTokenizer {
    type TokenStream<'a> = FormStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> FormStream<'a> {
        if let Some(c) = &self.counter {
            c.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        self.analysed.fill_cached(text);
        FormStream {
            analysed: &self.analysed,
            next: 0,
            form: self.form,
            latin_only: self.latin_only,
            token: tantivy::tokenizer::Token::default(),
        }
    }
}

impl tantivy::tokenizer::TokenStream for FormStream<'_> {
    fn advance(&mut self) -> bool {
        while let Some(w) = self.analysed.words.get(self.next) {
            self.next += 1;
            if self.latin_only && w.cyrillic {
                continue; // keeps its position: the next word's number is its own
            }
            self.token.text.clear();
            self.token
                .text
                .push_str(&self.analysed.forms[w.range(self.form)]);
            self.token.offset_from = w.from;
            self.token.offset_to = w.to;
            self.token.position = w.position;
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

    fn tokens(t: FormTokenizer, text: &str) -> Vec<(String, usize)> {
        use tantivy::tokenizer::{TokenStream, Tokenizer};
        let mut t = t;
        let mut s = t.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            out.push((s.token().text.clone(), s.token().position));
        }
        out
    }

    #[test]
    fn tokenizers_share_one_analysis_but_not_its_mistakes() {
        let text = "Работаю remote, это working";
        // Latin-only stems keep every word's position.
        assert_eq!(
            tokens(FormTokenizer::new(Form::Stem).latin_only(), text),
            [("remot".to_string(), 1), ("work".to_string(), 3)]
        );
        // The next field over the same text reuses the analysis; another text does not.
        assert_eq!(
            tokens(FormTokenizer::new(Form::Exact), text)[0].0,
            "работаю"
        );
        assert_eq!(
            tokens(FormTokenizer::new(Form::Exact), "Другой текст")[0].0,
            "другой"
        );
        assert_eq!(
            tokens(FormTokenizer::new(Form::Translit), text),
            forms(text, Form::Translit)
                .into_iter()
                .zip(0..)
                .collect::<Vec<_>>()
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
