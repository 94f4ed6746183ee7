"""The loader's node classes (load.FastScalarNode ...): ruamel's subclasses, swapped into the C
composer only while netlint composes."""

from __future__ import annotations

import importlib

from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

from netlint import load
from netlint.model import SourceFile


def test_nodes_are_ruamels_and_the_composer_gets_its_classes_back() -> None:
    composer = importlib.import_module("_ruamel_yaml")
    loaded = load.load_text(SourceFile("a.yaml", None), "a: [1, x]\nb: {c: !!str 2}\n")
    node = loaded.documents[0].node
    assert isinstance(node, MappingNode)
    assert type(node).__name__ == "MappingNode"
    seq = node.value[0][1]
    assert isinstance(seq, SequenceNode)
    assert all(isinstance(item, ScalarNode) for item in seq.value)
    assert [item.tag for item in seq.value] == ["tag:yaml.org,2002:int", "tag:yaml.org,2002:str"]
    assert node.value[1][1].value[0][1].tag == "tag:yaml.org,2002:str"
    assert (node.anchor, node.comment, node.merge) == (None, None, None)
    assert loaded.documents[0].data == {"a": [1, "x"], "b": {"c": "2"}}
    assert composer.ScalarNode is ScalarNode
    assert composer.SequenceNode is SequenceNode
    assert composer.MappingNode is MappingNode
