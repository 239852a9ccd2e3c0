"""The post forms of an HTML page as a browser sees them, and what it sends for each."""

from html.parser import HTMLParser


class FormParser(HTMLParser):
    """The post forms of a page: their action and controls, as a browser sees them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self.form, self.select, self.textarea, self.option = [], None, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = {key: value if value is not None else "" for key, value in attrs}
        if tag == "form":
            if attrs.get("method", "get").lower() == "post":
                self.form = {"action": attrs.get("action", ""), "controls": [], "buttons": []}
                self.forms.append(self.form)
            return
        if self.form is None:
            return
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in ("submit", "image"):
                if attrs.get("name"):
                    self.form["buttons"].append((attrs["name"], attrs.get("value", "")))
            elif attrs.get("name") and kind not in ("reset", "button", "file"):
                self.form["controls"].append(
                    {
                        "name": attrs["name"],
                        "type": kind,
                        "value": attrs.get("value", "on" if kind in ("checkbox", "radio") else ""),
                        "checked": "checked" in attrs,
                        "placeholder": attrs.get("placeholder", ""),
                    }
                )
        elif tag == "button":
            if attrs.get("type", "submit").lower() == "submit" and attrs.get("name"):
                self.form["buttons"].append((attrs["name"], attrs.get("value", "")))
        elif tag == "select" and attrs.get("name"):
            self.select = {
                "name": attrs["name"],
                "type": "select",
                "options": [],
                "selected": [],
                "multiple": "multiple" in attrs,
            }
            self.form["controls"].append(self.select)
        elif tag == "option" and self.select is not None:
            self.option = {"value": attrs.get("value"), "text": ""}
            self.select["options"].append(self.option)
            if "selected" in attrs:
                self.select["selected"].append(self.option)
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = {"name": attrs["name"], "type": "textarea", "value": ""}
            self.form["controls"].append(self.textarea)

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = self.option = None
        elif tag == "option":
            self.option = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea["value"] += (
                data.removeprefix("\n") if not self.textarea["value"] else data
            )
        elif self.option is not None:
            self.option["text"] += data


def option_value(option) -> str:
    return option["value"] if option["value"] is not None else option["text"].strip()


def browser_data(form) -> list[tuple[str, str]]:
    """What a browser sends for the form as rendered (before choosing a submit button)."""
    data = []
    for control in form["controls"]:
        if control["type"] in ("checkbox", "radio"):
            if control["checked"]:
                data.append((control["name"], control["value"]))
        elif control["type"] == "select":
            chosen = control["selected"] or control["options"][:1]
            if not control["multiple"] or control["selected"]:
                data += [(control["name"], option_value(option)) for option in chosen]
        else:
            data.append((control["name"], control["value"]))
    return data


def as_post(pairs) -> dict[str, list[str]]:
    post: dict[str, list[str]] = {}
    for name, value in pairs:
        post.setdefault(name, []).append(value)
    return post
