//! Risk rule conditions: Boolean expressions over the choice ids of one question with `&&`,
//! `||`, `!` and parentheses (the syntax the lens format specification shows), parsed so that
//! a condition naming an unknown choice, or a malformed one, is caught before export, and
//! evaluated so that tests can check which risk a set of selected choices gets.

use std::collections::HashSet;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    Choice(String),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

impl Expr {
    pub fn eval(&self, selected: &HashSet<&str>) -> bool {
        match self {
            Expr::Choice(id) => selected.contains(id.as_str()),
            Expr::Not(e) => !e.eval(selected),
            Expr::And(a, b) => a.eval(selected) && b.eval(selected),
            Expr::Or(a, b) => a.eval(selected) || b.eval(selected),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Ident(String),
    And,
    Or,
    Not,
    Open,
    Close,
}

fn tokens(text: &str) -> Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '(' | ')' | '!' => {
                chars.next();
                out.push(match c {
                    '(' => Token::Open,
                    ')' => Token::Close,
                    _ => Token::Not,
                });
            }
            '&' | '|' => {
                chars.next();
                if chars.next() != Some(c) {
                    return Err(format!("`{c}` must be doubled (`{c}{c}`)"));
                }
                out.push(if c == '&' { Token::And } else { Token::Or });
            }
            c if c.is_ascii_alphanumeric() || c == '_' => {
                let mut id = String::new();
                while let Some(&c) = chars.peek() {
                    if !(c.is_ascii_alphanumeric() || c == '_') {
                        break;
                    }
                    id.push(c);
                    chars.next();
                }
                out.push(Token::Ident(id));
            }
            c => return Err(format!("unexpected character `{c}`")),
        }
    }
    Ok(out)
}

/// Parses a condition, checking that it names only the given choice ids.
pub fn parse(text: &str, choices: &HashSet<&str>) -> Result<Expr, String> {
    let toks = tokens(text)?;
    let mut p = Parser {
        toks,
        at: 0,
        choices,
    };
    let e = p.or()?;
    if p.at != p.toks.len() {
        return Err(format!(
            "unexpected {:?} after the expression",
            p.toks[p.at]
        ));
    }
    Ok(e)
}

struct Parser<'a> {
    toks: Vec<Token>,
    at: usize,
    choices: &'a HashSet<&'a str>,
}

impl Parser<'_> {
    fn eat(&mut self, t: &Token) -> bool {
        if self.toks.get(self.at) == Some(t) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Result<Expr, String> {
        let mut e = self.and()?;
        while self.eat(&Token::Or) {
            e = Expr::Or(Box::new(e), Box::new(self.and()?));
        }
        Ok(e)
    }

    fn and(&mut self) -> Result<Expr, String> {
        let mut e = self.unary()?;
        while self.eat(&Token::And) {
            e = Expr::And(Box::new(e), Box::new(self.unary()?));
        }
        Ok(e)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        if self.eat(&Token::Not) {
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.eat(&Token::Open) {
            let e = self.or()?;
            if !self.eat(&Token::Close) {
                return Err("unbalanced `(`".into());
            }
            return Ok(e);
        }
        match self.toks.get(self.at).cloned() {
            Some(Token::Ident(id)) => {
                self.at += 1;
                if !self.choices.contains(id.as_str()) {
                    return Err(format!("`{id}` is not a choice id of this question"));
                }
                Ok(Expr::Choice(id))
            }
            Some(t) => Err(format!("unexpected {t:?}")),
            None => Err("the expression ends too early".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> HashSet<&'static str> {
        ["choice_1", "choice_2", "choice_3"].into_iter().collect()
    }

    #[test]
    fn parses_the_documented_example() {
        let e = parse(
            "((choice_1 || choice_2) && choice_3) || (!choice_1 && choice_3)",
            &ids(),
        )
        .unwrap();
        let sel = |s: &[&'static str]| s.iter().copied().collect::<HashSet<_>>();
        assert!(e.eval(&sel(&["choice_2", "choice_3"])));
        assert!(e.eval(&sel(&["choice_3"])));
        assert!(!e.eval(&sel(&["choice_1"])));
    }

    #[test]
    fn rejects_unknown_choices_and_bad_syntax() {
        assert!(parse("choice_1 && choice_9", &ids()).is_err());
        assert!(parse("choice_1 & choice_2", &ids()).is_err());
        assert!(parse("(choice_1", &ids()).is_err());
        assert!(parse("choice_1 choice_2", &ids()).is_err());
        assert!(parse("", &ids()).is_err());
    }
}
