//! `zhifa-sync-server`: serve, and the administrator's commands (one module per group in
//! `commands/`).

mod commands;

use clap::{Parser, Subcommand};
use zhifa_sync_server::ServerError;

use commands::{agencies, baseline, catalogue, devices, inspections, reports, serve, supervision};

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
    Serve(serve::Serve),
    /// Issue a one-time enrolment code for an officer's or an enterprise's device.
    EnrolDevice(devices::EnrolDevice),
    /// Stop a device: its requests are refused from now on.
    RevokeDevice(devices::RevokeDevice),
    /// Records the server holds without every evidence file they cite (JSON).
    IncompleteRecords(reports::IncompleteRecords),
    /// Match two-code visits with the enterprises' verifications of the officers' codes (JSON).
    Reconcile(reports::Reconcile),
    /// Create a catalogue authority key file (and `<file>.pub.der`, the key apps pin).
    Keygen(catalogue::Keygen),
    /// Publish a catalogue (JSON) as the new version; unchanged records keep their version.
    Publish(catalogue::Publish),
    /// Write a signed bundle to a file, for devices provisioned offline.
    ExportBundle(catalogue::ExportBundle),
    /// Create an agency's signing key (for duty credentials or enterprise codes); its public
    /// record joins the trust list at the next publish.
    AgencyKeygen(agencies::AgencyKeygen),
    /// Issue a duty credential for an officer's device (what enrolment will do online).
    IssueCredential(agencies::IssueCredential),
    /// Issue the enterprise code to print at an enterprise's premises.
    IssueEnterpriseCode(agencies::IssueEnterpriseCode),
    /// Check a catalogue's discretion baselines: overlaps, gaps, bands outside the law,
    /// expired documents, missing citations.
    LintBaseline(baseline::LintBaseline),
    /// Write a catalogue's baseline rows as CSV, the layout legal departments edit.
    ExportBaseline(baseline::ExportBaseline),
    /// Replace baseline rows from a CSV (all or nothing) and write the resulting catalogue.
    ImportBaseline(baseline::ImportBaseline),
    /// Draw a random inspection plan (双随机): enterprises by credit grade, officer pairs
    /// authorised for every item. The seed is printed with the plan so it can be re-drawn.
    PlanInspections(inspections::PlanInspections),
    /// Write a deterministic generated catalogue as JSON (full scale: 3,508 bodies, 11,273
    /// items, 54,186 officers, 5,375 regulations, 100,000 enterprises), for load tests.
    GenerateCatalogue(catalogue::GenerateCatalogue),
    /// Supervision (执法监督): the index, supervisors' keys, outside outcomes, case-file
    /// review samples, warnings, and the simulated city-year.
    #[command(subcommand)]
    Supervision(supervision::Supervision),
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
        Command::Serve(command) => command.run(),
        Command::EnrolDevice(command) => command.run(),
        Command::RevokeDevice(command) => command.run(),
        Command::IncompleteRecords(command) => command.run(),
        Command::Reconcile(command) => command.run(),
        Command::Keygen(command) => command.run(),
        Command::Publish(command) => command.run(),
        Command::ExportBundle(command) => command.run(),
        Command::AgencyKeygen(command) => command.run(),
        Command::IssueCredential(command) => command.run(),
        Command::IssueEnterpriseCode(command) => command.run(),
        Command::LintBaseline(command) => command.run(),
        Command::ExportBaseline(command) => command.run(),
        Command::ImportBaseline(command) => command.run(),
        Command::PlanInspections(command) => command.run(),
        Command::GenerateCatalogue(command) => command.run(),
        Command::Supervision(command) => command.run(),
    }
}
