"""Man pages against lint and against the programs: every page under man/ is clean under
`mandoc -Tlint -W warning`, and every long option that a built program (or one of its
subcommands) prints in --help appears in its page man/<tool>.1 or man/<tool>.8.
Programs that are not built yet are skipped."""

import glob
import os
import re
import shutil
import subprocess
import unittest

import harness

MAN_DIR = os.path.join(harness.SOURCE, "man")
TOOLS_DIR = os.path.join(harness.SOURCE, "tools")
LONG_OPTION = re.compile(r"(?<![\w-])(--[A-Za-z0-9][A-Za-z0-9_-]*)")
OVERSTRIKE = re.compile(r".\x08")  # mandoc's bold and underline in -Tascii output
MAX_SUBCOMMAND_DEPTH = 2


def man_pages():
    return sorted(p for p in glob.glob(os.path.join(MAN_DIR, "*.[1-8]")) if os.path.isfile(p))


def tools():
    return sorted(os.path.basename(os.path.dirname(d))
                  for d in glob.glob(os.path.join(TOOLS_DIR, "*", "")))


def page_of(tool):
    for section in ("1", "8"):
        path = os.path.join(MAN_DIR, f"{tool}.{section}")
        if os.path.isfile(path):
            return path
    return None


def rendered(page):
    """The page as plain text, one very long line per paragraph, so that no option is split
    by a line break. Without mandoc, the source with roff's escaped dashes undone."""
    if shutil.which("mandoc"):
        out = subprocess.run(["mandoc", "-Tascii", "-Owidth=1000", page], capture_output=True,
                             timeout=60)
        return OVERSTRIKE.sub("", out.stdout.decode(errors="replace"))
    with open(page, encoding="utf-8", errors="replace") as f:
        text = f.read().replace("\\-", "-")
    return re.sub(r"\bFl\s+(?=-)", "-", text)  # mdoc: ".Fl -name" renders as "--name"


def subcommands(help_text):
    """Names listed under a "Subcommands:" heading of CLI11-style help."""
    names, inside = [], False
    for line in help_text.splitlines():
        if re.match(r"^\s*Subcommands:\s*$", line):
            inside = True
            continue
        if inside:
            m = re.match(r"^\s+([A-Za-z0-9][\w-]*)", line)
            if not m:
                inside = False
                continue
            names.append(m.group(1))
    return names


def help_text(argv):
    result = subprocess.run(argv + ["--help"], capture_output=True, timeout=30)
    text = (result.stdout + result.stderr).decode(errors="replace")
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(argv)} --help exited {result.returncode}:\n{text}")
    return text


def options_of(argv, depth=0):
    """{option: where it was printed} for argv --help and its subcommands' --help."""
    text = help_text(argv)
    found = {opt: " ".join(argv[1:] + ["--help"]) for opt in LONG_OPTION.findall(text)}
    if depth < MAX_SUBCOMMAND_DEPTH:
        for sub in subcommands(text):
            for opt, where in options_of(argv + [sub], depth + 1).items():
                found.setdefault(opt, where)
    return found


class ManPagesTest(unittest.TestCase):
    def test_pages_are_lint_clean(self):
        pages = man_pages()
        if not pages:
            self.skipTest("no man pages under man/")
        if not shutil.which("mandoc"):
            self.skipTest("mandoc is not installed (scripts/setup installs it)")
        for page in pages:
            with self.subTest(page=os.path.basename(page)):
                out = subprocess.run(["mandoc", "-Tlint", "-W", "warning", page],
                                     capture_output=True, timeout=60)
                report = (out.stdout + out.stderr).decode(errors="replace")
                self.assertEqual(report, "", f"mandoc -Tlint -W warning {page}:\n{report}")

    def test_every_long_option_is_documented(self):
        checked = 0
        for tool in tools():
            try:
                binary = harness.binary(tool)
            except unittest.SkipTest:
                continue  # not built (yet)
            checked += 1
            with self.subTest(tool=tool):
                page = page_of(tool)
                self.assertIsNotNone(page, f"{tool} is built but has no man/{tool}.1 or .8")
                text = rendered(page)
                missing = [f"{opt} (from {tool} {where})"
                           for opt, where in sorted(options_of([binary]).items())
                           if not re.search(r"(?<![\w-])" + re.escape(opt) + r"(?![\w-])", text)]
                self.assertEqual(missing, [],
                                 f"{os.path.basename(page)} does not mention: " + ", ".join(missing))
        if checked == 0:
            self.skipTest("no program of tools/ is built")

    def test_subcommand_parser(self):
        text = ("Usage: dht [OPTIONS] SUBCOMMAND\n\nOptions:\n  -h,--help  Print\n\n"
                "Subcommands:\n  put                         store records\n"
                "  get-all                     read a channel\n\n")
        self.assertEqual(subcommands(text), ["put", "get-all"])
        self.assertEqual(subcommands("Options:\n  --listen HOST:PORT\n"), [])


if __name__ == "__main__":
    harness.main()
