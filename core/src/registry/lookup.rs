//! Reading the catalogue: one record by its key, the trust and revocation lists for code
//! verification, and the engines built from catalogue data (working days, discretion).

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{Connection, OptionalExtension};

use super::model::{
    AgencyKey, Article, CreditGrade, EnforcementBody, EnforcementItem, Enterprise, ItemKind,
    KeyPurpose, Officer, Regulation, RegulationLevel,
};
use super::{Registry, RegistryError, ISSUED_META};
use crate::crypto::KeyId;
use crate::numerals::chinese_number;
use crate::store::{get_meta, StoreError};

impl Registry {
    pub fn item(&self, code: &str) -> Result<Option<EnforcementItem>, RegistryError> {
        self.store.read(|c| {
            let row = c
                .query_row(
                    "SELECT code, name, sector, kind, legal_basis, decision_days FROM enforcement_item WHERE code = ?1",
                    [code],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, String>(3)?, r.get(4)?, r.get(5)?)),
                )
                .optional()?;
            row.map(|(code, name, sector, kind, legal_basis, decision_days)| {
                Ok(EnforcementItem {
                    code,
                    name,
                    sector,
                    kind: ItemKind::parse(&kind).ok_or_else(|| decode("item kind"))?,
                    legal_basis,
                    decision_days,
                })
            })
            .transpose()
        })
    }

    pub fn body(&self, id: &str) -> Result<Option<EnforcementBody>, RegistryError> {
        Ok(self.store.read(|c| {
            c.query_row(
                "SELECT id, name, division, address, reconsideration_body, court, payment_bank,
                        payment_account, seal_name, case_number_prefixes
                 FROM enforcement_body WHERE id = ?1",
                [id],
                |r| {
                    Ok(EnforcementBody {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        division: r.get(2)?,
                        address: r.get(3)?,
                        reconsideration_body: r.get(4)?,
                        court: r.get(5)?,
                        payment_bank: r.get(6)?,
                        payment_account: r.get(7)?,
                        seal_name: r.get(8)?,
                        case_number_prefixes: serde_json::from_str(&r.get::<_, String>(9)?)
                            .unwrap_or_default(),
                    })
                },
            )
            .optional()
        })?)
    }

    pub fn officer(&self, credential_no: &str) -> Result<Option<Officer>, RegistryError> {
        let row = self.store.read(|c| {
            c.query_row(
                "SELECT credential_no, name, body_id, divisions, items, roles FROM officer WHERE credential_no = ?1",
                [credential_no],
                |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?, r.get::<_, String>(5)?)),
            )
            .optional()
        })?;
        row.map(|(credential_no, name, body_id, divisions, items, roles)| {
            Ok(Officer {
                credential_no,
                name,
                body_id,
                divisions: decode_list(&divisions)?,
                items: decode_list(&items)?,
                roles: serde_json::from_str(&roles).map_err(|_| decode("officer roles"))?,
            })
        })
        .transpose()
    }

    pub fn enterprise(&self, credit_code: &str) -> Result<Option<Enterprise>, RegistryError> {
        self.store.read(|c| {
            let row = c
                .query_row(
                    "SELECT credit_code, name, division, industry, credit_grade, address,
                            legal_representative
                     FROM enterprise WHERE credit_code = ?1",
                    [credit_code],
                    |r| {
                        Ok((
                            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?),
                            r.get::<_, String>(4)?,
                            (r.get(5)?, r.get(6)?),
                        ))
                    },
                )
                .optional()?;
            row.map(
                |(
                    (credit_code, name, division, industry),
                    grade,
                    (address, legal_representative),
                )| {
                    Ok(Enterprise {
                        credit_code,
                        name,
                        division,
                        industry,
                        address,
                        legal_representative,
                        // An unreadable grade is an error, not grade D: the planner weights by it.
                        credit_grade: CreditGrade::parse(&grade)
                            .ok_or_else(|| decode("credit grade"))?,
                    })
                },
            )
            .transpose()
        })
    }

    /// Working days by the holiday calendars this catalogue holds.
    pub fn working_days(&self) -> Result<crate::calendar::WorkingDays, RegistryError> {
        let calendars: Vec<crate::calendar::HolidayCalendar> = self.store.read(|c| {
            let mut statement =
                c.prepare_cached("SELECT json FROM holiday_calendar ORDER BY year")?;
            let rows = statement
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            rows.iter()
                .map(|json| serde_json::from_str(json).map_err(|_| decode("holiday calendar")))
                .collect::<Result<Vec<_>, RegistryError>>()
        })?;
        Ok(crate::calendar::WorkingDays::new(&calendars))
    }

    /// The discretion engine over the baselines this catalogue holds.
    pub fn discretion_engine(&self) -> Result<crate::discretion::DiscretionEngine, RegistryError> {
        fn all<T: serde::de::DeserializeOwned>(
            c: &Connection,
            table: &str,
        ) -> Result<Vec<T>, RegistryError> {
            let mut statement = c.prepare(&format!("SELECT json FROM {table}"))?;
            let rows = statement
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            rows.iter()
                .map(|json| serde_json::from_str(json).map_err(|_| decode(table)))
                .collect()
        }
        let (violations, documents, thresholds) = self.store.read(|c| {
            Ok::<_, RegistryError>((
                all(c, "violation")?,
                all(c, "baseline_document")?,
                all(c, "hearing_threshold")?,
            ))
        })?;
        crate::discretion::DiscretionEngine::new(violations, documents, thresholds)
            .map_err(|_| decode("baseline condition"))
    }

    /// When the authority issued the catalogue held: the age of the trust list.
    pub fn issued_at(&self) -> Result<Option<DateTime<Utc>>, RegistryError> {
        Ok(self
            .store
            .read(|c| get_meta(c, ISSUED_META))?
            .and_then(|text| text.parse().ok()))
    }

    /// Every trust-list key with this key id (ids may collide; verifiers try each).
    pub fn agency_keys(&self, key_id: &KeyId) -> Result<Vec<AgencyKey>, RegistryError> {
        let rows = self.store.read(|c| {
            let mut statement = c.prepare_cached(
                "SELECT key_id, agency_id, public_key, purpose, valid_from, valid_until, divisions
                 FROM agency_key WHERE key_id = ?1",
            )?;
            let rows = statement
                .query_map([key_id.to_string()], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>();
            rows
        })?;
        rows.into_iter()
            .map(
                |(key_id, agency_id, public_key, purpose, from, until, divisions)| {
                    Ok(AgencyKey {
                        key_id,
                        agency_id,
                        public_key,
                        purpose: KeyPurpose::parse(&purpose)
                            .ok_or_else(|| decode("key purpose"))?,
                        valid_from: from.parse().map_err(|_| decode("key validity"))?,
                        valid_until: until.parse().map_err(|_| decode("key validity"))?,
                        divisions: decode_list(&divisions)?,
                    })
                },
            )
            .collect()
    }

    /// Whether a duty credential is revoked, by the hash of its id.
    pub fn credential_revoked(&self, id_hash: &str) -> Result<bool, RegistryError> {
        Ok(self.store.read(|c| {
            c.query_row(
                "SELECT EXISTS (SELECT 1 FROM revocation WHERE kind = 'credential' AND subject = ?1)",
                [id_hash],
                |r| r.get(0),
            )
        })?)
    }

    /// The latest "revoke everything issued before T" for this credential number.
    pub fn subject_revoked_before(
        &self,
        subject: &str,
    ) -> Result<Option<DateTime<Utc>>, RegistryError> {
        let before: Option<String> = self.store.read(|c| {
            c.query_row(
                "SELECT max(before) FROM revocation WHERE kind = 'subject_before' AND subject = ?1",
                [subject],
                |r| r.get(0),
            )
        })?;
        before
            .map(|t| t.parse().map_err(|_| decode("revocation time")))
            .transpose()
    }

    /// The lowest enterprise-code serial still valid for this credit code, if any was retired.
    pub fn enterprise_min_serial(&self, credit_code: &str) -> Result<Option<u32>, RegistryError> {
        Ok(self.store.read(|c| {
            c.query_row(
                "SELECT max(min_serial) FROM revocation WHERE kind = 'enterprise_serial' AND subject = ?1",
                [credit_code],
                |r| r.get(0),
            )
        })?)
    }

    pub fn regulation(&self, id: &str) -> Result<Option<Regulation>, RegistryError> {
        self.store.read(|c| {
            let head = c
                .query_row(
                    "SELECT id, title, level, issuer, effective, repealed FROM regulation WHERE id = ?1",
                    [id],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, String>(3)?,
                            r.get::<_, String>(4)?,
                            r.get::<_, Option<String>>(5)?,
                        ))
                    },
                )
                .optional()?;
            let Some((id, title, level, issuer, effective, repealed)) = head else {
                return Ok(None);
            };
            let mut statement =
                c.prepare_cached("SELECT number, text FROM regulation_article WHERE regulation_id = ?1 ORDER BY ordinal")?;
            let articles = statement
                .query_map([&id], |r| Ok(Article { number: r.get(0)?, text: r.get(1)? }))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Some(Regulation {
                id,
                title,
                level: RegulationLevel::parse(&level).ok_or_else(|| decode("regulation level"))?,
                issuer,
                effective: effective.parse().map_err(|_| decode("effective date"))?,
                repealed: repealed.map(|d| d.parse()).transpose().map_err(|_| decode("repeal date"))?,
                articles,
            }))
        })
    }
}

/// One article of a regulation, as an app opens it from a citation or a search hit.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ArticleText {
    pub regulation_id: String,
    pub regulation_title: String,
    pub issuer: String,
    pub effective: NaiveDate,
    pub repealed: Option<NaiveDate>,
    /// As printed: 第一百二十六条.
    pub number: String,
    pub text: String,
}

impl Registry {
    /// The article `number` of a regulation: as printed (第一百二十六条, 第十条之一, the form
    /// `SearchHit::article_number` gives) or as digits (126); `None` when the catalogue has no
    /// such regulation or article.
    pub fn article(
        &self,
        regulation_id: &str,
        number: &str,
    ) -> Result<Option<ArticleText>, RegistryError> {
        let number = number.trim();
        let printed = match number.parse::<usize>() {
            Ok(n @ 1..=999) => format!("第{}条", chinese_number(n)),
            _ => number.to_owned(),
        };
        let row = self.store.read(|c| {
            c.query_row(
                "SELECT r.title, r.issuer, r.effective, r.repealed, a.number, a.text
                 FROM regulation r JOIN regulation_article a ON a.regulation_id = r.id
                 WHERE r.id = ?1 AND a.number = ?2 ORDER BY a.ordinal LIMIT 1",
                (regulation_id, &printed),
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                    ))
                },
            )
            .optional()
        })?;
        let Some((title, issuer, effective, repealed, number, text)) = row else {
            return Ok(None);
        };
        Ok(Some(ArticleText {
            regulation_id: regulation_id.to_owned(),
            regulation_title: title,
            issuer,
            effective: effective.parse().map_err(|_| decode("effective date"))?,
            repealed: repealed
                .map(|d| d.parse())
                .transpose()
                .map_err(|_| decode("repeal date"))?,
            number,
            text,
        }))
    }
}

fn decode(what: &str) -> RegistryError {
    RegistryError::Store(StoreError::Decode(what.to_owned()))
}

fn decode_list(json: &str) -> Result<Vec<String>, RegistryError> {
    serde_json::from_str(json).map_err(|_| decode("list column"))
}
