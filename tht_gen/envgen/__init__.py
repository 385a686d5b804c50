"""Sample environment files generated from small declarative descriptions (``tht-gen env generate``).

An environment that switches on an optional service is mostly facts the
templates already hold: which template implements the service, which
parameters it reads, their types, defaults and descriptions. Written by
hand, those facts drift from the templates. Here a description says only
what is a choice — the title, the registry entries, the parameters to set
and their sample values — and the generator writes the file, documenting
every parameter from the template that declares it, and checking that each
one exists and that each value suits its type and constraints.

Description files live in ``environments/generator/*.yaml`` of a tree::

    environments:
      - file: environments/services/etcd.yaml      # the output, relative to the tree
        title: etcd                                   # one line
        purpose: services                             # optional (see tht-gen env list)
        description: |                                # lines kept as written
          Run etcd on the roles that list OS::TripleO::Services::Etcd ...
        resource_registry:                            # targets relative to the tree's root;
          OS::TripleO::Services::Etcd: services/etcd/etcd.yaml    # written relative to the file
        templates: [services/etcd/*.yaml]             # optional: whose declarations document
                                                      # the parameters first
        parameters:                                   # parameter_defaults, in this order
          EtcdInitialClusterState: new                # a sample value
          EtcdPort:                                   # the long form (always a mapping)
            template_default: true                    # the template's own default
            note: Why this value, for the reader of the file.
          EtcdExtraFlags:
            value: {election-timeout: 5000}           # a json value that is a mapping
        required: [EtcdInitialClusterToken]           # documented as "set in your own environment"

Each output starts with the metadata header ``tht-gen env list`` reads
(``# title:``, ``# description: |``, ``# purpose:``) and a marker naming the
description file; each parameter is preceded by its description, type,
template default, allowed values and the template that declares it.
Parameters are looked up in the ``templates`` first, then the registry
targets and the templates they nest, then every template of the tree (a
jinja2 source tree is rendered in memory first).

Findings (rules G001-G010, located in the description file): bad YAML or
shape, unknown keys (with "did you mean"), bad values, outputs outside the
tree or described twice, registry targets that do not exist, parameters no
template declares, values the parameter's type or constraints reject (as
Heat checks them), values for hidden parameters (secrets are never written),
``template_default`` without a default, ``templates`` patterns matching
nothing. With any error nothing is written.

:func:`generate_environments` writes the files that changed; with
``check=True`` it writes nothing and lists the stale ones (for CI). A file
carrying the marker that no description produces any more is removed.
"""

from .catalog import Catalog, Declaration, build_catalog
from .generate import COMMAND, GeneratedFile, GenerationResult, environment_text, generate_environments
from .spec import GENERATOR_DIR, DescriptionFile, EnvironmentSpec, ParameterSpec, parse_description

__all__ = [
    "COMMAND",
    "GENERATOR_DIR",
    "Catalog",
    "Declaration",
    "DescriptionFile",
    "EnvironmentSpec",
    "GeneratedFile",
    "GenerationResult",
    "ParameterSpec",
    "build_catalog",
    "environment_text",
    "generate_environments",
    "parse_description",
]
