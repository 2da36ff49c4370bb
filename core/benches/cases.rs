//! Case benchmarks against DESIGN.md §6: one case edit committed (Automerge change + SQLite
//! transaction, synchronous=FULL) ≤ 2 ms median; opening a store holding 10,000 cases ≤ 300 ms.
//! The store is encrypted (SQLCipher, sealed blobs); stores are opened with the fixtures' light
//! key wrapping, so the open figure is SQLCipher's cost, and `store_key` measures what the
//! passphrase fallback's default Argon2id adds.
//!
//! cargo bench -p zhifa-core --bench cases

use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use zhifa_core::cases::repository::CaseQuery;
use zhifa_core::cases::{CaseEdit, CaseKind};
use zhifa_core::crypto::{Algorithm, DataKey, KeyWrapper, PassphraseWrapper, Signer, SigningKey};
use zhifa_core::device::Device;
use zhifa_core::discretion::{Fact, FactValue};

fn benches(c: &mut Criterion) {
    let authority = SigningKey::generate(Algorithm::EdDSA);
    let dir = tempfile::tempdir().unwrap();
    let device = Device::open(
        dir.path(),
        &zhifa_core::testing::test_key(),
        vec!["500103".into()],
        vec![authority.public_key()],
    )
    .unwrap();
    let today = zhifa_core::testing::today();

    // Round-robin over the 16 cases an officer has open, each with a realistic history (a
    // hundred edits of its on-site record) before the measurement starts.
    let open: Vec<String> = (0..16)
        .map(|_| {
            let case = device
                .cases()
                .create(CaseKind::Ordinary, "DQ-116", "500103", today, today)
                .unwrap();
            for i in 0..100 {
                let line = format!("第{i}项：检查记录。");
                device
                    .cases()
                    .edit(&case.id, &[CaseEdit::AppendFindings(line)])
                    .unwrap();
            }
            case.id
        })
        .collect();

    let mut group = c.benchmark_group("cases");
    group.measurement_time(Duration::from_secs(5));
    let mut n = 0i64;
    group.bench_function("edit_committed", |b| {
        b.iter(|| {
            n += 1;
            let id = &open[(n % 16) as usize];
            let fact = CaseEdit::SetFact(Fact::new("priors_12m", FactValue::Int(n % 3)));
            let line = CaseEdit::AppendFindings("补充：".into());
            device.cases().edit(id, &[fact, line]).unwrap()
        })
    });

    // A store with 10,000 cases, a tenth of them edited.
    let big = tempfile::tempdir().unwrap();
    {
        let device = Device::open(
            big.path(),
            &zhifa_core::testing::test_key(),
            vec!["500103".into()],
            vec![authority.public_key()],
        )
        .unwrap();
        let started = std::time::Instant::now();
        for i in 0..10_000 {
            let case = device
                .cases()
                .create(CaseKind::Ordinary, "DQ-116", "500103", today, today)
                .unwrap();
            if i % 10 == 0 {
                device
                    .cases()
                    .edit(&case.id, &[CaseEdit::AppendFindings("现场检查。".into())])
                    .unwrap();
            }
        }
        eprintln!("created 10,000 cases in {:?}", started.elapsed());
    }
    group.sample_size(20);
    group.bench_function("open_store_with_10000_cases", |b| {
        b.iter_batched(
            || (),
            |_| {
                let device = Device::open(
                    big.path(),
                    &zhifa_core::testing::test_key(),
                    vec!["500103".into()],
                    vec![authority.public_key()],
                )
                .unwrap();
                let first_page = device
                    .cases()
                    .list(&CaseQuery {
                        limit: 50,
                        ..Default::default()
                    })
                    .unwrap();
                assert_eq!(first_page.len(), 50);
                device
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();

    // What the desktop fallback adds to every open: unwrapping the data key under Argon2id's
    // default parameters (a phone's platform wrapper is a keystore call instead).
    let wrapper = PassphraseWrapper::new("口令 passphrase");
    let wrapped = wrapper.wrap(&DataKey::generate()).unwrap();
    let mut group = c.benchmark_group("store_key");
    group.sample_size(10);
    group.bench_function("unwrap_data_key_default_kdf", |b| {
        b.iter(|| wrapper.unwrap(&wrapped).unwrap())
    });
    group.finish();
}

criterion_group!(cases, benches);
criterion_main!(cases);
