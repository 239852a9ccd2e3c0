"""The case list's repeated markup written in Python: its 25 rows and the filters' options.
Byte for byte what the template's loops wrote (tests/cases/test_list_html.py renders those
loops beside these functions), every text escaped as the template escaped it; the loops cost
the list more than its SQL."""

from django.utils.html import conditional_escape as escape
from django.utils.safestring import SafeString, mark_safe


def case_rows_html(rows) -> SafeString:
    """The table's rows (`cases.selectors.CaseRow`); the caller writes the empty-list row."""
    return mark_safe(  # noqa: S308 (every value escaped)
        "".join(
            "\n  <tr>\n"
            f'    <td><a href="{escape(row.url)}">{escape(row.code)}</a></td>\n'
            f"    <td>{escape(row.kind_label)}</td>\n"
            f"    <td>{escape(row.organisation_name)}</td>\n"
            '    <td><span class="badge text-bg-secondary">'
            f"{escape(row.status_label)}</span></td>\n"
            f"    <td>{escape(row.created_on)}</td>\n"
            "  </tr>\n  "
            for row in rows
        )
    )


def filter_fields_html(fields) -> SafeString:
    """The filters' fields (`cases.forms.FilterWidget`): label, select or text input, errors."""
    return mark_safe("".join(_field(field) for field in fields))  # noqa: S308 (escaped)


def _field(field) -> str:
    identifier = escape(field.id)
    invalid = f' aria-invalid="true" aria-describedby="{identifier}_error"' if field.errors else ""
    if field.options is not None:
        options = "".join(
            f'<option value="{escape(value)}"{" selected" if selected else ""}>'
            f"{escape(label)}</option>"
            for value, label, selected in field.options
        )
        control = (
            f'<select name="{escape(field.name)}" class="form-select" id="{identifier}"'
            f"{invalid}>{options}</select>\n    "
        )
    else:
        value = f' value="{escape(field.value)}"' if field.value else ""
        control = (
            f'<input type="text" name="{escape(field.name)}"{value} '
            f'placeholder="{escape(field.placeholder)}" class="form-control" '
            f'id="{identifier}"{invalid}>'
        )
    errors = ""
    if field.errors:
        errors = (
            f'<div id="{identifier}_error">'
            + "".join(
                f'<div class="invalid-feedback d-block">{escape(error)}</div>'
                for error in field.errors
            )
            + "</div>"
        )
    return (
        '\n  <div class="col-sm-6 col-md-2">\n'
        f'    <label class="form-label" for="{identifier}">{escape(field.label)}</label>\n'
        f"    {control}\n"
        f"    {errors}\n"
        "  </div>\n  "
    )
