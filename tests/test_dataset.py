"""Data test of the bundled dataset policies/cn-permanent-residence.

Every number a reader is likely to quote is checked against the rules resolved as of a date,
with the source it comes from. The facts are taken from the cited sources listed in the
dataset's README.md ("Numbers worth checking" and other confirmed values).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from typing import Any, Iterator

import pytest

from policy_tracker.api import build_effects, catalog_of, version_of
from policy_tracker.catalog import Catalog
from policy_tracker.diff import compare
from policy_tracker.legal import dates_words, status_words, version_state
from policy_tracker.model import ItemKey
from policy_tracker.rules import rules_as_of
from policy_tracker.store import check_policy, load_policy

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FOLDER = os.path.join(ROOT, "policies", "cn-permanent-residence")
DRAFT_ID = "2020-draft-regulation"
ANNOTATION_KEYS = ("cite", "note", "unconfirmed")

R = "eligibility.routes"
INV = f"{R}[investment]"
EMP = f"{R}[employment]"

# (date, track, path, expected value, source)
# Paths: dotted keys, `[id]` picks a list item by its id; `meta:` reads the snapshot that
# supplied the track's rules (the overlay for a regional track); `count:` counts list items;
# `exists:` says whether a path is there.
FACTS: list[tuple[str, str, str, Any, str]] = [
    # --- 2004 Measures (MPS/MFA Order No. 74)
    ("2004-08-15", "national", "meta:dates.approved", "2003-12-13", "order74-text: approved by the State Council on 2003-12-13"),
    ("2004-08-15", "national", "meta:dates.promulgated", "2004-08-15", "order74-text: Order No. 74 promulgated 2004-08-15"),
    ("2004-08-15", "national", "meta:dates.effective", "2004-08-15", "order74-text: effective on promulgation (发布施行)"),
    ("2004-08-15", "national", "meta:document_number", "MPS and MFA Order No. 74 (公安部、外交部令第74号)", "order74-text"),
    ("2005-01-01", "national", f"{INV}.min_consecutive_years", 3, "order74-text Art. 6(1): stable for 3 consecutive years"),
    ("2005-01-01", "national", f"{INV}.investment_tiers[encouraged-industry].min_paid_in_capital_usd", 500000,
     "order74-en-a Art. 7(1): encouraged industries, USD 500,000"),
    ("2005-01-01", "national", f"{INV}.investment_tiers[western-region].min_paid_in_capital_usd", 500000,
     "order74-en-a Art. 7(2): western region / poverty counties, USD 500,000"),
    ("2005-01-01", "national", f"{INV}.investment_tiers[central-region].min_paid_in_capital_usd", 1000000,
     "order74-en-a Art. 7(3): central region, USD 1,000,000"),
    ("2005-01-01", "national", f"{INV}.investment_tiers[anywhere-in-china].min_paid_in_capital_usd", 2000000,
     "order74-en-a Art. 7(4): total in China, USD 2,000,000"),
    ("2005-01-01", "national", f"{EMP}.min_consecutive_years", 4, "order74-text Art. 6(2): 4 consecutive years in post"),
    ("2005-01-01", "national", f"{EMP}.min_cumulative_residence_years", 3, "order74-text Art. 6(2): 3 cumulative years within the 4"),
    ("2005-01-01", "national", f"count:{EMP}.employer_types", 4, "order74-en-a Art. 8: four employer categories"),
    ("2005-01-01", "national", f"count:{R}", 7, "order74-text Art. 6: seven categories of applicant"),
    ("2005-01-01", "national", f"{R}[dependants-of-principal].child_age_limit", 18, "order74-text Art. 6(4): unmarried children under 18"),
    ("2005-01-01", "national", f"{R}[minor-children].child_age_limit", 18, "order74-text Art. 6(6): unmarried children under 18"),
    ("2005-01-01", "national", f"{R}[spouse].min_marriage_years", 5, "order74-text Art. 6(5): marriage of 5 years"),
    ("2005-01-01", "national", f"{R}[spouse].min_continuous_residence_years", 5, "order74-text Art. 6(5): 5 years' continuous residence"),
    ("2005-01-01", "national", f"{R}[spouse].min_months_in_china_per_year", 9, "order74-text Art. 6(5): 9 months each year"),
    ("2005-01-01", "national", f"{R}[elderly-dependants].min_age", 60, "order74-text Art. 6(7): aged 60 or over"),
    ("2005-01-01", "national", f"{R}[elderly-dependants].min_continuous_residence_years", 5, "order74-text Art. 6(7)"),
    ("2005-01-01", "national", f"{R}[elderly-dependants].min_months_in_china_per_year", 9, "order74-text Art. 6(7)"),
    ("2005-01-01", "national", "documents[photos].count", 4, "order74-en-a Art. 9: 4 two-inch colour photos"),
    ("2005-01-01", "national", "procedure.decision_deadline_months", 6, "order74-en-b Art. 18: decision within 6 months"),
    ("2005-01-01", "national", "procedure.card_collection_days_after_entry", 30, "order74-en-b Art. 19: collect within 30 days of entry"),
    ("2005-01-01", "national", "procedure.entry_visa_if_abroad.en", "D visa", "order74-en-b Art. 19"),
    ("2005-01-01", "national", "procedure.authorities[accepting].authority.zh", "设区的市级人民政府公安机关，直辖市公安分、县局", "order74-text Art. 5"),
    ("2005-01-01", "national", "procedure.authorities[examining].authority.zh", "省、自治区、直辖市公安厅、局", "order74-text Art. 5"),
    ("2005-01-01", "national", "procedure.authorities[approving].authority.en", "Ministry of Public Security", "order74-text Art. 5"),
    ("2005-01-01", "national", "residence_obligation.min_months_per_year", 3, "order74-en-b Art. 20: 3 months a year"),
    ("2005-01-01", "national", "residence_obligation.exception_min_years_in_five", 1, "order74-en-b Art. 20: 1 year in 5 with approval"),
    ("2005-01-01", "national", "card.validity_years_under_18", 5, "order74-en-b Art. 21"),
    ("2005-01-01", "national", "card.validity_years_18_and_over", 10, "order74-en-b Art. 21"),
    ("2005-01-01", "national", "card.renewal_months_before_expiry", 1, "chinaservicesinfo-renewal (article number unconfirmed)"),
    ("2005-01-01", "national", "card.change_report_within_months", 1, "chinaservicesinfo-renewal (article number unconfirmed)"),
    ("2005-01-01", "national", "card.name.zh", "外国人永久居留证", "order74-text Art. 3"),
    ("2005-01-01", "national", "count:cancellation.grounds", 4, "cancel-10100: four grounds under the Measures"),
    ("2005-01-01", "national", "exists:eligibility.max_age", False, "order74-text Art. 6: no maximum age for permanent residence"),
    # --- fees (price authorities)
    ("2016-06-01", "national", "fees[application].amount_cny", 1500, "suizhou-fees No. 20; mps-guide-2019; quanzhou-guide"),
    ("2016-06-01", "national", "fees[card].amount_cny", 300, "suizhou-fees No. 21; chinaservicesinfo-renewal"),
    ("2016-06-01", "national", "fees[renewal].amount_cny", 300, "suizhou-fees No. 22"),
    ("2016-06-01", "national", "fees[replacement].amount_cny", 600, "suizhou-fees No. 23; hegang-fees"),
    ("2024-07-22", "national", "fees[application].amount_cny", 1500, "suizhou-fees (2024 table)"),
    # --- 2012 treatment measures (25 departments)
    ("2012-10-01", "national", "meta:dates.effective", "2012-09-25", "treatment-2012: issued and effective 2012-09-25"),
    ("2012-10-01", "national", "meta:dates.published", "2012-12-11", "treatment-2012-conventus: published 2012-12-11"),
    ("2012-10-01", "national", "meta:document_number", "人社部发〔2012〕53号 (MHRSS Doc. No. 53 [2012])", "treatment-2012"),
    ("2012-10-01", "national", "exists:rights[home-purchase]", True, "feifmx-2016: the >1 year work/study rule for home purchase is not applied"),
    ("2012-10-01", "national", "exists:rights[employment-permit-exemption]", True, "treatment-2012-text Item 4"),
    ("2012-09-24", "national", "exists:rights[home-purchase]", False, "not before the 2012 measures"),
    # --- 2013 Exit and Entry Administration Law
    ("2013-07-01", "national", "meta:dates.adopted", "2012-06-30", "exit-entry-law: adopted 2012-06-30 by the NPCSC"),
    ("2013-07-01", "national", "meta:dates.promulgated", "2012-06-30", "exit-entry-law-order: Presidential Order No. 57 of 2012-06-30"),
    ("2013-07-01", "national", "meta:dates.approved", None, "a law is adopted, never 'approved'"),
    ("2013-07-01", "national", "meta:dates.effective", "2013-07-01", "exit-entry-law: in force 2013-07-01"),
    ("2013-07-01", "national", "count:cancellation.grounds", 5, "exit-entry-law-en Art. 49: five grounds"),
    ("2013-07-01", "national", "exists:legal_basis[exit-entry-law]", True, "exit-entry-law-en Arts. 47-49"),
    ("2013-07-01", "national", "exists:legal_basis[aliens-entry-exit-law-1986]", False, "wiki-mirror: the 1986 law repealed 2013-07-01"),
    # --- 2015-06-08 employer types
    ("2015-06-07", "national", f"count:{EMP}.employer_types", 4, "order74-en-a Art. 8"),
    ("2015-06-08", "national", f"count:{EMP}.employer_types", 11, "mps-2015-units: 7 more unit types from 2015-06-08"),
    ("2015-06-08", "national", f"exists:{EMP}.employer_types[foreign-invested-rd-centre]", True, "mps-2015-units: 外商投资研发中心"),
    ("2015-06-08", "national", f"{EMP}.min_consecutive_years", 4, "mps-2015-units: same 4-year condition"),
    # --- Shanghai 2015 (12 MPS measures)
    ("2015-07-01", "shanghai", "meta:dates.effective", "2015-07-01", "shanghai-2015: effective 2015-07-01"),
    ("2015-07-01", "shanghai", "meta:dates.published", "2015-06-09", "shanghai-2015: published by the MPS 2015-06-09"),
    ("2015-06-30", "shanghai", f"exists:{R}[shanghai-market-salary]", False, "not before 2015-07-01"),
    ("2015-07-01", "shanghai", f"{R}[shanghai-market-salary].min_annual_salary_cny", 600000, "shanghai-2015-shmh: RMB 600,000 (2015 standard)"),
    ("2015-07-01", "shanghai", f"{R}[shanghai-market-salary].min_annual_iit_cny", 120000, "shanghai-2015-shmh: RMB 120,000 (2015 standard)"),
    ("2015-07-01", "shanghai", f"{R}[shanghai-market-salary].min_consecutive_years", 4, "shanghai-2015-shmh: 4 consecutive years"),
    ("2015-07-01", "shanghai", f"{R}[shanghai-market-salary].min_months_in_china_per_year", 6, "shanghai-2015-zjsfq: 6 months a year"),
    ("2015-07-01", "shanghai", f"{R}[shanghai-talent].talent_permit_validity_years", 5, "shanghai-2015-rules: 5-year talent permit"),
    ("2015-07-01", "shanghai", f"{R}[shanghai-talent].min_work_years", 3, "shanghai-2015-rules: PR after 3 years"),
    ("2015-07-01", "shanghai", f"{R}[shanghai-talent].decision_deadline_days", 90, "shanghai-2015-rules: 180 -> 90 days"),
    ("2015-07-01", "shanghai", f"{INV}.investment_tiers[central-region].min_paid_in_capital_usd", 1000000, "national base rules apply"),
    # --- Beijing / Zhongguancun 2016 (20 MPS measures)
    ("2016-03-01", "beijing", "meta:dates.effective", "2016-03-01", "beijing-2016: effective 2016-03-01"),
    ("2016-03-01", "beijing", f"{R}[beijing-market-salary].min_annual_salary_cny", 500000, "beijing-2016-cd: RMB 500,000"),
    ("2016-03-01", "beijing", f"{R}[beijing-market-salary].min_annual_iit_cny", 100000, "beijing-2016-cd: RMB 100,000"),
    ("2016-03-01", "beijing", f"{R}[beijing-market-salary].min_consecutive_years", 4, "beijing-2016-cd: 4 consecutive years"),
    ("2016-03-01", "beijing", f"{R}[beijing-market-salary].min_months_in_china_per_year", 6, "beijing-2016-cd: 6 months a year"),
    # --- Fujian FTZ 2016
    ("2016-04-01", "fujian", "meta:dates.effective", "2016-04-01", "fujian-2016-taihai: 8 of 10 measures from 2016-04-01"),
    ("2016-04-01", "fujian", f"{R}[fujian-ftz-employment].min_consecutive_years", 4, "fujian-2016-taihai: 4 consecutive years"),
    ("2016-04-01", "fujian", f"{R}[fujian-ftz-employment].min_months_in_china_per_year", 6, "fujian-2016-taihai: 6 months a year"),
    ("2016-04-01", "fujian", f"{R}[fujian-ftz-talent].min_work_years", 3, "fujian-2016-taihai: PR after 3 years"),
    ("2016-04-01", "fujian", f"exists:{R}[fujian-ftz-employment].min_annual_salary_cny", False, "Fujian amounts unconfirmed: not modelled"),
    # --- Guangdong 2016 (16 MPS measures)
    ("2016-08-01", "guangdong", "meta:dates.effective", "2016-08-01", "guangdong-2016: effective 2016-08-01"),
    ("2016-08-01", "guangdong", f"{R}[guangdong-ftz-investment].investment_tiers[ftz-total].min_investment_usd", 1000000,
     "guangdong-2016-ftz: USD 1,000,000"),
    ("2016-08-01", "guangdong", f"{R}[guangdong-ftz-investment].investment_tiers[ftz-encouraged-industry].min_investment_usd", 500000,
     "guangdong-2016-ftz: USD 500,000 in encouraged industries"),
    ("2016-08-01", "guangdong", f"{R}[guangdong-ftz-investment].min_consecutive_years", 3, "guangdong-2016-ftz: 3 consecutive years"),
    ("2016-08-01", "guangdong", f"{R}[guangdong-ftz-recommended-talent].provincial_review_working_days", 50, "guangdong-2016-ftz"),
    ("2016-08-01", "guangdong", f"{R}[guangdong-ftz-recommended-talent].ministry_approval_working_days", 40, "guangdong-2016-ftz"),
    ("2016-08-01", "guangdong", f"{R}[guangdong-ftz-recommended-talent].decision_deadline_working_days", 90, "guangdong-2016-qianhai"),
    ("2016-08-01", "guangdong", f"{R}[guangdong-market-salary].min_work_years", 4, "guangdong-2016-investhk: 4 years"),
    # --- Tianjin 2017
    ("2017-06-01", "tianjin", f"{R}[tianjin-market-salary].min_annual_salary_cny", 400000, "tianjin-2017: more than RMB 400,000"),
    ("2017-06-01", "tianjin", f"{R}[tianjin-market-salary].min_annual_iit_cny", 80000, "tianjin-2017: more than RMB 80,000"),
    ("2017-06-01", "tianjin", f"{R}[tianjin-market-salary].min_consecutive_years", 4, "tianjin-2017: 4 consecutive years"),
    ("2017-06-01", "tianjin", f"{R}[tianjin-market-salary].min_months_in_china_per_year", 6, "tianjin-2017: 6 months a year"),
    # --- 2016 Opinions
    ("2016-02-18", "national", "meta:dates.effective", "2016-02-18", "opinions-2016: announced 2016-02-18"),
    ("2016-02-18", "national", "meta:dates.approved", "2015-09-15", "xinhua-2017-02-06: reform group approved the draft on 2015-09-15"),
    ("2016-02-18", "national", "count:directives", 8, "opinions-2016-items, opinions-2016-main, opinions-2016-treatment"),
    ("2016-02-18", "national", f"{EMP}.min_consecutive_years", 4, "the Opinions direct reforms; no threshold changed"),
    ("2016-02-18", "national", "exists:rights[qualification-exams]", True, "opinions-2016-treatment"),
    # --- 2017 card
    ("2017-06-15", "national", "card.name.zh", "外国人永久居留证", "old card until 2017-06-15"),
    ("2017-06-16", "national", "meta:dates.effective", "2017-06-16", "card-2017-notice: issued from 2017-06-16"),
    ("2017-06-16", "national", "card.name.zh", "外国人永久居留身份证", "card-2017-notice; card-2017-name"),
    ("2017-06-16", "national", "card.number_length", 15, "card-numbers: 3 letters + 12 digits"),
    ("2017-06-16", "national", "procedure.card_exchange_days", 20, "card-2017-notice Part 3: within 20 days"),
    ("2017-06-16", "national", "card.validity_years_18_and_over", 10, "card-2017-notice Part 2: validity unchanged"),
    ("2017-06-16", "national", "fees[application].amount_cny", 1500, "card-2017-notice Part 2: fees unchanged"),
    # --- 2018 NIA
    ("2018-04-02", "national", "meta:dates.effective", "2018-04-02", "nia-2018: inaugurated 2018-04-02"),
    ("2018-04-01", "national", "procedure.authorities[approving].authority.en", "Ministry of Public Security", "order74-text Art. 5"),
    ("2018-04-02", "national", "procedure.authorities[approving].authority.en",
     "National Immigration Administration", "nia-2018 (administered by the MPS: in the note)"),
    # --- 2019 NIA measures
    ("2019-08-01", "national", "meta:dates.published", "2019-07-17", "nia-2019: announced 2019-07-17"),
    ("2019-08-01", "national", "meta:dates.effective", "2019-08-01", "nia-2019: nationwide from 2019-08-01"),
    ("2019-07-31", "national", f"exists:{R}[salary-and-tax]", False, "not before 2019-08-01"),
    ("2019-08-01", "national", f"{R}[salary-and-tax].min_salary_multiple_of_local_average_wage", 6, "nia-2019 Measure 2: 6x local average wage"),
    ("2019-08-01", "national", f"{R}[salary-and-tax].min_iit_percent_of_salary_standard", 20, "nia-2019 Measure 2: IIT >= 20% of the standard"),
    ("2019-08-01", "national", f"{R}[salary-and-tax].min_consecutive_years", 4, "nia-2019 Measure 2: 4 consecutive years"),
    ("2019-08-01", "national", f"{R}[salary-and-tax].min_months_in_china_per_year", 6, "nia-2019 Measure 2: 6 months a year"),
    ("2019-08-01", "national", f"{R}[foreign-chinese-key-regions].min_consecutive_years", 4, "nia-2019-beijing Measure 3"),
    ("2019-08-01", "national", f"{R}[foreign-chinese-key-regions].min_months_in_china_per_year", 6, "nia-2019-beijing Measure 3"),
    ("2019-08-01", "national", f"exists:{R}[foreign-chinese-doctorate]", True, "nia-2019-beijing Measure 3"),
    ("2019-08-01", "national", f"exists:{R}[recommended-talent]", True, "nia-2019 Measure 1"),
    # --- 2020 draft is not law
    ("2021-01-01", "national", "meta:id", "2019-nia-measures", "draft-2020-gt: the draft was never enacted"),
    ("2021-01-01", "national", f"exists:{R}[key-industry-wage]", False, "draft routes are not law"),
    # --- 2023 card
    ("2023-12-01", "national", "meta:dates.published", "2023-09-15", "card-2023-xinhua: announced 2023-09-15"),
    ("2023-12-01", "national", "meta:dates.effective", "2023-12-01", "card-2023: issued from 2023-12-01"),
    ("2023-12-01", "national", "meta:status", "in_force", "the rules in force today"),
    ("2023-12-01", "national", "card.number_length", 18, "card-numbers; card-2023-flanders: 18 digits"),
    ("2023-12-01", "national", "card.number_prefix", "9", "card-numbers: first digit 9"),
    ("2023-12-01", "national", "card.issuer.en", "National Immigration Administration", "card-2023-xinhua"),
    ("2023-12-01", "national", "card.name.zh", "外国人永久居留身份证",
     "card-2023-xinhua: the new version of the 外国人永久居留身份证 (full title 中华人民共和国外国人永久居留身份证); no renaming in 2023"),
    ("2023-12-01", "national", "card.validity_years_under_18", 5, "order74-en-b Art. 21; wiki-mirror"),
    ("2023-11-30", "national", "card.number_length", 15, "2017 card until 2023-11-30"),
    ("2026-01-01", "national", f"{INV}.investment_tiers[central-region].min_paid_in_capital_usd", 1000000, "Order No. 74 still in force"),
    ("2026-01-01", "national", "residence_obligation.min_months_per_year", 3, "order74-en-b Art. 20"),
    # --- added by the second review (each checked against the fact sheet or a source read)
    ("2005-01-01", "national", "card.issuer.en", "Ministry of Public Security", "order74-en-b Art. 19: the MPS issues the card"),
    ("2005-01-01", "national", "residence_obligation.exception_approver.zh", "省、自治区、直辖市公安厅、局", "order74-en-b Art. 20"),
    ("2005-01-01", "national", "eligibility.year_counting.zh", "本条所指年限均指申请之日前连续的年限", "crsrw-order74 Art. 6"),
    ("2005-01-01", "national", "count:eligibility.general_conditions", 3, "order74-text Art. 6: law, health, no criminal record"),
    ("2005-01-01", "national", "count:documents", 6, "order74-en-a Art. 9"),
    ("2005-01-01", "national", "cancellation.authority.en", "Ministry of Public Security", "cancel-10100"),
    ("2005-01-01", "national", "procedure.approval_limits", [], "quanzhou-guide: 无数量限制 (no quantity limit)"),
    ("2012-10-01", "national", "meta:dates.issued", "2012-09-25", "treatment-2012: issued (印发) 2012-09-25"),
    ("2012-10-01", "national", "fees[application].amount_cny", 1500, "suizhou-fees No. 20: basis 2004 price documents"),
    ("2012-10-01", "national", "fees[replacement].amount_cny", 600, "suizhou-fees No. 23"),
    ("2013-07-01", "national", "cancellation.authority.en", "Ministry of Public Security", "exit-entry-law-en Art. 49"),
    ("2013-07-01", "national", "exists:cancellation.grounds[other-unsuitability]", True, "exit-entry-law-en Art. 49(5)"),
    ("2016-02-18", "national", "meta:dates.published", "2016-02-18", "opinions-2016: Xinhua release of 2016-02-18"),
    ("2017-06-16", "national", "card.issuer.en", "Ministry of Public Security", "card-2017-notice: issued by the MPS"),
    ("2017-06-16", "national", "card.number_on_exchange.en", "Unchanged on exchange or replacement", "card-2017-notice Part 4"),
    ("2017-06-16", "national", "count:card.printed_fields", 7, "card-2017-notice Part 1"),
    ("2017-06-16", "national", "card.validity_years_under_18", 5, "card-2017-notice Part 2: validity unchanged"),
    ("2019-08-01", "national", f"count:{R}[recommended-talent].recommended_by", 3, "nia-2019 Measure 1"),
    ("2019-08-01", "national", f"exists:{R}[salary-and-tax].accompanying_family[minor-children]", True, "nia-2019 Measure 2"),
    ("2019-08-01", "national", f"count:{R}", 11, "order74-text Art. 6 (7 routes) + nia-2019 Measures 1-3 (4 routes)"),
    ("2023-12-01", "national", "card.nickname.zh", "五星卡", "card-2023"),
    ("2023-12-01", "national", "card.validity_years_18_and_over", 10, "order74-en-b Art. 21; wiki-mirror"),
    ("2023-12-01", "national", f"{R}[salary-and-tax].min_salary_multiple_of_local_average_wage", 6, "nia-2019 Measure 2: unchanged"),
    ("2015-07-01", "shanghai", f"exists:{R}[shanghai-market-salary].conditions[employer-recommendation]", True, "shanghai-2015-shmh"),
    ("2016-03-01", "beijing", f"{R}[beijing-foreign-chinese-zhongguancun].min_consecutive_years", 4, "beijing-2016: 4 consecutive years"),
    ("2016-03-01", "beijing", f"{R}[beijing-foreign-chinese-doctorate].min_months_in_china_per_year", 6,
     "beijing-2016: more than 6 months a year"),
    ("2016-04-01", "fujian", f"{R}[fujian-ftz-talent].talent_permit_validity_years", 5, "fujian-2016-taihai: 5-year permit"),
    ("2016-08-01", "guangdong", f"{R}[guangdong-senior-professional].decision_deadline_working_days", 90, "guangdong-2016-bal"),
    ("2016-08-01", "guangdong", f"{R}[guangdong-senior-professional].min_work_years", 3, "guangdong-2016-bal"),
    ("2016-08-01", "guangdong", f"{R}[guangdong-market-salary].min_months_in_china_per_year", 6, "guangdong-2016-investhk"),
    ("2017-06-01", "tianjin", f"count:{R}[tianjin-recommended-talent].recommended_by", 3,
     "tianjin-2017-cns: FTZ committee, Binhai government, Tianjin HRSS"),
    ("2017-06-01", "tianjin", f"{R}[tianjin-foreign-chinese-work].min_consecutive_years", 4, "tianjin-2017-cns"),
    ("2017-06-01", "tianjin", f"{R}[tianjin-foreign-chinese-work].min_months_in_china_per_year", 6, "tianjin-2017-cns"),
    ("2017-06-01", "tianjin", f"exists:{R}[tianjin-market-salary].accompanying_family[spouse]", True,
     "tianjin-2017: the foreign spouse and minor children may apply together"),
]

# The same, resolved with include_drafts=True.
DRAFT_FACTS: list[tuple[str, str, str, Any, str]] = [
    ("2020-03-01", "national", "meta:id", DRAFT_ID, "draft-2020-xinhua: published 2020-02-27"),
    ("2020-03-01", "national", "meta:status", "draft", "draft-2020-gt: not enacted"),
    ("2020-03-01", "national", "meta:dates.published", "2020-02-27", "draft-2020-xinhua"),
    ("2020-03-01", "national", f"{INV}.investment_tiers[cumulative-direct-investment].min_investment_cny", 10000000,
     "draft-2020-chinadaily: RMB 10 million"),
    ("2020-03-01", "national", f"{R}[degree-employment].min_work_years", 3, "draft-2020-chinadaily: 3 years' work"),
    ("2020-03-01", "national", f"{R}[degree-employment].min_actual_residence_years", 1, "draft-2020-chinadaily: 1 year's residence"),
    ("2020-03-01", "national", f"{R}[key-industry-wage].min_salary_multiple_of_local_average_wage", 4, "draft-2020-text Art. 15(2): 4x wage"),
    ("2020-03-01", "national", f"{R}[key-industry-wage].min_consecutive_years", 3, "draft-2020-text Art. 15(2): 3 consecutive years"),
    ("2020-03-01", "national", "residence_obligation.min_months_per_year", 3, "draft-2020-cd-text: 3 months a year"),
    ("2020-03-01", "national", "count:procedure.approval_limits", 1, "ttnews-2020: quota-based approval (定额审批)"),
    ("2020-03-01", "national", "procedure.selection_methods[points-assessment].title.zh", "积分评估",
     "ttnews-2020: points-based assessment (积分评估) is a method of assessment, not a limit on approvals"),
    ("2020-03-01", "national", f"exists:{INV}.investment_tiers[anywhere-in-china]", False,
     "draft-2020-chinadaily; draft-2020-liang: the draft's investment types replace the 2004 USD tiers by region"),
    ("2020-03-01", "national", f"exists:{INV}.investment_tiers[high-tech-innovative-enterprises]", True,
     "draft-2020-liang: 高新技术和创新型企业投资"),
    ("2020-03-01", "national", f"exists:{INV}.conditions[investment-tax-employment-standards]", False,
     "draft-2020-chinadaily: the standards apply to the encouraged-areas type only, not to every investor"),
    ("2020-03-01", "national", f"{R}[spouse].min_marriage_years", 5, "draft-2020-liang: marriage lasting five years"),
    ("2020-03-01", "national", f"{R}[elderly-dependants].min_age", 60, "draft-2020-liang: 年满六十周岁来华依亲"),
    ("2020-03-01", "national", f"{R}[minor-children].child_age_limit", 18, "draft-2020-liang: 18岁以下"),
    ("2020-03-01", "national", "procedure.authorities[approving].authority.en",
     "National Immigration Administration",
     "draft-2020-translation: 'State Immigration Administration' is another English name of the same body"),
    ("2020-03-01", "national", "procedure.authorities[accepting].authority.zh", "居留地公安机关出入境管理机构", "draft-2020-xinhua"),
    ("2020-03-01", "national", "count:procedure.applicant_steps", 2, "draft-2020-xinhua: interview and fingerprints"),
    ("2020-03-01", "national", "exists:legal_basis[exit-entry-law]", True, "draft-2020-zouyi: draft Art. 1"),
    ("2020-03-01", "national", "exists:rights[card-may-not-be-refused]", True, "draft-2020-xinhua"),
    ("2020-03-01", "national", f"exists:{R}[outstanding-achievement]", True, "draft-2020-xinhua: direct application"),
    ("2020-03-01", "national", f"exists:{R}[special-contribution].recommended_by", False,
     "draft-2020-xinhua: the recommendation is a new condition of the route, recorded once"),
    ("2020-02-26", "national", "meta:id", "2019-nia-measures", "the draft only appears from its publication date"),
    ("2024-01-01", "national", "meta:id", "2023-id-card", "later law comes after the draft"),
]


@pytest.fixture(scope="module")
def policy():
    return load_policy(FOLDER)


def _parse(path: str) -> list[tuple[str, str | None]]:
    out = []
    for part in path.split("."):
        match = re.fullmatch(r"([A-Za-z0-9_]+)(?:\[([^\]]+)\])?", part)
        assert match, f"bad path segment {part!r} in {path!r}"
        out.append((match.group(1), match.group(2)))
    return out


_MISSING = object()


def _lookup(values: Any, path: str) -> Any:
    node = values
    for key, ident in _parse(path):
        if not isinstance(node, dict) or key not in node:
            return _MISSING
        node = node[key]
        if ident is not None:
            if not isinstance(node, list):
                return _MISSING
            node = next((item for item in node if isinstance(item, dict) and str(item.get("id")) == ident),
                        _MISSING)
            if node is _MISSING:
                return _MISSING
    return node


def _meta(snapshot: Any, path: str) -> Any:
    node: Any = snapshot.meta
    for part in path.split("."):
        node = getattr(node, part)
    if isinstance(node, dt.date):
        return node.isoformat()
    if hasattr(node, "value"):
        return node.value
    return node


def _value(policy: Any, date: str, track: str, path: str, drafts: bool) -> Any:
    resolved = rules_as_of(policy, dt.date.fromisoformat(date), track, include_drafts=drafts)
    if path.startswith("meta:"):
        return _meta(resolved.snapshots[-1], path[5:])
    if path.startswith("count:"):
        found = _lookup(resolved.tree.values, path[6:])
        assert isinstance(found, list), f"{path} is not a list on {date}"
        return len(found)
    if path.startswith("exists:"):
        return _lookup(resolved.tree.values, path[7:]) is not _MISSING
    found = _lookup(resolved.tree.values, path)
    assert found is not _MISSING, f"{path} not found in the {track} rules on {date}"
    return found


def _id(fact: tuple[str, str, str, Any, str]) -> str:
    return f"{fact[0]}-{fact[1]}-{fact[2]}"


@pytest.mark.parametrize("date,track,path,expected,source", FACTS, ids=[_id(f) for f in FACTS])
def test_fact(policy, date, track, path, expected, source):
    assert _value(policy, date, track, path, drafts=False) == expected, source


@pytest.mark.parametrize("date,track,path,expected,source", DRAFT_FACTS, ids=[_id(f) for f in DRAFT_FACTS])
def test_draft_fact(policy, date, track, path, expected, source):
    assert _value(policy, date, track, path, drafts=True) == expected, source


def test_fact_list_is_substantial():
    assert len(FACTS) + len(DRAFT_FACTS) >= 100


def test_no_rules_before_2004(policy):
    from policy_tracker.errors import NotFoundError

    with pytest.raises(NotFoundError):
        rules_as_of(policy, dt.date(2004, 8, 14), "national")


# ------------------------------------------------------------------ validity and status


def test_every_snapshot_validates():
    checked = check_policy(FOLDER)
    assert checked.problems == (), "\n".join(str(p) for p in checked.problems)
    assert checked.policy is not None
    assert len(checked.policy.snapshots) == 15


def test_statuses(policy):
    """Each instrument's own legal status: none of the national instruments was repealed or
    replaced; a later consolidated version is not a repeal."""
    national = policy.snapshots_of("national")
    law = [s for s in national if s.meta.status.is_law]
    assert {s.meta.status.value for s in law} == {"in_force"}
    assert all(s.meta.repeal is None for s in policy.snapshots)
    assert not any(s.meta.status.value == "superseded" for s in policy.snapshots)
    unconfirmed = {s.meta.id for s in law if s.meta.status_unconfirmed}
    assert unconfirmed == {"2015-employer-types", "2017-id-card", "2019-nia-measures"}
    assert law[-1].meta.id == "2023-id-card"
    drafts = [s for s in national if not s.meta.status.is_law]
    assert [s.meta.id for s in drafts] == [DRAFT_ID]
    assert drafts[0].meta.status.value == "draft"
    for track in ("shanghai", "beijing", "fujian", "guangdong", "tianjin"):
        snaps = policy.snapshots_of(track)
        assert snaps and all(s.meta.status.value == "pilot" for s in snaps), track
        assert policy.track(track).extends == "national"


def _snap(policy, snap_id):
    return next(s for s in policy.snapshots if s.meta.id == snap_id)


@pytest.mark.parametrize("snap_id", ["2004-measures", "2013-exit-entry-law",
                                     "2012-treatment-measures", "2016-opinions"])
def test_rows_1_to_4_instruments_in_force(policy, snap_id):
    """Order No. 74 (Shanghai's policy library lists it as a national document), the Exit and
    Entry Administration Law, the 2012 treatment measures and the 2016 Opinions are in force."""
    meta = _snap(policy, snap_id).meta
    assert meta.status.value == "in_force" and not meta.status_unconfirmed
    assert status_words(meta, "en") == "in force"
    assert status_words(meta, "zh") == "现行有效"


def test_row_2_exit_entry_law_dates(policy):
    meta = _snap(policy, "2013-exit-entry-law").meta
    assert meta.dates.adopted == dt.date(2012, 6, 30)
    assert meta.dates.promulgated == dt.date(2012, 6, 30)
    assert meta.dates.effective == dt.date(2013, 7, 1)
    assert meta.dates.approved is None
    assert meta.document_number.startswith("Presidential Order No. 57")
    assert dates_words(meta, "en") == ("adopted 2012-06-30; promulgated 2012-06-30; "
                                       "takes effect 2013-07-01")
    assert dates_words(meta, "zh") == "2012-06-30通过；2012-06-30公布；2013-07-01施行"


def test_row_5_draft_never_takes_effect(policy):
    meta = _snap(policy, DRAFT_ID).meta
    assert not meta.dates.takes_effect
    assert meta.dates.to_dict()["effective"] is None
    assert meta.dates.published == dt.date(2020, 2, 27)
    assert meta.dates.comment_deadline == dt.date(2020, 3, 27)
    assert dates_words(meta, "en") == "published 2020-02-27; comments until 2020-03-27"
    assert status_words(meta, "en") == "proposed (draft, never law)"
    assert status_words(meta, "zh") == "征求意见稿（未施行）"


def test_row_6_article_49_5_wording(policy):
    for snap in policy.snapshots_of("national"):
        text = json.dumps(snap.rules, ensure_ascii=False)
        assert "有不宜在中国境内永久居留" not in text, snap.meta.id
        if snap.effective >= dt.date(2013, 7, 1):
            assert "不适宜在中国境内永久居留的其他情形" in text, snap.meta.id


def test_row_7_approving_authority_change_is_substantive(policy):
    old = version_of(_snap(policy, "2017-id-card"))
    new = version_of(_snap(policy, "2018-nia"))
    changes = [c for c in compare(old, new, catalog_of(policy)).changes
               if c.path_text.startswith("procedure.authorities[id=approving].authority")]
    assert [(c.rule, c.severity.value) for c in changes] == [("authority-changed", "major")]
    assert changes[0].sentence.zh == "机关（审批）由公安部改为国家移民管理局。"
    assert changes[0].sentence.en == ("Authority (Approves applications) changed from Ministry "
                                      "of Public Security to National Immigration "
                                      "Administration.")


def test_row_8_shanghai_salary_standard_of_uncertain_currency(policy):
    route = next(r for r in _snap(policy, "2015-shanghai-pilot").rules["eligibility"]["routes"]
                 if r["id"] == "shanghai-market-salary")
    for key in ("min_annual_salary_cny", "min_annual_iit_cny"):
        assert route[key]["unconfirmed"] is True
        assert "uncertain currency after 2023" in route[key]["note"]
    declared = [e for e in policy.effects if e.track == "shanghai"]
    assert len(declared) == 1
    effect = declared[0]
    assert (effect.type, effect.date, effect.applied, effect.unconfirmed) == (
        "substituted", dt.date(2023, 5, 1), False, True)


def test_repeal_of_the_1986_aliens_law_is_registered(policy):
    register = build_effects(policy)
    repeal = [e for e in register.effects if e.origin == "declared" and e.type == "repealed"
              and e.date == dt.date(2013, 7, 1)]
    assert len(repeal) == 1
    assert repeal[0].by.en == "Exit and Entry Administration Law of the People's Republic of China"
    assert repeal[0].by_provision == ""  # the article number was not confirmed


def test_versions_are_followed_not_superseded(policy):
    first = _snap(policy, "2004-measures")
    assert version_state(policy, first).words(first.effective, "en") == (
        "version of 2004-08-15, followed by the version of 2012-09-25")
    last = _snap(policy, "2023-id-card")
    assert version_state(policy, last).current


def test_expected_snapshot_dates(policy):
    effective = {s.meta.id: s.effective.isoformat() for s in policy.snapshots}
    assert effective == {
        "2004-measures": "2004-08-15", "2012-treatment-measures": "2012-09-25",
        "2013-exit-entry-law": "2013-07-01", "2015-employer-types": "2015-06-08",
        "2016-opinions": "2016-02-18", "2017-id-card": "2017-06-16", "2018-nia": "2018-04-02",
        "2019-nia-measures": "2019-08-01", DRAFT_ID: "2020-02-27", "2023-id-card": "2023-12-01",
        "2015-shanghai-pilot": "2015-07-01", "2016-beijing-pilot": "2016-03-01",
        "2016-fujian-ftz-pilot": "2016-04-01", "2016-guangdong-pilot": "2016-08-01",
        "2017-tianjin-pilot": "2017-06-01",
    }


# ------------------------------------------------------------------ the 2020 draft


def test_draft_is_not_law_in_2021(policy):
    resolved = rules_as_of(policy, dt.date(2021, 1, 1), "national", include_drafts=False)
    assert DRAFT_ID not in [s.meta.id for s in resolved.snapshots]
    for track in ("shanghai", "guangdong"):
        resolved = rules_as_of(policy, dt.date(2021, 1, 1), track)
        assert DRAFT_ID not in [s.meta.id for s in resolved.snapshots]


def test_draft_returned_when_asked(policy):
    resolved = rules_as_of(policy, dt.date(2020, 3, 1), "national", include_drafts=True)
    assert DRAFT_ID in [s.meta.id for s in resolved.snapshots]


def test_draft_records_reaction_and_statement(policy):
    draft = next(s for s in policy.snapshots if s.meta.id == DRAFT_ID)
    notes = " ".join(n.en for n in draft.meta.notes)
    assert "2020-03-07" in notes and "not be hastily enacted" in notes
    assert "Weibo" in notes and "4.4 billion" in notes
    assert "2020-03-27" in notes and "never enacted" in notes


# ------------------------------------------------------------------ citations and doubt


def _leaves(node: Any, path: tuple, cited: bool) -> Iterator[tuple[tuple, bool]]:
    """Every leaf value of a raw rules tree and whether a citation covers it.

    A value is covered by the `cite` of its own wrapper, or else of the list item or mapping
    that holds it; the whole rules block cannot cite for everything.
    """
    if isinstance(node, dict):
        here = cited or "cite" in node
        if "value" in node and all(k in ("value",) + ANNOTATION_KEYS for k in node):
            yield from _leaves(node["value"], path, "cite" in node or cited)
            return
        for key, value in node.items():
            if key not in ANNOTATION_KEYS:
                yield from _leaves(value, path + (key,), here)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            # a list item starts afresh: its own cite, or the wrapper/mapping of the list
            yield from _leaves(item, path + (i,), cited and not isinstance(item, dict))
    else:
        yield path, cited


def test_every_rule_value_cites_a_source(policy):
    known = {s.id for s in policy.sources}
    missing = []
    for snap in policy.snapshots:
        for path, cited in _leaves(snap.rules, (), False):
            if not cited:
                missing.append(f"{snap.meta.id}: {'.'.join(map(str, path))}")
        for path, note in snap.tree.annotations.items():
            if note.citation is not None:
                assert note.citation.source in known, (snap.meta.id, path, note.citation.source)
    assert not missing, "\n".join(missing)


def _unconfirmed(node: Any, path: tuple, cited: bool) -> Iterator[tuple[tuple, dict, bool]]:
    if isinstance(node, dict):
        here = cited or "cite" in node
        if node.get("unconfirmed"):
            yield path, node, here
        for key, value in node.items():
            if key not in ANNOTATION_KEYS:
                yield from _unconfirmed(value, path + (key,), here)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _unconfirmed(item, path + (i,), False)


def test_unconfirmed_values_still_cite_and_say_why(policy):
    found = 0
    for snap in policy.snapshots:
        for path, node, cited in _unconfirmed(snap.rules, (), False):
            found += 1
            where = f"{snap.meta.id}: {'.'.join(map(str, path))}"
            assert cited, f"unconfirmed value without a citation: {where}"
            note = node.get("note")
            text = note.get("en", "") if isinstance(note, dict) else str(note or "")
            assert len(text) > 20, f"unconfirmed value without a note: {where}"
    assert found > 0


def test_every_snapshot_cites_its_instrument(policy):
    for snap in policy.snapshots:
        assert snap.meta.sources, snap.meta.id
        for src in snap.meta.sources:
            assert src.title.en and src.title.zh and src.url.startswith("http") and src.publisher, src.id
        assert snap.meta.title.en and snap.meta.title.zh


# ------------------------------------------------------------------ the catalogue


def _paths(node: Any, path: tuple) -> Iterator[tuple[tuple, Any]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, path + (key,))
    elif isinstance(node, list):
        for item in node:
            seg = ItemKey("id", str(item["id"])) if isinstance(item, dict) else ItemKey("", str(item))
            yield from _paths(item, path + (seg,))


def test_catalogue_labels_every_field(policy):
    catalog = Catalog(policy.fields)
    trees = [s.tree.values for s in policy.snapshots]
    for track in ("shanghai", "beijing", "fujian", "guangdong", "tianjin"):
        trees.append(rules_as_of(policy, dt.date(2024, 1, 1), track).tree.values)
    problems = set()
    for tree in trees:
        for path, value in _paths(tree, ()):
            if not path:
                continue
            spec = catalog.spec(path)
            shown = catalog.label(path)
            if spec is None or not spec.label.en or not spec.label.zh:
                problems.add(f"no label: {shown}")
                continue
            if isinstance(value, bool):
                problems.add(f"yes/no value (no direction rule fits): {shown}")
            elif isinstance(value, (int, float)):
                if spec.direction not in ("higher_is_stricter", "higher_is_looser", "neutral"):
                    problems.add(f"number without a direction rule: {shown}")
                if spec.direction != "neutral" and not spec.unit and spec.pattern != "documents[*].count":
                    problems.add(f"number without a unit: {shown}")
            elif isinstance(value, list):
                if spec.direction not in ("adding_is_looser", "adding_is_stricter", "neutral"):
                    problems.add(f"list without an adding rule: {shown}")
    assert not problems, "\n".join(sorted(problems))


def test_amounts_are_integers_in_their_currency(policy):
    for snap in policy.snapshots:
        for path, value in _paths(snap.tree.values, ()):
            if path and isinstance(path[-1], str) and path[-1].endswith(("_usd", "_cny")):
                assert isinstance(value, int) and not isinstance(value, bool), (snap.meta.id, path)


def test_no_maximum_age_for_permanent_residence(policy):
    for snap in policy.snapshots_of("national"):
        for path, _ in _paths(snap.tree.values, ()):
            assert not any(isinstance(seg, str) and "max_age" in seg for seg in path), (snap.meta.id, path)


# ------------------------------------------------------------------ Guangzhou and directions


def test_guangzhou_talent_card_is_not_a_track(policy):
    assert not any("guangzhou" in t.id.lower() for t in policy.tracks)
    for snap in policy.snapshots:
        for path, value in _paths(snap.tree.values, ()):
            if path and isinstance(path[-1], ItemKey):
                assert "guangzhou" not in path[-1].value.lower(), (snap.meta.id, path)
    notes = " ".join(n.en + n.zh for n in policy.notes)
    assert "Guangzhou" in notes and "人才绿卡" in notes and "NOT national permanent residence" in notes


def test_opinions_directions_are_not_thresholds(policy):
    before = rules_as_of(policy, dt.date(2016, 2, 17), "national").tree.values
    after = rules_as_of(policy, dt.date(2016, 2, 18), "national").tree.values
    assert before["eligibility"] == after["eligibility"]
    assert before["residence_obligation"] == after["residence_obligation"]
    assert before["directives"] == [] and len(after["directives"]) == 8


def test_tianjin_day_is_flagged(policy):
    tianjin = policy.snapshots_of("tianjin")[0]
    notes = " ".join(n.en for n in tianjin.meta.notes)
    assert "June 2017" in notes and "not confirmed" in notes


def test_ages_are_shown_as_ages(policy):
    catalog = Catalog(policy.fields)
    for field in ("child_age_limit", "min_age"):
        spec = catalog.spec(("eligibility", "routes", ItemKey("id", "x"), field))
        assert spec is not None and spec.unit == "age", field


def test_draft_keeps_no_2004_usd_tiers(policy):
    resolved = rules_as_of(policy, dt.date(2020, 3, 1), "national", include_drafts=True)
    tiers = _lookup(resolved.tree.values, f"{INV}.investment_tiers")
    assert {t["id"] for t in tiers} == {"cumulative-direct-investment", "encouraged-areas",
                                        "high-tech-innovative-enterprises"}


def test_claims_note(policy):
    notes = " ".join(n.en for n in policy.notes)
    for phrase in ("Extending the categories", "Lifting the maximum age limits", "Refining the welfare provisions",
                   "no maximum age", "talent work residence permits"):
        assert phrase.lower() in notes.lower(), phrase
