//! Whose data a supervisor sees: the city, one district's bodies, or one body. Every query of
//! the supervision tables takes a `Scope` and filters by it in SQL, so a district supervisor's
//! figures, cases and warnings never include another district's.

use crate::storage::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    City,
    /// A six-digit county-level division: the bodies seated there.
    District(String),
    /// One enforcement body by id.
    Body(String),
}

impl Scope {
    /// A condition on a table's `district` and `body` columns (`alias.` prefixed when given),
    /// with its parameter numbered `$next`; `None` for the whole city.
    pub fn condition(&self, alias: &str, next: usize) -> Option<(String, Value)> {
        let column = |name: &str| {
            if alias.is_empty() {
                name.to_owned()
            } else {
                format!("{alias}.{name}")
            }
        };
        match self {
            Scope::City => None,
            Scope::District(code) => {
                Some((format!("{} = ${next}", column("district")), code.into()))
            }
            Scope::Body(id) => Some((format!("{} = ${next}", column("body")), id.into())),
        }
    }

    /// Whether a row of `district` and `body` is inside this scope.
    pub fn covers(&self, district: &str, body: &str) -> bool {
        match self {
            Scope::City => true,
            Scope::District(code) => district == code,
            Scope::Body(id) => body == id,
        }
    }

    /// Parses the stored form: `''` (the city), a district code, or `body:<id>`.
    pub fn parse(stored: &str) -> Option<Scope> {
        if stored.is_empty() {
            Some(Scope::City)
        } else if let Some(id) = stored.strip_prefix("body:") {
            (!id.is_empty()).then(|| Scope::Body(id.to_owned()))
        } else if stored.len() == 6 && stored.bytes().all(|b| b.is_ascii_digit()) {
            Some(Scope::District(stored.to_owned()))
        } else {
            None
        }
    }

    /// The stored form `parse` reads.
    pub fn stored(&self) -> String {
        match self {
            Scope::City => String::new(),
            Scope::District(code) => code.clone(),
            Scope::Body(id) => format!("body:{id}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stored_form_round_trips_and_refuses_what_is_not_a_scope() {
        for scope in [
            Scope::City,
            Scope::District("500103".into()),
            Scope::Body("500103-cg".into()),
        ] {
            assert_eq!(Scope::parse(&scope.stored()), Some(scope));
        }
        assert_eq!(Scope::parse("5001"), None);
        assert_eq!(Scope::parse("body:"), None);
        assert!(Scope::District("500103".into()).covers("500103", "x"));
        assert!(!Scope::District("500103".into()).covers("500104", "x"));
    }
}
