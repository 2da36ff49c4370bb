//! `cargo run --release -p zhifa-e2e --bin field-demo -- --out field-demo`: the whole field
//! story on one machine. A server starts on loopback with the demo catalogue; two officers'
//! phones and one enterprise's phone enrol; credentials arrive; the enterprise code is scanned
//! and the enforcement code verified; an inspection and the case it opens are worked on both
//! phones offline, with the discretion baseline's suggestion; everything syncs, conflicts
//! show, the legal documents render, and supervision reconciles the visit. QR images,
//! documents and a report go to `--out`.

mod case;
mod codes;
mod documents;
mod enrolment;
mod field;
mod inspection;
mod supervision;

use std::path::{Path, PathBuf};

use clap::Parser;
use zhifa_e2e::TestServer;
use zhifa_sync_server::ServerError;

use field::Story;

/// Walk the whole field story on loopback: a server, two officers' phones and an
/// enterprise's; codes, an inspection and a case worked offline on both phones, sync,
/// conflicts, documents and reconciliation. Writes QR images, documents and a report.
#[derive(Parser)]
#[command(name = "field-demo")]
struct Cli {
    #[arg(long, default_value = "field-demo")]
    out: PathBuf,
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    if let Err(error) = run(&Cli::parse().out) {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}

fn run(out: &Path) -> Result<(), ServerError> {
    std::fs::create_dir_all(out)?;
    let data_dir = out.join("server-data");
    let _ = std::fs::remove_dir_all(&data_dir);
    // The demo catalogue, with agency keys for its bodies, on loopback.
    let server = TestServer::start_with(None, Some(data_dir));
    let mut story = Story::new(out);
    let outcome = walk(&mut story, &server);
    drop(server);
    std::fs::write(out.join("report.md"), &story.report)?;
    outcome?;
    println!("\nreport, QR images and documents in {}", out.display());
    Ok(())
}

fn walk(story: &mut Story, server: &TestServer) -> Result<(), ServerError> {
    story.say(format!(
        "# 执法现场演示\n\n同步服务器：{}（数据保存在 {}）\n",
        server.base(),
        server.data_dir.display()
    ));
    let field = enrolment::run(story, server)?;
    let visit = codes::run(story, &field)?;
    let task = inspection::run(story, &field, &visit)?;
    case::run(story, &field, &visit, &task)?;
    supervision::run(story, &field)
}
