//! `zhifa-sync-server`: serve, and the administrator's commands.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use chrono::{Duration, Utc};
use clap::{Parser, Subcommand};
use zhifa_core::codes::{issue_duty_credential, issue_enterprise_code, qr};
use zhifa_core::crypto::{Algorithm, PublicKey, Signer};
use zhifa_core::discretion::csv;
use zhifa_core::discretion::lint::lint;
use zhifa_core::inspections::InspectionDoc;
use zhifa_core::inspections::{self, Candidate, GradeRates, PlanRequest};
use zhifa_core::registry::generate::{generate, Scale};
use zhifa_core::registry::{sign_bundle, CatalogueData, KeyPurpose};
use zhifa_core::sync::{DocKind, SubjectKind};
use zhifa_sync_server::authority::public_path;
use zhifa_sync_server::docs::Documents;
use zhifa_sync_server::server::{self, open_catalogue, Config};
use zhifa_sync_server::{
    devices, events, AgencyKeys, AppState, AuthorityKey, CatalogueStore, ServerError,
};

/// The demo district's catalogue, built in so `serve --demo` works from anywhere.
const DEMO_CATALOGUE: &str = include_str!("../../data/demo/catalogue.json");

#[derive(Parser)]
#[command(
    name = "zhifa-sync-server",
    version,
    about = "zhifa sync server and administration"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the API.
    Serve {
        #[arg(long, env = "ZHIFA_DATA_DIR", default_value = "zhifa-server-data")]
        data_dir: PathBuf,
        #[arg(long, env = "ZHIFA_LISTEN", default_value = "127.0.0.1:8480")]
        listen: SocketAddr,
        /// Authority key file; default `<data-dir>/authority.key`, created if missing.
        #[arg(long, env = "ZHIFA_AUTHORITY_KEY")]
        authority_key: Option<PathBuf>,
        /// Publish the built-in demo catalogue (Chongqing, Yuzhong district) before serving.
        #[arg(long)]
        demo: bool,
        /// PostgreSQL URL (several replicas may share one database); SQLite in the data dir
        /// when absent.
        #[arg(long, env = "ZHIFA_DATABASE_URL")]
        database_url: Option<String>,
        /// Documents kept loaded in memory.
        #[arg(long, env = "ZHIFA_CACHE_DOCUMENTS", default_value_t = 2048)]
        cache_documents: usize,
    },
    /// Issue a one-time enrolment code for an officer's or an enterprise's device.
    EnrolDevice {
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
    },
    /// Stop a device: its requests are refused from now on.
    RevokeDevice {
        #[arg(long, env = "ZHIFA_DATA_DIR", default_value = "zhifa-server-data")]
        data_dir: PathBuf,
        #[arg(long, env = "ZHIFA_DATABASE_URL")]
        database_url: Option<String>,
        /// The device's key id (16 hex digits).
        #[arg(long)]
        key_id: String,
    },
    /// Records the server holds without every evidence file they cite (JSON).
    IncompleteRecords {
        #[arg(long, env = "ZHIFA_DATA_DIR", default_value = "zhifa-server-data")]
        data_dir: PathBuf,
        #[arg(long, env = "ZHIFA_DATABASE_URL")]
        database_url: Option<String>,
    },
    /// Match two-code visits with the enterprises' verifications of the officers' codes (JSON).
    Reconcile {
        #[arg(long, env = "ZHIFA_DATA_DIR", default_value = "zhifa-server-data")]
        data_dir: PathBuf,
        #[arg(long, env = "ZHIFA_DATABASE_URL")]
        database_url: Option<String>,
        /// Days back from now.
        #[arg(long, default_value_t = 30)]
        days: i64,
    },
    /// Create a catalogue authority key file (and `<file>.pub.der`, the key apps pin).
    Keygen {
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value = "EdDSA", value_parser = ["EdDSA", "ES256"])]
        algorithm: String,
    },
    /// Publish a catalogue (JSON) as the new version; unchanged records keep their version.
    Publish {
        #[arg(long, env = "ZHIFA_DATA_DIR", default_value = "zhifa-server-data")]
        data_dir: PathBuf,
        /// Catalogue JSON; `demo` for the built-in demo catalogue.
        #[arg(long)]
        catalogue: String,
    },
    /// Write a signed bundle to a file, for devices provisioned offline.
    ExportBundle {
        #[arg(long, env = "ZHIFA_DATA_DIR", default_value = "zhifa-server-data")]
        data_dir: PathBuf,
        #[arg(long, env = "ZHIFA_AUTHORITY_KEY")]
        authority_key: Option<PathBuf>,
        /// Comma-separated division codes, e.g. 500103.
        #[arg(long)]
        scope: String,
        /// Version the device holds; omitted for a full bundle.
        #[arg(long)]
        since: Option<u64>,
        #[arg(long)]
        out: PathBuf,
    },
    /// Create an agency's signing key (for duty credentials or enterprise codes); its public
    /// record joins the trust list at the next publish.
    AgencyKeygen {
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
    },
    /// Issue a duty credential for an officer's device (what enrolment will do online).
    IssueCredential {
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
    },
    /// Issue the enterprise code to print at an enterprise's premises.
    IssueEnterpriseCode {
        #[arg(long, env = "ZHIFA_DATA_DIR", default_value = "zhifa-server-data")]
        data_dir: PathBuf,
        #[arg(long)]
        credit_code: String,
        #[arg(long, default_value_t = 1)]
        serial: u32,
        /// Writes the payload text; `<out>.png` and `<out>.svg` get the QR images.
        #[arg(long)]
        out: PathBuf,
    },
    /// Check a catalogue's discretion baselines: overlaps, gaps, bands outside the law,
    /// expired documents, missing citations.
    LintBaseline {
        /// Catalogue JSON; `demo` for the built-in one.
        #[arg(long)]
        catalogue: String,
    },
    /// Write a catalogue's baseline rows as CSV, the layout legal departments edit.
    ExportBaseline {
        #[arg(long)]
        catalogue: String,
        #[arg(long)]
        out: PathBuf,
    },
    /// Replace baseline rows from a CSV (all or nothing) and write the resulting catalogue.
    ImportBaseline {
        #[arg(long)]
        catalogue: String,
        #[arg(long)]
        rows: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Draw a random inspection plan (双随机): enterprises by credit grade, officer pairs
    /// authorised for every item. The seed is printed with the plan so it can be re-drawn.
    PlanInspections {
        #[arg(long, env = "ZHIFA_DATA_DIR", default_value = "zhifa-server-data")]
        data_dir: PathBuf,
        #[arg(long)]
        id: String,
        /// Division prefix the plan covers, e.g. 500103.
        #[arg(long)]
        scope: String,
        /// Comma-separated item codes checked together at each visit.
        #[arg(long)]
        items: String,
        #[arg(long)]
        seed: u64,
        #[arg(long, default_value_t = 180)]
        window_days: i64,
        #[arg(long)]
        out: PathBuf,
        /// Also put each task on the server, so the officers' devices receive it by sync.
        #[arg(long)]
        publish: bool,
        #[arg(long, env = "ZHIFA_DATABASE_URL")]
        database_url: Option<String>,
    },
    /// Write a deterministic generated catalogue as JSON (full scale: 3,508 bodies, 11,273
    /// items, 54,186 officers, 5,375 regulations, 100,000 enterprises), for load tests.
    GenerateCatalogue {
        #[arg(long, default_value = "full", value_parser = ["full", "small"])]
        scale: String,
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
    },
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    if let Err(error) = run(Cli::parse().command) {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}

fn run(command: Command) -> Result<(), ServerError> {
    match command {
        Command::Serve {
            data_dir,
            listen,
            authority_key,
            demo,
            database_url,
            cache_documents,
        } => {
            if demo {
                let data = parse_catalogue("demo")?;
                ensure_demo_agency_keys(&data_dir, &data)?;
                let version = publish(&open_catalogue(&data_dir)?, &data_dir, data)?;
                tracing::info!(version, "demo catalogue published");
            }
            let config = Config {
                data_dir,
                database_url,
                authority_key,
                cache_documents,
            };
            let state = server::state(&config)?;
            tracing::info!(storage = state.db.backend(), "storage open");
            serve(state, listen)
        }
        Command::EnrolDevice {
            data_dir,
            database_url,
            officer,
            enterprise,
        } => {
            let (kind, subject) = match (officer, enterprise) {
                (Some(officer), None) => (SubjectKind::Officer, officer),
                (None, Some(enterprise)) => (SubjectKind::Enterprise, enterprise),
                _ => {
                    return Err(ServerError::BadRequest(
                        "give --officer or --enterprise".into(),
                    ))
                }
            };
            let db = server::open_database(&data_dir, database_url.as_deref())?;
            let code = devices::issue_enrolment_code(
                db.as_ref(),
                &open_catalogue(&data_dir)?,
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
        Command::RevokeDevice {
            data_dir,
            database_url,
            key_id,
        } => {
            let db = server::open_database(&data_dir, database_url.as_deref())?;
            if devices::revoke(db.as_ref(), &key_id)? {
                println!("device {key_id} revoked");
                Ok(())
            } else {
                Err(ServerError::BadRequest("no such device".into()))
            }
        }
        Command::IncompleteRecords {
            data_dir,
            database_url,
        } => {
            let db = server::open_database(&data_dir, database_url.as_deref())?;
            let records = zhifa_sync_server::docs::incomplete(db.as_ref())?;
            println!(
                "{}",
                serde_json::to_string_pretty(&records).expect("records serialise")
            );
            Ok(())
        }
        Command::Reconcile {
            data_dir,
            database_url,
            days,
        } => {
            let db = server::open_database(&data_dir, database_url.as_deref())?;
            let now = Utc::now();
            let report = events::reconcile(db.as_ref(), now - Duration::days(days), now)?;
            println!(
                "{}",
                serde_json::to_string_pretty(&report).expect("report serialises")
            );
            Ok(())
        }
        Command::Keygen { out, algorithm } => {
            let algorithm = Algorithm::parse(&algorithm)
                .map_err(|_| ServerError::Config("unknown algorithm".into()))?;
            let key = AuthorityKey::create(&out, algorithm)?;
            println!("authority key: {}", out.display());
            println!("public key (pin in apps): {}", public_path(&out).display());
            println!("key id: {}", key.0.public_key().key_id());
            Ok(())
        }
        Command::Publish {
            data_dir,
            catalogue,
        } => {
            let version = publish(
                &open_catalogue(&data_dir)?,
                &data_dir,
                parse_catalogue(&catalogue)?,
            )?;
            println!("catalogue version {version}");
            Ok(())
        }
        Command::ExportBundle {
            data_dir,
            authority_key,
            scope,
            since,
            out,
        } => {
            let authority = AuthorityKey::load(&key_path(&data_dir, authority_key))?;
            let scope: Vec<String> = scope.split(',').map(|s| s.trim().to_owned()).collect();
            let body = open_catalogue(&data_dir)?
                .bundle_for(&scope, since)?
                .ok_or_else(|| ServerError::BadRequest("the device is already current".into()))?;
            std::fs::write(&out, sign_bundle(&body, &authority.0)?)?;
            println!(
                "bundle version {} written to {}",
                body.version,
                out.display()
            );
            Ok(())
        }
        Command::GenerateCatalogue { scale, seed, out } => generate_catalogue(&scale, seed, &out),
        Command::PlanInspections {
            data_dir,
            id,
            scope,
            items,
            seed,
            window_days,
            out,
            publish: put_on_server,
            database_url,
        } => {
            let body = open_catalogue(&data_dir)?
                .bundle_for(std::slice::from_ref(&scope), None)?
                .ok_or_else(|| ServerError::BadRequest("no catalogue published".into()))?;
            let candidates: Vec<Candidate> = body
                .upserts
                .enterprises
                .iter()
                .map(|e| Candidate {
                    credit_code: e.credit_code.clone(),
                    name: e.name.clone(),
                    division: e.division.clone(),
                    grade: e.credit_grade,
                    last_inspected: None,
                })
                .collect();
            let plan = inspections::plan(&PlanRequest {
                plan_id: id,
                items: items
                    .split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect(),
                candidates: &candidates,
                officers: &body.upserts.officers,
                start: Utc::now().date_naive(),
                window_days,
                rates: GradeRates::default(),
                seed,
            });
            std::fs::write(
                &out,
                serde_json::to_string_pretty(&plan).expect("plan serialises"),
            )?;
            if put_on_server {
                let db = server::open_database(&data_dir, database_url.as_deref())?;
                let documents = Documents::new(16);
                for task in &plan.tasks {
                    let team = body
                        .upserts
                        .officers
                        .iter()
                        .find(|o| task.officers.contains(&o.credential_no))
                        .map(|o| o.body_id.clone())
                        .unwrap_or_default();
                    let mut doc = InspectionDoc::from_task(task)
                        .map_err(|e| ServerError::BadRequest(e.to_string()))?;
                    documents.create(
                        db.as_ref(),
                        DocKind::Inspection,
                        &task.id,
                        &team,
                        doc.automerge().clone(),
                    )?;
                }
                println!("{} tasks put on the server", plan.tasks.len());
            }
            println!(
                "{} tasks, {} skipped, seed {seed}: {}",
                plan.tasks.len(),
                plan.skipped.len(),
                out.display()
            );
            Ok(())
        }
        Command::LintBaseline { catalogue } => {
            let data = parse_catalogue(&catalogue)?;
            let findings = lint(
                &data.violations,
                &data.baseline_documents,
                Utc::now().date_naive(),
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
            println!("{} findings", findings.len());
            Ok(())
        }
        Command::ExportBaseline { catalogue, out } => {
            let data = parse_catalogue(&catalogue)?;
            std::fs::write(&out, csv::export_rows(&data.baseline_documents))?;
            println!("baseline rows written to {}", out.display());
            Ok(())
        }
        Command::ImportBaseline {
            catalogue,
            rows,
            out,
        } => {
            let mut data = parse_catalogue(&catalogue)?;
            let text = std::fs::read_to_string(&rows)?;
            match csv::import_rows(&text, &data.baseline_documents, &data.violations) {
                Ok(documents) => {
                    data.baseline_documents = documents;
                    let json = serde_json::to_string_pretty(&data).expect("catalogue serialises");
                    std::fs::write(&out, json)?;
                    println!(
                        "catalogue with the imported rows written to {}",
                        out.display()
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
        Command::AgencyKeygen {
            data_dir,
            agency,
            purpose,
            divisions,
        } => {
            let purpose = if purpose == "enterprise-code" {
                KeyPurpose::EnterpriseCode
            } else {
                KeyPurpose::DutyCredential
            };
            let divisions = divisions.split(',').map(|d| d.trim().to_owned()).collect();
            let record = AgencyKeys::open(&data_dir).create(&agency, purpose, divisions)?;
            println!(
                "key {} for {agency}; publish to add it to the trust list",
                record.key_id
            );
            Ok(())
        }
        Command::IssueCredential {
            data_dir,
            officer,
            device_key,
            items,
            hours,
            out,
        } => {
            let officer = open_catalogue(&data_dir)?
                .officer(&officer)?
                .ok_or_else(|| {
                    ServerError::BadRequest("no such officer in the catalogue".into())
                })?;
            let device_key = hex::decode(&device_key)
                .ok()
                .and_then(|der| PublicKey::from_spki_der(&der).ok())
                .ok_or_else(|| ServerError::BadRequest("device key is not SPKI DER hex".into()))?;
            let agency =
                AgencyKeys::open(&data_dir).signer(&officer.body_id, KeyPurpose::DutyCredential)?;
            let items: Vec<String> = items
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
                Duration::hours(hours),
            )
            .map_err(|e| ServerError::BadRequest(e.to_string()))?;
            std::fs::write(&out, credential)?;
            println!(
                "duty credential for {} written to {}",
                officer.credential_no,
                out.display()
            );
            Ok(())
        }
        Command::IssueEnterpriseCode {
            data_dir,
            credit_code,
            serial,
            out,
        } => {
            let enterprise = open_catalogue(&data_dir)?
                .enterprise(&credit_code)?
                .ok_or_else(|| {
                    ServerError::BadRequest("no such enterprise in the catalogue".into())
                })?;
            let keys = AgencyKeys::open(&data_dir);
            let issuer = keys.enterprise_code_issuer(&enterprise.division)?;
            let signer = keys.signer(&issuer, KeyPurpose::EnterpriseCode)?;
            let payload = issue_enterprise_code(
                &signer,
                &enterprise,
                serial,
                Utc::now(),
                Duration::days(365),
            )?;
            std::fs::write(&out, &payload)?;
            let image = |extension: &str| {
                let mut name = out.as_os_str().to_owned();
                name.push(extension);
                PathBuf::from(name)
            };
            let png =
                qr::render_png(&payload, 8).map_err(|e| ServerError::BadRequest(e.to_string()))?;
            std::fs::write(image(".png"), png)?;
            let svg =
                qr::render_svg(&payload).map_err(|e| ServerError::BadRequest(e.to_string()))?;
            std::fs::write(image(".svg"), svg)?;
            println!(
                "enterprise code for {} (serial {serial}) written to {}",
                enterprise.name,
                out.display()
            );
            Ok(())
        }
    }
}

fn generate_catalogue(scale: &str, seed: u64, out: &Path) -> Result<(), ServerError> {
    let scale = if scale == "small" {
        Scale::SMALL
    } else {
        Scale::FULL
    };
    let data = generate(scale, seed);
    let file = std::io::BufWriter::new(std::fs::File::create(out)?);
    serde_json::to_writer(file, &data)
        .map_err(|e| ServerError::Config(format!("writing JSON: {e}")))?;
    println!(
        "{} items, {} enterprises written to {}",
        data.items.len(),
        data.enterprises.len(),
        out.display()
    );
    Ok(())
}

fn key_path(data_dir: &Path, explicit: Option<PathBuf>) -> PathBuf {
    explicit.unwrap_or_else(|| data_dir.join("authority.key"))
}

/// Publishes `data` with the trust list of the agency keys the server holds.
fn publish(
    catalogue: &CatalogueStore,
    data_dir: &Path,
    mut data: CatalogueData,
) -> Result<u64, ServerError> {
    data.agency_keys
        .extend(AgencyKeys::open(data_dir).records()?);
    catalogue.publish(&data)
}

/// The demo's agencies sign credentials for their district; the market regulator also signs
/// enterprise codes.
fn ensure_demo_agency_keys(data_dir: &Path, data: &CatalogueData) -> Result<(), ServerError> {
    const MARKET_REGULATOR: &str = "B500103001";
    let keys = AgencyKeys::open(data_dir);
    for body in &data.bodies {
        let mut purposes = vec![KeyPurpose::DutyCredential];
        if body.id == MARKET_REGULATOR {
            purposes.push(KeyPurpose::EnterpriseCode);
        }
        for purpose in purposes {
            if !keys.exists(&body.id, purpose) {
                keys.create(&body.id, purpose, vec![body.division.clone()])?;
            }
        }
    }
    Ok(())
}

fn parse_catalogue(source: &str) -> Result<CatalogueData, ServerError> {
    let text = if source == "demo" {
        DEMO_CATALOGUE.to_owned()
    } else {
        std::fs::read_to_string(source)?
    };
    serde_json::from_str(&text).map_err(|e| ServerError::Config(format!("catalogue JSON: {e}")))
}

fn serve(state: AppState, listen: SocketAddr) -> Result<(), ServerError> {
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen).await?;
        tracing::info!(address = %listener.local_addr()?, "zhifa sync server listening");
        server::serve(listener, state, server::termination()).await
    })
}
