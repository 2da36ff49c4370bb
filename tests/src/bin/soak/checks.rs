//! What the parent checks after each kill: the store opens (not quarantined), every commit
//! the writer reported is there, blobs match their hashes, the catalogue is one version
//! whole, and a phone's next sync converges with a teammate's phone.

use std::path::PathBuf;

use zhifa_core::crypto::{Algorithm, Signer, SigningKey};
use zhifa_core::device::Device;
use zhifa_core::registry::CatalogueCounts;
use zhifa_core::store::BlobHash;
use zhifa_core::sync::http::HttpTransport;
use zhifa_core::sync::SubjectKind;
use zhifa_e2e::{TestServer, OFFICER_A, OFFICER_B};

use crate::kill::WriterTally;
use crate::store::open_device;
use crate::writers::{authority, marked, store_dir, version_mark};
use crate::Writer;

#[derive(Debug, Default)]
pub struct RoundCheck {
    pub committed: u64,
    pub lost: u64,
    pub non_converged: u64,
    pub problems: Vec<String>,
}

impl RoundCheck {
    fn lose(&mut self, what: String) {
        self.lost += 1;
        self.problems.push(what);
    }
}

/// One store worked on by a run of rounds, and what its writer reported so far.
pub struct Generation {
    writer: Writer,
    pub dir: PathBuf,
    /// The live server and the teammate's phone (the sync writer only).
    server: Option<(TestServer, Device, tempfile::TempDir)>,
    /// (case, marker or blob hash) reported and found.
    found: Vec<(String, String)>,
    cases: Vec<String>,
    max_version: u64,
    /// The catalogue's counts once a version is applied (the catalogue writer only).
    expected_counts: Option<CatalogueCounts>,
}

fn counts_of(device: &Device) -> Result<CatalogueCounts, String> {
    device.catalogue().counts().map_err(|e| e.to_string())
}

impl Generation {
    pub fn start(writer: Writer, dir: PathBuf) -> Result<Generation, String> {
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let mut generation = Generation {
            writer,
            dir,
            server: None,
            found: Vec::new(),
            cases: Vec::new(),
            max_version: 0,
            expected_counts: None,
        };
        let key = SigningKey::generate(Algorithm::EdDSA);
        let write = |name: &str, bytes: Vec<u8>| {
            std::fs::write(generation.dir.join(name), bytes).map_err(|e| e.to_string())
        };
        match writer {
            Writer::Sync => {
                let server = TestServer::start_blocking();
                write(
                    "authority.der",
                    server.authority.0.public_key().to_spki_der(),
                )?;
                let authority = authority(&generation.dir)?;
                let phone = open_device(&store_dir(&generation.dir), &authority)?;
                enrol(&server, &phone, OFFICER_A)?;
                drop(phone);
                let mate_dir = tempfile::tempdir().map_err(|e| e.to_string())?;
                let mate = open_device(mate_dir.path(), &authority)?;
                enrol(&server, &mate, OFFICER_B)?;
                generation.server = Some((server, mate, mate_dir));
            }
            _ => {
                write("authority.der", key.public_key().to_spki_der())?;
                write(
                    "authority.secret",
                    hex::encode(key.secret_bytes()).into_bytes(),
                )?;
                let bundle = zhifa_core::testing::signed_bundle(&key, 1, &["500103"], marked(1));
                let scratch = tempfile::tempdir().map_err(|e| e.to_string())?;
                let probe = open_device(scratch.path(), &key.public_key())?;
                probe
                    .catalogue()
                    .apply_bundle(&bundle)
                    .map_err(|e| e.to_string())?;
                generation.expected_counts = Some(counts_of(&probe)?);
                if writer != Writer::Catalogue {
                    // Cases need the catalogue; the catalogue writer starts from none.
                    let phone = open_device(&store_dir(&generation.dir), &key.public_key())?;
                    phone
                        .catalogue()
                        .apply_bundle(&bundle)
                        .map_err(|e| e.to_string())?;
                }
            }
        }
        Ok(generation)
    }

    pub fn server_base(&self) -> Option<String> {
        self.server.as_ref().map(|(server, _, _)| server.base())
    }

    /// Reopens the store after a kill and checks what the writer reported in `lines`.
    pub fn check(&mut self, lines: &[String]) -> RoundCheck {
        let mut check = RoundCheck::default();
        let reported: Vec<Vec<&str>> = lines
            .iter()
            .map(|l| l.split(' ').collect())
            .filter(|words: &Vec<&str>| words[0] != "READY" && words[0] != "SYNCED")
            .collect();
        check.committed = reported.iter().filter(|w| w[0] != "CASE").count() as u64;
        let device = match self.reopen() {
            Ok(device) => device,
            Err(problem) => {
                check.lost = check.committed;
                check.problems.push(problem);
                return check;
            }
        };
        for words in &reported {
            match (words[0], words.get(1), words.get(2)) {
                ("CASE", Some(case), _) => self.cases.push(case.to_string()),
                ("EDIT", Some(case), Some(mark)) => {
                    self.expect_mark(&device, case, mark, &mut check)
                }
                ("EVIDENCE", Some(case), Some(hash)) => {
                    self.expect_blob(&device, case, hash, &mut check)
                }
                ("CATALOGUE", Some(version), _) => {
                    let version: u64 = version.parse().unwrap_or(u64::MAX);
                    self.max_version = self.max_version.max(version);
                }
                _ => check.problems.push(format!("unreadable line {words:?}")),
            }
        }
        match self.writer {
            Writer::Evidence => self.blobs_whole(&device, &mut check),
            Writer::Catalogue => self.catalogue_whole(&device, &mut check),
            Writer::Sync => self.converge(&device, &reported, &mut check),
            Writer::Edits => {}
        }
        check
    }

    fn reopen(&self) -> Result<Device, String> {
        let device = open_device(&store_dir(&self.dir), &authority(&self.dir)?)?;
        if let Some(path) = device.store().quarantined() {
            return Err(format!("the store was quarantined to {}", path.display()));
        }
        Ok(device)
    }

    fn expect_mark(&mut self, device: &Device, case: &str, mark: &str, check: &mut RoundCheck) {
        match device.cases().get(case) {
            Ok(file) if file.onsite.findings.contains(mark) => {
                self.found.push((case.into(), mark.into()));
                if !self.cases.iter().any(|c| c == case) {
                    self.cases.push(case.into());
                }
            }
            Ok(_) => check.lose(format!("{case} lost the edit {mark}")),
            Err(e) => check.lose(format!("{case} (edit {mark}) is gone: {e}")),
        }
    }

    fn expect_blob(&mut self, device: &Device, case: &str, hash: &str, check: &mut RoundCheck) {
        let listed = device
            .cases()
            .get(case)
            .map(|file| file.evidence.iter().any(|item| item.hash == hash));
        let whole = hash
            .parse::<BlobHash>()
            .map_err(|e| e.to_string())
            .and_then(|h| device.store().blobs().get(&h).map_err(|e| e.to_string()));
        match (listed, whole) {
            (Ok(true), Ok(_)) => self.found.push((case.into(), hash.into())),
            (Ok(false), _) => check.lose(format!("{case} lost the photo {hash}")),
            (Err(e), _) => check.lose(format!("{case} (photo {hash}) is gone: {e}")),
            (_, Err(e)) => check.lose(format!("the photo {hash} does not read whole: {e}")),
        }
    }

    /// Every photo any case of this store lists reads back whole (none half-written).
    fn blobs_whole(&self, device: &Device, check: &mut RoundCheck) {
        for case in &self.cases {
            let Ok(file) = device.cases().get(case) else {
                continue;
            };
            for item in &file.evidence {
                let whole = item
                    .hash
                    .parse::<BlobHash>()
                    .map_err(|e| e.to_string())
                    .and_then(|h| device.store().blobs().get(&h).map_err(|e| e.to_string()));
                if let Err(e) = whole {
                    check
                        .problems
                        .push(format!("{case} lists {} but: {e}", item.hash));
                }
            }
        }
    }

    /// The catalogue is one version, whole: its marked records carry its number and its
    /// counts are a full catalogue's; no reported version was lost.
    fn catalogue_whole(&self, device: &Device, check: &mut RoundCheck) {
        let version = match device.catalogue().version() {
            Ok(version) => version,
            Err(e) => return check.problems.push(format!("no catalogue version: {e}")),
        };
        if version < self.max_version {
            check.lose(format!(
                "version {} reported, {version} held",
                self.max_version
            ));
        }
        if version == 0 {
            return;
        }
        let expected = marked(version);
        let mark = version_mark(version);
        let officer = device
            .catalogue()
            .officer(&expected.officers[0].credential_no);
        let enterprise = device
            .catalogue()
            .enterprise(&expected.enterprises[0].credit_code);
        match (officer, enterprise) {
            (Ok(Some(o)), Ok(Some(e))) if o.name == mark && e.name == mark => {}
            (o, e) => check.problems.push(format!(
                "version {version} is not whole: officer {:?}, enterprise {:?}",
                o.map(|o| o.map(|o| o.name)),
                e.map(|e| e.map(|e| e.name))
            )),
        }
        match counts_of(device) {
            Ok(counts) if Some(&counts) == self.expected_counts.as_ref() => {}
            counts => check
                .problems
                .push(format!("version {version} counts {counts:?}")),
        }
    }

    /// The phone's next sync, then the teammate's: both must hold the same copy of every
    /// case this round touched.
    fn converge(&self, device: &Device, reported: &[Vec<&str>], check: &mut RoundCheck) {
        let Some((server, mate, _)) = &self.server else {
            return;
        };
        let transport = match HttpTransport::new(&server.base()) {
            Ok(transport) => transport,
            Err(e) => return check.problems.push(e.to_string()),
        };
        let synced = device
            .sync()
            .run(&transport, &zhifa_e2e::quick(), &|_| {})
            .and_then(|_| mate.sync().run(&transport, &zhifa_e2e::quick(), &|_| {}));
        if let Err(e) = synced {
            check.non_converged += 1;
            return check
                .problems
                .push(format!("the sync after the kill failed: {e}"));
        }
        let mut touched: Vec<&str> = reported.iter().filter_map(|w| w.get(1).copied()).collect();
        touched.dedup();
        for case in touched {
            let here = device.cases().get(case).map_err(|e| e.to_string());
            let there = mate.cases().get(case).map_err(|e| e.to_string());
            if here.is_err() || here != there {
                check.non_converged += 1;
                check
                    .problems
                    .push(format!("{case} differs after the sync: {there:?}"));
                return;
            }
        }
    }

    /// At the end of a generation: every commit found after its round is still there (and,
    /// for sync, on the teammate's phone); then the store is removed.
    pub fn finish(self, tally: &mut WriterTally) -> Result<(), String> {
        let device = self.reopen()?;
        let mate = self.server.as_ref().map(|(_, mate, _)| mate);
        for (case, what) in &self.found {
            let holds = |d: &Device| match self.writer {
                Writer::Evidence => d
                    .cases()
                    .get(case)
                    .is_ok_and(|f| f.evidence.iter().any(|i| &i.hash == what)),
                _ => d
                    .cases()
                    .get(case)
                    .is_ok_and(|f| f.onsite.findings.contains(what.as_str())),
            };
            if !holds(&device) {
                tally.lost += 1;
                tally.problems.push(format!("{case} lost {what} later"));
            } else if mate.is_some_and(|m| !holds(m)) {
                tally.non_converged += 1;
                tally
                    .problems
                    .push(format!("the teammate never got {what} of {case}"));
            }
        }
        drop(device);
        drop(self.server);
        std::fs::remove_dir_all(&self.dir).map_err(|e| e.to_string())
    }
}

fn enrol(server: &TestServer, device: &Device, officer: &str) -> Result<(), String> {
    let transport = HttpTransport::new(&server.base()).map_err(|e| e.to_string())?;
    let code = server.enrolment_code(SubjectKind::Officer, officer);
    device
        .sync()
        .enrol(&transport, &code, "soak phone")
        .map_err(|e| format!("enrol {officer}: {e}"))?;
    Ok(())
}
