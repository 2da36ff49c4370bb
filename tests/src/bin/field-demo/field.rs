//! What every step of the story shares: the report being written, and the field (the server
//! and the three phones).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use zhifa_core::device::Device;
use zhifa_core::sync::http::HttpTransport;
use zhifa_core::sync::{SubjectKind, SyncOptions, SyncReport};
use zhifa_e2e::TestServer;
use zhifa_sync_server::{AppState, ServerError};

pub const OFFICER_A: &str = "渝50010320001";
pub const OFFICER_B: &str = "渝50010320002";
pub const ENTERPRISE: &str = "91500103MA5U1A0B2Y";
pub const ITEMS: [&str; 3] = ["YZ-SC-001", "YZ-SC-002", "YZ-SC-006"];

/// The report, printed as it is written, and the folder its files go to.
pub struct Story {
    pub out: PathBuf,
    pub report: String,
}

impl Story {
    pub fn new(out: &Path) -> Story {
        Story {
            out: out.to_path_buf(),
            report: String::new(),
        }
    }

    pub fn say(&mut self, line: impl AsRef<str>) {
        println!("{}", line.as_ref());
        let _ = writeln!(self.report, "{}", line.as_ref());
    }

    pub fn write(&mut self, name: &str, bytes: impl AsRef<[u8]>) -> Result<(), ServerError> {
        std::fs::write(self.out.join(name), bytes)?;
        self.say(format!("    → {name}"));
        Ok(())
    }
}

/// A core error, with the officer's text.
pub fn demo_error(error: zhifa_core::Error) -> ServerError {
    ServerError::BadRequest(format!("{error} ({})", error.message_zh()))
}

/// The server and the phones: two officers' and the enterprise's.
pub struct Field<'a> {
    pub state: &'a AppState,
    pub a: Device,
    pub b: Device,
    pub shop: Device,
    transport: HttpTransport,
    options: SyncOptions,
}

impl<'a> Field<'a> {
    /// Enrols the three phones, each with its own store under `out/phones/<name>`.
    pub fn enrol(server: &'a TestServer, out: &Path) -> Result<Field<'a>, ServerError> {
        let base = server.base();
        Ok(Field {
            state: &server.state,
            a: phone(server, out, "officer-a", SubjectKind::Officer, OFFICER_A)?,
            b: phone(server, out, "officer-b", SubjectKind::Officer, OFFICER_B)?,
            shop: phone(
                server,
                out,
                "enterprise",
                SubjectKind::Enterprise,
                ENTERPRISE,
            )?,
            transport: HttpTransport::new(&base).map_err(ServerError::BadRequest)?,
            options: SyncOptions {
                case_number_prefix: Some("渝中市监罚".into()),
                ..SyncOptions::default()
            },
        })
    }

    pub fn sync(&self, device: &Device) -> Result<SyncReport, ServerError> {
        device
            .sync()
            .run(&self.transport, &self.options, &|_| {})
            .map_err(demo_error)
    }
}

/// A phone enrolled with a fresh code.
fn phone(
    server: &TestServer,
    out: &Path,
    name: &str,
    kind: SubjectKind,
    subject: &str,
) -> Result<Device, ServerError> {
    let dir = out.join("phones").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    let device = Device::open(
        &dir,
        &zhifa_core::testing::test_key(),
        vec!["500103".into()],
        vec![zhifa_core::crypto::Signer::public_key(&server.authority.0)],
    )
    .map_err(demo_error)?;
    let code = server.enrolment_code(kind, subject);
    let transport = HttpTransport::new(&server.base()).map_err(ServerError::BadRequest)?;
    device
        .sync()
        .enrol(&transport, &code, name)
        .map_err(demo_error)?;
    Ok(device)
}
