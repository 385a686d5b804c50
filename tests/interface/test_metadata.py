"""Environment metadata: the comment header parser, and ``list_environments``."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tht_gen.interface import list_environments, read_metadata
from tht_gen.interface.metadata import PURPOSES

from ..conftest import TreeFactory
from .conftest import FIXTURES


def test_block_description_and_purpose() -> None:
    meta = read_metadata("# title: Network isolation\n# description: |\n#   Line one,\n#     indented.\n"
                         "# purpose: network\nresource_registry: {}\n")
    assert (meta.title, meta.description, meta.purpose) == ("Network isolation", "Line one,\n  indented.", "network")
    assert meta.lines == {"title": 1, "description": 2, "purpose": 5}


def test_folded_description_after_a_banner_and_jinja() -> None:
    meta = read_metadata("{%- set x = 1 %}\n# ****\n# Generated, do not edit.\n# ****\n# title: 'Quoted'\n"
                         "# description: >\n#   one\n#   two\n\nparameter_defaults: {}\n# title: not me\n")
    assert (meta.title, meta.description, meta.purpose) == ("Quoted", "one two", None)


def test_without_metadata_the_first_comment_paragraph_is_kept() -> None:
    meta = read_metadata("# A Heat environment that enables\n# the thing.\n#\n# More.\nparameters: {}\n")
    assert meta.title is None and meta.comment == "A Heat environment that enables the thing."


line = st.text(st.characters(min_codepoint=33, max_codepoint=126, blacklist_characters="#"), min_size=1,
               max_size=20).map(str.strip).filter(bool)


@given(title=line, description=st.lists(line, min_size=1, max_size=4), purpose=st.sampled_from(list(PURPOSES)),
       banner=st.lists(line, max_size=3))
def test_header_round_trip(title: str, description: list[str], purpose: str, banner: list[str]) -> None:
    """What upstream's sample environment generator writes (plus purpose) reads back as written."""
    text = "".join(f"# {b}\n" for b in banner if ":" not in b)
    text += f"# title: {title}\n# description: |\n" + "".join(f"#   {d}\n" for d in description)
    text += f"# purpose: {purpose}\nparameter_defaults: {{}}\n"
    meta = read_metadata(text)
    quoted = len(title) >= 2 and title[0] == title[-1] and title[0] in "'\""
    assert meta.title == (title[1:-1] if quoted else title)
    assert meta.description == "\n".join(description)
    assert meta.purpose == purpose


def test_list_groups_by_purpose_then_folder(tmp_tree: TreeFactory) -> None:
    tree = tmp_tree({
        "overcloud.yaml": "heat_template_version: wallaby\n",
        "environments/a.yaml": "# title: A\n# description: About A.\n# purpose: storage\nparameter_defaults: {}\n",
        "environments/ssl/b.yaml": "# title: B\n# description: About B.\nparameter_defaults: {}\n",
        "environments/c.yaml": "parameter_defaults: {}\n",
        "environments/odd.yaml": "# title: Odd\n# description: x\n# purpose: nonsense\nresource_registry: {}\n",
        "environments/not-an-env.yaml": "- just\n- a list\n",
        "environments/src.j2.yaml": "{{ not yaml }}\n",
    })
    listing = list_environments(tree)
    assert [(g, [e.file for e in items]) for g, _, items in listing.groups()] == [
        ("storage", ["environments/a.yaml"]), ("nonsense", ["environments/odd.yaml"]),
        ("ssl", ["environments/ssl/b.yaml"]), ("other", ["environments/c.yaml"])]
    assert {(d.location.file, d.location.path) for d in listing.diagnostics} == {
        ("environments/c.yaml", ("title",)), ("environments/c.yaml", ("description",)),
        ("environments/odd.yaml", ("purpose",))}


def test_list_of_the_fixture_tree_as_json() -> None:
    data = list_environments(FIXTURES / "tree").to_json()
    assert [g["group"] for g in data["groups"]] == ["services", "lifecycle", "other"]
    assert data["groups"][0]["environments"][0] == {
        "file": "environments/base.yaml", "source": None, "title": "Base settings",
        "description": "The NTP servers and the size of the control plane\nevery site starts from.",
        "purpose": "services", "comment": None}
