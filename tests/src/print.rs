//! Printing the legal documents as an agency would: every document of a demo ordinary case, a
//! case whose party asked for a hearing, a no-penalty case and a summary case, rendered by the
//! core on a demo phone, printed to PDF and PNG by headless Chromium (Debian's `chromium`),
//! read back with poppler's `pdfinfo` and `pdftotext`. Shared by the print test and the field
//! demo.

use std::path::{Path, PathBuf};
use std::process::Command;

use chrono::Utc;
use zhifa_core::cases::procedure::Service;
use zhifa_core::cases::{CaseEdit, CaseKind, ServiceMethod, Step};
use zhifa_core::discretion::{ChosenPenalty, EducationRecord, Fact, FactValue};
use zhifa_core::documents::DocumentKind;
use zhifa_core::testing::{officers, person, Phone};

/// The officer on duty on the demo phone, and the demo body's head and legal reviewer.
const BY: &str = "渝50010320021";
const HEAD: &str = "渝50010320029";
const REVIEWER: &str = "渝50010320028";

/// One rendered document of a demo case.
pub struct Rendered {
    /// The file name it is written under: case, then title (普通程序-行政处罚决定书).
    pub name: String,
    pub title: &'static str,
    pub party: String,
    pub number: Option<String>,
    pub html: String,
}

/// The Chromium binary, if installed (`ZHIFA_CHROMIUM` overrides).
pub fn chromium() -> Option<PathBuf> {
    if let Ok(path) = std::env::var("ZHIFA_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .map(|name| Path::new("/usr/bin").join(name))
        .find(|path| path.is_file())
}

fn headless(chromium: &Path, html: &Path, output: &str) -> std::io::Result<()> {
    let url = format!("file://{}", html.canonicalize()?.display());
    let status = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
            "--no-pdf-header-footer",
            output,
            &url,
        ])
        .output()?;
    if status.status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other(
            String::from_utf8_lossy(&status.stderr).into_owned(),
        ))
    }
}

/// Prints `html` (a file) to `pdf` as Chromium prints it: A4 from the page's `@page`.
pub fn print_pdf(chromium: &Path, html: &Path, pdf: &Path) -> std::io::Result<()> {
    headless(chromium, html, &format!("--print-to-pdf={}", pdf.display()))
}

/// A PNG of the document's first page as it shows on screen, at A4 size.
pub fn screenshot(chromium: &Path, html: &Path, png: &Path) -> std::io::Result<()> {
    // A4 at 96 dpi: 794 × 1123 CSS pixels.
    let url = format!("file://{}", html.canonicalize()?.display());
    let status = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg("--window-size=794,1123")
        .arg(format!("--screenshot={}", png.display()))
        .arg(&url)
        .output()?;
    if status.status.success() {
        Ok(())
    } else {
        Err(std::io::Error::other(
            String::from_utf8_lossy(&status.stderr).into_owned(),
        ))
    }
}

/// The page count `pdfinfo` reports.
pub fn pdf_pages(pdf: &Path) -> std::io::Result<u32> {
    let out = Command::new("pdfinfo").arg(pdf).output()?;
    let info = String::from_utf8_lossy(&out.stdout);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("pdfinfo: {info}")))
}

/// The text `pdftotext` extracts, without white space (CJK lines break anywhere).
pub fn pdf_text(pdf: &Path) -> std::io::Result<String> {
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()?;
    Ok(String::from_utf8_lossy(&out.stdout)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect())
}

fn fact(name: &str, value: impl Into<FactValue>) -> CaseEdit {
    CaseEdit::SetFact(Fact::new(name, value))
}

fn barbecue_facts(minor: bool) -> Vec<CaseEdit> {
    let mut edits = officers();
    edits.push(CaseEdit::AddParty(person()));
    edits.extend([
        fact("criminal_referral", false),
        fact("no_fault_proven", false),
        fact("minor_act", minor),
        fact("removed_harm", false),
        fact("coerced", false),
        fact("confessed", false),
        fact("meritorious", false),
        fact("age", 40i64),
        fact("capacity", "full"),
        fact("first_offence", minor),
        fact("harm", if minor { "none" } else { "general" }),
        fact("correction", if minor { "corrected" } else { "refused" }),
        fact("priors_12m", 0i64),
        fact("pollution_alert", false),
        fact("property_value", 300i64),
        fact("illegal_gains", 0i64),
    ]);
    edits.push(CaseEdit::AppendFindings(
        "当事人在解放碑步行街禁止露天烧烤区域内露天烧烤食品，经执法人员劝阻拒不停止。".into(),
    ));
    edits.push(CaseEdit::SetOnsite {
        time: Utc::now().to_rfc3339(),
        place: "重庆市渝中区解放碑步行街".into(),
        party_signed: false,
    });
    edits.push(CaseEdit::AddInquiry(zhifa_core::cases::Inquiry {
        person: "张某".into(),
        time: Utc::now().to_rfc3339(),
        record: "问：你是否在此露天烧烤？\n答：是的，晚上生意好。".into(),
    }));
    edits
}

type Fail = Box<dyn std::error::Error>;

/// Handed to the party in person on `day` (Art. 61).
fn served(day: chrono::NaiveDate) -> Step {
    Step::Serve {
        service: Service {
            method: ServiceMethod::Direct,
            served_on: day,
            recipient: "张某".into(),
            note: String::new(),
        },
    }
}

/// Every document each demo case supports at the end of its walk (and the hearing notices
/// on the way), rendered by the device.
pub fn demo_documents() -> Result<Vec<Rendered>, Fail> {
    let phone = Phone::demo();
    phone.on_duty(BY);
    let d = &phone.device;
    let today = zhifa_core::calendar::beijing_date(Utc::now());
    let cases = d.cases();
    let mut out = Vec::new();
    let mut take = |label: &str, id: &str, kinds: &[DocumentKind]| -> Result<(), Fail> {
        let case = cases.get(id)?;
        for &kind in kinds {
            out.push(Rendered {
                name: format!("{label}-{}", kind.title_zh()),
                title: kind.title_zh(),
                party: case.parties[0].name.clone(),
                number: case.number.clone(),
                html: cases.render_document(id, kind)?,
            });
        }
        Ok(())
    };
    use DocumentKind::*;
    d.cases()
        .add_number_block(&zhifa_core::cases::numbers::CaseNumberBlock {
            prefix: "渝中城管罚".into(),
            year: chrono::Datelike::year(&today),
            first: 11,
            last: 20,
        })?;

    // A barbecue case, numbered and filed with the head's approval (the corrected one is minor).
    let filed_barbecue = |corrected: bool| -> Result<String, Fail> {
        let id = cases
            .create(CaseKind::Ordinary, "DQ-118-3", "500103", today, today)?
            .id;
        cases.edit(&id, &barbecue_facts(corrected))?;
        cases.assign_number(&id, "渝中城管罚")?;
        cases.step(
            &id,
            &Step::File {
                approver: HEAD.into(),
            },
        )?;
        Ok(id)
    };

    // The ordinary case, without a hearing: filed, notified, reviewed, decided, served, paid.
    let ordinary = filed_barbecue(false)?;
    d.evidence().add_to_case(
        &ordinary,
        b"\xff\xd8photo",
        "视听资料",
        "露天烧烤现场照片",
        None,
    )?;
    cases.choose_penalty(&ordinary, Some(12_000), None)?;
    take(
        "普通程序",
        &ordinary,
        &[
            FilingApproval,
            OnsiteRecord,
            InquiryRecord,
            EvidenceList,
            OrderToCorrect,
        ],
    )?;
    cases.step(&ordinary, &Step::Notify)?;
    take(
        "普通程序",
        &ordinary,
        &[NoticeOfIntendedPenalty, HearingRightNotice],
    )?;
    cases.step(&ordinary, &Step::CloseStatement)?;
    cases.step(
        &ordinary,
        &Step::PassLegalReview {
            reviewer: REVIEWER.into(),
        },
    )?;
    cases.step(
        &ordinary,
        &Step::RecordCollectiveDecision { chair: HEAD.into() },
    )?;
    cases.step(&ordinary, &Step::Decide)?;
    cases.step(&ordinary, &served(today))?;
    take(
        "普通程序",
        &ordinary,
        &[
            LegalReviewOpinion,
            CollectiveDiscussion,
            PenaltyDecision,
            ServiceReceipt,
        ],
    )?;
    cases.step(&ordinary, &Step::RecordPayment { amount: 12_000 })?;
    cases.step(&ordinary, &Step::Close)?;
    take("普通程序", &ordinary, &[ClosingReport])?;

    // A second party asks for a hearing the day it is notified.
    let heard = filed_barbecue(false)?;
    cases.choose_penalty(&heard, Some(15_000), None)?;
    cases.step(&heard, &Step::Notify)?;
    cases.step(&heard, &Step::RequestHearing)?;
    take("听证", &heard, &[HearingNotice])?;

    // A minor first act, corrected, without harm: no penalty (Art. 33 ¶1).
    let minor = filed_barbecue(true)?;
    // Not punished, educated (Art. 33 ¶3): the education is recorded with the choice.
    let educated = ChosenPenalty {
        education: Some(EducationRecord {
            content: "告知当事人禁止露天烧烤的规定及改正要求".into(),
            by: BY.into(),
            at: Utc::now(),
        }),
        ..ChosenPenalty::default()
    };
    cases.choose(&minor, &educated)?;
    cases.step(&minor, &Step::Notify)?;
    cases.step(&minor, &Step::CloseStatement)?;
    cases.step(&minor, &Step::Decide)?;
    take("不予处罚", &minor, &[NoPenaltyDecision])?;

    // The summary case: a citizen's rubbish, 100 yuan on the spot.
    let summary = cases
        .create(CaseKind::Summary, "GF-111-C", "500103", today, today)?
        .id;
    let mut edits = officers();
    edits.push(CaseEdit::AddParty(person()));
    for (name, value) in [
        ("criminal_referral", false),
        ("no_fault_proven", false),
        ("minor_act", false),
        ("removed_harm", false),
        ("coerced", false),
        ("confessed", false),
        ("meritorious", false),
    ] {
        edits.push(fact(name, value));
    }
    edits.extend([
        fact("age", 40i64),
        fact("capacity", "full"),
        fact("correction", "pending"),
        fact("priors_12m", 0i64),
    ]);
    edits.push(CaseEdit::AppendFindings(
        "当事人在较场口人行道随意倾倒生活垃圾。".into(),
    ));
    edits.push(CaseEdit::SetOnsite {
        time: Utc::now().to_rfc3339(),
        place: "重庆市渝中区较场口".into(),
        party_signed: true,
    });
    cases.edit(&summary, &edits)?;
    cases.assign_number(&summary, "渝中城管罚")?;
    cases.choose_penalty(&summary, Some(100), None)?;
    cases.step(&summary, &Step::DecideOnSpot)?;
    take(
        "简易程序",
        &summary,
        &[OnsiteRecord, SummaryDecision, ServiceReceipt],
    )?;
    cases.step(&summary, &Step::RecordPayment { amount: 100 })?;
    cases.step(&summary, &Step::Close)?;
    take("简易程序", &summary, &[ClosingReport])?;
    Ok(out)
}
