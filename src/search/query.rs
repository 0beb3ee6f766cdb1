//! The query language: words, `"phrases"`, `AND`, `OR`, `NOT` / `-word`, parentheses,
//! `word*`, `word~1`, `=word` (exact form, no stemming), `/regex/`, and `field:value` filters
//! (`lang:`, `speaker:`, `interview:`, `code:` and any participant attribute). Adjacent terms
//! are joined by AND. A query that does not parse gets an error pointing at its column.
//!
//! ```
//! use intercode::search::query::{parse, Node};
//! let q = parse("страх OR afraid lang:ru").unwrap();
//! assert!(matches!(q, Node::Or(_)));
//! let err = parse("(fear AND").unwrap_err();
//! assert_eq!(err.column, 10);
//! ```

use std::fmt;

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A word, matched in any inflection (stemmed) and across scripts (transliterated).
    Word(String),
    /// `=word`: only this exact form (lower case, ё = е).
    Exact(String),
    /// `"several words"`: the words in this order.
    Phrase(String),
    /// `word*`
    Prefix(String),
    /// `word~N` (N = 1 or 2 edits)
    Fuzzy(String, u8),
    /// `/regex/` over the segment text.
    Regex(String),
    /// `field:value`
    Filter(String, String),
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
}

/// A query that does not parse; `column` is 1-based, in characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub column: usize,
    pub message: String,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "column {}: {}", self.column, self.message)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open,
    Close,
    And,
    Or,
    Not,
    Atom(Node),
}

fn lex(q: &str) -> Result<Vec<(usize, Tok)>, QueryError> {
    let chars: Vec<char> = q.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |column: usize, message: String| Err(QueryError { column, message });
    while i < chars.len() {
        let c = chars[i];
        let col = i + 1;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        match c {
            '(' => {
                out.push((col, Tok::Open));
                i += 1;
            }
            ')' => {
                out.push((col, Tok::Close));
                i += 1;
            }
            '-' if i + 1 < chars.len() && !chars[i + 1].is_whitespace() => {
                out.push((col, Tok::Not));
                i += 1;
            }
            '"' => {
                let end = chars[i + 1..].iter().position(|&x| x == '"');
                let Some(end) = end else {
                    return err(col, "this quote is never closed".into());
                };
                let phrase: String = chars[i + 1..i + 1 + end].iter().collect();
                if phrase.trim().is_empty() {
                    return err(col, "empty phrase".into());
                }
                out.push((col, Tok::Atom(Node::Phrase(phrase))));
                i += end + 2;
            }
            '/' => {
                // A regex runs to the next unescaped `/`.
                let mut j = i + 1;
                let mut body = String::new();
                while j < chars.len() && chars[j] != '/' {
                    if chars[j] == '\\' && j + 1 < chars.len() && chars[j + 1] == '/' {
                        body.push('/');
                        j += 2;
                        continue;
                    }
                    body.push(chars[j]);
                    j += 1;
                }
                if j >= chars.len() {
                    return err(col, "this /regex/ is never closed".into());
                }
                if let Err(e) = regex::Regex::new(&body) {
                    return err(
                        col + 1,
                        format!(
                            "invalid regex: {}",
                            e.to_string().lines().last().unwrap_or("")
                        ),
                    );
                }
                out.push((col, Tok::Atom(Node::Regex(body))));
                i = j + 1;
            }
            _ => {
                let start = i;
                while i < chars.len()
                    && !chars[i].is_whitespace()
                    && !matches!(chars[i], '(' | ')' | '"')
                {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                // field:"a phrase"
                if word.ends_with(':') && i < chars.len() && chars[i] == '"' {
                    let end = chars[i + 1..].iter().position(|&x| x == '"');
                    let Some(end) = end else {
                        return err(i + 1, "this quote is never closed".into());
                    };
                    let value: String = chars[i + 1..i + 1 + end].iter().collect();
                    out.push((
                        col,
                        Tok::Atom(Node::Filter(
                            word.trim_end_matches(':').to_lowercase(),
                            value,
                        )),
                    ));
                    i += end + 2;
                    continue;
                }
                out.push((col, word_token(&word, col)?));
            }
        }
    }
    Ok(out)
}

fn word_token(word: &str, col: usize) -> Result<Tok, QueryError> {
    match word {
        "AND" | "&&" => return Ok(Tok::And),
        "OR" | "||" => return Ok(Tok::Or),
        "NOT" => return Ok(Tok::Not),
        _ => {}
    }
    let err = |message: String| {
        Err(QueryError {
            column: col,
            message,
        })
    };
    if let Some((field, value)) = word.split_once(':') {
        if field.is_empty() || value.is_empty() {
            return err(format!("`{word}`: a filter is field:value, e.g. lang:ru"));
        }
        return Ok(Tok::Atom(Node::Filter(
            field.to_lowercase(),
            value.to_string(),
        )));
    }
    if let Some(exact) = word.strip_prefix('=') {
        if exact.is_empty() {
            return err("`=` needs a word after it".into());
        }
        return Ok(Tok::Atom(Node::Exact(exact.to_string())));
    }
    if let Some((w, n)) = word.rsplit_once('~') {
        let n: u8 = if n.is_empty() {
            1
        } else {
            n.parse().map_err(|_| QueryError {
                column: col,
                message: format!("`{word}`: after ~ comes 1 or 2"),
            })?
        };
        if w.is_empty() || !(1..=2).contains(&n) {
            return err(format!(
                "`{word}`: fuzzy matching allows 1 or 2 edits, e.g. word~1"
            ));
        }
        return Ok(Tok::Atom(Node::Fuzzy(w.to_string(), n)));
    }
    if let Some(p) = word.strip_suffix('*') {
        if p.is_empty() || p.contains('*') {
            return err(format!(
                "`{word}`: a wildcard goes at the end of a word, e.g. deport*"
            ));
        }
        return Ok(Tok::Atom(Node::Prefix(p.to_string())));
    }
    Ok(Tok::Atom(Node::Word(word.to_string())))
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    pos: usize,
    end_col: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(_, t)| t)
    }

    fn col(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end_col, |(c, _)| *c)
    }

    fn fail<T>(&self, message: &str) -> Result<T, QueryError> {
        Err(QueryError {
            column: self.col(),
            message: message.to_string(),
        })
    }

    fn or(&mut self) -> Result<Node, QueryError> {
        let mut items = vec![self.and()?];
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            items.push(self.and()?);
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Node::Or(items)
        })
    }

    fn and(&mut self) -> Result<Node, QueryError> {
        let mut items = vec![self.unary()?];
        loop {
            match self.peek() {
                Some(Tok::And) => {
                    self.pos += 1;
                    items.push(self.unary()?);
                }
                Some(Tok::Open) | Some(Tok::Not) | Some(Tok::Atom(_)) => items.push(self.unary()?),
                _ => break,
            }
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Node::And(items)
        })
    }

    fn unary(&mut self) -> Result<Node, QueryError> {
        match self.peek() {
            Some(Tok::Not) => {
                self.pos += 1;
                Ok(Node::Not(Box::new(self.unary()?)))
            }
            Some(Tok::Open) => {
                self.pos += 1;
                let inner = self.or()?;
                if self.peek() != Some(&Tok::Close) {
                    return self.fail("expected `)`");
                }
                self.pos += 1;
                Ok(inner)
            }
            Some(Tok::Atom(_)) => {
                let Some((_, Tok::Atom(n))) = self.toks.get(self.pos).cloned() else {
                    unreachable!()
                };
                self.pos += 1;
                Ok(n)
            }
            Some(Tok::Close) => self.fail("unexpected `)`"),
            Some(Tok::And) | Some(Tok::Or) => self.fail("AND/OR needs a term on each side"),
            None => self.fail("the query ends where a term is expected"),
        }
    }
}

/// Parses a query.
pub fn parse(q: &str) -> Result<Node, QueryError> {
    let toks = lex(q)?;
    if toks.is_empty() {
        return Err(QueryError {
            column: 1,
            message: "empty query".into(),
        });
    }
    let mut p = Parser {
        toks,
        pos: 0,
        end_col: q.chars().count() + 1,
    };
    let node = p.or()?;
    if p.pos < p.toks.len() {
        return p.fail("unexpected `)`");
    }
    if only_negative(&node) {
        return Err(QueryError {
            column: 1,
            message: "a query needs at least one term that is not negated".into(),
        });
    }
    Ok(node)
}

fn only_negative(n: &Node) -> bool {
    match n {
        Node::Not(_) => true,
        Node::And(items) => items.iter().all(only_negative),
        Node::Or(items) => items.iter().any(only_negative),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Node::*;

    fn w(s: &str) -> Node {
        Word(s.into())
    }

    #[test]
    fn precedence_and_implicit_and() {
        assert_eq!(
            parse("a b OR c").unwrap(),
            Or(vec![And(vec![w("a"), w("b")]), w("c")])
        );
        assert_eq!(
            parse("a AND (b OR c)").unwrap(),
            And(vec![w("a"), Or(vec![w("b"), w("c")])])
        );
        assert_eq!(
            parse("страх -война").unwrap(),
            And(vec![w("страх"), Not(Box::new(w("война")))])
        );
        assert_eq!(
            parse("NOT x y").unwrap(),
            And(vec![Not(Box::new(w("x"))), w("y")])
        );
    }

    #[test]
    fn atoms() {
        assert_eq!(
            parse("\"вид на жительство\"").unwrap(),
            Phrase("вид на жительство".into())
        );
        assert_eq!(parse("deport*").unwrap(), Prefix("deport".into()));
        assert_eq!(parse("afraid~1").unwrap(), Fuzzy("afraid".into(), 1));
        assert_eq!(parse("=боюсь").unwrap(), Exact("боюсь".into()));
        assert_eq!(
            parse("/deport(ed|ation)/").unwrap(),
            Regex("deport(ed|ation)".into())
        );
        assert_eq!(
            parse("gender:female").unwrap(),
            Filter("gender".into(), "female".into())
        );
        assert_eq!(
            parse("speaker:\"Anna Maria\"").unwrap(),
            Filter("speaker".into(), "Anna Maria".into())
        );
        assert_eq!(
            parse("age_group:30-39 x").unwrap(),
            And(vec![Filter("age_group".into(), "30-39".into()), w("x")])
        );
        assert_eq!(parse("well-being").unwrap(), w("well-being"));
    }

    #[test]
    fn errors_point_at_the_column() {
        let e = |q: &str| parse(q).unwrap_err();
        assert_eq!(e("(страх OR").column, 10);
        assert_eq!(e("a \"open").column, 3);
        assert_eq!(e("x /a(/").column, 4);
        assert_eq!(e("a OR OR b").column, 6);
        assert_eq!(e("a )").column, 3);
        assert_eq!(e("").message, "empty query");
        assert!(e("-a").message.contains("not negated"));
        assert!(e("x~9").message.contains("1 or 2"));
        assert_eq!(e("lang:").column, 1);
    }
}
