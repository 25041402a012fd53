//! The expression text to a typed pipeline; every error names the line and column of the
//! mistake ("line 1, column 10: unclosed character class").

use super::pipeline::{Pipeline, REGEX_SIZE_LIMIT, Step};
use crate::patch::phone::Region;

/// A mistake in an expression, at a line and column (1-based, in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

/// An argument as written.
enum Arg {
    Text(String),
    /// A `/regex/` and the byte offset of its first character.
    Regex(String, usize),
}

struct Parser<'a> {
    text: &'a str,
    at: usize,
}

/// Parses an expression.
pub fn parse(text: &str) -> Result<Pipeline, ParseError> {
    parse_in(text, 0)
}

/// Parses an expression that starts `offset` bytes into a longer line (`FIELD=EXPR`), so
/// columns count from the start of that line.
pub fn parse_in(line: &str, offset: usize) -> Result<Pipeline, ParseError> {
    let mut p = Parser {
        text: line,
        at: offset.min(line.len()),
    };
    let mut steps = Vec::new();
    loop {
        p.skip_space();
        steps.push(p.step()?);
        p.skip_space();
        match p.peek() {
            None => break,
            Some('|') => p.at += 1,
            Some(c) => return Err(p.error(p.at, format!("expected | between steps, found {c:?}"))),
        }
    }
    Ok(Pipeline { steps })
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        self.text[self.at..].chars().next()
    }

    fn skip_space(&mut self) {
        while let Some(c) = self.peek().filter(|c| c.is_whitespace()) {
            self.at += c.len_utf8();
        }
    }

    fn error(&self, at: usize, message: String) -> ParseError {
        let before = &self.text[..at.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        ParseError {
            line,
            column: before[start..].chars().count() + 1,
            message,
        }
    }

    fn step(&mut self) -> Result<Step, ParseError> {
        let start = self.at;
        while let Some(c) = self
            .peek()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        {
            self.at += c.len_utf8();
        }
        let name = &self.text[start..self.at];
        if name.is_empty() {
            return Err(self.error(
                start,
                match self.peek() {
                    None => "expected a step (trim, upper, e164…)".into(),
                    Some(c) => format!("expected a step (trim, upper, e164…), found {c:?}"),
                },
            ));
        }
        self.skip_space();
        let args_at = self.at;
        let args = if self.peek() == Some('(') {
            self.at += 1;
            self.args()?
        } else {
            Vec::new()
        };
        let wrong = |p: &Self, usage: &str| Err(p.error(args_at, format!("{name} takes {usage}")));
        let mut args = args.into_iter();
        let (first, second, third) = (args.next(), args.next(), args.next());
        let step = match (name, first, second, third) {
            ("trim", None, ..) => Step::Trim,
            ("collapse", None, ..) => Step::Collapse,
            ("upper", None, ..) => Step::Upper,
            ("lower", None, ..) => Step::Lower,
            ("title", None, ..) => Step::Title,
            ("country", None, ..) => Step::Country,
            ("null", None, ..) => Step::Null,
            ("e164", None, ..) => Step::E164(None),
            ("e164", Some(Arg::Text(r)), None, _) => Step::E164(Some(
                Region::parse(&r).map_err(|e| self.error(args_at + 1, e))?,
            )),
            ("strip", Some(Arg::Text(chars)), None, _) => Step::Strip(chars),
            ("value", Some(Arg::Text(v)), None, _) => Step::Value(v),
            ("replace", Some(Arg::Regex(re, at)), Some(Arg::Text(with)), None) => {
                Step::Replace(self.regex(&re, at)?, with)
            }
            ("trim" | "collapse" | "upper" | "lower" | "title" | "country" | "null", ..) => {
                return wrong(self, "no argument");
            }
            ("e164", ..) => {
                return wrong(self, "no argument or a region in quotes, e.g. e164(\"GB\")");
            }
            ("strip", ..) => {
                return wrong(
                    self,
                    "the characters to remove in quotes, e.g. strip(\" -\")",
                );
            }
            ("value", ..) => return wrong(self, "one value in quotes, e.g. value(\"GBR\")"),
            ("replace", ..) => {
                return wrong(self, "a /regex/ and a text, e.g. replace(/-+/, \" \")");
            }
            _ => {
                return Err(self.error(
                    start,
                    format!("unknown step {name:?}: use trim, collapse, upper, lower, title, strip, replace, e164, country, value or null"),
                ));
            }
        };
        Ok(step)
    }

    /// Arguments after `(`, through `)`.
    fn args(&mut self) -> Result<Vec<Arg>, ParseError> {
        let mut out = Vec::new();
        loop {
            self.skip_space();
            match self.peek() {
                Some(')') if out.is_empty() => {
                    self.at += 1;
                    return Ok(out);
                }
                Some('"') => out.push(Arg::Text(self.quoted('"', "string")?)),
                Some('/') => {
                    let at = self.at + 1;
                    out.push(Arg::Regex(self.quoted('/', "regex")?, at));
                }
                None => return Err(self.error(self.at, "unclosed (".into())),
                Some(c) => {
                    return Err(self.error(
                        self.at,
                        format!("expected \"text\" or /regex/, found {c:?}"),
                    ));
                }
            }
            self.skip_space();
            match self.peek() {
                Some(',') => self.at += 1,
                Some(')') => {
                    self.at += 1;
                    return Ok(out);
                }
                None => return Err(self.error(self.at, "unclosed (".into())),
                Some(c) => return Err(self.error(self.at, format!("expected , or ), found {c:?}"))),
            }
        }
    }

    /// A `"string"` (escapes `\"` and `\\`) or a `/regex/` (escape `\/`, other escapes kept
    /// for the regex).
    fn quoted(&mut self, close: char, what: &str) -> Result<String, ParseError> {
        let start = self.at;
        self.at += 1;
        let mut out = String::new();
        while let Some(c) = self.peek() {
            self.at += c.len_utf8();
            if c == close {
                return Ok(out);
            }
            if c == '\\' {
                let Some(n) = self.peek() else { break };
                self.at += n.len_utf8();
                match (close, n) {
                    ('"', '"' | '\\') | ('/', '/') => out.push(n),
                    _ => {
                        out.push('\\');
                        out.push(n);
                    }
                }
            } else {
                out.push(c);
            }
        }
        Err(self.error(start, format!("unclosed {what}")))
    }

    fn regex(&self, pattern: &str, at: usize) -> Result<regex::Regex, ParseError> {
        if let Err(e) = regex_syntax::ast::parse::Parser::new().parse(pattern) {
            let offset = e.span().start.offset;
            // Columns in the written text: the pattern's characters before the mistake.
            return Err(self.error(at + offset, e.kind().to_string()));
        }
        regex::RegexBuilder::new(pattern)
            .size_limit(REGEX_SIZE_LIMIT)
            .build()
            .map_err(|e| match e {
                regex::Error::CompiledTooBig(_) => {
                    self.error(at, "the pattern is too large".into())
                }
                other => self.error(at, other.to_string()),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse(text).map(|_| ()).unwrap_err().to_string()
    }

    #[test]
    fn pipelines_parse_into_steps() {
        let p = parse(r#"strip(" -.()") | e164 | replace(/a\/b/, "x\"y") | value("v") | null"#)
            .unwrap();
        assert_eq!(p.steps.len(), 5);
        assert!(matches!(&p.steps[0], Step::Strip(s) if s == " -.()"));
        assert!(matches!(&p.steps[2], Step::Replace(re, w) if re.as_str() == "a/b" && w == "x\"y"));
        assert!(matches!(
            parse("e164(\"gb\")").unwrap().steps[0],
            Step::E164(Some(_))
        ));
        assert!(matches!(parse(" trim ").unwrap().steps[0], Step::Trim));
    }

    #[test]
    fn errors_point_at_the_column_of_the_mistake() {
        assert_eq!(
            err(r#"replace(/[/, "")"#),
            "line 1, column 10: unclosed character class"
        );
        assert_eq!(
            err("trim | uper"),
            "line 1, column 8: unknown step \"uper\": use trim, collapse, upper, lower, title, strip, replace, e164, country, value or null"
        );
        assert_eq!(
            err("trim upper"),
            "line 1, column 6: expected | between steps, found 'u'"
        );
        assert_eq!(
            err("trim |"),
            "line 1, column 7: expected a step (trim, upper, e164…)"
        );
        assert_eq!(err("strip(\"ab"), "line 1, column 7: unclosed string");
        assert!(err("e164(\"XX\")").starts_with("line 1, column 6: \"XX\" is not a region"));
        assert_eq!(
            err("upper(\"x\")"),
            "line 1, column 6: upper takes no argument"
        );
        assert_eq!(
            err("trim\n| ???"),
            "line 2, column 3: expected a step (trim, upper, e164…), found '?'"
        );
        // Columns count from the start of `FIELD=EXPR`.
        let e = parse_in("phoneNumber=trim | nope", 12)
            .map(|_| ())
            .unwrap_err();
        assert_eq!((e.line, e.column), (1, 20));
    }

    #[test]
    fn a_regex_over_the_size_limit_is_refused() {
        assert_eq!(
            err(r#"replace(/\w{1000}\w{1000}/, "")"#),
            "line 1, column 10: the pattern is too large"
        );
    }
}
