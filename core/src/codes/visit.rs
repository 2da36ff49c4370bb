//! The two-code visit (两码互核): the officer scans the enterprise code, shows an enforcement
//! code bound to that enterprise, and the device signs a record of it. The enterprise side
//! logs its own verification; the server matches the two.

use serde::{Deserialize, Deserializer, Serialize};

use super::CodeRefusal;

/// A position fix from the phone.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GpsFix {
    pub latitude: f64,
    pub longitude: f64,
    /// Radius of the 68 % confidence circle, metres.
    pub accuracy_m: f64,
}

/// The officer device's record of a visit, signed and queued as an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitRecord {
    pub id: String,
    pub credit_code: String,
    /// Hex SHA-256 of the scanned enterprise code and of the enforcement code shown.
    pub enterprise_code_hash: String,
    pub enforcement_code_hash: String,
    /// The time step of the enforcement code shown.
    pub step: u64,
    /// The officer holding the device and the others present (credential numbers).
    pub officer: String,
    pub officers_present: Vec<String>,
    pub gps: Option<GpsFix>,
    /// Trusted time, the phone's own clock, and whether the first was anchored.
    pub opened_at: chrono::DateTime<chrono::Utc>,
    pub wall_time: chrono::DateTime<chrono::Utc>,
    pub clock_trusted: bool,
}

/// The enterprise side's record of one verification, valid or refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerificationRecord {
    pub id: String,
    pub code_hash: String,
    pub verifier_credit_code: Option<String>,
    /// The officer and step, when the code could be read that far.
    pub credential_no: Option<String>,
    pub step: Option<u64>,
    /// `None` when valid; the refusal otherwise, by its serde name. Records signed before it
    /// was typed hold the refusal's `Debug` text, which still reads (`refusal_or_legacy`).
    #[serde(default, deserialize_with = "refusal_or_legacy")]
    pub refusal: Option<CodeRefusal>,
    pub verified_at: chrono::DateTime<chrono::Utc>,
    pub wall_time: chrono::DateTime<chrono::Utc>,
    pub clock_trusted: bool,
}

/// Reads a refusal as written now (the serde form) or as older apps wrote it: the `Debug` text,
/// `"Replayed"` or `"Malformed { reason: \"…\" }"`.
fn refusal_or_legacy<'de, D: Deserializer<'de>>(d: D) -> Result<Option<CodeRefusal>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Stored {
        Typed(CodeRefusal),
        Legacy(String),
    }
    Ok(match Option::<Stored>::deserialize(d)? {
        None => None,
        Some(Stored::Typed(refusal)) => Some(refusal),
        Some(Stored::Legacy(text)) => Some(legacy_refusal(&text)),
    })
}

/// A refusal from its `Debug` text. A name this build does not know still means "refused":
/// it is kept as `Malformed` with the text as the reason, never read as valid.
fn legacy_refusal(text: &str) -> CodeRefusal {
    let name: String = text
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect();
    if name == "Malformed" {
        let reason = match (text.find('"'), text.rfind('"')) {
            (Some(open), Some(close)) if close > open => {
                text[open + 1..close].replace("\\\"", "\"")
            }
            _ => String::new(),
        };
        return CodeRefusal::Malformed { reason };
    }
    CodeRefusal::deserialize(
        serde::de::value::StrDeserializer::<serde::de::value::Error>::new(&name),
    )
    .unwrap_or_else(|_| CodeRefusal::Malformed {
        reason: text.to_owned(),
    })
}

/// The officer's own visits (migration 0010), kept after their signed event has synced so a
/// case can still open from one. This module owns the `visit` table.
pub mod kept {
    use rusqlite::{Connection, OptionalExtension, Transaction};

    use super::VisitRecord;
    use crate::codes::enterprise::EnterpriseCode;
    use crate::store::StoreError;

    /// A visit kept on the device, with the enterprise as its scanned code named it.
    pub struct KeptVisit {
        pub record: VisitRecord,
        pub enterprise_name: String,
        /// Division of the premises, from the enterprise code.
        pub division: String,
    }

    pub fn keep(
        tx: &Transaction<'_>,
        visit: &VisitRecord,
        code: &EnterpriseCode,
    ) -> Result<(), StoreError> {
        let record = serde_json::to_string(visit).expect("a visit record serialises");
        tx.execute(
            "INSERT INTO visit (id, credit_code, enterprise_name, division, opened_at, record)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            (
                &visit.id,
                &visit.credit_code,
                &code.name,
                &code.division,
                visit.opened_at.to_rfc3339(),
                record,
            ),
        )?;
        Ok(())
    }

    pub fn load(conn: &Connection, id: &str) -> Result<Option<KeptVisit>, StoreError> {
        let row: Option<(String, String, String)> = conn
            .query_row(
                "SELECT record, enterprise_name, division FROM visit WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        row.map(|(json, enterprise_name, division)| {
            Ok(KeptVisit {
                record: serde_json::from_str(&json)
                    .map_err(|_| StoreError::Decode("visit record".into()))?,
                enterprise_name,
                division,
            })
        })
        .transpose()
    }

    /// Notes that `case_id` was opened from the visit.
    pub fn add_case(tx: &Transaction<'_>, id: &str, case_id: &str) -> Result<(), StoreError> {
        tx.execute(
            "UPDATE visit SET cases = json_insert(cases, '$[#]', ?2) WHERE id = ?1",
            (id, case_id),
        )?;
        Ok(())
    }

    /// The cases opened from the visit, oldest first.
    pub fn cases(conn: &Connection, id: &str) -> Result<Vec<String>, StoreError> {
        let cases: Option<String> = conn
            .query_row("SELECT cases FROM visit WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        Ok(cases
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(refusal: ciborium::Value) -> VerificationRecord {
        let now = chrono::Utc::now();
        let typed = VerificationRecord {
            id: "v".into(),
            code_hash: "00".into(),
            verifier_credit_code: None,
            credential_no: None,
            step: None,
            refusal: None,
            verified_at: now,
            wall_time: now,
            clock_trusted: true,
        };
        let mut value = ciborium::Value::serialized(&typed).unwrap();
        for (key, field) in value.as_map_mut().unwrap() {
            if key.as_text() == Some("refusal") {
                *field = refusal.clone();
            }
        }
        value.deserialized().unwrap()
    }

    #[test]
    fn refusals_round_trip_typed() {
        for refusal in [
            CodeRefusal::Replayed,
            CodeRefusal::Malformed {
                reason: "not EC1".into(),
            },
        ] {
            let value = ciborium::Value::serialized(&refusal).unwrap();
            assert_eq!(record(value).refusal, Some(refusal));
        }
        assert_eq!(record(ciborium::Value::Null).refusal, None);
    }

    #[test]
    fn refusals_older_apps_wrote_as_debug_text_still_read() {
        let legacy = |text: &str| record(ciborium::Value::Text(text.into())).refusal;
        assert_eq!(legacy("Replayed"), Some(CodeRefusal::Replayed));
        assert_eq!(
            legacy(&format!(
                "{:?}",
                CodeRefusal::Malformed {
                    reason: "no \"EC1:\" prefix".into()
                }
            )),
            Some(CodeRefusal::Malformed {
                reason: "no \"EC1:\" prefix".into()
            })
        );
        // An unknown name is still a refusal, never a valid verification.
        assert!(matches!(
            legacy("SomethingNew"),
            Some(CodeRefusal::Malformed { .. })
        ));
    }
}
