//! Highlight ranges: which parts of a segment's text a query matched. The text is analysed
//! with the same forms the index uses and each word is compared with the query's positive
//! terms; regexes are run directly. Ranges come back in code points.

use super::analyzer::{analyze, forms, Form, Word};
use super::query::Node;

fn positive_atoms<'a>(n: &'a Node, negated: bool, out: &mut Vec<&'a Node>) {
    match n {
        Node::And(items) | Node::Or(items) => {
            items.iter().for_each(|i| positive_atoms(i, negated, out))
        }
        Node::Not(inner) => positive_atoms(inner, !negated, out),
        Node::Filter(..) => {}
        atom if !negated => out.push(atom),
        _ => {}
    }
}

/// Edit distance with a swap of two neighbouring letters as one edit (optimal string
/// alignment), as the index's fuzzy query counts it (`FuzzyTermQuery` with transpositions):
/// `afriad~1` finds "afraid", so it must highlight it too.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// Byte ranges of runs of words matching `seq` (consecutive positions).
fn phrase_runs(words: &[Word], seq: &[String], out: &mut Vec<(usize, usize)>) {
    if seq.is_empty() || words.len() < seq.len() {
        return;
    }
    for start in 0..=words.len() - seq.len() {
        if words[start..start + seq.len()]
            .iter()
            .zip(seq)
            .all(|(w, s)| &w.form == s)
        {
            out.push((words[start].from, words[start + seq.len() - 1].to));
        }
    }
}

/// Code point ranges of `text` that `query` matches.
pub fn highlights(text: &str, query: &Node) -> Vec<[usize; 2]> {
    let mut atoms = Vec::new();
    positive_atoms(query, false, &mut atoms);
    let (mut stem, mut exact, mut translit) = (Vec::new(), Vec::new(), Vec::new());
    analyze(text, Form::Stem, &mut stem);
    analyze(text, Form::Exact, &mut exact);
    analyze(text, Form::Translit, &mut translit);
    let mut bytes: Vec<(usize, usize)> = Vec::new();
    for atom in atoms {
        match atom {
            Node::Word(w) | Node::Phrase(w) => {
                phrase_runs(&stem, &forms(w, Form::Stem), &mut bytes);
                phrase_runs(&translit, &forms(w, Form::Translit), &mut bytes);
            }
            Node::Exact(w) => phrase_runs(&exact, &forms(w, Form::Exact), &mut bytes),
            Node::Prefix(p) => {
                let (e, t) = (
                    forms(p, Form::Exact).concat(),
                    forms(p, Form::Translit).concat(),
                );
                for (words, pre) in [(&exact, e), (&translit, t)] {
                    bytes.extend(
                        words
                            .iter()
                            .filter(|w| !pre.is_empty() && w.form.starts_with(&pre))
                            .map(|w| (w.from, w.to)),
                    );
                }
            }
            Node::Fuzzy(w, d) => {
                let target = forms(w, Form::Exact).concat();
                bytes.extend(
                    exact
                        .iter()
                        .filter(|x| edit_distance(&x.form, &target) <= *d as usize)
                        .map(|x| (x.from, x.to)),
                );
            }
            Node::Regex(r) => {
                if let Ok(re) = regex::Regex::new(r) {
                    bytes.extend(
                        re.find_iter(text)
                            .filter(|m| !m.is_empty())
                            .map(|m| (m.start(), m.end())),
                    );
                }
            }
            _ => {}
        }
    }
    bytes.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (a, b) in bytes {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    // Bytes to code points, in one pass.
    let mut out = Vec::with_capacity(merged.len());
    let mut chars = 0usize;
    let mut byte = 0usize;
    for (a, b) in merged {
        chars += text[byte..a].chars().count();
        let start = chars;
        chars += text[a..b].chars().count();
        byte = b;
        out.push([start, chars]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::query::parse;

    fn hl(text: &str, q: &str) -> Vec<String> {
        let chars: Vec<char> = text.chars().collect();
        highlights(text, &parse(q).unwrap())
            .iter()
            .map(|[a, b]| chars[*a..*b].iter().collect())
            .collect()
    }

    #[test]
    fn fuzzy_and_prefix_hits_are_highlighted_as_the_index_finds_them() {
        // A swap of two letters is one edit, for the index and here.
        assert_eq!(hl("I was afraid, really.", "afriad~1"), ["afraid"]);
        assert_eq!(hl("I was afraid, really.", "afrd~1"), Vec::<String>::new());
        assert_eq!(hl("I was afraid, really.", "afrd~2"), ["afraid"]);
        assert_eq!(hl("Мне было страшно.", "страшон~1"), ["страшно"]);
        assert_eq!(
            hl("Депортация и депортировали", "депорт*"),
            ["Депортация", "депортировали"]
        );
        assert_eq!(edit_distance("ab", "ba"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn ranges_are_code_points_on_cyrillic_and_emoji() {
        let text = "👋🏽 Мне было страшно, страх был 😬 постоянный.";
        assert_eq!(hl(text, "страх"), ["страх"]);
        // 👋🏽 is two code points: "страх" starts at 21.
        assert_eq!(highlights(text, &parse("страх").unwrap()), vec![[21, 26]]);
        assert_eq!(hl(text, "страш*"), ["страшно"]);
        assert_eq!(hl(text, "\"страх был\""), ["страх был"]);
        assert_eq!(hl(text, "/по[а-я]+/"), ["постоянный"]);
        assert_eq!(hl(text, "страх -был"), ["страх"]);
        assert_eq!(hl(text, "страхи~1"), ["страх"]);
    }

    #[test]
    fn translit_highlights_the_other_script() {
        assert_eq!(hl("Живём в Београде уже год", "Beograde"), ["Београде"]);
        assert_eq!(hl("Got my boravak in Beograd", "Београд"), ["Beograd"]);
    }
}
