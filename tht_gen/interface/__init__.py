"""The deployment's interface made visible: its parameters and the environments that set them.

* :func:`parameters`: every parameter the deployment takes, across its nested
  templates, with its type, description, constraints, scope, group, role and
  (given environments) its effective value and the file that set it.
* :func:`explain_environments`: a stack of environment files merged as Heat
  merges them, every entry with the file that set it and the files whose
  values it replaced, and findings about them.
* :func:`list_environments`: the environment files of a tree with their
  title, description and purpose.

Everything returns data; nothing prints. A jinja2 source tree (the shipped
library by default) is rendered in memory first; nothing is written.
"""

from .explain import EnvironmentExplanation, explain_environments
from .merge import EnvironmentInput, MergeResult, merge_environments
from .metadata import EnvironmentInfo, EnvironmentList, Metadata, list_environments, read_metadata
from .params import EffectiveValue, ParameterInfo, ParameterSchema, parameters

__all__ = [
    "EffectiveValue",
    "EnvironmentExplanation",
    "EnvironmentInfo",
    "EnvironmentInput",
    "EnvironmentList",
    "MergeResult",
    "Metadata",
    "ParameterInfo",
    "ParameterSchema",
    "explain_environments",
    "list_environments",
    "merge_environments",
    "parameters",
    "read_metadata",
]
