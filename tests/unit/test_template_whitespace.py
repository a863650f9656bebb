"""Templates lose their indentation at compile time, never a word's space."""

from __future__ import annotations

from jinja2 import DictLoader, Environment

from app.web.template_whitespace import Dedent

PAGE = """<ul>
  {% for item in items %}
    <li>{{ item }}</li>
  {% endfor %}
</ul>
<p>
  Text lines keep
  their indentation
  {{ "and" }} words stay apart.
</p>
"""


def render(name: str) -> str:
    env = Environment(loader=DictLoader({name: PAGE}), extensions=[Dedent], autoescape=True)
    return env.get_template(name).render(items=["a", "b"])


def test_html_templates_lose_their_indentation_and_empty_statement_lines() -> None:
    assert render("page.html") == (
        "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"
        "<p>\n  Text lines keep\n  their indentation\nand words stay apart.\n</p>"
    )


def test_other_templates_are_left_as_written() -> None:
    assert render("mail.txt") == Environment(
        loader=DictLoader({"m": PAGE}), autoescape=True
    ).get_template("m").render(items=["a", "b"])
