//! Agencies and what they sign: `agency-keygen`, `issue-credential` (a duty credential for an
//! officer's device) and `issue-enterprise-code` (the code printed at the premises).

use std::path::PathBuf;

use chrono::{Duration, Utc};
use clap::Args;
use zhifa_core::codes::{issue_duty_credential, issue_enterprise_code, qr};
use zhifa_core::crypto::PublicKey;
use zhifa_core::registry::KeyPurpose;
use zhifa_sync_server::server::open_catalogue;
use zhifa_sync_server::{AgencyKeys, ServerError};

#[derive(Args)]
pub struct AgencyKeygen {
    #[arg(long, env = "ZHIFA_DATA_DIR", default_value = "zhifa-server-data")]
    data_dir: PathBuf,
    /// Enforcement body id, e.g. B500103003.
    #[arg(long)]
    agency: String,
    #[arg(long, value_parser = ["duty-credential", "enterprise-code"])]
    purpose: String,
    /// Comma-separated division prefixes the key may sign for.
    #[arg(long)]
    divisions: String,
}

impl AgencyKeygen {
    pub fn run(self) -> Result<(), ServerError> {
        let purpose = if self.purpose == "enterprise-code" {
            KeyPurpose::EnterpriseCode
        } else {
            KeyPurpose::DutyCredential
        };
        let divisions = self
            .divisions
            .split(',')
            .map(|d| d.trim().to_owned())
            .collect();
        let record = AgencyKeys::open(&self.data_dir).create(&self.agency, purpose, divisions)?;
        println!(
            "key {} for {}; publish to add it to the trust list",
            record.key_id, self.agency
        );
        Ok(())
    }
}

#[derive(Args)]
pub struct IssueCredential {
    #[arg(long, env = "ZHIFA_DATA_DIR", default_value = "zhifa-server-data")]
    data_dir: PathBuf,
    /// Credential number (执法证号).
    #[arg(long)]
    officer: String,
    /// The device's public key, SPKI DER in hex.
    #[arg(long)]
    device_key: String,
    /// Comma-separated item codes of the shift; empty for all authorised items.
    #[arg(long, default_value = "")]
    items: String,
    #[arg(long, default_value_t = 8)]
    hours: i64,
    #[arg(long)]
    out: PathBuf,
}

impl IssueCredential {
    pub fn run(self) -> Result<(), ServerError> {
        let officer = open_catalogue(&self.data_dir)?
            .officer(&self.officer)?
            .ok_or_else(|| ServerError::BadRequest("no such officer in the catalogue".into()))?;
        let device_key = hex::decode(&self.device_key)
            .ok()
            .and_then(|der| PublicKey::from_spki_der(&der).ok())
            .ok_or_else(|| ServerError::BadRequest("device key is not SPKI DER hex".into()))?;
        let agency = AgencyKeys::open(&self.data_dir)
            .signer(&officer.body_id, KeyPurpose::DutyCredential)?;
        let items: Vec<String> = self
            .items
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let credential = issue_duty_credential(
            &agency,
            &officer,
            &device_key,
            &items,
            Utc::now(),
            Duration::hours(self.hours),
        )
        .map_err(|e| ServerError::BadRequest(e.to_string()))?;
        std::fs::write(&self.out, credential)?;
        println!(
            "duty credential for {} written to {}",
            officer.credential_no,
            self.out.display()
        );
        Ok(())
    }
}

#[derive(Args)]
pub struct IssueEnterpriseCode {
    #[arg(long, env = "ZHIFA_DATA_DIR", default_value = "zhifa-server-data")]
    data_dir: PathBuf,
    #[arg(long)]
    credit_code: String,
    #[arg(long, default_value_t = 1)]
    serial: u32,
    /// Writes the payload text; `<out>.png` and `<out>.svg` get the QR images.
    #[arg(long)]
    out: PathBuf,
}

impl IssueEnterpriseCode {
    pub fn run(self) -> Result<(), ServerError> {
        let enterprise = open_catalogue(&self.data_dir)?
            .enterprise(&self.credit_code)?
            .ok_or_else(|| ServerError::BadRequest("no such enterprise in the catalogue".into()))?;
        let keys = AgencyKeys::open(&self.data_dir);
        let issuer = keys.enterprise_code_issuer(&enterprise.division)?;
        let signer = keys.signer(&issuer, KeyPurpose::EnterpriseCode)?;
        let payload = issue_enterprise_code(
            &signer,
            &enterprise,
            self.serial,
            Utc::now(),
            Duration::days(365),
        )?;
        std::fs::write(&self.out, &payload)?;
        let image = |extension: &str| {
            let mut name = self.out.as_os_str().to_owned();
            name.push(extension);
            PathBuf::from(name)
        };
        let png =
            qr::render_png(&payload, 8).map_err(|e| ServerError::BadRequest(e.to_string()))?;
        std::fs::write(image(".png"), png)?;
        let svg = qr::render_svg(&payload).map_err(|e| ServerError::BadRequest(e.to_string()))?;
        std::fs::write(image(".svg"), svg)?;
        println!(
            "enterprise code for {} (serial {}) written to {}",
            enterprise.name,
            self.serial,
            self.out.display()
        );
        Ok(())
    }
}
