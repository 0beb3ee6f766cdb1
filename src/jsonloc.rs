//! Line numbers for JSON paths. serde reports where the syntax breaks, but a semantic problem
//! (`duplicate id at codes[2].children[0].id`) needs the line of a value that parsed fine, so
//! this walks the raw text once and records the line where each value starts.

use std::collections::HashMap;

/// Maps JSON paths such as `codes[0].children[1].color` to 1-based line numbers.
#[derive(Debug, Default)]
pub struct JsonLines {
    lines: HashMap<String, usize>,
}

impl JsonLines {
    /// Indexes `raw`, which should be valid JSON; on invalid input the index is partial.
    pub fn new(raw: &str) -> Self {
        let mut w = Walker {
            b: raw.as_bytes(),
            i: 0,
            line: 1,
            out: HashMap::new(),
        };
        w.skip_ws();
        w.value(String::new());
        JsonLines { lines: w.out }
    }

    /// The line of the value at `path`, or of its nearest ancestor that has one.
    pub fn line(&self, path: &str) -> Option<usize> {
        let mut p = path;
        loop {
            if let Some(l) = self.lines.get(p) {
                return Some(*l);
            }
            let cut = p.rfind(['.', '['])?;
            p = &p[..cut];
        }
    }
}

struct Walker<'a> {
    b: &'a [u8],
    i: usize,
    line: usize,
    out: HashMap<String, usize>,
}

impl Walker<'_> {
    fn skip_ws(&mut self) {
        while let Some(c) = self.b.get(self.i) {
            match c {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => return,
            }
            self.i += 1;
        }
    }

    fn string(&mut self) -> String {
        let start = self.i + 1;
        self.i += 1;
        while let Some(c) = self.b.get(self.i) {
            match c {
                b'\\' => self.i += 2,
                b'"' => break,
                b'\n' => {
                    self.line += 1;
                    self.i += 1
                }
                _ => self.i += 1,
            }
        }
        let end = self.i.min(self.b.len());
        self.i += 1;
        String::from_utf8_lossy(&self.b[start.min(end)..end]).into_owned()
    }

    fn value(&mut self, path: String) {
        self.out.entry(path.clone()).or_insert(self.line);
        match self.b.get(self.i) {
            Some(b'{') => {
                self.i += 1;
                loop {
                    self.skip_ws();
                    match self.b.get(self.i) {
                        Some(b'"') => {
                            let key = self.string();
                            self.skip_ws();
                            if self.b.get(self.i) == Some(&b':') {
                                self.i += 1;
                            }
                            self.skip_ws();
                            let child = if path.is_empty() {
                                key
                            } else {
                                format!("{path}.{key}")
                            };
                            self.value(child);
                        }
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return;
                        }
                        _ => return,
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut n = 0;
                loop {
                    self.skip_ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return;
                        }
                        None => return,
                        _ => {
                            self.value(format!("{path}[{n}]"));
                            n += 1;
                        }
                    }
                }
            }
            Some(b'"') => {
                self.string();
            }
            Some(_) => {
                while let Some(c) = self.b.get(self.i) {
                    if matches!(c, b',' | b'}' | b']' | b' ' | b'\n' | b'\t' | b'\r') {
                        break;
                    }
                    self.i += 1;
                }
            }
            None => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_lines() {
        let raw = "{\n \"codes\": [\n  {\"id\": \"a\",\n   \"children\": [\n    {\"id\": \"a.b\", \"color\": \"#zz\"}\n  ]}\n ]\n}";
        let j = JsonLines::new(raw);
        assert_eq!(j.line("codes[0].id"), Some(3));
        assert_eq!(j.line("codes[0].children[0].color"), Some(5));
        assert_eq!(j.line("codes[0].children[0].missing"), Some(5));
        assert_eq!(j.line("codes"), Some(2));
    }
}
