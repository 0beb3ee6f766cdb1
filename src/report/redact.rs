//! Redaction of names (people, places, employers) in quotes exported into papers.
//! A listed term is hidden in every word form a transcript can contain it in: Russian case
//! forms and possessives, English possessives and plurals, the other script's spellings, and
//! each capitalised word of a multi-word name on its own.
//!
//! How: the text and every form are *folded* (lower case, ё as е, Serbian Latin diacritics
//! dropped, whitespace runs as one space, a possessive apostrophe dropped), the forms are
//! matched as whole words in the folded text, and the matches are mapped back to the original.
//! Forms are enumerated from a closed set of endings per declension type, never wildcards.
//!
//! Over-redaction is deliberate wherever a name is also a word (Вера and "вера", Лев and
//! "левом", Марко and "марка"): a leaked name harms a participant, an extra `[…]` does not.
//!
//! (Over 900 lines on purpose: the Russian and English form rules, the folding and the
//! mapping back to the original text are one algorithm; its tests are in `redact_tests.rs`.)

use regex::{Regex, RegexBuilder};
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// What a hidden name becomes.
const REPLACEMENT: &str = "[…]";
/// Words longer than this are not names: they are matched exactly, without word forms or
/// transliterations (which would multiply a hostile 400,000-character term).
const MAX_NAME_CHARS: usize = 48;
/// Terms of more words than this are matched only exactly, as one phrase.
const MAX_PHRASE_WORDS: usize = 8;
/// At most this many spellings of one word in the other script (the tables below combine).
const MAX_SPELLINGS: usize = 16;
/// Generous: a few hundred names with all their forms compile far below this; beyond it the
/// terms are split into smaller regexes (see [`compile`]).
const REGEX_SIZE_LIMIT: usize = 128 << 20;
const DFA_SIZE_LIMIT: usize = 16 << 20;

/// Hides the word forms of a list of terms.
pub struct Redactor {
    matchers: Vec<Matcher>,
}

impl Redactor {
    /// Builds a redactor for the listed terms (names of people, places, employers; either script).
    pub fn new<S: AsRef<str>>(terms: &[S]) -> Redactor {
        let mut seen = BTreeSet::new();
        let mut entries = Vec::new();
        for term in terms {
            for entry in entries_for_term(term.as_ref()) {
                if seen.insert(entry.slots.clone()) {
                    entries.push(entry);
                }
            }
        }
        let mut matchers = Vec::new();
        compile(&entries, REGEX_SIZE_LIMIT, &mut matchers);
        Redactor { matchers }
    }

    /// `text` with every word form of every term replaced by "[…]".
    pub fn apply(&self, text: &str) -> String {
        if self.matchers.is_empty() {
            return text.to_string();
        }
        let folded = Folded::new(text);
        let mut spans: Vec<(usize, usize)> = Vec::new();
        for m in &self.matchers {
            m.spans(&folded.text, &mut spans);
        }
        let spans = spans.into_iter().map(|(s, e)| folded.original(s, e));
        replace_spans(text, spans)
    }

    /// True when there is nothing to redact.
    pub fn is_empty(&self) -> bool {
        self.matchers.is_empty()
    }
}

// ---------------------------------------------------------------------------------------------
// Entries: what one term expands to.

/// One thing to find: a sequence of words (one for a single-word term), each given as all of
/// its folded forms; the words are separated by one space in folded text.
#[derive(Clone, Debug)]
struct Entry {
    slots: Vec<Vec<String>>,
}

/// The entries of one listed term: the term itself and, for a multi-word term, each of its
/// capitalised words of 3+ letters (so "In Nizhny I had..." is caught for "Nizhny Novgorod",
/// while "45" of "Block 45" is not hidden everywhere).
fn entries_for_term(term: &str) -> Vec<Entry> {
    if term.chars().filter(|c| c.is_alphabetic()).count() < 2 {
        return Vec::new();
    }
    let words: Vec<&str> = term.split_whitespace().collect();
    if words.len() > MAX_PHRASE_WORDS {
        let slots = words.iter().map(|w| vec![fold(w)]).collect();
        return vec![Entry { slots }];
    }
    let slots: Vec<Vec<String>> = words.iter().map(|w| word_forms(w)).collect();
    let mut entries = vec![Entry {
        slots: slots.clone(),
    }];
    if words.len() > 1 {
        for (word, forms) in words.iter().zip(slots) {
            let capitalised = word.chars().next().is_some_and(char::is_uppercase);
            if capitalised && word.chars().filter(|c| c.is_alphabetic()).count() >= 3 {
                entries.push(Entry { slots: vec![forms] });
            }
        }
    }
    entries
}

/// Every folded form of one word of a term: itself, its declension or English forms, and its
/// spellings in the other script with their forms.
fn word_forms(word: &str) -> Vec<String> {
    let mut forms = BTreeSet::new();
    forms.insert(fold(word));
    // A name typed with punctuation around it in the list ("(Дима)", "Dima,") still declines.
    let word = word.trim_matches(|c: char| !c.is_alphanumeric());
    if is_name_like(word) {
        let lower = word.to_lowercase();
        if lower.chars().any(is_cyrillic) {
            forms.extend(decline(&fold(&lower)));
            for latin in cyrillic_to_latin(&lower) {
                forms.extend(latin_forms(&latin));
            }
        } else {
            let latin = fold(&lower);
            forms.extend(latin_forms(&latin));
            for cyr in latin_to_cyrillic(&latin) {
                forms.extend(decline(&cyr));
            }
        }
    }
    forms.remove("");
    forms.into_iter().collect()
}

/// Letters, with hyphens or apostrophes only between letters, and short enough to be a name.
/// Anything else (digits, symbols, regex metacharacters, huge strings) is matched exactly.
fn is_name_like(word: &str) -> bool {
    let chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    n <= MAX_NAME_CHARS
        && chars.first().is_some_and(|c| c.is_alphabetic())
        && chars.last().is_some_and(|c| c.is_alphabetic())
        && chars
            .iter()
            .all(|&c| c.is_alphabetic() || matches!(c, '-' | '\'' | '’'))
}

fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

// ---------------------------------------------------------------------------------------------
// Folding: the one normal form that both the text and the forms are compared in.

/// A folded text and, for each of its bytes, the byte offset in the original it came from.
struct Folded {
    text: String,
    origin: Vec<usize>,
    original_len: usize,
}

impl Folded {
    fn new(original: &str) -> Folded {
        let chars: Vec<(usize, char)> = original.char_indices().collect();
        let mut text = String::with_capacity(original.len());
        let mut origin = Vec::with_capacity(original.len());
        let mut in_space = false;
        for (i, &(at, c)) in chars.iter().enumerate() {
            let mut push = |s: &str| {
                text.push_str(s);
                origin.extend(std::iter::repeat_n(at, s.len()));
            };
            if c.is_whitespace() {
                if !in_space {
                    push(" ");
                }
                in_space = true;
                continue;
            }
            in_space = false;
            if matches!(c, '\'' | '’') {
                if !is_possessive_apostrophe(&chars, i) {
                    push("'");
                }
                continue;
            }
            // İ lower-cases to i + combining dot; the dot would keep "İstanbul" from "istanbul".
            if c == 'İ' {
                push("i");
                continue;
            }
            for l in c.to_lowercase() {
                let mut buf = [0u8; 4];
                match fold_letter(l) {
                    Some(f) => push(f),
                    None => push(l.encode_utf8(&mut buf)),
                }
            }
        }
        Folded {
            text,
            origin,
            original_len: original.len(),
        }
    }

    /// The original byte range of the folded byte range `start..end`.
    fn original(&self, start: usize, end: usize) -> (usize, usize) {
        let at = |i: usize| self.origin.get(i).copied().unwrap_or(self.original_len);
        (at(start), at(end))
    }
}

fn fold(s: &str) -> String {
    Folded::new(s).text
}

/// The apostrophe of "Dima's" / "Dima’s" / "Dimas'" is dropped in folded text, so that the
/// plural form "dimas" covers every English possessive. Other apostrophes stay.
fn is_possessive_apostrophe(chars: &[(usize, char)], i: usize) -> bool {
    let at = |j: usize| chars.get(j).map(|&(_, c)| c);
    let Some(prev) = i.checked_sub(1).and_then(at) else {
        return false;
    };
    if !is_word_char(prev) {
        return false;
    }
    let s_after = matches!(at(i + 1), Some('s' | 'S')) && !at(i + 2).is_some_and(is_word_char);
    matches!(prev, 's' | 'S') || s_after
}

/// Letters folded beyond lower case: ё is written as е about half the time, and Serbian
/// Latin is often typed without diacritics (Miloš/Milos, Đorđe/Djordje).
fn fold_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'ё' => "е",
        'š' => "s",
        'č' | 'ć' => "c",
        'ž' => "z",
        'đ' => "dj",
        _ => return None,
    })
}

/// Word characters exactly as the regex's `\w` sees them, so that trimming regex matches and
/// the literal fallback ([`literal_spans`]) draw word boundaries where the regex does.
fn is_word_char(c: char) -> bool {
    static WORD: OnceLock<Option<Regex>> = OnceLock::new();
    let mut buf = [0u8; 4];
    match WORD.get_or_init(|| Regex::new(r"\A\w\z").ok()) {
        Some(re) => re.is_match(c.encode_utf8(&mut buf)),
        None => c.is_alphanumeric() || c == '_',
    }
}

// ---------------------------------------------------------------------------------------------
// Russian declension. The input is a folded Cyrillic word (lower case, е for ё). Each rule
// names a stem and a closed list of endings; a stem under 2 letters keeps the word exact.
// Where a word is ambiguous (Евгений noun or Нижний adjective; Игорь masculine or Рязань
// feminine) both paradigms are used: a form that cannot occur costs nothing.

/// Short possessive adjective (Димин, Пашин, Горанов), all genders, numbers and cases.
const POSSESSIVE: &[&str] = &[
    "", "а", "у", "о", "ом", "ой", "ою", "ы", "ых", "ым", "ыми", "ого", "ому",
];
/// -а after a hard consonant: Дима Димы Диме Диму Димой Димою, and the spoken vocative
/// ("Дим, ты где?"), which is the bare stem.
const A_HARD: &[&str] = &["а", "ы", "е", "у", "ой", "ою", ""];
/// -а after г к х ж ш ч щ: Паша Паши Паше Пашу Пашей Пашею, Ольгой; vocative Паш.
const A_SOFT: &[&str] = &["а", "и", "е", "у", "ой", "ою", "ей", "ею", ""];
/// -я: Аня Ани Ане Аню Аней Анею; Илья Ильи Илье Илью Ильёй; vocative Ань.
const YA: &[&str] = &["я", "и", "е", "ю", "ей", "ею", "ь"];
/// -ия: Мария Марии Марию Марией, and its colloquial -ья forms (Марьей).
const IYA: &[&str] = &[
    "ия", "ии", "ию", "ией", "иею", "ья", "ьи", "ье", "ью", "ьей", "ьею",
];
/// Hard consonant: Горан Горана Горану Гораном Горане.
const HARD: &[&str] = &["", "а", "у", "ом", "е"];
/// ж ш ч щ ц stems also take -ем: Милошем.
const HUSHING: &[&str] = &["", "а", "у", "ом", "ем", "е"];
/// Family names and places in -ов/-ев/-ин/-ын: Иванов Иванова Иванову Ивановым Иванове
/// Ивановой Ивановых; Пушкин Пушкиным; Ростов Ростовом.
const SURNAME: &[&str] = &["", "а", "у", "ом", "е", "ым", "ой", "ою", "ы", "ых", "ыми"];
/// -й after a vowel: Андрей Андрея Андрею Андреем Андрее.
const J: &[&str] = &["й", "я", "ю", "ем", "е"];
/// -ий noun: Василий Василия Василию Василием Василии.
const IJ: &[&str] = &["ий", "ия", "ию", "ием", "ии"];
/// -ие noun: Поморие Помория.
const IE: &[&str] = &["ие", "ия", "ию", "ием", "ии"];
/// -ь, masculine (Игорь Игоря Игорю Игорем Игоре) and feminine (Рязани Рязанью) together.
const SOFT_SIGN: &[&str] = &["ь", "я", "ю", "ем", "е", "и", "ью"];
/// -о, colloquially declined: Марко Марка Марку Марком Марке; Купчино, Иваново.
const O: &[&str] = &["о", "а", "у", "ом", "е"];
/// Adjectives (places like Красная Поляна, family names like Толстой): every gender, number
/// and case, since a place's gender is fixed but which one is not known here.
const ADJ_HARD: &[&str] = &[
    "ый", "ой", "ого", "ому", "ым", "ом", "ая", "ую", "ою", "ое", "ые", "ых", "ыми",
];
const ADJ_VELAR: &[&str] = &[
    "ий", "ой", "ого", "ому", "им", "ом", "ая", "ую", "ою", "ое", "ие", "их", "ими",
];
const ADJ_HUSHING: &[&str] = &[
    "ий", "ой", "ого", "ому", "им", "ом", "ая", "ую", "ою", "ое", "ие", "их", "ими", "его", "ему",
    "ем", "ей", "ею", "ее",
];
const ADJ_SOFT: &[&str] = &[
    "ий", "его", "ему", "им", "ем", "яя", "юю", "ей", "ею", "ее", "ие", "их", "ими",
];

fn is_velar(c: char) -> bool {
    matches!(c, 'г' | 'к' | 'х')
}

fn is_hushing(c: char) -> bool {
    matches!(c, 'ж' | 'ш' | 'ч' | 'щ')
}

fn is_russian_vowel(c: char) -> bool {
    matches!(c, 'а' | 'е' | 'ё' | 'и' | 'о' | 'у' | 'ы' | 'э' | 'ю' | 'я')
}

/// The adjective paradigm for a stem ending in `last`; `soft` for Нижний/Верхняя-like words.
fn adjective(last: char, soft: bool) -> &'static [&'static str] {
    if is_velar(last) {
        ADJ_VELAR
    } else if is_hushing(last) {
        ADJ_HUSHING
    } else if soft {
        ADJ_SOFT
    } else {
        ADJ_HARD
    }
}

/// The word and all its case forms (see the tables above).
fn decline(word: &str) -> Vec<String> {
    let mut forms = vec![word.to_string()];
    let chars: Vec<char> = word.chars().collect();
    if !chars.iter().all(|&c| is_cyrillic(c) || c == '-') {
        return forms;
    }
    for p in paradigms(&chars) {
        // A stem under 2 letters ("Ия", "Ой") would give forms shorter than any name and
        // mostly ordinary words: such a word stays exact.
        if p.stem.chars().filter(|c| c.is_alphabetic()).count() >= 2 {
            forms.extend(p.endings.iter().map(|e| format!("{}{}{e}", p.stem, p.link)));
        }
    }
    forms
}

/// Forms `stem + link + ending`; the link is a letter only some forms have (the ь of Марьин,
/// Васильев; the ин of Димин).
struct Paradigm {
    stem: String,
    link: &'static str,
    endings: &'static [&'static str],
}

/// The paradigms of a word, chosen by its ending.
fn paradigms(w: &[char]) -> Vec<Paradigm> {
    let n = w.len();
    let word: String = w.iter().collect();
    // An ending, with at least one letter before it.
    let ends = |s: &str| word.ends_with(s) && n > s.chars().count();
    let last = w.last().copied().unwrap_or(' ');
    let before = |k: usize| if n > k { w[n - k - 1] } else { ' ' };
    let p = |cut: usize, link: &'static str, endings: &'static [&'static str]| Paradigm {
        stem: w[..n.saturating_sub(cut)].iter().collect(),
        link,
        endings,
    };
    if ends("ия") {
        vec![p(2, "", IYA), p(2, "ьин", POSSESSIVE)]
    } else if ends("ая") || ends("яя") {
        vec![p(2, "", adjective(before(2), ends("яя"))), p(1, "", YA)]
    } else if last == 'я' {
        vec![p(1, "", YA), p(1, "ин", POSSESSIVE)]
    } else if last == 'а' {
        let soft = is_velar(before(1)) || is_hushing(before(1));
        vec![
            p(1, "", if soft { A_SOFT } else { A_HARD }),
            p(1, "ин", POSSESSIVE),
        ]
    } else if ends("ий") {
        let mut out = vec![p(2, "", IJ), p(2, "ьев", POSSESSIVE)];
        let c = before(2);
        if is_velar(c) || is_hushing(c) || c == 'н' {
            out.push(p(2, "", adjective(c, true)));
        }
        out
    } else if ends("ый") {
        vec![p(2, "", ADJ_HARD)]
    } else if ends("ой") {
        vec![p(2, "", adjective(before(2), false)), p(1, "", J)]
    } else if last == 'й' {
        vec![p(1, "", J), p(1, "ев", POSSESSIVE)]
    } else if ends("ое") || ends("ые") {
        vec![p(2, "", adjective(before(2), false))]
    } else if ends("ее") {
        vec![p(2, "", adjective(before(2), true))]
    } else if ends("ие") {
        vec![p(2, "", adjective(before(2), true)), p(2, "", IE)]
    } else if last == 'ь' {
        vec![p(1, "", SOFT_SIGN), p(1, "ев", POSSESSIVE)]
    } else if last == 'о' {
        vec![p(1, "", O)]
    } else if !is_russian_vowel(last) && last != '-' {
        consonant_paradigms(w)
    } else {
        Vec::new()
    }
}

/// Nouns ending in a consonant (Горан, Милош, Екатеринбург, Иванов, Павел).
fn consonant_paradigms(w: &[char]) -> Vec<Paradigm> {
    let word: String = w.iter().collect();
    let last = w[w.len() - 1];
    let hushing = is_hushing(last) || last == 'ц';
    let surname = ["ов", "ев", "ин", "ын"].iter().any(|e| word.ends_with(e));
    let cases = match (surname, hushing) {
        (true, _) => SURNAME,
        (false, true) => HUSHING,
        (false, false) => HARD,
    };
    let p = |stem: &str, link, endings| Paradigm {
        stem: stem.to_string(),
        link,
        endings,
    };
    let mut out = vec![p(&word, "", cases), p(&word, "ов", POSSESSIVE)];
    if hushing {
        out.push(p(&word, "ев", POSSESSIVE));
    }
    if let Some(stem) = fleeting_stem(w) {
        out.push(p(&stem, "", if hushing { HUSHING } else { HARD }));
        out.push(p(&stem, "ов", POSSESSIVE));
    }
    out
}

/// The stem without its fleeting vowel: Павел -> павл, Лев -> льв, Елец -> ельц, Орёл -> орл.
/// Only the endings where the vowel usually drops; Пётр (петр) has no vowel there. Where
/// the vowel does not actually drop (Марек), the extra forms are harmless non-words.
fn fleeting_stem(w: &[char]) -> Option<String> {
    let word: String = w.iter().collect();
    let n = w.len();
    let fleeting = ["ел", "ец", "ок", "ек"].iter().any(|e| word.ends_with(e)) || word == "лев";
    if !fleeting || n < 3 || is_russian_vowel(w[n - 3]) {
        return None;
    }
    let mut stem: String = w[..n - 2].iter().collect();
    if w[n - 3] == 'л' {
        stem.push('ь');
    }
    stem.push(w[n - 1]);
    Some(stem)
}

// ---------------------------------------------------------------------------------------------
// English / Latin script forms.

/// The word, its plural and (since possessive apostrophes are dropped in folded text) its
/// possessives: Dima, Dimas = Dima's, Dima’s, Dimas'.
fn latin_forms(word: &str) -> Vec<String> {
    let mut forms = vec![word.to_string(), format!("{word}s")];
    if ["s", "x", "z", "sh", "ch"]
        .iter()
        .any(|e| word.ends_with(e))
    {
        forms.push(format!("{word}es"));
    }
    forms
}

// ---------------------------------------------------------------------------------------------
// Transliteration tables. Unlike a search key, which wants one canonical spelling, redaction
// must catch every spelling a transcriber, a participant's passport or an English paper might
// use, so each letter maps to all its common variants (BGN/PCGN, passport/ICAO, German-like j):
// й -> y/i/j, я -> ya/ia/ja, ю -> yu/iu/ju, ё -> yo/e/io, х -> kh/h, щ -> shch/sch, ь ъ -> nothing,
// final -ий -> iy/y/ii/i. The combinations are capped at MAX_SPELLINGS per word, primary first.

/// Latin spellings (folded) of a lower-case Cyrillic word; ё must still be ё here (Тёма ->
/// Tyoma). Serbian Cyrillic uses the Serbian Latin alphabet; a word in letters common to both
/// (Милош) gets both readings (Milosh, Milos).
fn cyrillic_to_latin(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let serbian_only = chars.iter().any(|c| "ђјљњћџ".contains(*c));
    let russian_only = chars.iter().any(|c| "йыэяющъьё".contains(*c));
    let mut out = Vec::new();
    if !serbian_only {
        out.extend(combine(&russian_to_latin_tokens(&chars)));
    }
    if !russian_only {
        out.push(chars.iter().map(|&c| serbian_latin(c)).collect());
    }
    out
}

fn russian_to_latin_tokens(chars: &[char]) -> Vec<Vec<String>> {
    let n = chars.len();
    let mut tokens: Vec<Vec<String>> = Vec::new();
    let mut i = 0;
    while i < n {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let final_pair = i + 2 == n;
        let pair: Option<&[&str]> = match (c, next) {
            ('и', Some('й')) if final_pair => Some(&["iy", "y", "ii", "i", "ij"]),
            ('ы', Some('й')) if final_pair => Some(&["y", "iy", "yi"]),
            ('и', Some('я')) if final_pair => Some(&["ia", "iya", "iia"]),
            ('к', Some('с')) => Some(&["ks", "x"]),
            _ => None,
        };
        if let Some(p) = pair {
            tokens.push(p.iter().map(|s| s.to_string()).collect());
            i += 2;
            continue;
        }
        let after_vowel =
            i == 0 || matches!(chars[i - 1], 'ь' | 'ъ') || is_russian_vowel(chars[i - 1]);
        let options: &[&str] = match c {
            'а' => &["a"],
            'б' => &["b"],
            'в' => &["v"],
            'г' => &["g"],
            'д' => &["d"],
            'е' if after_vowel => &["ye", "e"],
            'е' => &["e"],
            'ё' => &["yo", "e", "io"],
            'ж' => &["zh"],
            'з' => &["z"],
            'и' => &["i"],
            'й' => &["y", "i", "j"],
            'к' => &["k"],
            'л' => &["l"],
            'м' => &["m"],
            'н' => &["n"],
            'о' => &["o"],
            'п' => &["p"],
            'р' => &["r"],
            'с' => &["s"],
            'т' => &["t"],
            'у' => &["u"],
            'ф' => &["f"],
            'х' => &["kh", "h"],
            'ц' => &["ts", "c", "tz"],
            'ч' => &["ch"],
            'ш' => &["sh"],
            'щ' => &["shch", "sch"],
            'ъ' | 'ь' => &[""],
            'ы' => &["y", "i"],
            'э' => &["e"],
            'ю' => &["yu", "iu", "ju"],
            'я' => &["ya", "ia", "ja"],
            _ => {
                tokens.push(vec![fold(&c.to_string())]);
                i += 1;
                continue;
            }
        };
        tokens.push(options.iter().map(|s| s.to_string()).collect());
        i += 1;
    }
    tokens
}

/// Serbian Cyrillic to Serbian Latin, already folded (š -> s, đ -> dj).
fn serbian_latin(c: char) -> String {
    let s = match c {
        'ђ' => "dj",
        'ј' => "j",
        'љ' => "lj",
        'њ' => "nj",
        'ћ' | 'ч' | 'ц' => "c",
        'џ' => "dz",
        'ж' => "z",
        'ш' => "s",
        'х' => "h",
        'а' => "a",
        'б' => "b",
        'в' => "v",
        'г' => "g",
        'д' => "d",
        'е' => "e",
        'з' => "z",
        'и' => "i",
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
        other => return fold(&other.to_string()),
    };
    s.to_string()
}

/// Russian Cyrillic spellings (folded: е for ё) of a folded Latin word: Dima -> дима,
/// Andrei -> андрей, Tyoma -> тьема/тема, Nizhny -> нижний, Yekaterinburg -> екатеринбург.
fn latin_to_cyrillic(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let n = chars.len();
    let is_vowel = |c: char| "aeiouy".contains(c);
    let at = |i: usize| chars.get(i).copied();
    let starts = |i: usize, s: &str| s.chars().enumerate().all(|(k, c)| at(i + k) == Some(c));
    let mut tokens: Vec<Vec<String>> = Vec::new();
    let mut i = 0;
    while i < n {
        let c = chars[i];
        let prev_vowel = i > 0 && is_vowel(chars[i - 1]);
        let at_end = i + 1 == n;
        let next_consonant = at(i + 1).is_some_and(|c| c.is_ascii_lowercase() && !is_vowel(c));
        // Multi-letter spellings first, longest first.
        let digraphs: &[(&str, &[&str])] = &[
            ("shch", &["щ"]),
            ("sch", &["щ", "сч"]),
            ("zh", &["ж"]),
            ("kh", &["х"]),
            ("ch", &["ч"]),
            ("sh", &["ш"]),
            ("ts", &["ц", "тс"]),
            ("tz", &["ц"]),
            ("ph", &["ф"]),
            ("ia", &["ия", "ья", "я"]),
            ("iu", &["ию", "ью", "ю"]),
            ("io", &["ио", "ье", "е"]),
        ];
        if let Some((d, opts)) = digraphs.iter().find(|(d, _)| starts(i, d)) {
            tokens.push(opts.iter().map(|s| s.to_string()).collect());
            i += d.chars().count();
            continue;
        }
        // y/j before a vowel is the iotated vowel (Yulia, Tatyana, Ilya -> Илья).
        if matches!(c, 'y' | 'j') {
            let iotated = match at(i + 1) {
                Some('a') => Some("я"),
                Some('u') => Some("ю"),
                Some('o' | 'e') => Some("е"),
                _ => None,
            };
            if let Some(v) = iotated {
                let opts = if i == 0 || prev_vowel {
                    vec![v.to_string()]
                } else {
                    vec![format!("ь{v}"), v.to_string()]
                };
                tokens.push(opts);
                i += 2;
                continue;
            }
        }
        let options: &[&str] = match c {
            'y' if prev_vowel => &["й"],
            'y' if at_end => &["ий", "ый", "и"],
            'y' => &["ы", "и"],
            'i' if prev_vowel && (at_end || next_consonant) => &["й", "и"],
            'e' if i == 0 => &["е", "э"],
            // Final or pre-consonant l/r/n may be soft: Igor -> Игорь, Olga -> Ольга.
            'l' if at_end || next_consonant => &["л", "ль"],
            'r' | 'n' if at_end => &[
                if c == 'r' { "р" } else { "н" },
                if c == 'r' { "рь" } else { "нь" },
            ],
            'a' => &["а"],
            'b' => &["б"],
            'c' => &["к", "ц"],
            'd' => &["д"],
            'e' => &["е"],
            'f' => &["ф"],
            'g' => &["г"],
            'h' => &["х"],
            'i' => &["и"],
            'j' => &["й", "дж"],
            'k' => &["к"],
            'l' => &["л"],
            'm' => &["м"],
            'n' => &["н"],
            'o' => &["о"],
            'p' => &["п"],
            'q' => &["к"],
            'r' => &["р"],
            's' => &["с"],
            't' => &["т"],
            'u' => &["у"],
            'v' | 'w' => &["в"],
            'x' => &["кс"],
            'z' => &["з"],
            _ => {
                tokens.push(vec![c.to_string()]);
                i += 1;
                continue;
            }
        };
        tokens.push(options.iter().map(|s| s.to_string()).collect());
        i += 1;
    }
    combine(&tokens)
}

/// Every combination of the tokens' options, primary options first, at most MAX_SPELLINGS.
fn combine(tokens: &[Vec<String>]) -> Vec<String> {
    let mut acc = vec![String::new()];
    for options in tokens {
        let mut next = Vec::with_capacity(MAX_SPELLINGS);
        'outer: for prefix in &acc {
            for o in options {
                if next.len() == MAX_SPELLINGS {
                    break 'outer;
                }
                next.push(format!("{prefix}{o}"));
            }
        }
        acc = next;
    }
    acc
}

// ---------------------------------------------------------------------------------------------
// Matching.

enum Matcher {
    /// The fast path: many entries in one regex.
    Regex(Regex),
    /// The last resort for an entry no regex can hold: plain substring search.
    Literal(Entry),
}

impl Matcher {
    /// Pushes the folded byte range of every match. Searching again one character after each
    /// match start (not after its end) finds every start any entry can match at, so that a
    /// split of the entries over several matchers never hides less than one regex would.
    fn spans(&self, hay: &str, out: &mut Vec<(usize, usize)>) {
        match self {
            Matcher::Regex(re) => {
                let char_len = |at: usize| hay[at..].chars().next().map_or(1, char::len_utf8);
                let mut pos = 0;
                while let Some(m) = re.find_at(hay, pos) {
                    // Trim the boundary characters: every form starts and ends with a word
                    // character, so a non-word character at either end is the boundary.
                    let mut start = m.start();
                    if !hay[start..].chars().next().is_some_and(is_word_char) {
                        start += char_len(start);
                    }
                    let mut end = m.end();
                    if let Some(c) = hay[..end].chars().next_back().filter(|&c| !is_word_char(c)) {
                        end -= c.len_utf8();
                    }
                    out.push((start, end));
                    pos = start + char_len(start);
                    if pos > hay.len() {
                        break;
                    }
                }
            }
            Matcher::Literal(entry) => literal_spans(entry, hay, out),
        }
    }
}

/// Compiles the entries into as few regexes as will build: all in one if possible, else
/// halves, down to a single entry, which if it still cannot compile is searched literally.
/// An entry whose outer edge is not a word character (a term like "a.b*c(") is always
/// searched literally: the regex's boundary rule assumes names begin and end with letters.
fn compile(entries: &[Entry], size_limit: usize, out: &mut Vec<Matcher>) {
    let (worded, odd): (Vec<Entry>, Vec<Entry>) = entries.iter().cloned().partition(has_word_edges);
    compile_regexes(&worded, size_limit, out);
    out.extend(odd.into_iter().map(Matcher::Literal));
}

fn compile_regexes(entries: &[Entry], size_limit: usize, out: &mut Vec<Matcher>) {
    if entries.is_empty() {
        return;
    }
    if let Some(re) = build_regex(entries, size_limit) {
        out.push(Matcher::Regex(re));
    } else if let [entry] = entries {
        out.push(Matcher::Literal(entry.clone()));
    } else {
        let (a, b) = entries.split_at(entries.len() / 2);
        compile_regexes(a, size_limit, out);
        compile_regexes(b, size_limit, out);
    }
}

/// Every form an entry can start with starts with a word character, and every form it can
/// end with ends with one.
fn has_word_edges(entry: &Entry) -> bool {
    let (Some(first), Some(last)) = (entry.slots.first(), entry.slots.last()) else {
        return false;
    };
    first
        .iter()
        .all(|f| f.chars().next().is_some_and(is_word_char))
        && last
            .iter()
            .all(|f| f.chars().last().is_some_and(is_word_char))
}

/// One alternation of every form of every entry, longest alternatives first so that a longer
/// form (Диминой before Димин, "nizhny novgorod" before "nizhny") wins at the same start.
/// Whole words: a non-word character or the end of the text on each side. (Not `\b`: a
/// Unicode `\b` keeps the regex crate's fast DFA off any non-ASCII text; the boundary
/// characters this consumes are trimmed off again in [`Matcher::spans`].)
fn build_regex(entries: &[Entry], size_limit: usize) -> Option<Regex> {
    let mut alternatives: Vec<(usize, String)> = Vec::new();
    for entry in entries {
        if let [forms] = entry.slots.as_slice() {
            alternatives.extend(forms.iter().map(|f| (f.len(), regex::escape(f))));
        } else {
            alternatives.push(phrase_alternative(entry));
        }
    }
    alternatives.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    alternatives.dedup();
    let mut pattern = String::from(r"(?:\A|\W)(?:");
    for (k, (_, alt)) in alternatives.iter().enumerate() {
        if k > 0 {
            pattern.push('|');
        }
        pattern.push_str(alt);
    }
    pattern.push_str(r")(?:\W|\z)");
    // Matching is case-insensitive because the text and every form are folded to lower case
    // (folding also equates ё/е and š/s, which no regex flag does). The regex flag on top
    // would add nothing but cost: it turns each literal into a class of cases, which measured
    // 3x slower to build and, with 10,000 terms, 400x slower to match.
    RegexBuilder::new(&pattern)
        .case_insensitive(false)
        .unicode(true)
        .size_limit(size_limit)
        .dfa_size_limit(DFA_SIZE_LIMIT)
        .build()
        .ok()
}

/// A multi-word entry as a regex: its words' forms separated by one space (folded text has
/// one space for any whitespace run). Sorted by its longest possible length.
fn phrase_alternative(entry: &Entry) -> (usize, String) {
    let mut len = entry.slots.len() - 1;
    let mut parts = Vec::new();
    for forms in &entry.slots {
        let mut forms: Vec<&String> = forms.iter().collect();
        forms.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        len += forms.first().map_or(0, |f| f.len());
        let alts: Vec<String> = forms.iter().map(|f| regex::escape(f)).collect();
        parts.push(format!("(?:{})", alts.join("|")));
    }
    (len, parts.join(" "))
}

/// The fallback for one entry: every occurrence of every form, with the same word-boundary
/// rule as the regex. It finds every span the regex could, and possibly more.
fn literal_spans(entry: &Entry, hay: &str, out: &mut Vec<(usize, usize)>) {
    let Some(first) = entry.slots.first() else {
        return;
    };
    for form in first {
        if form.is_empty() {
            continue;
        }
        let mut from = 0;
        while let Some(off) = hay[from..].find(form.as_str()) {
            let start = from + off;
            if left_edge_ok(hay, start, form) {
                if let Some(end) = extend(entry, 0, hay, start + form.len(), form) {
                    out.push((start, end));
                }
            }
            from = start + hay[start..].chars().next().map_or(1, char::len_utf8);
        }
    }
}

/// The furthest end of a match of `entry.slots[slot + 1..]` continuing at `pos`, given that
/// slot `slot` matched as `form`.
fn extend(entry: &Entry, slot: usize, hay: &str, pos: usize, form: &str) -> Option<usize> {
    if slot + 1 == entry.slots.len() {
        return right_edge_ok(hay, pos, form).then_some(pos);
    }
    let rest = hay[pos..].strip_prefix(' ')?;
    entry.slots[slot + 1]
        .iter()
        .filter(|f| !f.is_empty() && rest.starts_with(f.as_str()))
        .filter_map(|f| extend(entry, slot + 1, hay, pos + 1 + f.len(), f))
        .max()
}

fn left_edge_ok(hay: &str, start: usize, form: &str) -> bool {
    !form.chars().next().is_some_and(is_word_char)
        || !hay[..start].chars().next_back().is_some_and(is_word_char)
}

fn right_edge_ok(hay: &str, end: usize, form: &str) -> bool {
    !form.chars().last().is_some_and(is_word_char)
        || !hay[end..].chars().next().is_some_and(is_word_char)
}

/// `text` with each of the (possibly overlapping) byte ranges replaced, merged, by one "[…]".
fn replace_spans(text: &str, spans: impl Iterator<Item = (usize, usize)>) -> String {
    let mut spans: Vec<(usize, usize)> = spans.filter(|(s, e)| s < e).collect();
    if spans.is_empty() {
        return text.to_string();
    }
    spans.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut current: Option<(usize, usize)> = None;
    for (s, e) in spans {
        match current {
            Some((cs, ce)) if s <= ce => current = Some((cs, ce.max(e))),
            _ => {
                if let Some((cs, ce)) = current {
                    out.push_str(&text[copied..cs]);
                    out.push_str(REPLACEMENT);
                    copied = ce;
                }
                current = Some((s, e));
            }
        }
    }
    if let Some((cs, ce)) = current {
        out.push_str(&text[copied..cs]);
        out.push_str(REPLACEMENT);
        copied = ce;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
#[path = "redact_tests.rs"]
mod tests;
