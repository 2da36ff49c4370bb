//! A deterministic full-scale catalogue for benchmarks and load tests: the size of the real
//! city-wide platform (3,508 bodies, 11,273 items in 50 sectors, 54,186 officers, 5,375
//! regulations, 100,000 enterprises), with plausible Chinese text so search behaves as it would
//! on real data. The same seed always gives the same catalogue.

use chrono::NaiveDate;

use super::model::{
    Article, CatalogueData, CreditGrade, EnforcementBody, EnforcementItem, Enterprise, ItemKind,
    Officer, Regulation, RegulationLevel,
};
use crate::discretion::{
    BaseAmount, BaselineDocument, BaselineRow, Fine, HearingThreshold, Output, PenaltyKind,
    Provision, Statutory, Tier, Violation, YuanRange,
};
use crate::ids::CreditCode;
use crate::numerals::chinese_number;
use crate::random::SeededRng;

/// How many records of each kind to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub bodies: usize,
    pub items: usize,
    pub officers: usize,
    pub regulations: usize,
    pub enterprises: usize,
}

impl Scale {
    /// The real platform's size.
    pub const FULL: Scale = Scale {
        bodies: 3_508,
        items: 11_273,
        officers: 54_186,
        regulations: 5_375,
        enterprises: 100_000,
    };

    /// A hundredth of it, for quick tests.
    pub const SMALL: Scale = Scale {
        bodies: 35,
        items: 113,
        officers: 542,
        regulations: 54,
        enterprises: 1_000,
    };
}

/// Chongqing's 38 districts and counties (GB/T 2260), the province the demo is set in.
pub const DIVISIONS: [(&str, &str); 38] = [
    ("500101", "万州区"),
    ("500102", "涪陵区"),
    ("500103", "渝中区"),
    ("500104", "大渡口区"),
    ("500105", "江北区"),
    ("500106", "沙坪坝区"),
    ("500107", "九龙坡区"),
    ("500108", "南岸区"),
    ("500109", "北碚区"),
    ("500110", "綦江区"),
    ("500111", "大足区"),
    ("500112", "渝北区"),
    ("500113", "巴南区"),
    ("500114", "黔江区"),
    ("500115", "长寿区"),
    ("500116", "江津区"),
    ("500117", "合川区"),
    ("500118", "永川区"),
    ("500119", "南川区"),
    ("500120", "璧山区"),
    ("500151", "铜梁区"),
    ("500152", "潼南区"),
    ("500153", "荣昌区"),
    ("500154", "开州区"),
    ("500155", "梁平区"),
    ("500156", "武隆区"),
    ("500229", "城口县"),
    ("500230", "丰都县"),
    ("500231", "垫江县"),
    ("500233", "忠县"),
    ("500235", "云阳县"),
    ("500236", "奉节县"),
    ("500237", "巫山县"),
    ("500238", "巫溪县"),
    ("500240", "石柱土家族自治县"),
    ("500241", "秀山土家族苗族自治县"),
    ("500242", "酉阳土家族苗族自治县"),
    ("500243", "彭水苗族土家族自治县"),
];

const SECTORS: [&str; 50] = [
    "市场监管",
    "食品安全",
    "药品监管",
    "特种设备",
    "产品质量",
    "知识产权",
    "广告监管",
    "价格监管",
    "计量标准",
    "生态环境",
    "大气污染防治",
    "水污染防治",
    "固体废物",
    "噪声污染防治",
    "城市管理",
    "市容环境卫生",
    "园林绿化",
    "交通运输",
    "道路运输",
    "水路运输",
    "公路路政",
    "文化市场",
    "旅游市场",
    "新闻出版",
    "卫生健康",
    "医疗机构",
    "公共场所卫生",
    "应急管理",
    "安全生产",
    "消防安全",
    "农业农村",
    "农产品质量",
    "动物防疫",
    "种子管理",
    "水利",
    "自然资源",
    "林业草原",
    "住房城乡建设",
    "建筑市场",
    "房地产",
    "商务",
    "教育",
    "人力资源社会保障",
    "民政",
    "体育",
    "统计",
    "气象",
    "人民防空",
    "烟草专卖",
    "文物保护",
];

const ACTS: [&str; 16] = [
    "未取得许可从事",
    "超出许可范围从事",
    "未按规定开展",
    "伪造、变造",
    "擅自改变",
    "拒不执行",
    "未建立",
    "未落实",
    "违反规定销售",
    "无证经营",
    "未按照规定报告",
    "隐瞒有关情况提供",
    "虚假宣传",
    "拒绝、阻碍监督检查的",
    "未按要求公示",
    "使用不合格",
];

const OBJECTS: [&str; 40] = [
    "食品生产经营",
    "餐饮服务",
    "特种设备使用",
    "危险化学品储存",
    "建筑施工",
    "道路货物运输",
    "客运经营",
    "网络交易",
    "药品零售",
    "医疗器械经营",
    "化妆品生产",
    "广告发布",
    "计量器具",
    "排污许可",
    "建设项目环境影响评价",
    "露天烧烤",
    "户外广告设施",
    "渣土运输",
    "燃气经营",
    "娱乐场所经营",
    "出版物发行",
    "旅行社业务",
    "公共场所卫生",
    "职业病防治",
    "消防设施",
    "安全生产培训",
    "农药经营",
    "兽药经营",
    "种子生产",
    "取水许可",
    "矿产资源开采",
    "林木采伐",
    "房地产经纪",
    "商品房预售",
    "校外培训",
    "劳动用工",
    "养老机构",
    "体育经营活动",
    "统计调查",
    "烟草制品零售",
];

const SENTENCE_HEADS: [&str; 12] = [
    "违反本法规定",
    "县级以上地方人民政府有关部门应当",
    "生产经营者应当",
    "有下列情形之一的",
    "国家建立健全",
    "任何单位和个人不得",
    "监督管理部门在监督检查中",
    "对违法行为",
    "经营者",
    "当事人有证据足以证明没有主观过错的",
    "依照本条例规定",
    "有关主管部门",
];

const SENTENCE_TAILS: [&str; 14] = [
    "由县级以上人民政府有关主管部门责令改正，给予警告",
    "没收违法所得，并处五千元以上五万元以下罚款",
    "情节严重的，责令停产停业，直至吊销许可证",
    "依法承担民事责任",
    "应当建立健全管理制度，落实主体责任",
    "不得从事相关活动",
    "应当如实记录并保存相关凭证",
    "应当及时向社会公布",
    "处二千元以上二万元以下罚款",
    "对直接负责的主管人员依法给予处分",
    "构成犯罪的，依法追究刑事责任",
    "可以采取查封、扣押等行政强制措施",
    "应当在十五日内作出处理决定",
    "不予行政处罚",
];

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN: &str = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红峰建文辉宇鹏丹飞波婷兰俊凯晨浩然思雨欣怡子涵梓轩一诺";
const SHOP_WORDS: &str =
    "鑫源盛达恒兴隆泰富华顺康宏祥瑞丰安嘉和美佳新锦绣天地山城巴渝两江朝天解放碑";
const INDUSTRIES: [&str; 12] = [
    "餐饮服务",
    "食品销售",
    "建筑施工",
    "道路运输",
    "批发零售",
    "住宿服务",
    "医药零售",
    "化工制造",
    "娱乐服务",
    "教育培训",
    "物业管理",
    "汽车维修",
];
const COMPANY_KINDS: [&str; 6] = [
    "有限公司",
    "餐饮店",
    "商贸有限公司",
    "建设工程有限公司",
    "运输有限公司",
    "经营部",
];
const USCC_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// The generator's randomness: `random::SeededRng` with a few conveniences.
struct Rng(SeededRng);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0.below(n)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        self.0.pick(items)
    }

    fn pick_char(&mut self, chars: &str) -> char {
        let count = chars.chars().count();
        chars
            .chars()
            .nth(self.below(count))
            .expect("index below count")
    }
}

/// Generates a catalogue of `scale` from `seed`.
pub fn generate(scale: Scale, seed: u64) -> CatalogueData {
    let mut rng = Rng(SeededRng::new(seed));

    let bodies = bodies(scale.bodies);

    let items: Vec<EnforcementItem> = (0..scale.items)
        .map(|i| {
            let sector_index = i % SECTORS.len();
            let act = rng.pick(&ACTS);
            let object = rng.pick(&OBJECTS);
            let law = regulation_title(&mut rng, sector_index);
            let article = chinese_number(1 + rng.below(120));
            EnforcementItem {
                code: format!("CQ{:02}{:06}", sector_index + 1, i),
                name: format!("对{act}{object}的行政处罚"),
                sector: SECTORS[sector_index].to_owned(),
                kind: if i % 10 == 0 {
                    ItemKind::Inspection
                } else {
                    ItemKind::Penalty
                },
                legal_basis: format!("《{law}》第{article}条"),
                decision_days: None,
            }
        })
        .collect();

    let officers: Vec<Officer> = (0..scale.officers)
        .map(|i| {
            let body = &bodies[i % bodies.len().max(1)];
            let authorised = 3 + rng.below(20);
            Officer {
                credential_no: format!("渝{}{:07}", &body.division[2..6], i),
                name: person_name(&mut rng),
                body_id: body.id.clone(),
                divisions: vec![body.division.clone()],
                items: (0..authorised)
                    .map(|_| rng.pick(&items).code.clone())
                    .collect(),
                roles: Vec::new(),
            }
        })
        .collect();

    let regulations: Vec<Regulation> = (0..scale.regulations)
        .map(|i| {
            let sector_index = i % SECTORS.len();
            let article_count = 8 + rng.below(23);
            let year = 1995 + rng.below(30) as i32;
            Regulation {
                id: format!("REG{i:05}"),
                title: regulation_title(&mut rng, sector_index),
                level: *rng.pick(&[
                    RegulationLevel::Law,
                    RegulationLevel::AdministrativeRegulation,
                    RegulationLevel::LocalRegulation,
                    RegulationLevel::DepartmentalRule,
                    RegulationLevel::LocalRule,
                ]),
                issuer: rng
                    .pick(&[
                        "全国人民代表大会常务委员会",
                        "国务院",
                        "重庆市人民代表大会常务委员会",
                        "重庆市人民政府",
                    ])
                    .to_string(),
                effective: NaiveDate::from_ymd_opt(year, 1 + rng.below(12) as u32, 1)
                    .expect("valid date"),
                repealed: None,
                articles: (1..=article_count)
                    .map(|n| Article {
                        number: format!("第{}条", chinese_number(n)),
                        text: article_text(&mut rng),
                    })
                    .collect(),
            }
        })
        .collect();

    let enterprises: Vec<Enterprise> = (0..scale.enterprises)
        .map(|i| {
            let (division, place) = DIVISIONS[rng.below(DIVISIONS.len())];
            let org: String = (0..9).map(|_| *rng.pick(USCC_ALPHABET) as char).collect();
            let code = CreditCode::with_check_character(&format!("92{division}{org}"))
                .expect("generated from the alphabet");
            let short = place.trim_end_matches(['区', '县']);
            let words: String = (0..2).map(|_| rng.pick_char(SHOP_WORDS)).collect();
            let industry = INDUSTRIES[i % INDUSTRIES.len()];
            Enterprise {
                credit_code: code.to_string(),
                name: format!(
                    "重庆{short}{words}{}{}",
                    industry.chars().take(2).collect::<String>(),
                    rng.pick(&COMPANY_KINDS)
                ),
                division: division.to_owned(),
                industry: industry.to_owned(),
                credit_grade: *rng.pick(&[
                    CreditGrade::A,
                    CreditGrade::B,
                    CreditGrade::B,
                    CreditGrade::B,
                    CreditGrade::C,
                    CreditGrade::D,
                ]),
                address: format!("重庆市{place}{words}路{}号", 1 + rng.below(300)),
                legal_representative: None,
            }
        })
        .collect();

    let (violations, baseline_documents) = baselines(&items, &mut rng);
    CatalogueData {
        violations,
        baseline_documents,
        hearing_thresholds: vec![HearingThreshold {
            id: "CQ-2023-354".into(),
            jurisdictions: vec!["50".into()],
            citizen: 5_000,
            organisation: 50_000,
            confiscation_citizen: None,
            confiscation_organisation: None,
            effective: NaiveDate::from_ymd_opt(2023, 3, 1).expect("valid date"),
            source: "重庆市人民政府令第354号".into(),
        }],
        bodies,
        items,
        officers,
        regulations,
        enterprises,
        ..CatalogueData::default()
    }
}

/// `count` bodies, each sector's in every district, with the particulars their documents print.
fn bodies(count: usize) -> Vec<EnforcementBody> {
    (0..count)
        .map(|i| {
            let (division, place) = DIVISIONS[i % DIVISIONS.len()];
            let sector = SECTORS[(i / DIVISIONS.len()) % SECTORS.len()];
            let unit = ["局", "综合行政执法支队", "综合行政执法大队"]
                [(i / (DIVISIONS.len() * SECTORS.len())) % 3];
            let name = format!("重庆市{place}{sector}{unit}");
            EnforcementBody {
                id: format!("B{division}{i:05}"),
                address: format!("重庆市{place}人民路{}号", i % 300 + 1),
                reconsideration_body: format!("重庆市{place}人民政府"),
                court: format!("重庆市{place}人民法院"),
                payment_bank: format!("中国工商银行重庆{place}支行"),
                payment_account: format!("3100{division}{i:08}"),
                seal_name: name.clone(),
                // Unique: (place, sector, unit index) differs for every i.
                case_number_prefixes: vec![format!(
                    "{place}{sector}罚{}",
                    i / (DIVISIONS.len() * SECTORS.len()) + 1
                )],
                name,
                division: division.to_owned(),
            }
        })
        .collect()
}

/// One violation per item, each with a city baseline of three tiers splitting its statutory
/// range (30 % / 40 % / 30 %); a tenth also get a lighter district baseline for Yuzhong, so
/// matching weighs two candidates as it does for real.
fn baselines(items: &[EnforcementItem], rng: &mut Rng) -> (Vec<Violation>, Vec<BaselineDocument>) {
    const MINIMA: [i64; 5] = [200, 1_000, 5_000, 10_000, 50_000];
    let mut violations = Vec::with_capacity(items.len());
    let mut city = Vec::with_capacity(items.len() * 3);
    let mut district = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let code = format!("V{index:05}");
        let min = MINIMA[rng.below(MINIMA.len())];
        let max = min * (5 + rng.below(16) as i64);
        let law = item
            .legal_basis
            .trim_start_matches('《')
            .split('》')
            .next()
            .unwrap_or("")
            .to_owned();
        let provision = Provision {
            text: None,
            in_force_from: None,
            law,
            article: 1 + rng.below(120) as u32,
            paragraph: None,
            item: None,
        };
        let proportional = index % 5 == 0;
        let statutory = if proportional {
            Fine::Multiple {
                base: BaseAmount::IllegalGains,
                min_milli: 1_000,
                max_milli: 5_000,
                if_no_base: Some(YuanRange { min, max }),
            }
        } else {
            Fine::Range { min, max }
        };
        violations.push(Violation {
            code: code.clone(),
            item_code: item.code.clone(),
            name: item
                .name
                .trim_start_matches('对')
                .trim_end_matches("的行政处罚")
                .to_owned(),
            violated: vec![provision.clone()],
            penalty_basis: vec![provision],
            party_types: vec!["citizen".into(), "organisation".into()],
            statutory: Statutory {
                kinds: vec![PenaltyKind::Warning, PenaltyKind::Fine],
                fine: statutory,
                confiscate_gains: proportional,
                required: None,
            },
            amendments: Vec::new(),
            flexible: Vec::new(),
        });
        let band = |from: i64, to: i64| {
            let span = max - min;
            let (lo, hi) = (min + span * from / 100, min + span * to / 100);
            if proportional {
                Fine::Multiple {
                    base: BaseAmount::IllegalGains,
                    min_milli: 1_000 + 40 * from as u32,
                    max_milli: 1_000 + 40 * to as u32,
                    if_no_base: Some(YuanRange { min: lo, max: hi }),
                }
            } else {
                Fine::Range { min: lo, max: hi }
            }
        };
        let row = |id: String, tier: Tier, label: &str, condition: &str, fine: Fine| BaselineRow {
            id,
            violation: code.clone(),
            tier,
            label: label.into(),
            condition: condition.into(),
            output: Output {
                fine,
                confiscate_gains: proportional,
                ..Output::default()
            },
            legal_review: tier == Tier::Heavier,
            collective_decision: false,
            flexible: Vec::new(),
        };
        const LIGHTER: &str = "first_offence AND harm <= slight";
        const GENERAL: &str =
            "NOT (first_offence AND harm <= slight) AND harm != serious AND priors_12m < 2";
        const HEAVIER: &str = "harm = serious OR priors_12m >= 2";
        city.push(row(
            format!("{code}-1"),
            Tier::Lighter,
            "从轻",
            LIGHTER,
            band(0, 30),
        ));
        city.push(row(
            format!("{code}-2"),
            Tier::General,
            "一般",
            GENERAL,
            band(30, 70),
        ));
        city.push(row(
            format!("{code}-3"),
            Tier::Heavier,
            "从重",
            HEAVIER,
            band(70, 100),
        ));
        if index % 10 == 0 {
            district.push(row(
                format!("{code}-YZ-2"),
                Tier::General,
                "一般",
                GENERAL,
                band(25, 60),
            ));
        }
    }
    let document =
        |id: &str, title: &str, jurisdiction: &str, rows: Vec<BaselineRow>| BaselineDocument {
            id: id.into(),
            number: format!("生成〔2024〕{id}号"),
            title: title.into(),
            issuer: "生成数据".into(),
            jurisdictions: vec![jurisdiction.into()],
            effective: NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid date"),
            sunset: None,
            supersedes: Vec::new(),
            published_in: "生成数据（基准测试用）".into(),
            rows,
        };
    let documents = vec![
        document("GEN-CITY", "全市行政处罚裁量基准（生成）", "50", city),
        document(
            "GEN-YZ",
            "渝中区行政处罚裁量细化标准（生成）",
            "500103",
            district,
        ),
    ];
    (violations, documents)
}

fn regulation_title(rng: &mut Rng, sector_index: usize) -> String {
    let topic = SECTORS[sector_index];
    let object = rng.pick(&OBJECTS);
    match rng.below(4) {
        0 => format!("中华人民共和国{topic}法"),
        1 => format!("{object}管理条例"),
        2 => format!("重庆市{object}管理办法"),
        _ => format!("{topic}行政处罚裁量基准实施办法"),
    }
}

fn article_text(rng: &mut Rng) -> String {
    let sentences = 1 + rng.below(3);
    let mut text = String::new();
    for _ in 0..sentences {
        let (head, object, tail) = (
            *rng.pick(&SENTENCE_HEADS),
            *rng.pick(&OBJECTS),
            *rng.pick(&SENTENCE_TAILS),
        );
        text.extend([head, "，", object, "活动中", tail, "。"]);
    }
    text
}

fn person_name(rng: &mut Rng) -> String {
    let mut name = String::new();
    name.push(rng.pick_char(SURNAMES));
    for _ in 0..1 + rng.below(2) {
        name.push(rng.pick_char(GIVEN));
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic_and_sized() {
        let a = generate(Scale::SMALL, 7);
        assert_eq!(a, generate(Scale::SMALL, 7));
        assert_ne!(a, generate(Scale::SMALL, 8));
        assert_eq!(a.items.len(), Scale::SMALL.items);
        assert_eq!(a.enterprises.len(), Scale::SMALL.enterprises);
        let full = generate(Scale::FULL, 1);
        let sectors: std::collections::HashSet<_> =
            full.items.iter().map(|i| i.sector.clone()).collect();
        assert_eq!(sectors.len(), 50);
        assert_eq!(full.violations.len(), 11_273);
        assert!(full.baseline_documents[0].rows.len() >= 3 * 11_273);
    }
}
