//! Who a supervision request comes from and what its role lets it do: what a key
//! (`api::auth`) and a console account (`accounts`) both come down to.

use crate::error::ServerError;
use crate::supervision::Scope;

/// What a supervisor may do beyond reading within the scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The city bureau: everything, and the only role that imports outside outcomes.
    City,
    /// A district bureau: its district's bodies; handles warnings, draws and scores reviews.
    District,
    /// One body's own supervision officer: reads its own figures only.
    Body,
    /// A case-file reviewer (评查员): reads within the scope, draws and scores reviews.
    Reviewer,
}

impl Role {
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "city" => Some(Role::City),
            "district" => Some(Role::District),
            "body" => Some(Role::Body),
            "reviewer" => Some(Role::Reviewer),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::City => "city",
            Role::District => "district",
            Role::Body => "body",
            Role::Reviewer => "reviewer",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Role::City => "市级执法监督",
            Role::District => "区县执法监督",
            Role::Body => "执法机关内部监督",
            Role::Reviewer => "案卷评查员",
        }
    }

    /// Warnings are acknowledged, assigned, resolved and dismissed by the bureaus.
    pub fn handles_warnings(self) -> bool {
        matches!(self, Role::City | Role::District)
    }

    pub fn reviews(self) -> bool {
        matches!(self, Role::City | Role::District | Role::Reviewer)
    }

    pub fn imports_outcomes(self) -> bool {
        self == Role::City
    }

    /// Whether a key of this role may have `scope`: the city's is the city, a district's a
    /// district, a body's a body; a reviewer may work at any level.
    pub fn fits(self, scope: &Scope) -> bool {
        match self {
            Role::City => *scope == Scope::City,
            Role::District => matches!(scope, Scope::District(_)),
            Role::Body => matches!(scope, Scope::Body(_)),
            Role::Reviewer => true,
        }
    }

    /// `fits`, as the refusal an admin command or the API gives.
    pub fn check_scope(self, scope: &Scope) -> Result<(), ServerError> {
        if self.fits(scope) {
            return Ok(());
        }
        Err(ServerError::BadRequest(format!(
            "role {} cannot have scope '{}'",
            self.as_str(),
            scope.stored()
        )))
    }
}

/// Who a request comes from, as its key or its console account says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Supervisor {
    /// The first 12 hex digits of the key's hash: names the key in logs and records.
    pub key_id: String,
    pub name: String,
    pub role: Role,
    pub scope: Scope,
}

impl Supervisor {
    /// How a transition or a draw records who made it.
    pub fn who(&self) -> String {
        format!("{}（{}）", self.name, self.key_id)
    }
}
