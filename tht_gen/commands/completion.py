"""``tht-gen completion bash|zsh|fish``: a shell completion script, generated from the command's own
argument parser (so it always knows every subcommand, option and choice of this version).

The script holds the command tree as data and runs nothing at completion
time: completing is instant, and needs no Python. Subcommands, options,
the choices of options (``--format text|json``), files for options that
take a file and folders for those that take a folder are completed.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

ORDER = 200
SHELLS = ("bash", "zsh", "fish")

EXAMPLES = """\
examples:
  tht-gen completion bash > ~/.local/share/bash-completion/completions/tht-gen
  source <(tht-gen completion bash)                  this shell only
  tht-gen completion zsh > ~/.zsh/tht-gen.zsh        then, in ~/.zshrc after compinit:
                                                     source ~/.zsh/tht-gen.zsh
  tht-gen completion fish > ~/.config/fish/completions/tht-gen.fish

exit status: 0 the script was printed, 2 bad usage (an unknown shell)
"""

_DIR_WORDS = ("DIR", "OUT")
_FILE_WORDS = ("FILE", "PATH", "ROLES", "NETWORKS", "ENV", "CONFIG", "TREE")
_FILE_DESTS = frozenset({"roles_data", "network_data", "environments", "output", "config", "file", "paths",
                         "out", "path"})
_DIR_DESTS = frozenset({"base_path", "output_dir", "roles_path"})


@dataclass
class Option:
    flags: list[str]
    value: str          # "" (a flag), "file", "dir", "any", or "choices:a b c"
    help: str = ""


@dataclass
class Command:
    path: tuple[str, ...]
    help: str = ""
    children: dict[str, Command] = field(default_factory=dict)
    options: list[Option] = field(default_factory=list)
    positional: str = ""  # what a positional argument takes: "file", "choices:...", or "" (nothing to offer)

    def walk(self) -> Iterator[Command]:
        yield self
        for child in self.children.values():
            yield from child.walk()

    @property
    def key(self) -> str:
        return " ".join(("tht-gen", *self.path))


def _value_kind(action: argparse.Action) -> str:
    if action.nargs == 0:
        return ""
    if action.choices:
        return "choices:" + " ".join(str(c) for c in action.choices)
    metavar = str(action.metavar or "").upper()
    dest = str(action.dest)
    if dest in _DIR_DESTS or any(w in metavar for w in _DIR_WORDS):
        return "dir"
    if dest in _FILE_DESTS or any(w in metavar for w in _FILE_WORDS):
        return "file"
    return "any"


def command_tree(parser: argparse.ArgumentParser, path: tuple[str, ...] = (), help_text: str = "") -> Command:
    """The parser's subcommands, options and arguments."""
    node = Command(path, help_text)
    helps: dict[str, str] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                helps[choice.dest] = str(choice.help or "")
            for name, sub in action.choices.items():
                node.children[name] = command_tree(sub, (*path, name), helps.get(name, ""))
        elif action.option_strings:
            if action.help == argparse.SUPPRESS:
                continue
            node.options.append(Option(list(action.option_strings), _value_kind(action), str(action.help or "")))
        elif not node.positional:
            kind = _value_kind(action)
            metavar = str(action.metavar or action.dest).upper()
            node.positional = kind if kind.startswith("choices:") else "" if "NAME" in metavar else "file"
    return node


# -- bash (and zsh, through bashcompinit) ----------------------------------------------------------


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _bash_table(tree: Command) -> list[str]:
    lines = ['    case "$1:$2" in']
    for node in tree.walk():
        if node.children:
            lines.append(f"        {_quote('sub:' + node.key)}) REPLY={_quote(' '.join(node.children))} ;;")
        flags = [f for option in node.options for f in option.flags]
        lines.append(f"        {_quote('opts:' + node.key)}) REPLY={_quote(' '.join(flags))} ;;")
        for option in node.options:
            if option.value:
                for flag in option.flags:
                    lines.append(f"        {_quote('arg:' + node.key + '|' + flag)}) REPLY={_quote(option.value)} ;;")
        if node.positional:
            lines.append(f"        {_quote('pos:' + node.key)}) REPLY={_quote(node.positional)} ;;")
    lines.append('        *) REPLY="" ;;')
    lines.append("    esac")
    return lines


_BASH_FUNCTION = r"""
_tht_gen_reply() {
    # $1: what to offer ("file", "dir", "choices:a b", "words:a b"); $2: the word so far; $3: a prefix
    local w out
    COMPREPLY=()
    case "$1" in
        file|dir)
            if [ -n "${ZSH_VERSION-}" ]; then
                # zsh's compgen emulation ignores the word typed: glob for it instead.
                setopt localoptions nullglob
                for w in "$2"*; do
                    if [ "$1" = dir ] && [ ! -d "$w" ]; then continue; fi
                    if [ -d "$w" ]; then w="$w/"; fi
                    COMPREPLY+=("$w")
                done
            else
                type compopt >/dev/null 2>&1 && compopt -o filenames 2>/dev/null
                if [ "$1" = dir ]; then COMPREPLY=($(compgen -d -- "$2")); else COMPREPLY=($(compgen -f -- "$2")); fi
            fi ;;
        choices:*|words:*)
            # $(...) splits in bash and zsh alike (a bare $var does not split in zsh).
            for w in $(printf '%s' "${1#*:}"); do
                case "$w" in "$2"*) COMPREPLY+=("$w") ;; esac
            done ;;
    esac
    if [ -n "$3" ]; then
        out=()
        for w in "${COMPREPLY[@]}"; do out+=("$3$w"); done
        COMPREPLY=("${out[@]}")
    fi
}

_tht_gen() {
    local REPLY cur prev key word i
    cur="${COMP_WORDS[COMP_CWORD]}"
    key="tht-gen"
    i=1
    while [ "$i" -lt "$COMP_CWORD" ]; do
        word="${COMP_WORDS[$i]}"
        case "$word" in
            -*=*) ;;
            -*) _tht_gen_data arg "$key|$word"
                if [ -n "$REPLY" ]; then i=$((i + 1)); fi ;;
            *) _tht_gen_data sub "$key"
               case " $REPLY " in *" $word "*) key="$key $word" ;; esac ;;
        esac
        i=$((i + 1))
    done
    prev=""
    if [ "$COMP_CWORD" -gt 1 ]; then prev="${COMP_WORDS[$((COMP_CWORD - 1))]}"; fi
    case "$cur" in
        --*=*) _tht_gen_data arg "$key|${cur%%=*}"
               _tht_gen_reply "$REPLY" "${cur#*=}" "${cur%%=*}="
               return 0 ;;
    esac
    case "$prev" in
        -*) _tht_gen_data arg "$key|$prev"
            if [ -n "$REPLY" ]; then _tht_gen_reply "$REPLY" "$cur" ""; return 0; fi ;;
    esac
    case "$cur" in
        -*) _tht_gen_data opts "$key"; _tht_gen_reply "words:$REPLY" "$cur" ""; return 0 ;;
    esac
    _tht_gen_data sub "$key"
    if [ -n "$REPLY" ]; then _tht_gen_reply "words:$REPLY" "$cur" ""; return 0; fi
    _tht_gen_data pos "$key"
    _tht_gen_reply "$REPLY" "$cur" ""
}
"""


def bash_script(tree: Command, version: str, shell: str = "bash") -> str:
    header = [f"# {shell} completion for tht-gen {version}, generated by `tht-gen completion {shell}`."]
    if shell == "zsh":
        header += ["# In ~/.zshrc: source <(tht-gen completion zsh)",
                   "(( ${+functions[compdef]} )) || { autoload -U +X compinit && compinit -u; }",
                   "autoload -U +X bashcompinit && bashcompinit"]
    else:
        header += ["# Install: tht-gen completion bash > ~/.local/share/bash-completion/completions/tht-gen",
                   "# or, for this shell only: source <(tht-gen completion bash)"]
    body = ["_tht_gen_data() {", *_bash_table(tree), "}", _BASH_FUNCTION.strip("\n"), "",
            "complete -F _tht_gen tht-gen"]
    return "\n".join([*header, "", *body]) + "\n"


# -- fish -----------------------------------------------------------------------------------------


def _fish_text(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _first_sentence(text: str) -> str:
    text = re.sub(r"\s+", " ", text.replace("%(default)s", "")).strip()
    return text.split(". ")[0].rstrip(".")[:80]


def fish_script(tree: Command, version: str) -> str:
    lines = [f"# fish completion for tht-gen {version}, generated by `tht-gen completion fish`.",
             "# Install: tht-gen completion fish > ~/.config/fish/completions/tht-gen.fish",
             "complete -c tht-gen -f"]
    for node in tree.walk():
        condition = _fish_condition(tree, node)
        for name, child in node.children.items():
            lines.append(f"complete -c tht-gen -n {_fish_text(condition)} -a {_fish_text(name)} "
                         f"-d {_fish_text(_first_sentence(child.help))}")
        for option in node.options:
            parts = ["complete -c tht-gen", f"-n {_fish_text(condition)}"]
            for flag in option.flags:
                parts.append(f"-l {flag[2:]}" if flag.startswith("--") else f"-s {flag[1:]}" if len(flag) == 2
                             else f"-o {flag[1:]}")
            if option.value.startswith("choices:"):
                parts.append(f"-x -a {_fish_text(option.value[len('choices:'):])}")
            elif option.value == "file":
                parts.append("-r -F")
            elif option.value == "dir":
                parts.append("-x -a '(__fish_complete_directories)'")
            elif option.value:
                parts.append("-x")
            if option.help:
                parts.append(f"-d {_fish_text(_first_sentence(option.help))}")
            lines.append(" ".join(parts))
        if not node.children and node.positional == "file" and node.path:
            lines.append(f"complete -c tht-gen -n {_fish_text(condition)} -F")
        elif not node.children and node.positional.startswith("choices:"):
            lines.append(f"complete -c tht-gen -n {_fish_text(condition)} -a "
                         f"{_fish_text(node.positional[len('choices:'):])}")
    return "\n".join(lines) + "\n"


def _fish_condition(tree: Command, node: Command) -> str:
    """True when the command line is at ``node``: its path's words seen, and none of its children's."""
    parts = []
    current = tree
    for word in node.path:
        parts.append(f"__fish_seen_subcommand_from {word}")
        current = current.children[word]
    if node.children:
        parts.append("not __fish_seen_subcommand_from " + " ".join(node.children))
    elif not node.path:
        parts.append("__fish_use_subcommand")
    return "; and ".join(parts) if parts else "true"


def completion_script(shell: str, parser: argparse.ArgumentParser | None = None) -> str:
    """The completion script for ``shell`` (bash, zsh or fish) of ``tht-gen``'s parser."""
    from .. import __version__
    from ..cli import build_parser

    tree = command_tree(parser or build_parser())
    if shell == "fish":
        return fish_script(tree, __version__)
    if shell in ("bash", "zsh"):
        return bash_script(tree, __version__, shell)
    raise ValueError(f"unknown shell {shell!r} (one of {', '.join(SHELLS)})")


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "completion", help="print a shell completion script (bash, zsh, fish)",
        description=("Print a completion script for bash, zsh or fish, generated from this tht-gen's own "
                     "command tree: subcommands, options, the choices of options, files and folders."),
        epilog=EXAMPLES, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("shell", choices=SHELLS, help="the shell to complete in")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, out: Any) -> int:
    sys.stdout.write(completion_script(args.shell))
    return 0
