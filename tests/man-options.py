#!/usr/bin/env python3
"""docs/man/remitline.8 against the option tables the parser reads (issue #18).

usage: man-options.py REMITLINE MANPAGE

`remitline help --options` prints "COMMAND --option" for every row of every subcommand's table
(gateway/cli.h: the same rows cli_getopt parses and `help COMMAND` prints). Each command must
have its entry in the man page's COMMANDS section (a .TP whose .B line starts with its name),
every option of its table must be named in that entry (--config once, in the SYNOPSIS), and
every --option the entry names must be in the table; and `remitline help COMMAND` must give
each option a line and end with an example of the command. "mutes --full-numbers" inside another
command's entry names that other command's option and is not counted.
"""
import re
import subprocess
import sys


def main():
    rl, man = sys.argv[1], sys.argv[2]
    out = subprocess.run([rl, "help", "--options"], capture_output=True, text=True, check=True)
    table = {}
    for line in out.stdout.splitlines():
        cmd, opt = line.split()
        table.setdefault(cmd, set()).add(opt[2:])
    for cmd in ("version", "help"):
        table.setdefault(cmd, set())
    text = re.sub(r"\\f[BIRP]", "", open(man, encoding="utf-8").read().replace("\\-", "-"))
    synopsis = text.split(".SH DESCRIPTION")[0]
    section = text.split(".SH COMMANDS", 1)[1].split("\n.SH ", 1)[0]
    entries = {}
    for chunk in section.split(".TP\n")[1:]:
        m = re.match(r"\.B (\S+)", chunk)
        if m:
            entries[m.group(1)] = chunk
    problems = []
    if "--config" not in synopsis and "-c" not in synopsis:
        problems.append(f"{man}: SYNOPSIS: -c FILE (--config) is every command's option")
    for cmd, opts in sorted(table.items()):
        if cmd not in entries:
            problems.append(f"{man}: COMMANDS has no entry for '{cmd}' (options: "
                            f"{', '.join('--' + o for o in sorted(opts)) or 'none'})")
            continue
        body = entries[cmd]
        named = set()
        for m in re.finditer(r"(?<![A-Za-z0-9-])--([a-z][a-z-]*[a-z])", body):
            before = body[:m.start()].rstrip().rsplit(None, 1)
            if before and before[-1] in table and before[-1] != cmd:
                continue
            named.add(m.group(1))
        for o in sorted(opts - {"config"} - named):
            problems.append(f"{man}: '{cmd}' entry does not name --{o}, which the parser takes "
                            f"(remitline help {cmd})")
        for o in sorted(named - opts - {"help"}):  # --help: every command, main.c
            problems.append(f"{man}: '{cmd}' entry names --{o}, which the parser does not take")
    # Each command's help: one line an option, and an example of the command itself.
    for cmd, opts in sorted(table.items()):
        h = subprocess.run([rl, "help", cmd], capture_output=True, text=True).stdout
        for o in opts:
            if not re.search(rf"^  (-\w, |    )--{re.escape(o)}\b.* \S", h, re.M):
                problems.append(f"remitline help {cmd}: no line for --{o}")
        if not re.search(rf"^example:\n  remitline {cmd}\b", h, re.M):
            problems.append(f"remitline help {cmd}: no example")
    for cmd in sorted(set(entries) - set(table)):
        problems.append(f"{man}: COMMANDS has an entry for '{cmd}', which is no command")
    print("\n".join(problems) if problems else f"{man}: {len(table)} commands agree with "
          "their option tables")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
