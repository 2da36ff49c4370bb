//! Agencies and what they sign: `agency-keygen`, `issue-credential` (a duty credential for an
//! officer's device) and `issue-enterprise-code` (the code printed at the premises).

use std::path::PathBuf;

use chrono::{Duration, Utc};
use clap::Args;
use zhifa_core::codes::{issue_duty_credential, issue_enterprise_code, qr};
use zhifa_core::crypto::PublicKey;
use zhifa_core::registry::{Enterprise, KeyPurpose};
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
    /// Also writes the printable A5 card (HTML: print it, or save it as PDF, from a browser).
    #[arg(long)]
    card: Option<PathBuf>,
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
        if let Some(card) = &self.card {
            std::fs::write(card, enterprise_card(&enterprise, &svg))?;
            println!("A5 card written to {}", card.display());
        }
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

/// The card printed for the premises (A5, zh-CN): who the enterprise is, its code, and how
/// the two codes are used at an inspection.
pub fn enterprise_card(enterprise: &Enterprise, qr_svg: &str) -> String {
    let escape = |text: &str| {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    // The SVG as the QR crate renders it, without its XML declaration (invalid inside HTML).
    let svg = qr_svg.find("<svg").map_or(qr_svg, |start| &qr_svg[start..]);
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <title>企业码 · {name}</title><style>\
         @page {{ size: A5; margin: 12mm; }}\
         body {{ font-family: \"Noto Sans CJK SC\", \"Noto Serif CJK SC\", sans-serif; margin: 0; color: #111; }}\
         .card {{ width: 124mm; margin: 0 auto; text-align: center; }}\
         h1 {{ font-size: 20pt; margin: 0 0 2mm; }}\
         .name {{ font-size: 15pt; font-weight: bold; margin: 2mm 0; }}\
         .code {{ font-size: 11pt; letter-spacing: 0.5pt; }}\
         .qr svg {{ width: 70mm; height: 70mm; }}\
         ol {{ text-align: left; font-size: 10pt; line-height: 1.6; padding-left: 6mm; margin: 3mm 0; }}\
         .note {{ text-align: left; font-size: 8.5pt; color: #444; }}\
         </style></head><body><div class=\"card\">\
         <h1>企业码</h1>\
         <p class=\"name\">{name}</p>\
         <p class=\"code\">统一社会信用代码：{code}</p>\
         <div class=\"qr\">{svg}</div>\
         <ol>\
         <li>执法人员到场开始检查时，先用执法App扫描本码，登记本次检查。</li>\
         <li>请您扫描执法人员出示的执法码核验其身份：使用执法App扫码，或用任意手机相机扫码打开核验网页。</li>\
         <li>核验通过后，页面显示执法人员姓名、执法证号、执法机关和可实施的执法事项；未通过时，请要求执法人员出示行政执法证件并核对，也可向执法监督机构反映。</li>\
         <li>检查结束后，可在核验页面对本次执法进行评价或投诉举报。</li>\
         </ol>\
         <p class=\"note\">网页核验由执法监督平台服务器完成，不经登记设备签名，证明力弱于执法App的签名核验，不计入“两码互核”。请将本码张贴在经营场所显著位置，勿涂改。</p>\
         </div></body></html>\n",
        name = escape(&enterprise.name),
        code = escape(&enterprise.credit_code),
    )
}
