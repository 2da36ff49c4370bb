//! The child side of a kill round: a writer works on the store and prints, after each commit
//! returns, what it committed; the parent kills it with SIGKILL at a random instant. Each
//! writer stops by itself after `LIMIT` commits if the kill comes late.

use std::io::Write;
use std::path::Path;

use chrono::{NaiveDate, Utc};
use zhifa_core::cases::{CaseEdit, CaseKind};
use zhifa_core::crypto::{Algorithm, PublicKey, SigningKey};
use zhifa_core::device::Device;
use zhifa_core::random::SeededRng;
use zhifa_core::registry::{sign_bundle, BundleBody, CatalogueData, Removals, BUNDLE_FORMAT};
use zhifa_core::sync::http::HttpTransport;

use crate::store::{open_device, JURISDICTION};
use crate::Writer;

/// Commits a writer makes at most in one round.
const LIMIT: u32 = 400;

/// The generation directory's files: the authority the phone trusts and the store.
pub fn authority(dir: &Path) -> Result<PublicKey, String> {
    let der = std::fs::read(dir.join("authority.der")).map_err(|e| e.to_string())?;
    PublicKey::from_spki_der(&der).map_err(|e| e.to_string())
}

pub fn authority_secret(dir: &Path) -> Result<SigningKey, String> {
    let hex_text =
        std::fs::read_to_string(dir.join("authority.secret")).map_err(|e| e.to_string())?;
    let bytes = hex::decode(hex_text.trim()).map_err(|e| e.to_string())?;
    SigningKey::from_secret_bytes(Algorithm::EdDSA, &bytes).map_err(|e| e.to_string())
}

pub fn store_dir(dir: &Path) -> std::path::PathBuf {
    dir.join("store")
}

/// One line on stdout, flushed: the parent reads it even if the next instant is a kill.
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

pub fn run(writer: Writer, dir: &Path, round: u64, server: Option<&str>) -> Result<(), String> {
    let device = open_device(&store_dir(dir), &authority(dir)?)?;
    match writer {
        Writer::Edits => {
            say("READY");
            edits(&device, round)
        }
        Writer::Evidence => {
            say("READY");
            evidence(&device, round)
        }
        Writer::Catalogue => {
            let key = authority_secret(dir)?;
            say("READY");
            catalogue(&device, &key)
        }
        Writer::Sync => {
            let server = server.ok_or("the sync writer needs --server")?;
            let transport = HttpTransport::new(server).map_err(|e| e.to_string())?;
            say("READY");
            sync(&device, &transport, round)
        }
    }
}

fn new_case(device: &Device) -> Result<String, String> {
    let date = |t: &str| t.parse::<NaiveDate>().expect("a date");
    let case = device
        .cases()
        .create(
            CaseKind::Ordinary,
            "SP-126-5",
            JURISDICTION,
            date("2026-11-20"),
            date("2026-11-21"),
        )
        .map_err(|e| format!("create a case: {e}"))?;
    Ok(case.id)
}

/// (a) Case edits: a case a round, findings appended one marker per transaction.
fn edits(device: &Device, round: u64) -> Result<(), String> {
    let case = new_case(device)?;
    for i in 0..LIMIT {
        let mark = format!("r{round}e{i};");
        device
            .cases()
            .edit(&case, &[CaseEdit::AppendFindings(mark.clone())])
            .map_err(|e| format!("edit: {e}"))?;
        say(&format!("EDIT {case} {mark}"));
    }
    Ok(())
}

/// (b) Evidence capture: photos of 1 KiB to 256 KiB of seeded bytes, added to a case.
fn evidence(device: &Device, round: u64) -> Result<(), String> {
    let case = new_case(device)?;
    say(&format!("CASE {case}"));
    let mut rng = SeededRng::new(round);
    for i in 0..LIMIT {
        let size = 1024 + rng.below(255 * 1024);
        let content: Vec<u8> = (0..size).map(|_| rng.next_u64() as u8).collect();
        let file = device
            .evidence()
            .add_to_case(&case, &content, "photo", &format!("现场照片{i}"), None)
            .map_err(|e| format!("capture: {e}"))?;
        let item = file.evidence.last().ok_or("the capture added no item")?;
        say(&format!("EVIDENCE {case} {}", item.hash));
    }
    Ok(())
}

/// The records a catalogue version marks with its number (officer and enterprise), so the
/// check can tell one version from the other.
pub fn marked(version: u64) -> CatalogueData {
    let mut data = zhifa_core::testing::yuzhong_catalogue();
    let name = version_mark(version);
    data.officers[0].name = name.clone();
    data.enterprises[0].name = name;
    data
}

pub fn version_mark(version: u64) -> String {
    format!("soak v{version}")
}

/// (c) Catalogue apply: the next version each time, a full bundle at odd versions and a delta
/// (the two marked records) on top of the current one at even versions.
fn catalogue(device: &Device, key: &SigningKey) -> Result<(), String> {
    for _ in 0..LIMIT {
        let current = device.catalogue().version().map_err(|e| e.to_string())?;
        let next = current + 1;
        let full = next % 2 == 1;
        let data = marked(next);
        let upserts = if full {
            data
        } else {
            CatalogueData {
                officers: vec![data.officers[0].clone()],
                enterprises: vec![data.enterprises[0].clone()],
                ..CatalogueData::default()
            }
        };
        let body = BundleBody {
            format: BUNDLE_FORMAT,
            version: next,
            base_version: (!full).then_some(current),
            scope: vec![JURISDICTION.into()],
            issued_at: Utc::now(),
            upserts,
            removals: Removals::default(),
        };
        let bundle = sign_bundle(&body, key).map_err(|e| e.to_string())?;
        device
            .catalogue()
            .apply_bundle(&bundle)
            .map_err(|e| format!("apply version {next}: {e}"))?;
        say(&format!(
            "CATALOGUE {next} {}",
            if full { "full" } else { "delta" }
        ));
    }
    Ok(())
}

/// (d) A sync against a live server: a new case a round, edits, and a sync after every few.
fn sync(device: &Device, transport: &HttpTransport, round: u64) -> Result<(), String> {
    let case = new_case(device)?;
    for i in 0..LIMIT {
        let mark = format!("r{round}s{i};");
        device
            .cases()
            .edit(&case, &[CaseEdit::AppendFindings(mark.clone())])
            .map_err(|e| format!("edit: {e}"))?;
        say(&format!("EDIT {case} {mark}"));
        if i % 3 == 2 {
            // A sync cut by the kill is the point; a failed one is retried on the next edit.
            if device
                .sync()
                .run(transport, &zhifa_e2e::quick(), &|_| {})
                .is_ok()
            {
                say("SYNCED");
            }
        }
    }
    Ok(())
}
