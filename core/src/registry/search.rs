//! Chinese full-text search over enforcement items, regulations and their articles.
//!
//! SQLite's trigram tokenizer cannot index two-character words such as 无证 or 罚款, which are
//! the most common queries. So text is indexed as overlapping CJK bigrams (plus the last
//! character of each run, for one-character prefix queries) by the `unicode61` tokenizer: a
//! query of n ≥ 2 Chinese characters is the phrase of its n − 1 bigrams, which matches exactly
//! the texts containing it, and ranking is FTS5's bm25 with titles weighted above bodies.

use rusqlite::{Connection, Transaction};

use super::model::{EnforcementItem, Regulation, RegulationLevel};
use crate::store::StoreError;

/// What a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SearchHitKind {
    /// An enforcement item (执法事项); `key` is its code.
    Item,
    /// A regulation by its title; `key` is its id.
    Regulation,
    /// One article of a regulation; `key` is the regulation id.
    Article,
}

#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SearchHit {
    pub kind: SearchHitKind,
    pub key: String,
    /// 第…条 for an article hit.
    pub article_number: Option<String>,
    pub title: String,
    /// A short passage around the first match, for the result list.
    pub excerpt: String,
}

const KIND_ITEM: &str = "item";
const KIND_REGULATION: &str = "regulation";
const KIND_ARTICLE: &str = "article";
const EXCERPT_CHARS: usize = 60;
/// How many matches, in authority order, are scored; see the module comment.
const RANK_WINDOW: i64 = 4_000;
/// bm25 weights of the `title` and `body` columns.
const RANK_FUNCTION: &str = "bm25(search_index, 8.0, 1.0)";

/// Searches the catalogue; an empty or punctuation-only query finds nothing.
pub fn search(conn: &Connection, query: &str, limit: u32) -> Result<Vec<SearchHit>, StoreError> {
    let Some(expression) = match_expression(query) else {
        return Ok(Vec::new());
    };
    let mut statement = conn.prepare_cached(&format!(
        "SELECT rowid, {RANK_FUNCTION} FROM search_index WHERE search_index MATCH ?1 ORDER BY rowid LIMIT ?2"
    ))?;
    let mut scored = statement
        .query_map((expression, RANK_WINDOW), |row| {
            Ok((row.get::<_, i64>(0)?, row.get::<_, f64>(1)?))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    // bm25 is lower for better matches; ties keep authority order.
    scored.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
    scored.truncate(limit as usize);

    let needle = longest_run(query);
    let mut doc =
        conn.prepare_cached("SELECT kind, owner, ordinal FROM search_doc WHERE rowid = ?1")?;
    scored
        .into_iter()
        .map(|(rowid, _)| {
            let (kind, owner, ordinal) = doc.query_row([rowid], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, Option<i64>>(2)?,
                ))
            })?;
            describe(conn, &kind, owner, ordinal, &needle)
        })
        .collect()
}

fn describe(
    conn: &Connection,
    kind: &str,
    owner: String,
    ordinal: Option<i64>,
    needle: &str,
) -> Result<SearchHit, StoreError> {
    let hit = match (kind, ordinal) {
        (KIND_ITEM, _) => {
            let (name, basis): (String, String) = conn.query_row(
                "SELECT name, legal_basis FROM enforcement_item WHERE code = ?1",
                [&owner],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            let excerpt = excerpt(if name.contains(needle) { &name } else { &basis }, needle);
            SearchHit {
                kind: SearchHitKind::Item,
                key: owner,
                article_number: None,
                title: name,
                excerpt,
            }
        }
        (KIND_ARTICLE, Some(ordinal)) => {
            let (title, number, text): (String, String, String) = conn.query_row(
                "SELECT r.title, a.number, a.text FROM regulation_article a
                 JOIN regulation r ON r.id = a.regulation_id
                 WHERE a.regulation_id = ?1 AND a.ordinal = ?2",
                (&owner, ordinal),
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )?;
            SearchHit {
                kind: SearchHitKind::Article,
                key: owner,
                article_number: Some(number),
                title,
                excerpt: excerpt(&text, needle),
            }
        }
        _ => {
            let (title, issuer): (String, String) = conn.query_row(
                "SELECT title, issuer FROM regulation WHERE id = ?1",
                [&owner],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            SearchHit {
                kind: SearchHitKind::Regulation,
                key: owner,
                article_number: None,
                title,
                excerpt: issuer,
            }
        }
    };
    Ok(hit)
}

/// Hands out rowids within each authority tier during one transaction.
pub(super) struct RowidAllocator {
    next: [i64; TIERS],
}

const TIERS: usize = 8;
const TIER_ITEM: usize = 0;
const TIER_REGULATION: usize = 1;

fn article_tier(level: RegulationLevel) -> usize {
    2 + match level {
        RegulationLevel::Law => 0,
        RegulationLevel::AdministrativeRegulation => 1,
        RegulationLevel::LocalRegulation => 2,
        RegulationLevel::DepartmentalRule | RegulationLevel::LocalRule => 3,
        RegulationLevel::NormativeDocument => 4,
    }
}

impl RowidAllocator {
    pub(super) fn new(tx: &Transaction<'_>) -> Result<RowidAllocator, StoreError> {
        let mut next = [0i64; TIERS];
        let mut statement = tx.prepare_cached(
            "SELECT coalesce(max(rowid), ?1) FROM search_doc WHERE rowid BETWEEN ?1 AND ?2",
        )?;
        for (tier, slot) in next.iter_mut().enumerate() {
            let base = (tier as i64 + 1) << 32;
            *slot = statement.query_row((base, base + (1 << 32) - 1), |r| r.get::<_, i64>(0))? + 1;
        }
        Ok(RowidAllocator { next })
    }

    fn take(&mut self, tier: usize) -> i64 {
        let rowid = self.next[tier];
        self.next[tier] += 1;
        rowid
    }
}

pub(super) fn index_item(
    tx: &Transaction<'_>,
    rowids: &mut RowidAllocator,
    item: &EnforcementItem,
) -> Result<(), StoreError> {
    let body = format!("{} {}", item.legal_basis, item.sector);
    insert_doc(
        tx,
        rowids.take(TIER_ITEM),
        KIND_ITEM,
        &item.code,
        None,
        &item.name,
        &body,
    )
}

pub(super) fn index_regulation(
    tx: &Transaction<'_>,
    rowids: &mut RowidAllocator,
    regulation: &Regulation,
) -> Result<(), StoreError> {
    let rowid = rowids.take(TIER_REGULATION);
    insert_doc(
        tx,
        rowid,
        KIND_REGULATION,
        &regulation.id,
        None,
        &regulation.title,
        &regulation.issuer,
    )?;
    let tier = article_tier(regulation.level);
    for (ordinal, article) in regulation.articles.iter().enumerate() {
        let body = format!("{} {}", article.number, article.text);
        insert_doc(
            tx,
            rowids.take(tier),
            KIND_ARTICLE,
            &regulation.id,
            Some(ordinal as i64),
            "",
            &body,
        )?;
    }
    Ok(())
}

pub(super) fn unindex_item(tx: &Transaction<'_>, code: &str) -> Result<(), StoreError> {
    remove_docs(tx, KIND_ITEM, code)
}

pub(super) fn unindex_regulation(tx: &Transaction<'_>, id: &str) -> Result<(), StoreError> {
    remove_docs(tx, KIND_REGULATION, id)?;
    remove_docs(tx, KIND_ARTICLE, id)
}

pub(super) fn clear(tx: &Transaction<'_>) -> Result<(), StoreError> {
    tx.execute_batch("DELETE FROM search_index; DELETE FROM search_doc;")?;
    Ok(())
}

fn insert_doc(
    tx: &Transaction<'_>,
    rowid: i64,
    kind: &str,
    owner: &str,
    ordinal: Option<i64>,
    title: &str,
    body: &str,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO search_doc (rowid, kind, owner, ordinal) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute((rowid, kind, owner, ordinal))?;
    tx.prepare_cached("INSERT INTO search_index (rowid, title, body) VALUES (?1, ?2, ?3)")?
        .execute((rowid, index_terms(title), index_terms(body)))?;
    Ok(())
}

fn remove_docs(tx: &Transaction<'_>, kind: &str, owner: &str) -> Result<(), StoreError> {
    tx.prepare_cached(
        "DELETE FROM search_index WHERE rowid IN (SELECT rowid FROM search_doc WHERE kind = ?1 AND owner = ?2)",
    )?
    .execute((kind, owner))?;
    tx.prepare_cached("DELETE FROM search_doc WHERE kind = ?1 AND owner = ?2")?
        .execute((kind, owner))?;
    Ok(())
}

/// A run of text of one kind: Chinese characters, or a word of letters and digits.
enum Run {
    Cjk(Vec<char>),
    Word(String),
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F | 0x3007)
}

fn runs(text: &str) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut current: Option<Run> = None;
    for c in text.chars() {
        current = match (current.take(), c) {
            (Some(Run::Cjk(mut chars)), c) if is_cjk(c) => {
                chars.push(c);
                Some(Run::Cjk(chars))
            }
            (Some(Run::Word(mut word)), c) if c.is_alphanumeric() && !is_cjk(c) => {
                word.extend(c.to_lowercase());
                Some(Run::Word(word))
            }
            (previous, c) => {
                runs.extend(previous);
                if is_cjk(c) {
                    Some(Run::Cjk(vec![c]))
                } else if c.is_alphanumeric() {
                    Some(Run::Word(c.to_lowercase().collect()))
                } else {
                    None
                }
            }
        };
    }
    runs.extend(current);
    runs
}

/// The indexed form: bigrams of each Chinese run, then its last character; words as they are.
fn index_terms(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for run in runs(text) {
        match run {
            Run::Cjk(chars) => {
                for pair in chars.windows(2) {
                    out.extend(pair);
                    out.push(' ');
                }
                out.push(*chars.last().expect("runs are never empty"));
                out.push(' ');
            }
            Run::Word(word) => {
                out.push_str(&word);
                out.push(' ');
            }
        }
    }
    out
}

/// The FTS5 query for what the user typed: every run must occur (AND); a Chinese run as the
/// phrase of its bigrams, a single character or a word as a prefix.
fn match_expression(query: &str) -> Option<String> {
    let terms: Vec<String> = runs(query)
        .into_iter()
        .map(|run| match run {
            Run::Cjk(chars) if chars.len() == 1 => format!("\"{}\"*", chars[0]),
            Run::Cjk(chars) => {
                let bigrams: Vec<String> =
                    chars.windows(2).map(|pair| pair.iter().collect()).collect();
                format!("\"{}\"", bigrams.join(" "))
            }
            // Words hold only letters and digits, so they need no escaping inside quotes.
            Run::Word(word) => format!("\"{word}\"*"),
        })
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

fn longest_run(query: &str) -> String {
    runs(query)
        .into_iter()
        .map(|run| match run {
            Run::Cjk(chars) => chars.into_iter().collect(),
            Run::Word(word) => word,
        })
        .max_by_key(|text: &String| text.chars().count())
        .unwrap_or_default()
}

/// About `EXCERPT_CHARS` characters of `text` around the first occurrence of `needle`.
fn excerpt(text: &str, needle: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= EXCERPT_CHARS {
        return text.to_owned();
    }
    let lower = text.to_lowercase();
    let at = lower
        .find(needle)
        .map(|byte| lower[..byte].chars().count())
        .unwrap_or(0);
    let start = at
        .saturating_sub(EXCERPT_CHARS / 3)
        .min(chars.len() - EXCERPT_CHARS);
    let mut out = String::new();
    if start > 0 {
        out.push('…');
    }
    out.extend(&chars[start..start + EXCERPT_CHARS]);
    if start + EXCERPT_CHARS < chars.len() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_text_is_indexed_as_bigrams() {
        assert_eq!(index_terms("无证经营"), "无证 证经 经营 营 ");
        assert_eq!(
            index_terms("《食品安全法》第126条"),
            "食品 品安 安全 全法 法 第 126 条 "
        );
        assert_eq!(index_terms("GB 2760-2014标准"), "gb 2760 2014 标准 准 ");
    }

    #[test]
    fn queries_become_bigram_phrases_and_prefixes() {
        assert_eq!(match_expression("无证").unwrap(), "\"无证\"");
        assert_eq!(match_expression("无证经营").unwrap(), "\"无证 证经 经营\"");
        assert_eq!(match_expression("烟").unwrap(), "\"烟\"*");
        assert_eq!(
            match_expression("食品 GB2760").unwrap(),
            "\"食品\" \"gb2760\"*"
        );
        assert_eq!(match_expression("\"*)( OR"), Some("\"or\"*".into()));
        assert_eq!(match_expression("，。！  "), None);
    }

    #[test]
    fn excerpts_center_on_the_match() {
        let text = format!("{}无证经营{}", "甲".repeat(100), "乙".repeat(100));
        let shown = excerpt(&text, "无证经营");
        assert!(shown.contains("无证经营"));
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(excerpt("短文本", "无"), "短文本");
    }
}
