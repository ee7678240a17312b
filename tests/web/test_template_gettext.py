"""`_()` in templates: the page's language, escaped variables, and `%%` as a percent sign."""

from __future__ import annotations

from creative_hub.web import i18n
from creative_hub.web.render import templates


def _render(source: str, **context: object) -> str:
    return templates.env.from_string(source).render(**context)


def test_translated_escaped_and_formatted_as_jinja_newstyle_does() -> None:
    token = i18n.current_locale.set("zh")
    try:
        assert _render('{{ _("Retry") }}') == "重试"
    finally:
        i18n.current_locale.reset(token)
    assert _render('{{ _("Retry") }}') == "Retry"
    assert _render('{{ _("Edit %(name)s", name=n) }}', n="<b>x</b>") == "Edit &lt;b&gt;x&lt;/b&gt;"
    assert _render('{{ _("100%% sure") }}') == "100% sure"
    assert _render('{{ _("<em>ok</em>") }}') == "<em>ok</em>"  # the catalogue is trusted
