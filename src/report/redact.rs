//! Placeholder until the word-form redactor lands: exact terms, case-insensitive.

pub struct Redactor {
    terms: Vec<String>,
}

impl Redactor {
    pub fn new<S: AsRef<str>>(terms: &[S]) -> Redactor {
        Redactor {
            terms: terms.iter().map(|t| t.as_ref().to_string()).collect(),
        }
    }
    pub fn apply(&self, text: &str) -> String {
        let mut out = text.to_string();
        for t in &self.terms {
            if let Ok(re) = regex::Regex::new(&format!(r"(?i)\b{}\b", regex::escape(t))) {
                out = re.replace_all(&out, "[…]").into_owned();
            }
        }
        out
    }
    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }
}
