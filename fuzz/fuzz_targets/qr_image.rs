//! A photo handed to the QR decoder (`zhifa_core::codes::qr::decode_image`, PNG or JPEG):
//! codes or a typed refusal, never a panic.
//!
//! RUSTC_BOOTSTRAP=1 cargo fuzz run qr_image -- -runs=1000000 -rss_limit_mb=2048

#![no_main]

use libfuzzer_sys::fuzz_target;
use zhifa_core::codes::qr::decode_image;

fuzz_target!(|data: &[u8]| {
    let _ = decode_image(data);
});
