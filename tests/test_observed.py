"""The observed-data file for calibration: aliases, percentages, formats, and one-line errors."""

import codecs
import hashlib

import numpy as np
import pytest

from sim.calibration.observed import OBSERVABLES, Observed, read_observed
from sim.engine.metrics import KPIS
from sim.errors import ScenarioError
from sim.org.csv_export import HEADER_ALIASES, WINDOWS_1252_NOTICE, header_key


def put(folder, name, content, encoding="utf-8"):
    path = folder / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
    return path


def refused(path, **kwargs) -> str:
    with pytest.raises(ScenarioError) as error:
        read_observed(path, **kwargs)
    message = str(error.value)
    assert "\n" not in message and "\r" not in message
    return message


def test_every_observable_is_compared_with_a_weekly_kpi_of_the_model():
    names = {kpi.name for kpi in KPIS}
    assert all(o.kpi in names for o in OBSERVABLES.values())
    assert [o.name for o in OBSERVABLES.values() if o.kpi != o.name] == ["active_members"]
    assert OBSERVABLES["active_members"].times_employees
    assert {o.kind for o in OBSERVABLES.values()} == {"share", "score", "count"}
    for o in OBSERVABLES.values():
        assert HEADER_ALIASES[o.name][0] == o.name and o.low < o.high and o.help


def test_the_new_aliases_leave_the_employee_and_tie_roles_alone():
    keys = [header_key(name) for names in HEADER_ALIASES.values() for name in names]
    assert len(keys) == len(set(keys))
    role_of = {header_key(a): role for role, names in HEADER_ALIASES.items() for a in names}
    assert role_of["n"] == "weight" and role_of["count"] == "weight"
    assert role_of["members"] == "active_members"
    assert role_of["respondents"] == "sample_size"


def test_a_file_with_aliases_and_percentages(tmp_path):
    text = ("Week Number,Awareness,Participation,Knowledge Score,Weekly Active Members,"
            "Respondents,Comment\n"
            "0,10%,0.05,-0.2,12,40,baseline survey\n"
            "4,45 %,,0.1,30,38,\n"
            "8,0.6,25%,,41,35,second wave\n")
    path = put(tmp_path, "observed.csv", text)
    observed = read_observed(path, steps=52, employees=200)
    assert isinstance(observed, Observed)
    assert observed.path == str(path)
    assert observed.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert observed.weeks.dtype == np.int64 and observed.weeks.tolist() == [0, 4, 8]
    assert list(observed.values) == ["aware_share", "participating_share", "mean_knowledge",
                                     "active_members"]
    assert observed.values["aware_share"].tolist() == [0.1, 0.45, 0.6]
    np.testing.assert_array_equal(observed.values["participating_share"], [0.05, np.nan, 0.25])
    np.testing.assert_array_equal(observed.values["mean_knowledge"], [-0.2, 0.1, np.nan])
    assert observed.values["active_members"].tolist() == [12.0, 30.0, 41.0]
    assert all(v.dtype == np.float64 for v in observed.values.values())
    assert observed.sample_size.dtype == np.int64
    assert observed.sample_size.tolist() == [40, 38, 35]
    assert observed.count() == 10 and observed.last_week() == 8
    assert observed.notices == ()


def test_semicolons_and_decimal_commas(tmp_path):
    text = "sep=;\nweek;aware_share;mean_knowledge;error_rate\n1;0,25;-0,5;12,5%\n2;0,3;;0,1\n"
    observed = read_observed(put(tmp_path, "observed.csv", text))
    assert observed.weeks.tolist() == [1, 2]
    assert observed.values["aware_share"].tolist() == [0.25, 0.3]
    np.testing.assert_array_equal(observed.values["mean_knowledge"], [-0.5, np.nan])
    assert observed.values["error_rate"].tolist() == [0.125, 0.1]
    assert observed.sample_size is None and observed.count() == 5


def test_a_decimal_comma_is_refused_in_a_comma_separated_file(tmp_path):
    path = put(tmp_path, "observed.csv", 'week,aware_share\n1,0.2\n2,"0,3"\n')
    assert "line 3: aware_share = '0,3' is not allowed" in refused(path)


def test_a_utf8_bom_file_and_a_windows_1252_file(tmp_path):
    text = "Week,Contributing,Voluntary,Bemerkung\n3,0.02,0.1,März\n5,0.04,0.2,\n"
    bom = read_observed(put(tmp_path, "bom.csv", codecs.BOM_UTF8 + text.encode("utf-8")))
    assert bom.weeks.tolist() == [3, 5]
    assert bom.values["contributing_share"].tolist() == [0.02, 0.04]
    assert bom.values["voluntary_share"].tolist() == [0.1, 0.2]
    assert bom.notices == ()
    legacy = read_observed(put(tmp_path, "legacy.csv", text, encoding="cp1252"))
    assert legacy.notices == (WINDOWS_1252_NOTICE,)
    assert legacy.values["voluntary_share"].tolist() == [0.1, 0.2]


def test_rows_in_any_order_are_sorted_by_week_with_their_values(tmp_path):
    text = ("week,aware_share,sample_size\n12,0.7,30\n0,0.1,50\n,,\n6,0.4,40\n"
            "9,,41\n")
    observed = read_observed(put(tmp_path, "observed.csv", text))
    assert observed.weeks.tolist() == [0, 6, 12]  # week 9 has no observed value: skipped
    assert observed.values["aware_share"].tolist() == [0.1, 0.4, 0.7]
    assert observed.sample_size.tolist() == [50, 40, 30]
    assert observed.count() == 3 and observed.last_week() == 12


def test_a_row_without_observed_values_is_skipped_and_not_checked(tmp_path):
    text = "week,aware_share,notes\n1,0.2,\n2,0.3,\n99,,planned wave\n"
    observed = read_observed(put(tmp_path, "observed.csv", text), steps=10)
    assert observed.weeks.tolist() == [1, 2] and observed.count() == 2


BAD = {
    "share above 1": ("week,aware_share\n1,0.2\n2,1.4\n", {},
                      "line 3: aware_share = '1.4' is not allowed; allowed: a number from 0 to "
                      "1, or a percentage such as 45%"),
    "percentage above 100": ("week,aware_share\n1,0.2\n2,140%\n", {},
                             "line 3: aware_share = '140%' is not allowed"),
    "score below -1": ("week,mean_knowledge\n1,0.2\n2,-1.5\n", {},
                       "line 3: mean_knowledge = '-1.5' is not allowed; allowed: a number from "
                       "-1 to 1"),
    "text for a share": ("week,aware_share\n1,0.2\n2,high\n", {},
                         "line 3: aware_share = 'high' is not allowed"),
    "negative week": ("week,aware_share\n-1,0.2\n2,0.3\n", {},
                      "line 2: week = '-1' is not allowed; allowed: a whole number >= 0"),
    "week not an integer": ("week,aware_share\n1,0.2\n2.5,0.3\n", {},
                            "line 3: week = '2.5' is not allowed; allowed: a whole number"),
    "empty week": ("week,aware_share\n1,0.2\n,0.3\n", {},
                   "line 3: week = '' is not allowed"),
    "week beyond steps": ("week,aware_share\n1,0.2\n60,0.3\n", {"steps": 52},
                          "line 3: week = '60' is not allowed; allowed: a whole number from 0 "
                          "to 52 (the scenario simulates 52 weeks)"),
    "duplicate week": ("week,aware_share\n4,0.2\n5,0.3\n04,0.4\n", {},
                       "line 4: week = '04' is not allowed; allowed: a week not given before "
                       "(line 2 has week 4)"),
    "active_members above employees": ("week,active_members\n1,20\n2,250\n", {"employees": 200},
                                       "line 3: active_members = '250' is not allowed; "
                                       "allowed: a whole number of people from 0 to 200 (the "
                                       "organisation has 200 employees)"),
    "active_members not whole": ("week,active_members\n1,20\n2,12.5\n", {},
                                 "line 3: active_members = '12.5' is not allowed"),
    "sample_size 0": ("week,aware_share,respondents\n1,0.2,30\n2,0.3,0\n", {},
                      "line 3: sample_size = '0' is not allowed; allowed: a whole number >= 1 "
                      "of survey respondents"),
    "sample_size above employees": ("week,aware_share,responses\n1,0.2,30\n2,0.3,300\n",
                                    {"employees": 200},
                                    "line 3: sample_size = '300' is not allowed"),
    "no observable column": ("week,comment\n1,hello\n2,world\n", {},
                             "no column of observed values; allowed: a week column and at "
                             "least one of aware_share"),
    "no week column": ("aware_share,participating_share\n0.2,0.1\n", {},
                       "column 'week' is missing"),
    "only one value": ("week,aware_share,error_rate\n1,0.2,\n2,,\n", {},
                       "1 observed value(s) (line 2: aware_share = '0.2') is not allowed; "
                       "allowed: at least 2 observed values"),
    "a team column": ("week,team,aware_share\n1,T1,0.2\n2,T2,0.3\n", {},
                      "line 2: team = 'T1' is not allowed"),
    "two columns for one observable": ("week,aware,awareness\n1,0.2,0.2\n2,0.3,0.3\n", {},
                                       "columns 'aware' and 'awareness' both mean aware_share"),
    "an Excel workbook": (b"PK\x03\x04\x14\x00\x06\x00" + bytes(40), {},
                          "is an Excel workbook, not a CSV file"),
    "an empty file": ("", {}, "the file is empty"),
    "a header only": ("week,aware_share\n", {}, "has a header row but no data rows"),
}


@pytest.mark.parametrize("content, kwargs, expected", BAD.values(), ids=BAD.keys())
def test_a_bad_file_is_refused_in_one_line_naming_file_line_and_value(tmp_path, content,
                                                                      kwargs, expected):
    path = put(tmp_path, "observed.csv", content)
    message = refused(path, **kwargs)
    assert message.startswith(f"{path}: ")
    assert expected in message
    assert "optionally" not in message or "division" not in message  # never offered


def test_each_division_is_a_series_of_its_own_beside_the_whole_organisation(tmp_path):
    path = put(tmp_path, "observed.csv", "week,Department,aware_share,active_members\n"
               "4,,0.3,\n4,sales,0.5,12\n8,Sales,0.6,15\n4,Ops,0.1,3\n8,,0.4,\n")
    observed = read_observed(path, divisions=("Ops", "Sales"))
    assert observed.weeks.tolist() == [4, 8] and observed.values["aware_share"].tolist() == [
        0.3, 0.4]
    assert list(observed.divisions) == ["Ops", "Sales"]  # the organisation's order, its names
    sales = observed.divisions["Sales"]
    assert sales.weeks.tolist() == [4, 8] and sales.values["active_members"].tolist() == [12, 15]
    assert observed.count() == 2 + 4 + 2 and observed.last_week() == 8
    assert [name for name, _ in observed.groups()] == [None, "Ops", "Sales"]


@pytest.mark.parametrize("text, fragment", [
    ("week,division,aware_share\n4,Salse,0.2\n8,Sales,0.3\n",
     "line 2: division = 'Salse' is not allowed; allowed: one of the organisation's divisions "
     "(Ops, Sales), or empty for the whole organisation"),
    ("week,division,error_rate\n4,Sales,0.2\n8,,0.3\n", "line 2: error_rate = '0.2'"),
    ("week,division,aware_share\n4,Sales,0.2\n4,Sales,0.3\n", "line 3: week = '4'"),
    ("week,team,aware_share\n4,A,0.2\n8,A,0.3\n", "per-team observations are not supported"),
])
def test_a_bad_division_row_is_refused_in_one_line(tmp_path, text, fragment):
    path = put(tmp_path, "observed.csv", text)
    with pytest.raises(ScenarioError) as caught:
        read_observed(path, divisions=("Ops", "Sales"))
    assert fragment in str(caught.value) and "\n" not in str(caught.value)


def test_weeks_not_surveyed_leave_sample_size_empty(tmp_path):
    # Weekly platform counts, and an awareness survey of 120 people in weeks 8 and 16.
    path = tmp_path / "observed.csv"
    path.write_text("week,active_members,aware_share,sample_size\n4,20,,\n8,31,0.4,120\n"
                    "12,45,,\n16,60,0.55,120\n", encoding="utf-8")
    observed = read_observed(path, employees=500)
    assert observed.sample_size.tolist() == [0, 120, 0, 120]
    assert observed.count() == 6
