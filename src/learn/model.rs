//! The features of a unit and a logistic regression per code, trained by stochastic gradient
//! descent (a fixed order, so the same data gives the same model), with positives weighted
//! up to balance the classes (a code is on few passages) and an L2 penalty.
//!
//! Features are binary: a word's stem (`w:`), its cross-script key (`x:`, so a Russian and an
//! English passage on the same theme share words), and pairs of neighbouring stems (`p:`).

use super::units::Unit;
use crate::search::analyzer::{forms, Form};
use rustc_hash::FxHashMap as HashMap;
use std::collections::BTreeSet;

/// Settings of the solver, chosen once (not per study): enough passes to converge on a few
/// thousand passages, a penalty that keeps rare words from deciding alone.
pub const EPOCHS: usize = 12;
pub const RATE: f32 = 0.2;
pub const L2: f32 = 1e-4;
/// The most a positive passage counts against a negative one.
pub const MAX_POSITIVE_WEIGHT: f32 = 20.0;
/// Words kept: in at least this many training passages, and in at most this share of them.
pub const MIN_PASSAGES: u32 = 2;
pub const MAX_SHARE: f32 = 0.1;
/// The most features a model keeps (the most frequent).
pub const MAX_FEATURES: usize = 1 << 17;
/// A suggestion is made from this probability on.
pub const THRESHOLD: f32 = 0.5;

/// The feature strings of a unit, sorted and without repeats.
pub fn features(u: &Unit) -> Vec<String> {
    let mut out = Vec::new();
    for text in u.text.values() {
        let stems = forms(text, Form::Stem);
        for w in &stems {
            out.push(format!("w:{w}"));
        }
        for pair in stems.windows(2) {
            out.push(format!("p:{} {}", pair[0], pair[1]));
        }
        for x in forms(text, Form::Translit) {
            out.push(format!("x:{x}"));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// A model of every code.
#[derive(Debug, Clone)]
pub struct Model {
    /// Names the model in codings it suggested (`origin: suggested`).
    pub version: String,
    pub codes: Vec<String>,
    /// Feature key (see [`key`]) -> column.
    vocab: HashMap<u64, u32>,
    names: Vec<String>,
    /// `codes.len()` rows of `names.len()` weights.
    weights: Vec<f32>,
    bias: Vec<f32>,
}

/// A learned suggestion for one unit.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub unit: usize,
    pub code: String,
    pub confidence: f32,
    /// The unit's words that weighed most for the code, heaviest first.
    pub words: Vec<String>,
}

fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

impl Model {
    /// Trains on the units where `train` holds, with their labels (code ids per unit).
    /// `feats` are the units' [`features`] (computed once by the caller: evaluation trains
    /// many models on the same units).
    pub fn train(
        feats: &[Vec<String>],
        labels: &[BTreeSet<String>],
        codes: &[String],
        train: impl Fn(usize) -> bool,
    ) -> Model {
        let rows: Vec<usize> = (0..feats.len()).filter(|&k| train(k)).collect();
        // The vocabulary comes from the training units only: nothing of a held-out unit is
        // seen. Words in more than a tenth of the passages ("и", "that") say nothing of a
        // code and would crowd the reasons; a word in one passage only cannot generalise.
        // Feature strings become 64-bit keys once, on every core: counting and looking up
        // millions of them is then integer work.
        let keyed: Vec<Vec<u64>> =
            par_map(&rows, |_, &k| feats[k].iter().map(|f| key(f)).collect());
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let parts: Vec<&[Vec<u64>]> = keyed.chunks(keyed.len().div_ceil(threads).max(1)).collect();
        let mut counted = par_map(&parts, |_, part| {
            let mut df: HashMap<u64, u32> = HashMap::default();
            for r in part.iter() {
                for &h in r {
                    *df.entry(h).or_default() += 1;
                }
            }
            df
        });
        let mut df = counted.pop().unwrap_or_default();
        for other in counted {
            for (h, c) in other {
                *df.entry(h).or_default() += c;
            }
        }
        // (A small set keeps words in up to 10 passages: a tenth of 17 would leave none.)
        let max_df = (rows.len() as f32 * MAX_SHARE).max(10.0) as u32;
        // A large study has millions of word pairs: the most frequent [`MAX_FEATURES`] are
        // kept, so every code's weights stay in the processor's cache.
        let mut counts: Vec<u32> = df
            .values()
            .copied()
            .filter(|d| (MIN_PASSAGES..=max_df).contains(d))
            .collect();
        let min_df = if counts.len() > MAX_FEATURES {
            let k = counts.len() - MAX_FEATURES;
            *counts.select_nth_unstable(k).1 + 1
        } else {
            MIN_PASSAGES
        };
        drop(counts);
        let keep = min_df.max(MIN_PASSAGES)..=max_df;
        let mut vocab: HashMap<u64, u32> = HashMap::default();
        let mut names = Vec::new();
        let x: Vec<Vec<u32>> = rows
            .iter()
            .zip(&keyed)
            .map(|(&k, hs)| {
                hs.iter()
                    .enumerate()
                    .filter(|(_, h)| keep.contains(&df[*h]))
                    .map(|(j, h)| {
                        *vocab.entry(*h).or_insert_with(|| {
                            names.push(feats[k][j].clone());
                            names.len() as u32 - 1
                        })
                    })
                    .collect()
            })
            .collect();
        let n = names.len();
        let mut weights = vec![0f32; codes.len() * n];
        let mut bias = vec![0f32; codes.len()];
        let y: Vec<Vec<bool>> = rows
            .iter()
            .map(|&k| codes.iter().map(|c| labels[k].contains(c)).collect())
            .collect();
        let pos_weight: Vec<f32> = (0..codes.len())
            .map(|c| {
                let pos = y.iter().filter(|r| r[c]).count() as f32;
                let neg = y.len() as f32 - pos;
                if pos == 0.0 {
                    1.0
                } else {
                    (neg / pos).clamp(1.0, MAX_POSITIVE_WEIGHT)
                }
            })
            .collect();
        // Each code is learned on its own (the same rows in the same order), so the codes
        // are shared out over the cores: the result is the same as one after another.
        let epochs = epochs_for(rows.len());
        let ys: Vec<Vec<bool>> = (0..codes.len())
            .map(|c| y.iter().map(|r| r[c]).collect())
            .collect();
        let fitted: Vec<(Vec<f32>, f32)> =
            par_map(&ys, |c, yc| fit(&x, yc, pos_weight[c], n, epochs));
        for (c, (w, b)) in fitted.into_iter().enumerate() {
            weights[c * n..(c + 1) * n].copy_from_slice(&w);
            bias[c] = b;
        }
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for v in weights.iter().chain(&bias) {
            h = (h ^ v.to_bits() as u64).wrapping_mul(0x100_0000_01b3);
        }
        Model {
            version: format!("logreg-1-{:08x}", h as u32),
            codes: codes.to_vec(),
            vocab,
            names,
            weights,
            bias,
        }
    }

    /// The known features of a unit's feature strings.
    fn ids(&self, feats: &[String]) -> Vec<u32> {
        feats
            .iter()
            .filter_map(|f| self.vocab.get(&key(f)).copied())
            .collect()
    }

    /// The probability of each code (in `codes` order) for a unit's features.
    pub fn scores(&self, feats: &[String]) -> Vec<f32> {
        let ids = self.ids(feats);
        let n = self.names.len();
        // The same scale as in training: by the words the model knows.
        let scale = 1.0 / (ids.len() as f32).sqrt().max(1.0);
        (0..self.codes.len())
            .map(|c| {
                let w = &self.weights[c * n..(c + 1) * n];
                sigmoid(self.bias[c] + scale * ids.iter().map(|&f| w[f as usize]).sum::<f32>())
            })
            .collect()
    }

    /// The codes suggested for unit `unit` (probability at least [`THRESHOLD`]), each with
    /// the words that weighed most.
    pub fn suggest(&self, unit: usize, feats: &[String]) -> Vec<Suggestion> {
        let ids = self.ids(feats);
        let n = self.names.len();
        let mut out = Vec::new();
        for (c, p) in self.scores(feats).into_iter().enumerate() {
            if p < THRESHOLD {
                continue;
            }
            let w = &self.weights[c * n..(c + 1) * n];
            let mut top: Vec<(f32, &str)> = ids
                .iter()
                .map(|&f| (w[f as usize], self.names[f as usize].as_str()))
                .filter(|(x, name)| *x > 0.0 && !name.starts_with("x:"))
                .collect();
            top.sort_by(|a, b| b.0.total_cmp(&a.0));
            out.push(Suggestion {
                unit,
                code: self.codes[c].clone(),
                confidence: p,
                words: top
                    .iter()
                    .take(5)
                    .map(|(_, s)| s[2..].to_string())
                    .collect(),
            });
        }
        out
    }
}

/// Passes over the data: [`EPOCHS`] for a small study, fewer as it grows (each pass then
/// sees more examples; two at least).
pub fn epochs_for(rows: usize) -> usize {
    ((EPOCHS * 10_000).div_ceil(rows.max(1))).clamp(2, EPOCHS)
}

/// `f(i, item)` for every item, shared out over the machine's cores, in order.
pub fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(usize, &T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len().max(1));
    if threads <= 1 {
        return items.iter().enumerate().map(|(i, t)| f(i, t)).collect();
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .enumerate()
            .map(|(k, part)| {
                let f = &f;
                s.spawn(move || {
                    part.iter()
                        .enumerate()
                        .map(|(i, t)| f(k * chunk + i, t))
                        .collect::<Vec<R>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a worker thread panicked"))
            .collect()
    })
}

/// One code's weights and bias: stochastic gradient descent over the rows in a fixed
/// shuffled order (a multiplicative step through them, different per pass).
fn fit(x: &[Vec<u32>], y: &[bool], pos_weight: f32, n: usize, epochs: usize) -> (Vec<f32>, f32) {
    let mut w = vec![0f32; n];
    let mut bias = 0f32;
    let m = x.len();
    let mut t = 0f32;
    for epoch in 0..epochs {
        let step = [7919usize, 104_729, 1_299_709][epoch % 3];
        let step = if m > 0 && gcd(step, m) == 1 { step } else { 1 };
        for i in 0..m {
            let r = (i * step + epoch) % m;
            let rate = RATE / (1.0 + 0.01 * t).sqrt();
            t += 1.0;
            let xr = &x[r];
            let scale = 1.0 / (xr.len() as f32).sqrt().max(1.0);
            let z = bias + scale * xr.iter().map(|&f| w[f as usize]).sum::<f32>();
            let p = sigmoid(z);
            let (target, cw) = if y[r] { (1.0, pos_weight) } else { (0.0, 1.0) };
            let g = cw * (p - target);
            bias -= rate * g;
            for &f in xr {
                let wf = &mut w[f as usize];
                *wf -= rate * (g * scale + L2 * *wf);
            }
        }
    }
    (w, bias)
}

/// A feature string's key: a 64-bit hash (a collision among a model's features is
/// vanishingly unlikely, and would only merge two words' weights).
fn key(f: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    f.hash(&mut h);
    h.finish()
}

/// The features of every unit, computed on all cores.
pub fn features_of(units: &[Unit]) -> Vec<Vec<String>> {
    par_map(units, |_, u| features(u))
}

fn gcd(a: usize, b: usize) -> usize {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn unit(text: &str) -> Unit {
        Unit {
            interview: "I".into(),
            parts: BTreeMap::new(),
            text: [("en".to_string(), text.to_string())].into(),
            speaker: None,
            interviewer: false,
        }
    }

    /// A made-up set with a known answer: passages about the police are `fear`, about the
    /// bank `money`; the model learns both, generalises to unseen sentences through stems,
    /// and names the words that decided.
    #[test]
    fn learns_a_known_rule_and_explains_it() {
        let fear = [
            "the police stopped us at night",
            "I am afraid of the police",
            "police came to our flat",
            "they called the police about us",
            "we were afraid they would deport us",
        ];
        let money = [
            "the bank closed my account",
            "no bank would open an account",
            "my card from the bank stopped working",
            "money transfers through the bank",
        ];
        let other = [
            "we like the weather here",
            "the children go to school",
            "my husband works from home",
            "we walk by the river",
            "the food is very good",
            "our friends visit on sundays",
            "the flat is small but nice",
            "we learn the language slowly",
        ];
        let mut units = Vec::new();
        let mut labels = Vec::new();
        for (texts, code) in [(&fear[..], "fear"), (&money[..], "money"), (&other[..], "")] {
            for t in texts {
                units.push(unit(t));
                labels.push(
                    Some(code.to_string())
                        .filter(|c| !c.is_empty())
                        .into_iter()
                        .collect::<BTreeSet<_>>(),
                );
            }
        }
        let feats: Vec<Vec<String>> = units.iter().map(features).collect();
        let codes = vec!["fear".to_string(), "money".to_string()];
        let m = Model::train(&feats, &labels, &codes, |_| true);
        // Every training unit is classified right.
        for (k, f) in feats.iter().enumerate() {
            let got: BTreeSet<String> = m.suggest(k, f).into_iter().map(|s| s.code).collect();
            assert_eq!(got, labels[k], "{:?}", units[k].text);
        }
        // Unseen sentences, other inflections.
        let s = m.scores(&features(&unit("deportation by the police")));
        assert!(s[0] > 0.5 && s[1] < 0.5, "{s:?}");
        let s = m.scores(&features(&unit("banks and accounts")));
        assert!(s[0] < 0.5 && s[1] > 0.5, "{s:?}");
        let calm = features(&unit("we walk to school by the river"));
        let s = m.scores(&calm);
        assert!(s[0] < 0.5 && s[1] < 0.5, "{s:?}");
        // The reasons name the deciding words.
        let f = features(&unit("the police were here"));
        let sug = m.suggest(0, &f);
        assert_eq!(sug.len(), 1);
        assert_eq!(sug[0].code, "fear");
        assert_eq!(sug[0].words[0], "polic", "{:?}", sug[0].words);
        // The same data trains the same model.
        assert_eq!(
            Model::train(&feats, &labels, &codes, |_| true).version,
            m.version
        );
    }

    #[test]
    fn features_span_both_languages_and_scripts() {
        let mut u = unit("Deportation scares me");
        u.text.insert("ru".into(), "Депортация пугает".into());
        let f = features(&u);
        assert!(f.contains(&"w:deport".to_string()), "{f:?}");
        assert!(f.iter().any(|x| x.starts_with("w:депорт")), "{f:?}");
        assert!(f.iter().any(|x| x.starts_with("p:")));
        // The Russian word's cross-script key is Latin.
        assert!(f.iter().any(|x| x.starts_with("x:deport")), "{f:?}");
    }
}
