"""One self-contained HTML file of a results folder's report: ``report.html``.

The deliverable a client reads: the report's text (``report.md``, rendered with the
``markdown`` package) with every figure embedded as a ``data:`` URI, a print style for turning
it into a PDF from a browser, and an appendix on what produced it, from the folder's manifest:
the command, seeds and runs, the input files with their SHA-256 digests, the package versions,
the machine and the commit. It loads nothing from the network when opened. The page is a Jinja2
template (:data:`TEMPLATE`), every value escaped except the rendered report.
"""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

import jinja2
import markdown
import markupsafe
import numpy as np

from sim.experiments.manifest import Manifest
from sim.experiments.results import atomic_write

__all__ = ["TEMPLATE", "write_html"]

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
       line-height: 1.5; color: #1d2329; max-width: 60rem; margin: 2rem auto; padding: 0 1.25rem; }
h1 { font-size: 1.7rem; border-bottom: 2px solid #2c7fb8; padding-bottom: .3rem; }
h2 { font-size: 1.25rem; margin-top: 2rem; color: #164a6e; }
table { border-collapse: collapse; margin: 1rem 0; font-size: .9rem; display: block;
        max-width: 100%; overflow-x: auto; }
th, td { border: 1px solid #c9d2da; padding: .3rem .55rem; text-align: left; vertical-align: top; }
th { background: #eef3f7; }
img { max-width: 100%; height: auto; display: block; margin: 1rem 0; }
code { background: #f3f5f7; padding: 0 .2rem; border-radius: 3px; }
.appendix { margin-top: 3rem; border-top: 1px solid #c9d2da; font-size: .85rem; color: #3a4650; }
.appendix td:first-child { white-space: nowrap; }
@media print {
  body { max-width: none; margin: 0; font-size: 10.5pt; }
  table { display: table; font-size: 8.5pt; }
  h2 { page-break-after: avoid; }
  img, table { page-break-inside: avoid; }
}
</style>
</head>
<body>
<main>
{{ body }}
</main>
<section class="appendix">
<h2>Appendix: what produced this report</h2>
<table>
{% for name, value in facts %}<tr><td>{{ name }}</td><td>{{ value }}</td></tr>
{% endfor %}</table>
{% if inputs %}<h3>Input files</h3>
<table>
<tr><th>file</th><th>SHA-256</th></tr>
{% for name, digest in inputs %}<tr><td>{{ name }}</td><td><code>{{ digest }}</code></td></tr>
{% endfor %}</table>{% endif %}
<h3>The model in brief</h3>
<p>Every employee holds beliefs about a set of practice dimensions, compared with a reality
that may drift; knowledge is the share of beliefs that match it less the share that do not
(March 1991). Employees sit on an organisation graph of divisions, teams, reporting lines and
informal ties weighted by trust. Each week they may become aware of a community of practice,
join it when invited or when enough of their ties take part (threshold contagion: Watts 2002,
Centola &amp; Macy 2007), and climb from lurker to contributor to champion (Lave &amp; Wenger
1991). Communities meet and pool what their members know; boundary spanners belong to several
and carry knowledge between divisions; communities lose energy without contributions and go
dormant (Wenger, McDermott &amp; Snyder 2002). A rollout strategy decides which communities are
launched and who is invited, and every strategy shares the same facilitation budget. Replication
<i>r</i> of every strategy uses the same seed, so differences are paired.</p>
<p>The full description follows the ODD protocol (Grimm et al. 2020):
{% if odd %}<a href="{{ odd }}">docs/model.md</a>{% else %}docs/model.md{% endif %} of orglearn
{{ version }}; its validation against published results (March 1991, Lazer &amp; Friedman 2007,
Bass 1969, Watts 2002, Centola 2010) is in docs/validation.md. The runs, weekly series and
manifest beside this file reproduce every number here (<code>orglearn reproduce</code>).</p>
</section>
</body>
</html>
"""
"""The page: the rendered report, then the appendix (Jinja2, autoescaped)."""

ORGANISATION = """{% if rows %}<h2>The organisation in numbers</h2>
<table>{% for name, value in rows %}<tr><td>{{ name }}</td><td>{{ value }}</td></tr>{% endfor %}
</table>
<p>The organisation as the first replication builds it from its seed.</p>{% endif %}"""
"""The section on the organisation, placed after the report's first section."""

_ENVIRONMENT = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
"""The page's and its sections' templates: autoescaped, and a missing value is an error."""

_IMAGE = re.compile(r'<img alt="([^"]*)" src="(figures/[^"]+\.png)" ?/?>')


def write_html(folder: Path, manifest: Manifest) -> Path:
    """Write ``report.html`` from the folder's ``report.md``, figures and manifest.

    Args:
        folder: A results folder whose ``report.md`` and figures are written.
        manifest: Its manifest.

    Returns:
        The path of ``report.html``.
    """
    text = (folder / "report.md").read_text(encoding="utf-8")
    body = markdown.markdown(text, extensions=["tables"], output_format="html")
    body = _IMAGE.sub(lambda m: _embedded(folder, m.group(2), m.group(1)), body)
    body = _after_first_section(body, _ENVIRONMENT.from_string(ORGANISATION).render(
        rows=organisation_in_numbers(manifest)))
    page = _ENVIRONMENT.from_string(TEMPLATE).render(
        title=_title(text, manifest), body=markupsafe.Markup(body), facts=_facts(manifest),
        inputs=_inputs(manifest), odd=_odd_link(folder),
        version=(manifest.provenance or {}).get("versions", {}).get("orglearn", ""))
    path = folder / "report.html"
    atomic_write(path, lambda p: p.write_text(page, encoding="utf-8"))
    return path


def organisation_in_numbers(manifest: Manifest) -> list[tuple[str, str]]:
    """Size, divisions, hierarchy, ties and boundary spanners of the run's organisation.

    The organisation is rebuilt from the manifest's parameters with the first replication's
    seed (for a client's chart, from the chart, if its files are where they were); empty if it
    cannot be rebuilt.
    """
    from sim.engine.params import Params
    from sim.engine.rng import Streams, derive_seed
    from sim.org.build import build_organisation

    values = {f"{section}.{name}": value
              for section, names in (manifest.parameters or {}).items()
              for name, value in names.items()}
    try:
        # A manifest written before a parameter existed lacks it: the schema default fills in.
        params = Params({**Params().values, **values})
        org = build_organisation(params.org,
                                 Streams(derive_seed(manifest.root_seed, 0, 0))["org"])
    except Exception:  # noqa: BLE001 - a report is written whatever the organisation's files
        return []
    sizes = np.bincount(org.division)
    ties = org.ties.nnz
    cross = int(org.cross_division_ties.sum())
    return [
        ("people", f"{org.n:,}" + (" (from the client's chart)" if params.org.chart else "")),
        ("divisions", f"{org.n_divisions:,} ({sizes.min():,}–{sizes.max():,} people each)"),
        ("levels of hierarchy", f"{int(org.depth.max()) + 1 if org.n else 0}"),
        ("ties per person", f"{ties / max(org.n, 1):.1f} (trust {org.ties.data.mean():.2f} on "
                            "average)" if ties else "0"),
        ("ties that cross divisions", f"{100 * cross / ties:.0f}%" if ties else "—"),
        ("boundary spanners", f"{int(org.is_spanner.sum()):,}"),
        ("unofficial groups at the start", f"{len(org.groups):,}"),
    ]


def _odd_link(folder: Path) -> str:
    """The relative link to the model's ODD description from a folder inside the checkout.

    Empty for a folder elsewhere (a client's results), whose page names the file instead.
    """
    root = Path(__file__).resolve().parents[2]
    odd, here = root / "docs" / "model.md", folder.resolve()
    if not odd.is_file() or not here.is_relative_to(root):
        return ""
    return Path(os.path.relpath(odd, here)).as_posix()


def _after_first_section(body: str, section: str) -> str:
    """``section`` inserted before the body's second ``<h2>`` (or at its end)."""
    first = body.find("<h2")
    second = body.find("<h2", first + 1) if first >= 0 else -1
    return body + section if second < 0 else body[:second] + section + "\n" + body[second:]


def _embedded(folder: Path, source: str, alt: str) -> str:
    """An ``<img>`` whose PNG is inside the page (a ``data:`` URI)."""
    path = folder / source
    if not path.is_file():
        return f"<p><em>(figure {source} missing)</em></p>"
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{alt}" src="data:image/png;base64,{data}">'


def _title(text: str, manifest: Manifest) -> str:
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    return first.lstrip("# ").strip() or manifest.name


def _facts(manifest: Manifest) -> list[tuple[str, str]]:
    provenance = manifest.provenance or {}
    versions = provenance.get("versions", {})
    machine = provenance.get("machine", {})
    return [(name, str(value)) for name, value in [
        ("experiment", manifest.name),
        ("command", manifest.command),
        ("design", manifest.design),
        ("runs", f"{manifest.runs:,} ({manifest.replications} generations of "
                 f"{manifest.samples:,} and the posterior predictive runs, root seed "
                 f"{manifest.root_seed})" if manifest.command == "calibrate" else
                 f"{manifest.runs:,} ({manifest.replications} replications, root seed "
                 f"{manifest.root_seed})"),
        ("weeks per run", manifest.steps),
        ("versions", ", ".join(f"{k} {v}" for k, v in versions.items())),
        ("machine", f"{machine.get('architecture', '?')}, {machine.get('processor', '?')}"),
        ("commit", provenance.get("git_commit", "?")),
        ("created", provenance.get("created_utc", "?")),
        ("digest of the experiment", manifest.digest),
    ]]


def _inputs(manifest: Manifest) -> list[tuple[str, str]]:
    """``(file, sha256)`` of the scenario, the experiment file, organisation files, posterior."""
    found = [(str(entry["file"]), str(entry.get("sha256")))
             for entry in (manifest.scenario, manifest.experiment_file)
             if isinstance(entry, dict) and entry.get("file")]
    org_files = (manifest.scenario or {}).get("org_files") or {}
    posterior = [(str(manifest.posterior["file"]), str(manifest.posterior.get("sha256")))
                 ] if manifest.posterior else []
    return (found + [(str(name), str(digest)) for name, digest in org_files.items()]
            + posterior)
