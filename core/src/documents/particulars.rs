//! What every document takes from the case and the catalogue, written once: the party, the
//! officers, the facts and evidence, the basis, the penalty, the agency and its named bodies.
//! A particular the case lacks is either a refusal (the document cannot be made) or, where a
//! person fills it in on paper by custom, a blank line.

use chrono::NaiveDate;

use super::kind::{DocumentError, DocumentKind, Lacking};
use super::layout::{blank, esc, line, or_blank, reading_time, seal, written_date};
use crate::calendar::WorkingDays;
use crate::cases::{CaseFile, Decision, Party, PartyKind};
use crate::discretion::{Disposition, Outcome, ProcedureRoute, Violation};
use crate::registry::EnforcementBody;

/// 2023 Administrative Reconsideration Law, Art. 20: reconsideration within 60 days.
pub const REVIEW_DAYS: i64 = 60;
/// Administrative Litigation Law, Art. 46: suit within six months.
pub const SUIT_MONTHS: i64 = 6;

/// What a document needs besides the case.
pub struct DocumentContext<'a> {
    /// The issuing agency: the first acting officer's body. Unknown to the catalogue, its
    /// particulars print as blanks for the agency to fill in by hand.
    pub body: Option<&'a EnforcementBody>,
    pub violation: &'a Violation,
    /// The engine's outcome for the case's facts now, if they establish one.
    pub outcome: Option<&'a Outcome>,
    /// The working-day calendar deadlines are counted on (Art. 85).
    pub days: &'a WorkingDays,
    /// Today, in Beijing.
    pub today: NaiveDate,
}

/// One document being written: the case, its context, and which document it is (for the
/// refusals).
pub struct Sheet<'a> {
    pub case: &'a CaseFile,
    pub context: &'a DocumentContext<'a>,
    pub kind: DocumentKind,
}

impl Sheet<'_> {
    pub fn refuse(&self, article: &str, lacking: Vec<Lacking>) -> DocumentError {
        DocumentError::refused(self.kind, article, lacking)
    }

    /// The agency's name as printed above the title, or a blank.
    pub fn agency(&self) -> String {
        self.body_field(|b| &b.name)
    }

    /// The seal's wording, its date: the foot of every document the agency issues.
    pub fn seal(&self, date: NaiveDate) -> String {
        let name = self.context.body.map(|b| {
            if b.seal_name.is_empty() {
                &b.name
            } else {
                &b.seal_name
            }
        });
        seal(name.map_or("", |n| n.as_str()), date)
    }

    /// A particular of the agency (its address, the named bodies, the account), or a blank.
    pub fn body_field(&self, field: impl Fn(&EnforcementBody) -> &String) -> String {
        or_blank(self.context.body.map_or("", |b| field(b).as_str()))
    }

    /// The case number in the agency's form (渝中城管罚〔2026〕12号), or a blank for it.
    pub fn number(&self) -> String {
        let number = self.case.number.as_deref().unwrap_or("");
        format!("<p class=\"number\">{}</p>", or_blank(number))
    }

    pub fn party(&self, article: &str) -> Result<&Party, DocumentError> {
        self.case
            .parties
            .first()
            .ok_or_else(|| self.refuse(article, vec![Lacking::Party]))
    }

    /// Art. 59 (1): the party's name or title and address, and for an organisation its
    /// legal representative.
    pub fn party_block(&self, party: &Party) -> String {
        match party.kind {
            PartyKind::Organisation => [
                line("当事人", &or_blank(&party.name)),
                line(
                    "统一社会信用代码",
                    &or_blank(party.credit_code.as_deref().unwrap_or("")),
                ),
                line("住所", &or_blank(&party.address)),
                line(
                    "法定代表人（负责人）",
                    &or_blank(party.representative.as_deref().unwrap_or("")),
                ),
            ]
            .concat(),
            PartyKind::Person => [
                line("当事人", &or_blank(&party.name)),
                line(
                    "身份证件号码",
                    &or_blank(party.id_number.as_deref().unwrap_or("")),
                ),
                line("住址", &or_blank(&party.address)),
            ]
            .concat(),
        }
    }

    /// The acting officers with their credential numbers (Art. 42, 55).
    pub fn officers(&self) -> String {
        let named: Vec<String> = self
            .case
            .officers
            .iter()
            .filter(|o| !o.withdrawn)
            .map(|o| format!("{}（执法证号：{}）", esc(&o.name), esc(&o.credential_no)))
            .collect();
        if named.is_empty() {
            blank().into()
        } else {
            crate::texts::list(&named)
        }
    }

    /// A signature line for every acting officer, with the credential number (Art. 52).
    pub fn officer_signatures(&self) -> String {
        self.case
            .officers
            .iter()
            .filter(|o| !o.withdrawn)
            .map(|o| {
                format!(
                    "<p class=\"sign\">执法人员：{}　执法证号：{}　签名：{}</p>",
                    esc(&o.name),
                    esc(&o.credential_no),
                    blank()
                )
            })
            .collect()
    }

    /// The party's signature line, and where a refusal to sign is noted (Art. 52).
    pub fn party_signature(&self, what: &str) -> String {
        format!(
            "<p class=\"sign\">当事人{what}：{}　日期：{}</p>\
             <p class=\"sign\">当事人拒绝签收的，由执法人员在此注明情况并签名：{}</p>",
            blank(),
            blank(),
            blank()
        )
    }

    /// 违法依据, as cited.
    pub fn violated(&self) -> String {
        cite(&self.context.violation.violated)
    }

    /// 处罚依据, as cited.
    pub fn basis(&self) -> String {
        // The engine cites the provisions of the version it applied (Art. 37: an amendment
        // lighter at the decision replaces the one in force at the act).
        match self.context.outcome {
            Some(outcome) if !outcome.citations.is_empty() => esc(&outcome.citations.join("、")),
            _ => cite(&self.context.violation.penalty_basis),
        }
    }

    /// The facts as found, stated in the document itself (Art. 59 (2)): never "see record".
    pub fn findings(&self, article: &str) -> Result<String, DocumentError> {
        let findings = self.case.onsite.findings.trim();
        if findings.is_empty() {
            return Err(self.refuse(article, vec![Lacking::Findings]));
        }
        Ok(esc(findings))
    }

    /// The evidence, each item named (Art. 46's kinds), as a numbered list.
    pub fn evidence_items(&self) -> Vec<String> {
        let case = self.case;
        let mut items = Vec::new();
        // The record itself exists only once made at a time and place; findings typed
        // without one are the officer's notes, not an item of evidence.
        let onsite = &case.onsite;
        if !onsite.time.trim().is_empty() && !onsite.place.trim().is_empty() {
            items.push(format!(
                "现场检查（勘验）笔录（{}，{}）",
                reading_time(&onsite.time),
                esc(onsite.place.trim())
            ));
        }
        items.extend(case.inquiries.iter().map(|i| {
            format!(
                "询问笔录：被询问人{}（{}）",
                esc(&i.person),
                reading_time(&i.time)
            )
        }));
        items.extend(
            case.evidence
                .iter()
                .map(|e| format!("{}：{}", esc(&e.kind), esc(&e.description))),
        );
        items
    }

    /// "以上事实有下列证据证明" and the list, or a refusal: no penalty without evidence.
    pub fn evidence_paragraph(&self, article: &str) -> Result<String, DocumentError> {
        let items = self.evidence_items();
        if items.is_empty() {
            return Err(self.refuse(article, vec![Lacking::Evidence]));
        }
        let items: String = items.iter().map(|i| format!("<li>{i}</li>")).collect();
        Ok(format!("<p>以上事实有下列证据证明：</p><ol>{items}</ol>"))
    }

    pub fn route(&self) -> Option<ProcedureRoute> {
        self.context
            .outcome
            .map(|outcome| outcome.route(&self.case.chosen_penalty_for(outcome)))
    }

    /// The penalty the agency intends (Art. 44): once notified, what the notice stated;
    /// before, the officer's chosen penalty. Refused while the facts give no outcome, the
    /// outcome is no penalty, or nothing was chosen.
    pub fn intended_penalty(&self, article: &str) -> Result<String, DocumentError> {
        self.penalty_text(article, true)
    }

    /// The penalty proposed for the decision now (the legal review, the collective
    /// discussion): the officer's current choice.
    pub fn proposed_penalty(&self, article: &str) -> Result<String, DocumentError> {
        self.penalty_text(article, false)
    }

    fn penalty_text(&self, article: &str, as_notified: bool) -> Result<String, DocumentError> {
        let lacking = || self.refuse(article, vec![Lacking::IntendedPenalty]);
        let outcome = self.context.outcome.ok_or_else(lacking)?;
        if !matches!(outcome.disposition, Disposition::Penalty) {
            return Err(lacking());
        }
        let case = self.case;
        let chosen = match &case.procedure.notice {
            Some(notice) if as_notified => notice.penalty.clone(),
            _ if case.chosen_penalty.is_none() && case.chosen_fine.is_none() => {
                return Err(lacking())
            }
            _ => case.chosen_penalty_for(outcome),
        };
        let parts = Decision::of_choice(&chosen, self.context.today).parts_zh();
        if parts.is_empty() {
            return Err(lacking());
        }
        Ok(crate::texts::list(&parts))
    }

    /// Who approved in `role`, when: "name（credential）　日期：date", or blanks to sign.
    pub fn approver(&self, role: crate::registry::OfficerRole) -> String {
        match self.case.approval(role) {
            Some(a) => format!(
                "{}（执法证号：{}）　签名：{}　日期：{}",
                esc(&a.name),
                esc(&a.credential_no),
                blank(),
                written_date(a.approved_on)
            ),
            None => format!("{}　签名：{}　日期：{}", blank(), blank(), blank()),
        }
    }

    /// The decision, refused when there is none yet.
    pub fn decision(&self, article: &str) -> Result<&Decision, DocumentError> {
        self.case
            .decision
            .as_ref()
            .ok_or_else(|| self.refuse(article, vec![Lacking::Decision]))
    }
}

/// The penalty decided, as the decision states it (警告、罚款人民币100元).
pub fn decided_penalty(decision: &Decision) -> String {
    crate::texts::list(&decision.parts_zh())
}

fn cite(provisions: &[crate::discretion::Provision]) -> String {
    let cited: Vec<String> = provisions.iter().map(|p| esc(&p.cite())).collect();
    crate::texts::list(&cited)
}
