"""HR and collaboration exports as they really come: encodings, delimiters, header names,
weight kinds, merging, flat organisations, and the summary of what was read."""

import numpy as np
import pytest

from sim.config.scenario import load_scenario
from sim.engine.params import Params
from sim.org.build import build_organisation
from sim.org.chart import ChartError, read_chart, read_collaboration
from sim.org.collaboration import count_trust, weight_kind
from sim.org.csv_export import HEADER_ALIASES, WINDOWS_1252_NOTICE, header_key
from sim.org.generator import TIE_INFORMAL
from sim.org.summary import summarise, summarise_files

EMPLOYEES = [("boss", "", "Ops"), ("s1", "boss", "Sales"), ("s2", "s1", "Sales"),
             ("s3", "s1", "Sales"), ("o1", "boss", "Ops"), ("o2", "o1", "Ops")]
# new indices: boss 0, o1 1, o2 2, s1 3, s2 4, s3 5


def employees(header=("id", "manager_id", "division"), sep=",", rows=EMPLOYEES, end="\n"):
    return end.join([sep.join(header), *(sep.join(row) for row in rows)]) + end


def put(folder, name, text, encoding="utf-8"):
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode(encoding))
    return path


def chart_in(tmp_path):
    return read_chart(put(tmp_path, "e.csv", employees()))


def ties_file(tmp_path, rows, header="a,b,weight", name="t.csv"):
    return put(tmp_path, name, "\n".join([header, *rows]) + "\n")


def refused(call, *args, **kwargs) -> str:
    with pytest.raises(ChartError) as error:
        call(*args, **kwargs)
    message = str(error.value)
    assert "\n" not in message
    return message


# --- delimiters and encodings -------------------------------------------------------------------


@pytest.mark.parametrize("sep, name", [(";", "semicolon"), ("\t", "tab"), ("|", "pipe"),
                                       (",", "comma")])
def test_the_delimiter_is_found_from_the_header(tmp_path, sep, name):
    chart = read_chart(put(tmp_path, "e.csv", employees(sep=sep)))
    assert chart.n == 6 and chart.manager.tolist() == [-1, 0, 1, 0, 3, 3]
    assert chart.format.delimiter_name == name


def test_a_semicolon_file_whose_names_hold_commas_is_read_by_semicolon(tmp_path):
    rows = [(i, m, d, f"Example, {i}") for i, m, d in EMPLOYEES]
    chart = read_chart(put(tmp_path, "e.csv", employees(("id", "manager_id", "division",
                                                         "name"), ";", rows)))
    assert chart.format.delimiter == ";" and chart.n == 6


def test_an_excel_sep_line_names_the_delimiter_and_keeps_line_numbers(tmp_path):
    text = "sep=;\n" + employees(sep=";").replace("s2;s1;Sales", "s2;zz;Sales")
    message = refused(read_chart, put(tmp_path, "e.csv", text))
    assert "line 5: manager_id = 'zz' is not allowed" in message


def test_a_windows_1252_file_is_read_with_a_notice(tmp_path):
    rows = [("Zoë", "", "Küche"), ("Bjørn", "Zoë", "Küche"), ("Œuvre", "Zoë", "Ops")]
    path = put(tmp_path, "e.csv", employees(sep=";", rows=rows, end="\r\n"), "cp1252")
    chart = read_chart(path)
    assert set(chart.index) == {"Zoë", "Bjørn", "Œuvre"}
    assert chart.format.encoding == "Windows-1252"
    assert chart.format.notices == (WINDOWS_1252_NOTICE,)
    assert "CSV UTF-8" in WINDOWS_1252_NOTICE


def test_bytes_windows_1252_leaves_undefined_are_read_as_latin_1(tmp_path):
    data = employees().replace("Ops", "O\x81ps").encode("latin-1")
    chart = read_chart(put(tmp_path, "e.csv", data))
    assert chart.n == 6 and chart.format.encoding == "Windows-1252"


def test_a_latin_1_file_with_an_error_points_at_the_right_line(tmp_path):
    text = employees(rows=[*EMPLOYEES, ("é1", "nobody", "Ops")], end="\r\n")
    message = refused(read_chart, put(tmp_path, "e.csv", text, "latin-1"))
    assert "line 8: manager_id = 'nobody' is not allowed" in message


def test_a_quoted_line_break_counts_as_a_line(tmp_path):
    text = 'id;manager_id;division;note\r\nboss;;Ops;"two\r\nlines"\r\nx;nobody;Ops;\r\n'
    message = refused(read_chart, put(tmp_path, "e.csv", b"\xef\xbb\xbf" + text.encode()))
    assert "line 4: manager_id = 'nobody'" in message


@pytest.mark.parametrize("codec, name", [("utf-16", "UTF-16"), ("utf-16-be", "UTF-16"),
                                         ("utf-32", "UTF-32"), ("utf-8-sig", "UTF-8 with BOM"),
                                         ("utf-8", "UTF-8")])
def test_unicode_files_with_a_byte_order_mark_are_read(tmp_path, codec, name):
    text = employees(sep="\t", rows=[("Zoë", "", "Ops"), ("b", "Zoë", "Ops")], end="\r\n")
    data = text.encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data
    chart = read_chart(put(tmp_path, "e.csv", data))
    assert "Zoë" in chart.index and chart.format.encoding == name
    assert chart.format.notices == () and chart.format.delimiter_name == "tab"


@pytest.mark.parametrize("data, fragment", [
    (b"", "the file is empty; allowed: a CSV file with a header row (id, manager_id, division "
          "and optionally team) and one row per employee"),
    (b" \r\n\n\t", "the file is empty"),
    (b"\xef\xbb\xbf", "the file is empty"),
    (b"id,manager_id,division\r\n\r\n", "has a header row but no data rows; allowed: a CSV "
                                        "file with a header row"),
    (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40 + b"xl/workbook.xml",
     "is an Excel workbook, not a CSV file; save it as 'CSV UTF-8'"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "is an Excel 97-2003 workbook (.xls), "
                                                           "not a CSV file"),
    (b"id,manager_id,division\na,,X\x00\nb,a,X\n", "is a binary file, not CSV text"),
    (bytes(range(256)), "is a binary file, not CSV text"),
])
def test_files_that_are_no_csv_text_are_named_as_such(tmp_path, data, fragment):
    path = put(tmp_path, "e.csv", data)
    message = refused(read_chart, path)
    assert message.startswith(f"{path}: ") and fragment in message


def test_a_collaboration_file_of_the_wrong_kind_is_named_too(tmp_path):
    path = put(tmp_path, "t.xlsx", b"PK\x03\x04rest")
    message = refused(read_collaboration, path, chart_in(tmp_path))
    assert "is an Excel workbook" in message and "one row per collaboration tie" in message


# --- header names -------------------------------------------------------------------------------


def test_header_names_ignore_case_spaces_underscores_hyphens_and_dots():
    assert {header_key(n) for n in ("Employee ID", "employee_id", "EMPLOYEE-ID", "Employee.Id",
                                    " employee id ", "\ufeffEmployee ID")} == {"employeeid"}


@pytest.mark.parametrize("header", [
    ("Employee ID", "Manager", "Department"),
    ("employee_number", "Reports To", "Business Unit"),
    ("PERSONNEL-NUMBER", "line manager", "Org. Unit"),
    ("Staff ID", "Supervisor ID", "dept"),
])
def test_hr_system_header_names_are_understood(tmp_path, header):
    chart = read_chart(put(tmp_path, "e.csv", employees(header=header)))
    assert chart.manager.tolist() == [-1, 0, 1, 0, 3, 3] and chart.n_divisions == 2


def test_team_and_collaboration_aliases(tmp_path):
    header = ("Employee ID", "Manager", "Department", "Cost Centre")
    rows = [(*row, "T1" if row[2] == "Ops" else "T2") for row in EMPLOYEES]
    chart = read_chart(put(tmp_path, "e.csv", employees(header=header, rows=rows)))
    assert chart.team_column and chart.n_teams == 2
    path = ties_file(tmp_path, ["s2,o2,3", "s3,o1,5"], header="Source,Target,E-mails")
    ties = read_collaboration(path, chart)
    assert ties.kind == "count" and ties.pairs == 2


def test_every_alias_means_one_role_only():
    keys = [header_key(name) for names in HEADER_ALIASES.values() for name in names]
    assert len(keys) == len(set(keys))


def test_two_columns_for_one_role_are_refused_naming_both(tmp_path):
    header = ("Employee ID", "Manager", "Department", "Supervisor ID")
    rows = [(*row, row[1]) for row in EMPLOYEES]
    message = refused(read_chart, put(tmp_path, "e.csv", employees(header=header, rows=rows)))
    assert "columns 'Manager' and 'Supervisor ID' both mean manager_id" in message


def test_the_role_s_own_name_wins_over_an_alias_beside_it(tmp_path):
    """An HR export with the manager's name (``Manager``) and their id (``Manager ID``)."""
    header = ("Employee ID", "Manager", "Department", "Manager ID")
    rows = [(row[0], f"name of {row[1]}" if row[1] else "", row[2], row[1])
            for row in EMPLOYEES]
    chart = read_chart(put(tmp_path, "e.csv", employees(header=header, rows=rows)))
    plain = read_chart(put(tmp_path, "plain.csv", employees()))
    assert chart.manager.tolist() == plain.manager.tolist()


def test_a_missing_column_says_what_was_found(tmp_path):
    message = refused(read_chart, put(tmp_path, "e.csv", "id;boss_name;division\na;;X\nb;a;X\n"))
    assert "column 'manager_id' is missing" in message
    assert "3 semicolon-separated column(s)" in message


# --- weight kinds -------------------------------------------------------------------------------


@pytest.mark.parametrize("values, kind", [
    (None, "binary"), ([1, 1, 1], "binary"), ([0.4, 0.4], "binary"), ([7, 7], "binary"),
    ([0, 3, 1], "count"), ([2, 1], "count"), ([0.5, 1, 0.25], "trust"), ([1, 0.5], "trust"),
    ([0, 0.5], "auto"), ([2, 1.5], "auto"), ([-1, 3], "auto"), ([0], "auto"), ([1.5], "auto"),
])
def test_the_weight_kind_is_told_from_the_values(values, kind):
    assert weight_kind(None if values is None else np.array(values, dtype=float)) == kind


def test_counts_are_detected_summed_and_mapped_monotonically(tmp_path):
    rows = ["s2,o2,3", "o2,s2,4", "s3,o1,1", "boss,s1,40", "o1,o2,12", "s1,s3,0", "s2,s3,2"]
    ties = read_collaboration(ties_file(tmp_path, rows), chart_in(tmp_path))
    assert (ties.kind, ties.detected, ties.merge) == ("count", True, "sum")
    assert (ties.rows, ties.pairs, ties.merged, ties.dropped) == (7, 5, 1, 1)
    pairs = dict(zip(zip(ties.u.tolist(), ties.v.tolist(), strict=True), ties.trust.tolist(),
                     strict=True))
    counts = {(2, 4): 7, (1, 5): 1, (0, 3): 40, (1, 2): 12, (4, 5): 2}
    assert set(pairs) == set(counts)  # (3, 5) had count 0: dropped
    q = np.quantile(list(counts.values()), 0.9, method="linear")
    assert ties.saturation_count == pytest.approx(q)
    for pair, count in counts.items():
        assert pairs[pair] == pytest.approx(min(1.0, np.log1p(count) / np.log1p(q)))
    by_count = [pairs[p] for p in sorted(counts, key=counts.get)]
    assert by_count == sorted(by_count) and by_count[-1] == 1.0 and by_count[0] < 1.0


def test_count_saturation_sets_where_trust_is_full():
    counts = np.array([1.0, 2, 4, 8, 16, 32])
    low, q_low = count_trust(counts, 0.25)
    high, q_high = count_trust(counts, 1.0)
    assert q_low < q_high == 32
    assert (low >= high).all() and (np.diff(high) > 0).all() and high[-1] == 1.0
    assert (low[counts >= q_low] == 1.0).all()


def test_without_weights_or_with_one_value_ties_are_binary_and_trust_is_drawn(tmp_path):
    chart = chart_in(tmp_path)
    for header, rows in (("a,b", ["s2,o2", "o2,s2", "s3,o1"]),
                         ("a,b,weight", ["s2,o2,1", "o2,s2,1", "s3,o1,1"])):
        ties = read_collaboration(ties_file(tmp_path, rows, header), chart)
        assert (ties.kind, ties.detected, ties.merge, ties.trust) == ("binary", True,
                                                                      "presence", None)
        assert (ties.rows, ties.pairs, ties.merged) == (3, 2, 1)


def test_binary_ties_get_drawn_trust_like_a_file_without_weights(tmp_path):
    chart = put(tmp_path, "e.csv", employees())
    plain = ties_file(tmp_path, ["s2,o2", "s3,o1"], "a,b", "plain.csv")
    ones = ties_file(tmp_path, ["s2,o2,1", "s3,o1,1"], name="ones.csv")
    built = [build_organisation(Params().replace({"org.chart": str(chart),
                                                  "org.collaboration": str(p)}).org,
                                np.random.default_rng(4)) for p in (plain, ones)]
    assert (built[0].ties != built[1].ties).nnz == 0
    assert not np.all(built[0].ties.data == 1.0)  # drawn, not the listed 1


@pytest.mark.parametrize("setting, rows, fragment", [
    ("trust", ["s2,o2,2", "s3,o1,1"], "line 2: weight = '2' is not allowed; allowed: a number "
                                      "in (0, 1], the trust on the tie"),
    ("count", ["s2,o2,3", "s3,o1,-1"], "line 3: weight = '-1' is not allowed; allowed: a "
                                       "number >= 0"),
    ("count", ["s2,o2,3", "s3,o1,often"], "line 3: weight = 'often' is not allowed"),
    ("auto", ["s2,o2,3", "s3,o1,2.5"], "line 3: weight = '2.5' is not allowed; allowed: a whole "
                                       "number >= 0"),
    ("auto", ["s2,o2,0.5", "s3,o1,0"], "line 3: weight = '0' is not allowed; allowed: a number "
                                       "in (0, 1]"),
    ("auto", ["s2,o2,0.5", "s3,o1,inf"], "line 3: weight = 'inf' is not allowed"),
])
def test_weights_the_kind_does_not_allow_are_one_clear_line(tmp_path, setting, rows, fragment):
    path = ties_file(tmp_path, rows)
    message = refused(read_collaboration, path, chart_in(tmp_path), weight=setting)
    assert message.startswith(f"{path}: ") and fragment in message


def test_a_set_weight_kind_overrides_detection(tmp_path):
    chart = chart_in(tmp_path)
    counts = ties_file(tmp_path, ["s2,o2,3", "s3,o1,5"])
    binary = read_collaboration(counts, chart, weight="binary")
    assert (binary.kind, binary.detected, binary.trust) == ("binary", False, None)
    fractions = ties_file(tmp_path, ["s2,o2,0.5", "s3,o1,1.5", "o1,o2,0"], name="h.csv")
    hours = read_collaboration(fractions, chart, weight="count")
    assert (hours.kind, hours.detected, hours.pairs, hours.dropped) == ("count", False, 2, 1)
    assert hours.trust.tolist() == sorted(hours.trust.tolist(), reverse=True)  # 1.5 > 0.5
    message = refused(read_collaboration, ties_file(tmp_path, ["s2,o2"], "a,b", "n.csv"),
                      chart, weight="count")
    assert "column 'weight' is missing" in message


@pytest.mark.parametrize("kind, rows, merge, merged, expected", [
    ("trust", ["s2,o2,0.25", "o2,s2,0.5", "s2,o2,0.125"], "auto", 2, 0.5),
    ("trust", ["s2,o2,0.25", "o2,s2,0.5", "s2,o2,0.125"], "sum", 2, 0.875),
    ("trust", ["s2,o2,0.75", "o2,s2,0.5"], "sum", 1, 1.0),  # capped
    ("count", ["s2,o2,3", "o2,s2,5", "s3,o1,8"], "auto", 1, 1.0),  # 3 + 5: the largest count
    ("count", ["s2,o2,3", "o2,s2,5", "s3,o1,8"], "max", 1, np.log1p(5) / np.log1p(7.7)),
])
def test_both_directions_and_repeats_merge_by_the_rule(tmp_path, kind, rows, merge, merged,
                                                       expected):
    ties = read_collaboration(ties_file(tmp_path, rows), chart_in(tmp_path), merge=merge)
    assert (ties.kind, ties.rows, ties.merged, ties.dropped) == (kind, len(rows), merged, 0)
    assert ties.merge == (merge if merge != "auto" else "sum" if kind == "count" else "max")
    first = int(np.flatnonzero((ties.u == 2) & (ties.v == 4))[0])  # o2 and s2
    assert ties.trust[first] == pytest.approx(expected)


def test_merged_counts_reach_the_organisation(tmp_path):
    chart = put(tmp_path, "e.csv", employees())
    ties = ties_file(tmp_path, ["s2,o2,3", "o2,s2,5", "s3,o1,1", "o1,s1,0"])
    org = build_organisation(Params().replace({"org.chart": str(chart),
                                               "org.collaboration": str(ties)}).org,
                             np.random.default_rng(1))
    informal = {(int(a), int(b)): float(org.ties[a, b]) for a, b in zip(*org.ties.nonzero(),
                                                                         strict=True)
                if a < b and org.tie_type[a, b] == TIE_INFORMAL}
    q = np.quantile([8.0, 1.0], 0.9, method="linear")
    assert informal == pytest.approx({(2, 4): 1.0, (1, 5): np.log1p(1) / np.log1p(q)})


def test_a_decimal_comma_is_read_in_a_semicolon_file(tmp_path):
    path = ties_file(tmp_path, ["s2;o2;0,5", "s3;o1;0,25"], "a;b;weight")
    ties = read_collaboration(path, chart_in(tmp_path))
    assert ties.kind == "trust" and sorted(ties.trust.tolist()) == [0.25, 0.5]


def test_the_scenario_checks_the_weight_setting(tmp_path):
    put(tmp_path, "e.csv", employees())
    ties_file(tmp_path, ["s2,o2,3", "s3,o1,5"])
    scenario = put(tmp_path, "s.toml", '[org]\nchart = "e.csv"\ncollaboration = "t.csv"\n'
                                       'collaboration_weight = "trust"\n')
    message = refused(load_scenario, scenario)
    assert "t.csv: line 2: weight = '3' is not allowed" in message
    scenario.write_text('[org]\nchart = "e.csv"\ncollaboration = "t.csv"\n')
    assert load_scenario(scenario).org.employees == 6


# --- flat organisations and the summary ---------------------------------------------------------


def test_a_chart_without_reporting_lines_is_allowed_and_summarised(tmp_path):
    rows = [(f"p{i}", "", f"D{i % 3}") for i in range(10)]
    chart = read_chart(put(tmp_path, "e.csv", employees(rows=rows)))
    assert (chart.n_with_manager, chart.n_managers, chart.levels, chart.span_max) == (0, 0, 1, 0)
    lines = summarise_files(tmp_path / "e.csv").lines()
    assert "reporting lines: none (10 people, 0 managers)" in lines
    assert "people: 10 in 3 divisions (3–4 each)" in lines


def test_the_chart_counts_its_hierarchy(tmp_path):
    chart = chart_in(tmp_path)
    assert (chart.n_with_manager, chart.n_managers, chart.levels) == (5, 3, 3)
    assert chart.span_mean == pytest.approx(5 / 3) and chart.span_max == 2
    assert chart.division_sizes.tolist() == [3, 3] and chart.n_teams == 3


def test_the_summary_counts_what_was_read(tmp_path):
    text = employees(("Employee ID", "Manager", "Department"), ";", end="\r\n")
    put(tmp_path, "e.csv", text.replace("Ops", "Opé"), "cp1252")
    rows = ["s2\to2\t3", "o2\ts2\t4", "s3\to1\t1", "boss\to1\t40", "s1\ts3\t0"]
    ties_file(tmp_path, rows, "from\tto\tcount")
    params = Params().replace({"org.chart": str(tmp_path / "e.csv"),
                               "org.collaboration": str(tmp_path / "t.csv")})
    summary = summarise(params.org)
    assert (summary.people, summary.divisions, summary.division_min, summary.division_max) \
        == (6, 2, 3, 3)
    assert (summary.with_manager, summary.managers, summary.levels, summary.span_max) \
        == (5, 3, 3, 2)
    assert (summary.employees.delimiter, summary.employees.encoding) == ("semicolon",
                                                                         "Windows-1252")
    c = summary.collaboration
    assert (c.file.rows, c.pairs, c.merged, c.dropped) == (5, 3, 1, 1)
    assert (c.weight, c.detected, c.merge, c.file.delimiter) == ("count", True, "sum", "tab")
    assert c.isolated == 1  # s1 only had a count of 0
    assert c.cross_division_share == pytest.approx(2 / 3)  # boss and o1 are both in Ops
    lines = summary.lines()
    assert 8 <= len(lines) <= 16 and all(len(line) <= 100 for line in lines)
    assert "employees: 6 rows, semicolon-separated, Windows-1252" in lines
    assert f"  notice: {WINDOWS_1252_NOTICE}" in lines
    assert "weight: count (detected)" in " ".join(lines)
    assert "ties: 3 pairs (1 row merged by sum, 1 dropped: count 0)" in lines
    assert "67% of ties cross divisions" in lines


def test_the_summary_holds_no_id_or_label_from_the_files(tmp_path):
    rows = [("E-7731", "", "Secret Lab"), ("E-7732", "E-7731", "Secret Lab"),
            ("E-7733", "E-7731", "Harbour Office")]
    put(tmp_path, "e.csv", employees(("Personnel Number", "Line Manager", "Function",
                                      "Team Name"), rows=[(*r, "Blue Squad") for r in rows]))
    ties_file(tmp_path, ["E-7732,E-7733,0.5", "E-7731,E-7733,0.75"])
    summary = summarise_files(tmp_path / "e.csv", tmp_path / "t.csv")
    written = summary.render() + repr(summary)
    for secret in ("E-77", "Secret", "Harbour", "Blue", "Squad", "Personnel", "Line Manager",
                   "Team Name"):
        assert secret not in written, secret


def test_the_summary_says_one_division_and_no_collaboration_file(tmp_path):
    rows = [("a", "", "X"), ("b", "a", "X")]
    lines = summarise_files(put(tmp_path, "e.csv", employees(rows=rows))).lines()
    assert "people: 2 in 1 division (2 each)" in lines
    assert "reporting lines: 1 person with a manager, 1 manager, 2 levels" in lines
    assert lines[-1] == "collaboration: no file (informal ties generated)"


def test_summarise_needs_a_chart():
    with pytest.raises(ValueError, match="org.chart"):
        summarise(Params().org)


def test_the_example_weights_are_still_read_as_trust_kept_at_their_largest():
    from pathlib import Path

    folder = Path(__file__).resolve().parents[1] / "scenarios" / "client-example"
    chart = read_chart(folder / "employees.csv")
    ties = read_collaboration(folder / "collaboration.csv", chart)
    assert (ties.kind, ties.detected, ties.merge, ties.dropped) == ("trust", True, "max", 0)
    assert ties.rows == 1530 and ties.pairs + ties.merged == ties.rows
    assert chart.format.encoding == "UTF-8" and chart.format.delimiter_name == "comma"
