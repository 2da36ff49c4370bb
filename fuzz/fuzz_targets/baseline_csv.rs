//! The discretion-baseline CSV a legal officer imports (`zhifa_core::discretion::csv`): any
//! text is rows or typed problems, never a panic; rows that import export to a CSV that
//! imports to the same rows.
//!
//! RUSTC_BOOTSTRAP=1 cargo fuzz run baseline_csv -- -runs=1000000

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use zhifa_core::discretion::csv::{export_rows, import_rows};
use zhifa_core::registry::CatalogueData;

fn catalogue() -> &'static CatalogueData {
    static DATA: OnceLock<CatalogueData> = OnceLock::new();
    DATA.get_or_init(zhifa_core::testing::demo_catalogue)
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let catalogue = catalogue();
    let documents = &catalogue.baseline_documents;
    let violations = &catalogue.violations;
    if let Ok(imported) = import_rows(&text, documents, violations) {
        let again = import_rows(&export_rows(&imported), &imported, violations)
            .expect("exported rows import again");
        assert_eq!(again, imported);
    }
});
