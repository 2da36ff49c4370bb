//! Devices: `enrol-device` (a one-time enrolment code) and `revoke-device`.

use std::path::PathBuf;

use chrono::Utc;
use clap::Args;
use zhifa_core::sync::SubjectKind;
use zhifa_sync_server::server::{self, open_catalogue};
use zhifa_sync_server::{devices, ServerError};

#[derive(Args)]
pub struct EnrolDevice {
    #[arg(long, env = "ZHIFA_DATA_DIR", default_value = "zhifa-server-data")]
    data_dir: PathBuf,
    #[arg(long, env = "ZHIFA_DATABASE_URL")]
    database_url: Option<String>,
    /// Credential number (执法证号) of the officer.
    #[arg(long, conflicts_with = "enterprise")]
    officer: Option<String>,
    /// Credit code of the enterprise.
    #[arg(long)]
    enterprise: Option<String>,
}

impl EnrolDevice {
    pub fn run(self) -> Result<(), ServerError> {
        let (kind, subject) = match (self.officer, self.enterprise) {
            (Some(officer), None) => (SubjectKind::Officer, officer),
            (None, Some(enterprise)) => (SubjectKind::Enterprise, enterprise),
            _ => {
                return Err(ServerError::BadRequest(
                    "give --officer or --enterprise".into(),
                ))
            }
        };
        let db = server::open_database(&self.data_dir, self.database_url.as_deref())?;
        let code = devices::issue_enrolment_code(
            db.as_ref(),
            &open_catalogue(&self.data_dir)?,
            kind,
            &subject,
            Utc::now(),
        )?;
        println!("{code}");
        eprintln!(
            "one-time enrolment code for {subject}, valid {} hours",
            devices::ENROLMENT_HOURS
        );
        Ok(())
    }
}

#[derive(Args)]
pub struct RevokeDevice {
    #[arg(long, env = "ZHIFA_DATA_DIR", default_value = "zhifa-server-data")]
    data_dir: PathBuf,
    #[arg(long, env = "ZHIFA_DATABASE_URL")]
    database_url: Option<String>,
    /// The device's key id (16 hex digits).
    #[arg(long)]
    key_id: String,
}

impl RevokeDevice {
    pub fn run(self) -> Result<(), ServerError> {
        let db = server::open_database(&self.data_dir, self.database_url.as_deref())?;
        if devices::revoke(db.as_ref(), &self.key_id)? {
            println!("device {} revoked", self.key_id);
            Ok(())
        } else {
            Err(ServerError::BadRequest("no such device".into()))
        }
    }
}
