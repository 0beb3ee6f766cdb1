//! Turning the bytes of a transcript file into text: UTF-8 (with or without BOM), UTF-16 with
//! a BOM, and the legacy single-byte Cyrillic encodings Russian Windows and Unix tools still
//! write (Windows-1251, KOI8-R, CP866, ...). Anything we cannot decode confidently is refused:
//! importing mojibake would poison every search and quote downstream.

use encoding_rs::{Encoding, IBM866, ISO_8859_5, KOI8_R, KOI8_U, UTF_8};
use encoding_rs::{WINDOWS_1251, X_MAC_CYRILLIC};

/// Text decoded from a file, with the encoding it was found in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// WHATWG name of the source encoding, e.g. "UTF-8", "windows-1251".
    pub encoding: &'static str,
    pub had_bom: bool,
}

/// Why a file could not be decoded; the message explains how to convert it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

const CYRILLIC_CANDIDATES: [&Encoding; 6] = [
    WINDOWS_1251,
    KOI8_R,
    KOI8_U,
    IBM866,
    ISO_8859_5,
    X_MAC_CYRILLIC,
];

const HOW_TO_CONVERT: &str =
    "convert it to UTF-8 first, e.g. `iconv -f WINDOWS-1251 -t UTF-8 FILE > FILE.utf8` \
     (use the encoding the file was saved in), then import the converted file";

/// Decodes transcript bytes. The BOM, if any, is removed; line endings are left as they are
/// (the parsers normalise CRLF and CR).
pub fn decode(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let body = &bytes[bom_len..];
        let (text, had_errors) = enc.decode_without_bom_handling(body);
        if had_errors {
            return Err(DecodeError(format!(
                "the file starts with a {} byte-order mark but is not valid {}; {HOW_TO_CONVERT}",
                enc.name(),
                enc.name()
            )));
        }
        return Ok(Decoded {
            text: text.into_owned(),
            encoding: enc.name(),
            had_bom: true,
        });
    }
    if looks_like_utf16_without_bom(bytes) {
        return Err(DecodeError(format!(
            "the file looks like UTF-16 without a byte-order mark, which cannot be read reliably; \
             {}",
            HOW_TO_CONVERT.replace("WINDOWS-1251", "UTF-16LE")
        )));
    }
    // simdutf8 validates several times faster than std on Cyrillic text.
    if let Ok(text) = simdutf8::basic::from_utf8(bytes) {
        return Ok(Decoded {
            text: text.to_owned(),
            encoding: UTF_8.name(),
            had_bom: false,
        });
    }
    // Valid UTF-8 with Cyrillic (or any non-ASCII) text up to a damaged spot: say where,
    // rather than guess a legacy encoding for the whole file.
    if let Err(e) = std::str::from_utf8(bytes) {
        let valid = e.valid_up_to();
        if !bytes[..valid].is_ascii() {
            let line = bytes[..valid].iter().filter(|b| **b == b'\n').count() + 1;
            return Err(DecodeError(format!(
                "line {line}: invalid UTF-8 (byte {valid}); the rest of the file is UTF-8, so it was \
                 probably damaged or cut: fix that spot or export the transcript again"
            )));
        }
    }
    if looks_binary(bytes) {
        return Err(DecodeError(
            "the file looks binary (control bytes that no transcript contains); is it really a \
             subtitle or transcript file?"
                .to_string(),
        ));
    }
    decode_legacy_cyrillic(bytes)
}

/// Picks the Cyrillic single-byte encoding under which the bytes read most like Russian, and
/// accepts it only if it is clearly better than every other candidate.
fn decode_legacy_cyrillic(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(Some(b"ru"), chardetng::Utf8Detection::Allow);

    let mut scored: Vec<(&'static Encoding, f64, String)> = CYRILLIC_CANDIDATES
        .iter()
        .map(|enc| {
            let (text, _) = enc.decode_without_bom_handling(bytes);
            let score = russian_score(&text);
            (*enc, score, text.into_owned())
        })
        .collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (best_enc, best, _) = &scored[0];
    // Encodings of one family agree on almost every Russian letter (KOI8-R/KOI8-U differ in
    // Ukrainian letters, Windows-1251/Mac Cyrillic mostly in capitals), so only the best of
    // another family is a rival.
    let rival = scored
        .iter()
        .skip(1)
        .find(|(enc, _, _)| family(enc) != family(best_enc))
        .map(|s| s.1)
        .unwrap_or(f64::MIN);

    let confident = *best >= 0.6 && (*best - rival) >= 0.15;
    if !confident {
        let name = if CYRILLIC_CANDIDATES.contains(&guess) {
            best_enc.name()
        } else {
            guess.name()
        };
        return Err(DecodeError(format!(
            "the file is not UTF-8 and its encoding cannot be determined confidently (best guess: {name}); {}",
            HOW_TO_CONVERT.replace("WINDOWS-1251", &name.to_uppercase())
        )));
    }
    let best_enc = *best_enc;
    let text = scored.swap_remove(0).2;
    Ok(Decoded {
        text,
        encoding: best_enc.name(),
        had_bom: false,
    })
}

fn family(enc: &Encoding) -> u8 {
    if enc == KOI8_R || enc == KOI8_U {
        1
    } else if enc == WINDOWS_1251 || enc == X_MAC_CYRILLIC {
        2
    } else if enc == IBM866 {
        3
    } else {
        4
    }
}

/// How Russian a decoded text looks, from 0 (not at all) to 1: the share of non-ASCII
/// characters that are Cyrillic letters, weighted by how many of those letters are lower case
/// and common. Wrong single-byte decodings produce mostly upper case, rare letters, or
/// box-drawing and punctuation symbols.
fn russian_score(text: &str) -> f64 {
    // The eleven most frequent Russian letters cover about two thirds of running text.
    const COMMON: &str = "оеаинтсрвлк";
    let mut non_ascii = 0usize;
    let mut lower = 0usize;
    let mut common = 0usize;
    let mut cyrillic = 0usize;
    for ch in text.chars().filter(|c| !c.is_ascii()) {
        non_ascii += 1;
        if ('\u{0400}'..='\u{04FF}').contains(&ch) {
            cyrillic += 1;
            if ch.is_lowercase() {
                lower += 1;
                if COMMON.contains(ch) {
                    common += 1;
                }
            }
        }
    }
    if non_ascii == 0 {
        return 0.0;
    }
    let cyr_share = cyrillic as f64 / non_ascii as f64;
    let lower_share = lower as f64 / cyrillic.max(1) as f64;
    let common_share = common as f64 / lower.max(1) as f64;
    // Russian text: lower_share ~0.9+, common_share ~0.6.
    cyr_share * (0.5 * lower_share + 0.5 * (common_share / 0.6).min(1.0))
}

fn looks_like_utf16_without_bom(bytes: &[u8]) -> bool {
    if bytes.len() < 8 {
        return false;
    }
    let sample = &bytes[..bytes.len().min(4096) & !1];
    let pairs = sample.len() / 2;
    let even_zero = sample.iter().step_by(2).filter(|b| **b == 0).count();
    let odd_zero = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|b| **b == 0)
        .count();
    even_zero * 3 > pairs || odd_zero * 3 > pairs
}

fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    let controls = sample
        .iter()
        .filter(|b| matches!(**b, 0..=8 | 14..=26 | 28..=31))
        .count();
    sample.contains(&0) || controls * 20 > sample.len().max(1)
}

/// Encodes as UTF-16 LE with a BOM (for tests and fixtures).
pub fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_le_bytes());
    }
    out
}

/// Encodes as UTF-16 BE with a BOM (for tests and fixtures).
pub fn utf16be_with_bom(text: &str) -> Vec<u8> {
    let mut out = vec![0xFE, 0xFF];
    for unit in text.encode_utf16() {
        out.extend_from_slice(&unit.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const RU: &str = "Интервьюер: Расскажите, пожалуйста, почему вы решили уехать из России?\n\
                      Катя: Ну, это было тяжёлое решение, мы долго думали и всё-таки решились.\n";

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = decode(RU.as_bytes()).unwrap();
        assert_eq!(plain.text, RU);
        assert!(!plain.had_bom);
        let mut with_bom = vec![0xEF, 0xBB, 0xBF];
        with_bom.extend_from_slice(RU.as_bytes());
        let bom = decode(&with_bom).unwrap();
        assert_eq!(bom.text, RU);
        assert!(bom.had_bom);
    }

    #[test]
    fn utf16_both_byte_orders() {
        assert_eq!(decode(&utf16le_with_bom(RU)).unwrap().text, RU);
        assert_eq!(decode(&utf16be_with_bom(RU)).unwrap().encoding, "UTF-16BE");
        assert_eq!(decode(&utf16be_with_bom(RU)).unwrap().text, RU);
    }

    #[test]
    fn legacy_cyrillic_encodings_are_detected() {
        for enc in [WINDOWS_1251, KOI8_R, IBM866] {
            let (bytes, _, _) = enc.encode(RU);
            let decoded = decode(&bytes).unwrap_or_else(|e| panic!("{}: {}", enc.name(), e.0));
            assert_eq!(decoded.text, RU, "{}", enc.name());
            assert_eq!(decoded.encoding, enc.name());
        }
    }

    #[test]
    fn latin1_text_is_refused_not_guessed() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode("Café déjà vu, naïve façade à côté.");
        let err = decode(&bytes).unwrap_err();
        assert!(
            err.0.contains("cannot be determined confidently"),
            "{}",
            err.0
        );
        assert!(err.0.contains("iconv"));
    }

    #[test]
    fn binary_and_bomless_utf16_are_refused() {
        let binary: Vec<u8> = (0..=255u8).cycle().take(2000).collect();
        assert!(decode(&binary).unwrap_err().0.contains("binary"));
        let mut utf16: Vec<u8> = Vec::new();
        for unit in "WEBVTT\n\n00:01.000 --> 00:02.000\nПривет".encode_utf16() {
            utf16.extend_from_slice(&unit.to_le_bytes());
        }
        assert!(decode(&utf16).unwrap_err().0.contains("UTF-16"));
    }
}
