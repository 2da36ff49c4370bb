//! The figures the shells see are signed; what an app or a catalogue passes in that way is
//! refused or clamped where a negative value could arrive, never wrapped round.

use zhifa_core::cases::numbers::CaseNumberBlock;
use zhifa_core::cases::repository::CaseQuery;
use zhifa_core::cases::{CaseEdit, CaseError, CaseKind};
use zhifa_core::registry::{BundleRefusal, RegistryError, RowProblem};
use zhifa_core::testing::{person, signed_bundle, today, yuzhong_catalogue, Phone, YUZHONG};
use zhifa_core::Error;

fn case_error(result: Result<impl std::fmt::Debug, Error>) -> CaseError {
    match result {
        Err(Error::Case(e)) => e,
        other => panic!("expected a case error, got {other:?}"),
    }
}

fn new_case(phone: &Phone) -> String {
    let case = phone
        .device
        .cases()
        .create(CaseKind::Ordinary, "DQ-116", YUZHONG, today(), today())
        .unwrap();
    phone
        .device
        .cases()
        .edit(&case.id, &[CaseEdit::AddParty(person())])
        .unwrap();
    case.id
}

#[test]
fn signed_figures_from_an_app_never_wrap() {
    let phone = Phone::demo();
    let cases = phone.device.cases();
    let case_id = new_case(&phone);
    new_case(&phone);

    // A negative page size reads as the smallest page.
    let page = cases
        .list(&CaseQuery {
            limit: -1,
            ..CaseQuery::default()
        })
        .unwrap();
    assert_eq!(page.len(), 1);

    // A negative party index is no entry, not a huge one.
    let edit = CaseEdit::SetParty {
        index: -1,
        party: person(),
    };
    assert_eq!(
        case_error(cases.edit(&case_id, &[edit])),
        CaseError::NoSuchEntry
    );

    // A block of numbers that is not a range of positive numbers is never kept.
    for (first, last) in [(-5, 10), (0, 10), (10, 9), (5, -1)] {
        let block = CaseNumberBlock {
            prefix: "渝中城管罚".into(),
            year: 2026,
            first,
            last,
        };
        assert_eq!(block.count(), None);
        assert_eq!(
            case_error(cases.add_number_block(&block)),
            CaseError::BadNumberBlock
        );
    }
    assert_eq!(cases.numbers_left("渝中城管罚").unwrap(), 0);
    let block = CaseNumberBlock {
        prefix: "渝中城管罚".into(),
        year: 2026,
        first: 1,
        last: i32::MAX,
    };
    assert_eq!(block.count(), Some(i32::MAX as u32));
}

#[test]
fn a_catalogue_with_a_negative_period_to_decision_is_refused() {
    let phone = Phone::demo();
    let mut data = yuzhong_catalogue();
    data.items[0].decision_days = Some(-30);
    let bundle = signed_bundle(&phone.authority, 2, &[YUZHONG], data);
    match phone.device.catalogue().apply_bundle(&bundle) {
        Err(RegistryError::Refused(BundleRefusal::InvalidRow { problem, .. })) => {
            assert_eq!(problem, RowProblem::DecisionDays);
            assert!(problem.message_zh().contains("正整数"));
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert_eq!(phone.device.catalogue().version().unwrap(), 1);
}
