//! Tender notices (`procurement/tenders.csv`): what a tender buys, by which procedure, when, for
//! how much, where it was advertised — and the council's choices about it: how much of its bids
//! to publish and why an award did not go to the top-ranked bid. Plain data, codes only (the
//! theme words them).

use super::Origin;
use chrono::NaiveDate;
use serde::Serialize;

/// A procurement procedure: the Procurement Act 2023 ones (for procurements begun on or after
/// 24 February 2025) and the Public Contracts Regulations 2015 ones before them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Procedure {
    /// PA 2023 s.20(2)(a): a single-stage tendering procedure without restriction on who may bid.
    Open,
    /// PA 2023 s.20(2)(b): any other competitive procedure the authority designs.
    CompetitiveFlexible,
    /// PA 2023 ss.41–43: a contract awarded without competition on a justification in sch.5 or
    /// a user-choice or protection ground.
    DirectAward,
    /// PA 2023 s.45: a call-off from a framework, by competitive selection or directly.
    FrameworkCallOff,
    /// PA 2023: an award to a member of a dynamic market, by competitive tendering limited to its
    /// members.
    DynamicMarket,
    /// PA 2023 Part 6: a contract below the threshold, advertised on Contracts Finder or by an
    /// invitation to quote.
    BelowThreshold,
    /// PCR 2015 reg.27: open procedure.
    PcrOpen,
    /// PCR 2015 reg.28: restricted procedure.
    PcrRestricted,
    /// PCR 2015 reg.29: competitive procedure with negotiation.
    PcrCompetitiveWithNegotiation,
    /// PCR 2015 reg.30: competitive dialogue.
    PcrCompetitiveDialogue,
    /// PCR 2015 reg.31: innovation partnership.
    PcrInnovationPartnership,
    /// PCR 2015 reg.32: negotiated procedure without prior publication.
    PcrNegotiatedWithoutPublication,
    /// PCR 2015 reg.33: a call-off from a framework agreement.
    PcrFrameworkCallOff,
    /// PCR 2015 reg.74–76: the light touch regime for social, health and other services, by a
    /// procedure the authority designs.
    PcrLightTouch,
}

impl Procedure {
    pub const ALL: [&'static str; 14] = [
        "open",
        "competitive_flexible",
        "direct_award",
        "framework_call_off",
        "dynamic_market",
        "below_threshold",
        "pcr_open",
        "pcr_restricted",
        "pcr_competitive_with_negotiation",
        "pcr_competitive_dialogue",
        "pcr_innovation_partnership",
        "pcr_negotiated_without_publication",
        "pcr_framework_call_off",
        "pcr_light_touch",
    ];
    const VARIANTS: [Procedure; 14] = [
        Procedure::Open,
        Procedure::CompetitiveFlexible,
        Procedure::DirectAward,
        Procedure::FrameworkCallOff,
        Procedure::DynamicMarket,
        Procedure::BelowThreshold,
        Procedure::PcrOpen,
        Procedure::PcrRestricted,
        Procedure::PcrCompetitiveWithNegotiation,
        Procedure::PcrCompetitiveDialogue,
        Procedure::PcrInnovationPartnership,
        Procedure::PcrNegotiatedWithoutPublication,
        Procedure::PcrFrameworkCallOff,
        Procedure::PcrLightTouch,
    ];

    /// Reads a code; case, spaces and hyphens are forgiven.
    pub fn parse(text: &str) -> Option<Procedure> {
        let t = text.trim().to_ascii_lowercase().replace([' ', '-'], "_");
        Self::ALL
            .iter()
            .position(|code| *code == t)
            .map(|i| Self::VARIANTS[i])
    }
    pub fn as_str(self) -> &'static str {
        Self::ALL[self as usize]
    }
    /// A procedure of the Public Contracts Regulations 2015 (the regime before 24 February 2025).
    pub fn is_pcr_2015(self) -> bool {
        self.as_str().starts_with("pcr_")
    }
    /// The OCDS `method` codelist code: who could take part. Open procedures are `open`; a
    /// procedure that shortlists or admits only framework or market members is `selective`;
    /// a negotiated procedure without publication is `limited`; a direct award is `direct`.
    pub fn ocds_method(self) -> &'static str {
        match self {
            Procedure::Open | Procedure::PcrOpen | Procedure::BelowThreshold => "open",
            Procedure::DirectAward => "direct",
            Procedure::PcrNegotiatedWithoutPublication => "limited",
            _ => "selective",
        }
    }
}

/// What the council publishes of a tender's bids (`bid_publication`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum BidPublication {
    /// Only the successful supplier is named, with its price and scores; the other bids are
    /// counted and summarised, never named.
    WinnerOnly,
    /// The successful supplier with its price and scores; every other supplier named as the award
    /// notice names them, their prices and scores withheld and summarised.
    #[default]
    NamedWithoutScores,
    /// Every bid with its supplier, price and scores.
    Full,
}

impl BidPublication {
    pub const ALL: [&'static str; 3] = ["winner_only", "named_without_scores", "full"];
    pub fn parse(text: &str) -> Option<BidPublication> {
        match text
            .trim()
            .to_ascii_lowercase()
            .replace([' ', '-'], "_")
            .as_str()
        {
            "winner_only" => Some(BidPublication::WinnerOnly),
            "named_without_scores" => Some(BidPublication::NamedWithoutScores),
            "full" => Some(BidPublication::Full),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        Self::ALL[self as usize]
    }
}

/// Why a contract went to a bid that was not ranked first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AwardReason {
    /// The tender limited how many lots one supplier could win, and the top-ranked supplier had
    /// already won its limit.
    LotRules,
    /// The top-ranked supplier was excluded on a mandatory or discretionary ground (PA 2023
    /// exclusions, PCR 2015 reg.57).
    Exclusion,
    /// The top-ranked bid was rejected as abnormally low after the supplier was asked to explain
    /// its price (PCR 2015 reg.69 and its PA 2023 counterpart).
    AbnormallyLowRejected,
    /// The top-ranked supplier withdrew before the contract was entered into.
    SupplierWithdrew,
}

impl AwardReason {
    pub const ALL: [&'static str; 4] = [
        "lot_rules",
        "exclusion",
        "abnormally_low_rejected",
        "supplier_withdrew",
    ];
    pub fn parse(text: &str) -> Option<AwardReason> {
        match text
            .trim()
            .to_ascii_lowercase()
            .replace([' ', '-'], "_")
            .as_str()
        {
            "lot_rules" => Some(AwardReason::LotRules),
            "exclusion" => Some(AwardReason::Exclusion),
            "abnormally_low_rejected" => Some(AwardReason::AbnormallyLowRejected),
            "supplier_withdrew" => Some(AwardReason::SupplierWithdrew),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        Self::ALL[self as usize]
    }
}

/// A link to a published document or notice (http or https only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentLink {
    /// The text before the address, or the address itself when none is given.
    pub title: String,
    pub url: String,
}

/// A notice of the tender on a national service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoticeRef {
    /// `find_a_tender` or `contracts_finder`.
    pub service: &'static str,
    pub reference: Option<String>,
    pub url: Option<String>,
}

/// The dates of a tender, each optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct TenderDates {
    pub publication: Option<NaiveDate>,
    pub clarification_deadline: Option<NaiveDate>,
    pub submission_deadline: Option<NaiveDate>,
    pub award_decision: Option<NaiveDate>,
    pub standstill_end: Option<NaiveDate>,
    pub contract_signature: Option<NaiveDate>,
}

/// A tender notice: one row of `procurement/tenders.csv`. A tender in lots has one row per lot,
/// each with its own tender id (its bids are evaluated on their own) and the same
/// `procurement_id`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tender {
    pub tender_id: String,
    pub spec_id: String,
    pub title: String,
    pub description: Option<String>,
    /// The procurement this tender is a lot of; lots of one procurement share it. Defaults to the
    /// tender id.
    pub procurement_id: String,
    /// The lot's number or short id ("1", "north") and title, when the tender is a lot.
    pub lot: Option<String>,
    pub lot_title: Option<String>,
    /// Most lots one supplier may win in this procurement.
    pub max_lots_per_supplier: Option<u32>,
    pub procedure: Option<Procedure>,
    /// CPV codes as written, checked for shape; the first is the main one.
    pub cpv_codes: Vec<String>,
    pub estimated_value: Option<f64>,
    pub dates: TenderDates,
    pub notices: Vec<NoticeRef>,
    pub documents: Vec<DocumentLink>,
    /// The procurement was cancelled (abandoned) before award.
    pub cancelled: bool,
    /// Overrides `[procurement] bid_publication` for this tender.
    pub bid_publication: Option<BidPublication>,
    pub award_reason: Option<AwardReason>,
    #[serde(skip)]
    pub origin: Origin,
}

impl Tender {
    /// A tender with only its ids and title, for a tender known from its bids alone.
    pub fn bare(tender_id: &str, spec_id: &str) -> Tender {
        Tender {
            tender_id: tender_id.into(),
            spec_id: spec_id.into(),
            title: String::new(),
            description: None,
            procurement_id: tender_id.into(),
            lot: None,
            lot_title: None,
            max_lots_per_supplier: None,
            procedure: None,
            cpv_codes: Vec::new(),
            estimated_value: None,
            dates: TenderDates::default(),
            notices: Vec::new(),
            documents: Vec::new(),
            cancelled: false,
            bid_publication: None,
            award_reason: None,
            origin: Origin::default(),
        }
    }
}

/// Checks a CPV code's shape: eight digits, optionally a hyphen and a check digit
/// (`85310000-5`), with a division (the first two digits) other than `00`. The check digit is
/// not verified: the published CPV 2008 list does not follow its own documented algorithm (the
/// EU Publications Office confirmed this in 2024), so a computed digit would reject real codes.
/// Returns the 8-digit code.
pub fn cpv_shape(code: &str) -> Result<String, &'static str> {
    let code = code.trim();
    let (main, check) = match code.split_once('-') {
        Some((m, c)) => (m, Some(c)),
        None => (code, None),
    };
    if main.len() != 8 || !main.bytes().all(|b| b.is_ascii_digit()) {
        return Err("a CPV code is eight digits, then optionally a hyphen and a check digit");
    }
    if let Some(c) = check {
        if c.len() != 1 || !c.bytes().all(|b| b.is_ascii_digit()) {
            return Err("a CPV check digit is one digit after the hyphen");
        }
    }
    if main.starts_with("00") {
        return Err("no CPV division starts with 00");
    }
    Ok(main.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpv_codes_are_checked_for_shape() {
        assert_eq!(cpv_shape("85310000-5"), Ok("85310000".into()));
        assert_eq!(cpv_shape(" 85000000 "), Ok("85000000".into()));
        assert!(cpv_shape("8531000-5").is_err());
        assert!(cpv_shape("85310000-55").is_err());
        assert!(cpv_shape("8531000A").is_err());
        assert!(cpv_shape("00000000-0").is_err());
        assert!(cpv_shape("85310000-").is_err());
    }

    #[test]
    fn procedures_parse_from_their_codes() {
        for code in Procedure::ALL {
            assert_eq!(Procedure::parse(code).map(Procedure::as_str), Some(code));
        }
        assert_eq!(
            Procedure::parse("Competitive flexible"),
            Some(Procedure::CompetitiveFlexible)
        );
        assert_eq!(Procedure::parse("restricted"), None);
        assert_eq!(Procedure::PcrRestricted.ocds_method(), "selective");
        assert_eq!(Procedure::Open.ocds_method(), "open");
        assert!(Procedure::PcrLightTouch.is_pcr_2015());
    }
}
