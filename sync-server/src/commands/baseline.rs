//! Discretion baselines in a catalogue: `lint-baseline`, and the CSV round trip legal
//! departments edit (`export-baseline`, `import-baseline`).

use std::path::PathBuf;

use chrono::Utc;
use clap::Args;
use zhifa_core::discretion::csv;
use zhifa_core::discretion::lint::lint;
use zhifa_sync_server::ServerError;

use super::catalogue::parse_catalogue;

#[derive(Args)]
pub struct LintBaseline {
    /// Catalogue JSON; `demo` for the built-in one.
    #[arg(long)]
    catalogue: String,
}

impl LintBaseline {
    pub fn run(self) -> Result<(), ServerError> {
        let data = parse_catalogue(&self.catalogue)?;
        let findings = lint(
            &data.violations,
            &data.baseline_documents,
            zhifa_core::calendar::beijing_date(Utc::now()),
        );
        for finding in &findings {
            println!(
                "{:?}\t{}\t{}\t{}\t{}",
                finding.kind,
                finding.document.as_deref().unwrap_or("-"),
                finding.violation.as_deref().unwrap_or("-"),
                finding.rows.join(","),
                finding.detail
            );
        }
        let errors = findings.iter().filter(|f| f.kind.is_error()).count();
        println!("{} findings, {errors} errors", findings.len());
        if errors > 0 {
            // A non-zero exit gates the baseline in CI.
            return Err(ServerError::BadRequest(format!(
                "the baseline has {errors} errors"
            )));
        }
        Ok(())
    }
}

#[derive(Args)]
pub struct ExportBaseline {
    #[arg(long)]
    catalogue: String,
    #[arg(long)]
    out: PathBuf,
}

impl ExportBaseline {
    pub fn run(self) -> Result<(), ServerError> {
        let data = parse_catalogue(&self.catalogue)?;
        std::fs::write(&self.out, csv::export_rows(&data.baseline_documents))?;
        println!("baseline rows written to {}", self.out.display());
        Ok(())
    }
}

#[derive(Args)]
pub struct ImportBaseline {
    #[arg(long)]
    catalogue: String,
    #[arg(long)]
    rows: PathBuf,
    #[arg(long)]
    out: PathBuf,
}

impl ImportBaseline {
    pub fn run(self) -> Result<(), ServerError> {
        let mut data = parse_catalogue(&self.catalogue)?;
        let text = std::fs::read_to_string(&self.rows)?;
        match csv::import_rows(&text, &data.baseline_documents, &data.violations) {
            Ok(documents) => {
                data.baseline_documents = documents;
                let json = serde_json::to_string_pretty(&data).expect("catalogue serialises");
                std::fs::write(&self.out, json)?;
                println!(
                    "catalogue with the imported rows written to {}",
                    self.out.display()
                );
                Ok(())
            }
            Err(problems) => {
                for problem in &problems {
                    eprintln!("第{}行：{}", problem.line, problem.reason);
                }
                Err(ServerError::BadRequest(format!(
                    "{} bad lines; nothing imported",
                    problems.len()
                )))
            }
        }
    }
}
