//! The condition language of baseline rows, as legal departments write it in a spreadsheet
//! cell:
//!
//! ```text
//! first_offence AND harm <= slight AND correction = corrected
//! NOT first_offence AND correction != refused AND priors_12m < 2
//! correction = refused OR pollution_alert OR priors_12m >= 2
//! road_level IN (township, county)
//! ```
//!
//! Facts are checked against the schema when a condition is parsed, so a typo is an import
//! error, not a silent mismatch. Evaluation is three-valued (Kleene): a condition that needs an
//! unknown fact is `Unknown`, with the facts it needs.

use std::collections::BTreeSet;
use std::fmt;

use super::facts::{spec, FactType, FactValue, Facts};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// Always holds (a row without conditions).
    Always,
    Not(Box<Condition>),
    And(Vec<Condition>),
    Or(Vec<Condition>),
    /// A boolean fact is true.
    Flag(String),
    Compare {
        fact: String,
        op: Op,
        value: Literal,
    },
    In {
        fact: String,
        values: Vec<String>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    Int(i64),
    Name(String),
}

/// The three truth values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Truth {
    True,
    False,
    /// Would be decided by these facts.
    Unknown(BTreeSet<String>),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConditionError {
    #[error("unexpected '{0}'")]
    Unexpected(String),
    #[error("the condition ends too early")]
    UnexpectedEnd,
    #[error("unknown fact '{0}'")]
    UnknownFact(String),
    #[error("'{value}' is not a value of {fact}")]
    BadValue { fact: String, value: String },
    #[error("{0} is not a yes/no fact; compare it with a value")]
    NotAFlag(String),
}

impl Condition {
    pub fn parse(text: &str) -> Result<Condition, ConditionError> {
        let tokens = tokenize(text)?;
        if tokens.is_empty() {
            return Ok(Condition::Always);
        }
        let mut parser = Parser { tokens, at: 0 };
        let condition = parser.or()?;
        match parser.peek() {
            None => Ok(condition),
            Some(token) => Err(ConditionError::Unexpected(token.to_owned())),
        }
    }

    pub fn evaluate(&self, facts: &Facts) -> Truth {
        match self {
            Condition::Always => Truth::True,
            Condition::Not(inner) => match inner.evaluate(facts) {
                Truth::True => Truth::False,
                Truth::False => Truth::True,
                unknown => unknown,
            },
            Condition::And(parts) => {
                let mut missing = BTreeSet::new();
                for part in parts {
                    match part.evaluate(facts) {
                        Truth::False => return Truth::False,
                        Truth::Unknown(facts) => missing.extend(facts),
                        Truth::True => {}
                    }
                }
                if missing.is_empty() {
                    Truth::True
                } else {
                    Truth::Unknown(missing)
                }
            }
            Condition::Or(parts) => {
                let mut missing = BTreeSet::new();
                for part in parts {
                    match part.evaluate(facts) {
                        Truth::True => return Truth::True,
                        Truth::Unknown(facts) => missing.extend(facts),
                        Truth::False => {}
                    }
                }
                if missing.is_empty() {
                    Truth::False
                } else {
                    Truth::Unknown(missing)
                }
            }
            Condition::Flag(fact) => match facts.bool(fact) {
                Some(value) => truth(value),
                None => unknown(fact),
            },
            Condition::Compare { fact, op, value } => match (facts.get(fact), value) {
                (None, _) => unknown(fact),
                (Some(FactValue::Int(have)), Literal::Int(want)) => truth(op.holds(have.cmp(want))),
                (Some(FactValue::Bool(have)), Literal::Name(want)) => {
                    truth(op.holds(have.cmp(&(want == "true"))))
                }
                (Some(FactValue::Text(have)), Literal::Name(want)) => {
                    match spec(fact).map(|s| s.kind) {
                        Some(FactType::Enum(values)) => {
                            let rank = |v: &str| values.iter().position(|x| *x == v);
                            match (rank(have), rank(want)) {
                                (Some(a), Some(b)) => truth(op.holds(a.cmp(&b))),
                                _ => Truth::False,
                            }
                        }
                        _ => truth(op.holds(have.as_str().cmp(want.as_str()))),
                    }
                }
                _ => Truth::False,
            },
            Condition::In { fact, values } => match facts.text(fact) {
                Some(have) => truth(values.iter().any(|v| v == have)),
                None if facts.get(fact).is_some() => Truth::False,
                None => unknown(fact),
            },
        }
    }

    /// Every fact the condition mentions.
    pub fn facts(&self) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        self.collect_facts(&mut out);
        out
    }

    fn collect_facts(&self, out: &mut BTreeSet<String>) {
        match self {
            Condition::Always => {}
            Condition::Not(inner) => inner.collect_facts(out),
            Condition::And(parts) | Condition::Or(parts) => {
                parts.iter().for_each(|p| p.collect_facts(out))
            }
            Condition::Flag(fact)
            | Condition::Compare { fact, .. }
            | Condition::In { fact, .. } => {
                out.insert(fact.clone());
            }
        }
    }

    /// The integer constants compared with `fact`: the linter tests around them.
    pub fn thresholds(&self, fact: &str, out: &mut BTreeSet<i64>) {
        match self {
            Condition::Not(inner) => inner.thresholds(fact, out),
            Condition::And(parts) | Condition::Or(parts) => {
                parts.iter().for_each(|p| p.thresholds(fact, out))
            }
            Condition::Compare {
                fact: f,
                value: Literal::Int(n),
                ..
            } if f == fact => {
                out.insert(*n);
            }
            _ => {}
        }
    }
}

fn truth(value: bool) -> Truth {
    if value {
        Truth::True
    } else {
        Truth::False
    }
}

fn unknown(fact: &str) -> Truth {
    Truth::Unknown(BTreeSet::from([fact.to_owned()]))
}

impl Op {
    fn holds(self, ordering: std::cmp::Ordering) -> bool {
        use std::cmp::Ordering::*;
        match self {
            Op::Eq => ordering == Equal,
            Op::Ne => ordering != Equal,
            Op::Lt => ordering == Less,
            Op::Le => ordering != Greater,
            Op::Gt => ordering == Greater,
            Op::Ge => ordering != Less,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }
}

fn tokenize(text: &str) -> Result<Vec<String>, ConditionError> {
    let mut tokens = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if "(),".contains(c) {
            tokens.push(c.to_string());
            i += 1;
        } else if "<>=!".contains(c) {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            if ["<=", ">=", "!="].contains(&two.as_str()) {
                tokens.push(two);
                i += 2;
            } else if c == '!' {
                return Err(ConditionError::Unexpected("!".into()));
            } else {
                tokens.push(c.to_string());
                i += 1;
            }
        } else if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            tokens.push(chars[start..i].iter().collect());
        } else {
            return Err(ConditionError::Unexpected(c.to_string()));
        }
    }
    Ok(tokens)
}

struct Parser {
    tokens: Vec<String>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.at).map(String::as_str)
    }

    fn next(&mut self) -> Result<String, ConditionError> {
        let token = self
            .tokens
            .get(self.at)
            .cloned()
            .ok_or(ConditionError::UnexpectedEnd)?;
        self.at += 1;
        Ok(token)
    }

    fn keyword(&mut self, word: &str) -> bool {
        if self.peek().is_some_and(|t| t.eq_ignore_ascii_case(word)) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, token: &str) -> Result<(), ConditionError> {
        let next = self.next()?;
        if next == token {
            Ok(())
        } else {
            Err(ConditionError::Unexpected(next))
        }
    }

    fn or(&mut self) -> Result<Condition, ConditionError> {
        let mut parts = vec![self.and()?];
        while self.keyword("OR") {
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Condition::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Condition, ConditionError> {
        let mut parts = vec![self.unary()?];
        while self.keyword("AND") {
            parts.push(self.unary()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Condition::And(parts)
        })
    }

    fn unary(&mut self) -> Result<Condition, ConditionError> {
        if self.keyword("NOT") {
            return Ok(Condition::Not(Box::new(self.unary()?)));
        }
        if self.peek() == Some("(") {
            self.at += 1;
            let inner = self.or()?;
            self.expect(")")?;
            return Ok(inner);
        }
        if self.keyword("TRUE") {
            return Ok(Condition::Always);
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Condition, ConditionError> {
        let fact = self.next()?;
        let spec = spec(&fact).ok_or_else(|| ConditionError::UnknownFact(fact.clone()))?;
        let op = match self.peek() {
            Some("=") => Op::Eq,
            Some("!=") => Op::Ne,
            Some("<") => Op::Lt,
            Some("<=") => Op::Le,
            Some(">") => Op::Gt,
            Some(">=") => Op::Ge,
            Some(word) if word.eq_ignore_ascii_case("IN") => {
                self.at += 1;
                self.expect("(")?;
                let mut values = vec![self.enum_value(&fact, spec.kind)?];
                while self.peek() == Some(",") {
                    self.at += 1;
                    values.push(self.enum_value(&fact, spec.kind)?);
                }
                self.expect(")")?;
                return Ok(Condition::In { fact, values });
            }
            _ => {
                return match spec.kind {
                    FactType::Bool => Ok(Condition::Flag(fact)),
                    _ => Err(ConditionError::NotAFlag(fact)),
                };
            }
        };
        self.at += 1;
        let raw = self.next()?;
        let value = match spec.kind {
            FactType::Int => Literal::Int(raw.parse().map_err(|_| ConditionError::BadValue {
                fact: fact.clone(),
                value: raw.clone(),
            })?),
            FactType::Bool if raw == "true" || raw == "false" => Literal::Name(raw),
            FactType::Enum(values) if values.contains(&raw.as_str()) => Literal::Name(raw),
            _ => return Err(ConditionError::BadValue { fact, value: raw }),
        };
        Ok(Condition::Compare { fact, op, value })
    }

    fn enum_value(&mut self, fact: &str, kind: FactType) -> Result<String, ConditionError> {
        let raw = self.next()?;
        match kind {
            FactType::Enum(values) if values.contains(&raw.as_str()) => Ok(raw),
            _ => Err(ConditionError::BadValue {
                fact: fact.to_owned(),
                value: raw,
            }),
        }
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn part(c: &Condition, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match c {
                Condition::And(_) | Condition::Or(_) => write!(f, "({c})"),
                _ => write!(f, "{c}"),
            }
        }
        match self {
            Condition::Always => f.write_str("TRUE"),
            Condition::Not(inner) => {
                f.write_str("NOT ")?;
                part(inner, f)
            }
            Condition::And(parts) | Condition::Or(parts) => {
                let joiner = if matches!(self, Condition::And(_)) {
                    " AND "
                } else {
                    " OR "
                };
                for (i, p) in parts.iter().enumerate() {
                    if i > 0 {
                        f.write_str(joiner)?;
                    }
                    part(p, f)?;
                }
                Ok(())
            }
            Condition::Flag(fact) => f.write_str(fact),
            Condition::Compare { fact, op, value } => match value {
                Literal::Int(n) => write!(f, "{fact} {} {n}", op.symbol()),
                Literal::Name(name) => write!(f, "{fact} {} {name}", op.symbol()),
            },
            Condition::In { fact, values } => write!(f, "{fact} IN ({})", values.join(", ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_conditions_parse_and_print_back() {
        for text in [
            "first_offence AND harm <= slight AND correction = corrected",
            "NOT first_offence AND correction != refused AND priors_12m < 2",
            "correction = refused OR pollution_alert OR priors_12m >= 2",
            "road_level IN (township, county)",
            "(first_offence OR harm = none) AND NOT caused_accident",
        ] {
            let parsed = Condition::parse(text).unwrap();
            assert_eq!(
                Condition::parse(&parsed.to_string()).unwrap(),
                parsed,
                "{text}"
            );
        }
        assert_eq!(Condition::parse("  ").unwrap(), Condition::Always);
    }

    #[test]
    fn typos_and_bad_values_are_errors() {
        assert_eq!(
            Condition::parse("frist_offence"),
            Err(ConditionError::UnknownFact("frist_offence".into()))
        );
        assert!(matches!(
            Condition::parse("harm <= tiny"),
            Err(ConditionError::BadValue { .. })
        ));
        assert!(matches!(
            Condition::parse("priors_12m < two"),
            Err(ConditionError::BadValue { .. })
        ));
        assert_eq!(
            Condition::parse("harm"),
            Err(ConditionError::NotAFlag("harm".into()))
        );
        assert_eq!(
            Condition::parse("first_offence AND"),
            Err(ConditionError::UnexpectedEnd)
        );
        assert!(Condition::parse("first_offence ; drop").is_err());
        assert!(Condition::parse("(first_offence").is_err());
    }

    #[test]
    fn evaluation_is_three_valued() {
        let c = Condition::parse("first_offence AND harm <= slight").unwrap();
        let facts = Facts::new().with("first_offence", true);
        assert_eq!(
            c.evaluate(&facts),
            Truth::Unknown(BTreeSet::from(["harm".to_string()]))
        );
        assert_eq!(
            c.evaluate(&facts.clone().with("harm", "general")),
            Truth::False
        );
        assert_eq!(c.evaluate(&facts.clone().with("harm", "none")), Truth::True);
        // False wins over unknown in AND; true wins in OR.
        let c = Condition::parse("first_offence AND priors_12m < 2").unwrap();
        assert_eq!(
            c.evaluate(&Facts::new().with("first_offence", false)),
            Truth::False
        );
        let c = Condition::parse("pollution_alert OR priors_12m >= 2").unwrap();
        assert_eq!(c.evaluate(&Facts::new().with("priors_12m", 3)), Truth::True);
        assert!(matches!(
            c.evaluate(&Facts::new().with("priors_12m", 0)),
            Truth::Unknown(_)
        ));
    }
}
