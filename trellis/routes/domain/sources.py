"""The passages the advisor cites, in words a reader can look up.

Every reason, notice, time limit and check the engine gives carries one of these. Law is cited by
section; the customer's documents by title and paragraph. `docs/routes.md` lists them all.
"""

from __future__ import annotations

# --- The customer's documents ------------------------------------------------------------------
PARTNERING_REPORT = "Commissioning Supporting People Services Through Partnering (five London boroughs, 2008)"
PATHFINDERS = "Local area pathfinders: building public service partnerships (2006)"
POLICY_TO_PRACTICE = "From Policy to Practice (NCVO Public Service Delivery Network), 'Intelligent Commissioning'"
BETTER_WAY = "Better Way collaborative commissioning note (14 November 2018)"


def partnering(where: str) -> str:
    return f"{PARTNERING_REPORT}, {where}"


def pathfinders(where: str) -> str:
    return f"{PATHFINDERS}, {where}"


SEED_4_2_2 = partnering("§4.2.2–4.2.3 (negotiation needs a persuasive business case)")
SEED_4_4_1 = partnering("§4.4.1 and Appendix B, first action plan (tendering for partnering)")
SEED_4_4_2 = partnering("§4.4.2 and Appendix B, second action plan (negotiated partnering is shorter)")
SEED_7_2_4 = partnering("§7.2.4 (standing orders allow negotiation on a sound value-for-money business case)")
SEED_7_2_5 = partnering("§7.2.5 (scenarios 2 and 4 most persuasive)")
SEED_7_2_6 = partnering("§7.2.6 (scenarios 1, 3 and 5 possible in some cases)")
SEED_7_2_7 = partnering("§7.2.7 (scenarios 6 and 7 not sufficient on their own)")
SEED_7_3_2 = partnering("§7.3.2 (when partnering is worthwhile)")
SEED_APPENDIX_B = partnering("Appendix B and the Appendix F summary (action plan for partnering procurement)")
SEED_APPENDIX_E = partnering("Appendix E (SP commissioning scenarios)")
SEED_CROSS_AUTHORITY = partnering("§1.3.4 and §5.3 (cross-authority partnering)")

GRANT_OR_CONTRACT = pathfinders("§3.2 (choosing between grants and contracts; HM Treasury guidance to funders)")
THREE_YEAR_FUNDING = pathfinders("§3.17–3.18 (three-year funding the norm)")
FULL_COST_RECOVERY = pathfinders("§3.19 (full cost recovery)")
THREE_MONTHS_NOTICE = pathfinders("§3.18 (three months' advance notice, in accordance with the Compact)")
AGGREGATION = pathfinders("§3.6–3.7 (aggregation shuts out small organisations)")

ISLE_OF_WIGHT = f"{POLICY_TO_PRACTICE}: the Isle of Wight three-tier framework"
ISLE_OF_WIGHT_PA = f"{ISLE_OF_WIGHT}, tier 1 partnership agreements"
ISLE_OF_WIGHT_GRANTS = f"{ISLE_OF_WIGHT}, tier 3 grant funding"
RISK_AVERSION = (
    f"{POLICY_TO_PRACTICE}: 'some commissioners are being told that everything must be competitively tendered'"
)

DECISION_TREE = (
    f"{BETTER_WAY}: 'a decision tree would help determine whether grants or competitive tendering or other "
    "options are best'"
)
TRUE_COST = f"{BETTER_WAY}: 'the true costs of competitive tendering should be made clear'"
PARTICIPATION = f"{BETTER_WAY}: Hackney CVS participatory budgeting (30 proposals voted on by 500 residents)"
GOOD_COMPETITION = f"{BETTER_WAY}: 'the case for good competition' (transparency, equal opportunities)"

# --- The law and guidance ----------------------------------------------------------------------
PA_COMMENCEMENT = (
    "Procurement Act 2023 in force 24 February 2025; procurements begun earlier continue under the PCR 2015"
)
PA_THRESHOLDS = (
    "Procurement Act 2023 Schedule 1 (thresholds, VAT-inclusive; a value not less than the threshold is above it)"
)
PA_S12 = "Procurement Act 2023 s.12(4) (regard to barriers facing SMEs) and s.86 below threshold"
PA_S20 = "Procurement Act 2023 s.20 (competitive tendering procedures: open and competitive flexible)"
PA_S41 = "Procurement Act 2023 s.41 and Schedule 5 (direct award justifications)"
PA_S44 = "Procurement Act 2023 s.44 (transparency notice before a direct award)"
PA_S49 = (
    "Procurement Act 2023 ss.45–49 (frameworks: at most 4 years; call-offs by mini-competition or objective mechanism)"
)
PA_S50 = "Procurement Act 2023 s.50 (contract award notice); s.50(6) exemptions"
PA_S51 = (
    "Procurement Act 2023 s.51 (standstill: 8 working days beginning with the day the contract award notice is "
    "published)"
)
PA_S51_LIGHT_TOUCH = (
    "Procurement Act 2023 s.51: no mandatory standstill for light touch contracts (a voluntary one may be used)"
)
PA_S54 = "Procurement Act 2023 s.54 (minimum tendering periods: 25 days with electronic tenders and documents)"
PA_S54_UK3 = "Procurement Act 2023 ss.15 and 54(4) (10 days after a qualifying planned procurement notice)"
PA_S85 = (
    "Procurement Act 2023 s.85 (below threshold: no restriction by suitability, no separate pre-qualification stage)"
)
PA_S87 = "Procurement Act 2023 s.87 (below-threshold tender notice if advertised; contract details notice)"
PA_S9 = "Procurement Act 2023 s.9 and Procurement Regulations 2024 Schedule 1 (light touch contracts)"
PA_S33 = (
    "Procurement Act 2023 s.33(1) (a light touch contract for services marked 'R' in the Procurement Regulations "
    "2024 Schedule 1, reg 42(2), with a maximum term of five years or less); s.33(5)–(6) (who qualifies)"
)
PA_S32 = (
    "Procurement Act 2023 s.32 (a competitive flexible procedure may be reserved to supported employment providers: "
    "at least 30% of the workforce disabled or disadvantaged); GOV.UK guidance 'Reserving contracts for supported "
    "employment providers', para 5 (any type of contract)"
)
PCR_REG_77 = "Public Contracts Regulations 2015 reg 77 (reserved contracts for mutuals: at most 3 years)"
PA_S85_WORKS = (
    "Procurement Act 2023 s.85(3) (a below-threshold works contract may have a selection stage at or above £213,477, "
    "or £138,760 for central government; £207,720 and £135,018 from 1 January 2026 under S.I. 2025/1200)"
)
PA_S51_3F = "Procurement Act 2023 s.51(3)(f) (no mandatory standstill for a light touch contract)"
PA_S54_LIGHT_TOUCH = (
    "Procurement Act 2023 s.54(3) and (4) tables (no minimum participation or tendering period for a light touch "
    "contract)"
)
PA_SCH5_USER_CHOICE = (
    "Procurement Act 2023 Schedule 5 paragraphs 15–17 (user choice contracts: the person's preference, or only one "
    "capable supplier, and an award under s.19 not in their best interests)"
)
PSR_MIXED = (
    "Health Care Services (Provider Selection Regime) Regulations 2023 reg 3(3)–(4) (mixed procurement: health care "
    "the main subject-matter by value, and the rest could not reasonably be supplied under a separate contract)"
)
PSR_FRAMEWORKS = (
    "Health Care Services (Provider Selection Regime) Regulations 2023 regs 16–18 (frameworks concluded by the "
    "competitive process; call-offs under them); Procurement Regulations 2024 reg 43"
)
PR_2024_CENTRAL = (
    "Procurement Act 2023 Schedule 1 para 5(1) and Procurement Regulations 2024 reg 44 and Schedule 2 (central "
    "government authorities include NHS England, NHS trusts and NHS foundation trusts)"
)
PA_S70 = (
    "Procurement Act 2023 s.70 (contract payment notice, payments over £30,000, for contracts procured from "
    "1 April 2026)"
)
PA_S71 = "Procurement Act 2023 s.71 (contracts over £5m: at least 3 KPIs, performance published at least yearly)"
PA_S80 = "Procurement Act 2023 s.80 (contract termination notice within 30 days of the contract ending)"
PA_PIPELINE = "Procurement Act 2023 pipeline notice (UK1), where an authority expects to pay over £100m a year"
PA_UK2 = "Procurement Act 2023 s.17 (preliminary market engagement notice, or reasons in the tender notice)"
PA_UK3 = "Procurement Act 2023 s.15 (planned procurement notice, optional)"
PA_UK4 = "Procurement Act 2023 tender notice (UK4), which starts a competitive tendering procedure"
PA_UK7 = "Procurement Act 2023 contract details notice (UK7) after entering into a public contract"
PA_UK12 = "Procurement Act 2023 procurement termination notice (UK12) if the authority decides not to award"
PA_REG_43 = "Procurement Regulations 2024 reg 43: the Act does not apply to regulated health care procurement (PSR)"
PCR_LTR = "Public Contracts Regulations 2015 regs 74–76 (light touch regime)"
PCR_STANDSTILL = "Public Contracts Regulations 2015 reg 87 (standstill of 10 calendar days from the award decision)"
PCR_NOTICES = (
    "Public Contracts Regulations 2015 regs 49–50 and 106–112 (contract notices; Contracts Finder below threshold)"
)
PCR_DIRECT = "Public Contracts Regulations 2015 reg 32 (negotiated procedure without prior publication)"
PPN_005 = "PPN 005: reserving below-threshold procurements by supplier location or for SMEs and VCSEs"
TRANSPARENCY_CODE = "Local Government Transparency Code 2015 (publish contracts and tenders over £5,000)"

PSR_REGS = (
    "Health Care Services (Provider Selection Regime) Regulations 2023 (in force 1 January 2024; no value threshold)"
)
PSR_PROCESSES = (
    "PSR Regulations 2023: direct award processes A, B and C, most suitable provider process, competitive process"
)
PSR_STANDSTILL = (
    "PSR statutory guidance (January 2024): standstill of 8 working days from the day after the intention to "
    "award notice"
)
PSR_DA_C = "PSR Regulations 2023: direct award process C and the considerable change threshold"

GRANT_NOT_PROCUREMENT = (
    "A grant is money freely given with nothing supplied to the funder in return (no consideration), so it is "
    "not a procurement; HMRC VAT manual VATSC06311; the Act regulates contracts for pecuniary interest"
)
WOKING_MUSEUM = "Woking Museum v HMRC: a council 'grant' paid for services in return was a contract"

COMPACT_CONSULTATION = "The Compact (2010), para 11.1–11.2: 12 weeks' written consultation wherever possible"
COMPACT_FUNDING = "The Compact (2009/2010): multi-year funding, three years or more, as the norm"
COMPACT_FCR = "The Compact: full cost recovery"
COMPACT_ENDING = (
    "The Compact, paras 13.1–13.4: assess impact, then at least three months' written notice before ending funding"
)
COMPACT_MONITORING = "The Compact: proportionate monitoring; discuss risks up front (code 4.8)"

TUPE_SPC = "TUPE 2006 reg 3(1)(b): a service provision change on re-tendering, outsourcing or insourcing"
TUPE_ELI = "TUPE 2006 reg 11: employee liability information at least 28 days before the transfer"

ASSUMPTION = "Trellis planning assumption: change it in the data table to match local practice"
