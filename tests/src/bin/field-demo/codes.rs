//! 2. Two-code mutual verification: the officer scans the enterprise code printed at the
//!    premises and opens a visit; the enterprise's phone verifies the officer's enforcement
//!    code, and refuses a forged one and the same one shown again.

use chrono::{Duration, Utc};
use zhifa_core::codes::{issue_enterprise_code, qr};
use zhifa_core::registry::{Enterprise, KeyPurpose};
use zhifa_core::texts;
use zhifa_sync_server::ServerError;

use crate::field::{demo_error, Field, Story, ENTERPRISE, OFFICER_B};

/// The visit the officer opened, and what later steps take from it.
pub struct Visit {
    pub id: String,
    pub enterprise: Enterprise,
    /// The enterprise code's QR image, which also serves as the case's photo.
    pub code_png: Vec<u8>,
}

pub fn run(story: &mut Story, field: &Field) -> Result<Visit, ServerError> {
    story.say("\n## 二、两码互核");
    let (enterprise, png) = print_enterprise_code(story, field)?;
    // The officer's camera reads the printed code.
    let scanned = qr::decode_image(&png)
        .map_err(|e| ServerError::BadRequest(e.to_string()))?
        .into_iter()
        .next()
        .ok_or(ServerError::Decode)?;
    let visit = field
        .a
        .codes()
        .open_visit(&scanned, None, vec![OFFICER_B.into()], Some(ENTERPRISE))
        .map_err(demo_error)?;
    story.say(format!(
        "- 执法人员甲扫企业码，开启检查：{}",
        visit.enterprise.code.name
    ));
    show_enforcement_code(story, field, &visit.enforcement_code.payload)?;
    Ok(Visit {
        id: visit.visit.id,
        enterprise,
        code_png: png,
    })
}

/// The enterprise code the agency issues for the premises, as a PNG.
fn print_enterprise_code(
    story: &mut Story,
    field: &Field,
) -> Result<(Enterprise, Vec<u8>), ServerError> {
    let state = field.state;
    let enterprise = state
        .catalogue
        .enterprise(ENTERPRISE)?
        .ok_or(ServerError::Decode)?;
    let issuer = state
        .agencies
        .enterprise_code_issuer(&enterprise.division)?;
    let signer = state.agencies.signer(&issuer, KeyPurpose::EnterpriseCode)?;
    let enterprise_code =
        issue_enterprise_code(&signer, &enterprise, 1, Utc::now(), Duration::days(365))?;
    let png =
        qr::render_png(&enterprise_code, 8).map_err(|e| ServerError::BadRequest(e.to_string()))?;
    story.say(format!("- 企业码（{}）", enterprise.name));
    story.write("enterprise-code.png", &png)?;
    Ok((enterprise, png))
}

/// The officer shows the enforcement code; the enterprise verifies it, then a forgery and a
/// replay.
fn show_enforcement_code(story: &mut Story, field: &Field, shown: &str) -> Result<(), ServerError> {
    story.write(
        "enforcement-code.svg",
        qr::render_svg(shown).map_err(|e| ServerError::BadRequest(e.to_string()))?,
    )?;
    story.write(
        "enforcement-code.png",
        qr::render_png(shown, 6).map_err(|e| ServerError::BadRequest(e.to_string()))?,
    )?;
    let shop = &field.shop;
    let verified = shop
        .codes()
        .verify_enforcement_code(shown, Some(ENTERPRISE), "500103")
        .map_err(demo_error)?;
    story.say(format!(
        "- 企业扫执法码：{}（{}，{}），{}",
        verified.name,
        verified.credential_no,
        verified.agency_name.clone().unwrap_or_default(),
        std::iter::once(texts::codes::OFFICER_VERIFIED)
            .chain(verified.warnings.iter().map(|w| w.message_zh()))
            .collect::<Vec<_>>()
            .join(" ")
    ));
    let mut forged = shown.to_owned();
    forged.replace_range(forged.len() - 6.., "AAAAAA");
    let refusal = match shop
        .codes()
        .verify_enforcement_code(&forged, Some(ENTERPRISE), "500103")
    {
        Err(zhifa_core::Error::Code(refusal)) => refusal.message_zh().to_owned(),
        other => format!("{other:?}"),
    };
    story.say(format!("- 伪造的执法码：{refusal}"));
    let replay = match shop
        .codes()
        .verify_enforcement_code(shown, Some(ENTERPRISE), "500103")
    {
        Err(zhifa_core::Error::Code(refusal)) => refusal.message_zh().to_owned(),
        other => format!("{other:?}"),
    };
    story.say(format!("- 同一执法码再次出示：{replay}"));
    Ok(())
}
