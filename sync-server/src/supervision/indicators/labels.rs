//! zh-CN labels for figure keys: the city, district names from the division table, sectors
//! as they are named, bodies and officers from a name lookup (the catalogue) when given.

use zhifa_core::registry::generate::DIVISIONS;

use super::Level;
use crate::catalogue::CatalogueStore;

/// Names of bodies and officers for labels.
pub trait Names {
    fn name(&self, level: Level, key: &str) -> Option<String>;
}

impl Names for CatalogueStore {
    fn name(&self, level: Level, key: &str) -> Option<String> {
        match level {
            Level::Body => self.body(key).ok().flatten().map(|b| b.name),
            Level::Officer => self.officer(key).ok().flatten().map(|o| o.name),
            _ => None,
        }
    }
}

pub(super) fn label(level: Level, key: &str, names: Option<&dyn Names>) -> String {
    match level {
        Level::City => "全市".to_owned(),
        Level::District => DIVISIONS
            .iter()
            .find(|(code, _)| *code == key)
            .map(|(_, name)| (*name).to_owned())
            .or_else(|| names.and_then(|n| n.name(level, key)))
            .unwrap_or_else(|| key.to_owned()),
        _ => names
            .and_then(|n| n.name(level, key))
            .unwrap_or_else(|| key.to_owned()),
    }
}
