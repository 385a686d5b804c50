"""Deploy a template tree to a Heat service, and read what a deployed stack produced.

Talks to Heat through openstacksdk (clouds.yaml conventions: ``--cloud NAME``
names an entry of ``clouds.yaml``). Never prints: progress comes back through
a callback, results as values, problems as :class:`DeployError`.
"""

from .client import DeployError, connect
from .deploy import DeployResult, StackEvent, delete, deploy, prepare_stack_input, stack_status
from .outputs import ConfigDownload, fetch_outputs, write_config_download

__all__ = [
    "ConfigDownload",
    "DeployError",
    "DeployResult",
    "StackEvent",
    "connect",
    "delete",
    "deploy",
    "fetch_outputs",
    "prepare_stack_input",
    "stack_status",
    "write_config_download",
]
