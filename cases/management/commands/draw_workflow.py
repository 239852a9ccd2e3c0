"""Draw the case workflow from the code, so that the diagram in docs/ can never drift from the
transitions actually declared on `Case.status`.

django-fsm-2's own `graph_transitions` needs the `graphviz` Python package and emits nodes and
edges in set order; this command writes a stable DOT text itself (states in workflow order,
edges sorted) so that regenerating an unchanged workflow gives an unchanged file, and renders it
with Graphviz's `dot` binary when it is installed.
"""

import shutil
import subprocess
from pathlib import Path

import django_fsm as fsm
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.encoding import force_str

from cases.models.case import Case
from cases.status import CaseStatus

DOT_NAME = "case-workflow.dot"
SVG_NAME = "case-workflow.svg"


def _quote(text: str) -> str:
    """A DOT double-quoted string."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _states(value) -> list[str]:
    """The concrete states a transition's source or target stands for."""
    if isinstance(value, fsm.GET_STATE | fsm.RETURN_VALUE):
        return [str(state) for state in value.allowed_states or []]
    return [str(value)]


def workflow_edges() -> list[tuple[str, str, str]]:
    """(source, target, transition name) for every transition of Case.status, in workflow order."""
    field = Case._meta.get_field("status")
    all_states = list(CaseStatus.values)
    edges: set[tuple[str, str, str]] = set()
    for transition in field.get_all_transitions(Case):
        for target in _states(transition.target):
            if transition.source == fsm.ANY_STATE:
                sources = all_states
            elif transition.source == fsm.ANY_OTHER_STATE:
                sources = [state for state in all_states if state != target]
            else:
                sources = _states(transition.source)
            edges.update((source, target, transition.name) for source in sources)
    order = {state: index for index, state in enumerate(all_states)}
    return sorted(edges, key=lambda e: (order.get(e[0], 99), order.get(e[1], 99), e[2]))


def workflow_dot() -> str:
    """The DOT text of the case workflow: French state labels, transition names on the edges."""
    edges = workflow_edges()
    initial = str(Case._meta.get_field("status").default)
    with_exit = {source for source, _, _ in edges}
    lines = [
        "// Généré par `python manage.py draw_workflow` depuis cases/models/case.py : "
        "ne pas modifier à la main.",
        "digraph case_workflow {",
        '    graph [rankdir=LR, label="Cycle de vie d\'un cas RMM", labelloc=t, '
        'fontname="Helvetica"];',
        '    node [shape=box, style="rounded,filled", fillcolor="#f5f7fa", fontname="Helvetica"];',
        '    edge [fontname="Helvetica", fontsize=10];',
        '    "_initial" [shape=point, width=0.15, label=""];',
    ]
    for status in CaseStatus:
        attributes = [f"label={_quote(force_str(status.label))}"]
        if status.value not in with_exit:
            attributes.append("peripheries=2")
        lines.append(f"    {_quote(status.value)} [{', '.join(attributes)}];")
    lines.append(f'    "_initial" -> {_quote(initial)};')
    for source, target, name in edges:
        lines.append(f"    {_quote(source)} -> {_quote(target)} [label={_quote(name)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = (
        "Génère le schéma du cycle de vie d'un cas à partir des transitions déclarées dans le "
        "code : case-workflow.dot, et case-workflow.svg si Graphviz (dot) est installé."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=Path(settings.BASE_DIR) / "docs",
            help="Dossier où écrire les fichiers (défaut : docs/ à la racine du projet).",
        )

    def handle(self, *args, **options):
        output_dir: Path = options["output_dir"]
        output_dir.mkdir(parents=True, exist_ok=True)
        dot_path = output_dir / DOT_NAME
        dot_path.write_text(workflow_dot(), encoding="utf-8")
        self.stdout.write(f"Schéma écrit : {dot_path}")

        dot_binary = shutil.which("dot")
        if not dot_binary:
            self.stderr.write(
                "Graphviz (commande dot) introuvable : le fichier SVG n'a pas été généré."
            )
            return
        svg_path = output_dir / SVG_NAME
        try:
            subprocess.run(  # noqa: S603
                [dot_binary, "-Tsvg", str(dot_path), "-o", str(svg_path)],
                check=True,
                capture_output=True,
                text=True,
            )
        except subprocess.CalledProcessError as exc:
            raise CommandError(
                f"Graphviz n'a pas pu produire le SVG : {exc.stderr.strip()}"
            ) from exc
        self.stdout.write(f"Image écrite : {svg_path}")
