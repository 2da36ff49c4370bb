//! zh-CN names for the codes index rows carry (districts, bodies, officers), so the console
//! never shows a supervisor a bare code where the catalogue knows a name.

use std::collections::HashMap;

use zhifa_core::registry::generate::DIVISIONS;

use crate::catalogue::CatalogueStore;
use crate::error::ServerError;

pub fn district(code: &str) -> String {
    DIVISIONS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or_else(|| code.to_owned(), |(_, name)| (*name).to_owned())
}

/// Bodies' and officers' names, each looked up once.
pub struct Lookup<'c> {
    catalogue: &'c CatalogueStore,
    bodies: HashMap<String, String>,
    officers: HashMap<String, String>,
}

impl<'c> Lookup<'c> {
    pub fn new(catalogue: &'c CatalogueStore) -> Lookup<'c> {
        Lookup {
            catalogue,
            bodies: HashMap::new(),
            officers: HashMap::new(),
        }
    }

    /// The body's name, or its id when the catalogue does not know it.
    pub fn body(&mut self, id: &str) -> Result<String, ServerError> {
        if let Some(name) = self.bodies.get(id) {
            return Ok(name.clone());
        }
        let name = self
            .catalogue
            .body(id)?
            .map_or_else(|| id.to_owned(), |b| b.name);
        self.bodies.insert(id.to_owned(), name.clone());
        Ok(name)
    }

    /// The enterprise's name, or its credit code when unknown.
    pub fn enterprise(&mut self, credit_code: &str) -> Result<String, ServerError> {
        Ok(self
            .catalogue
            .enterprise(credit_code)?
            .map_or_else(|| credit_code.to_owned(), |e| e.name))
    }

    /// The officer's name, or the credential number when unknown.
    pub fn officer(&mut self, credential_no: &str) -> Result<String, ServerError> {
        if let Some(name) = self.officers.get(credential_no) {
            return Ok(name.clone());
        }
        let name = self
            .catalogue
            .officer(credential_no)?
            .map_or_else(|| credential_no.to_owned(), |o| o.name);
        self.officers.insert(credential_no.to_owned(), name.clone());
        Ok(name)
    }
}
