//! A seeded generator of bilingual, Zoom-shaped interview transcripts for benchmarks: pairs
//! of `ID.ru.vtt` / `ID.en.vtt` with the same cue times, an interviewer and a participant,
//! cues of realistic length, about 60-150 KB per one-hour interview. Same seed, same corpus.

#![allow(dead_code)]

use std::fmt::Write as _;
use std::path::Path;

/// xorshift64*: small, fast and deterministic; statistical quality is irrelevant here.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}

const RU: &[&str] = &[
    "ну",
    "как бы",
    "вот",
    "я",
    "мы",
    "они",
    "думаю",
    "что",
    "в",
    "Сербии",
    "Белграде",
    "безопасно",
    "страшно",
    "боюсь",
    "говорить",
    "о",
    "войне",
    "вид на жительство",
    "боравак",
    "гражданство",
    "язык",
    "учу",
    "сербский",
    "друзья",
    "соседи",
    "работа",
    "удалённо",
    "уехали",
    "из",
    "России",
    "мобилизация",
    "граница",
    "паспорт",
    "честно",
    "говоря",
    "сложно",
    "сказать",
    "наверное",
    "не",
    "хотела бы",
    "отвечать",
    "на",
    "этот",
    "вопрос",
    "вернуться",
    "домой",
    "когда",
    "закончится",
    "семья",
    "мама",
    "дети",
    "школа",
    "квартира",
    "аренда",
    "документы",
    "очередь",
    "полиция",
    "тяжёлый",
    "ещё",
    "всё",
    "её",
    "спокойно",
    "Нови Сад",
    "Београд",
    "эээ",
];

const EN: &[&str] = &[
    "well",
    "like",
    "so",
    "I",
    "we",
    "they",
    "think",
    "that",
    "in",
    "Serbia",
    "Belgrade",
    "safe",
    "scary",
    "afraid",
    "to",
    "speak",
    "about",
    "the",
    "war",
    "residence permit",
    "boravak",
    "citizenship",
    "language",
    "learning",
    "Serbian",
    "friends",
    "neighbours",
    "work",
    "remote",
    "left",
    "from",
    "Russia",
    "mobilisation",
    "border",
    "passport",
    "honestly",
    "speaking",
    "hard",
    "to say",
    "probably",
    "not",
    "would rather",
    "answer",
    "this",
    "question",
    "return",
    "home",
    "when",
    "ends",
    "family",
    "mum",
    "children",
    "school",
    "flat",
    "rent",
    "documents",
    "queue",
    "police",
    "heavy",
    "still",
    "everything",
    "calm",
    "Novi Sad",
    "Beograd",
    "uh",
];

/// Words the search benchmark counts with ripgrep (`rg -w -F` is case-sensitive): they are
/// never put first in a sentence, where they would be capitalised.
pub const PROBES: &[&str] = &["паспорт", "граница", "passport", "border"];

/// A word of rank `r` in a language's vocabulary: the real words first, then made-up words
/// built from syllables, so that word frequencies fall off like natural speech (Zipf) and
/// rare words are rare, as they are in real interviews.
fn zipf_word(rng: &mut Rng, words: &[&str], syllables: &[&str]) -> String {
    const VOCABULARY: f64 = 20_000.0;
    let u = (rng.next() >> 11) as f64 / (1u64 << 53) as f64;
    let rank = (u * VOCABULARY.ln()).exp() as usize - 1;
    if rank < words.len() {
        return words[rank].to_string();
    }
    let mut r = rank as u64;
    let mut w = String::new();
    for _ in 0..3 {
        w.push_str(syllables[(r % syllables.len() as u64) as usize]);
        r /= syllables.len() as u64;
        if r == 0 {
            break;
        }
    }
    w
}

const RU_SYLLABLES: &[&str] = &[
    "ка",
    "ро",
    "ми",
    "ту",
    "ле",
    "на",
    "сво",
    "пре",
    "до",
    "жи",
    "бу",
    "ща",
    "от",
    "ва",
    "ри",
    "ность",
    "ский",
    "ем",
];
const EN_SYLLABLES: &[&str] = &[
    "ka", "ro", "mi", "tu", "le", "na", "sto", "pre", "do", "ri", "bu", "sha", "ot", "va", "ness",
    "ing", "er", "em",
];

fn sentence(rng: &mut Rng, words: &[&str], n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        if i > 0 {
            s.push(' ');
        }
        let syllables = if words[0].is_ascii() {
            EN_SYLLABLES
        } else {
            RU_SYLLABLES
        };
        let mut w = zipf_word(rng, words, syllables);
        while i == 0 && PROBES.contains(&w.as_str()) {
            w = zipf_word(rng, words, syllables);
        }
        let w = w.as_str();
        if i == 0 {
            let mut c = w.chars();
            if let Some(f) = c.next() {
                s.extend(f.to_uppercase());
                s.push_str(c.as_str());
            }
        } else {
            s.push_str(w);
        }
    }
    s.push(if rng.below(5) == 0 { '?' } else { '.' });
    s
}

fn time(ms: u64) -> String {
    intercode::transcript::format_time(ms)
}

/// One interview of about `minutes` minutes: (Russian VTT, English VTT).
pub fn interview(seed: u64, minutes: u64) -> (String, String) {
    let mut rng = Rng::new(seed);
    let (mut ru, mut en) = (String::from("WEBVTT\n\n"), String::from("WEBVTT\n\n"));
    let mut t = 1000 + rng.below(3000);
    let mut cue = 1;
    let mut participant_turn = false;
    while t < minutes * 60_000 {
        let cues_in_turn = if participant_turn {
            1 + rng.below(6)
        } else {
            1 + rng.below(2)
        };
        for _ in 0..cues_in_turn {
            let words = 4 + rng.below(22) as usize;
            let dur = 1200 + words as u64 * 380 + rng.below(800);
            let (ru_name, en_name) = if participant_turn {
                ("Участник", "Participant")
            } else {
                ("Интервьюер", "Interviewer")
            };
            let sub = rng.next();
            let ru_text = sentence(&mut Rng::new(sub), RU, words);
            let en_text = sentence(&mut Rng::new(sub), EN, words);
            let _ = write!(
                ru,
                "{cue}\n{} --> {}\n{ru_name}: {ru_text}\n\n",
                time(t),
                time(t + dur)
            );
            let _ = write!(
                en,
                "{cue}\n{} --> {}\n{en_name}: {en_text}\n\n",
                time(t),
                time(t + dur)
            );
            cue += 1;
            t += dur + 100 + rng.below(600);
        }
        t += 400 + rng.below(2000);
        participant_turn = !participant_turn;
    }
    (ru, en)
}

/// Writes `count` interviews (one hour each) into `dir/transcripts`, plus participants.csv.
/// Returns the total bytes of VTT written.
pub fn write_project(dir: &Path, count: usize, seed: u64) -> std::io::Result<u64> {
    let tdir = dir.join("transcripts");
    std::fs::create_dir_all(&tdir)?;
    std::fs::create_dir_all(dir.join("codebook"))?;
    let mut csv = String::from("id,gender,age_group,arrived,city\n");
    let mut total = 0u64;
    let mut rng = Rng::new(seed);
    for i in 0..count {
        let id = format!("I{i:05}");
        let (ru, en) = interview(seed.wrapping_add(i as u64), 60);
        total += (ru.len() + en.len()) as u64;
        std::fs::write(tdir.join(format!("{id}.ru.vtt")), ru)?;
        std::fs::write(tdir.join(format!("{id}.en.vtt")), en)?;
        let _ = writeln!(
            csv,
            "{id},{},{},{},{}",
            rng.pick(&["female", "male"]),
            rng.pick(&["20-29", "30-39", "40-49", "50-59"]),
            2022 + rng.below(3),
            rng.pick(&["Belgrade", "Novi Sad", "Niš"])
        );
    }
    std::fs::write(tdir.join("participants.csv"), csv)?;
    std::fs::write(
        dir.join("codebook/codebook.json"),
        intercode::codebook::default_codebook_json(),
    )?;
    Ok(total)
}
