"""One request of the measure editor page, from the posted input to what the page shows: the tables
checked (``posted``), a row added, an edit conflict recognised and merged
(``selectors.measure_conflict_merge``), the input validated and saved (``services.measure_save``); and
the live totals of unsaved input. The views parse the request, call these and render the
``EditorPage`` they return.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy

from funding import kuf
from measures.models import Measure
from projects.forms import version_field
from projects.locking import EditConflict
from projects.models import Concept

from . import selectors, services
from .forms import ROW_ACTIONS, EditorForms, editor_forms_build, editor_tables_build
from .posted import detach_stale_rows, posted_table
from .selectors import EDITOR_TABLES, MeasureConflict

TABLE_INCOMPLETE = gettext_lazy(
    "Die Seite ist unvollständig geladen: Die Tabelle „%(table)s“ kam nicht vollständig an. Es wurde "
    "nichts gespeichert; die Tabellen zeigen wieder den gespeicherten Stand, Ihre übrigen Eingaben stehen "
    "unverändert im Formular."
)
TABLE_FOREIGN = gettext_lazy(
    "Zeile %(n)s der Tabelle „%(table)s“ gehört nicht zu dieser Maßnahme. Es wurde nichts gespeichert; "
    "die Tabellen zeigen wieder den gespeicherten Stand. Bitte laden Sie die Seite neu."
)


@dataclass
class EditorPage:
    """What the editor answers: the measure ``saved`` (the view redirects), or the page again with the
    ``forms``, its ``status``, the ``conflict`` box and the ``errors`` no field shows.
    ``municipalities`` are those whose KuF rows a save concerned (before and after a move)."""

    concept: Concept
    measure: Measure | None
    forms: EditorForms | None = None
    status: int = 200
    conflict: MeasureConflict | None = None
    errors: list[str] = field(default_factory=list)
    saved: Measure | None = None
    municipalities: set[int] = field(default_factory=set)
    unchanged: bool = False  # the save found nothing to change (the version stayed)

    def context(self) -> dict:
        """The context of ``funding/measure_form.html``. One query (the totals' rates), and the forms'."""
        forms = self.forms
        return {
            "concept": self.concept,
            "measure": self.measure,
            "form": forms.profile,
            "costs": forms.costs,
            "modules": forms.modules,
            "indicators": forms.indicators,
            "row": selectors.measure_editor_totals(
                concept=self.concept, measure=self.measure, costs=forms.costs, modules=forms.modules
            ),
            "conflict": self.conflict,
            "extra_errors": self.errors,
        }


def measure_editor_load(*, concept: Concept, measure: Measure | None) -> EditorPage:
    """The editor as it opens: the stored measure, or an empty new one of ``concept`` (None)."""
    return EditorPage(
        concept=concept, measure=measure, forms=editor_forms_build(concept=concept, measure=measure)
    )


def measure_editor_submit(
    *,
    concept: Concept,
    measure: Measure | None,
    reload: Callable[[], Measure],
    data: QueryDict,
    files,
    user,
) -> EditorPage:
    """Handle one POST of the editor for ``measure`` (None: a new measure of ``concept``); ``data`` and
    ``files`` are the request's, ``reload()`` returns the measure as stored now (the view's access
    helper). The button pressed (``_action``) decides:

    - First every table is checked. Row counts the page never writes (``posted.posted_table``), a stored
      row the page does not mention although it was loaded at the current version, or a row id that is
      not one of the measure's rows and never was (rows deleted since are fine): the page again (400)
      with a message, the profile input kept, the tables showing the stored rows; nothing is saved.
    - Rows the page holds whose stored row was deleted meanwhile become new rows
      (``posted.detach_stale_rows``).
    - "Zeile hinzufügen" (``forms.ROW_ACTIONS``) and "Summen berechnen": the page again with a row more
      (focused) or with the totals; nothing is saved.
    - Saving over a version older than the stored one, or with a row deleted meanwhile, or when the
      service reports a conflict: the conflict (409), the input merged with what is stored now
      (``selectors.measure_conflict_merge``).
    - Otherwise the input is validated and saved (``services.measure_save``; only rows marked for
      removal are deleted) and ``saved`` is set; invalid input gives the page again with its errors.
    """
    data = data.copy()
    action = data.get("_action", "save")
    current = selectors.measure_row_ids(measure=measure)
    complete = measure is not None and _posted_version(data) == measure.version
    errors = _table_errors(data, measure=measure, current=current, complete=complete)
    if errors:
        forms = editor_forms_build(
            concept=concept, measure=measure, data=data, files=files, bind_tables=False
        )
        return EditorPage(concept, measure, forms, status=400, errors=errors)
    stale = {}
    if measure is not None:
        for prefix in EDITOR_TABLES:
            if moved := detach_stale_rows(data, prefix=prefix, current_ids=current[prefix]):
                stale[prefix] = moved
    if action in ROW_ACTIONS:
        prefix = ROW_ACTIONS[action]
        data[f"{prefix}-TOTAL_FORMS"] = str(int(data[f"{prefix}-TOTAL_FORMS"]) + 1)
    forms = editor_forms_build(concept=concept, measure=measure, data=data, files=files)
    version = forms.profile.loaded_version()
    if action != "save":
        if stale:
            conflict = selectors.measure_conflict(
                measure=measure, version=version, related_seen=None, deleted=stale
            )
            forms.show_row_notes(conflict.row_notes)
        if action in ROW_ACTIONS:
            forms.focus_last_row(ROW_ACTIONS[action])
        return EditorPage(concept, measure, forms)
    if version is not None and (stale or version != measure.version):
        # Someone saved since the page was loaded, or deleted a row it holds: the service would refuse
        # the save, so the conflict is shown before the tables are validated.
        return _conflict_page(concept, measure, forms, stale=stale)
    if not forms.is_valid():
        return EditorPage(concept, measure, forms)
    errors = services.financing_errors(modules=forms.modules.rows())
    if errors:
        return EditorPage(concept, measure, forms, errors=errors)
    try:
        saved = services.measure_save(
            concept=concept,
            measure=measure,
            profile=forms.profile.profile(),
            cost_lines=forms.costs.rows(),
            modules=forms.modules.rows(),
            indicators=forms.indicators.rows(),
            removed=forms.removed(),
            expected_version=version,
            related_seen=forms.profile.related_seen_ids(),
            user=user,
        )
    except EditConflict:
        # Someone saved in the meantime, or changed the related measures through another measure.
        return _conflict_page(concept, reload(), forms, stale={})
    except ValidationError as error:
        errors = _attach(error, forms.profile)
        # The service may have set the input on the object before refusing it.
        return EditorPage(concept, reload() if measure is not None else None, forms, errors=errors)
    before = {measure.municipality_id} if measure is not None else set()  # a move concerns both
    unchanged = measure is not None and saved.version == version
    return EditorPage(
        concept, measure, saved=saved, municipalities=before | {saved.municipality_id}, unchanged=unchanged
    )


def measure_editor_preview(*, concept: Concept, measure: Measure | None, data: QueryDict) -> kuf.KufRow:
    """The totals of the editor's unsaved input (``data``: the POST) for the htmx preview; saves
    nothing. A row whose stored row was deleted meanwhile still counts; a table whose row counts the
    page never writes counts as empty."""
    data = data.copy()
    if measure is not None:
        current = selectors.measure_row_ids(measure=measure)
        for prefix in EDITOR_TABLES:
            detach_stale_rows(data, prefix=prefix, current_ids=current[prefix])
    tables = editor_tables_build(concept=concept, measure=measure, data=data)
    return selectors.measure_editor_totals(
        concept=concept, measure=measure, costs=tables["costs"], modules=tables["modules"]
    )


def _posted_version(data: QueryDict) -> int | None:
    try:
        return version_field().clean(data.get("version"))
    except ValidationError:
        return None


def _table_errors(
    data: QueryDict, *, measure: Measure | None, current: dict[str, set[int]], complete: bool
) -> list[str]:
    """The messages for the posted tables that are not whole (see ``measure_editor_submit``).
    ``complete``: the page was loaded at the current version, so it must mention every stored row.
    One query per table that names ids not stored now (rows deleted since are looked up in the
    history)."""
    tables = {prefix: posted_table(data, prefix=prefix) for prefix in EDITOR_TABLES}
    broken = [
        prefix
        for prefix, table in tables.items()
        if table is None or (complete and not current[prefix] <= set(table.stored_ids))
    ]
    unmatched = {
        prefix: set(table.stored_ids) - current[prefix]
        for prefix, table in tables.items()
        if table is not None
    }
    former = selectors.measure_former_row_ids(measure=measure, ids=unmatched) if measure is not None else {}
    errors = [TABLE_INCOMPLETE % {"table": EDITOR_TABLES[prefix].label} for prefix in broken]
    for prefix, ids in unmatched.items():
        foreign = ids - former.get(prefix, set())
        errors += [
            TABLE_FOREIGN % {"n": n, "table": EDITOR_TABLES[prefix].label}
            for n, pk in enumerate(tables[prefix].stored_ids, start=1)
            if pk in foreign
        ]
    return errors


def _conflict_page(
    concept: Concept, current: Measure, posted: EditorForms, *, stale: dict[str, list[tuple[int | None, int]]]
) -> EditorPage:
    """The page after a conflict (409): the changes since the user's version, the user's input with the
    cells that differ from the stored values marked, rows others added put in, and the form moved to
    the current version, so that saving again applies the input deliberately. ``posted`` are the forms
    of the request, ``current`` the measure as stored now.

    Queries, however many rows: the stored tables (4), the conflict (``selectors.measure_conflict``),
    and the page (the forms bound to the rewritten input, validated once, and its totals)."""
    data = posted.profile.data
    programmes = posted.modules.form_kwargs["programmes"]
    conflict = selectors.measure_conflict_merge(
        data=data,
        measure=current,
        stored=editor_tables_build(concept=concept, measure=current, programmes=programmes),
        version=posted.profile.loaded_version(),
        related_seen=posted.profile.related_seen_ids(),
        stale=stale,
        image_dropped=bool(posted.profile.files.get("image")),
    )
    forms = editor_forms_build(
        concept=concept, measure=current, data=data, files=posted.profile.files, programmes=programmes
    )
    forms.mark_saved()
    forms.show_row_notes(conflict.row_notes)
    return EditorPage(concept, current, forms, status=409, conflict=conflict)


def _attach(error: ValidationError, form) -> list[str]:
    """Put a service's ValidationError on the profile form's fields where it names one; return the rest."""
    rest = []
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            if name in form.fields:
                form.add_error(name, errors)
            else:
                rest.extend(message for e in errors for message in e.messages)
    else:
        rest.extend(error.messages)
    return rest
