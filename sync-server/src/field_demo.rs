//! `zhifa-sync-server field-demo`: the whole field story on one machine. A server starts on
//! loopback with the demo catalogue; two officers' phones and one enterprise's phone enrol;
//! credentials arrive; the enterprise code is scanned and the enforcement code verified; an
//! inspection and the case it opens are worked on both phones offline, with the discretion
//! baseline's suggestion; everything syncs, conflicts show, the legal documents render, and
//! supervision reconciles the visit. QR images, documents and a report go to `--out`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::{Duration, Utc};
use zhifa_core::cases::CaseEdit;
use zhifa_core::codes::{issue_enterprise_code, qr};
use zhifa_core::device::Device;
use zhifa_core::discretion::facts::{FactType, SCHEMA};
use zhifa_core::discretion::{FactValue, Suggestion};
use zhifa_core::documents::DocumentKind;
use zhifa_core::inspections::{CheckResult, InspectionDoc, InspectionEdit, Task};
use zhifa_core::registry::KeyPurpose;
use zhifa_core::sync::http::HttpTransport;
use zhifa_core::sync::{DocKind, SubjectKind, SyncOptions};
use zhifa_core::texts;
use zhifa_sync_server::docs::Documents;
use zhifa_sync_server::server::{self, Config};
use zhifa_sync_server::{devices, events, ServerError};

const OFFICER_A: &str = "渝50010320001";
const OFFICER_B: &str = "渝50010320002";
const ENTERPRISE: &str = "91500103MA5U1A0B2Y";
const TEAM: &str = "B500103001";
const ITEMS: [&str; 3] = ["YZ-SC-001", "YZ-SC-002", "YZ-SC-006"];

struct Story {
    out: PathBuf,
    report: String,
}

impl Story {
    fn say(&mut self, line: impl AsRef<str>) {
        println!("{}", line.as_ref());
        let _ = writeln!(self.report, "{}", line.as_ref());
    }

    fn write(&mut self, name: &str, bytes: impl AsRef<[u8]>) -> Result<(), ServerError> {
        std::fs::write(self.out.join(name), bytes)?;
        self.say(format!("    → {name}"));
        Ok(())
    }
}

fn demo_error(error: zhifa_core::Error) -> ServerError {
    ServerError::BadRequest(format!("{error} ({})", error.message_zh()))
}

/// A phone: its own store under `out/phones/<name>`, enrolled with a fresh code.
fn phone(
    state: &zhifa_sync_server::AppState,
    out: &Path,
    name: &str,
    kind: SubjectKind,
    subject: &str,
    base: &str,
) -> Result<Device, ServerError> {
    let dir = out.join("phones").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let device = Device::open(
        &dir,
        vec!["500103".into()],
        vec![zhifa_core::crypto::Signer::public_key(&state.authority.0)],
    )
    .map_err(demo_error)?;
    let code = devices::issue_enrolment_code(
        state.db.as_ref(),
        &state.catalogue,
        kind,
        subject,
        Utc::now(),
    )?;
    let transport = HttpTransport::new(base).map_err(ServerError::BadRequest)?;
    device
        .sync()
        .enrol(&transport, &code, name)
        .map_err(demo_error)?;
    Ok(device)
}

pub fn run(out: &Path, data: zhifa_core::registry::CatalogueData) -> Result<(), ServerError> {
    std::fs::create_dir_all(out)?;
    let data_dir = out.join("server-data");
    let _ = std::fs::remove_dir_all(&data_dir);
    crate::ensure_demo_agency_keys(&data_dir, &data)?;
    crate::publish(&server::open_catalogue(&data_dir)?, &data_dir, data)?;
    let state = server::state(&Config::new(&data_dir))?;

    // The server, on loopback, on a runtime of its own.
    let (address_tx, address_rx) = std::sync::mpsc::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = state.clone();
    let thread = std::thread::spawn(move || -> Result<(), ServerError> {
        let runtime = tokio::runtime::Runtime::new()?;
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
            let _ = address_tx.send(listener.local_addr()?);
            server::serve(listener, serving, async {
                let _ = stopped.await;
            })
            .await
        })
    });
    let address = address_rx
        .recv()
        .map_err(|_| ServerError::Config("the demo server did not start".into()))?;
    let base = format!("http://{address}");
    let mut story = Story {
        out: out.to_path_buf(),
        report: String::new(),
    };
    let outcome = walk(&mut story, &state, &base);
    let _ = stop.send(());
    let _ = thread.join();
    std::fs::write(out.join("report.md"), &story.report)?;
    outcome?;
    println!("\nreport, QR images and documents in {}", out.display());
    Ok(())
}

fn walk(
    story: &mut Story,
    state: &zhifa_sync_server::AppState,
    base: &str,
) -> Result<(), ServerError> {
    let out = story.out.clone();
    let transport = HttpTransport::new(base).map_err(ServerError::BadRequest)?;
    let options = SyncOptions {
        case_number_prefix: Some("渝中市监罚".into()),
        ..SyncOptions::default()
    };
    let sync = |device: &Device| {
        device
            .sync()
            .run(&transport, &options, &|_| {})
            .map_err(demo_error)
    };

    story.say(format!(
        "# 执法现场演示 zhifa field demo\n\nserver: {base} (SQLite in {})\n",
        out.join("server-data").display()
    ));
    story.say("## 1. 设备登记与执法证件 (enrolment, catalogue, duty credentials)");
    let a = phone(
        state,
        &out,
        "officer-a",
        SubjectKind::Officer,
        OFFICER_A,
        base,
    )?;
    let b = phone(
        state,
        &out,
        "officer-b",
        SubjectKind::Officer,
        OFFICER_B,
        base,
    )?;
    let shop = phone(
        state,
        &out,
        "enterprise",
        SubjectKind::Enterprise,
        ENTERPRISE,
        base,
    )?;
    for (name, device) in [
        ("执法人员甲 李建华", &a),
        ("执法人员乙 王芳", &b),
        ("企业 老码头火锅", &shop),
    ] {
        let report = sync(device)?;
        story.say(format!(
            "- {name}: 目录版本 {:?}，执法证件{}，案号 {} 个，{} 次往返",
            report.catalogue_version,
            if report.credential_renewed {
                "已签发"
            } else {
                "无"
            },
            report.case_numbers_added,
            report.round_trips
        ));
    }

    story.say("\n## 2. 两码互核 (two-code mutual verification)");
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
    story.say(format!("- 企业码 ({})", enterprise.name));
    story.write("enterprise-code.png", &png)?;
    // The officer's camera reads the printed code.
    let scanned = qr::decode_image(&png)
        .map_err(|e| ServerError::BadRequest(e.to_string()))?
        .into_iter()
        .next()
        .ok_or(ServerError::Decode)?;
    let visit = a
        .codes()
        .open_visit(&scanned, None, vec![OFFICER_B.into()], Some(ENTERPRISE))
        .map_err(demo_error)?;
    story.say(format!(
        "- 执法人员甲扫企业码，开启检查：{}（{}）",
        visit.enterprise.code.name, visit.visit.id
    ));
    let shown = visit.enforcement_code.payload.clone();
    story.write(
        "enforcement-code.svg",
        qr::render_svg(&shown).map_err(|e| ServerError::BadRequest(e.to_string()))?,
    )?;
    story.write(
        "enforcement-code.png",
        qr::render_png(&shown, 6).map_err(|e| ServerError::BadRequest(e.to_string()))?,
    )?;
    let verified = shop
        .codes()
        .verify_enforcement_code(&shown, Some(ENTERPRISE), "500103")
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
    let mut forged = shown.clone();
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
        .verify_enforcement_code(&shown, Some(ENTERPRISE), "500103")
    {
        Err(zhifa_core::Error::Code(refusal)) => refusal.message_zh().to_owned(),
        other => format!("{other:?}"),
    };
    story.say(format!("- 同一执法码再次出示：{replay}"));

    story.say("\n## 3. 双随机检查任务，两部手机离线填写 (inspection worked offline on two phones)");
    let task = Task {
        id: "YZ-2026-食品-01-00001".into(),
        plan_id: "YZ-2026-食品-01".into(),
        credit_code: ENTERPRISE.into(),
        enterprise_name: enterprise.name.clone(),
        division: enterprise.division.clone(),
        officers: vec![OFFICER_A.into(), OFFICER_B.into()],
        items: ITEMS.iter().map(|s| s.to_string()).collect(),
    };
    let mut doc = InspectionDoc::from_task(&task).map_err(|e| demo_error(e.into()))?;
    Documents::new(4).create(
        state.db.as_ref(),
        DocKind::Inspection,
        &task.id,
        TEAM,
        doc.automerge().clone(),
    )?;
    sync(&a)?;
    sync(&b)?;
    story.say(format!("- 任务 {} 下发到两部手机", task.id));
    // No signal from here: each phone records what it saw.
    let record = |device: &Device, item: &str, result, note: &str| {
        device
            .inspections()
            .edit(
                &task.id,
                &[InspectionEdit::Record {
                    item: item.into(),
                    result,
                    note: note.into(),
                }],
            )
            .map_err(demo_error)
    };
    record(
        &a,
        ITEMS[0],
        CheckResult::Compliant,
        "许可证在有效期内，公示规范",
    )?;
    record(
        &b,
        ITEMS[0],
        CheckResult::NonCompliant,
        "许可证公示位置不明显",
    )?;
    record(
        &b,
        ITEMS[1],
        CheckResult::NonCompliant,
        "后厨餐具未经消毒即重复使用，消毒柜未通电",
    )?;
    record(&a, ITEMS[2], CheckResult::Compliant, "")?;
    a.inspections()
        .edit(
            &task.id,
            &[InspectionEdit::AttachVisit {
                visit_id: visit.visit.id.clone(),
            }],
        )
        .map_err(demo_error)?;
    for device in [&a, &b, &a] {
        sync(device)?;
    }
    let merged = a.inspections().get(&task.id).map_err(demo_error)?;
    for entry in &merged.checklist {
        let result = match entry.result {
            Some(CheckResult::Compliant) => "合格",
            Some(CheckResult::NonCompliant) => "不合格",
            Some(CheckResult::NotApplicable) => "不适用",
            None => "未检查",
        };
        story.say(format!("- {}：{result} {}", entry.item, entry.note));
    }
    for conflict in &merged.conflicts {
        story.say(format!(
            "- ⚠ 冲突，需人工确认：{} = {}",
            conflict.field,
            conflict.values.join(" / ")
        ));
    }

    story.say("\n## 4. 立案、裁量建议与文书 (case, discretion, documents)");
    let case = b
        .inspections()
        .open_case(&task.id, ITEMS[1])
        .map_err(demo_error)?;
    story.say(format!(
        "- 由不合格项立案：{}（{}）",
        case.violation, case.id
    ));
    b.evidence()
        .add_to_case(&case.id, &png, "photo", "后厨消毒柜现场照片", None)
        .map_err(demo_error)?;
    // Answer what the engine asks, as the officer would.
    let mut answered = Vec::new();
    let outcome = loop {
        match b.cases().suggest(&case.id).map_err(demo_error)? {
            Suggestion::Outcome(outcome) => break outcome,
            Suggestion::NeedFacts(questions) => {
                let mut edits = Vec::new();
                for question in questions {
                    let value = answer(&question.fact);
                    answered.push(format!("{} → {value:?}", question.question));
                    edits.push(CaseEdit::SetFact {
                        name: question.fact,
                        value,
                    });
                }
                b.cases().edit(&case.id, &edits).map_err(demo_error)?;
                if answered.len() > 40 {
                    return Err(ServerError::BadRequest("the engine keeps asking".into()));
                }
            }
        }
    };
    for line in &answered {
        story.say(format!("  问：{line}"));
    }
    story.say(format!("- 裁量建议：{}", outcome.explanation));
    sync(&b)?;
    sync(&a)?;
    // Apart again: A adds to the findings, B records the time and place, and both set the
    // harm differently (a legal fact: a conflict for a person to settle).
    a.cases()
        .edit(
            &case.id,
            &[
                CaseEdit::AppendFindings("现场检查时消毒柜未通电，餐具堆放于洗碗池旁。".into()),
                CaseEdit::SetFact {
                    name: "harm".into(),
                    value: FactValue::Text("slight".into()),
                },
            ],
        )
        .map_err(demo_error)?;
    b.cases()
        .edit(
            &case.id,
            &[
                CaseEdit::SetOnsite {
                    time: Utc::now().format("%Y-%m-%d %H:%M").to_string(),
                    place: format!("{}后厨", enterprise.name),
                    party_signed: true,
                },
                CaseEdit::SetFact {
                    name: "harm".into(),
                    value: FactValue::Text("serious".into()),
                },
            ],
        )
        .map_err(demo_error)?;
    for device in [&a, &b, &a] {
        sync(device)?;
    }
    let on_a = a.cases().get(&case.id).map_err(demo_error)?;
    let on_b = b.cases().get(&case.id).map_err(demo_error)?;
    story.say(format!(
        "- 同步后两部手机一致：{}；当事人 {} 个；证据 {} 项；冲突 {} 处",
        if on_a == on_b { "是" } else { "否" },
        on_a.parties.len(),
        on_a.evidence.len(),
        on_a.conflicts.len()
    ));
    for conflict in &on_a.conflicts {
        story.say(format!(
            "- ⚠ 冲突，需人工确认：{} = {}",
            conflict.field,
            conflict.values.join(" / ")
        ));
        // The two officers look at the photos again and agree the harm was slight.
        let value = conflict
            .values
            .iter()
            .find(|v| v.contains("slight"))
            .unwrap_or(&conflict.values[0])
            .clone();
        a.cases()
            .edit(
                &case.id,
                &[CaseEdit::Resolve {
                    field: conflict.field.clone(),
                    value: value.clone(),
                }],
            )
            .map_err(demo_error)?;
        story.say(format!("  两人确认后取值：{} = {value}", conflict.field));
    }
    sync(&a)?;
    sync(&b)?;
    let chosen = match a.cases().suggest(&case.id).map_err(demo_error)? {
        Suggestion::Outcome(outcome) => outcome.fine.map(|f| f.min),
        Suggestion::NeedFacts(_) => None,
    };
    a.cases()
        .choose_penalty(&case.id, chosen, None)
        .map_err(demo_error)?;
    story.say(format!(
        "- 拟处罚款：{} 元（在建议幅度内）",
        chosen.unwrap_or(0)
    ));
    let numbered = a
        .cases()
        .assign_number(&case.id, "渝中市监罚")
        .map_err(demo_error)?;
    story.say(format!(
        "- 案号（离线分配）：{}",
        numbered.number.unwrap_or_default()
    ));
    for (kind, file) in [
        (DocumentKind::OnsiteRecord, "现场检查笔录.html"),
        (DocumentKind::OrderToCorrect, "责令改正通知书.html"),
        (
            DocumentKind::NoticeOfIntendedPenalty,
            "行政处罚事先告知书.html",
        ),
    ] {
        match a.cases().render_document(&case.id, kind) {
            Ok(html) => story.write(file, html)?,
            Err(error) => story.say(format!("- {file}：{}", error.message_zh())),
        }
    }

    story.say("\n## 5. 执法监督：两码互核对账 (supervision: reconciliation)");
    for device in [&a, &b, &shop] {
        sync(device)?;
    }
    let now = Utc::now();
    let reconciliation = events::reconcile(
        state.db.as_ref(),
        now - Duration::hours(1),
        now + Duration::hours(1),
    )?;
    story.say(format!(
        "- 已核对 {} 次检查；有检查无企业扫码 {} 次；有扫码无检查记录 {} 次",
        reconciliation.matched.len(),
        reconciliation.visits_without_verification.len(),
        reconciliation.verifications_without_visit.len()
    ));
    story.write(
        "reconciliation.json",
        serde_json::to_string_pretty(&reconciliation).expect("report serialises"),
    )?;
    Ok(())
}

/// The demo's answers to the engine's questions: a first offence, refused correction, no
/// vulnerable customers; every other yes/no question no.
fn answer(fact: &str) -> FactValue {
    let spec = SCHEMA.iter().find(|s| s.name == fact);
    match (fact, spec.map(|s| &s.kind)) {
        ("first_offence", _) => FactValue::Bool(true),
        ("correction", _) => FactValue::Text("refused".into()),
        ("harm", _) => FactValue::Text("general".into()),
        ("capacity", _) => FactValue::Text("full".into()),
        ("age", _) => FactValue::Int(40),
        (_, Some(FactType::Int)) => FactValue::Int(0),
        (_, Some(FactType::Enum(values))) => FactValue::Text(values[0].into()),
        _ => FactValue::Bool(false),
    }
}
