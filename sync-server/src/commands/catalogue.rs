//! The catalogue: `keygen` (the authority key), `publish`, `export-bundle`, and
//! `generate-catalogue` for load tests.

use std::path::{Path, PathBuf};

use clap::Args;
use zhifa_core::crypto::{Algorithm, Signer};
use zhifa_core::registry::generate::{generate, Scale};
use zhifa_core::registry::{sign_bundle, CatalogueData};
use zhifa_sync_server::authority::public_path;
use zhifa_sync_server::server::open_catalogue;
use zhifa_sync_server::{AgencyKeys, AuthorityKey, CatalogueStore, ServerError};

/// The demo district's catalogue, built in so `serve --demo` works from anywhere.
const DEMO_CATALOGUE: &str = include_str!("../../../data/demo/catalogue.json");

#[derive(Args)]
pub struct Keygen {
    #[arg(long)]
    out: PathBuf,
    #[arg(long, default_value = "EdDSA", value_parser = ["EdDSA", "ES256"])]
    algorithm: String,
}

impl Keygen {
    pub fn run(self) -> Result<(), ServerError> {
        let algorithm = Algorithm::parse(&self.algorithm)
            .map_err(|_| ServerError::Config("unknown algorithm".into()))?;
        let key = AuthorityKey::create(&self.out, algorithm)?;
        println!("authority key: {}", self.out.display());
        println!(
            "public key (pin in apps): {}",
            public_path(&self.out).display()
        );
        println!("key id: {}", key.0.public_key().key_id());
        Ok(())
    }
}

#[derive(Args)]
pub struct Publish {
    #[arg(long, env = "ZHIFA_DATA_DIR", default_value = "zhifa-server-data")]
    data_dir: PathBuf,
    /// Catalogue JSON; `demo` for the built-in demo catalogue.
    #[arg(long)]
    catalogue: String,
}

impl Publish {
    pub fn run(self) -> Result<(), ServerError> {
        let version = publish(
            &open_catalogue(&self.data_dir)?,
            &self.data_dir,
            parse_catalogue(&self.catalogue)?,
        )?;
        println!("catalogue version {version}");
        Ok(())
    }
}

#[derive(Args)]
pub struct ExportBundle {
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
}

impl ExportBundle {
    pub fn run(self) -> Result<(), ServerError> {
        let key_path = self
            .authority_key
            .unwrap_or_else(|| self.data_dir.join("authority.key"));
        let authority = AuthorityKey::load(&key_path)?;
        let scope: Vec<String> = self.scope.split(',').map(|s| s.trim().to_owned()).collect();
        let body = open_catalogue(&self.data_dir)?
            .bundle_for(&scope, self.since)?
            .ok_or_else(|| ServerError::BadRequest("the device is already current".into()))?;
        std::fs::write(&self.out, sign_bundle(&body, &authority.0)?)?;
        println!(
            "bundle version {} written to {}",
            body.version,
            self.out.display()
        );
        Ok(())
    }
}

#[derive(Args)]
pub struct GenerateCatalogue {
    #[arg(long, default_value = "full", value_parser = ["full", "small"])]
    scale: String,
    #[arg(long, default_value_t = 2026)]
    seed: u64,
    #[arg(long)]
    out: PathBuf,
}

impl GenerateCatalogue {
    pub fn run(self) -> Result<(), ServerError> {
        let scale = if self.scale == "small" {
            Scale::SMALL
        } else {
            Scale::FULL
        };
        let data = generate(scale, self.seed);
        let file = std::io::BufWriter::new(std::fs::File::create(&self.out)?);
        serde_json::to_writer(file, &data)
            .map_err(|e| ServerError::Config(format!("writing JSON: {e}")))?;
        println!(
            "{} items, {} enterprises written to {}",
            data.items.len(),
            data.enterprises.len(),
            self.out.display()
        );
        Ok(())
    }
}

/// Publishes `data` with the trust list of the agency keys the server holds.
pub fn publish(
    catalogue: &CatalogueStore,
    data_dir: &Path,
    mut data: CatalogueData,
) -> Result<u64, ServerError> {
    data.agency_keys
        .extend(AgencyKeys::open(data_dir).records()?);
    catalogue.publish(&data)
}

/// A catalogue JSON file, or `demo` for the built-in one.
pub fn parse_catalogue(source: &str) -> Result<CatalogueData, ServerError> {
    let text = if source == "demo" {
        DEMO_CATALOGUE.to_owned()
    } else {
        std::fs::read_to_string(source)?
    };
    serde_json::from_str(&text).map_err(|e| ServerError::Config(format!("catalogue JSON: {e}")))
}
