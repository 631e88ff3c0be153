"""Reads the resolved scenario text with YAML 1.2 numbers.

agora writes numbers the YAML 1.2 way (`%g`: `1e-05`, `2e+20`), but PyYAML
follows YAML 1.1, where a float needs a dot and `1e-05` would come back as the
string "1e-05". This loader adds the 1.2 float pattern so that every number in
the file reads as a number, as agora meant it.
"""
import re

import yaml


class Yaml12Loader(yaml.SafeLoader):
    """SafeLoader that also resolves YAML 1.2 floats without a dot."""


_FLOAT_12 = re.compile(r"""^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?
                          |[-+]?\.(?:inf|Inf|INF)
                          |\.(?:nan|NaN|NAN))$""", re.X)

# Integers keep matching the int resolver first (it was added earlier for the
# same first characters), so only what 1.1 left as strings becomes a float here.
Yaml12Loader.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT_12,
                                   list("-+0123456789."))


def load(text):
    """Parses YAML text into Python objects (dicts, lists, numbers, strings)."""
    return yaml.load(text, Loader=Yaml12Loader)
