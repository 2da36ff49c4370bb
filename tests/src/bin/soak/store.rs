//! The one place the soak opens a phone's store: every writer and every check goes through
//! `open_device`, so a change in how a store is opened (a key, a keystore) is made here once.

use std::path::Path;

use zhifa_core::crypto::PublicKey;
use zhifa_core::device::Device;

/// The demo district every soak phone works in.
pub const JURISDICTION: &str = "500103";

/// Opens (or creates) the phone's store in `dir`, trusting `authority` for catalogue bundles.
pub fn open_device(dir: &Path, authority: &PublicKey) -> Result<Device, String> {
    Device::open(
        dir,
        &zhifa_core::testing::test_key(),
        vec![JURISDICTION.into()],
        vec![authority.clone()],
    )
    .map_err(|e| format!("open the store in {}: {e}", dir.display()))
}
